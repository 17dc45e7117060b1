"""``--tiles``: XYZ and WMTS REST templates, checked before anything is drawn."""

from __future__ import annotations

from pathlib import Path

import folium
import pytest

import mobility
from mobility.cli import main
from mobility.errors import ScenarioError
from mobility.maps import render_network_map
from mobility.maps.tiles import PDOK_BRT_TEMPLATE, tile_template
from tests.maps.conftest import DATA


def test_xyz_and_wmts_templates_become_leaflet_templates() -> None:
    assert (
        tile_template("http://tiles.local/{z}/{x}/{y}.png") == "http://tiles.local/{z}/{x}/{y}.png"
    )
    assert tile_template(PDOK_BRT_TEMPLATE) == PDOK_BRT_TEMPLATE
    wmts = "https://tiles.local/wmts/standaard/EPSG:3857/{TileMatrix}/{TileCol}/{TileRow}.png"
    assert tile_template(wmts) == "https://tiles.local/wmts/standaard/EPSG:3857/{z}/{x}/{y}.png"
    kvp = "http://gis.local/wmts?REQUEST=GetTile&TILEMATRIX={tilematrix}&TILEROW={tilerow}&TILECOL={tilecol}"
    assert tile_template(kvp).endswith("TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
    assert tile_template("file:///srv/tiles/{z}/{x}/{y}.png").startswith("file:///")
    assert tile_template("http://{s}.tiles.local/{z}/{x}/{y}{r}.png")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://tiles.local/{z}/{x}/{y}.png", "expected an http, https or file URL"),
        ("tiles.local/{z}/{x}/{y}.png", "expected an http, https or file URL"),
        ("http:///{z}/{x}/{y}.png", "names no server"),
        ("http://tiles.local/{z}/{x}.png", "lacks {y}"),
        (
            "http://tiles.local/{z}/{x}/{y}/{TileMatrixSet}.png",
            "unknown placeholder '{TileMatrixSet}'",
        ),
        ("http://tiles.local/{z}/{x}/{y}.png?a=<b>", "no spaces, quotes or <>"),
        ("http://tiles.local/{z}/{x}/ {y}.png", "no spaces, quotes or <>"),
        ("http://tiles.local/{z}/{x}/{y}.png}", "unbalanced braces"),
    ],
)
def test_bad_templates_are_refused_with_what_was_expected(url: str, message: str) -> None:
    with pytest.raises(ScenarioError, match="--tiles") as error:
        tile_template(url)
    assert message in str(error.value)


def _layer(fmap: folium.Map, name: str) -> folium.FeatureGroup:
    (group,) = [c for c in fmap._children.values() if getattr(c, "layer_name", None) == name]
    assert isinstance(group, folium.FeatureGroup)
    return group


def test_tiles_replace_the_offline_background(atlas: mobility.Network) -> None:
    plain = render_network_map(atlas)
    assert _layer(plain, "Background (offline)").show
    tiled = render_network_map(atlas, tiles_url=PDOK_BRT_TEMPLATE, tiles_attribution="PDOK")
    assert not _layer(tiled, "Background (offline)").show
    assert _layer(tiled, "Cities and towns").show
    page = tiled.get_root().render()
    assert PDOK_BRT_TEMPLATE in page


def test_map_with_a_bad_template_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "network.html"
    code = main(
        ["map", "--network", "--out", str(out), "--tiles", "http://tiles.local/{z}/{x}.png"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--tiles" in err and "lacks {y}" in err and "Traceback" not in err
    assert not out.exists()


def test_plan_with_a_bad_template_exits_2_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    scenario = str(DATA / "scenario-tiny.yaml")
    code = main(
        ["plan", scenario, "--out", str(out), "--tiles", "gopher://tiles.local/{z}/{x}/{y}"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "--tiles" in err and "expected an http, https or file URL" in err
    assert not out.exists()


def test_a_plan_folder_map_draws_the_given_tiles(tmp_path: Path) -> None:
    out = tmp_path / "plan"
    scenario = str(DATA / "scenario-tiny.yaml")
    args = ["plan", scenario, "--out", str(out), "--fast", "--time-limit", "2"]
    assert main([*args, "--tiles", PDOK_BRT_TEMPLATE, "--tiles-attribution", "PDOK"]) == 0
    page = (out / "map.html").read_text(encoding="utf-8")
    assert PDOK_BRT_TEMPLATE in page and "PDOK" in page
