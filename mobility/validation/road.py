"""A road movement re-derived from the inputs: its vehicles, route, limits and times.

From the row's vehicles (looked up in the plan's catalogue, as they move:
on a heavy equipment transporter where required) and the request's hazmat,
the envelope is recomputed (:class:`~mobility.routing.requirements.Requirements`,
shared domain code tested in ``tests/routing``); the row's edges must exist
in the reloaded road graph, join one another and the request's origin and
destination; every edge's limits (class, weight, axle, height, width, ADR
tunnel category, hazmat ban) are compared with the envelope here, from the
graph's own tags. The column is then timed again along those edges from the
row's start (:meth:`~mobility.routing.router.Router.retime`: the march rules
of :mod:`mobility.routing.timing` and :mod:`mobility.routing.column_timing`,
shared domain code tested in ``tests/routing``), and the row's checkpoints,
halts, arrival and clearance are checked against that timing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from mobility.errors import DataError
from mobility.model.adr import code_for
from mobility.model.clock import local_iso
from mobility.model.column import FORMATIONS, Column, ColumnRules, MarchUnit, Serial, build_column
from mobility.model.scenario import Request, Scenario
from mobility.model.vehicle import VehicleCatalogue, VehicleType
from mobility.network.build import haversine_m
from mobility.network.places import NetworkPlace
from mobility.routing.column_timing import ColumnSchedule
from mobility.routing.edges import LIMIT_ATTRIBUTES
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router

#: Times are written to the second; a clearance is rounded up to the minute.
_SECOND = timedelta(seconds=1.5)
_MINUTE = timedelta(seconds=61)

Finding = tuple[str, str]  # (rule, message)


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def moved_types(catalogue: VehicleCatalogue) -> dict[str, VehicleType]:
    """Every vehicle type as it moves on public roads, by the id it moves under."""
    found: dict[str, VehicleType] = {}
    for vehicle in catalogue:
        found.setdefault(vehicle.id, vehicle)
        if vehicle.het_required:
            try:
                loaded = catalogue.loaded(vehicle)
            except DataError:
                continue
            found.setdefault(loaded.id, loaded)
    return found


def requested_as_moved(request: Request, catalogue: VehicleCatalogue) -> dict[str, int]:
    """Return the request's vehicles by the id they move under on roads (HET where required)."""
    counts: dict[str, int] = {}
    for key, count in request.vehicles.items():
        if not count:
            continue
        vehicle = catalogue.get(key)
        moved = catalogue.loaded(vehicle) if vehicle.het_required else vehicle
        counts[moved.id] = counts.get(moved.id, 0) + count
    return counts


def rail_as_carried(request: Request, catalogue: VehicleCatalogue) -> dict[str, int]:
    """Return the request's vehicles by catalogue id (as trains carry them)."""
    counts: dict[str, int] = {}
    for key, count in request.vehicles.items():
        if count:
            vehicle = catalogue.get(key)
            counts[vehicle.id] = counts.get(vehicle.id, 0) + count
    return counts


def column_rules(scenario: Scenario) -> ColumnRules:
    """Return the column organisation of the scenario (as the planner builds march units)."""
    return ColumnRules(
        march_unit_min=scenario.march_unit_min,
        march_unit_max=max(scenario.march_unit_max, scenario.march_unit_min),
        formation=FORMATIONS[scenario.formation],
    )


def envelope(types: list[VehicleType], request: Request) -> Requirements:
    """Return what roads must bear for these vehicles and the request's dangerous goods."""
    hazmat = code_for(request.hazmat) if request.hazmat else ""
    return Requirements.of(types, hazmat_code=hazmat)


def edge_limits(data: Mapping[str, Any]) -> dict[str, Any]:
    """Limits of one graph edge, as the movement table's ``restricted_elements`` lists them."""
    return {
        name: data.get(name)
        for name in (*LIMIT_ATTRIBUTES, "tunnel_category", "hazmat")
        if data.get(name) is not None
    }


