"""From a scenario to a scheduling instance: march units, route options, resources.

Each request's vehicles are organised into march units (vehicles that must
ride a heavy equipment transporter are counted as their transporter
combination). Every march unit gets up to ``k_routes`` route options from
the router. An option's checkpoint times are offsets from the march unit's
start: halts depend only on driving time, so the offsets hold for any start.

The solver's time unit is the **minute** after the scenario start; start
times are multiples of ``slot_min`` minutes. Resources (:class:`Resource`)
are what columns share:

- ``structure``: a bridge or tunnel in one direction of travel (movement
  credit; one structure however many ways and carriageways OSM maps it
  with, :mod:`mobility.network.structures`), ``structure_columns`` columns at
  once, occupied from the head's arrival until the tail leaves its last edge,
  once per route;
- ``border``: a border crossing, ``border_columns`` columns at once, and the
  head must arrive inside an acceptance window (local time);
- ``junction``: a named junction where routes of different march units
  merge (arrive on different edges, leave on the same one; road space),
  ``checkpoint_columns`` columns at once;
- ``port``: an entry port's gate, one march unit at a time for vehicles
  over the gate rate;
- ``csc``/``csc_night``: a support centre's parking for halts and its
  overnight capacity for daily rests, in vehicles.

Closures forbid start slots whose occupation of the closed element would
overlap the closed window: a structure or section by name, a road by name or
ref, an OSM way (``way <id>``), a place by name or id, or any node of the
route by id (:func:`mobility.routing.elements.element_spans_s`).

The instance's types are in :mod:`mobility.schedule._instance_types`, road
options in :mod:`mobility.schedule._road_options`, closures in
:mod:`mobility.schedule._closures`; their public names are importable from
here.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from mobility._progress import advance
from mobility.errors import DataError, ScenarioError
from mobility.model.column import FORMATIONS, Column, ColumnRules, Serial, build_column
from mobility.model.scenario import Request, Scenario
from mobility.model.vehicle import VehicleCatalogue, VehicleType
from mobility.network.load import Network
from mobility.rail.rules import RailRules, load_rail_rules
from mobility.routing.router import NoRouteError, Router
from mobility.schedule._closures import check_closures, closed_for_routing, closure_rules
from mobility.schedule._instance_types import (
    DISRUPTION_SCALE,
    Instance,
    Option,
    Resource,
    SerialPart,
    Task,
    Unplannable,
    Use,
)
from mobility.schedule._rail_options import RailContext, rail_tasks
from mobility.schedule._road_options import (
    OptionContext,
    hour_keys,
    make_option,
    route_knowing_closures,
)
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.road_costs import RoadCosts, minute_clock
from mobility.schedule.size import check_model_size
from mobility.traffic.gtfs import bind_timetable

logger = logging.getLogger(__name__)


def build_instance(
    scenario: Scenario,
    network: Network,
    router: Router | None = None,
    catalogue: VehicleCatalogue | None = None,
    traffic: TrafficModel | None = None,
    rail_rules: RailRules | None = None,
) -> Instance:
    """Turn a scenario into march-unit tasks with route options and resources.

    Raises
    ------
    ScenarioError
        Naming the request and field, for unknown places or vehicle types; or
        when the model would be too large (:func:`~mobility.schedule.size.check_model_size`).
    """
    check_model_size(scenario)
    router = router or Router(network, catalogue)
    catalogue = router.catalogue
    traffic = traffic or TrafficModel()
    rules = ColumnRules(
        march_unit_min=scenario.march_unit_min,
        march_unit_max=max(scenario.march_unit_max, scenario.march_unit_min),
        formation=FORMATIONS[scenario.formation],
    )
    resources: dict[str, Resource] = {}
    context = _option_context(scenario, network, router, traffic, resources)
    tasks: list[Task] = []
    unplannable: list[Unplannable] = []
    rail: RailContext | None = None
    for number, request in enumerate(scenario.requests, start=1):
        advance(f"request {number}/{len(scenario.requests)}")
        types, moved_types = _moved_types(scenario, request, router, catalogue)
        release = scenario.minutes(request.available_from)
        due = scenario.minutes(request.required_by)
        if request.mode != "road":
            if rail is None:
                rail = _rail_context(network, router, traffic, rail_rules, rules, context)
            found = _rail_request(rail, request, catalogue, release, due)
            if found is not None:
                tasks.extend(found[0])
                unplannable.extend(found[1])
                continue
        column = build_column(request.unit, types, VehicleCatalogue(moved_types), rules)
        found_road = _road_tasks(router, context, request, column, release, due)
        tasks.extend(found_road[0])
        unplannable.extend(found_road[1])
    _drop_unshared_junctions(tasks, resources)
    logger.info("instance: %d march units, %d resources", len(tasks), len(resources))
    return Instance(
        scenario=scenario,
        tasks=tasks,
        resources=resources,
        n_slots=len(context.slot_starts),
        slot_min=scenario.slot_min,
        horizon_min=context.horizon_min,
        unplannable=unplannable,
        rail_rules=rail.rules if rail is not None else None,
        road_costs=context.costs,
        hour_clock=context.hour_clock,
        rail_timetable=rail.timetable if rail is not None else None,
        input_files=_input_files(scenario, network, router, traffic, rail),
    )


def _register(
    resources: dict[str, Resource],
    rid: str,
    kind: str,
    name: str,
    capacity: int,
    windows: tuple[tuple[int, int], ...] = (),
) -> str:
    """Add a resource to ``resources`` the first time it is met; return its id."""
    if rid not in resources:
        resources[rid] = Resource(
            id=rid, kind=kind, name=name, capacity=capacity, windows=tuple(windows)
        )
    return rid


def _option_context(
    scenario: Scenario,
    network: Network,
    router: Router,
    traffic: TrafficModel,
    resources: dict[str, Resource],
) -> OptionContext:
    """Build what road options share: start-time grid, clocks, civilian costs, closures.

    Raises
    ------
    ScenarioError
        When a closure names an element the network does not have.
    """
    slot = scenario.slot_min
    horizon_min = round(scenario.horizon_h * 60)
    n_slots = horizon_min // slot + 1
    keys, clock = hour_keys(scenario, horizon_min + 1)
    table = router.table("road")
    costs = RoadCosts(table, traffic)
    closures = closure_rules(scenario)
    check_closures(scenario, network, table, router.table("rail"))
    closed, around, timed = closed_for_routing(scenario, network, table, horizon_min)
    register: Callable[..., str] = functools.partial(_register, resources)
    return OptionContext(
        scenario=scenario,
        slot_starts=np.arange(n_slots, dtype=np.int64) * slot,
        horizon_min=horizon_min,
        keys=keys,
        clock=clock,
        costs=costs,
        table=table,
        closures=closures,
        places={p.id: p for p in network.corridors.places},
        by_name={p.name: p for p in network.corridors.places},
        resource=register,
        hour_clock=minute_clock(keys, clock),
        network_places=tuple(network.places),
        halt_sites={site.id: site for site in router.halt_sites},
        closed=closed,
        around=around,
        timed=timed,
    )


def _moved_types(
    scenario: Scenario, request: Request, router: Router, catalogue: VehicleCatalogue
) -> tuple[dict[str, int], dict[str, VehicleType]]:
    """Return the request's vehicle counts as they move (on transporters), and their types.

    Raises
    ------
    ScenarioError
        Naming the request, for a vehicle type the catalogue does not have.
    """
    types: dict[str, int] = {}
    moved_types: dict[str, VehicleType] = {}
    for key, count in request.vehicles.items():
        if count == 0:
            continue
        try:
            vehicle = catalogue.get(key)
        except DataError as error:
            raise ScenarioError(
                f"{scenario.source}: request {request.id!r} vehicles: {error}"
            ) from None
        moved = router.moved_as(vehicle)
        moved_types[moved.id] = moved
        types[moved.id] = types.get(moved.id, 0) + count
    return types, moved_types


def _rail_context(
    network: Network,
    router: Router,
    traffic: TrafficModel,
    rail_rules: RailRules | None,
    rules: ColumnRules,
    context: OptionContext,
) -> RailContext:
    """Build what rail options share (when the first request that may go by rail comes)."""
    timetable = None
    if traffic.rail_timetable is not None:
        timetable = bind_timetable(traffic.rail_timetable, network.rail)
    rail = RailContext(
        network=network,
        router=router,
        rules=rail_rules or load_rail_rules(),
        column_rules=rules,
        option=context,
        timetable=timetable,
    )
    rail.closed, rail.around, rail.timed = closed_for_routing(
        context.scenario, network, router.table("rail"), context.horizon_min
    )
    return rail


def _rail_request(
    rail: RailContext, request: Request, catalogue: VehicleCatalogue, release: int, due: int
) -> tuple[list[Task], list[Unplannable]] | None:
    """Train-load tasks of a request (:func:`rail_tasks`), with errors naming the request."""
    try:
        return rail_tasks(rail, request, catalogue, release, due)
    except DataError as error:
        source = rail.option.scenario.source
        raise ScenarioError(f"{source}: request {request.id!r}: {error}") from None


def _road_tasks(
    router: Router,
    context: OptionContext,
    request: Request,
    column: Column,
    release: int,
    due: int,
) -> tuple[list[Task], list[Unplannable]]:
    """One task per march unit of the request's column, with its road options (or why none)."""
    scenario = context.scenario
    tasks: list[Task] = []
    unplannable: list[Unplannable] = []
    for unit in column.march_units:
        unit_id = f"{request.id}/{unit.id}"
        unit_column = Column(
            unit=f"{request.unit} {unit.id}",
            serials=(Serial("1", (unit,)),),
            rules=column.rules,
        )
        try:
            plan = route_knowing_closures(
                router, context, request, unit.types[0], unit_column, scenario.k_routes
            )
        except NoRouteError as error:
            unplannable.append(Unplannable(unit_id, str(error), unit.count))
            continue
        except DataError as error:
            where = f"request {request.id!r}"
            raise ScenarioError(f"{scenario.source}: {where}: {error}") from None
        options = []
        reasons = []
        for route in plan.routes:
            option, reason = make_option(
                context, route, plan.origin.place_id, plan.destination.place_id, unit, release
            )
            if option is not None:
                options.append(option)
            else:
                reasons.append(f"{route.designation}: {reason}")
        if not options:
            unplannable.append(Unplannable(unit_id, "; ".join(reasons), unit.count))
            continue
        tasks.append(
            Task(
                id=unit_id,
                request=request,
                march_unit=unit,
                release_min=release,
                due_min=due,
                options=tuple(options),
            )
        )
    return tasks, unplannable


