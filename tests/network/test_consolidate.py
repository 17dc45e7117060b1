from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from mobility.network.consolidate import consolidate_junctions, is_restricted
from mobility.network.report import LoadReport

# 0.0001 degree of longitude at 52 N is about 6.9 m.
DEG_M = 6.86


def graph_of(
    nodes: dict[int, tuple[float, float]], edges: list[tuple[int, int, dict[str, Any]]]
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    for node, (x, y) in nodes.items():
        graph.add_node(node, x=x, y=y)
    for i, (u, v, extra) in enumerate(edges):
        geometry = LineString([nodes[u], nodes[v]])
        graph.add_edge(
            u,
            v,
            osmid=i,
            length=geometry.length * 1e5,
            length_m=geometry.length * 1e5,
            geometry=geometry,
            **extra,
        )
    return graph


def test_close_linked_nodes_merge_and_keep_lowest_id() -> None:
    nodes = {1: (5.0, 52.0), 2: (5.0001, 52.0), 3: (5.01, 52.0), 4: (4.99, 52.0)}
    graph = graph_of(nodes, [(4, 1, {}), (1, 2, {}), (2, 3, {})])
    report = LoadReport("t", "t")
    merged = consolidate_junctions(graph, tolerance_m=20, mode="road", report=report)
    assert set(merged.nodes) == {1, 3, 4}
    assert set(merged.edges()) == {(4, 1), (1, 3)}
    assert report.consolidated_nodes["road"] == (4, 3)
    # The merged node sits between the two originals; edge geometry reaches it.
    assert merged.nodes[1]["x"] == pytest.approx(5.00005)
    coords = list(merged.edges[1, 3, 0]["geometry"].coords)
    assert coords[0] == (merged.nodes[1]["x"], merged.nodes[1]["y"])


def test_close_but_unlinked_nodes_stay_apart() -> None:
    # A road passing under another: close, but no edge between them.
    nodes = {1: (5.0, 52.0), 2: (5.0001, 52.0), 3: (5.01, 52.0), 4: (4.99, 52.0)}
    graph = graph_of(nodes, [(4, 1, {}), (2, 3, {})])
    merged = consolidate_junctions(graph, tolerance_m=20, mode="road", report=LoadReport("t", "t"))
    assert set(merged.nodes) == {1, 2, 3, 4}


def test_short_bridge_is_never_swallowed() -> None:
    nodes = {1: (5.0, 52.0), 2: (5.0001, 52.0), 3: (5.01, 52.0), 4: (4.99, 52.0)}
    graph = graph_of(nodes, [(4, 1, {}), (1, 2, {"bridge": True, "maxweight_t": 30.0}), (2, 3, {})])
    merged = consolidate_junctions(graph, tolerance_m=20, mode="road", report=LoadReport("t", "t"))
    assert merged.has_edge(1, 2)
    assert merged.edges[1, 2, 0]["maxweight_t"] == 30.0


def test_zero_tolerance_is_identity() -> None:
    nodes = {1: (5.0, 52.0), 2: (5.0001, 52.0)}
    graph = graph_of(nodes, [(1, 2, {})])
    assert (
        consolidate_junctions(graph, tolerance_m=0, mode="road", report=LoadReport("t", "t"))
        is graph
    )


restriction = st.sampled_from(
    [{}, {}, {"bridge": True}, {"maxheight_m": 4.0}, {"tunnel": True, "tunnel_category": "C"}]
)


@settings(max_examples=60, deadline=None)
@given(
    positions=st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=2, max_size=14, unique=True
    ),
    edge_picks=st.lists(
        st.tuples(st.integers(0, 13), st.integers(0, 13), restriction), max_size=25
    ),
    tolerance_m=st.sampled_from([5.0, 15.0, 40.0]),
)
def test_consolidation_invariants(
    positions: list[tuple[int, int]],
    edge_picks: list[tuple[int, int, dict[str, Any]]],
    tolerance_m: float,
) -> None:
    nodes = {i + 1: (5.0 + x * 0.0001, 52.0 + y * 0.0001) for i, (x, y) in enumerate(positions)}
    edges = [(u % len(nodes) + 1, v % len(nodes) + 1, r) for u, v, r in edge_picks]
    edges = [(u, v, r) for u, v, r in edges if u != v]
    graph = graph_of(nodes, edges)
    merged = consolidate_junctions(
        graph, tolerance_m=tolerance_m, mode="road", report=LoadReport("t", "t")
    )
    # Every restricted element survives with its own endpoints and limits.
    before = sorted((d["osmid"], u, v) for u, v, d in graph.edges(data=True) if is_restricted(d))
    after = sorted((d["osmid"], u, v) for u, v, d in merged.edges(data=True) if is_restricted(d))
    assert before == after
    # Merging never adds nodes, and never joins nodes that were not connected.
    assert merged.number_of_nodes() <= graph.number_of_nodes()
    components_before = nx.number_weakly_connected_components(graph)
    assert nx.number_weakly_connected_components(merged) == components_before
    # Lengths stay consistent with geometry (a merged edge only grows by its stub).
    for _, _, data in merged.edges(data=True):
        assert data["length_m"] == data["length"]
