"""The movement plan: movements with their times, utilisation, KPIs and explanations.

A :class:`Plan` is built from an instance and an assignment, and written as
plain files (:mod:`mobility.schedule.plan_files`) that the independent
validator re-checks without the solver.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mobility.model.adr import code_for
from mobility.model.clock import LOCAL_TIME, local_iso
from mobility.routing.edges import LIMIT_ATTRIBUTES, TUNNEL_CATEGORY_CODE
from mobility.routing.requirements import Requirements
from mobility.routing.router import Route
from mobility.schedule._baselines import baseline_rows
from mobility.schedule.civilian import civilian_delay_rows_many
from mobility.schedule.greedy import best_baseline
from mobility.schedule.instance import DISRUPTION_SCALE, Instance, Option, Task, Use
from mobility.schedule.rail_rows import mode_split, rail_constraints, rail_row
from mobility.schedule.solution import Assignment, Choice, Costs, blocked_starts, costs, usage

_LETTER = {code: letter for letter, code in TUNNEL_CATEGORY_CODE.items()}


@dataclass(frozen=True)
class Movement:
    """One march unit's scheduled movement, as it goes into the movement table."""

    number: str
    data: dict[str, Any]


@dataclass
class Plan:
    """A movement plan.

    Attributes
    ----------
    scenario
        Scenario name.
    movements
        Scheduled march units, by departure.
    summary
        KPIs, solver figures, the baseline, notes and explanations.
    constraints
        What the validator needs: horizon, resources with capacities and
        windows, closures, requests' release and due times, rules.
    utilisation
        Rows of (resource, hour start, peak occupancy, capacity).
    features
        GeoJSON features of the routes.
    """

    scenario: str
    movements: list[Movement]
    summary: dict[str, Any]
    constraints: dict[str, Any]
    utilisation: list[dict[str, Any]] = field(default_factory=list)
    features: list[dict[str, Any]] = field(default_factory=list)
    #: The inputs the plan was made from (written to the folder for the validator).
    input_files: dict[str, bytes] = field(default_factory=dict)


def _iso(moment: datetime) -> str:
    return local_iso(moment)


