"""The offline map element and the calls into mobility.js."""

from __future__ import annotations

import json
import math

import folium
import pytest

from mobility.maps import _assets as assets
from mobility.maps import map_html
from mobility.maps._elements import JsCall, OfflineMap, script_json


def test_script_json_cannot_end_the_script_and_decodes_to_the_same_value() -> None:
    value = {"name": "</script><script>alert(1)</script> & co", "sep": "a\u2028b\u2029c", "n": 3}
    text = script_json(value)
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert json.loads(text) == value
    assert script_json([1.5, "é"]) == '[1.5,"é"]'  # compact, not ASCII-escaped


def test_script_json_refuses_numbers_a_browser_cannot_read() -> None:
    with pytest.raises(ValueError):
        script_json({"x": math.nan})


def test_the_offline_map_inlines_its_assets_and_links_nowhere() -> None:
    fmap = OfflineMap(location=[52.0, 5.0], zoom_start=8)
    page = map_html(fmap)
    assert assets.leaflet_js() in page and "window.mobility" in page
    head = page[: page.index("</head>")]
    assert "<script src" not in head and "<link" not in head
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page


def test_the_layer_control_lists_layers_added_after_it() -> None:
    fmap = OfflineMap(location=[52.0, 5.0], zoom_start=8)
    folium.LayerControl().add_to(fmap)
    folium.FeatureGroup(name="Added late").add_to(fmap)
    page = map_html(fmap)
    assert '"Added late"' in page[page.index("overlays :") :]


def test_a_call_names_the_map_its_layers_and_its_data() -> None:
    fmap = OfflineMap(location=[52.0, 5.0], zoom_start=8)
    group = folium.FeatureGroup(name="Group").add_to(fmap)
    JsCall("lines", fmap, {"group": group}, {"features": [], "t": "<b>"}).add_to(group)
    JsCall("done", fmap).add_to(fmap)
    page = map_html(fmap)
    expected = (
        f"mobility.lines({fmap.get_name()}, {{group: {group.get_name()}}}, "
        '{"features":[],"t":"\\u003cb\\u003e"});'
    )
    assert expected in page
    assert f"mobility.done({fmap.get_name()}, {{}}, null);" in page
