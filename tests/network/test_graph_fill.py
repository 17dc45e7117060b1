from __future__ import annotations

from typing import Any

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.network._graph_fill import add_edges

EDGES = st.lists(
    st.tuples(
        st.integers(0, 6), st.integers(0, 6), st.dictionaries(st.sampled_from("abc"), st.integers())
    ),
    max_size=40,
)


def _structure(graph: nx.MultiDiGraph) -> tuple[Any, ...]:
    """Everything networkx keeps, in its order: nodes, successors, predecessors."""
    return (
        list(graph.nodes(data=True)),
        [(u, list(graph.succ[u].items())) for u in graph],
        [(v, list(graph.pred[v].items())) for v in graph],
        list(graph.edges(keys=True, data=True)),
    )


@settings(max_examples=150, deadline=None)
@given(EDGES, st.lists(st.integers(0, 6), max_size=4), st.booleans())
def test_add_edges_gives_the_graph_add_edges_from_gives(
    edges: list[tuple[int, int, dict[str, int]]], nodes: list[int], copy: bool
) -> None:
    expected = nx.MultiDiGraph(crs="EPSG:4326")
    expected.add_nodes_from((n, {"x": n}) for n in nodes)
    got = expected.copy()
    expected.add_edges_from(edges)
    add_edges(got, [(u, v, dict(d)) for u, v, d in edges], copy=copy)
    assert _structure(got) == _structure(expected)
    assert got.graph == expected.graph
    for u, v in got.edges():
        assert got._succ[u][v] is got._pred[v][u]  # one key dict per node pair, as networkx
    # Keys continue after the edges already there, as new_edge_key gives them.
    expected.add_edges_from(edges)
    add_edges(got, edges)
    assert _structure(got) == _structure(expected)


def test_copies_unless_told_not_to() -> None:
    data = {"a": 1}
    graph = nx.MultiDiGraph()
    add_edges(graph, [(1, 2, data)])
    assert graph.edges[1, 2, 0] == data and graph.edges[1, 2, 0] is not data
    add_edges(graph, [(1, 2, data)], copy=False)
    assert graph.edges[1, 2, 1] is data


def test_another_graph_class_goes_through_add_edges_from() -> None:
    class Keyed(nx.MultiDiGraph):  # type: ignore[misc]
        def new_edge_key(self, u: Any, v: Any) -> str:
            return f"{u}-{v}-{len(self._adj[u].get(v, {}))}"

    graph = Keyed()
    add_edges(graph, [(1, 2, {"a": 1}), (1, 2, {"a": 2})])
    assert list(graph.edges(keys=True)) == [(1, 2, "1-2-0"), (1, 2, "1-2-1")]