def limit_problems(need: Requirements, limits: Mapping[str, Any], margin_m: float) -> list[str]:
    """Which limits of an element the envelope exceeds, as text."""
    inf = float("inf")
    problems = []
    has_class = "mlc_wheeled" in limits or "mlc_tracked" in limits
    if need.mlc_tracked and need.mlc_tracked > limits.get("mlc_tracked", inf):
        problems.append(f"MLC {need.mlc_tracked} tracked over MLC {limits['mlc_tracked']}")
    if need.mlc_wheeled and need.mlc_wheeled > limits.get("mlc_wheeled", inf):
        problems.append(f"MLC {need.mlc_wheeled} wheeled over MLC {limits['mlc_wheeled']}")
    if not has_class and need.weight_t > limits.get("maxweight_t", inf):
        problems.append(f"{need.weight_t:g} t over {limits['maxweight_t']} t")
    if need.max_axle_load_t and need.max_axle_load_t > limits.get("maxaxleload_t", inf):
        problems.append(f"axle {need.max_axle_load_t:g} t over {limits['maxaxleload_t']} t")
    if need.height_m + margin_m > limits.get("maxheight_m", inf):
        problems.append(f"{need.height_m:g} m high under {limits['maxheight_m']} m")
    if need.width_m > limits.get("maxwidth_m", inf):
        problems.append(f"{need.width_m:g} m wide over {limits['maxwidth_m']} m")
    if limits.get("tunnel_category") in need.barred_tunnel_categories:
        problems.append(f"dangerous goods in an ADR category {limits['tunnel_category']} tunnel")
    if limits.get("hazmat") == "no" and need.hazmat:
        problems.append("dangerous goods on a road closed to them")
    return problems


@dataclass(frozen=True)
class RoadDerivation:
    """What the inputs say about one road movement.

    Attributes
    ----------
    need
        The envelope of its vehicles.
    count
        Its vehicles.
    schedule
        Its timing along its edges from its start (``None`` when the route
        could not be re-timed: findings say why).
    """

    need: Requirements | None
    count: int
    schedule: ColumnSchedule | None


def row_types(
    m: Mapping[str, Any], types: Mapping[str, VehicleType]
) -> tuple[list[tuple[VehicleType, int]], list[Finding]]:
    """Return the row's vehicles as types, and findings naming the unknown ones."""
    pairs: list[tuple[VehicleType, int]] = []
    found: list[Finding] = []
    for key, count in m["vehicles"].items():
        if key not in types:
            found.append(("vehicles", f"vehicle type {key!r} is not in the plan's catalogue"))
        elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
            found.append(("vehicles", f"{key}: {count!r} is not a vehicle count"))
        elif count:
            pairs.append((types[key], count))
    if not pairs and not found:
        found.append(("vehicles", "the row lists no vehicles"))
    return pairs, found