def _limits(
    instance: Instance,
    task: Task,
    option_index: int,
    memo: dict[int, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Restricted elements on the route with their limits (for the validator).

    With ``memo`` (by route object, for one plan: equal march units share
    their routes, #13) each route's edges are read once; every call gets
    its own copies of the rows.
    """
    route = task.options[option_index].route
    if route is None:
        return []
    if memo is None:
        return _route_limits(route)
    if id(route) not in memo:
        memo[id(route)] = _route_limits(route)
    return [dict(row) for row in memo[id(route)]]


def _route_limits(route: Route) -> list[dict[str, Any]]:
    """Restricted elements on ``route`` with their limits, in route order."""
    graph = route.graph
    found: dict[str, dict[str, Any]] = {}
    for u, v, key in route.edges:
        data = graph.edges[u, v, key]
        limits = {
            name: data.get(name)
            for name in (*LIMIT_ATTRIBUTES, "tunnel_category", "hazmat")
            if data.get(name) is not None
        }
        if limits:
            name = str(data.get("name") or data.get("ref") or data.get("osmid"))
            found[f"{name}|{data.get('osmid')}"] = {"name": name, **limits}
    return list(found.values())


def _binding(
    instance: Instance,
    task: Task,
    timelines: dict[str, NDArray[np.int64]],
    chosen: Choice | None,
) -> list[str]:
    """Resources that were full when the task would have had to use them to be on time.

    The three most counted by :func:`_blocked_counts`. ``chosen``: the
    task's own choice, its occupation left out of ``timelines``.
    """
    return [name for name, _ in _blocked_counts(instance, task, timelines, chosen)[:3]]


def _blocked_counts(
    instance: Instance,
    task: Task,
    timelines: dict[str, NDArray[np.int64]],
    chosen: Choice | None,
) -> list[tuple[str, int]]:
    """Per resource, the (route option, on-time start, use) triples it had no room for.

    Most counted first; ties: the one met first, by option, start and use.
    Each use's starts are checked at once (a running count of the minutes
    without room): a march unit of Defender x3 has thousands.
    """
    first: dict[str, tuple[int, int, int]] = {}  # name -> where it was met first
    counts: Counter[str] = Counter()
    others: dict[str, NDArray[np.int64]] = {}
    for o, option in enumerate(task.options):
        latest = (task.due_min - option.clear_min) // instance.slot_min
        slots = np.flatnonzero(option.allowed[: max(0, latest) + 1])
        if not len(slots):
            continue
        starts = slots * instance.slot_min
        for u, use in enumerate(option.uses):
            if use.resource not in timelines:
                # A serial part's own resource, not one of the instance's (#15: x3).
                continue
            line = others.get(use.resource)
            if line is None:
                line = others[use.resource] = _without_own(instance, task, chosen, timelines, use)
            capacity = instance.resources[use.resource].capacity
            blocked = blocked_starts(line, starts, use, capacity)
            hits = np.flatnonzero(blocked)
            if len(hits):
                name = instance.resources[use.resource].name
                counts[name] += len(hits)
                where = (o, int(slots[hits[0]]), u)
                first[name] = min(first.get(name, where), where)
    ordered = Counter({name: counts[name] for name in sorted(first, key=first.__getitem__)})
    return ordered.most_common()


def _without_own(
    instance: Instance,
    task: Task,
    chosen: Choice | None,
    timelines: dict[str, NDArray[np.int64]],
    use: Use,
) -> NDArray[np.int64]:
    """Return the occupation of ``use``'s resource less the task's own (a copy if it has)."""
    line = timelines[use.resource]
    if chosen is None:
        return line
    option = task.options[chosen.option]
    start = chosen.slot * instance.slot_min
    own = [u for u in option.uses if u.resource == use.resource]
    if not own:
        return line
    line = line.copy()
    for u in own:
        line[start + u.start_min : start + u.end_min] -= u.demand
    return line


def build_plan(
    instance: Instance,
    assignment: Assignment,
    baseline: Assignment | None = None,
    baselines: Mapping[str, Assignment] | None = None,
) -> Plan:
    """Turn an assignment into a plan with movements, utilisation and KPIs.

    ``baseline`` (first come, first served) goes into the summary's
    ``baseline``; ``baselines`` (by key of
    :data:`~mobility.schedule.greedy.BASELINES`) into ``baselines``, with the
    optimiser's ratios to each (:func:`~mobility.schedule._baselines.baseline_rows`).
    """
    timelines = usage(instance, assignment.choices)
    order = sorted(
        assignment.choices,
        key=lambda t: (assignment.choices[t].slot, instance.tasks[t].id),
    )
    per_day: Counter[str] = Counter()
    movements: list[Movement] = []
    features: list[dict[str, Any]] = []
    explanations: list[str] = []
    pieces = [
        (index, task, choice)
        for index in order
        for task, choice in _pieces(instance, index, assignment.choices[index])
    ]
    pieces.sort(key=lambda item: (item[2].slot, item[1].id, item[1].march_unit.id))
    # In one pass per route and column: equal march units share it (#15).
    civilian = civilian_delay_rows_many(instance, [(t, c.option, c.slot) for _, t, c in pieces])
    limits: dict[int, list[dict[str, Any]]] = {}  # per route object (instance keeps them alive)
    for (index, task, choice), delay_rows in zip(pieces, civilian, strict=True):
        option = task.options[choice.option]
        departure = instance.time(choice.slot * instance.slot_min)
        number = _movement_number(per_day, departure, rail=option.rail is not None)
        data = _movement_data(instance, task, choice, number, delay_rows, limits)
        if data["late_min"]:
            binding = _binding(instance, task, timelines, assignment.choices[index])
            explanations.append(
                f"{number} ({task.id}) clears {data['late_min']} min after its due time"
                + (f"; binding: {', '.join(binding)}" if binding else "; its route is too long")
            )
        movements.append(Movement(number, data))
        features.append(_feature(data, option))
    summary = _summary(instance, assignment, timelines, explanations)
    if baseline is not None:
        summary["baseline"] = _kpis(instance, costs(instance, baseline.choices), baseline)
        summary["baseline"].update(mode_split(instance, baseline.choices))
    if baselines:
        found = {
            key: _kpis(instance, costs(instance, b.choices), b) | mode_split(instance, b.choices)
            for key, b in baselines.items()
        }
        summary["baselines"] = baseline_rows(summary["kpis"], found, best_baseline(dict(baselines)))
    return Plan(
        scenario=instance.scenario.name,
        movements=movements,
        summary=summary,
        constraints=_constraints(instance),
        utilisation=_utilisation(instance, timelines),
        features=features,
        input_files=dict(instance.input_files),
    )


def _movement_number(per_day: Counter[str], departure: datetime, *, rail: bool) -> str:
    """Return the next movement number of the local day: ``DD-NLD-NNN`` (``T`` before trains)."""
    local_day = departure.astimezone(LOCAL_TIME).day
    letter = "T" if rail else ""
    per_day[f"{letter}{local_day}"] += 1
    return f"{local_day:02d}-NLD-{letter}{per_day[f'{letter}{local_day}']:03d}"


def _movement_data(
    instance: Instance,
    task: Task,
    choice: Choice,
    number: str,
    civilian_delay: list[dict[str, object]],
    limits: dict[int, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """Return the movement table's row of a scheduled task, with its civilian delay rows.

    ``limits`` keeps the restricted elements per route (:func:`_limits`).
    """
    scenario = instance.scenario
    option = task.options[choice.option]
    route = option.route
    shift = timedelta(minutes=choice.slot * instance.slot_min)
    departure = scenario.start + shift
    clear = scenario.start + timedelta(minutes=choice.slot * instance.slot_min + option.clear_min)
    due = task.request.required_by
    hazmat = code_for(task.request.hazmat) if task.request.hazmat else ""
    need = Requirements.of(task.march_unit.types, hazmat_code=hazmat)
    data = {
        "movement": number,
        "request": task.request.id,
        "unit": task.request.unit,
        "march_unit": task.march_unit.id,
        "task": task.id,
        "mode": "road",
        "route": route.designation if route is not None else "",
        "refs": list(route.refs) if route is not None else [],
        "length_km": round(route.length_m / 1000, 3) if route is not None else 0.0,
        "vehicles": {v.id: n for v, n in task.march_unit.vehicles},
        "vehicle_count": task.vehicles,
        "priority": task.request.priority,
        "release": _iso(task.request.available_from),
        "due": _iso(due),
        "start": _iso(departure),
        "arrive": _iso(route.schedule.arrive + shift) if route is not None else "",
        "clear": _iso(clear),
        "late_min": max(0, math.ceil((clear - due).total_seconds() / 60)),
        "driving_s": round(route.driving_s, 1) if route is not None else 0.0,
        "disruption_vh": float(option.disruption[choice.slot]) / DISRUPTION_SCALE,
        "civilian_delay": civilian_delay,
        "peak_column_h": float(option.peak_column_min[choice.slot]) / 60,
        "checkpoints": _checkpoint_rows(route, shift),
        "halts": _halt_rows(route, shift),
        "ref_spans": _ref_spans(task, choice.option, shift),
        "closure_spans": [
            {
                "element": text,
                "from": _iso(departure + timedelta(minutes=begin)),
                "to": _iso(departure + timedelta(minutes=end)),
            }
            for text, begin, end in option.closure_spans
        ],
        "requirements": need.to_dict(),
        "restricted_elements": _limits(instance, task, choice.option, limits),
        # The road route as graph edges (u, v, key): the validator re-derives from them.
        "edges": [list(edge) for edge in route.edges] if route is not None else [],
    }
    if option.rail is not None:
        data.update(
            rail_row(
                option.rail,
                departure,
                task,
                rules=instance.rail_rules,
                timetable=instance.rail_timetable,
            )
        )
    return data


def _checkpoint_rows(route: Route | None, shift: timedelta) -> list[dict[str, Any]]:
    """Return the route's checkpoints as movement-table rows, shifted to the start."""
    if route is None:
        return []
    return [
        {
            "name": c.name,
            "kind": c.kind,
            "node": c.node,
            "km": round(c.distance_m / 1000, 3),
            "arrive": _iso(c.arrive + shift),
            "clear": _iso(c.clear + shift),
            "detail": c.detail,
            **(
                {"leave": _iso(c.leave + shift), "element": c.element}
                if c.leave is not None
                else {}
            ),
        }
        for c in route.schedule.checkpoints
    ]


def _halt_rows(route: Route | None, shift: timedelta) -> list[dict[str, Any]]:
    """Return the route's halts as movement-table rows, shifted to the start."""
    if route is None:
        return []
    return [
        {
            "name": h.name,
            "kind": h.kind,
            "km": round(h.distance_m / 1000, 3),
            "start": _iso(h.start + shift),
            "end": _iso(h.end + shift),
            "at_support_centre": h.at_support_centre,
            "site_kind": h.site_kind,
            "site_id": h.site_id,
            "detour_min": round(h.detour_s / 60, 1),
            "note": h.note,
        }
        for h in route.schedule.halts
    ]


def _feature(data: dict[str, Any], option: Option) -> dict[str, Any]:
    """Return the GeoJSON feature of a movement: its road route, then its train path."""
    # The points as lists of floats, read in one go (not point by point: #13, speed only).
    coords = np.asarray(option.route.geometry.coords).tolist() if option.route is not None else []
    if option.rail is not None:
        coords += np.asarray(option.rail.path.route.geometry.coords).tolist()
    keys = ("movement", "request", "unit", "march_unit", "route", "start", "clear")
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {k: data[k] for k in keys},
    }


def _summary(
    instance: Instance,
    assignment: Assignment,
    timelines: dict[str, NDArray[np.int64]],
    explanations: list[str],
) -> dict[str, Any]:
    """Return the plan's summary: KPIs, what is unscheduled or unplannable, and why."""
    scenario = instance.scenario
    scheduled = {instance.tasks[t].id for t in assignment.choices}
    unscheduled = [task.id for task in instance.tasks if task.id not in scheduled]
    by_id = {task.id: task for task in instance.tasks}
    for task_id in unscheduled:
        binding = _binding(instance, by_id[task_id], timelines, None)
        explanations.append(
            f"{task_id} could not be scheduled in the horizon; binding: "
            + (", ".join(binding) or "its release and the horizon")
        )
    for item in instance.unplannable:
        explanations.append(f"{item.request}: {item.reason}")
    kpis = _kpis(instance, costs(instance, assignment.choices), assignment)
    kpis.update(mode_split(instance, assignment.choices))
    requested = _requested(instance, assignment.choices)
    return {
        "scenario": scenario.name,
        "start": _iso(scenario.start),
        "horizon_h": scenario.horizon_h,
        "march_units": requested["march_units"],
        "vehicles": requested["vehicles"],
        "planned_march_units": kpis["scheduled"],
        "planned_vehicles": kpis["planned_vehicles"],
        "kpis": kpis,
        "unscheduled": unscheduled,
        "unplannable": [
            {
                "request": u.request,
                "reason": u.reason,
                "vehicles": u.vehicles,
                "march_units": u.march_units,
            }
            for u in instance.unplannable
        ],
        "explanations": explanations,
    }


def _utilisation(
    instance: Instance, timelines: dict[str, NDArray[np.int64]]
) -> list[dict[str, Any]]:
    """Return per resource and hour with any use, the peak occupancy and the capacity."""
    utilisation = []
    for rid, line in timelines.items():
        resource = instance.resources[rid]
        for hour in range(0, instance.horizon_min, 60):
            peak = int(line[hour : hour + 60].max(initial=0))
            if peak:
                utilisation.append(
                    {
                        "resource": rid,
                        "name": resource.name,
                        "hour": _iso(instance.time(hour)),
                        "peak": peak,
                        "capacity": resource.capacity,
                    }
                )
    return utilisation


def _pieces(instance: Instance, index: int, choice: Choice) -> list[tuple[Task, Choice]]:
    """Return the movements of a scheduled task: itself, or each march unit of its serial.

    A march unit of a serial comes back as a task of its own (its march unit
    and its option alone) started its offset later.
    """
    task = instance.tasks[index]
    option = task.options[choice.option]
    if not option.parts:
        return [(task, choice)]
    return [
        (
            replace(
                task,
                march_unit=replace(
                    part.march_unit, id=f"{task.march_unit.id}-{part.march_unit.id}"
                ),
                options=(part.option,),
            ),
            Choice(0, choice.slot + part.offset_min // instance.slot_min),
        )
        for part in option.parts
    ]


def _ref_spans(task: Task, option: int, shift: timedelta) -> list[dict[str, str]]:
    route = task.options[option].route
    if route is None:
        return []
    base = route.schedule.start + shift
    return [
        {
            "ref": ref,
            "from": _iso(base + timedelta(seconds=begin)),
            "to": _iso(base + timedelta(seconds=end)),
        }
        for ref, (begin, end) in route.ref_spans_s.items()
    ]


def _requested(instance: Instance, choices: Mapping[int, Choice]) -> dict[str, int]:
    """Vehicles and march units requested: routed ones and those no option serves.

    A train-load going by road counts its march units (one row each).
    """
    units = sum(
        len(task.options[choices[i].option].parts or (None,)) if i in choices else 1
        for i, task in enumerate(instance.tasks)
    )
    return {
        "vehicles": sum(t.vehicles for t in instance.tasks)
        + sum(u.vehicles for u in instance.unplannable),
        "march_units": units + sum(u.march_units for u in instance.unplannable),
    }


def _lateness_min(instance: Instance, choices: Mapping[int, Choice]) -> list[int]:
    """Minutes late of every planned movement (row), as the movement table has them."""
    found = []
    for index, choice in choices.items():
        for task, piece in _pieces(instance, index, choice):
            option = task.options[piece.option]
            minutes = piece.slot * instance.slot_min + option.clear_min
            clear = instance.scenario.start + timedelta(minutes=minutes)
            late_s = (clear - task.request.required_by).total_seconds()
            found.append(max(0, math.ceil(late_s / 60)))
    return found


def _kpis(instance: Instance, cost: Costs, assignment: Assignment) -> dict[str, Any]:
    gap = None
    if math.isfinite(assignment.bound) and assignment.objective:
        gap = max(0.0, (assignment.objective - assignment.bound) / abs(assignment.objective))
    requested = _requested(instance, assignment.choices)
    late = _lateness_min(instance, assignment.choices)
    # Shares count against everything requested: unscheduled and unplannable
    # march units are late by definition, and a plan of nothing is on time 0 %.
    units = requested["march_units"]
    return {
        "method": assignment.method,
        "on_time_share": late.count(0) / units if units else 0.0,
        "scheduled": len(late),
        "march_units": units,
        "requested_vehicles": requested["vehicles"],
        "planned_vehicles": sum(instance.tasks[t].vehicles for t in assignment.choices),
        "total_lateness_min": sum(late),
        "max_lateness_min": max(late, default=0),
        "civilian_delay_vh": round(cost.disruption_vh, 2),
        "peak_column_h": round(cost.peak_column_h, 2),
        "makespan": _iso(instance.time(cost.makespan_min)),
        "solver_status": assignment.status,
        "objective": None if math.isnan(assignment.objective) else round(assignment.objective, 3),
        "bound": None if math.isnan(assignment.bound) else round(assignment.bound, 3),
        "gap": None if gap is None else round(gap, 4),
        "solve_time_s": round(assignment.solve_time_s, 2),
    }


def _constraints(instance: Instance) -> dict[str, Any]:
    scenario = instance.scenario
    caps = scenario.capacities
    return {
        "start": _iso(scenario.start),
        "end": _iso(scenario.end),
        "resources": [
            {
                "id": r.id,
                "kind": r.kind,
                "name": r.name,
                "capacity": r.capacity,
                "windows": [list(w) for w in r.windows],
            }
            for r in instance.resources.values()
        ],
        "port_exit_vehicles_per_hour": dict(caps.port_exit_vehicles_per_hour),
        "ports": {
            r.id.split(":", 1)[1]: r.name for r in instance.resources.values() if r.kind == "port"
        },
        "rail": rail_constraints(instance),
        "closures": [
            {"element": c.element, "from": _iso(c.start), "to": _iso(c.end)}
            for c in scenario.closures
        ],
        "requests": {
            r.id: {"release": _iso(r.available_from), "due": _iso(r.required_by)}
            for r in scenario.requests
        },
        "rules": {
            "max_speed_kph": 60.0,
            "halt_every_s": 2 * 3600,
            "finish_grace_s": 30 * 60,
            "break_after_s": 4.5 * 3600,
            "daily_driving_s": 9 * 3600,
        },
    }
