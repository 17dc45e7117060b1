"""GeoPackage layers read back with GDAL (pyogrio): names, geometry types, field types, values."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
from shapely.geometry import shape

from mobility.export.geopackage import (
    FieldType,
    Layer,
    _geometries,
    _value,
    _values,
    geopackage_bytes,
)

FIELDS = {"n": "int", "x": "float", "ok": "bool", "text": "str", "when": "datetime"}


def _write(tmp_path: Path, layers: dict[str, Layer]) -> Path:
    path = tmp_path / "out.gpkg"
    path.write_bytes(geopackage_bytes(layers))
    return path


def test_layers_fields_and_values_read_back(tmp_path: Path) -> None:
    points = [
        {
            "geometry": {"type": "Point", "coordinates": [4.5, 52.1]},
            "properties": {
                "n": 3,
                "x": 1.5,
                "ok": True,
                "text": ["north", "central"],
                "when": "2026-11-24T06:00:00+01:00",
                "ignored": "not declared",
            },
        },
        {"geometry": {"type": "Point", "coordinates": [5.0, 51.5]}, "properties": {"x": None}},
    ]
    line = {
        "geometry": {"type": "LineString", "coordinates": [[4, 52], [5, 52.5]]},
        "properties": {"text": "Brug <&> 'x'"},
    }
    path = _write(
        tmp_path,
        {
            "points": Layer("Point", FIELDS, points),  # type: ignore[arg-type]
            "lines": Layer("LineString", {"text": "str"}, [line]),
            "empty": Layer("Point", {"n": "int"}, []),
        },
    )
    assert [list(row) for row in pyogrio.list_layers(path)] == [
        ["points", "Point"],
        ["lines", "LineString"],
        ["empty", "Point"],
    ]
    info = pyogrio.read_info(path, layer="points")
    assert list(info["fields"]) == list(FIELDS)
    assert info["ogr_types"] == [
        "OFTInteger64",
        "OFTReal",
        "OFTInteger",
        "OFTString",
        "OFTDateTime",
    ]
    assert info["ogr_subtypes"][2] == "OFSTBoolean" and info["crs"] == "EPSG:4326"
    frame = pyogrio.read_dataframe(path, layer="points")
    first, second = frame.iloc[0], frame.iloc[1]
    assert (first.n, first.x, bool(first.ok), first.text) == (3, 1.5, True, "north;central")
    assert first.when.to_pydatetime() == datetime(2026, 11, 24, 5, tzinfo=UTC)
    assert second.isna()[["n", "x", "ok", "text", "when"]].all()  # missing is null
    assert (first.geometry.x, first.geometry.y) == (4.5, 52.1)
    assert pyogrio.read_dataframe(path, layer="lines").iloc[0].text == "Brug <&> 'x'"
    assert pyogrio.read_info(path, layer="empty")["features"] == 0


def test_same_features_give_the_same_bytes() -> None:
    layer = Layer("Point", {"n": "int"}, [{"geometry": {"type": "Point", "coordinates": [4, 52]},
                                           "properties": {"n": 1}}])  # fmt: skip
    assert geopackage_bytes({"a": layer}) == geopackage_bytes({"a": layer})


VALUES: dict[str, list[Any]] = {
    "int": [3, 2.0, True, "4", None, float("nan"), np.int64(5)],
    "bool": [True, False, 1, 0.0, "", None, float("inf")],
    "str": ["x", 1, 2.5, ["a", 1], ("b",), None, float("nan"), True],
    "float": [1.5, 2, True, "2.5", None, float("nan"), float("-inf"), np.float32(0.1)],
}


@pytest.mark.parametrize("kind", list(VALUES))
def test_values_are_what_the_per_value_conversion_gives(kind: FieldType) -> None:
    features = [{"geometry": None, "properties": {"v": v}} for v in VALUES[kind]]
    found = _values(Layer("Point", {"v": kind}, features), "v", kind)
    expected = [_value(v, kind) for v in VALUES[kind]]
    assert found == expected
    assert [type(v) for v in found] == [type(v) for v in expected]


def test_points_are_made_at_once_as_shape_makes_them() -> None:
    points = [{"type": "Point", "coordinates": [4.0 + i / 7, 52.1]} for i in range(5)]
    line = {"type": "LineString", "coordinates": [[4, 52], [5, 52.5]]}
    for geometries in (points, [*points[:2], line]):
        layer = Layer("Point", {}, [{"geometry": g, "properties": {}} for g in geometries])
        assert [g.wkb for g in _geometries(layer)] == [shape(g).wkb for g in geometries]
