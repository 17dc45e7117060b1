"""A plan's routes for GIS and navigation: ``routes.geojson``, ``routes.gpkg`` and GPX files.

``routes.geojson`` holds one LineString per movement (march unit or train)
with its movement number, request, unit, vehicles, times (Dutch local time
with offset and UTC), due time and lateness. ``routes.gpkg`` holds the same
as layer ``routes`` and the checkpoints and halts of every movement as
Point layers ``checkpoints`` and ``halts``, placed along the movement's
route at their distance from its start. Each distinct route of a request
gets one GPX file (``route-<request>-<route>.gpx``): the track and its
checkpoints and halts as waypoints, with the movements that use it and
their times in its description.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from mobility import _json as strict_json
from mobility.export.geopackage import FieldType, Layer, geopackage_bytes
from mobility.export.gpx import GpxPoint, GpxRoute, gpx_bytes, gpx_file_name
from mobility.model.clock import utc_iso
from mobility.network.build import EARTH_RADIUS_M
from mobility.routing.export import CHECKPOINT_FIELDS, HALT_FIELDS

if TYPE_CHECKING:  # the plan validator reads plan folders without solver code
    from mobility.schedule.plan import Plan

#: Fields of every feature of ``routes.geojson`` (layer ``routes``).
PLAN_ROUTE_FIELDS: dict[str, FieldType] = {
    "movement": "str",
    "request": "str",
    "unit": "str",
    "march_unit": "str",
    "mode": "str",
    "route": "str",
    "refs": "str",
    "length_km": "float",
    "vehicles": "str",
    "vehicle_count": "int",
    "priority": "int",
    "release": "str",
    "start": "str",
    "arrive": "str",
    "clear": "str",
    "due": "str",
    "release_utc": "datetime",
    "start_utc": "datetime",
    "arrive_utc": "datetime",
    "clear_utc": "datetime",
    "due_utc": "datetime",
    "late_min": "int",
    "on_time": "bool",
    "driving_h": "float",
    "disruption_vh": "float",
    "peak_column_h": "float",
}
#: Fields of the ``checkpoints`` layer.
PLAN_CHECKPOINT_FIELDS: dict[str, FieldType] = {
    "movement": "str",
    **{name: kind for name, kind in CHECKPOINT_FIELDS.items() if name != "route"},
}
#: Fields of the ``halts`` layer.
PLAN_HALT_FIELDS: dict[str, FieldType] = {
    "movement": "str",
    **{name: kind for name, kind in HALT_FIELDS.items() if name not in ("route", "node")},
}
_TIMES = ("release", "start", "arrive", "clear", "due")


def _utc(text: Any) -> str | None:
    """UTC text of a local ISO time of the movement table (``None`` when empty)."""
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        return utc_iso(moment)
    # utc_iso's text without strftime, which takes most of the time of a plan's
    # tens of thousands of times
    utc = moment.astimezone(UTC).replace(microsecond=0)
    return utc.isoformat()[:-6] + "Z" if utc.year >= 1000 else utc_iso(utc)


def _vehicles(vehicles: dict[str, int]) -> str:
    return "; ".join(f"{vehicle} x{count}" for vehicle, count in vehicles.items())


def route_properties(data: dict[str, Any]) -> dict[str, Any]:
    """Flat fields of one movement (see :data:`PLAN_ROUTE_FIELDS`)."""
    properties: dict[str, Any] = {
        name: data.get(name)
        for name in (
            "movement",
            "request",
            "unit",
            "march_unit",
            "mode",
            "route",
            "length_km",
            "vehicle_count",
            "priority",
            "late_min",
            "disruption_vh",
            "peak_column_h",
        )
    }
    properties["refs"] = " ".join(data.get("refs") or [])
    properties["vehicles"] = _vehicles(data.get("vehicles") or {})
    for name in _TIMES:
        properties[name] = data.get(name) or None
        properties[f"{name}_utc"] = _utc(data.get(name))
    late = data.get("late_min")
    properties["on_time"] = None if late is None else late == 0
    driving = data.get("driving_s")
    properties["driving_h"] = None if driving is None else round(driving / 3600, 3)
    return {name: properties.get(name) for name in PLAN_ROUTE_FIELDS}


class _Measure:
    """Positions along a line (lon, lat) by distance from its start."""

    def __init__(self, coords: Sequence[Sequence[float]]) -> None:
        xy = np.radians(np.asarray(coords, dtype=np.float64).reshape(-1, 2))
        self.coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
        if len(xy) < 2:
            self.km = np.zeros(len(xy))
            return
        dlon, dlat = np.diff(xy[:, 0]), np.diff(xy[:, 1])
        lat1, lat2 = xy[:-1, 1], xy[1:, 1]
        a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
        step = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) / 1000
        self.km = np.concatenate([[0.0], np.cumsum(step)])

    def at_all(self, kms: Sequence[float]) -> list[tuple[float, float] | None]:
        """Positions at each of ``kms`` (``None`` at a non-finite one), interpolated at once."""
        if len(self.coords) == 0 or not kms:
            return [None] * len(kms)
        at = np.asarray(kms, dtype=np.float64)
        lons = np.interp(at, self.km, self.coords[:, 0]).tolist()
        lats = np.interp(at, self.km, self.coords[:, 1]).tolist()
        return [
            (lon, lat) if math.isfinite(km) else None
            for km, lon, lat in zip(kms, lons, lats, strict=True)
        ]


def _point(where: tuple[float, float], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": list(where)},
        "properties": properties,
    }


def _positions(
    items: Sequence[dict[str, Any]], measure: _Measure, offset_km: float | None = None
) -> list[tuple[float, float] | None]:
    """Where each item is: its own ``lon`` and ``lat``, or ``km`` along the line.

    With ``offset_km``, every item is placed at ``offset_km + km`` along the
    line (a train's rail checkpoints, after its road leg).
    """
    found: list[tuple[float, float] | None] = []
    along: list[int] = []
    for item in items:
        lon, lat = item.get("lon"), item.get("lat")
        if offset_km is None and isinstance(lon, (int, float)) and isinstance(lat, (int, float)):
            found.append((float(lon), float(lat)))
        else:
            along.append(len(found))
            found.append(None)
    kms = [float(items[i].get("km") or 0.0) for i in along]
    if offset_km is not None:
        kms = [offset_km + km for km in kms]
    for index, where in zip(along, measure.at_all(kms), strict=True):
        found[index] = where
    return found


def plan_layers(plan: Plan) -> dict[str, Layer]:
    """Layers ``routes`` (LineString), ``checkpoints`` and ``halts`` (Point) of a plan."""
    rows = {m.number: m.data for m in plan.movements}
    routes, checkpoints, halts = [], [], []
    for feature in plan.features:
        data = rows.get(str(feature["properties"].get("movement")), feature["properties"])
        coords = feature["geometry"]["coordinates"]
        routes.append(
            {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {**feature["properties"], **route_properties(data)},
            }
        )
        measure = _Measure(coords)
        number = data.get("movement")
        road = data.get("checkpoints") or []
        points = list(zip(road, _positions(road, measure), strict=True))
        train = data.get("train")
        if isinstance(train, dict) and len(measure.km):
            # The rail path follows the road leg in the geometry.
            offset = max(0.0, float(measure.km[-1]) - float(data.get("length_km") or 0.0))
            rail = train.get("checkpoints") or []
            points += list(zip(rail, _positions(rail, measure, offset), strict=True))
        for seq, (c, where) in enumerate(points):
            if where is not None:
                properties = {"movement": number, "seq": seq, **c}
                for name in ("arrive", "clear"):
                    properties[f"{name}_utc"] = _utc(c.get(name))
                checkpoints.append(_point(where, properties))
        stops = data.get("halts") or []
        for h, where in zip(stops, _positions(stops, measure), strict=True):
            if where is not None:
                properties = {"movement": number, **h}
                for name in ("start", "end"):
                    properties[f"{name}_utc"] = _utc(h.get(name))
                halts.append(_point(where, properties))
    return {
        "routes": Layer("LineString", PLAN_ROUTE_FIELDS | _extra(routes), routes),
        "checkpoints": Layer("Point", PLAN_CHECKPOINT_FIELDS, checkpoints),
        "halts": Layer("Point", PLAN_HALT_FIELDS, halts),
    }


def _extra(features: list[dict[str, Any]]) -> dict[str, FieldType]:
    """Text fields of the plan's own features that the declared fields lack."""
    names = {k for f in features for k in f["properties"]} - set(PLAN_ROUTE_FIELDS)
    return {name: "str" for name in sorted(names)}


def _gpx_routes(plan: Plan) -> dict[str, GpxRoute]:
    rows = {m.number: m.data for m in plan.movements}
    groups: dict[tuple[str, str, bytes], list[tuple[dict[str, Any], list[Any]]]] = {}
    for feature in plan.features:
        data = rows.get(str(feature["properties"].get("movement")))
        coords = feature["geometry"]["coordinates"]
        if data is None or len(coords) < 2:
            continue
        key = (
            str(data.get("request")),
            str(data.get("route") or data.get("mode")),
            np.round(np.asarray(coords, dtype=np.float64), 7).tobytes(),
        )
        groups.setdefault(key, []).append((data, coords))
    routes: dict[str, GpxRoute] = {}
    for (request, route, _), members in groups.items():
        name = gpx_file_name("route", request, route)
        stem, number = name.removesuffix(".gpx"), 2
        while name in routes:
            name, number = f"{stem}-{number}.gpx", number + 1
        first, coords = members[0]
        measure = _Measure(coords)
        road, stops = first.get("checkpoints") or [], first.get("halts") or []
        points = [
            GpxPoint(*where, str(c.get("name")), str(c.get("kind") or ""), f"km {c.get('km')}")
            for c, where in zip(road, _positions(road, measure), strict=True)
            if where is not None
        ]
        points += [
            GpxPoint(*where, f"halt: {h.get('name')}", "halt", f"km {h.get('km')}; {h.get('kind')}")
            for h, where in zip(stops, _positions(stops, measure), strict=True)
            if where is not None
        ]
        movements = "; ".join(
            f"{d.get('movement')} ({d.get('march_unit')}, {d.get('vehicle_count')} vehicles) "
            f"start {d.get('start')}, clear {d.get('clear')}, due {d.get('due')}"
            for d, _ in members
        )
        routes[name] = GpxRoute(
            name=f"{request} {route}: {first.get('unit')}",
            description=f"via {' '.join(first.get('refs') or []) or '-'}; movements: {movements}",
            coords=[(float(lon), float(lat)) for lon, lat, *_ in coords],
            waypoints=points,
        )
    return routes


def plan_geo_files(plan: Plan) -> dict[str, bytes]:
    """``routes.geojson``, ``routes.gpkg`` and the GPX files of a plan, by file name."""
    layers = plan_layers(plan)
    files = {
        "routes.geojson": strict_json.dumps(
            {"type": "FeatureCollection", "features": list(layers["routes"].features)},
            ensure_ascii=False,
        ).encode("utf-8"),
        "routes.gpkg": geopackage_bytes(layers),
    }
    files.update({name: gpx_bytes(route) for name, route in _gpx_routes(plan).items()})
    return files
