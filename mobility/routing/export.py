"""Route plans as GIS layers and navigation files.

``mobility route --out DIR`` writes ``routes.geojson`` (the routes as
LineStrings), ``checkpoints.geojson`` and ``halts.geojson`` (Points),
``routes.gpkg`` (the three as layers ``routes``, ``checkpoints`` and
``halts``) and one GPX file per route (``msr.gpx``, ``asr-1.gpx``, ...).
Every layer holds one geometry type and flat fields of one type each; times
are given twice, in Dutch local time with its offset (``arrive``) and in
UTC (``arrive_utc``; a date-time field in the GeoPackage).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from shapely.geometry import mapping

from mobility import _json as strict_json
from mobility._atomic import write_folder_atomic
from mobility.export.geopackage import FieldType, Layer, geopackage_bytes
from mobility.export.gpx import GpxPoint, GpxRoute, gpx_bytes, gpx_file_name
from mobility.model.clock import local_iso, utc_iso
from mobility.routing.router import Route, RoutePlan

#: Fields of the ``routes`` layer.
ROUTE_FIELDS: dict[str, FieldType] = {
    "designation": "str",
    "mode": "str",
    "origin": "str",
    "destination": "str",
    "vehicle": "str",
    "moved_as": "str",
    "vehicle_count": "int",
    "length_km": "float",
    "driving_h": "float",
    "depart": "str",
    "arrive": "str",
    "clear": "str",
    "depart_utc": "datetime",
    "arrive_utc": "datetime",
    "clear_utc": "datetime",
    "shared_with_msr": "float",
    "max_shared": "float",
    "refs": "str",
    "classification": "str",
    "route_mlc": "int",
    "mlc_element": "str",
    "width_m": "float",
    "width_element": "str",
    "clearance_m": "float",
    "clearance_element": "str",
    "obstructions": "str",
    "structures": "str",
}
#: Fields of the ``checkpoints`` layer.
CHECKPOINT_FIELDS: dict[str, FieldType] = {
    "route": "str",
    "seq": "int",
    "name": "str",
    "kind": "str",
    "node": "int",
    "km": "float",
    "arrive": "str",
    "clear": "str",
    "arrive_utc": "datetime",
    "clear_utc": "datetime",
    "detail": "str",
}
#: Fields of the ``halts`` layer.
HALT_FIELDS: dict[str, FieldType] = {
    "route": "str",
    "name": "str",
    "kind": "str",
    "node": "int",
    "km": "float",
    "start": "str",
    "end": "str",
    "start_utc": "datetime",
    "end_utc": "datetime",
    "at_support_centre": "bool",
}


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _point(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any] | None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _route_properties(plan: RoutePlan, route: Route) -> dict[str, Any]:
    c = route.classification
    schedule = route.schedule
    return {
        "designation": route.designation,
        "mode": route.mode,
        "origin": plan.origin.name,
        "destination": plan.destination.name,
        "vehicle": plan.vehicle.id,
        "moved_as": plan.moved_as.name,
        "vehicle_count": plan.column.count if plan.column is not None else 1,
        "length_km": round(route.length_m / 1000, 3),
        "driving_h": round(route.driving_s / 3600, 3),
        "depart": local_iso(schedule.start),
        "arrive": local_iso(schedule.arrive),
        "clear": local_iso(schedule.clear),
        "depart_utc": utc_iso(schedule.start),
        "arrive_utc": utc_iso(schedule.arrive),
        "clear_utc": utc_iso(schedule.clear),
        "shared_with_msr": round(route.shared_with_msr, 3),
        "max_shared": round(route.max_shared, 3),
        "refs": " ".join(route.refs),
        "classification": c.notation if c is not None else None,
        "route_mlc": c.mlc if c is not None else None,
        "mlc_element": c.mlc_element if c is not None else None,
        "width_m": c.width_m if c is not None else None,
        "width_element": c.width_element if c is not None else None,
        "clearance_m": _finite(c.clearance_m) if c is not None else None,
        "clearance_element": c.clearance_element if c is not None else None,
        "obstructions": "; ".join(c.obstructions) if c is not None else None,
        "structures": "; ".join(route.structures),
    }


def route_layers(plan: RoutePlan) -> dict[str, Layer]:
    """Return the plan's ``routes`` (LineString), ``checkpoints`` and ``halts`` (Point) layers."""
    routes, checkpoints, halts = [], [], []
    for route in plan.routes:
        routes.append(
            {
                "type": "Feature",
                "geometry": mapping(route.geometry),
                "properties": _route_properties(plan, route),
            }
        )
        for seq, c in enumerate(route.schedule.checkpoints):
            feature = _point(
                c.lon,
                c.lat,
                {
                    "route": route.designation,
                    "seq": seq,
                    "name": c.name,
                    "kind": c.kind,
                    "node": c.node,
                    "km": round(c.distance_m / 1000, 3),
                    "arrive": local_iso(c.arrive),
                    "clear": local_iso(c.clear),
                    "arrive_utc": utc_iso(c.arrive),
                    "clear_utc": utc_iso(c.clear),
                    "detail": c.detail,
                },
            )
            if feature is not None:
                checkpoints.append(feature)
        for h in route.schedule.halts:
            feature = _point(
                h.lon,
                h.lat,
                {
                    "route": route.designation,
                    "name": h.name,
                    "kind": h.kind,
                    "node": h.node,
                    "km": round(h.distance_m / 1000, 3),
                    "start": local_iso(h.start),
                    "end": local_iso(h.end),
                    "start_utc": utc_iso(h.start),
                    "end_utc": utc_iso(h.end),
                    "at_support_centre": h.at_support_centre,
                },
            )
            if feature is not None:
                halts.append(feature)
    return {
        "routes": Layer("LineString", ROUTE_FIELDS, routes),
        "checkpoints": Layer("Point", CHECKPOINT_FIELDS, checkpoints),
        "halts": Layer("Point", HALT_FIELDS, halts),
    }


