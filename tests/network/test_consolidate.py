from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

from mobility.network.build import haversine_m
from mobility.network.consolidate import (
    consolidate_junctions,
    consolidation_mapping,
    is_restricted,
)
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
        coords = np.array([nodes[u], nodes[v]])
        length_m = float(haversine_m(coords[:1, 0], coords[:1, 1], coords[1:, 0], coords[1:, 1])[0])
        graph.add_edge(
            u,
            v,
            osmid=i,
            length=length_m,
            length_m=length_m,
            geometry=geometry,
            **extra,
        )
    return graph


def detached_edges(graph: nx.MultiDiGraph) -> list[tuple[int, int, int]]:
    """Edges whose geometry does not start and end exactly on their nodes."""
    detached = []
    for u, v, key, geometry in graph.edges(keys=True, data="geometry"):
        coords = list(geometry.coords)
        ends = [*coords[0], *coords[-1]]
        nodes = [graph.nodes[u]["x"], graph.nodes[u]["y"], graph.nodes[v]["x"], graph.nodes[v]["y"]]
        if max(abs(a - b) for a, b in zip(ends, nodes, strict=True)) > 1e-9:
            detached.append((u, v, key))
    return detached


def _matrix(graph: nx.MultiDiGraph, weight: str = "length_m") -> tuple[Any, dict[int, int]]:
    """Sparse matrix of the shortest edge between each node pair, and the node index."""
    from scipy.sparse import csr_matrix

    index = {node: i for i, node in enumerate(graph.nodes)}
    best: dict[tuple[int, int], float] = {}
    for u, v, length_m in graph.edges(data=weight):
        if u != v:
            cell = (index[u], index[v])
            best[cell] = min(best.get(cell, np.inf), max(float(length_m), 1e-9))
    rows = [cell[0] for cell in best]
    cols = [cell[1] for cell in best]
    shape = (len(index), len(index))
    return csr_matrix((list(best.values()), (rows, cols)), shape=shape), index


def path_problems(
    raw: nx.MultiDiGraph, merged: nx.MultiDiGraph, tolerance_m: float, sources: Sequence[int]
) -> list[str]:
    """Compare shortest paths from ``sources`` to every node, raw against merged.

    A node pair must be reachable in both graphs or in neither (no wrong-way
    move, nothing cut off), and a merged path may be shorter than the raw one
    by at most the tolerance for each merged junction it passes (endpoints
    included) plus the endpoints' own moves to their junction centres.
    """
    from scipy.sparse.csgraph import dijkstra

    mapping = consolidation_mapping(merged)
    raw_matrix, raw_index = _matrix(raw)
    merged_matrix, merged_index = _matrix(merged)
    is_merged = np.array([bool(ids) for _, ids in merged.nodes(data="merged_ids")], dtype=int)
    targets = list(raw.nodes)
    target_at = np.array([merged_index[mapping.get(t, t)] for t in targets])
    offset_m = np.array(
        [
            haversine_m(
                raw.nodes[t]["x"],
                raw.nodes[t]["y"],
                merged.nodes[mapping.get(t, t)]["x"],
                merged.nodes[mapping.get(t, t)]["y"],
            )
            for t in targets
        ]
    )
    raw_m = dijkstra(raw_matrix, indices=[raw_index[s] for s in sources])
    merged_m, previous = dijkstra(
        merged_matrix,
        indices=[merged_index[mapping.get(s, s)] for s in sources],
        return_predecessors=True,
    )
    problems = []
    for row, source in enumerate(sources):
        # Merged junctions on each shortest path, counted down the path tree.
        passed = np.zeros(len(merged_index), dtype=int)
        for node in np.argsort(merged_m[row]).tolist():
            before = previous[row, node]
            passed[node] = is_merged[node] + (passed[before] if before >= 0 else 0)
        before_m = raw_m[row, [raw_index[t] for t in targets]]
        after_m = merged_m[row, target_at]
        source_offset_m = offset_m[targets.index(source)]
        for t, a, b, k, off in zip(
            targets, before_m, after_m, passed[target_at], offset_m, strict=True
        ):
            if np.isfinite(a) != np.isfinite(b):
                problems.append(f"{source}->{t}: raw {a:.1f} m, merged {b:.1f} m")
            elif np.isfinite(a) and b < a - (tolerance_m + 0.1) * k - source_offset_m - off:
                problems.append(f"{source}->{t}: raw {a:.1f} m, merged {b:.1f} m via {k} junctions")
    return problems


