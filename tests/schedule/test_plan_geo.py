"""The plan folder's routes.geojson, routes.gpkg and GPX files, read back with GDAL."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest

import mobility
from mobility.model.clock import utc_iso
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule._plan_geo import (
    PLAN_CHECKPOINT_FIELDS,
    PLAN_HALT_FIELDS,
    PLAN_ROUTE_FIELDS,
    _Measure,
    _positions,
    _utc,
)
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.plan_files import write_plan

OGR_TYPES = {
    "int": "OFTInteger64",
    "float": "OFTReal",
    "bool": "OFTInteger",
    "str": "OFTString",
    "datetime": "OFTDateTime",
}


@pytest.fixture(scope="module")
def folder(
    atlas: mobility.Network, router: Router, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    tmp = tmp_path_factory.mktemp("plan-geo")
    text = (Path(__file__).parent.parent / "data" / "scenario-tiny.yaml").read_text()
    # The ammunition platoon cannot make 05:00: a late movement.
    path = tmp / "tiny.yaml"
    path.write_text(text.replace("2026-11-24T14:00+01:00", "2026-11-24T05:00+01:00"))
    instance = build_instance(load_scenario(path), atlas, router)
    return write_plan(build_plan(instance, greedy_assignment(instance)), tmp / "plan")


def test_routes_carry_vehicles_times_due_and_lateness(folder: Path) -> None:
    rows = json.loads((folder / "movement_table.json").read_text())
    table = {row["movement"]: row for row in rows}
    gpkg = folder / "routes.gpkg"
    assert [list(row) for row in pyogrio.list_layers(gpkg)] == [
        ["routes", "LineString"],
        ["checkpoints", "Point"],
        ["halts", "Point"],
    ]
    info = pyogrio.read_info(gpkg, layer="routes")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types == {name: OGR_TYPES[kind] for name, kind in PLAN_ROUTE_FIELDS.items()}
    routes = pyogrio.read_dataframe(gpkg, layer="routes")
    assert sorted(routes["movement"]) == sorted(table)
    geojson = pyogrio.read_dataframe(folder / "routes.geojson")
    assert set(geojson.geom_type) == {"LineString"} and len(geojson) == len(table)
    late = 0
    for row in routes.itertuples():
        source = table[row.movement]
        assert row.vehicle_count == source["vehicle_count"]
        assert row.vehicles == "; ".join(f"{k} x{v}" for k, v in source["vehicles"].items())
        for name in ("start", "clear", "due", "release", "arrive"):
            assert getattr(row, name) == source[name]
            utc = getattr(row, f"{name}_utc").to_pydatetime()
            local = datetime.fromisoformat(source[name])
            assert utc == local.astimezone(UTC).replace(microsecond=0)
        assert row.late_min == source["late_min"] and bool(row.on_time) == (row.late_min == 0)
        late += row.late_min > 0
    assert late > 0
    for layer, fields in (("checkpoints", PLAN_CHECKPOINT_FIELDS), ("halts", PLAN_HALT_FIELDS)):
        info = pyogrio.read_info(gpkg, layer=layer)
        assert dict(zip(info["fields"], info["ogr_types"], strict=True)) == {
            name: OGR_TYPES[kind] for name, kind in fields.items()
        }
        expected = sum(len(row[layer]) for row in table.values())
        assert info["features"] == expected


def test_checkpoints_lie_at_their_graph_nodes(folder: Path, atlas: mobility.Network) -> None:
    points = pyogrio.read_dataframe(folder / "routes.gpkg", layer="checkpoints")
    for point in points.itertuples():
        node = atlas.road.nodes[point.node]
        dx = (node["x"] - point.geometry.x) * 111_320 * math.cos(math.radians(node["y"]))
        dy = (node["y"] - point.geometry.y) * 111_320
        assert math.hypot(dx, dy) < 5, point.name  # metres


def test_one_gpx_per_distinct_route(folder: Path) -> None:
    table = json.loads((folder / "movement_table.json").read_text())
    files = sorted(folder.glob("*.gpx"))
    assert files and all(f.name.startswith("route-") for f in files)
    described = ""
    for path in files:
        tracks = pyogrio.read_dataframe(path, layer="tracks")
        assert len(tracks) == 1 and tracks.geometry.iloc[0].length > 0
        described += str(tracks["desc"].iloc[0])
        waypoints = pyogrio.read_dataframe(path, layer="waypoints")
        assert len(waypoints) > 2
    for row in table:  # every movement is named in the GPX file of its route
        assert row["movement"] in described
    assert len(files) == len({(r["request"], r["route"], tuple(r["refs"])) for r in table})


def test_trains_have_their_stations_along_the_rail_path(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    path = tmp_path / "rail.yaml"
    path.write_text(
        """name: rail-geo
