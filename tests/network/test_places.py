from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from mobility.model.corridor import Corridor, CorridorSet, Place
from mobility.network.build import BuildOptions, build_graphs
from mobility.network.places import attach_places
from mobility.network.read_xml import read_osm_xml
from mobility.network.report import LoadReport

DATA = Path(__file__).parent.parent / "data"


def graphs() -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    built = build_graphs(
        read_osm_xml(DATA / "tiny.osm"),
        clip_polygon=None,
        options=BuildOptions(clip=False),
        report=LoadReport("t", "t"),
    )
    return built["road"], built["rail"]


def corridor_set(*places: Place) -> CorridorSet:
    corridor = Corridor(
        id="tiny", name="t", buffer_m=1000, spines=(((4.0, 52.0), (4.1, 52.1)),), assumption="test"
    )
    return CorridorSet(corridors={"tiny": corridor}, places=places)


def place(place_id: str, lon: float, lat: float, mode: str = "road", kind: str = "csc") -> Place:
    return Place(
        id=place_id,
        kind=kind,
        name=place_id,
        corridors=("tiny",),
        lon=lon,
        lat=lat,
        mode=mode,
        assumption="test",
    )


def test_place_beside_an_edge_splits_both_directions() -> None:
    road, rail = graphs()
    before_m = road.edges[2, 5, 0]["length_m"]
    (attached, *_) = attach_places(road, rail, corridor_set(place("csc-mid", 4.0105, 52.012)))
    node = attached.node
    assert node is not None and node < 0  # a new node, with an id OSM never uses
    assert attached.distance_to_node_m == pytest.approx(36, abs=2)
    assert road.nodes[node]["place"] == "csc-mid"
    assert not road.has_edge(2, 5) and not road.has_edge(5, 2)
    for a, b in ((2, node), (node, 5), (5, node), (node, 2)):
        assert road.has_edge(a, b)
    assert road.edges[2, node, 0]["length_m"] + road.edges[node, 5, 0]["length_m"] == pytest.approx(
        before_m
    )
    assert road.edges[2, node, 0]["lanes"] == 3 and road.edges[node, 2, 0]["lanes"] == 2
    end = road.edges[2, node, 0]["geometry"].coords[-1]
    assert end == pytest.approx((road.nodes[node]["x"], road.nodes[node]["y"]))
    assert nx.has_path(road, 1, node) and nx.has_path(road, node, 6)


def test_place_near_a_node_uses_it_and_far_place_stays_unattached() -> None:
    road, rail = graphs()
    near, far, ramp = attach_places(
        road,
        rail,
        corridor_set(
            place("bcp-near", 4.021, 52.0, kind="bcp"),
            place("far", 5.0, 53.0),
            place("ramp", 4.0601, 52.05, mode="rail", kind="ramp"),
        ),
    )[:3]
    assert near.node == 3
    assert far.node is None and far.distance_to_node_m > 100_000
    assert ramp.node == 12 and ramp.kind == "rail_terminal" and ramp.role == "ramp"


def test_several_places_on_one_edge_split_it_in_order() -> None:
    road, rail = graphs()
    first, second = attach_places(
        road, rail, corridor_set(place("a", 4.0105, 52.006), place("b", 4.0105, 52.014))
    )[:2]
    assert first.node is not None and second.node is not None
    path = nx.shortest_path(road, 2, 5, weight="length_m")
    assert path == [2, first.node, second.node, 5]
