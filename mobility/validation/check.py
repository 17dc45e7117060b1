"""The independent plan validator: a plan folder checked against the inputs it was made from.

It never sees the solver (nothing here imports the instance, CP-SAT, the
greedy or the time-indexed model) and never takes the planner's word:
``constraints.json``, ``restricted_elements``, ``requirements`` and
``vehicle_count`` are checked against its own derivation. It reloads the
recorded inputs (:mod:`mobility.validation.inputs`: scenario, network,
vehicle catalogue, march and rail rules, each with its digest), then:

- per road movement (:mod:`mobility.validation._road`): vehicles and their
  envelope, the route's edges in the network joining origin and destination,
  every edge's limits (:mod:`mobility.validation._route`), and the column
  timed again along the route (checkpoints, halts, arrival, clearance:
  :mod:`mobility.validation._road_times`);
- per row (:mod:`mobility.validation._times`): order, speed, driver hours and
  halt durations under the recorded halt rules, themselves held against
  EU 561/2006;
- trains (:mod:`mobility.validation._trains`, :mod:`mobility.schedule.validate_rail`)
  against rail rules, lines and terminals derived from the inputs;
- shared resources re-derived with their capacities
  (:mod:`mobility.validation._resources`), closures from the scenario;
- completeness and the CSV (:mod:`mobility.validation._table`);
- march units listed as unplannable, planned again: a route whose halts all
  fit a site and that clears inside the horizon disproves the listing
  (:mod:`mobility.validation._unplannable`);
- the KPIs (:mod:`mobility.validation._kpis`).

Shared domain code (not solver code), each tested on its own: the march
rules and column timing (:mod:`mobility.routing.timing`,
:mod:`mobility.routing.column_timing`), the envelope of a group of vehicles
(:mod:`mobility.routing.requirements`), the organisation in march units
(:func:`mobility.model.column.build_column`), the hour-band rule of trains
(:func:`mobility.rail.rules.band_at`), consists (:mod:`mobility.rail.consist`)
and the CSV row format (:func:`mobility.schedule.plan_files.movement_csv_row`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mobility.model.clock import local_iso
from mobility.model.corridor import Place
from mobility.model.scenario import Closure, Request, Scenario
from mobility.model.vehicle import VehicleType
from mobility.network.load import Network
from mobility.routing.column_timing import ColumnSchedule
from mobility.routing.router import Router
from mobility.schedule.plan_files import read_plan_files
from mobility.schedule.validate_rail import rail_spans
from mobility.validation._kpis import kpi_problems
from mobility.validation._resources import (
    Resources,
    capacity_problems,
    constraints_problems,
    junction_occupations,
    road_occupations,
)
from mobility.validation._road import derive_road, moved_types
from mobility.validation._road_memo import RoadMemo
from mobility.validation._table import completeness_problems, csv_problems
from mobility.validation._times import rule_problems, time_problems
from mobility.validation._trains import (
    occupy_train,
    rail_constraints,
    rail_constraints_problems,
    train_row_problems,
)
from mobility.validation._unplannable import unplannable_problems
from mobility.validation.inputs import Inputs, load_inputs


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


Finding = tuple[str, str]  # (rule, message)


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class _Run:
    """One validation: the inputs, derived once, and the occupations found row by row."""

    inputs: Inputs
    router: Router
    rail: dict[str, Any] | None
    types: dict[str, VehicleType]
    places: dict[str, Place]
    memo: RoadMemo
    resources: Resources = field(default_factory=Resources)
    #: Movement number to its edges and junction passages.
    passages: dict[str, Any] = field(default_factory=dict)
    junction_names: dict[int, str] = field(default_factory=dict)


def start_problems(m: Mapping[str, Any], request: Request, scenario: Scenario) -> list[Finding]:
    """Check a row's start: after its release, on the start grid, inside the horizon."""
    found: list[Finding] = []
    start = _t(m["start"])
    if start < request.available_from:
        found.append(
            (
                "release",
                f"starts {m['start']} before its release {request.available_from.isoformat()}",
            )
        )
    offset_s = (start - scenario.start).total_seconds()
    if offset_s % (scenario.slot_min * 60):
        found.append(
            (
                "slot",
                f"starts {m['start']}, off the {scenario.slot_min}-min start grid of the scenario",
            )
        )
    if start < scenario.start or _t(m["clear"]) > scenario.end:
        found.append(("horizon", "moves outside the planning horizon"))
    if m["checkpoints"] and _t(m["checkpoints"][0]["arrive"]) != start:
        found.append(("travel", "the first checkpoint is not at the start"))
    return found


