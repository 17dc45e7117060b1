"""GPX 1.1 written by mobility, read back by GDAL's GPX driver and by an XML parser."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pyogrio

from mobility.export.gpx import (
    GPX_NAMESPACE,
    MAX_STEM,
    GpxPoint,
    GpxRoute,
    gpx_bytes,
    gpx_file_name,
)

CET = timezone(timedelta(hours=1))
ROUTE = GpxRoute(
    name="MSR: Port <of> Vlissingen & \"Sloe\" \x01",
    description="12 x Fennek; via A58",
    coords=[(3.685, 51.448), (3.7, 51.46), (3.8, 51.5)],
    waypoints=[
        GpxPoint(3.685, 51.448, "Vlakebrug & tunnel <A58>", "bridge", "km 0.0",
                 datetime(2026, 11, 24, 6, 0, tzinfo=CET)),
        GpxPoint(float("nan"), 51.0, "nowhere"),
        GpxPoint(3.8, 51.5, "halt: Goes", "halt"),
    ],
)  # fmt: skip


def test_gpx_round_trip_in_gdal(tmp_path: Path) -> None:
    path = tmp_path / "msr.gpx"
    path.write_bytes(gpx_bytes(ROUTE))
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"waypoints", "tracks", "track_points"} <= layers
    waypoints = pyogrio.read_dataframe(path, layer="waypoints")
    assert list(waypoints["name"]) == ["Vlakebrug & tunnel <A58>", "halt: Goes"]  # nan left out
    assert list(waypoints["type"]) == ["bridge", "halt"]
    assert waypoints["time"].iloc[0].to_pydatetime() == datetime(2026, 11, 24, 6, tzinfo=CET)
    points = pyogrio.read_dataframe(path, layer="track_points")
    assert [(p.x, p.y) for p in points.geometry] == list(ROUTE.coords)
    track = pyogrio.read_dataframe(path, layer="tracks")
    assert track["name"].iloc[0] == 'MSR: Port <of> Vlissingen & "Sloe" '  # \x01 dropped


def test_gpx_is_gpx_1_1_xml() -> None:
    data = gpx_bytes(ROUTE)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<gpx ')
    root = SafeET.fromstring(data)
    assert root.tag == f"{{{GPX_NAMESPACE}}}gpx" and root.get("version") == "1.1"
    children = [child.tag.split("}")[1] for child in root]
    assert children == ["metadata", "wpt", "wpt", "trk"]  # GPX 1.1 order
    first = root.find(f"{{{GPX_NAMESPACE}}}wpt")
    assert first is not None
    # GPX 1.1 order inside a waypoint: time, name, desc, type.
    assert [c.tag.split("}")[1] for c in first] == ["time", "name", "desc", "type"]
    assert first.findtext(f"{{{GPX_NAMESPACE}}}time") == "2026-11-24T05:00:00Z"


def test_file_names_are_plain() -> None:
    assert gpx_file_name("route", "MECH-1", "ASR 1") == "route-mech-1-asr-1.gpx"
    assert gpx_file_name("../..", "") == "route.gpx"
    long_a, long_b = gpx_file_name("x" * 300, "a"), gpx_file_name("x" * 300, "b")
    assert len(long_a) == MAX_STEM + 4 and long_a != long_b