def _input_files(
    scenario: Scenario,
    network: Network,
    router: Router,
    traffic: TrafficModel,
    rail: RailContext | None,
) -> dict[str, bytes]:
    """Return the plan folder's input files (:func:`~mobility.validation.inputs.record_inputs`)."""
    from mobility.validation.inputs import record_inputs

    return record_inputs(
        scenario,
        network,
        router.catalogue,
        speeds=router.speeds,
        halt_rules=router.halt_rules,
        clearance_margin_m=router.clearance_margin_m,
        traffic_path=traffic.counts.path if traffic.counts is not None else None,
        rail_rules=rail.rules if rail is not None else None,
    )


def _drop_unshared_junctions(tasks: list[Task], resources: dict[str, Resource]) -> None:
    """Keep junction resources only at real merge points.

    A junction constrains columns only where routes of different march units
    join: they arrive on different edges and leave on the same one. Columns
    that pass through on the same road keep their spacing along it (their
    shared structures and port gate already order them), and routes that
    cross or part at a junction do not share its road space.
    """
    ways: dict[str, set[tuple[str, Any, Any]]] = {}
    for task in tasks:
        for option in task.options:
            junctions = [u for u in option.uses if u.resource.startswith("junction:")]
            if not junctions or option.route is None:
                continue
            edges = option.route.edges
            position = {edge[0]: i for i, edge in reversed(list(enumerate(edges)))}
            for item in junctions:
                node = int(item.resource.split(":", 1)[1])
                at = position.get(node)
                if at is None:
                    continue
                incoming = edges[at - 1] if at > 0 else None
                ways.setdefault(item.resource, set()).add((task.id, incoming, edges[at]))
    keep = {rid for rid, seen in ways.items() if _merges(seen)}
    drop = {rid for rid, res in resources.items() if res.kind == "junction" and rid not in keep}
    for index, task in enumerate(tasks):
        options = tuple(
            replace(o, uses=tuple(u for u in o.uses if u.resource not in drop))
            for o in task.options
        )
        tasks[index] = replace(task, options=options)
    for rid in drop:
        resources.pop(rid, None)


def _merges(seen: set[tuple[str, Any, Any]]) -> bool:
    """Whether two march units arrive on different edges and leave on the same one."""
    by_exit: dict[Any, dict[Any, set[str]]] = {}
    for task, incoming, outgoing in seen:
        by_exit.setdefault(outgoing, {}).setdefault(incoming, set()).add(task)
    for arrivals in by_exit.values():
        if len(arrivals) < 2:
            continue
        tasks = set().union(*arrivals.values())
        if len(tasks) >= 2:
            return True
    return False


__all__ = [
    "DISRUPTION_SCALE",
    "Instance",
    "Option",
    "Resource",
    "SerialPart",
    "Task",
    "Unplannable",
    "Use",
    "build_instance",
    "route_knowing_closures",
]
