"""``mobility route --out``: every layer read back in GDAL with its fields and types."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyogrio
import pytest

from mobility.routing.export import (
    CHECKPOINT_FIELDS,
    HALT_FIELDS,
    ROUTE_FIELDS,
    write_route_files,
)
from mobility.routing.router import RoutePlan, Router

OGR_TYPES = {
    "int": "OFTInteger64",
    "float": "OFTReal",
    "bool": "OFTInteger",
    "str": "OFTString",
    "datetime": "OFTDateTime",
}


@pytest.fixture(scope="module")
def plan(router: Router) -> RoutePlan:
    # 300 km with 60 vehicles: long enough for halts.
    return router.route(
        "Vlissingen", "bcp-venlo-a67", "boxer-apc", count=60, k=2, start="2026-11-24T06:00"
    )


def test_layers_read_back_with_declared_types(plan: RoutePlan, tmp_path: Path) -> None:
    folder = write_route_files(plan, tmp_path / "route")
    gpkg = folder / "routes.gpkg"
    assert [list(row) for row in pyogrio.list_layers(gpkg)] == [
        ["routes", "LineString"],
        ["checkpoints", "Point"],
        ["halts", "Point"],
    ]
    checkpoints = sum(len(r.schedule.checkpoints) for r in plan.routes)
    halts = sum(len(r.schedule.halts) for r in plan.routes)
    assert halts > 0
    for layer, fields, count in (
        ("routes", ROUTE_FIELDS, len(plan.routes)),
        ("checkpoints", CHECKPOINT_FIELDS, checkpoints),
        ("halts", HALT_FIELDS, halts),
    ):
        info = pyogrio.read_info(gpkg, layer=layer)
        declared = {name: OGR_TYPES[kind] for name, kind in fields.items()}
        assert dict(zip(info["fields"], info["ogr_types"], strict=True)) == declared
        assert info["features"] == count
        geojson = pyogrio.read_info(folder / f"{layer}.geojson")
        assert geojson["features"] == count and geojson["geometry_type"] == info["geometry_type"]
    routes = pyogrio.read_dataframe(gpkg, layer="routes")
    msr = plan.routes[0]
    row = routes.iloc[0]
    assert row.designation == "MSR" and row.vehicle_count == 60 and row.vehicle == "boxer-apc"
    assert row.depart == "2026-11-24T06:00:00+01:00"
    assert row.depart_utc.isoformat() == "2026-11-24T05:00:00+00:00"
    assert row.arrive_utc.to_pydatetime() == msr.schedule.arrive.replace(microsecond=0)
    assert math.isclose(row.length_km, msr.length_m / 1000, abs_tol=1e-3)
    assert row.classification == msr.classification.notation  # type: ignore[union-attr]
    points = pyogrio.read_dataframe(gpkg, layer="checkpoints")
    first = msr.schedule.checkpoints[0]
    assert points.iloc[0]["name"] == first.name and points.iloc[0].geometry.x == first.lon


def test_one_gpx_per_route_with_its_track_and_waypoints(plan: RoutePlan, tmp_path: Path) -> None:
    folder = write_route_files(plan, tmp_path / "route")
    for route, name in zip(plan.routes, ("msr.gpx", "asr-1.gpx"), strict=True):
        track = pyogrio.read_dataframe(folder / name, layer="track_points")
        coords = np.array([(p.x, p.y) for p in track.geometry])
        assert np.abs(coords - np.array(route.geometry.coords)).max() < 1e-7
        waypoints = pyogrio.read_dataframe(folder / name, layer="waypoints")
        assert len(waypoints) == len(route.schedule.checkpoints) + len(route.schedule.halts)
        assert waypoints["time"].iloc[0].to_pydatetime() == route.schedule.start
