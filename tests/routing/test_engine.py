from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.routing.edges import EdgeTable
from mobility.routing.engine import PathEngine
from tests.routing.conftest import make_graph


def _engine(graph: nx.MultiDiGraph) -> tuple[EdgeTable, PathEngine]:
    table = EdgeTable.from_graph(graph)
    engine = PathEngine(table.n_nodes, table.u, table.v, np.arange(table.n_edges), table.length_m)
    return table, engine


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 12), st.floats(0.5, 5000)),
        min_size=1,
        max_size=40,
    ),
    st.integers(0, 12),
)
def test_one_to_all_matches_networkx(edges: list[tuple[int, int, float]], source_node: int) -> None:
    graph = make_graph(((u, v, {"length_m": w}) for u, v, w in edges), two_way=False)
    if source_node not in graph:
        graph.add_node(source_node, x=0.0, y=0.0)
    table, engine = _engine(graph)
    distances, predecessors = engine.one_to_all(table.index(source_node))
    expected = nx.single_source_dijkstra_path_length(graph, source_node, weight="length_m")
    reached = {int(table.nodes[i]) for i in np.flatnonzero(np.isfinite(distances))}
    assert reached == set(expected)
    for node, distance in expected.items():
        assert distances[table.index(node)] == np.float64(distance) or abs(
            distances[table.index(node)] - distance
        ) < 1e-6 * max(1.0, distance)
        path = engine.path_edges(predecessors, table.index(source_node), table.index(node))
        assert path is not None
        assert sum(table.length_m[e] for e in path) == np.float64(distances[table.index(node)])


def test_parallel_edges_use_the_cheapest_and_weights_can_change() -> None:
    graph = make_graph(
        [(1, 2, {"length_m": 500.0}), (1, 2, {"length_m": 300.0}), (2, 3, {"length_m": 100.0})],
        two_way=False,
    )
    table, engine = _engine(graph)
    path = engine.shortest_path(table.index(1), table.index(3))
    assert path is not None
    assert [table.length_m[e] for e in path] == [300.0, 100.0]
    weights = table.length_m.copy()
    weights[path[0]] = 10_000.0
    engine.set_weights(weights)
    changed = engine.shortest_path(table.index(1), table.index(3))
    assert changed is not None and table.length_m[changed[0]] == 500.0


def test_unreachable_and_usable_subset() -> None:
    graph = make_graph([(1, 2, {}), (2, 3, {})], two_way=False)
    table = EdgeTable.from_graph(graph)
    only_first = np.array([0])
    engine = PathEngine(table.n_nodes, table.u, table.v, only_first, table.length_m)
    assert engine.shortest_path(table.index(1), table.index(3)) is None
    assert engine.shortest_path(table.index(3), table.index(1)) is None
    assert engine.shortest_path(table.index(1), table.index(1)) == []
