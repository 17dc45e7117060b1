"""A user's province or municipality outlines on the offline map (files written here)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import pytest
from shapely.affinity import translate
from shapely.geometry import LineString, Point, Polygon, box

import mobility
from mobility.cli import main
from mobility.errors import DataError
from mobility.maps import map_html, render_network_map
from mobility.maps._geometry import cumulative_m
from mobility.maps.outlines import OUTLINE_STYLE, outlines_payload, read_outlines
from tests.maps.conftest import DATA, XSS
from tests.maps.test_render import calls

NETHERLANDS = [[50.75, 3.35], [53.55, 7.23]]
# Two 20 km squares side by side in RD New (EPSG:28992), around Amersfoort (52.16 N, 5.39 E).
WEST = box(135_000, 453_000, 155_000, 473_000)
EAST = box(155_000, 453_000, 175_000, 473_000)


def write_squares(
    path: Path, fields: dict[str, list[Any]], *, shift_m: tuple[float, float] = (0.0, 0.0)
) -> Path:
    """Write WEST and EAST (moved by ``shift_m`` east and north) with ``fields`` to ``path``."""
    dx, dy = shift_m
    squares = [translate(square, xoff=dx, yoff=dy) for square in (WEST, EAST)]
    pyogrio.write_dataframe(gpd.GeoDataFrame(fields, geometry=squares, crs="EPSG:28992"), path)
    return path


def _km(line: list[list[float]]) -> float:
    """Length of a ``[[lat, lon], ...]`` line in km."""
    return cumulative_m([[lon, lat] for lat, lon in line])[-1] / 1000


def test_a_geopackage_in_rd_new_is_reprojected_with_shared_borders_drawn_once(
    tmp_path: Path,
) -> None:
    names: dict[str, list[Any]] = {"statnaam": ["Westland", "Oostland"], "code": [1, 2]}
    path = write_squares(tmp_path / "provinces.gpkg", names)
    outlines = read_outlines(path)
    payload = outlines_payload(outlines, NETHERLANDS)
    # Two 20 km squares sharing a side: 6 outer sides and the shared one, 140 km of line.
    assert sum(_km(line) for line in payload["lines"]) == pytest.approx(140, rel=0.01)
    (west, east) = sorted(payload["labels"], key=lambda label: label[1])
    assert (west[2], east[2]) == ("Westland", "Oostland")
    assert 52.0 < west[0] < 52.3 and 5.1 < west[1] < 5.39 < east[1] < 5.7
    assert outlines.source == "provinces.gpkg"


def test_geojson_with_a_name_field_and_a_chosen_layer_and_field(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["Utrecht"], "label": ["U"]},
        geometry=[Polygon([(5.0, 52.0), (5.3, 52.0), (5.3, 52.2), (5.0, 52.2)])],
        crs="EPSG:4326",
    )
    path = tmp_path / "utrecht.geojson"
    pyogrio.write_dataframe(frame, path, driver="GeoJSON")
    assert [label[2] for label in outlines_payload(read_outlines(path), NETHERLANDS)["labels"]] == [
        "Utrecht"
    ]
    chosen = read_outlines(path, name_field="label")
    assert [label[2] for label in outlines_payload(chosen, NETHERLANDS)["labels"]] == ["U"]
    # Two polygon layers in one GeoPackage: the one to draw is named.
    gpkg = tmp_path / "two.gpkg"
    pyogrio.write_dataframe(frame, gpkg, layer="provincie")
    pyogrio.write_dataframe(frame.assign(name="Gemeente Utrecht"), gpkg, layer="gemeente")
    with pytest.raises(DataError, match=r"has 2 layers \(provincie, gemeente\); name the one"):
        read_outlines(gpkg)
    outlines = read_outlines(gpkg, layer="gemeente")
    assert outlines.labels[0][0] == "Gemeente Utrecht"
    assert outlines.source == "two.gpkg, layer gemeente"


def test_outlines_are_clipped_to_the_map_and_simplified(tmp_path: Path) -> None:
    # A circle of 4,000 points (radius 10 km) near Utrecht, and a square far away (Spain).
    circle = Point(150_000, 460_000).buffer(10_000, quad_segs=1000)
    frame = gpd.GeoDataFrame({"naam": ["Rond", "Ver"]}, geometry=[circle, WEST], crs="EPSG:28992")
    frame.loc[1, "geometry"] = box(-400_000, -1_200_000, -380_000, -1_180_000)
    path = tmp_path / "round.gpkg"
    pyogrio.write_dataframe(frame, path)
    payload = outlines_payload(read_outlines(path), NETHERLANDS)
    assert [label[2] for label in payload["labels"]] == ["Rond"]
    points = sum(len(line) for line in payload["lines"])
    assert 20 < points < 400  # simplified from 4,000, still round
    assert sum(_km(line) for line in payload["lines"]) == pytest.approx(2 * math.pi * 10, rel=0.02)


def test_the_map_draws_outlines_and_names_as_text(atlas: mobility.Network, tmp_path: Path) -> None:
    path = write_squares(tmp_path / "areas.gpkg", {"naam": [XSS, "Oostland"]})
    page = map_html(render_network_map(atlas, outlines=read_outlines(path)))
    (drawn,) = calls(page, "outlines")
    assert drawn["style"] == OUTLINE_STYLE and len(drawn["lines"]) >= 1
    assert {label[2] for label in drawn["labels"]} == {XSS, "Oostland"}
    assert XSS not in page and "<script>alert" not in page
    assert drawn["attribution"] == "outlines: areas.gpkg"
    assert '"Outlines (areas.gpkg)"' in page[page.index("overlays :") :]
    assert "mobility.outlines(" not in map_html(render_network_map(atlas))


def test_bad_outline_files_are_named_with_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"outline file '.*none.gpkg' does not exist"):
        read_outlines(tmp_path / "none.gpkg")
    text = tmp_path / "notes.gpkg"
    text.write_text("not a GeoPackage\n")
    with pytest.raises(DataError, match=r"outline file '.*notes.gpkg' cannot be read .*GeoPackage"):
        read_outlines(text)
    areas = write_squares(tmp_path / "areas.gpkg", {"statnaam": ["A", "B"]})
    with pytest.raises(DataError, match=r"has no field 'gemeentenaam'; its fields: statnaam"):
        read_outlines(areas, name_field="gemeentenaam")
    with pytest.raises(DataError, match=r"has no layer 'gemeente'; its layers: areas"):
        read_outlines(areas, layer="gemeente")
    points = tmp_path / "points.gpkg"
    frame = gpd.GeoDataFrame({"naam": ["P"]}, geometry=[Point(5, 52)], crs="EPSG:4326")
    pyogrio.write_dataframe(frame, points)
    with pytest.raises(DataError, match=r"points.gpkg' layer 'points' has no polygons or lines"):
        read_outlines(points)
    shapefile = tmp_path / "areas.shp"
    frame = gpd.GeoDataFrame({"naam": ["A"]}, geometry=[LineString([(0, 0), (1, 1)])])
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(frame, shapefile)
    with pytest.raises(DataError, match=r"has no coordinate reference system \(a Shapefile"):
        read_outlines(shapefile)


def test_unnamed_areas_are_drawn_without_names(tmp_path: Path) -> None:
    path = write_squares(tmp_path / "plain.gpkg", {"code": [1, 2]})
    payload = outlines_payload(read_outlines(path), NETHERLANDS)
    assert payload["lines"] and payload["labels"] == []
    # An area without a name (NULL or blank) is drawn unnamed, never as "None" or "nan".
    path = write_squares(tmp_path / "some.gpkg", {"naam": [None, " "]})
    assert read_outlines(path).labels == ()


def test_cli_map_with_outlines_and_a_bad_outline_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    areas = write_squares(tmp_path / "areas.gpkg", {"statnaam": ["Westland", "Oostland"]})
    out = tmp_path / "network.html"
    assert main(["map", "--network", "--outlines", str(areas), "--out", str(out)]) == 0
    assert "Westland" in out.read_text(encoding="utf-8")
    capsys.readouterr()
    bad = ["map", "--network", "--outlines", str(areas), "--outlines-name", "naam"]
    assert main([*bad, "--out", str(tmp_path / "bad.html")]) == 2
    err = capsys.readouterr().err
    assert "areas.gpkg" in err and "no field 'naam'" in err and "Traceback" not in err
    assert not (tmp_path / "bad.html").exists()


def test_plan_refuses_a_bad_outline_file_before_the_solve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.geojson"
    notes.write_text("{not json")
    out = tmp_path / "plan"
    scenario = str(DATA / "scenario-tiny.yaml")
    assert main(["plan", scenario, "--outlines", str(notes), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "outline file" in err and "notes.geojson" in err and "Traceback" not in err
    assert not out.exists()
