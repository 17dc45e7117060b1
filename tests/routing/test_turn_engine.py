from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.routing import turn_engine
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import MIN_WEIGHT, PathEngine
from mobility.routing.turn_engine import TurnPathEngine
from mobility.routing.turns import TurnArcs, candidate_turns
from tests.routing.conftest import make_graph

EDGES = st.lists(
    st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(0.5, 5000)),
    min_size=1,
    max_size=30,
)


def _table(edges: list[tuple[int, int, float]], source: int) -> EdgeTable:
    graph = make_graph(((u, v, {"length_m": w}) for u, v, w in edges), two_way=False)
    if source not in graph:
        graph.add_node(source, x=0.0, y=0.0)
    return EdgeTable.from_graph(graph)


def _arcs(table: EdgeTable, keep: np.ndarray | None = None, cost: float = 0.0) -> TurnArcs:
    from_edge, to_edge = candidate_turns(table)
    keep = np.ones(len(from_edge), dtype=bool) if keep is None else keep
    return TurnArcs(
        from_edge[keep],
        to_edge[keep],
        np.full(int(keep.sum()), cost),
        np.zeros(int(keep.sum()), dtype=bool),
    )


def _engine(table: EdgeTable, arcs: TurnArcs) -> TurnPathEngine:
    return TurnPathEngine(
        table.n_nodes, table.u, table.v, np.arange(table.n_edges), table.length_m, arcs
    )


def _line_graph_distances(table: EdgeTable, arcs: TurnArcs, source: int) -> dict[int, float]:
    """Brute force: networkx Dijkstra on the line graph with a virtual source."""
    line = nx.DiGraph()
    for e in np.flatnonzero(table.u == source).tolist():
        line.add_edge("s", e, weight=float(table.length_m[e]))
    for a, b in zip(arcs.from_edge.tolist(), arcs.to_edge.tolist(), strict=True):
        line.add_edge(a, b, weight=float(table.length_m[b]))
    reached = nx.single_source_dijkstra_path_length(line, "s") if "s" in line else {}
    best: dict[int, float] = {source: 0.0}
    for state, distance in reached.items():
        if state != "s":
            node = int(table.v[state])
            best[node] = min(best.get(node, np.inf), distance)
    return best


@settings(max_examples=60, deadline=None)
@given(EDGES, st.integers(0, 9))
def test_all_turns_allowed_is_node_dijkstra(
    edges: list[tuple[int, int, float]], source_node: int
) -> None:
    table = _table(edges, source_node)
    source = table.index(source_node)
    node = PathEngine(table.n_nodes, table.u, table.v, np.arange(table.n_edges), table.length_m)
    turn = _engine(table, _arcs(table))
    expected, _ = node.one_to_all(source)
    distances, tree = turn.one_to_all(source)
    np.testing.assert_allclose(distances, expected, rtol=1e-9)
    for target in np.flatnonzero(np.isfinite(distances)).tolist():
        path = turn.path_edges(tree, source, target)
        assert path is not None
        assert sum(table.length_m[e] for e in path) == np.float64(distances[target]) or abs(
            sum(table.length_m[e] for e in path) - distances[target]
        ) < 1e-6 * max(1.0, distances[target])


@settings(max_examples=80, deadline=None)
@given(EDGES, st.integers(0, 9), st.data())
def test_forbidden_turns_are_never_taken(
    edges: list[tuple[int, int, float]], source_node: int, data: st.DataObject
) -> None:
    table = _table(edges, source_node)
    source = table.index(source_node)
    n_candidates = len(candidate_turns(table)[0])
    keep = np.array(
        data.draw(st.lists(st.booleans(), min_size=n_candidates, max_size=n_candidates)), dtype=bool
    )
    arcs = _arcs(table, keep)
    allowed = set(zip(arcs.from_edge.tolist(), arcs.to_edge.tolist(), strict=True))
    engine = _engine(table, arcs)
    distances, tree = engine.one_to_all(source)
    expected = _line_graph_distances(table, arcs, source)
    assert {i for i in range(table.n_nodes) if np.isfinite(distances[i])} == set(expected)
    for target, distance in expected.items():
        assert abs(distances[target] - distance) <= 1e-6 * max(1.0, distance)
        path = engine.path_edges(tree, source, target)
        assert path is not None
        if path:
            assert int(table.u[path[0]]) == source and int(table.v[path[-1]]) == target
        assert all(pair in allowed for pair in itertools.pairwise(path))