start: 2026-11-24T00:00+01:00
horizon_h: 48
slot_min: 15
k_routes: 2
requests:
  - {id: TANKS, unit: tanks, origin: spod-rotterdam, destination: bcp-zevenaar-emmerich,
     available_from: 2026-11-24T04:00+01:00, required_by: 2026-11-25T18:00+01:00,
     priority: 1, mode: rail, vehicles: {m1a2-sepv3: 30}}
"""
    )
    instance = build_instance(load_scenario(path), atlas, router)
    folder = write_plan(build_plan(instance, greedy_assignment(instance)), tmp_path / "plan")
    rows = json.loads((folder / "movement_table.json").read_text())
    assert {row["mode"] for row in rows} == {"rail"}
    points = pyogrio.read_dataframe(folder / "routes.gpkg", layer="checkpoints")
    for row in rows:
        stations = row["train"]["checkpoints"]
        mine = points[points["movement"] == row["movement"]]
        assert len(mine) == len(row["checkpoints"]) + len(stations)
        last = mine.iloc[-1]
        crossing = next(p for p in atlas.places if p.place_id == row["train"]["border"]["id"])
        dx = (crossing.lon - last.geometry.x) * 111_320 * math.cos(math.radians(crossing.lat))
        dy = (crossing.lat - last.geometry.y) * 111_320
        assert math.hypot(dx, dy) < 50  # metres: the train's last point is its border crossing
    assert list(folder.glob("route-tanks-*.gpx"))


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24T04:03:10+01:00",
        "2026-03-29T03:30:00.999+02:00",
        "2026-11-24T04:03:10Z",
        "1000-01-01T00:30:00+01:00",
        "2026-11-24T04:03:10",
    ],
)
def test_utc_times_are_those_of_utc_iso(text: str) -> None:
    assert _utc(text) == utc_iso(datetime.fromisoformat(text))
    assert _utc("") is None and _utc(None) is None


def test_positions_are_given_or_interpolated_along_the_line_at_once() -> None:
    measure = _Measure([[4.0, 52.0], [4.1, 52.0], [4.1, 52.1]])
    total = float(measure.km[-1])
    items: list[dict[str, Any]] = [
        {"km": 0.0},
        {"km": total / 2},
        {"lon": 5.0, "lat": 51.0, "km": 3.0},
        {"km": math.inf},
        {"km": None},
        {"km": total + 10},
    ]
    found = _positions(items, measure)
    assert found[0] == (4.0, 52.0) and found[2] == (5.0, 51.0) and found[3] is None
    assert found[4] == (4.0, 52.0) and found[5] == (4.1, 52.1)  # no km: the start; clamped
    for item, where in zip(items[:2], found[:2], strict=True):
        km = float(item["km"])  # one at a time, as np.interp of a single km gives it
        lon = float(np.interp(km, measure.km, measure.coords[:, 0]))
        assert where == (lon, float(np.interp(km, measure.km, measure.coords[:, 1])))
    # With an offset (a train's rail checkpoints) every item is placed along the line.
    assert _positions([{"lon": 5.0, "lat": 51.0, "km": 0.0}], measure, 0.0) == [(4.0, 52.0)]
    assert _positions(items, _Measure([])) == [None, None, (5.0, 51.0), None, None, None]
