"""The independent plan validator: re-checks a plan folder from its files alone.

It never sees the solver. From ``movement_table.json``, ``constraints.json``
and ``summary.json`` it re-derives every occupation (checkpoint, halt and
port-gate times) and checks:

- release: no march unit starts before its request is available, nor
  outside the horizon;
- travel: checkpoint times never decrease, every tail clears after its head
  arrives, and no stretch is driven faster than the column speed limit;
- driver hours: halts at most every two hours of driving (plus the grace to
  finish), a break before 4.5 h and a daily rest before 9 h of driving;
- restricted elements: no vehicle on a bridge, tunnel or road whose class,
  weight, axle load, height, width, ADR tunnel category or hazmat ban it
  exceeds;
- capacities: at no time more columns (or vehicles) at a resource than it
  holds; border crossings only inside their acceptance windows;
- closures: no use of a closed element during its closure;
- trains (:mod:`mobility.schedule.validate_rail`): consists, traction,
  loading and path times, bands and headways; ramps, trains per day, line
  paths and rail crossings count as capacities;
- KPIs: lateness and on-time share recomputed agree with the summary.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mobility.model.scenario import in_windows, local_clock_min
from mobility.schedule.plan_files import read_plan_files
from mobility.schedule.validate_rail import rail_spans, train_occupations, train_problems

_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class Violation:
    """One broken constraint.

    Attributes
    ----------
    rule
        ``release``, ``horizon``, ``travel``, ``driver_hours``, ``restriction``,
        ``capacity``, ``window``, ``closure``, ``consist``, ``rail`` or ``kpi``.
    movement
        Movement number (empty for plan-wide findings).
    message
        What is wrong, with the values.
    """

    rule: str
    movement: str
    message: str

    def __str__(self) -> str:
        where = f"{self.movement}: " if self.movement else ""
        return f"[{self.rule}] {where}{self.message}"


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _check_times(m: dict[str, Any], rules: dict[str, float], found: list[Violation]) -> None:
    number = m["movement"]
    points = m["checkpoints"]
    halts = [(_t(h["start"]), _t(h["end"]), h["kind"]) for h in m["halts"]]
    speed_ms = rules["max_speed_kph"] / 3.6
    for point in points:
        if _t(point["clear"]) < _t(point["arrive"]):
            found.append(
                Violation("travel", number, f"tail clears {point['name']} before the head arrives")
            )
    for a, b in itertools.pairwise(points):
        arrive_a, arrive_b = _t(a["arrive"]), _t(b["arrive"])
        if arrive_b + _TOLERANCE < arrive_a:
            found.append(Violation("travel", number, f"arrives at {b['name']} before {a['name']}"))
            continue
        halted = sum(
            ((min(end, arrive_b) - max(start, arrive_a)) for start, end, _ in halts
             if start < arrive_b and end > arrive_a),
            timedelta(),
        )  # fmt: skip
        driven = (arrive_b - arrive_a - halted).total_seconds()
        needed = (b["km"] - a["km"]) * 1000 / speed_ms
        if driven + 1.0 < needed:
            found.append(
                Violation(
                    "travel",
                    number,
                    f"{a['name']} -> {b['name']}: {b['km'] - a['km']:.1f} km in "
                    f"{driven / 60:.1f} min "
                    f"(faster than {rules['max_speed_kph']:g} km/h)",
                )
            )
    # Driver hours: stretches between halts.
    moments = [_t(m["start"])]
    kinds = []
    for start, end, kind in halts:
        moments.extend([start, end])
        kinds.append(kind)
    # Driving ends where the road ends: for a train that is its road leg's
    # last checkpoint (the row's ``arrive`` is the train's arrival).
    moments.append(_t(points[-1]["arrive"]))
    since_break = today = 0.0
    for index in range(0, len(moments), 2):
        stretch = (moments[index + 1] - moments[index]).total_seconds()
        since_break += stretch
        today += stretch
        last = index + 2 >= len(moments)
        limit = rules["halt_every_s"] + (rules["finish_grace_s"] if last else 0)
        if stretch > limit + 60:
            found.append(
                Violation("driver_hours", number, f"drives {stretch / 3600:.2f} h without a halt")
            )
        if since_break > rules["break_after_s"] + 60:
            found.append(
                Violation(
                    "driver_hours", number, f"{since_break / 3600:.2f} h without a 45-min break"
                )
            )
        if today > rules["daily_driving_s"] + 60:
            found.append(
                Violation(
                    "driver_hours", number, f"{today / 3600:.2f} h driving without a daily rest"
                )
            )
        if index // 2 < len(kinds):
            kind = kinds[index // 2]
            if kind in ("break", "daily_rest"):
                since_break = 0.0
            if kind == "daily_rest":
                today = 0.0


def _check_restrictions(m: dict[str, Any], found: list[Violation]) -> None:
    need = m["requirements"]
    barred = set(need["barred_tunnel_categories"])
    for element in m["restricted_elements"]:
        name = element["name"]
        problems = []
        has_class = "mlc_wheeled" in element or "mlc_tracked" in element
        if need["mlc_tracked"] and need["mlc_tracked"] > element.get("mlc_tracked", float("inf")):
            problems.append(f"MLC {need['mlc_tracked']} tracked over MLC {element['mlc_tracked']}")
        if need["mlc_wheeled"] and need["mlc_wheeled"] > element.get("mlc_wheeled", float("inf")):
            problems.append(f"MLC {need['mlc_wheeled']} wheeled over MLC {element['mlc_wheeled']}")
        if not has_class and need["weight_t"] > element.get("maxweight_t", float("inf")):
            problems.append(f"{need['weight_t']} t over {element['maxweight_t']} t")
        if need["max_axle_load_t"] > element.get("maxaxleload_t", float("inf")):
            problems.append(f"axle {need['max_axle_load_t']} t over {element['maxaxleload_t']} t")
        if need["height_m"] > element.get("maxheight_m", float("inf")):
            problems.append(f"{need['height_m']} m high under {element['maxheight_m']} m")
        if need["width_m"] > element.get("maxwidth_m", float("inf")):
            problems.append(f"{need['width_m']} m wide over {element['maxwidth_m']} m")
        if element.get("tunnel_category") in barred:
            problems.append(
                f"dangerous goods in an ADR category {element['tunnel_category']} tunnel"
            )
        if element.get("hazmat") == "no" and need["hazmat"]:
            problems.append("dangerous goods on a road closed to them")
        for problem in problems:
            found.append(Violation("restriction", m["movement"], f"{name}: {problem}"))


def _occupations(
    movements: list[dict[str, Any]], constraints: dict[str, Any]
) -> dict[str, list[tuple[datetime, datetime, int, str]]]:
    """Occupation intervals per resource id, re-derived from the movement times."""
    resources = {r["id"]: r for r in constraints["resources"]}
    by_structure = {r["name"]: r["id"] for r in resources.values() if r["kind"] == "structure"}
    by_border = {r["name"]: r["id"] for r in resources.values() if r["kind"] == "border"}
    by_port = {r["name"]: r["id"] for r in resources.values() if r["kind"] == "port"}
    by_centre = {
        (r["kind"], r["name"]): r["id"] for r in resources.values() if r["kind"].startswith("csc")
    }
    rates = constraints["port_exit_vehicles_per_hour"]
    found: dict[str, list[tuple[datetime, datetime, int, str]]] = defaultdict(list)
    for m in movements:
        number = m["movement"]
        seen: dict[str, tuple[datetime, datetime, int, str]] = {}
        for point in m["checkpoints"]:
            span = (_t(point["arrive"]), _t(point["clear"]), 1, number)
            if point["kind"] in ("bridge", "tunnel"):
                # A structure is occupied until the tail leaves it, once per movement.
                rid = f"structure:{point['element']}" if point.get("element") else ""
                rid = rid if rid in resources else by_structure.get(point["name"], "")
                if rid:
                    end = _t(point.get("leave") or point["clear"])
                    old = seen.get(rid)
                    seen[rid] = (min(span[0], old[0]) if old else span[0],
                                 max(end, old[1]) if old else end, 1, number)  # fmt: skip
            if point["kind"] == "junction" and f"junction:{point['node']}" in resources:
                rid = f"junction:{point['node']}"
                old = seen.get(rid)
                seen[rid] = (min(span[0], old[0]) if old else span[0],
                             max(span[1], old[1]) if old else span[1], 1, number)  # fmt: skip
            if point["kind"] in ("border", "destination") and point["name"] in by_border:
                found[by_border[point["name"]]].append(span)
        for rid, structure_span in seen.items():
            found[rid].append(structure_span)
        if m.get("mode") == "rail":
            for train_rid, train_spans in train_occupations(m, constraints["rail"]).items():
                found[train_rid].extend(train_spans)
        origin = m["checkpoints"][0]["name"] if m["checkpoints"] else ""
        if origin in by_port:
            rid = by_port[origin]
            rate = rates.get(rid.split(":", 1)[1], rates.get(origin, rates.get("default", 150.0)))
            start = _t(m["start"])
            found[rid].append(
                (start, start + timedelta(hours=m["vehicle_count"] / rate), 1, number)
            )
        for halt in m["halts"]:
            kind = "csc_night" if halt["kind"] == "daily_rest" else "csc"
            centre = by_centre.get((kind, halt["name"]))
            if halt["at_support_centre"] and centre:
                found[centre].append(
                    (_t(halt["start"]), _t(halt["end"]), m["vehicle_count"], number)
                )
    return found


def _check_capacity(
    occupations: dict[str, list[tuple[datetime, datetime, int, str]]],
    constraints: dict[str, Any],
    found: list[Violation],
) -> None:
    resources = {r["id"]: r for r in constraints["resources"]}
    for rid, spans in occupations.items():
        resource = resources[rid]
        events = sorted(
            [(a, 1, d, n) for a, _, d, n in spans] + [(b, 0, -d, n) for _, b, d, n in spans]
        )  # ends sort before starts at the same moment
        load = 0
        reported = False
        for moment, _, change, number in events:
            load += change
            if load > resource["capacity"] and not reported:
                found.append(
                    Violation(
                        "capacity",
                        number,
                        f"{resource['name']} holds {load} > capacity {resource['capacity']} "
                        f"at {moment.isoformat()}",
                    )
                )
                reported = True
        windows = [tuple(w) for w in resource.get("windows") or []]
        if resource["kind"] == "border" and windows:
            for start, _, _, number in spans:
                if not in_windows(local_clock_min(start), windows):
                    found.append(
                        Violation(
                            "window",
                            number,
                            f"arrives at {resource['name']} at {start.isoformat()}, "
                            "outside its acceptance windows",
                        )
                    )


def _check_closures(
    movements: list[dict[str, Any]], constraints: dict[str, Any], found: list[Violation]
) -> None:
    for closure in constraints["closures"]:
        element = closure["element"].strip().casefold()
        start, end = _t(closure["from"]), _t(closure["to"])
        for m in movements:
            spans = (
                [
                    (_t(c["arrive"]), _t(c.get("leave") or c["clear"]))
                    for c in m["checkpoints"]
                    if c["name"].casefold() == element or str(c["node"]) == element
                ]
                + [
                    (_t(r["from"]), _t(r["to"]))
                    for r in m["ref_spans"]
                    if r["ref"].casefold() == element
                ]
                + [
                    (_t(r["from"]), _t(r["to"]))
                    for r in m.get("closure_spans") or ()
                    if r["element"].casefold() == element
                ]
                + rail_spans(m, element)
            )
            for a, b in spans:
                if a < end and b > start:
                    found.append(
                        Violation(
                            "closure",
                            m["movement"],
                            f"uses {closure['element']} between {a.isoformat()} and "
                            f"{b.isoformat()}, during its closure",
                        )
                    )
                    break


def validate_plan(plan_dir: str | Path) -> list[Violation]:
    """Re-check every constraint of a plan folder; return the violations (empty: valid).

    Raises
    ------
    DataError
        If the folder or one of its files is missing or unreadable.
    """
    files = read_plan_files(plan_dir)
    movements: list[dict[str, Any]] = files["movement_table"]
    constraints: dict[str, Any] = files["constraints"]
    summary: dict[str, Any] = files["summary"]
    rules = constraints["rules"]
    found: list[Violation] = []
    horizon_start, horizon_end = _t(constraints["start"]), _t(constraints["end"])
    late_total = on_time = 0
    for m in movements:
        number = m["movement"]
        request = constraints["requests"].get(m["request"])
        if request is None:
            found.append(Violation("release", number, f"unknown request {m['request']!r}"))
            continue
        start = _t(m["start"])
        if start < _t(request["release"]):
            found.append(
                Violation(
                    "release",
                    number,
                    f"starts {m['start']} before its release {request['release']}",
                )
            )
        if start < horizon_start or _t(m["clear"]) > horizon_end:
            found.append(Violation("horizon", number, "moves outside the planning horizon"))
        if m["checkpoints"] and _t(m["checkpoints"][0]["arrive"]) != start:
            found.append(
                Violation("travel", number, "the first checkpoint is not at the start time")
            )
        if m.get("mode") == "rail":
            if not constraints.get("rail"):
                found.append(Violation("rail", number, "a train but no rail rules in constraints"))
                continue
            problems = train_problems(m, constraints["rail"])
            found += [Violation(rule, number, text) for rule, text in problems]
        if m["checkpoints"]:
            _check_times(m, rules, found)
        _check_restrictions(m, found)
        late = max(0.0, (_t(m["clear"]) - _t(request["due"])).total_seconds() / 60)
        if abs(late - m["late_min"]) > 1:
            found.append(
                Violation("kpi", number, f"late_min {m['late_min']} but clears {late:.0f} min late")
            )
        late_total += m["late_min"]
        on_time += m["late_min"] == 0
    _check_capacity(_occupations(movements, constraints), constraints, found)
    _check_closures(movements, constraints, found)
    kpis = summary.get("kpis", {})
    units = kpis.get("march_units", len(movements)) or 1
    if kpis and abs(kpis["on_time_share"] - on_time / units) > 1e-6:
        found.append(
            Violation(
                "kpi",
                "",
                f"summary on-time share {kpis['on_time_share']} "
                f"but the table gives {on_time / units}",
            )
        )
    if kpis and kpis["total_lateness_min"] != late_total:
        found.append(
            Violation(
                "kpi",
                "",
                f"summary lateness {kpis['total_lateness_min']} min "
                f"but the table gives {late_total}",
            )
        )
    return found
