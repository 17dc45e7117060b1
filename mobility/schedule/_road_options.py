"""Road route options of a march unit: resources used, allowed start slots, civilian costs.

Every march unit gets up to ``k_routes`` route options from the router. An
option's checkpoint times are offsets from the march unit's start: halts
depend only on driving time, so the offsets hold for any start. The
resources an option uses (:class:`~mobility.schedule.instance.Resource`) are
registered in the instance as they are met.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from mobility.model.column import FORMATIONS, Column, MarchUnit
from mobility.model.corridor import Place
from mobility.model.halt_site import HaltSite
from mobility.model.scenario import Request, Scenario, in_windows
from mobility.model.vehicle import VehicleType
from mobility.network.places import NetworkPlace
from mobility.routing.closed import ClosedEdges
from mobility.routing.edges import EdgeTable
from mobility.routing.elements import element_spans_s
from mobility.routing.router import NoRouteError, Route, RoutePlan, Router
from mobility.schedule._closures import ClosureRule
from mobility.schedule._instance_types import DISRUPTION_SCALE, Option, Use
from mobility.schedule.disruption import LOCAL_TIME, PEAK_HOURS, is_day_off
from mobility.schedule.moving_bottleneck import Clock
from mobility.schedule.road_costs import RoadCosts

#: Border arrivals of an option: the head's arrival offset (minutes) and the crossing's windows.
BorderArrivals = list[tuple[float, tuple[tuple[int, int], ...]]]
#: A route's civilian delay (vehicle-hours) and peak column-minutes for every slot, and
#: its pass hours per edge (read-only: shared by the options of equal march units).
_SlotCosts = tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]


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
#: Whether each of the 48 hour keys is a peak (a look-up per slot and edge).
_PEAK_TABLE = np.isin(np.arange(48), list(PEAK_KEYS))


@dataclass(frozen=True)
class OptionContext:
    """What road options of every request share (built once per instance).

    ``resource(rid, kind, name, capacity, windows=())`` registers a resource
    of the instance once and returns its id.
    """

    scenario: Scenario
    slot_starts: NDArray[np.int64]
    horizon_min: int
    keys: NDArray[np.int64]
    clock: NDArray[np.int64]
    costs: RoadCosts
    table: EdgeTable
    closures: list[ClosureRule]
    places: dict[str, Place]
    by_name: dict[str, Place]
    resource: Callable[..., str]
    hour_clock: Clock
    network_places: tuple[NetworkPlace, ...] = ()
    halt_sites: dict[str, HaltSite] = field(default_factory=dict)
    closed: ClosedEdges | None = None
    around: ClosedEdges | None = None
    timed: NDArray[np.bool_] | None = None
    #: Slot costs per route and column (:func:`_slot_costs`); not copied by ``replace``.
    slot_costs: dict[tuple[int, bytes, bytes, bytes], _SlotCosts] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: Route plans per request ends and column envelope (:func:`route_knowing_closures`).
    route_plans: dict[tuple[str, ...], RoutePlan] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )


def route_knowing_closures(
    router: Router,
    context: OptionContext,
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

    Asked again for equal march units (the same ends, vehicles and column
    shape under other names), it returns the routes found the first time:
    the same :class:`Route` objects, so their schedules, geometry and slot
    costs are worked out once (#13). Only the plan's ``column`` is the
    caller's; its ``requirements`` label and notes are the first caller's.

    Raises
    ------
    NoRouteError
        When no route is left, naming the fewest closures and restrictions
        that cut every route.
    """
    key = _plan_key(request, vehicle, column, k, destination)
    if key not in context.route_plans:
        context.route_plans[key] = _route_knowing_closures(
            router, context, request, vehicle, column, k, destination
        )
    return replace(context.route_plans[key], column=column)


def _plan_key(
    request: Request, vehicle: VehicleType, column: Column, k: int, destination: str | None
) -> tuple[str, ...]:
    """Return what a route plan depends on: ends, hazmat, vehicle, the column without names.

    The column's unit name and its march units' ids reach only labels and
    error texts, never the routes (and a failed search is not kept).
    """
    serials = tuple(
        replace(s, march_units=tuple(replace(m, id="") for m in s.march_units))
        for s in column.serials
    )
    shape = replace(column, unit="", serials=serials)
    ends = (request.origin, destination or request.destination, request.hazmat)
    return (*ends, str(k), repr(vehicle), repr(shape))


def _route_knowing_closures(
    router: Router,
    context: OptionContext,
    request: Request,
    vehicle: VehicleType,
    column: Column,
    k: int,
    destination: str | None,
) -> RoutePlan:
    """:func:`route_knowing_closures` without the memo."""
    target = destination or request.destination
    plan = router.route(
        origin=request.origin,
        destination=target,
        vehicle=vehicle,
        hazmat=request.hazmat,
        k=k,
        start=context.scenario.start,
        column=column,
        closed=context.closed,
    )
    if context.around is None or context.timed is None:
        return plan
    index = context.table.key_index
    timed = context.timed
    if not any(timed[[index[key] for key in r.edges]].any() for r in plan.routes):
        return plan
    try:
        detour = router.route(
            origin=request.origin,
            destination=target,
            vehicle=vehicle,
            hazmat=request.hazmat,
            k=1,
            start=context.scenario.start,
            column=column,
            closed=context.around,
        )
    except NoRouteError:
        return plan
    route = detour.routes[0]
    if any(route.edges == r.edges for r in plan.routes):
        return plan
    extra = replace(route, designation=f"ASR {len(plan.routes)} (around closures)")
    return replace(plan, routes=(*plan.routes, extra))


