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
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mobility._progress import advance
from mobility.errors import DataError, ScenarioError
from mobility.model.column import FORMATIONS, Column, ColumnRules, MarchUnit, Serial, build_column
from mobility.model.corridor import Place
from mobility.model.halt_site import HaltSite
from mobility.model.scenario import Request, Scenario, in_windows
from mobility.model.vehicle import VehicleCatalogue, VehicleType
from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.rail.leg import RailLeg
from mobility.rail.rules import RailRules, load_rail_rules
from mobility.routing.closed import ClosedEdges, closed_edges
from mobility.routing.edges import EdgeTable
from mobility.routing.elements import element_keys, element_names, element_spans_s, suggest
from mobility.routing.router import NoRouteError, Route, RoutePlan, Router
from mobility.schedule.disruption import (
    LOCAL_TIME,
    PEAK_HOURS,
    TrafficModel,
    is_day_off,
)
from mobility.schedule.moving_bottleneck import Clock
from mobility.schedule.road_costs import RoadCosts, minute_clock
from mobility.traffic.gtfs import RailTimetable, bind_timetable

logger = logging.getLogger(__name__)

#: Disruption is kept in the solver as whole hundredths of a vehicle-hour.
DISRUPTION_SCALE = 100


@dataclass(frozen=True)
class Resource:
    """A shared resource of the plan.

    Attributes
    ----------
    id
        ``<kind>:<key>``, e.g. ``structure:9001`` or ``csc:csc-oirschot``.
    kind
        ``structure``, ``border``, ``junction``, ``port``, ``csc`` or ``csc_night``.
    name
        Human name.
    capacity
        Columns (or, for support centres, vehicles) at once.
    windows
        Local clock windows in which a column may arrive (border crossings).
    """

    id: str
    kind: str
    name: str
    capacity: int
    windows: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Use:
    """A route option's occupation of a resource, as minute offsets from its start."""

    resource: str
    start_min: int
    end_min: int
    demand: int


@dataclass(frozen=True)
class Option:
    """One route alternative of a march unit.

    Attributes
    ----------
    route
        The routed alternative (its schedule starts at the scenario start).
    uses
        Resource occupations.
    arrive_min, clear_min
        Offsets of the head's arrival and the tail's clearance at the destination.
    allowed
        Start slots allowed by closures, windows, release and horizon.
    disruption
        Civilian delay in hundredths of a vehicle-hour for a start in each slot.
    peak_column_min
        Column-minutes in weekday peak hours for a start in each slot.
    rail
        For a train: its terminal, consist, path and timing; ``route`` is
        then the road leg to the terminal (``None`` for a transfer inside
        the port or camp).
    closure_spans
        Per closed element (casefolded text) the route meets, the minute
        offsets in which it occupies it (the validator re-checks these).
    parts
        For a serial of march units that moves as one task (a train-load
        by road): each march unit with its own option on the same route and
        its start offset; the option's uses, costs and times are theirs
        together (:mod:`mobility.schedule.serial_options`).
    """

    route: Route | None
    uses: tuple[Use, ...]
    arrive_min: int
    clear_min: int
    allowed: NDArray[np.bool_]
    disruption: NDArray[np.int64]
    peak_column_min: NDArray[np.int64]
    rail: RailLeg | None = None
    pass_h: NDArray[np.float64] | None = None
    closure_spans: tuple[tuple[str, int, int], ...] = ()
    parts: tuple[SerialPart, ...] = ()


@dataclass(frozen=True)
class SerialPart:
    """One march unit of a serial option: its own option, started ``offset_min`` after the serial.

    ``offset_min`` is a whole number of start slots.
    """

    march_unit: MarchUnit
    option: Option
    offset_min: int


@dataclass(frozen=True)
class Task:
    """A march unit to schedule.

    Attributes
    ----------
    id
        ``<request id>/<march unit id>``.
    request
        Its movement request.
    march_unit
        Its vehicles, as they move.
    release_min, due_min
        Earliest start and due arrival (minutes).
    options
        Route alternatives (at least one has an allowed slot).
    """

    id: str
    request: Request
    march_unit: MarchUnit
    release_min: int
    due_min: int
    options: tuple[Option, ...]

    @property
    def vehicles(self) -> int:
        """Number of vehicles."""
        return self.march_unit.count


