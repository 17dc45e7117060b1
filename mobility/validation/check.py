"""The independent plan validator: a plan folder checked against the inputs it was made from.

It never sees the solver (nothing here imports the instance, CP-SAT, the
greedy or the time-indexed model) and never takes the planner's word:
``constraints.json``, ``restricted_elements``, ``requirements`` and
``vehicle_count`` are checked against its own derivation. It reloads the
recorded inputs (:mod:`mobility.validation.inputs`: scenario, network,
vehicle catalogue, march and rail rules, each with its digest), then:

- per road movement (:mod:`mobility.validation.road`): vehicles and their
  envelope, the route's edges in the network joining origin and destination,
  every edge's limits, and the column timed again along the route
  (checkpoints, halts, arrival, clearance);
- per row (:mod:`mobility.validation.times`): order, speed, driver hours and
  halt durations under the recorded halt rules, themselves held against
  EU 561/2006;
- trains (:mod:`mobility.schedule.validate_rail`) against rail rules, lines
  and terminals derived from the inputs;
- shared resources re-derived with their capacities
  (:mod:`mobility.validation.resources`), closures from the scenario;
- completeness and the CSV (:mod:`mobility.validation.table`);
- the KPIs (:mod:`mobility.validation.kpis`).

Shared domain code (not solver code), each tested on its own: the march
rules and column timing (:mod:`mobility.routing.timing`,
:mod:`mobility.routing.column_timing`), the envelope of a group of vehicles
(:mod:`mobility.routing.requirements`), the organisation in march units
(:func:`mobility.model.column.build_column`), the hour-band rule of trains
(:func:`mobility.rail.rules.band_at`), consists (:mod:`mobility.rail.consist`)
and the CSV row format (:func:`mobility.schedule.plan_files.movement_csv_row`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mobility.model.clock import local_iso
from mobility.model.column import Column, Serial, build_column
from mobility.model.corridor import Place
from mobility.model.vehicle import VehicleCatalogue
from mobility.network.load import Network
from mobility.routing.router import NoRouteError, Router
from mobility.schedule.plan_files import read_plan_files
from mobility.schedule.validate_rail import rail_spans, train_occupations, train_problems
from mobility.validation.inputs import Inputs, load_inputs
from mobility.validation.kpis import kpi_problems
from mobility.validation.resources import (
    Resources,
    capacity_problems,
    constraints_problems,
    junction_occupations,
    road_occupations,
)
from mobility.validation.road import (
    column_rules,
    derive_road,
    moved_types,
    rail_as_carried,
    requested_as_moved,
)
from mobility.validation.table import completeness_problems, csv_problems
from mobility.validation.times import rule_problems, time_problems


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    Attributes
    ----------
    rule
        ``release``, ``horizon``, ``route``, ``vehicles``, ``vehicle_count``,
        ``requirements``, ``restriction``, ``restricted_elements``,
        ``checkpoint``, ``timing``, ``halts``, ``travel``, ``driver_hours``,
        ``capacity``, ``window``, ``closure``, ``consist``, ``rail``,
        ``constraints``, ``completeness``, ``csv``, ``slot`` or ``kpi``.
    movement
        Movement number (empty for plan-wide findings).
    message
        What is wrong, naming the element and the values.
    """

    rule: str
    movement: str
    message: str

    def __str__(self) -> str:
        where = f"{self.movement}: " if self.movement else ""
        return f"[{self.rule}] {where}{self.message}"


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _rail_rules(
    inputs: Inputs, movements: list[dict[str, Any]], written: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Derive the rail part of the constraints from the rail rules and the corridor places."""
    rules = inputs.rail_rules
    if rules is None:
        return None
    names = [s["line"] for m in movements for s in (m.get("train") or {}).get("path") or ()]
    names += list(((written or {}).get("lines") or {}).keys())
    lines: dict[str, Any] = {}
    for name in names:
        line = rules.line(name)
        lines[name] = {"max_length_m": line.max_length_m, "paths_per_h": dict(line.paths_per_h)}
    terminals = {p.id: dict(p.capacity) for p in inputs.network.corridors.places}
    return {**rules.to_dict(), "terminals": terminals, "lines": lines}


def _closure_problems(
    movements: list[dict[str, Any]], inputs: Inputs, found: list[Violation]
) -> None:
    for closure in inputs.scenario.closures:
        element = closure.element.strip().casefold()
        for m in movements:
            spans = (
                [
                    (_t(c["arrive"]), _t(c.get("leave") or c["clear"]))
                    for c in m["checkpoints"]
                    if c["name"].casefold() == element or str(c["node"]) == element
                ]
                + [
                    (_t(r["from"]), _t(r["to"]))
                    for r in m.get("ref_spans") or ()
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
                if a < closure.end and b > closure.start:
                    found.append(
                        Violation(
                            "closure",
                            m["movement"],
                            f"uses {closure.element} between {local_iso(a)} and {local_iso(b)}, "
                            "during its closure",
                        )
                    )
                    break


def _unplannable_problems(
    summary: dict[str, Any], inputs: Inputs, router: Router, found: list[Violation]
) -> None:
    """Check that a road march unit listed as unplannable has no route within the horizon.

    Routed again (the router is domain code, tested in ``tests/routing``) from
    its release; a route that clears before the end of the horizon, with no
    closure in the scenario and neither a support centre's capacity nor a border
    crossing's windows named as the reason, means the march unit was left out,
    not unplannable.
    """
    scenario = inputs.scenario
    reasons = {
        str(item.get("request")): str(item.get("reason") or "")
        for item in summary.get("unplannable") or ()
        if isinstance(item, dict)
    }
    if not reasons or scenario.closures:
        return
    types = moved_types(inputs.catalogue)
    rules = column_rules(scenario)
    for request in scenario.requests:
        if request.mode != "road":
            continue
        wanted = requested_as_moved(request, inputs.catalogue)
        catalogue = VehicleCatalogue({k: types[k] for k in wanted})
        for unit in build_column(request.unit, wanted, catalogue, rules).march_units:
            key = f"{request.id}/{unit.id}"
            reason = reasons.get(key)
            if reason is None or "exceed" in reason or "window" in reason:
                continue
            column = Column(f"{request.unit} {unit.id}", (Serial("1", (unit,)),), rules)
            try:
                plan = router.route(
                    request.origin,
                    request.destination,
                    unit.types[0],
                    hazmat=request.hazmat,
                    k=1,
                    start=request.available_from,
                    column=column,
                )
            except NoRouteError:
                continue
            route = plan.routes[0]
            if route.schedule.clear <= scenario.end:
                found.append(
                    Violation(
                        "completeness",
                        "",
                        f"{key} is listed as unplannable "
                        f"({reason[:80]}) but has a route ({route.designation}, "
                        f"{route.length_m / 1000:.0f} km) that clears by "
                        f"{local_iso(route.schedule.clear)}, inside the horizon",
                    )
                )


def validate_plan(
    plan_dir: str | Path,
    *,
    scenario_file: str | Path | None = None,
    network: Network | None = None,
) -> list[Violation]:
    """Check a plan folder against its inputs; return the violations (empty: valid).

    Parameters
    ----------
    plan_dir
        The plan folder.
    scenario_file
        The scenario as the reviewer has it (it must be the plan's).
    network
        The plan's network, already loaded the recorded way (default: load it).

    Raises
    ------
    DataError
        If the folder, a file or an input is missing or unreadable, or an
        input changed since the plan was made.
    """
    folder = Path(plan_dir)
    files = read_plan_files(folder)
    movements: list[dict[str, Any]] = files["movement_table"]
    constraints: dict[str, Any] = files["constraints"]
    summary: dict[str, Any] = files["summary"]
    inputs = load_inputs(folder, scenario_file=scenario_file, network=network)
    scenario = inputs.scenario
    router = Router(
        inputs.network,
        inputs.catalogue,
        speeds=inputs.speeds,
        halt_rules=inputs.halt_rules,
        clearance_margin_m=inputs.clearance_margin_m,
    )
    types = moved_types(inputs.catalogue)
    requests = {r.id: r for r in scenario.requests}
    places: dict[str, Place] = {p.id: p for p in inputs.network.corridors.places}
    rail = _rail_rules(inputs, movements, constraints.get("rail"))
    found = [
        Violation("driver_hours", "", text)
        for text in rule_problems(inputs.halt_rules, inputs.speeds)
    ]
    resources = Resources()
    passages: dict[str, Any] = {}
    junction_names: dict[int, str] = {}
    for m in movements:
        number = m["movement"]
        request = requests.get(m["request"])
        if request is None:
            found.append(Violation("release", number, f"unknown request {m['request']!r}"))
            continue
        start = _t(m["start"])
        if start < request.available_from:
            found.append(
                Violation(
                    "release",
                    number,
                    f"starts {m['start']} before its release {request.available_from.isoformat()}",
                )
            )
        offset_s = (start - scenario.start).total_seconds()
        if offset_s % (scenario.slot_min * 60):
            found.append(
                Violation(
                    "slot",
                    number,
                    f"starts {m['start']}, off the "
                    f"{scenario.slot_min}-min start grid of the scenario",
                )
            )
        if start < scenario.start or _t(m["clear"]) > scenario.end:
            found.append(Violation("horizon", number, "moves outside the planning horizon"))
        if m["checkpoints"] and _t(m["checkpoints"][0]["arrive"]) != start:
            found.append(Violation("travel", number, "the first checkpoint is not at the start"))
        own: list[tuple[str, str]] = []
        if m.get("mode") == "rail":
            if rail is None:
                found.append(Violation("rail", number, "a train, but the plan used no rail rules"))
                continue
            own += train_problems(m, rail)
            carried = rail_as_carried(request, inputs.catalogue)
            unknown = [k for k in m["vehicles"] if k not in carried]
            own += [("vehicles", f"{k} is not a vehicle of request {request.id}") for k in unknown]
            for rid, spans in train_occupations(m, rail).items():
                capacity = 1
                if rid.startswith(("ramp:", "ramp_day:")):
                    terminal = rail["terminals"].get(rid.split(":", 1)[1], {})
                    key = "ramps" if rid.startswith("ramp:") else "trains_per_day"
                    capacity = int(terminal.get(key, 1))
                resources.add(rid, rid, capacity)
                resources.spans[rid].extend(spans)
        derived = derive_road(m, request, scenario, router, types, own)
        if derived.schedule is not None:
            origin = router.place("road", request.origin).place_id
            destination = (
                ""
                if m.get("mode") == "rail"
                else router.place("road", request.destination).place_id
            )
            points = road_occupations(
                resources,
                number,
                derived.schedule,
                derived.count,
                scenario,
                places,
                origin,
                destination,
            )
            passages[number] = ([tuple(e) for e in m["edges"]], points)
            junction_names.update(
                {c.node: c.name for c in derived.schedule.checkpoints if c.kind == "junction"}
            )
        own += time_problems(m, inputs.halt_rules, inputs.speeds)
        found += [Violation(rule, number, text) for rule, text in own]
    junction_occupations(resources, scenario, passages, junction_names)
    found += [Violation(*item) for item in capacity_problems(resources)]
    found += [Violation(*item) for item in constraints_problems(resources, constraints, scenario)]
    if rail is not None and constraints.get("rail"):
        for key in ("terminals", "lines", "night", "peaks", "border_trains_per_h"):
            if key in constraints["rail"] and constraints["rail"][key] != rail.get(key):
                if key in ("terminals", "lines"):
                    used = {k: rail[key].get(k) for k in constraints["rail"][key]}
                    if used == constraints["rail"][key]:
                        continue
                found.append(
                    Violation(
                        "constraints",
                        "",
                        f"rail {key} in constraints.json "
                        "differ from the rail rules and corridor places",
                    )
                )
    _closure_problems(movements, inputs, found)
    found += [
        Violation(*item)
        for item in completeness_problems(movements, summary, scenario, inputs.catalogue)
    ]
    _unplannable_problems(summary, inputs, router, found)
    found += [Violation(*item) for item in csv_problems(folder, movements)]
    found += [Violation(*item) for item in kpi_problems(movements, summary, scenario)]
    return found
