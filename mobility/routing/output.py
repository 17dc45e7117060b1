"""Route plans as JSON-ready dicts, GeoJSON and text lines."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from mobility.model.clock import local_iso, local_time
from mobility.routing.column_timing import Checkpoint, Halt
from mobility.routing.export import layer_geojson, route_layers
from mobility.routing.router import Route, RoutePlan


def _time(moment: datetime) -> str:
    return local_iso(moment, timespec="minutes")


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


def _checkpoint(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "name": checkpoint.name,
        "kind": checkpoint.kind,
        "node": checkpoint.node,
        "km": round(checkpoint.distance_m / 1000, 2),
        "arrive": _time(checkpoint.arrive),
        "clear": _time(checkpoint.clear),
        "detail": checkpoint.detail,
    }


def _halt(halt: Halt) -> dict[str, Any]:
    return {
        "name": halt.name,
        "kind": halt.kind,
        "node": halt.node,
        "km": round(halt.distance_m / 1000, 2),
        "start": _time(halt.start),
        "end": _time(halt.end),
        "at_support_centre": halt.at_support_centre,
        "site_kind": halt.site_kind,
        "site_id": halt.site_id,
        "detour_min": round(halt.detour_s / 60, 1),
        "note": halt.note,
    }


def route_dict(route: Route) -> dict[str, Any]:
    """One route as a JSON-ready dict (without geometry)."""
    classification = route.classification
    return {
        "designation": route.designation,
        "mode": route.mode,
        "length_km": round(route.length_m / 1000, 2),
        "driving_h": round(route.driving_s / 3600, 3),
        "depart": _time(route.schedule.start),
        "arrive": _time(route.schedule.arrive),
        "clear": _time(route.schedule.clear),
        "shared_with_msr": round(route.shared_with_msr, 3),
        "max_shared": round(route.max_shared, 3),
        "refs": list(route.refs),
        "classification": None
        if classification is None
        else {
            "notation": classification.notation,
            "width_m": classification.width_m,
            "width_element": classification.width_element,
            "route_type": classification.route_type,
            "mlc": classification.mlc,
            "mlc_element": classification.mlc_element,
            "clearance_m": _finite(classification.clearance_m),
            "clearance_element": classification.clearance_element,
            "obstructions": list(classification.obstructions),
        },
        "structures": list(route.structures),
        "checkpoints": [_checkpoint(c) for c in route.schedule.checkpoints],
        "halts": [_halt(h) for h in route.schedule.halts],
    }


def plan_dict(plan: RoutePlan) -> dict[str, Any]:
    """Return the whole plan as a JSON-ready dict."""
    column = plan.column
    need = plan.requirements
    return {
        "origin": {"name": plan.origin.name, "id": plan.origin.place_id, "node": plan.origin.node},
        "destination": {
            "name": plan.destination.name,
            "id": plan.destination.place_id,
            "node": plan.destination.node,
        },
        "vehicle": plan.vehicle.id,
        "moved_as": plan.moved_as.name,
        "requirements": need.to_dict(),
        "column": None
        if column is None
        else {
            "vehicles": column.count,
            "serials": len(column.serials),
            "march_units": [{"id": m.id, "vehicles": m.count} for m in column.march_units],
            "formation": column.rules.formation.name,
            "road_space_expressway_m": round(
                column.road_space_m("expressway", min(60.0, column.max_speed_kph)), 1
            ),
            "pass_time_expressway_s": round(
                column.pass_time_s("expressway", min(60.0, column.max_speed_kph)), 1
            ),
        },
        "routes": [route_dict(r) for r in plan.routes],
        "notes": list(plan.notes),
    }


def plan_geojson(plan: RoutePlan) -> dict[str, Any]:
    """Return the routes as one FeatureCollection of LineStrings (WGS84), flat fields.

    Checkpoints and halts are points: :func:`mobility.routing.export.route_layers`
    gives them as layers of their own (``mobility route --out``).
    """
    return layer_geojson(route_layers(plan)["routes"])


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def plan_lines(plan: RoutePlan) -> list[str]:
    """Human-readable report of the plan."""
    lines = [
        f"{plan.origin.name} -> {plan.destination.name}: {plan.requirements.label}",
    ]
    if plan.column is not None:
        column = plan.column
        lines.append(
            f"column: {_count(column.count, 'vehicle')} in "
            f"{_count(len(column.march_units), 'march unit')}, "
            f"{_count(len(column.serials), 'serial')} ({column.rules.formation.name} column)"
        )
    lines.extend(f"note: {note}" for note in plan.notes)
    for route in plan.routes:
        c = route.classification
        lines.append("")
        lines.append(
            f"{route.designation}: {route.length_m / 1000:.1f} km, driving "
            f"{route.driving_s / 3600:.1f} h, arrive {local_time(route.schedule.arrive):%a %H:%M}, "
            f"clear {local_time(route.schedule.clear):%a %H:%M}"
            + (
                f", shares {route.shared_with_msr:.0%} with the MSR"
                if route.designation != "MSR"
                else ""
            )
        )
        lines.append(f"  via {' - '.join(route.refs) or '-'}")
        if c is not None:
            lines.append(
                f"  classification {c.notation}: "
                f"width {c.width_m:g} m at {c.width_element or '-'}; "
                f"MLC {c.mlc if c.mlc is not None else '∞'} at {c.mlc_element or '-'}; "
                f"clearance "
                + (f"{c.clearance_m:g} m at {c.clearance_element}" if c.clearance_element else "∞")
            )
            for obstruction in c.obstructions:
                lines.append(f"  obstruction: {obstruction}")
        lines.append(f"  {'km':>7}  {'arrive':>11}  {'clear':>11}  checkpoint")
        events: list[tuple[float, int, str]] = []
        for point in route.schedule.checkpoints:
            detail = f" ({point.detail})" if point.detail else ""
            events.append(
                (
                    point.distance_m,
                    0,
                    f"  {point.distance_m / 1000:7.1f}  {local_time(point.arrive):%a %H:%M}  "
                    f"{local_time(point.clear):%a %H:%M}  {point.kind}: {point.name}{detail}",
                )
            )
        for halt in route.schedule.halts:
            where = f" ({halt.site_kind.replace('_', ' ')})" if halt.site_kind else ""
            events.append(
                (
                    halt.distance_m,
                    1,
                    f"  {halt.distance_m / 1000:7.1f}  {local_time(halt.start):%a %H:%M}  "
                    f"{local_time(halt.end):%a %H:%M}  halt ({halt.kind}): {halt.name}{where}"
                    + (f"\n{'':34}{halt.note}" if halt.note else ""),
                )
            )
        lines.extend(text for _, _, text in sorted(events, key=lambda e: (e[0], e[1])))
    return lines
