"""Map layers from the project's data: corridors, critical points, closures, criticality."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import folium
import networkx as nx
import pytest
from shapely.geometry import LineString

import mobility
from mobility.errors import DataError
from mobility.maps import (
    PlanView,
    add_closures_layer,
    add_critical_points,
    add_criticality_layer,
    add_network_layers,
    map_html,
    render_network_map,
    render_plan_map,
)
from mobility.maps._layers import (
    CLOSED_COLOUR,
    LABELLED_POINTS,
    ROAD_STYLES,
    _edge_rows,
    _undirected,
    criticality_colour,
    network_bounds,
    to_latlngs,
)
from mobility.model.corridor import load_corridors
from mobility.network.export import edge_features
from mobility.network.load import Network
from tests.maps.test_render import assert_offline, calls

DATA = Path(__file__).parent.parent / "data"


def test_to_latlngs_swaps_rounds_and_drops_repeated_points() -> None:
    coords = [(5.123456789, 52.0), (5.1234568, 52.0000001), (5.2, 52.1, 3.0)]
    assert to_latlngs(coords) == [[52.0, 5.12346], [52.1, 5.2]]


def test_network_layers_draw_each_way_once_by_class_with_motorways_on_top(
    atlas: mobility.Network,
) -> None:
    fmap = folium.Map(tiles=None)
    groups = add_network_layers(fmap, atlas)
    assert [g.layer_name for g in groups] == ["Corridor roads", "Corridor rail"]
    page = map_html(fmap)
    road_call, rail_call = calls(page, "network")
    kinds = [group["k"] for group in road_call["groups"]]
    assert set(kinds) <= set(ROAD_STYLES) and "motorway" in kinds
    order = list(ROAD_STYLES)
    assert [order.index(k) for k in kinds] == sorted((order.index(k) for k in kinds), reverse=True)
    # A two-way road is one line, not two, and pieces of one road with one popup are joined.
    lines = [line for group in road_call["groups"] for line in group["lines"]]
    assert len(lines) < atlas.road.number_of_edges() / 2
    assert rail_call["groups"] and {g["k"] for g in rail_call["groups"]} == {"rail"}
    (legend,) = calls(page, "legend")
    assert legend["section"] == "Network" and legend["items"][-1]["label"] == "rail"


def test_network_lines_cover_every_way_piece_with_its_popup(atlas: mobility.Network) -> None:
    fmap = folium.Map(tiles=None)
    add_network_layers(fmap, atlas)
    road_call, _ = calls(map_html(fmap), "network")
    pieces = _undirected(edge_features(atlas.road))
    lines = [line for group in road_call["groups"] for line in group["lines"]]
    # Every piece is drawn: alone (with its edge) or in a line joining that many pieces.
    assert sum(1 if isinstance(line[0], str) else line[0] for line in lines) == len(pieces)
    popups = {json.dumps(group["p"]) for group in road_call["groups"]}
    for feature in pieces:
        rows = _edge_rows(feature["properties"])
        assert rows[-1][0] == "Edge" and json.dumps(rows[:-1]) in popups
    alone = [line for line in lines if isinstance(line[0], str)]
    assert alone and all(" (way " in line[0] for line in alone)
    named = next(g for g in road_call["groups"] if g["p"][0][0] in ("Name", "Ref"))
    assert named["t"] == " / ".join(v for k, v in named["p"] if k in ("Name", "Ref"))


def test_ports_crossings_terminals_and_centres_are_badges_and_structures_dots(
    atlas: mobility.Network,
) -> None:
    fmap = folium.Map(tiles=None)
    add_critical_points(fmap, atlas)
    page = map_html(fmap)
    badges = {c["badge"]["badge"]: c for c in calls(page, "places")}
    assert set(badges) == {item["badge"] for item in LABELLED_POINTS.values()}
    assert badges["SPOD"]["badge"]["z"] == max(item["z"] for item in LABELLED_POINTS.values())
    ports = {f["t"] for f in badges["SPOD"]["features"]}
    assert {"Port of Rotterdam", "Eemshaven"} <= ports
    dots = {f["k"] for c in calls(page, "points") for f in c["features"]}
    assert dots == {"bridge", "tunnel"}
    (legend,) = calls(page, "legend")
    assert legend["section"] == "Critical points"
    assert {i["badge"] for i in legend["items"] if i["kind"] == "badge"} == set(badges)


def test_criticality_colours_run_from_the_lowest_to_the_highest_score() -> None:
    assert criticality_colour(1, 1, 5) == "#fee08b"
    assert criticality_colour(5, 1, 5) == "#a50026"
    assert criticality_colour(9, 1, 5) == "#a50026" and criticality_colour(-3, 1, 5) == "#fee08b"
    assert criticality_colour(2, 2, 2) == "#fee08b"  # all equal: the low end


def test_network_bounds_cover_the_nodes(atlas: mobility.Network) -> None:
    (south, west), (north, east) = network_bounds(atlas)
    xs = [d["x"] for _, d in atlas.road.nodes(data=True)]
    ys = [d["y"] for _, d in atlas.road.nodes(data=True)]
    assert south <= min(ys) and north >= max(ys) and west <= min(xs) and east >= max(xs)
    assert 50 < south < north < 54 and 3 < west < east < 8


def test_closures_and_criticality_layers(tiny_view: PlanView, atlas: mobility.Network) -> None:
    fmap = render_plan_map(tiny_view, atlas)
    add_closures_layer(fmap, atlas, ["Moerdijkbrug", "bcp-venlo-a67"])
    edge = next(iter(atlas.road.edges(keys=True)))
    add_criticality_layer(fmap, atlas, {"Vlaketunnel": 5.0, "A58": 1.0, edge: 3.0})
    page = map_html(fmap)
    assert_offline(page)
    # Layers added after the layer control are still listed by it (it renders last).
    control = page[page.index("overlays :") :]
    assert '"Closed elements"' in control and '"Criticality"' in control
    lines = calls(page, "lines")
    closed = next(c for c in lines if c["styles"].get("element", {}).get("color") == CLOSED_COLOUR)
    assert closed["features"] and all(f["t"] == "CLOSED: Moerdijkbrug" for f in closed["features"])
    points = [p for c in calls(page, "points") for p in c["features"]]
    assert any(p["t"] == "CLOSED: bcp-venlo-a67" for p in points)
    critical = lines[-1]["features"]
    colours = {f["t"].split(":")[0]: f["col"] for f in critical}
    assert colours["Vlaketunnel"] == criticality_colour(5, 1, 5) == "#a50026"
    assert colours["A58"] == criticality_colour(1, 1, 5) == "#fee08b"
    assert colours["-".join(map(str, edge))] == criticality_colour(3, 1, 5)
    legends = [c["section"] for c in calls(page, "legend")]
    assert "Closed elements" in legends and "Criticality" in legends


def test_unknown_elements_and_bad_scores_are_named(atlas: mobility.Network) -> None:
    fmap = render_network_map(atlas)
    with pytest.raises(DataError, match="element 'Atlantisbrug' matches no"):
        add_closures_layer(fmap, atlas, ["Atlantisbrug"])
    with pytest.raises(DataError, match=r"edge \(1, 2, 99\)"):
        add_criticality_layer(fmap, atlas, {(1, 2, 99): 1.0})
    with pytest.raises(DataError, match="criticality score of 'A58' is nan"):
        add_criticality_layer(fmap, atlas, {"A58": float("nan")})


def _lattice(size: int, ways_per_road: int) -> mobility.Network:
    """``size`` x ``size`` junctions 2 km apart: rows are named primary roads, columns
    unnamed tertiary ones, both two-way; each road between two junctions is cut into
    ``ways_per_road`` ways with a shape point each, sub-metre off the straight line."""
    road = nx.MultiDiGraph()
    step_deg, jitter_deg = 0.02, 0.000005
    for i in range(size):
        for j in range(size):
            road.add_node(i * size + j, x=5.0 + j * step_deg, y=52.0 + i * step_deg)
    way, shape_node = itertools.count(1000), itertools.count(size * size)
    for i in range(size):
        for j in range(size - 1):
            for row in (True, False):
                a, b = i * size + j, i * size + j + 1
                if not row:
                    a, b = j * size + i, (j + 1) * size + i
                ends = [(road.nodes[n]["x"], road.nodes[n]["y"]) for n in (a, b)]
                cuts = [a, *(next(shape_node) for _ in range(1, ways_per_road)), b]
                for k, (u, v) in enumerate(itertools.pairwise(cuts)):
                    for node, share in ((u, k), (v, k + 1)):
                        x = ends[0][0] + (ends[1][0] - ends[0][0]) * share / ways_per_road
                        y = ends[0][1] + (ends[1][1] - ends[0][1]) * share / ways_per_road
                        road.add_node(node, x=x, y=y)
                    pu, pv = road.nodes[u], road.nodes[v]
                    middle = ((pu["x"] + pv["x"]) / 2 + jitter_deg, (pu["y"] + pv["y"]) / 2)
                    line = LineString([(pu["x"], pu["y"]), middle, (pv["x"], pv["y"])])
                    tags: dict[str, Any] = {"highway": "tertiary", "maxspeed_kph": 60.0}
                    if row:
                        tags = {"highway": "primary", "name": f"Weg {i}"}
                    osmid = next(way)
                    road.add_edge(u, v, geometry=line, osmid=osmid, corridors=("tiny",), **tags)
                    road.add_edge(
                        v, u, geometry=line.reverse(), osmid=osmid, corridors=("tiny",), **tags
                    )
    return Network(road, nx.MultiDiGraph(), load_corridors(DATA / "corridors-tiny.yaml"))


def test_a_big_network_is_drawn_road_by_road_not_edge_by_edge() -> None:
    size, ways = 12, 10
    network = _lattice(size, ways)
    fmap = folium.Map(tiles=None)
    add_network_layers(fmap, network)
    road_call, _ = calls(map_html(fmap), "network")
    pieces = 2 * size * (size - 1) * ways
    assert network.road.number_of_edges() == 2 * pieces
    # One line per road (a row or a column), each simplified to its two ends.
    lines = [line for group in road_call["groups"] for line in group["lines"]]
    assert len(lines) == 2 * size
    assert sum(line[0] for line in lines) == pieces
    assert all(len(line[1]) == 4 for line in lines)
    assert {g["t"] for g in road_call["groups"]} == {f"Weg {i}" for i in range(size)} | {
        "unnamed tertiary"
    }
    # Size grows with the roads, not with the edges: well under 100 bytes per road.
    assert len(json.dumps(road_call, separators=(",", ":"))) < 100 * 2 * size + 500
