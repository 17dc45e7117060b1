"""The embedded corridor atlas: compiled file current, loads, and holds against real OSM."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from mobility import BuildOptions, load_network
from mobility.network._summary import network_summary
from mobility.network.atlas_compile import SOURCE_DIR, compile_atlas
from mobility.network.build import haversine_m
from mobility.network.load import default_atlas_path

ATLAS_SOURCES = SOURCE_DIR


def test_compiled_atlas_is_current_and_clean() -> None:
    xml, problems = compile_atlas(ATLAS_SOURCES)
    assert problems == []
    assert default_atlas_path().read_text(encoding="utf-8") == xml, (
        "run: python -m mobility.network.atlas_compile"
    )


@pytest.fixture(scope="module")
def atlas() -> object:
    return load_network(use_cache=False)


def test_three_corridors_with_roads_rail_and_crossings(atlas: object) -> None:
    summary = network_summary(atlas)  # type: ignore[arg-type]
    assert set(summary) == {"north", "central", "south"}
    for corridor, entry in summary.items():
        assert entry["road_km_by_class"].get("motorway", 0) > 100, corridor
        assert entry["rail_km"] > 100, corridor
        assert entry["border_crossings"], corridor
    assert atlas.report.unparsed_total == 0  # type: ignore[attr-defined]


def test_every_place_is_attached(atlas: object) -> None:
    unattached = [p.name for p in atlas.places if p.node is None]  # type: ignore[attr-defined]
    assert unattached == []


def test_ports_reach_every_border_crossing_by_road_and_rail(atlas: object) -> None:
    places = atlas.places  # type: ignore[attr-defined]
    for mode in ("road", "rail"):
        graph = atlas.graph(mode)  # type: ignore[attr-defined]
        origins = [p for p in places if p.kind in ("spod", "rail_terminal") and p.mode == mode]
        crossings = [p for p in places if p.kind == "bcp" and p.mode == mode]
        assert origins and crossings
        for origin in origins:
            reachable = nx.descendants(graph, origin.node) | {origin.node}
            missing = [c.name for c in crossings if c.node not in reachable]
            assert missing == [], f"{mode}: {origin.name} cannot reach {missing}"


def test_known_tunnel_categories(atlas: object) -> None:
    categories = {}
    for _, _, data in atlas.road.edges(data=True):  # type: ignore[attr-defined]
        if data.get("tunnel") and data.get("name"):
            categories[data["name"]] = data.get("tunnel_category")
    assert categories["Vlaketunnel"] == "C"
    assert categories["Botlektunnel"] == "D"
    assert categories["Beneluxtunnel"] == "C"
    assert categories["Ketheltunnel"] == "C"


def _nearest(graph: nx.MultiDiGraph, lon: float, lat: float) -> tuple[int, float]:
    nodes = list(graph.nodes)
    xs = np.array([graph.nodes[n]["x"] for n in nodes])
    ys = np.array([graph.nodes[n]["y"] for n in nodes])
    distance = haversine_m(xs, ys, np.full_like(xs, lon), np.full_like(ys, lat))
    best = int(np.argmin(distance))
    return nodes[best], float(distance[best])


# Pairs of atlas stations at least ~25 km apart along the corridors' rail routes.
RAIL_PAIRS = [
    ("Vlissingen", "Roosendaal"),
    ("Roosendaal", "Breda"),
    ("Breda", "Eindhoven Centraal"),
    ("Eindhoven Centraal", "Venlo"),
    ("Dordrecht", "Roosendaal"),
    ("Amersfoort Centraal", "Deventer"),
    ("Deventer", "Hengelo"),
    # The 2014 layer lacks ~3.8 km of the Staatslijn between Beilen and Assen
    # (dead ends at 52.907 N and 52.941 N), so no pair spans that stretch.
    ("Zwolle", "Beilen"),
    ("Assen", "Groningen"),
    ("Groningen", "Bad Nieuweschans"),
    ("Groningen", "Roodeschool"),
    ("Utrecht Centraal", "Arnhem Centraal"),
    ("Amersfoort Centraal", "Zwolle"),
]


@pytest.mark.realdata
def test_rail_distances_within_10_percent_of_real_osm(atlas: object, shared_osm: Path) -> None:
    real = load_network(
        shared_osm / "nl-railways-2014",
        options=BuildOptions(clip=False, consolidate_tolerance_m=0, fragments="largest"),
    ).rail
    rail = atlas.rail  # type: ignore[attr-defined]
    stations = {
        data["name"]: node
        for node, data in rail.nodes(data=True)
        if data.get("railway") == "station"
    }
    failures = []
    for a, b in RAIL_PAIRS:
        atlas_m = nx.shortest_path_length(rail, stations[a], stations[b], weight="length_m")
        ends = []
        for name in (a, b):
            node, offset_m = _nearest(
                real, rail.nodes[stations[name]]["x"], rail.nodes[stations[name]]["y"]
            )
            assert offset_m < 1500, f"{name} is {offset_m:.0f} m from the real railway"
            ends.append(node)
        real_m = nx.shortest_path_length(real, ends[0], ends[1], weight="length_m")
        if abs(atlas_m / real_m - 1) > 0.10:
            failures.append(
                f"{a} - {b}: atlas {atlas_m / 1000:.1f} km, real {real_m / 1000:.1f} km"
            )
    assert failures == []


@pytest.mark.realdata
def test_junction_positions_match_real_osm(shared_osm: Path) -> None:
    from mobility.network._read_xml import read_osm_xml

    real = read_osm_xml(shared_osm / "nl332-the-hague-main-roads.osm")
    index = {int(node): i for i, node in enumerate(real.node_ids.tolist())}
    real_junctions: dict[str, list[tuple[float, float]]] = {}
    for node, tags in real.node_tags.items():
        if tags.get("highway") == "motorway_junction" and "name" in tags:
            i = index[node]
            real_junctions.setdefault(tags["name"].lower(), []).append(
                (float(real.node_lon[i]), float(real.node_lat[i]))
            )
    # The atlas file itself, not the graph: these junctions lie outside the corridors.
    ours = read_osm_xml(default_atlas_path())
    our_index = {int(node): i for i, node in enumerate(ours.node_ids.tolist())}
    checked = 0
    for node, tags in ours.node_tags.items():
        positions = real_junctions.get(tags.get("name", "").lower())
        if not positions or node not in our_index:
            continue
        x, y = ours.node_lon[our_index[node]], ours.node_lat[our_index[node]]
        lon, lat = np.array(positions).T
        nearest_m = haversine_m(lon, lat, np.full_like(lon, x), np.full_like(lat, y))
        assert nearest_m.min() < 1500, f"{tags['name']} is {nearest_m.min():.0f} m from real OSM"
        checked += 1
    assert checked >= 2  # Knooppunt Ypenburg and Knooppunt Prins Clausplein lie in the extract


def test_atlas_service_areas_are_labelled_assumptions(atlas: object) -> None:
    sites = atlas.halt_sites  # type: ignore[attr-defined]
    assert len(sites) >= 40
    assert all(s.kind == "services" and s.vehicles == 30 for s in sites)
    assert all(s.name.endswith("(assumed)") and s.source.startswith("assumed:") for s in sites)
