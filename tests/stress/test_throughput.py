from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.stress._throughput import FlowResult, KnownFlow, max_flow


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


@settings(max_examples=120, deadline=None)
@given(
    graphs,
    st.lists(st.tuples(st.integers(0, 17), st.integers(0, 20)), max_size=6),
    st.integers(1, 40),
    st.integers(0, 40),
)
def test_a_known_flow_gives_what_solving_again_gives(edges, lowered, source_cap, sink_drop) -> None:  # type: ignore[no-untyped-def]
    # Criticality closes elements one at a time (#13): where the flow before
    # the closure still fits, it is reused; value and cut must be those of a
    # fresh solve, whether it is reused or not.
    u, v, c = arrays(edges)
    sources, sinks = {0: source_cap, 1: 40}, {5: 40}
    before = max_flow(6, u, v, c, sources, sinks)
    after_c = c.copy()
    for edge, cap in lowered:
        if edge < len(c):
            after_c[edge] = min(after_c[edge], cap)
    after_sinks = {5: 40 - sink_drop}
    known = KnownFlow(c, sources, sinks, before)
    fresh = max_flow(6, u, v, after_c, sources, after_sinks)
    reused = max_flow(6, u, v, after_c, sources, after_sinks, known)
    assert reused.value == fresh.value
    assert reused.cut_edges.tolist() == fresh.cut_edges.tolist()
    assert reused.cut_sources == fresh.cut_sources
    assert reused.cut_sinks == fresh.cut_sinks
    assert (reused.edge_flow <= np.where(u != v, after_c, 0)).all()
    # The same gates: the known result may stand as it is (a closure off the source side).
    same_gates = max_flow(6, u, v, after_c, sources, sinks, known)
    fresh_gates = max_flow(6, u, v, after_c, sources, sinks)
    assert same_gates.value == fresh_gates.value
    assert same_gates.cut_edges.tolist() == fresh_gates.cut_edges.tolist()
    assert (same_gates.cut_sources, same_gates.cut_sinks) == (
        fresh_gates.cut_sources,
        fresh_gates.cut_sinks,
    )
    # A capacity that grows makes the known flow unusable (it may not be maximum).
    grown = max_flow(6, u, v, c + 5, sources, sinks, known)
    assert grown.value == max_flow(6, u, v, c + 5, sources, sinks).value


def test_closing_an_edge_without_flow_reuses_the_flow(monkeypatch: pytest.MonkeyPatch) -> None:
    # 0 -> 1 -> 3 carries the flow (the sink gate binds); 0 -> 2 -> 3 carries none.
    u, v, c = np.array([0, 1, 0, 2]), np.array([1, 3, 2, 3]), np.array([10, 10, 10, 10])
    before = max_flow(4, u, v, c, {0: 100}, {3: 10})
    assert before.edge_flow.tolist() == [10, 10, 0, 0]
    known = KnownFlow(c, {0: 100}, {3: 10}, before)
    import mobility.stress._throughput as throughput

    def unused(*args: object, **kwargs: object) -> None:
        raise AssertionError("solved again")

    monkeypatch.setattr(throughput, "maximum_flow", unused)
    closed = max_flow(4, u, v, np.array([10, 10, 0, 10]), {0: 100}, {3: 10}, known)
    assert closed.value == 10
    with pytest.raises(AssertionError, match="solved again"):
        max_flow(4, u, v, np.array([0, 10, 10, 10]), {0: 100}, {3: 10}, known)


def test_closing_an_edge_off_the_source_side_keeps_the_known_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The port gate (5 a day) is the cut: the source side is the super source
    # alone. Closing 2 -> 4, a branch without flow, leaves flow and cut as
    # they are, with no graph built or searched (#13: criticality sweeps).
    u, v, c = np.array([0, 1, 1, 2]), np.array([1, 3, 2, 4]), np.array([10, 10, 10, 10])
    before = max_flow(5, u, v, c, {0: 5}, {3: 100})
    assert before.value == 5 and before.cut_sources == (0,)
    assert before.source_side is not None and before.source_side.tolist() == [False] * 5 + [
        True,
        False,
    ]
    known = KnownFlow(c, {0: 5}, {3: 100}, before)
    closed_c = np.array([10, 10, 10, 0])
    fresh = max_flow(5, u, v, closed_c, {0: 5}, {3: 100})
    import mobility.stress._throughput as throughput

    def unused(*args: object, **kwargs: object) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr(throughput._FlowGraph, "of", unused)
    closed = max_flow(5, u, v, closed_c, {0: 5}, {3: 100}, known)
    assert closed is before
    assert (closed.value, closed.cut_sources, closed.cut_sinks) == (
        fresh.value,
        fresh.cut_sources,
        fresh.cut_sinks,
    )
    assert closed.cut_edges.tolist() == fresh.cut_edges.tolist()
    # Another gate capacity, or an edge with flow closed: solved as before.
    with pytest.raises(AssertionError, match="built again"):
        max_flow(5, u, v, closed_c, {0: 5}, {3: 90}, known)
    with pytest.raises(AssertionError, match="built again"):
        max_flow(5, u, v, np.array([10, 0, 10, 10]), {0: 5}, {3: 100}, known)
