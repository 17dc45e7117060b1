"""A road movement re-derived from the inputs: its vehicles, route, limits and times.

From the row's vehicles (looked up in the plan's catalogue, as they move:
on a heavy equipment transporter where required) and the request's hazmat,
the envelope is recomputed (:class:`~mobility.routing.requirements.Requirements`,
shared domain code tested in ``tests/routing``); the row's edges must exist
in the reloaded road graph, join one another and the request's origin and
destination, and every edge's limits (class, weight, axle, height, width, ADR
tunnel category, hazmat ban) are compared with the envelope, from the graph's
own tags (:mod:`mobility.validation._route`). The column is then timed again
along those edges from the row's start
(:meth:`~mobility.routing.router.Router.retime`: the march rules of
:mod:`mobility.routing.timing` and :mod:`mobility.routing.column_timing`, shared
domain code tested in ``tests/routing``), and the row's checkpoints, halts,
arrival and clearance are checked against that timing
(:mod:`mobility.validation._road_times`). What depends on the inputs only (the
route's findings, its limits, the column's timing along it) is derived once
per plan for the march units that share it (:mod:`mobility.validation._road_memo`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mobility.errors import DataError
from mobility.model.adr import code_for
from mobility.model.column import FORMATIONS, Column, ColumnRules, MarchUnit, Serial, build_column
from mobility.model.scenario import Request, Scenario
from mobility.model.vehicle import VehicleCatalogue, VehicleType
from mobility.routing.column_timing import ColumnSchedule
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router
from mobility.validation._road_memo import RoadMemo
from mobility.validation._road_times import time_match_problems

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


def requirements_problems(m: Mapping[str, Any], need: Requirements) -> list[Finding]:
    """Check the row's ``requirements`` against the envelope of its vehicles."""
    written = dict(m.get("requirements") or {})
    return [
        (
            "requirements",
            f"requirements {key} {written.get(key)!r}, but its vehicles need {value!r}",
        )
        for key, value in need.to_dict().items()
        if key != "label" and _norm(written.get(key)) != _norm(value)
    ]


def row_column(
    m: Mapping[str, Any],
    request: Request,
    scenario: Scenario,
    pairs: list[tuple[VehicleType, int]],
) -> Column:
    """Return the column the row moves: its march unit, or the column of a larger train-load."""
    rules = column_rules(scenario)
    unit = MarchUnit(str(m.get("march_unit", "1")), tuple(pairs))
    if unit.count <= rules.march_unit_max:
        return Column(f"{request.unit} {unit.id}", (Serial("1", (unit,)),), rules)
    return build_column(
        request.unit,
        {v.id: n for v, n in pairs},
        VehicleCatalogue({v.id: v for v, _ in pairs}),
        rules,
    )


def derive_road(
    m: Mapping[str, Any],
    request: Request,
    scenario: Scenario,
    router: Router,
    types: Mapping[str, VehicleType],
    found: list[Finding],
    memo: RoadMemo | None = None,
) -> RoadDerivation:
    """Re-derive a road movement (or a train's road leg) and check the row against it.

    ``memo`` holds what earlier rows of the plan derived from the same inputs
    (:class:`~mobility.validation._road_memo.RoadMemo`); by default nothing is shared.
    """
    memo = RoadMemo(router) if memo is None else memo
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
    found += requirements_problems(m, need)
    edges = tuple(tuple(e) for e in m.get("edges") or ())
    if not edges:
        found.append(("route", "the row has no edges: its route cannot be checked"))
        return RoadDerivation(need, count, None)
    # A train's road leg ends at the road place nearest its loading terminal.
    terminal = str(((m.get("train") or {}).get("terminal") or {}).get("id") or "")
    problems, end = memo.route(edges, request, terminal if rail else None)
    found += problems
    if end is None:
        return RoadDerivation(need, count, None)
    found += memo.restrictions(m, edges, need)
    schedule = memo.timing(
        edges,
        pairs,
        lambda: row_column(m, request, scenario, pairs),
        need,
        start=_t(m["start"]),
        origin=request.origin,
        destination=end,
    )
    found += time_match_problems(m, schedule, ends=not rail)
    return RoadDerivation(need, count, schedule)


def _as_moved(
    pairs: list[tuple[VehicleType, int]], router: Router
) -> list[tuple[VehicleType, int]]:
    moved: dict[str, tuple[VehicleType, int]] = {}
    for vehicle, count in pairs:
        as_moved = router.moved_as(vehicle)
        old = moved.get(as_moved.id)
        moved[as_moved.id] = (as_moved, count + (old[1] if old else 0))
    return list(moved.values())


def _norm(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, float) and value == int(value):
        return int(value)
    return value


__all__ = [
    "RoadDerivation",
    "column_rules",
    "derive_road",
    "envelope",
    "moved_types",
    "rail_as_carried",
    "requested_as_moved",
    "requirements_problems",
    "row_column",
    "row_types",
]