def derive_road(
    m: Mapping[str, Any],
    request: Request,
    scenario: Scenario,
    router: Router,
    types: Mapping[str, VehicleType],
    found: list[Finding],
) -> RoadDerivation:
    """Re-derive a road movement (or a train's road leg) and check the row against it."""
    pairs, problems = row_types(m, types)
    if problems:
        found.extend(problems)
        return RoadDerivation(None, 0, None)
    count = sum(n for _, n in pairs)
    if m.get("vehicle_count") != count:
        found.append(
            (
                "vehicle_count",
                f"vehicle_count {m.get('vehicle_count')} but the row lists {count} vehicles",
            )
        )
    rail = m.get("mode") == "rail"
    if rail:
        # A train-load drives its road leg as it moves on roads (on transporters where required).
        pairs = _as_moved(pairs, router)
        if not m.get("edges"):
            return RoadDerivation(envelope([v for v, _ in pairs], request), count, None)
    need = envelope([v for v, _ in pairs], request)
    written = dict(m.get("requirements") or {})
    derived = need.to_dict()
    for key, value in derived.items():
        if key != "label" and _norm(written.get(key)) != _norm(value):
            found.append(
                (
                    "requirements",
                    f"requirements {key} {written.get(key)!r}, but its vehicles need {value!r}",
                )
            )
    edges = [tuple(e) for e in m.get("edges") or ()]
    graph = router.network.road
    if not edges:
        found.append(("route", "the row has no edges: its route cannot be checked"))
        return RoadDerivation(need, count, None)
    broken = False
    for index, edge in enumerate(edges):
        if len(edge) != 3 or not graph.has_edge(*edge):
            found.append(("route", f"edge {list(edge)} is not in the road network"))
            broken = True
        elif index and edges[index - 1][1] != edge[0]:
            found.append(("route", f"edge {list(edge)} does not join the edge before it"))
            broken = True
    try:
        origin = router.place("road", request.origin)
        destination = origin if rail else router.place("road", request.destination)
    except DataError as error:
        found.append(("route", str(error)))
        return RoadDerivation(need, count, None)
    if edges[0][0] != origin.node:
        found.append(("route", f"the route does not start at the origin {origin.name!r}"))
        broken = True
    end_name = destination.name
    if rail:
        # A road leg ends at the road place nearest the loading terminal.
        terminal_id = str(((m.get("train") or {}).get("terminal") or {}).get("id") or "")
        end = road_leg_end(router, terminal_id)
        if end is None:
            found.append(("route", f"loading terminal {terminal_id!r} is not a corridor place"))
            broken = True
        elif edges[-1][1] != end.node:
            found.append(
                (
                    "route",
                    f"the road leg does not end at {end.name!r}, the road place nearest "
                    f"its loading terminal {terminal_id!r}",
                )
            )
            broken = True
        else:
            end_name = end.place_id or end.name
    elif edges[-1][1] != destination.node:
        found.append(("route", f"the route does not end at the destination {destination.name!r}"))
        broken = True
    if broken:
        return RoadDerivation(need, count, None)
    derived_elements: dict[str, dict[str, Any]] = {}
    for u, v, key in edges:
        data = graph.edges[u, v, key]
        limits = edge_limits(data)
        if not limits:
            continue
        name = str(data.get("name") or data.get("ref") or data.get("osmid"))
        derived_elements[f"{name}|{data.get('osmid')}"] = {"name": name, **limits}
        for problem in limit_problems(need, limits, router.clearance_margin_m):
            found.append(("restriction", f"{name}: {problem}"))
    listed: dict[str, list[dict[str, Any]]] = {}
    for item in m.get("restricted_elements") or ():
        if isinstance(item, Mapping):
            listed.setdefault(str(item.get("name")), []).append(dict(item))
    on_route: dict[str, list[dict[str, Any]]] = {}
    for item in derived_elements.values():
        on_route.setdefault(item["name"], []).append(item)
    for name in sorted(set(on_route) - set(listed)):
        found.append(("restricted_elements", f"{name}: on the route but not listed"))
    for name in sorted(set(listed) - set(on_route)):
        found.append(("restricted_elements", f"{name}: listed but not on the route"))
    for name in sorted(set(listed) & set(on_route)):
        if _dicts(listed[name]) != _dicts(on_route[name]):
            found.append(
                ("restricted_elements", f"{name}: limits listed differ from the network's")
            )
    rules = column_rules(scenario)
    unit = MarchUnit(str(m.get("march_unit", "1")), tuple(pairs))
    if count <= rules.march_unit_max:
        column = Column(f"{request.unit} {unit.id}", (Serial("1", (unit,)),), rules)
    else:
        column = build_column(
            request.unit,
            {v.id: n for v, n in pairs},
            VehicleCatalogue({v.id: v for v, _ in pairs}),
            rules,
        )
    schedule = router.retime(
        edges,
        column,
        need,
        _t(m["start"]),
        request.origin,
        end_name if rail else request.destination,
    )
    _compare_times(m, schedule, found, ends=not rail)
    return RoadDerivation(need, count, schedule)


def road_leg_end(router: Router, terminal_id: str) -> NetworkPlace | None:
    """Return the road place where a train's road leg to a loading terminal ends.

    The rail rules end a road leg at the road place nearest the terminal (great-circle
    distance, ties by name): a place with an id or a named junction. None if
    ``terminal_id`` is not a place of the corridors.
    """
    terminal = next((p for p in router.network.corridors.places if p.id == terminal_id), None)
    if terminal is None:
        return None
    candidates = [p for p in router.network.places if p.mode == "road" and p.node is not None]
    if not candidates:
        return None
    lons = np.array([p.lon for p in candidates])
    lats = np.array([p.lat for p in candidates])
    metres = haversine_m(
        np.full_like(lons, terminal.lon), np.full_like(lats, terminal.lat), lons, lats
    )
    return min(
        zip(metres.tolist(), candidates, strict=True), key=lambda x: (round(x[0], 3), x[1].name)
    )[1]