def _centre_capacity(context: OptionContext, place: Place, key: str) -> int | None:
    override = context.scenario.capacities.support_centres
    for name in (place.id, place.name):
        if name in override and key in override[name]:
            return int(override[name][key])
    value = place.capacity.get(key)
    return None if value is None else int(value)


def make_option(
    context: OptionContext,
    route: Route,
    origin_id: str,
    destination_id: str,
    unit: MarchUnit,
    release_min: int,
) -> tuple[Option | None, str]:
    """Resources, allowed start slots and costs of one route option.

    Returns ``(None, reason)`` when the option cannot be used.
    """
    unsited = route.schedule.unsited_halts
    if unsited:
        return None, f"a halt has no site that fits the march unit ({unsited[0].note})"
    uses, border_arrivals = _checkpoint_uses(context, route, destination_id)
    uses += _port_uses(context, origin_id, unit.count)
    halts = _halt_uses(context, route, unit.count)
    if isinstance(halts, str):
        return None, halts
    uses += halts
    destination = route.schedule.checkpoints[-1]
    arrive_min = math.floor(_offset(context, destination.arrive))
    clear_min = math.ceil(_offset(context, destination.clear))
    slots = context.slot_starts
    allowed = (slots >= release_min) & (slots + clear_min <= context.horizon_min)
    if not allowed.any():
        return None, "cannot arrive within the horizon after its release"
    for arrive, windows in border_arrivals:
        minutes = np.clip(slots + int(arrive), 0, context.horizon_min)
        allowed &= _window_table(windows)[context.clock[minutes]]
    if not allowed.any():
        return None, "no start lets it arrive inside the border crossing's acceptance windows"
    texts = dict.fromkeys(r.text for r in context.closures)
    # Only the elements a closure names matter (none without closures: #15).
    spans = _occupations(context, route, context.scenario.start, set(texts)) if texts else {}
    closure_spans = tuple((text, *spans[text]) for text in texts if text in spans)
    for rule in context.closures:
        span = spans.get(rule.text)
        if span is None:
            continue
        a, b = span
        allowed &= ~((slots + a < rule.end_min) & (slots + b > rule.start_min))
    if not allowed.any():
        return None, "closures block every start time"
    disruption, peak_column_min, pass_h = _slot_costs(context, route, unit.count, allowed)
    option = Option(
        route=route,
        uses=_merged(uses),
        arrive_min=arrive_min,
        clear_min=clear_min,
        allowed=allowed,
        disruption=disruption,
        peak_column_min=peak_column_min,
        pass_h=pass_h,
        closure_spans=closure_spans,
    )
    return option, ""


def _offset(context: OptionContext, moment: datetime) -> float:
    """Minutes from the scenario start to ``moment``."""
    return (moment - context.scenario.start).total_seconds() / 60


def _use(rid: str, begin: float, end: float, demand: int = 1) -> Use:
    """Return an occupation from ``begin`` to ``end`` (minutes), at least a minute long."""
    low = math.floor(begin)
    return Use(resource=rid, start_min=low, end_min=max(low + 1, math.ceil(end)), demand=demand)


def _checkpoint_uses(
    context: OptionContext, route: Route, destination_id: str
) -> tuple[list[Use], BorderArrivals]:
    """Structures, merge junctions and border crossings the route passes, with border arrivals."""
    caps = context.scenario.capacities
    uses: list[Use] = []
    border_arrivals: BorderArrivals = []
    for point in route.schedule.checkpoints:
        arrive = _offset(context, point.arrive)
        if point.kind in ("bridge", "tunnel"):
            element = point.element or point.name
            direction = element.rpartition("/")[2] if point.element else ""
            rid = context.resource(
                f"structure:{element}",
                "structure",
                f"{point.name} {direction}".strip(),
                caps.structure_columns,
            )
            uses.append(_use(rid, arrive, _offset(context, point.occupied_until)))
        elif point.kind == "junction":
            rid = context.resource(
                f"junction:{point.node}", "junction", point.name, caps.checkpoint_columns
            )
            uses.append(_use(rid, arrive, _offset(context, point.clear)))
        place = context.by_name.get(point.name)
        if point.kind == "destination":
            place = context.places.get(destination_id)
        if place is not None and place.kind == "bcp" and point.kind in ("border", "destination"):
            windows = caps.windows(place.id, place.name)
            rid = context.resource(
                f"border:{place.id}", "border", place.name, caps.border_columns, windows
            )
            uses.append(_use(rid, arrive, _offset(context, point.clear)))
            border_arrivals.append((arrive, windows))
    return uses, border_arrivals