def layer_geojson(layer: Layer) -> dict[str, Any]:
    """One layer as a GeoJSON FeatureCollection (one geometry type)."""
    return {"type": "FeatureCollection", "features": list(layer.features)}


def route_gpx(plan: RoutePlan, route: Route) -> GpxRoute:
    """One route with its checkpoints and halts as waypoints (times of the column's head)."""
    who = f"{plan.column.count} x " if plan.column is not None else ""
    moved = f" on {plan.moved_as.name}" if plan.moved_as is not plan.vehicle else ""
    points = [
        GpxPoint(
            c.lon,
            c.lat,
            c.name,
            c.kind,
            f"km {c.distance_m / 1000:.1f}; arrive {local_iso(c.arrive, 'minutes')}, "
            f"clear {local_iso(c.clear, 'minutes')}" + (f"; {c.detail}" if c.detail else ""),
            c.arrive,
        )
        for c in route.schedule.checkpoints
    ]
    points += [
        GpxPoint(
            h.lon,
            h.lat,
            f"halt: {h.name}",
            "halt",
            f"km {h.distance_m / 1000:.1f}; {h.kind} {local_iso(h.start, 'minutes')} "
            f"to {local_iso(h.end, 'minutes')}",
            h.start,
        )
        for h in route.schedule.halts
    ]
    return GpxRoute(
        name=f"{route.designation}: {plan.origin.name} - {plan.destination.name}",
        description=(
            f"{who}{plan.vehicle.name}{moved}; via {' '.join(route.refs) or '-'}; "
            f"{route.length_m / 1000:.1f} km; depart {local_iso(route.schedule.start, 'minutes')}"
        ),
        coords=[(float(x), float(y)) for x, y, *_ in route.geometry.coords],
        waypoints=points,
    )


def route_files(plan: RoutePlan) -> dict[str, bytes]:
    """Every file of ``mobility route --out``: GeoJSON, GeoPackage and GPX, by name."""
    layers = route_layers(plan)
    files = {
        f"{name}.geojson": strict_json.dumps(layer_geojson(layer), ensure_ascii=False).encode(
            "utf-8"
        )
        for name, layer in layers.items()
    }
    files["routes.gpkg"] = geopackage_bytes(layers)
    for route in plan.routes:
        files[gpx_file_name(route.designation)] = gpx_bytes(route_gpx(plan, route))
    return files


def write_route_files(plan: RoutePlan, out_dir: str | Path) -> Path:
    """Write :func:`route_files` into ``out_dir`` atomically and return the folder.

    Raises
    ------
    OutputError
        If ``out_dir`` holds a user's files, is a file, or cannot be written.
    """
    return write_folder_atomic(out_dir, route_files(plan), kind="route export")