def test_one_way_links_never_make_a_wrong_way_move() -> None:
    # 3 -> 1 -> 2 -> 4 and 5 -> 2: close nodes 1 and 2 joined one way only.
    # Merging them would let traffic from 5 leave through 1 towards 6.
    nodes = {
        1: (5.0, 52.0),
        2: (5.0002, 52.0),
        3: (4.99, 52.0),
        4: (5.01, 52.0),
        5: (5.0002, 51.99),
        6: (5.0, 52.01),
    }
    graph = graph_of(nodes, [(3, 1, {}), (1, 2, {}), (2, 4, {}), (5, 2, {}), (1, 6, {})])
    merged = consolidate_junctions(graph, tolerance_m=20, mode="road", report=LoadReport("t", "t"))
    assert not nx.has_path(merged, 5, 6)
    assert path_problems(graph, merged, 20, list(nodes)) == []


def _one_way_square(side_deg: float) -> nx.MultiDiGraph:
    """Two dual carriageways crossing at grade: a one-way square with four arms."""
    d = side_deg
    nodes = {
        1: (5.0, 52.0 + d),  # north-west
        2: (5.0 + d, 52.0 + d),  # north-east
        3: (5.0, 52.0),  # south-west
        4: (5.0 + d, 52.0),  # south-east
        11: (5.0, 52.01),
        12: (5.0 + d, 52.01),
        13: (5.0, 51.99),
        14: (5.0 + d, 51.99),
    }
    edges = [(1, 3), (3, 4), (4, 2), (2, 1), (11, 1), (3, 13), (14, 4), (2, 12)]
    return graph_of(nodes, [(u, v, {}) for u, v in edges])


def test_junction_merges_only_when_no_path_shrinks_beyond_the_tolerance() -> None:
    # Side about 8 m: the U-turn 11 -> 1 -> 3 -> 4 -> 2 -> 12 shrinks by 1.6 x 8 m.
    small = _one_way_square(0.00007)
    merged = consolidate_junctions(small, tolerance_m=20, mode="road", report=LoadReport("t", "t"))
    assert merged.number_of_nodes() == 5
    assert path_problems(small, merged, 20, list(small.nodes)) == []
    # Side about 14 m: the same U-turn would shrink by 23 m, more than 20 m.
    large = _one_way_square(0.00013)
    merged = consolidate_junctions(large, tolerance_m=20, mode="road", report=LoadReport("t", "t"))
    assert merged.number_of_nodes() == 8