@dataclass(frozen=True)
class Unplannable:
    """A request, or part of one, that no option can serve, and why.

    ``vehicles`` and ``march_units`` count what it leaves unplanned, so that
    the plan's figures count against what was requested.
    """

    request: str
    reason: str
    vehicles: int = 0
    march_units: int = 1


@dataclass
class Instance:
    """Everything the schedulers need, in solver units (minutes, slots).

    Attributes
    ----------
    scenario
        The scenario.
    tasks
        March units to schedule.
    resources
        Shared resources by id.
    n_slots, slot_min, horizon_min
        The start-time grid.
    unplannable
        Requests (or parts) without any option, with the reason.
    rail_rules
        The rail rules used, when some request may go by rail.
    road_costs, hour_clock
        Civilian cost tables of road options and the local clock of the horizon.
    rail_timetable
        The passenger timetable laid on the rail graph, when one was given.
    """

    scenario: Scenario
    tasks: list[Task]
    resources: dict[str, Resource]
    n_slots: int
    slot_min: int
    horizon_min: int
    unplannable: list[Unplannable] = field(default_factory=list)
    rail_rules: RailRules | None = None
    road_costs: RoadCosts | None = None
    hour_clock: Clock | None = None
    rail_timetable: RailTimetable | None = None
    #: The plan folder's input files (:func:`mobility.validation.inputs.record_inputs`).
    input_files: dict[str, bytes] = field(default_factory=dict)

    def time(self, minutes: float) -> datetime:
        """Wall-clock time of a solver minute."""
        return self.scenario.start + timedelta(minutes=float(minutes))