def _port_uses(context: OptionContext, origin_id: str, vehicles: int) -> list[Use]:
    """Return the entry port gate's use when the route starts at one (a unit at a time)."""
    origin = context.places.get(origin_id)
    if origin is None or origin.kind != "spod":
        return []
    rate = context.scenario.capacities.port_rate(origin.id, origin.name)
    rid = context.resource(f"port:{origin.id}", "port", origin.name, 1)
    return [_use(rid, 0, vehicles * 60 / rate)]


def _halt_uses(context: OptionContext, route: Route, vehicles: int) -> list[Use] | str:
    """Return the halts' parking at support centres and sited parks, or why it does not fit."""
    uses: list[Use] = []
    for halt in route.schedule.halts:
        place = context.by_name.get(halt.name)
        site = context.halt_sites.get(halt.site_id)
        night = halt.kind == "daily_rest"
        kind = "csc_night" if night else "csc"
        begin, end = _offset(context, halt.start), _offset(context, halt.end)
        if place is None and site is not None and site.vehicles is not None:
            # A truck park or service area: its places are shared like a centre's (#18).
            places = site.vehicles
            if night and site.vehicles_overnight is not None:
                places = site.vehicles_overnight
            rid = context.resource(f"{kind}:{site.id}", kind, site.name, places)
            uses.append(_use(rid, begin, end, vehicles))
            continue
        if not halt.at_support_centre or place is None:
            continue
        key = "vehicles_overnight" if night else "vehicles_parked"
        capacity = _centre_capacity(context, place, key)
        if capacity is None:
            continue
        if vehicles > capacity:
            return (
                f"{vehicles} vehicles exceed {key.replace('_', ' ')} of {place.name} ({capacity})"
            )
        rid = context.resource(f"{kind}:{place.id}", kind, place.name, capacity)
        uses.append(_use(rid, begin, end, vehicles))
    return uses


def _slot_costs(
    context: OptionContext, route: Route, vehicles: int, allowed: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Per start slot: civilian delay (solver units) and peak column-minutes; the pass hours.

    The pass hours are, per edge, the hours the column takes to pass a point.
    Worked out once per route and column size for every slot (the equal march
    units of a request share them, #15) and masked by ``allowed``.
    """
    index = context.table.key_index
    edges = np.array([index[key] for key in route.edges], dtype=np.int64)
    edge_s = np.asarray(route.edge_times_s, dtype=np.float64)
    entry_min = (route.edge_entry_s / 60).astype(np.int64)
    key = (vehicles, edges.tobytes(), edge_s.tobytes(), entry_min.tobytes())
    if key not in context.slot_costs:
        context.slot_costs[key] = _every_slot(context, edges, edge_s, entry_min, vehicles)
    every, peak_min, pass_h = context.slot_costs[key]
    per_slot = np.where(allowed, every, 0.0)
    disruption = np.where(allowed, np.rint(per_slot * DISRUPTION_SCALE), 0).astype(np.int64)
    return disruption, peak_min, pass_h


def _every_slot(
    context: OptionContext,
    edges: NDArray[np.int64],
    edge_s: NDArray[np.float64],
    entry_min: NDArray[np.int64],
    vehicles: int,
) -> _SlotCosts:
    """Civilian delay and peak column-minutes of a route for every slot, and its pass hours."""
    lengths = context.table.length_m[edges]
    formation = FORMATIONS[context.scenario.formation].interval_m
    interval = np.where(
        context.table.built_up[edges],
        formation["built_up"],
        np.where(context.table.expressway[edges], formation["expressway"], formation["rural"]),
    )
    speed_ms = np.where(edge_s > 0, lengths / np.where(edge_s > 0, edge_s, 1.0), 1.0)
    pass_h = vehicles * interval / speed_ms / 3600
    slots = context.slot_starts
    # Each start is costed on its own (section_delays_vh): every slot may be costed once.
    every = context.costs.route_costs(
        edges, edge_s, pass_h, vehicles, slots / 60, context.hour_clock
    )
    minute = np.clip(slots[:, None] + entry_min[None, :], 0, context.horizon_min)
    peak = _PEAK_TABLE[context.keys[minute]]
    peak_min = np.rint((peak * (edge_s / 60)[None, :]).sum(axis=1)).astype(np.int64)
    for array in (every, peak_min, pass_h):
        array.flags.writeable = False
    return every, peak_min, pass_h


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
    context: OptionContext, route: Route, start: datetime, wanted: set[str]
) -> dict[str, tuple[int, int]]:
    """Minute spans in which the option occupies each element it meets, of those ``wanted``.

    Keyed by every text a closure may name (:func:`element_spans_s`):
    checkpoint names, structures, road names and refs, ``way <id>``, every
    node of the route (not only checkpoints) and the places at them.
    """
    spans: dict[str, tuple[int, int]] = {}
    base_min = (route.schedule.start - start).total_seconds() / 60

    def add(key: str, begin: float, end: float) -> None:
        if key not in wanted:
            return
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


__all__ = [
    "PEAK_KEYS",
    "BorderArrivals",
    "OptionContext",
    "hour_keys",
    "make_option",
    "route_knowing_closures",
]
