from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility.maps import (
    PlanView,
    add_closures_layer,
    map_html,
    render_network_map,
    render_plan_map,
    save_map,
)
from mobility.maps import _assets as assets
from tests.maps.conftest import XSS, hand_movement, hand_view


def calls(page: str, function: str) -> list[Any]:
    """The data of every ``mobility.<function>(map, {...}, DATA);`` call in the page."""
    found = []
    for match in re.finditer(rf"mobility\.{function}\(map_\w+, \{{[^}}]*\}}, ", page):
        data, _ = json.JSONDecoder().raw_decode(page, match.end())
        found.append(data)
    return found


def assert_offline(page: str) -> None:
    # Leaflet's own source holds a link to its web site for the attribution prefix, which
    # mobility.js replaces with plain text; everything else must link nowhere.
    assert assets.leaflet_js() in page
    page = page.replace(assets.leaflet_js(), "")
    assert "<script src" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"url\((?!['\"]?(?:data:|#))", page)
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", page)  # no CDN of folium's template
    for cdn in ("cdn.jsdelivr", "code.jquery", "bootstrapcdn", "cloudflare", "unpkg"):
        assert cdn not in page


def test_plan_map_of_the_tiny_plan(tiny_view: PlanView, atlas: mobility.Network) -> None:
    page = map_html(render_plan_map(tiny_view, atlas))
    assert_offline(page)
    assert page.count("L.map(") == 1 and "L.control.scale()" in page
    assert "L.control.layers(" in page
    for layer in (
        "Corridor roads",
        "Corridor rail",
        "Bridges (MLC)",
        "Tunnels (ADR category)",
        "Border crossings",
        "Ports (SPOD)",
        "Convoy support centres",
        "Rail terminals",
        "Routes",
        "Columns at the chosen time",
        "Segment load at the chosen time",
    ):
        assert json.dumps(layer) in page, layer  # fmt: skip
    (plan,) = calls(page, "plan")
    numbers = [m["movement"] for m in tiny_view.movements]
    assert [m["n"] for m in plan["movements"]] == numbers
    assert {m["req"] for m in plan["movements"]} == {"R1", "R2"}
    first = plan["movements"][0]
    assert first["veh"] and first["count"] > 0 and first["cp"] and first["head"] and first["tail"]
    assert plan["names"][first["cp"][0][0]].startswith("Port of Vlissingen")
    assert 0 <= plan["initial_s"] <= plan["horizon_s"] == 24 * 3600
    assert plan["segments"] and plan["max_cols"] >= 1
    # The busiest moment shows at least one column.
    assert any(m["head"][0][0] <= plan["initial_s"] <= m["tail"][-1][0] for m in plan["movements"])
    (title,) = calls(page, "title")
    assert title["title"] == "mobility plan: tiny-south"
    assert any("on time" in line for line in title["lines"])
    assert "<title>mobility plan: tiny-south</title>" in page
    points = [p for call in calls(page, "points") for p in call["features"]]
    bridges = [p for p in points if p["k"] == "bridge"]
    assert any("Moerdijkbrug" in p["t"] and "MLC" in p["t"] for p in bridges)
    tunnels = [p for p in points if p["k"] == "tunnel"]
    assert any(p["t"].startswith("Vlaketunnel") and "ADR category C" in p["t"] for p in tunnels)


def test_names_from_scenarios_cannot_inject_markup() -> None:
    movement = hand_movement(unit=XSS)
    movement["request"] = XSS
    movement["checkpoints"][1]["name"] = f"Junction {XSS} & co"
    view = hand_view([movement], scenario=f"bad {XSS}")
    page = map_html(render_plan_map(view))
    assert "alert(1)" in page  # the text is there ...
    assert XSS not in page and "<script>alert" not in page  # ... but never as markup
    assert page.count("</script>") == page.count("<script>") == page.lower().count("<script")
    assert "<title>mobility plan: bad &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    (plan,) = calls(page, "plan")
    assert plan["movements"][0]["unit"] == XSS  # decoded back to the same text for textContent
    assert f"Junction {XSS} & co" in plan["names"]


def test_network_map_with_and_without_tiles(atlas: mobility.Network, tmp_path: Path) -> None:
    page = map_html(render_network_map(atlas))
    assert_offline(page)
    assert "L.tileLayer" not in page
    roads = calls(page, "network")[0]
    # The reverse direction of a two-way edge is not drawn twice.
    assert sum(len(g["lines"]) for g in roads["groups"]) < atlas.road.number_of_edges()
    assert {g["k"] for g in roads["groups"]} >= {"motorway", "trunk"}
    tiled = render_network_map(
        atlas, tiles_url="http://tiles.local/{z}/{x}/{y}.png", tiles_attribution="<b>ours</b>"
    )
    path = save_map(tiled, tmp_path / "maps" / "network.html")
    text = path.read_text(encoding="utf-8")
    assert "http://tiles.local/{z}/{x}/{y}.png" in text and "<b>ours</b>" not in text
    assert not list(path.parent.glob(".*.tmp"))


def test_layer_names_are_escaped_for_the_layer_control(atlas: mobility.Network) -> None:
    fmap = render_network_map(atlas)
    add_closures_layer(fmap, atlas, ["A58"], name=f"closed by {XSS}")
    page = map_html(fmap)
    assert XSS not in page
    assert '"closed by &lt;script&gt;alert(1)&lt;/script&gt;"' in page.replace("\\u0026", "&")


def test_save_map_replaces_its_own_maps_only(tmp_path: Path) -> None:
    import folium

    from mobility.errors import OutputError

    target = tmp_path / "m.html"
    target.write_text(
        "<html><head><title>mobility plan: old</title></head></html>"
    )  # pre-signature
    save_map(folium.Map(), target)
    assert target.read_text().rstrip().endswith("<!-- written by mobility map -->")
    save_map(folium.Map(), target)
    target.write_text("<html><head><title>my page</title></head></html>")
    with pytest.raises(OutputError, match="not written by mobility"):
        save_map(folium.Map(), target)
    assert "my page" in target.read_text()