def hour_keys(scenario: Scenario, minutes: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per minute after the start: an hour key and the local clock minute.

    The hour key is the local hour, plus 24 on weekends and Dutch public
    holidays (the index into the demand profiles).
    """
    keys = np.zeros(minutes, dtype=np.int64)
    clock = np.zeros(minutes, dtype=np.int64)
    index = 0
    while index < minutes:
        local = (scenario.start + timedelta(minutes=index)).astimezone(LOCAL_TIME)
        span = min(60 - local.minute, minutes - index)
        keys[index : index + span] = local.hour + (24 if is_day_off(local.date()) else 0)
        clock[index : index + span] = local.hour * 60 + local.minute + np.arange(span)
        index += span
    return keys, clock


#: Hour keys (see :func:`hour_keys`) of the weekday peaks.
PEAK_KEYS = frozenset(PEAK_HOURS)


@dataclass(frozen=True)
class _ClosureRule:
    text: str
    start_min: int
    end_min: int


def _check_closures(
    scenario: Scenario, network: Network, table: EdgeTable, rail_table: EdgeTable
) -> None:
    """Refuse closures of elements the network does not have, suggesting near names."""
    if not scenario.closures:
        return
    known = set(element_keys(table, network.places))
    known |= element_keys(rail_table, network.places)
    rail_names = {str(d.get("name")) for _, _, d in network.rail.edges(data=True) if d.get("name")}
    rail_places = [p for p in network.corridors.places if p.mode == "rail"]
    known |= {name.casefold() for name in rail_names}
    known |= {p.name.casefold() for p in rail_places} | {p.id.casefold() for p in rail_places}
    for index, closure in enumerate(scenario.closures):
        if closure.element.strip().casefold() not in known:
            names = [*element_names(table, network.places), *rail_names]
            names += [p.name for p in rail_places]
            raise ScenarioError(
                f"{scenario.source}: closures[{index}] element {closure.element!r} matches no "
                "bridge, tunnel, road name or ref, 'way <id>', place or node id of the road "
                f"network, nor a rail line, terminal or crossing{suggest(closure.element, names)}"
            )


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
    from mobility.schedule.rail_options import RailContext, rail_tasks
    from mobility.schedule.size import check_model_size

    check_model_size(scenario)
    router = router or Router(network, catalogue)
    catalogue = router.catalogue
    traffic = traffic or TrafficModel()
    rules = ColumnRules(
        march_unit_min=scenario.march_unit_min,
        march_unit_max=max(scenario.march_unit_max, scenario.march_unit_min),
        formation=FORMATIONS[scenario.formation],
    )
    slot = scenario.slot_min
    horizon_min = round(scenario.horizon_h * 60)
    n_slots = horizon_min // slot + 1
    keys, clock = hour_keys(scenario, horizon_min + 1)
    table = router.table("road")
    costs = RoadCosts(table, traffic)
    places = {p.id: p for p in network.corridors.places}
    by_name = {p.name: p for p in network.corridors.places}
    resources: dict[str, Resource] = {}
    tasks: list[Task] = []
    unplannable: list[Unplannable] = []
    closures = [
        _ClosureRule(
            c.element.strip().casefold(), scenario.minutes(c.start), max(0, scenario.minutes(c.end))
        )
        for c in scenario.closures
    ]
    _check_closures(scenario, network, table, router.table("rail"))
    closed, around, timed = _closed_for_routing(scenario, network, table, horizon_min)
    slot_starts = np.arange(n_slots, dtype=np.int64) * slot

    def resource(rid: str, kind: str, name: str, capacity: int, windows=()) -> str:  # type: ignore[no-untyped-def]
        if rid not in resources:
            resources[rid] = Resource(rid, kind, name, capacity, tuple(windows))
        return rid

    context = _OptionContext(
        scenario, slot_starts, horizon_min, keys, clock, costs, table, closures, places, by_name,
        resource, minute_clock(keys, clock), tuple(network.places),
        {site.id: site for site in router.halt_sites}, closed, around, timed,
    )  # fmt: skip
    rail: RailContext | None = None
    for number, request in enumerate(scenario.requests, start=1):
        advance(f"request {number}/{len(scenario.requests)}")
        where = f"request {request.id!r}"
        types: dict[str, int] = {}
        moved_types: dict[str, VehicleType] = {}
        for key, count in request.vehicles.items():
            if count == 0:
                continue
            try:
                vehicle = catalogue.get(key)
            except DataError as error:
                raise ScenarioError(f"{scenario.source}: {where} vehicles: {error}") from None
            moved = router.moved_as(vehicle)
            moved_types[moved.id] = moved
            types[moved.id] = types.get(moved.id, 0) + count
        release = scenario.minutes(request.available_from)
        due = scenario.minutes(request.required_by)
        if request.mode != "road":
            if rail is None:
                rail = RailContext(
                    network, router, rail_rules or load_rail_rules(), rules, context,
                    timetable=bind_timetable(traffic.rail_timetable, network.rail)
                    if traffic.rail_timetable is not None else None,
                )  # fmt: skip
                rail.closed, rail.around, rail.timed = _closed_for_routing(
                    scenario, network, router.table("rail"), horizon_min
                )
            try:
                found = rail_tasks(rail, request, catalogue, release, due)
            except DataError as error:
                raise ScenarioError(f"{scenario.source}: {where}: {error}") from None
            if found is not None:
                tasks.extend(found[0])
                unplannable.extend(found[1])
                continue
        column = build_column(request.unit, types, VehicleCatalogue(moved_types), rules)
        for unit in column.march_units:
            unit_column = Column(
                unit=f"{request.unit} {unit.id}",
                serials=(Serial("1", (unit,)),),
                rules=rules,
            )
            try:
                plan = route_knowing_closures(
                    router, context, request, unit.types[0], unit_column, scenario.k_routes
                )
            except NoRouteError as error:
                unplannable.append(Unplannable(f"{request.id}/{unit.id}", str(error), unit.count))
                continue
            except DataError as error:
                raise ScenarioError(f"{scenario.source}: {where}: {error}") from None
            options = []
            reasons = []
            for route in plan.routes:
                option, reason = _make_option(
                    context, route, plan.origin.place_id, plan.destination.place_id, unit, release
                )
                if option is not None:
                    options.append(option)
                else:
                    reasons.append(f"{route.designation}: {reason}")
            if not options:
                unplannable.append(
                    Unplannable(f"{request.id}/{unit.id}", "; ".join(reasons), unit.count)
                )
                continue
            tasks.append(
                Task(
                    id=f"{request.id}/{unit.id}",
                    request=request,
                    march_unit=unit,
                    release_min=release,
                    due_min=due,
                    options=tuple(options),
                )
            )
    _drop_unshared_junctions(tasks, resources)
    logger.info("instance: %d march units, %d resources", len(tasks), len(resources))
    from mobility.validation.inputs import record_inputs

    input_files = record_inputs(
        scenario, network, catalogue, speeds=router.speeds, halt_rules=router.halt_rules,
        clearance_margin_m=router.clearance_margin_m,
        traffic_path=traffic.counts.path if traffic.counts is not None else None,
        rail_rules=rail.rules if rail is not None else None,
    )  # fmt: skip
    return Instance(
        scenario, tasks, resources, n_slots, slot, horizon_min, unplannable,
        rail.rules if rail is not None else None, costs, context.hour_clock,
        rail.timetable if rail is not None else None, input_files,
    )  # fmt: skip


@dataclass(frozen=True)
class _OptionContext:
    scenario: Scenario
    slot_starts: NDArray[np.int64]
    horizon_min: int
    keys: NDArray[np.int64]
    clock: NDArray[np.int64]
    costs: RoadCosts
    table: EdgeTable
    closures: list[_ClosureRule]
    places: dict[str, Place]
    by_name: dict[str, Place]
    resource: Callable[..., str]
    hour_clock: Clock
    network_places: tuple[NetworkPlace, ...] = ()
    halt_sites: dict[str, HaltSite] = field(default_factory=dict)
    closed: ClosedEdges | None = None
    around: ClosedEdges | None = None
    timed: NDArray[np.bool_] | None = None


def _closed_for_routing(
    scenario: Scenario, network: Network, table: EdgeTable, horizon_min: int
) -> tuple[ClosedEdges | None, ClosedEdges | None, NDArray[np.bool_] | None]:
    """Edges of ``table`` closed for the whole horizon; with the timed ones; the timed ones alone.

    A closure covering the whole horizon is removed before routing; a timed
    one stays usable outside its window, and a route around it is added.
    """
    whole: list[str] = []
    timed: list[str] = []
    for closure in scenario.closures:
        always = scenario.minutes(closure.start) <= 0 and scenario.minutes(closure.end) >= (
            horizon_min
        )
        (whole if always else timed).append(closure.element.strip())
    places = tuple(network.places)
    closed = closed_edges(table, whole, places) if whole else None
    if not timed:
        return closed, None, None
    around = closed_edges(table, [*whole, *timed], places)
    timed_mask = closed_edges(table, timed, places).mask
    if not timed_mask.any():
        return closed, None, None
    return closed, around, timed_mask


def route_knowing_closures(
    router: Router,
    context: _OptionContext,
    request: Request,
    vehicle: VehicleType,
    column: Column,
    k: int,
    destination: str | None = None,
) -> RoutePlan:
    """Route options that know the closures.

    Elements closed for the whole horizon are out of the graph; when a route
    meets an element closed for a while (usable outside the closure), the
    best route around every closure is added as one more option.

    Raises
    ------
    NoRouteError
        When no route is left, naming the fewest closures and restrictions
        that cut every route.
    """
    target = destination or request.destination
    plan = router.route(
        request.origin, target, vehicle, hazmat=request.hazmat, k=k,
        start=context.scenario.start, column=column, closed=context.closed,
    )  # fmt: skip
    if context.around is None or context.timed is None:
        return plan
    index = context.table.key_index
    timed = context.timed
    if not any(timed[[index[key] for key in r.edges]].any() for r in plan.routes):
        return plan
    try:
        detour = router.route(
            request.origin, target, vehicle, hazmat=request.hazmat, k=1,
            start=context.scenario.start, column=column, closed=context.around,
        )  # fmt: skip
    except NoRouteError:
        return plan
    route = detour.routes[0]
    if any(route.edges == r.edges for r in plan.routes):
        return plan
    extra = replace(route, designation=f"ASR {len(plan.routes)} (around closures)")
    return replace(plan, routes=(*plan.routes, extra))


def _capacity(context: _OptionContext, place: Place, key: str) -> int | None:
    override = context.scenario.capacities.support_centres
    for name in (place.id, place.name):
        if name in override and key in override[name]:
            return int(override[name][key])
    value = place.capacity.get(key)
    return None if value is None else int(value)


def _make_option(
    context: _OptionContext,
    route: Route,
    origin_id: str,
    destination_id: str,
    unit: MarchUnit,
    release_min: int,
) -> tuple[Option | None, str]:
    """Resources, allowed start slots and costs of one route option."""
    scenario = context.scenario
    caps = scenario.capacities
    start = scenario.start
    vehicles = unit.count

    def offset(moment: datetime) -> float:
        return (moment - start).total_seconds() / 60

    uses: list[Use] = []

    def use(rid: str, begin: float, end: float, demand: int = 1) -> None:
        low = math.floor(begin)
        uses.append(Use(rid, low, max(low + 1, math.ceil(end)), demand))

    unsited = route.schedule.unsited_halts
    if unsited:
        return None, f"a halt has no site that fits the march unit ({unsited[0].note})"
    border_arrivals: list[tuple[float, tuple[tuple[int, int], ...]]] = []
    for point in route.schedule.checkpoints:
        if point.kind in ("bridge", "tunnel"):
            element = point.element or point.name
            direction = element.rpartition("/")[2] if point.element else ""
            rid = context.resource(
                f"structure:{element}",
                "structure",
                f"{point.name} {direction}".strip(),
                caps.structure_columns,
            )
            use(rid, offset(point.arrive), offset(point.occupied_until))
        elif point.kind == "junction":
            rid = context.resource(
                f"junction:{point.node}", "junction", point.name, caps.checkpoint_columns
            )
            use(rid, offset(point.arrive), offset(point.clear))
        place = context.by_name.get(point.name)
        if point.kind == "destination":
            place = context.places.get(destination_id)
        if place is not None and place.kind == "bcp" and point.kind in ("border", "destination"):
            windows = caps.windows(place.id, place.name)
            rid = context.resource(
                f"border:{place.id}", "border", place.name, caps.border_columns, windows
            )
            use(rid, offset(point.arrive), offset(point.clear))
            border_arrivals.append((offset(point.arrive), windows))
    origin = context.places.get(origin_id)
    if origin is not None and origin.kind == "spod":
        rate = caps.port_rate(origin.id, origin.name)
        rid = context.resource(f"port:{origin.id}", "port", origin.name, 1)
        use(rid, 0, vehicles * 60 / rate)
    for halt in route.schedule.halts:
        place = context.by_name.get(halt.name)
        site = context.halt_sites.get(halt.site_id)
        if place is None and site is not None and site.vehicles is not None:
            # A truck park or service area: its places are shared like a centre's (#18).
            night = halt.kind == "daily_rest"
            kind = "csc_night" if night else "csc"
            places = site.vehicles
            if night and site.vehicles_overnight is not None:
                places = site.vehicles_overnight
            rid = context.resource(f"{kind}:{site.id}", kind, site.name, places)
            use(rid, offset(halt.start), offset(halt.end), vehicles)
            continue
        if not halt.at_support_centre or place is None:
            continue
        night = halt.kind == "daily_rest"
        key = "vehicles_overnight" if night else "vehicles_parked"
        capacity = _capacity(context, place, key)
        if capacity is None:
            continue
        if vehicles > capacity:
            return None, (
                f"{vehicles} vehicles exceed {key.replace('_', ' ')} of {place.name} ({capacity})"
            )
        kind = "csc_night" if night else "csc"
        rid = context.resource(f"{kind}:{place.id}", kind, place.name, capacity)
        use(rid, offset(halt.start), offset(halt.end), vehicles)
    destination = route.schedule.checkpoints[-1]
    arrive_min = math.floor(offset(destination.arrive))
    clear_min = math.ceil(offset(destination.clear))
    slots = context.slot_starts
    allowed = (slots >= release_min) & (slots + clear_min <= context.horizon_min)
    if not allowed.any():
        return None, "cannot arrive within the horizon after its release"
    for arrive, windows in border_arrivals:
        minutes = np.clip(slots + int(arrive), 0, context.horizon_min)
        allowed &= _window_table(windows)[context.clock[minutes]]
    if not allowed.any():
        return None, "no start lets it arrive inside the border crossing's acceptance windows"
    index = context.table.key_index
    edges = np.array([index[key] for key in route.edges], dtype=np.int64)
    edge_s = np.asarray(route.edge_times_s)
    lengths = context.table.length_m[edges]
    entry_min = (route.edge_entry_s / 60).astype(np.int64)
    spans = _occupations(context, route, start)
    closure_spans = tuple(
        (text, *spans[text]) for text in dict.fromkeys(r.text for r in context.closures)
        if text in spans
    )  # fmt: skip
    for rule in context.closures:
        span = spans.get(rule.text)
        if span is None:
            continue
        a, b = span
        allowed &= ~((slots + a < rule.end_min) & (slots + b > rule.start_min))
    if not allowed.any():
        return None, "closures block every start time"
    formation = FORMATIONS[scenario.formation].interval_m
    interval = np.where(
        context.table.built_up[edges],
        formation["built_up"],
        np.where(context.table.expressway[edges], formation["expressway"], formation["rural"]),
    )
    speed_ms = np.where(edge_s > 0, lengths / np.where(edge_s > 0, edge_s, 1.0), 1.0)
    pass_h = vehicles * interval / speed_ms / 3600
    per_slot = np.zeros(len(slots))
    per_slot[allowed] = context.costs.route_costs(
        edges, edge_s, pass_h, vehicles, slots[allowed] / 60, context.hour_clock
    )
    minute = np.clip(slots[:, None] + entry_min[None, :], 0, context.horizon_min)
    hour_key = context.keys[minute]
    peak = np.isin(hour_key, list(PEAK_KEYS))
    peak_min = (peak * (edge_s / 60)[None, :]).sum(axis=1)
    return (
        Option(
            route=route,
            uses=_merged(uses),
            arrive_min=arrive_min,
            clear_min=clear_min,
            allowed=allowed,
            disruption=np.where(allowed, np.rint(per_slot * DISRUPTION_SCALE), 0).astype(np.int64),
            peak_column_min=np.rint(peak_min).astype(np.int64),
            pass_h=pass_h,
            closure_spans=closure_spans,
        ),
        "",
    )


@functools.lru_cache(maxsize=64)
def _window_table(windows: tuple[tuple[int, int], ...]) -> NDArray[np.bool_]:
    """Per local clock minute of the day, whether it lies in ``windows`` (one look-up a slot)."""
    return np.array([in_windows(minute, windows) for minute in range(24 * 60)], dtype=bool)


def _merged(uses: list[Use]) -> tuple[Use, ...]:
    """One use per resource and option: a column never collides with itself.

    A route that meets a resource twice (a junction passed twice, a structure
    left and entered again) occupies it from the first arrival to the last
    clearance.
    """
    merged: dict[str, Use] = {}
    for item in uses:
        old = merged.get(item.resource)
        if old is None:
            merged[item.resource] = item
        else:
            merged[item.resource] = Use(
                item.resource,
                min(old.start_min, item.start_min),
                max(old.end_min, item.end_min),
                max(old.demand, item.demand),
            )
    return tuple(merged.values())


def _occupations(
    context: _OptionContext, route: Route, start: datetime
) -> dict[str, tuple[int, int]]:
    """Minute spans in which the option occupies each element it meets.

    Keyed by every text a closure may name (:func:`element_spans_s`):
    checkpoint names, structures, road names and refs, ``way <id>``, every
    node of the route (not only checkpoints) and the places at them.
    """
    spans: dict[str, tuple[int, int]] = {}
    base_min = (route.schedule.start - start).total_seconds() / 60

    def add(key: str, begin: float, end: float) -> None:
        low, high = spans.get(key, (math.inf, -math.inf))
        spans[key] = (int(min(low, math.floor(begin))), int(max(high, math.ceil(end))))

    for point in route.schedule.checkpoints:
        begin = (point.arrive - start).total_seconds() / 60
        end = (point.occupied_until - start).total_seconds() / 60
        add(point.name.casefold(), begin, end)
        add(str(point.node), begin, end)
    index = context.table.key_index
    pass_s = (route.schedule.clear - route.schedule.arrive).total_seconds()
    found = element_spans_s(
        context.table,
        [index[key] for key in route.edges],
        route.edge_entry_s.tolist(),
        route.edge_times_s,
        pass_s,
        context.network_places,
    )
    for key, (begin_s, end_s) in found.items():
        add(key, base_min + begin_s / 60, base_min + end_s / 60)
    return spans


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