def test_turn_cost_set_weights_and_limit() -> None:
    # A square 1-2-3-4-1 of 1 km edges, two-way.
    graph = make_graph([(1, 2, {}), (2, 3, {}), (3, 4, {}), (4, 1, {})])
    table = EdgeTable.from_graph(graph)
    engine = _engine(table, _arcs(table, cost=5000.0))
    one, three = table.index(1), table.index(3)
    distances, _ = engine.one_to_all(one)
    assert distances[three] == 2000.0 + 5000.0  # one turn on the way
    assert engine.one_to_all(one, limit=1500.0)[0][three] == np.inf
    weights = table.length_m.copy()
    weights[table.key_index[(1, 2, 0)]] = 10_000.0
    engine.set_weights(weights)
    path = engine.shortest_path(one, three)
    assert path is not None and [table.keys[e][:2] for e in path] == [(1, 4), (4, 3)]
    assert engine.edge_between(one, table.index(2)) == table.key_index[(1, 2, 0)]
    assert engine.shortest_path(one, one) == []


def test_searches_at_own_weights_are_kept_and_equal_a_fresh_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (#13, speed only) At the weights it was built with, an engine hands out its
    # searches again, the last TREES_KEPT of all engines; at other weights it
    # searches anew; results never change.
    monkeypatch.setattr(turn_engine, "TREES_KEPT", 3)
    grid = [(a, b, 100.0 + a + b) for a in range(12) for b in range(12) if abs(a - b) in (1, 4)]
    table = _table(grid, 0)
    arcs = _arcs(table, cost=30.0)
    engine = _engine(table, arcs)
    sources = [0, 1, 2, 3, 4]
    first = {s: engine.one_to_all(s) for s in sources}
    assert all(not d.flags.writeable and not t.flags.writeable for d, t in first.values())
    assert engine.one_to_all(4)[1] is first[4][1]  # kept
    assert engine.one_to_all(0)[1] is not first[0][1]  # dropped: searched anew
    other_engine = _engine(table, arcs)  # the budget is shared: 3 kept in all
    other_engine.one_to_all(5)
    other_engine.one_to_all(6)
    assert engine.one_to_all(4)[1] is not first[4][1]
    penalised = table.length_m.copy()
    penalised[: table.n_edges // 2] *= 3.0
    engine.set_weights(penalised)
    other = engine.one_to_all(3)
    assert engine.one_to_all(3)[1] is not other[1]  # not its own weights: not kept
    fresh = _engine(table, arcs)
    fresh.set_weights(penalised)
    np.testing.assert_array_equal(other[0], fresh.one_to_all(3)[0])
    np.testing.assert_array_equal(other[1], fresh.one_to_all(3)[1])
    engine.set_weights(table.length_m.copy())  # equal to its own weights: kept again
    again = engine.one_to_all(3)
    assert engine.one_to_all(3)[1] is again[1]
    for s in sources:
        distances, tree = engine.one_to_all(s)
        np.testing.assert_array_equal(distances, first[s][0])
        np.testing.assert_array_equal(tree, first[s][1])
    with pytest.raises(ValueError):
        first[4][0][0] = 1.0
    del other_engine  # an engine that is gone leaves nothing behind but its place in line
    for s in sources:
        engine.one_to_all(s)
    assert len(turn_engine._KEPT) == 3


def test_arcs_in_any_order_give_the_same_engine() -> None:
    grid = [(a, b, 100.0 + a + b) for a in range(12) for b in range(12) if abs(a - b) in (1, 4)]
    table = _table(grid, 0)
    arcs = _arcs(table)
    shuffled_order = np.random.default_rng(13).permutation(len(arcs.from_edge))
    shuffled = TurnArcs(
        arcs.from_edge[shuffled_order],
        arcs.to_edge[shuffled_order],
        np.arange(len(shuffled_order), dtype=np.float64),
        np.zeros(len(shuffled_order), dtype=bool),
    )
    by_edges = shuffled.by_edges
    assert np.all(np.diff(by_edges.from_edge) >= 0)
    assert sorted(zip(by_edges.from_edge.tolist(), by_edges.to_edge.tolist(), strict=True)) == (
        list(zip(by_edges.from_edge.tolist(), by_edges.to_edge.tolist(), strict=True))
    )
    usable = np.flatnonzero(np.arange(table.n_edges) % 5 != 0)
    engine = TurnPathEngine(table.n_nodes, table.u, table.v, usable, table.length_m, shuffled)
    # Reference: the arcs between usable edges, lexsorted by state, with their costs.
    state = {int(e): i for i, e in enumerate(usable.tolist())}
    rows = sorted(
        (state[int(a)], state[int(b)], float(c))
        for a, b, c in zip(shuffled.from_edge, shuffled.to_edge, shuffled.cost_s, strict=True)
        if int(a) in state and int(b) in state
    )
    matrix = engine._matrix
    found = [
        (row, int(col), float(matrix.data[i]))
        for row in range(engine.n_states)
        for i, col in zip(
            range(matrix.indptr[row], matrix.indptr[row + 1]),
            matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]],
            strict=True,
        )
    ]
    weights = np.maximum(table.length_m[usable], MIN_WEIGHT)
    assert found == [(a, b, float(weights[a] + c)) for a, b, c in rows]