def _movement_problems(run: _Run, m: dict[str, Any], request: Request) -> list[Finding]:
    """Check one row against its request, its re-derived route and timing, and the rules.

    Its occupations (road and rail) are added to ``run``.
    """
    inputs = run.inputs
    own = start_problems(m, request, inputs.scenario)
    if m.get("mode") == "rail":
        if run.rail is None:
            return [*own, ("rail", "a train, but the plan used no rail rules")]
        own += train_row_problems(m, request, run.rail, inputs.catalogue)
        occupy_train(run.resources, m, run.rail)
    derived = derive_road(m, request, inputs.scenario, run.router, run.types, own, run.memo)
    if derived.schedule is not None:
        _occupy_road(run, m, request, derived.schedule, derived.count)
    return own + time_problems(m, inputs.halt_rules, inputs.speeds)


def _occupy_road(
    run: _Run, m: dict[str, Any], request: Request, schedule: ColumnSchedule, count: int
) -> None:
    """Add a road movement's occupations to ``run`` (a train's road leg ends at no place)."""
    number = m["movement"]
    origin = run.router.place("road", request.origin).place_id
    destination = (
        "" if m.get("mode") == "rail" else run.router.place("road", request.destination).place_id
    )
    points = road_occupations(
        run.resources,
        number=number,
        schedule=schedule,
        count=count,
        scenario=run.inputs.scenario,
        places=run.places,
        origin=origin,
        destination=destination,
    )
    run.passages[number] = ([tuple(e) for e in m["edges"]], points)
    run.junction_names.update(
        {c.node: c.name for c in schedule.checkpoints if c.kind == "junction"}
    )


def closure_problems(
    movements: list[dict[str, Any]], closures: Sequence[Closure]
) -> list[Violation]:
    """Movements that use a closed element (by name, ref or node) while it is closed."""
    found: list[Violation] = []
    for closure in closures:
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
    return found


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
    corridor_places = inputs.network.corridors.places
    run = _Run(
        inputs,
        router,
        rail=rail_constraints(
            inputs.rail_rules, corridor_places, movements, constraints.get("rail")
        ),
        types=moved_types(inputs.catalogue),
        places={p.id: p for p in corridor_places},
        memo=RoadMemo(router),
    )
    found = [
        Violation("driver_hours", "", text)
        for text in rule_problems(inputs.halt_rules, inputs.speeds)
    ]
    requests = {r.id: r for r in scenario.requests}
    for m in movements:
        number = m["movement"]
        request = requests.get(m["request"])
        if request is None:
            found.append(Violation("release", number, f"unknown request {m['request']!r}"))
            continue
        found += [
            Violation(rule, number, text) for rule, text in _movement_problems(run, m, request)
        ]
    junction_occupations(run.resources, scenario, run.passages, run.junction_names)
    found += [Violation(*item) for item in capacity_problems(run.resources)]
    found += [
        Violation(*item) for item in constraints_problems(run.resources, constraints, scenario)
    ]
    found += [
        Violation(*item) for item in rail_constraints_problems(run.rail, constraints.get("rail"))
    ]
    found += closure_problems(movements, scenario.closures)
    found += [
        Violation(*item)
        for item in completeness_problems(movements, summary, scenario, inputs.catalogue)
    ]
    found += [Violation(*item) for item in unplannable_problems(summary, inputs, router, run.memo)]
    found += [Violation(*item) for item in csv_problems(folder, movements)]
    found += [Violation(*item) for item in kpi_problems(movements, summary, scenario)]
    return found
