from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.errors import DataError
from mobility.routing._alternatives import DiversityRules, diverse_paths, shared_fraction
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import PathEngine


def _grid(side: int, seed: int) -> nx.MultiDiGraph:
    rng = np.random.default_rng(seed)
    graph = nx.MultiDiGraph()
    for i in range(side):
        for j in range(side):
            graph.add_node(i * side + j, x=float(j), y=float(i))
    for i in range(side):
        for j in range(side):
            for di, dj in ((0, 1), (1, 0)):
                if i + di < side and j + dj < side:
                    a, b = i * side + j, (i + di) * side + j + dj
                    length = float(rng.uniform(500, 1500))
                    graph.add_edge(a, b, length_m=length, osmid=a * 1000 + b)
                    graph.add_edge(b, a, length_m=length, osmid=a * 1000 + b)
    return graph


def _search(
    graph: nx.MultiDiGraph, source: int, target: int, k: int, rules: DiversityRules
) -> tuple[EdgeTable, list]:  # type: ignore[type-arg]
    table = EdgeTable.from_graph(graph)
    engine = PathEngine(table.n_nodes, table.u, table.v, np.arange(table.n_edges), table.length_m)
    found = diverse_paths(
        engine, table.length_m, table.length_m, table.index(source), table.index(target), k, rules
    )
    return table, found


def test_grid_gives_k_distinct_bounded_routes() -> None:
    rules = DiversityRules(max_shared=0.5, max_stretch=1.5)
    table, found = _search(_grid(8, 1), 0, 63, 3, rules)
    assert len(found) == 3
    best = nx.shortest_path_length(_grid(8, 1), 0, 63, weight="length_m")
    assert found[0].cost == pytest.approx(best)
    for index, path in enumerate(found):
        assert path.cost <= 1.5 * found[0].cost + 1e-6
        for other in found[:index]:
            assert shared_fraction(path.edges, other.edges, table.length_m) <= 0.5 + 1e-9


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(1, 4),
    max_shared=st.floats(0.0, 1.0),
    max_stretch=st.floats(1.0, 2.5),
)
def test_every_kept_route_is_a_path_within_the_bounds(
    seed: int, k: int, max_shared: float, max_stretch: float
) -> None:
    graph = _grid(6, seed)
    rules = DiversityRules(max_shared=max_shared, max_stretch=max_stretch)
    table, found = _search(graph, 0, 35, k, rules)
    assert 1 <= len(found) <= k
    for index, path in enumerate(found):
        nodes = [int(table.u[path.edges[0]])] + [int(table.v[e]) for e in path.edges]
        assert table.nodes[nodes[0]] == 0 and table.nodes[nodes[-1]] == 35
        assert all(int(table.v[a]) == int(table.u[b]) for a, b in itertools.pairwise(path.edges))
        assert path.cost <= max_stretch * found[0].cost + 1e-6
        assert path.cost >= found[0].cost - 1e-6
        for other in found[:index]:
            assert shared_fraction(path.edges, other.edges, table.length_m) <= max_shared + 1e-9


def test_single_road_gives_one_route_and_bad_k_is_refused() -> None:
    graph = nx.MultiDiGraph()
    for node in range(4):
        graph.add_node(node, x=float(node), y=0.0)
    for a in range(3):
        graph.add_edge(a, a + 1, length_m=1000.0, osmid=a)
    _, found = _search(graph, 0, 3, 3, DiversityRules())
    assert len(found) == 1
    with pytest.raises(DataError, match="number of alternatives must be >= 1"):
        _search(graph, 0, 3, 0, DiversityRules())
    with pytest.raises(DataError, match=r"max_shared must be within 0\.\.1"):
        DiversityRules(max_shared=1.5)