def _as_moved(
    pairs: list[tuple[VehicleType, int]], router: Router
) -> list[tuple[VehicleType, int]]:
    moved: dict[str, tuple[VehicleType, int]] = {}
    for vehicle, count in pairs:
        as_moved = router.moved_as(vehicle)
        old = moved.get(as_moved.id)
        moved[as_moved.id] = (as_moved, count + (old[1] if old else 0))
    return list(moved.values())


def _dicts(items: list[dict[str, Any]]) -> list[str]:
    return sorted({json.dumps(item, sort_keys=True, default=str) for item in items})


def _norm(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, float) and value == int(value):
        return int(value)
    return value


def _compare_times(
    m: Mapping[str, Any], schedule: ColumnSchedule, found: list[Finding], *, ends: bool = True
) -> None:
    """Check the row's times against the re-derived timing (``ends``: its arrival and clearance)."""
    rows = list(m["checkpoints"])
    derived = list(schedule.checkpoints)
    by_key = {(r.get("name"), r.get("kind"), r.get("node")): r for r in rows}
    for point in derived:
        row = by_key.get((point.name, point.kind, point.node))
        if row is None:
            found.append(
                (
                    "checkpoint",
                    f"{point.kind} {point.name} (node {point.node}) is on the route "
                    "but missing from the row",
                )
            )
            continue
        for key, moment in (
            ("arrive", point.arrive),
            ("clear", point.clear),
            ("leave", point.leave),
        ):
            if moment is None:
                continue
            text = row.get(key)
            if text is None or abs(_t(text) - moment) > _SECOND:
                found.append(
                    (
                        "timing",
                        f"{point.name}: {key} {text}, the route gives {local_iso(moment)}",
                    )
                )
    known = {(p.name, p.kind, p.node) for p in derived}
    for row in rows:
        if (row.get("name"), row.get("kind"), row.get("node")) not in known:
            found.append(("checkpoint", f"{row.get('name')} is not a checkpoint of the route"))
    halts = list(m["halts"])
    if len(halts) != len(schedule.halts):
        found.append(
            ("halts", f"{len(halts)} halts in the row, the route needs {len(schedule.halts)}")
        )
    for row, halt in zip(halts, schedule.halts, strict=False):
        where = f"{halt.kind} at {halt.name}"
        if (row.get("kind"), row.get("name")) != (halt.kind, halt.name):
            found.append(
                (
                    "halts",
                    f"row has {row.get('kind')} at {row.get('name')}, the route needs a {where}",
                )
            )
        if abs(_t(row["start"]) - halt.start) > _SECOND or abs(_t(row["end"]) - halt.end) > _SECOND:
            found.append(
                (
                    "halts",
                    f"{where}: {row['start']} - {row['end']}, the route gives "
                    f"{local_iso(halt.start)} - "
                    f"{local_iso(halt.end)}",
                )
            )
        if row.get("at_support_centre") != halt.at_support_centre:
            found.append(
                (
                    "halts",
                    f"{where}: at_support_centre {row.get('at_support_centre')}, "
                    f"but it is {'' if halt.at_support_centre else 'not '}at a support "
                    "centre",
                )
            )
    if not ends:
        return
    if abs(_t(m["arrive"]) - schedule.arrive) > _SECOND:
        found.append(
            (
                "timing",
                f"arrives {m['arrive']}, the route gives {local_iso(schedule.arrive)}",
            )
        )
    if not timedelta(0) - _SECOND <= _t(m["clear"]) - schedule.clear <= _MINUTE:
        found.append(
            (
                "timing",
                f"clears {m['clear']}, the route gives {local_iso(schedule.clear)}",
            )
        )


__all__ = [
    "RoadDerivation",
    "column_rules",
    "derive_road",
    "edge_limits",
    "envelope",
    "limit_problems",
    "moved_types",
    "rail_as_carried",
    "requested_as_moved",
]
