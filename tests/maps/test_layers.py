"""Map layers from the project's data: corridors, critical points, closures, criticality."""

from __future__ import annotations

import folium
import pytest

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
    criticality_colour,
    network_bounds,
    to_latlngs,
)
from tests.maps.test_render import assert_offline, calls


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
    road_call, rail_call = calls(page, "lines")
    kinds = [f["k"] for f in road_call["features"]]
    assert set(kinds) <= set(ROAD_STYLES) and "motorway" in kinds
    order = list(ROAD_STYLES)
    assert [order.index(k) for k in kinds] == sorted((order.index(k) for k in kinds), reverse=True)
    # A two-way road is one line, not two.
    assert len(road_call["features"]) < atlas.road.number_of_edges()
    assert rail_call["features"] and {f["k"] for f in rail_call["features"]} == {"rail"}
    (legend,) = calls(page, "legend")
    assert legend["section"] == "Network" and legend["items"][-1]["label"] == "rail"


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
