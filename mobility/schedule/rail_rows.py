"""Trains in the plan: movement-table fields, the road/rail split, rail constraints."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from mobility.model.clock import local_iso
from mobility.rail.leg import RailLeg
from mobility.rail.rules import RailRules
from mobility.schedule.instance import DISRUPTION_SCALE, Instance, Task
from mobility.schedule.solution import Choice
from mobility.traffic.gtfs import RailTimetable


def _iso(moment: datetime) -> str:
    return local_iso(moment)


def rail_row(
    leg: RailLeg,
    start: datetime,
    task: Task,
    rules: RailRules | None = None,
    timetable: RailTimetable | None = None,
) -> dict[str, Any]:
    """Fields of a train's movement row (``start``: when the task starts).

    With the rail ``rules`` used, each section of the path also shows its
    civilian delay, the passenger trains per hour it displaces and their
    source (the ``timetable`` where it covers the section, else the assumption).
    """

    def at(minutes: float) -> datetime:
        return start + timedelta(minutes=minutes)

    depart = at(leg.depart_min)
    route = leg.path.route
    shift = depart - route.schedule.start
    carried = leg.train.vehicles
    costs = (
        leg.path.section_costs(depart, leg.band, rules, timetable)
        if rules is not None
        else [None] * len(leg.path.sections)
    )
    return {
        "mode": "rail",
        "route": " / ".join(
            [leg.terminal.name, *(s.line for s in leg.path.sections), leg.border.name]
        ),
        "refs": [s.line for s in leg.path.sections],
        "length_km": round(route.length_m / 1000, 3),
        "vehicles": dict(sorted(carried.items())),
        "vehicle_count": sum(carried.values()),
        "arrive": _iso(at(leg.arrive_min)),
        "train": {
            "terminal": {"id": leg.terminal.id, "name": leg.terminal.name},
            "loading_start": _iso(at(leg.loading_start_min)),
            "loading_end": _iso(depart),
            "depart": _iso(depart),
            "border": {
                "id": leg.border.id,
                "name": leg.border.name,
                "counterpart": leg.border.counterpart,
            },
            "band": leg.band,
            "traction": leg.train.locomotive.traction,
            "consist": leg.train.to_dict(),
            "path": [
                {
                    "line": s.line,
                    "from": s.start,
                    "to": s.end,
                    "km": round(s.length_m / 1000, 3),
                    "enter": _iso(depart + timedelta(seconds=s.enter_s)),
                    "leave": _iso(depart + timedelta(seconds=s.leave_s)),
                    "maxspeed_kph": s.maxspeed_kph,
                    "electrified": s.electrified,
                    "max_length_m": s.rules.max_length_m,
                    "headway_min": headway,
                    **_section_cost(cost),
                }
                for s, headway, cost in zip(leg.path.sections, leg.headways_min, costs, strict=True)
            ],
            "checkpoints": [
                {
                    "name": c.name,
                    "kind": c.kind,
                    "km": round(c.distance_m / 1000, 3),
                    "arrive": _iso(c.arrive + shift),
                    "clear": _iso(c.clear + shift),
                }
                for c in route.schedule.checkpoints
            ],
            "border_min": leg.border_min,
        },
    }


def _section_cost(cost: tuple[float, float, str] | None) -> dict[str, Any]:
    if cost is None:
        return {}
    delay_vh, trains, source = cost
    return {
        "civilian_delay_vh": round(delay_vh, 3),
        "passenger_trains_per_h": round(trains, 2),
        "passenger_source": source,
    }


def mode_split(instance: Instance, choices: Mapping[int, Choice]) -> dict[str, Any]:
    """Trains and vehicles by mode, and the civilian delay of the trains."""
    rail_vehicles = road_vehicles = trains = 0
    rail_delay = 0
    for index, choice in choices.items():
        option = instance.tasks[index].options[choice.option]
        if option.rail is None:
            road_vehicles += instance.tasks[index].vehicles
        else:
            trains += 1
            rail_vehicles += sum(option.rail.train.vehicles.values())
            rail_delay += int(option.disruption[choice.slot])
    return {
        "rail_movements": trains,
        "rail_vehicles": rail_vehicles,
        "road_vehicles": road_vehicles,
        "rail_civilian_delay_vh": round(rail_delay / DISRUPTION_SCALE, 2),
    }


def rail_constraints(instance: Instance) -> dict[str, Any] | None:
    """Rail rules, terminals and lines for the validator (``None`` without rail)."""
    rules = instance.rail_rules
    if rules is None:
        return None
    terminals: dict[str, Any] = {}
    lines: dict[str, Any] = {}
    for task in instance.tasks:
        for option in task.options:
            leg = option.rail
            if leg is None:
                continue
            terminals[leg.terminal.id] = dict(leg.terminal.capacity)
            for section in leg.path.sections:
                lines[section.line] = {
                    "max_length_m": section.rules.max_length_m,
                    "paths_per_h": dict(section.rules.paths_per_h),
                }
    return {**rules.to_dict(), "terminals": terminals, "lines": lines}
