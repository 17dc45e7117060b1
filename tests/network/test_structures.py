from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mobility
from mobility.network.structures import structure_index
from mobility.routing.edges import EdgeTable

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def dual() -> mobility.Network:
    """A dual carriageway whose Testbrug is three ways on each carriageway."""
    return mobility.load_network(
        DATA / "structures.osm", corridor_file=DATA / "corridors-structures.yaml", use_cache=False
    )


def test_a_bridge_of_three_ways_per_carriageway_is_one_structure(dual: mobility.Network) -> None:
    table = EdgeTable.from_graph(dual.road)
    index = table.structures
    assert len(index.structures) == 1
    bridge = index.structures[0]
    assert (bridge.name, bridge.kind, bridge.ref) == ("Testbrug", "bridge", "A50")
    assert bridge.ways == (11, 12, 13, 21, 22, 23)
    assert sorted(bridge.directions) == ["eastbound", "westbound"]
    for edge in bridge.edges:
        u, v, _ = table.keys[edge]
        eastward = dual.road.nodes[v]["x"] > dual.road.nodes[u]["x"]
        assert index.direction_of_edge[edge] == ("eastbound" if eastward else "westbound")
    assert 400 < bridge.length_m < 420  # one carriageway, three pieces of about 137 m
    assert {index.at(e) for e in range(table.n_edges)} - {None} == {bridge}


def _chain(names: list[str], gap_nodes: set[int]) -> nx.MultiDiGraph:
    """Bridge edges i -> i + 1 along x (about 69 m each); one way per edge."""
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    for i in range(len(names) + 1):
        graph.add_node(i, x=4.0 + 0.001 * i, y=52.0)
    for i, name in enumerate(names):
        data = {"length_m": 69.0, "highway": "primary", "osmid": 1000 + i}
        if i not in gap_nodes:
            data["bridge"] = True
        if name:
            data["name"] = name
        graph.add_edge(i, i + 1, **data)
    return graph


def test_unnamed_pieces_chain_and_named_bridges_far_apart_stay_apart() -> None:
    # Two unnamed bridge pieces in a row are one bridge; a road between two
    # bridges of the same road name more than 60 m apart keeps them apart.
    graph = _chain(["", "", "Weg", "Weg", "Weg"], gap_nodes={3})
    index = structure_index(EdgeTable.from_graph(graph))
    names = [s.name for s in index.structures]
    assert names == [
        "unnamed bridge (way 1000)",
        "bridge on Weg (way 1002)",
        "bridge on Weg (way 1004)",
    ]
    # The same structure name joins across a gap of 69 m.
    graph = _chain(["Lange brug", "Lange brug", "Lange brug"], gap_nodes={1})
    index = structure_index(EdgeTable.from_graph(graph))
    assert [s.name for s in index.structures] == ["Lange brug"]
    assert index.structures[0].ways == (1000, 1002)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["", "A", "Brug", "Tunnel X"]), min_size=1, max_size=12),
    st.sets(st.integers(0, 11)),
)
def test_every_structure_edge_is_in_exactly_one_structure(names: list[str], gaps: set[int]) -> None:
    table = EdgeTable.from_graph(_chain(names, gaps))
    index = table.structures
    structure_edges = {e for s in index.structures for e in s.edges}
    assert sum(len(s.edges) for s in index.structures) == len(structure_edges)
    assert structure_edges == {e for e in range(table.n_edges) if table.bridge[e]}
    assert len({s.name for s in index.structures}) == len(index.structures)


@pytest.mark.realdata
def test_hague_routes_cross_each_structure_once(shared_osm: Path) -> None:
    """Issue #13 item 7: the Utrechtsebaan was 11 checkpoints on one route."""
    from collections import Counter

    from mobility.routing.router import Router

    network = mobility.load_network(
        shared_osm / "nl332-the-hague-main-roads.osm",
        corridor_file=Path(__file__).parent.parent.parent / "examples/real/hague-corridors.yaml",
    )
    router = Router(network)
    table = router.table("road")
    index = table.structures
    assert len(index.structures) < 0.6 * int((table.bridge | table.tunnel).sum())
    assert len({s.name for s in index.structures}) == len(index.structures)
    plan = router.route("spod-scheveningen", "exit-a12-gouda", "boxer-apc", count=40, k=3)
    for route in plan.routes:
        points = [c for c in route.schedule.checkpoints if c.kind in ("bridge", "tunnel")]
        assert max(Counter(c.element for c in points).values()) == 1
        assert all(c.leave is not None and c.leave > c.clear for c in points)
        assert len(route.schedule.checkpoints) < 0.25 * len(route.edges)
