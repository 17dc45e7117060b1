from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.stress.throughput import FlowResult, max_flow


def arrays(edges: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    u = np.array([e[0] for e in edges], dtype=np.int64)
    v = np.array([e[1] for e in edges], dtype=np.int64)
    c = np.array([e[2] for e in edges], dtype=np.int64)
    return u, v, c


def test_known_flow_and_cut_nearest_the_source() -> None:
    # 0 -> 1 (3), 0 -> 2 (2), 1 -> 3 (4), 2 -> 3 (1), 1 -> 2 (5): max flow 4, cut {0->1, 2->3}
    u, v, c = arrays([(0, 1, 3), (0, 2, 2), (1, 3, 4), (2, 3, 1), (1, 2, 5)])
    result = max_flow(4, u, v, c, {0: 100}, {3: 100})
    assert result.value == 4
    assert sorted(result.cut_edges.tolist()) == [0, 3]
    assert result.cut_sources == () and result.cut_sinks == ()
    assert result.edge_flow.tolist()[0] == 3


def test_gates_can_be_the_cut() -> None:
    u, v, c = arrays([(0, 1, 10)])
    source_bound = max_flow(2, u, v, c, {0: 4}, {1: 100})
    assert source_bound.value == 4 and source_bound.cut_sources == (0,)
    sink_bound = max_flow(2, u, v, c, {0: 100}, {1: 7})
    assert sink_bound.value == 7 and sink_bound.cut_sinks == (1,)


def test_parallel_edges_add_and_share_the_flow_in_order() -> None:
    u, v, c = arrays([(0, 1, 2), (0, 1, 3)])
    result = max_flow(2, u, v, c, {0: 100}, {1: 100})
    assert result.value == 5
    assert result.edge_flow.tolist() == [2, 3]
    assert sorted(result.cut_edges.tolist()) == [0, 1]


def test_no_source_or_sink_means_no_flow() -> None:
    u, v, c = arrays([(0, 1, 2)])
    assert max_flow(2, u, v, c, {}, {1: 5}).value == 0


graphs = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 20)), min_size=1, max_size=18
)


def cut_capacity(
    result: FlowResult, c: np.ndarray, sources: dict[int, int], sinks: dict[int, int]
) -> int:
    gates = sum(sources[n] for n in result.cut_sources) + sum(sinks[n] for n in result.cut_sinks)
    return int(c[result.cut_edges].sum()) + gates


@settings(max_examples=80, deadline=None)
@given(graphs, st.integers(1, 30), st.integers(1, 30))
def test_named_cut_capacity_equals_max_flow_and_networkx(edges, source_cap, sink_cap) -> None:  # type: ignore[no-untyped-def]
    u, v, c = arrays(edges)
    sources, sinks = {0: source_cap}, {5: sink_cap}
    result = max_flow(6, u, v, c, sources, sinks)
    assert cut_capacity(result, c, sources, sinks) == result.value
    graph = nx.DiGraph()
    graph.add_edge("S", 0, capacity=source_cap)
    graph.add_edge(5, "T", capacity=sink_cap)
    for a, b, cap in edges:
        if a != b:
            previous = graph.get_edge_data(a, b, {}).get("capacity", 0)
            graph.add_edge(a, b, capacity=previous + cap)
    assert result.value == nx.maximum_flow_value(graph, "S", "T")
    # Flow conservation at inner nodes and capacity on every edge.
    assert (result.edge_flow <= np.where(u != v, c, 0)).all()


@settings(max_examples=80, deadline=None)
@given(graphs, st.lists(st.integers(0, 17), max_size=6))
def test_removing_edges_never_increases_the_flow(edges, removed) -> None:  # type: ignore[no-untyped-def]
    u, v, c = arrays(edges)
    before = max_flow(6, u, v, c, {0: 50}, {5: 50}).value
    cut = c.copy()
    cut[[r for r in removed if r < len(c)]] = 0
    after = max_flow(6, u, v, cut, {0: 50}, {5: 50}).value
    assert after <= before