def test_every_edge_ends_on_its_nodes_after_a_merge() -> None:
    # The surviving node 1 moves to the centre too: edge 4 -> 1 must follow it.
    nodes = {1: (5.0, 52.0), 2: (5.0001, 52.0), 3: (5.01, 52.0), 4: (4.99, 52.0)}
    graph = graph_of(nodes, [(4, 1, {}), (1, 2, {}), (2, 1, {}), (2, 3, {}), (3, 2, {})])
    merged = consolidate_junctions(graph, tolerance_m=20, mode="road", report=LoadReport("t", "t"))
    assert detached_edges(merged) == []
    for u, v, data in merged.edges(data=True):
        coords = np.asarray(data["geometry"].coords)
        geometry_m = haversine_m(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
        assert data["length_m"] == pytest.approx(float(geometry_m.sum())), (u, v)
    # 4 -> 3 was 4 -> 1 -> 2 -> 3: the merged path is as long, not one stub short.
    assert nx.shortest_path_length(merged, 4, 1, weight="length_m") + nx.shortest_path_length(
        merged, 1, 3, weight="length_m"
    ) == pytest.approx(nx.shortest_path_length(graph, 4, 3, weight="length_m"), rel=1e-6)


def test_atlas_edges_end_on_their_nodes() -> None:
    from mobility import load_network

    network = load_network(use_cache=False)
    assert detached_edges(network.road) == []
    assert detached_edges(network.rail) == []


def test_close_linked_nodes_merge_and_keep_lowest_id() -> None:
    # A two-way junction connector: 1 and 2 reach each other.
    nodes = {1: (5.0, 52.0), 2: (5.0001, 52.0), 3: (5.01, 52.0), 4: (4.99, 52.0)}
    graph = graph_of(nodes, [(4, 1, {}), (1, 2, {}), (2, 1, {}), (2, 3, {})])
    report = LoadReport("t", "t")
    merged = consolidate_junctions(graph, tolerance_m=20, mode="road", report=report)
    assert set(merged.nodes) == {1, 3, 4}
    assert set(merged.edges()) == {(4, 1), (1, 3)}
    assert report.consolidated_nodes["road"] == (4, 3)
    # The merged node sits between the two originals; edge geometry reaches it.
    assert merged.nodes[1]["x"] == pytest.approx(5.00005)
    coords = list(merged.edges[1, 3, 0]["geometry"].coords)
    assert coords[0] == (merged.nodes[1]["x"], merged.nodes[1]["y"])
    assert consolidation_mapping(merged) == {1: 1, 2: 1}


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


# Mostly plain edges: one restricted edge pins both its ends.
restriction = st.sampled_from(
    [*[{}] * 10, {"bridge": True}, {"maxheight_m": 4.0}, {"tunnel": True, "tunnel_category": "C"}]
)


@settings(max_examples=150, deadline=None)
@given(
    positions=st.lists(
        st.tuples(st.integers(0, 16), st.integers(0, 16)), min_size=3, max_size=14, unique=True
    ),
    edge_picks=st.lists(
        st.tuples(st.integers(0, 13), st.sampled_from([1, 1, 2, 3, 7]), restriction, st.booleans()),
        min_size=4,
        max_size=25,
    ),
    tolerance_m=st.sampled_from([5.0, 15.0, 40.0]),
)
def test_consolidation_invariants(
    positions: list[tuple[int, int]],
    edge_picks: list[tuple[int, int, dict[str, Any], bool]],
    tolerance_m: float,
) -> None:
    # Nodes numbered in position order, edges mostly between neighbours in
    # that order: close nodes are often linked, so junctions form.
    nodes = {i + 1: (5.0 + x * 5e-5, 52.0 + y * 5e-5) for i, (x, y) in enumerate(sorted(positions))}
    # Half the picks are two-way roads (one edge each way), the rest one-way.
    edges = [
        (a, b, r)
        for u, step, r, two_way in edge_picks
        for a, b in [(u, u + step), (u + step, u)][: 2 if two_way else 1]
    ]
    edges = [(u % len(nodes) + 1, v % len(nodes) + 1, r) for u, v, r in edges]
    edges = [(u, v, r) for u, v, r in edges if u != v]
    graph = graph_of(nodes, edges)
    snapshot = graph_of(nodes, edges)
    merged = consolidate_junctions(
        graph, tolerance_m=tolerance_m, mode="road", report=LoadReport("t", "t")
    )
    # The input graph is left as it was.
    assert dict(graph.nodes(data=True)) == dict(snapshot.nodes(data=True))
    assert list(graph.edges(keys=True, data=True)) == list(snapshot.edges(keys=True, data=True))
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
    assert detached_edges(merged) == []
    # No wrong-way move, nothing cut off, no path shorter beyond the tolerance.
    assert path_problems(graph, merged, tolerance_m, list(graph.nodes)) == []
