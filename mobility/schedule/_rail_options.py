"""Train-loads of a ``mode: any`` or ``mode: rail`` request, with road and rail options.

The request's vehicles (as they are, not on transporters) are put on wagons
and cut into trains (:mod:`mobility.rail.consist`) under the tightest limits
of the candidate paths, so that every train-load fits every path. Each
train-load becomes one task whose options are:

- **road** (``mode: any`` only): the train-load's vehicles as one serial of
  march units on each road route alternative, each march unit its own
  movement (:mod:`mobility.schedule._serial_options`);
- **rail**, per candidate loading terminal and hour band: a road leg from
  the origin to the road point nearest the terminal (none when the terminal
  is at the origin), a transfer to the ramp, loading, the train path to the
  rail border crossing nearest the destination, and the crossing.

Rail resources: ``ramp:<terminal>`` (loading ramps, for the loading time),
``ramp_day:<terminal>`` (trains per day, each counted for 24 h from the start
of its loading: at most that many in any 24 hours), ``path:<line>`` (one
military path per headway of the departure band) and
``rail_border:<crossing>`` (trains per hour).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.model.clock import LOCAL_TIME
from mobility.model.column import Column, ColumnRules, MarchUnit, build_column
from mobility.model.corridor import Place
from mobility.model.scenario import Request, in_windows
from mobility.model.vehicle import VehicleCatalogue, VehicleType
from mobility.network.build import haversine_m
from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.rail.consist import LoadingError, Train, form_trains, load_wagons
from mobility.rail.leg import RailLeg
from mobility.rail.paths import TrainPath, train_path
from mobility.rail.rules import BANDS, Locomotive, RailRules
from mobility.routing.closed import ClosedEdges
from mobility.routing.resolve import PlaceIndex
from mobility.routing.router import NoRouteError, Router
from mobility.schedule._instance_types import DISRUPTION_SCALE, Option, Task, Unplannable, Use
from mobility.schedule._road_options import OptionContext, make_option, route_knowing_closures
from mobility.schedule._serial_options import serial_option
from mobility.traffic.gtfs import RailTimetable

#: Speed (km/h) assumed for the last hop from the road point to the ramp.
RAMP_HOP_KPH = 30.0


def _km(a: NetworkPlace | Place, b: NetworkPlace | Place) -> float:
    """Great-circle distance in km."""
    metres = haversine_m(*(np.array([x]) for x in (a.lon, a.lat, b.lon, b.lat)))
    return float(metres[0]) / 1000


@dataclass
class RailContext:
    """What rail options need across requests (built once per instance)."""

    network: Network
    router: Router
    rules: RailRules
    column_rules: ColumnRules
    option: OptionContext
    timetable: RailTimetable | None = None
    closed: ClosedEdges | None = None
    around: ClosedEdges | None = None
    timed: NDArray[np.bool_] | None = None
    bands: NDArray[np.int8] = field(init=False)
    road_index: PlaceIndex = field(init=False)
    rail_index: PlaceIndex = field(init=False)
    paths: dict[tuple[str, str, bool], TrainPath | str] = field(default_factory=dict)
    anchors: dict[str, NetworkPlace] = field(default_factory=dict)
    costs: dict[tuple[int, str, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bands = band_by_minute(self.rules, self.option)
        self.road_index = PlaceIndex(self.network.places, "road")
        self.rail_index = PlaceIndex(self.network.places, "rail")

    def place(self, query: str) -> NetworkPlace:
        """Resolve ``query`` as a road place, else as a rail place."""
        try:
            return self.road_index.resolve(query)
        except DataError:
            return self.rail_index.resolve(query)

    def path(
        self, terminal: Place, border: Place, vehicle: VehicleType, around: bool = False
    ) -> TrainPath | str:
        """Return the train path from a terminal to a crossing, or why there is none.

        Lines closed for the whole horizon are out of the graph; with
        ``around``, so are the lines closed for a while (the path around them).
        """
        key = (terminal.id, border.id, around)
        if key not in self.paths:
            try:
                plan = self.router.route(
                    origin=terminal.id,
                    destination=border.id,
                    vehicle=vehicle,
                    mode="rail",
                    k=1,
                    start=self.option.scenario.start,
                    closed=self.around if around else self.closed,
                )
                self.paths[key] = train_path(plan.routes[0], self.rules, border.id)
            except (NoRouteError, DataError) as error:
                self.paths[key] = f"no rail path {terminal.name} -> {border.name}: {error}"
        return self.paths[key]

    def detour(
        self, terminal: Place, border: Place, vehicle: VehicleType, path: TrainPath | str
    ) -> TrainPath | None:
        """Return the path around the timed closures where ``path`` meets one (else ``None``).

        The path through a timed closure stays an option (its start times
        avoid the closure); this one is added beside it.
        """
        if self.around is None or self.timed is None or isinstance(path, str):
            return None
        index = self.router.table("rail").key_index
        if not any(self.timed[index[key]] for key in path.route.edges):
            return None
        other = self.path(terminal, border, vehicle, around=True)
        if isinstance(other, str) or other.route.edges == path.route.edges or not other.bands():
            return None
        return other

    def cost(self, path: TrainPath, band: str, depart_min: int) -> int:
        """Civilian cost of the path for a departure minute, in solver units."""
        key = (id(path), band, depart_min)
        if key not in self.costs:
            moment = self.option.scenario.start + timedelta(minutes=depart_min)
            self.costs[key] = round(
                path.cost_vh(moment, band, self.rules, self.timetable) * DISRUPTION_SCALE
            )
        return self.costs[key]


def band_by_minute(rules: RailRules, context: OptionContext) -> NDArray[np.int8]:
    """Index into :data:`BANDS` of every minute of the horizon."""
    start = context.scenario.start
    out = np.zeros(context.horizon_min + 1, dtype=np.int8)
    for hour in range(0, context.horizon_min + 1, 60):
        for quarter in range(0, 60, 15):
            minute = hour + quarter
            if minute > context.horizon_min:
                break
            band = rules.band(start + timedelta(minutes=minute))
            out[minute : minute + 15] = BANDS.index(band)
    return out


def _terminals(rail: RailContext, origin: NetworkPlace) -> list[tuple[float, Place]]:
    found = []
    for place in rail.network.corridors.places:
        if place.kind not in ("rail_terminal", "ramp") or not place.capacity.get("ramps"):
            continue
        distance = _km(origin, place)
        if distance <= rail.rules.max_road_leg_km:
            found.append((distance, place))
    found.sort(key=lambda item: (item[0], item[1].id))
    return found[: rail.rules.terminals_per_request]


def _border(rail: RailContext, destination: NetworkPlace) -> Place | None:
    day = rail.option.scenario.start.astimezone(LOCAL_TIME).date()
    crossings = [
        p
        for p in rail.network.corridors.places
        if p.kind == "bcp" and p.mode == "rail" and p.open_on(day)  # dated crossings (#18)
    ]
    if not crossings:
        return None
    return min(crossings, key=lambda p: (_km(destination, p), p.id))


def _anchor(rail: RailContext, terminal: Place) -> NetworkPlace:
    """Return the road place nearest a terminal (where road legs end), found once.

    Only a place that its id or name finds counts: the road leg is routed to
    that id or name, and on real OSM several junctions share a name (both
    carriageways of a motorway junction), which finds only one of them (#13).
    """
    if terminal.id not in rail.anchors:
        candidates = sorted(
            (p for p in rail.network.places if p.mode == "road" and p.node is not None),
            key=lambda p: (_km(terminal, p), p.name),
        )
        rail.anchors[terminal.id] = next(
            (p for p in candidates if _found_by_name(rail.router, p)), candidates[0]
        )
    return rail.anchors[terminal.id]


def _found_by_name(router: Router, place: NetworkPlace) -> bool:
    """Whether routing to ``place``'s id (or name, if it has none) ends at its node."""
    try:
        return router.place("road", place.place_id or place.name).node == place.node
    except DataError:
        return False


def _bounding_locomotive(rules: RailRules, tractions: set[str]) -> Locomotive:
    """Return a locomotive as long and heavy as the longest and heaviest, hauling the least."""
    locos = [rules.locomotives[t] for t in sorted(tractions)]
    return Locomotive(
        "bound",
        "bound",
        max(lo.length_m for lo in locos),
        max(lo.weight_t for lo in locos),
        min(lo.max_gross_t for lo in locos),
    )


def rail_tasks(
    rail: RailContext,
    request: Request,
    catalogue: VehicleCatalogue,
    release: int,
    due: int,
) -> tuple[list[Task], list[Unplannable]] | None:
    """Train-load tasks of a request, or ``None`` if it has no rail option and may go by road.

    A ``mode: rail`` request without a rail option comes back as unplannable
    with the reason.
    """
    vehicles = [(catalogue.get(key), n) for key, n in request.vehicles.items() if n > 0]
    origin = rail.place(request.origin)
    border = _border(rail, rail.place(request.destination))
    reasons: list[str] = []
    candidates: list[_Candidate] = []
    if border is None:
        reasons.append("the network has no rail border crossing")
    else:
        candidates = _candidates(rail, origin, border, vehicles[0][0], reasons)
    lots: list[Train] = []
    if candidates:
        loco = _bounding_locomotive(rail.rules, {path.traction for _, path, _ in candidates})
        try:
            lots = form_trains(
                load_wagons(vehicles, rail.rules),
                loco,
                min(path.max_length_m for _, path, _ in candidates),
            )
        except LoadingError as error:
            reasons.append(str(error))
    if not lots or border is None:
        if request.mode == "rail":
            count = sum(n for _, n in vehicles)
            units = math.ceil(count / max(1, rail.column_rules.march_unit_max))
            reason = "no rail option: " + "; ".join(reasons)
            return [], [Unplannable(request.id, reason, count, units)]
        return None
    tasks: list[Task] = []
    unplannable: list[Unplannable] = []
    for index, lot in enumerate(lots, start=1):
        found = _lot_task(rail, request, f"L{index}", lot, border, candidates, release, due)
        if isinstance(found, Task):
            tasks.append(found)
        else:
            unplannable.append(found)
    return tasks, unplannable


#: A rail candidate of a request: loading terminal, train path and road distance (km).
_Candidate = tuple[Place, TrainPath, float]


def _candidates(
    rail: RailContext, origin: NetworkPlace, border: Place, vehicle: VehicleType, reasons: list[str]
) -> list[_Candidate]:
    """Terminals near the origin with a train path to ``border``; why others have none."""
    candidates: list[_Candidate] = []
    for distance, terminal in _terminals(rail, origin):
        path = rail.path(terminal, border, vehicle)
        if isinstance(path, str):
            reasons.append(path)
        elif not path.bands():
            reasons.append(f"{terminal.name}: no band offers a military path on every line")
        else:
            candidates.append((terminal, path, distance))
        detour = rail.detour(terminal, border, vehicle, path)
        if detour is not None:
            candidates.append((terminal, detour, distance))
    if not candidates and not reasons:
        reasons.append(
            f"no loading terminal or ramp within {rail.rules.max_road_leg_km:g} km of {origin.name}"
        )
    return candidates


def _lot_task(
    rail: RailContext,
    request: Request,
    lot_id: str,
    lot: Train,
    border: Place,
    candidates: list[_Candidate],
    release: int,
    due: int,
) -> Task | Unplannable:
    """Return the task of one train-load with its road and rail options, or why it has none."""
    moved: dict[str, VehicleType] = {}
    counts: dict[str, int] = {}
    for wagon in lot.wagons:
        for vehicle in wagon.vehicles:
            as_moved = rail.router.moved_as(vehicle)
            moved[as_moved.id] = as_moved
            counts[as_moved.id] = counts.get(as_moved.id, 0) + 1
    unit = MarchUnit(lot_id, tuple((moved[k], n) for k, n in counts.items()))
    column = build_column(
        f"{request.unit} {lot_id}", counts, VehicleCatalogue(moved), rail.column_rules
    )
    options: list[Option] = []
    why: list[str] = []
    if request.mode == "any":
        options.extend(_road_options(rail, request, unit, column, release, why))
    for terminal, path, distance in candidates:
        options.extend(
            _rail_options(
                rail,
                request=request,
                unit=unit,
                column=column,
                lot=lot,
                terminal=terminal,
                border=border,
                path=path,
                distance_km=distance,
                release=release,
                why=why,
            )
        )
    task_id = f"{request.id}/{lot_id}"
    if not options:
        return Unplannable(task_id, "; ".join(why), unit.count)
    return Task(task_id, request, unit, release, due, tuple(options))


def _road_options(
    rail: RailContext,
    request: Request,
    unit: MarchUnit,
    column: Column,
    release: int,
    why: list[str],
) -> list[Option]:
    scenario = rail.option.scenario
    try:
        plan = route_knowing_closures(
            rail.router, rail.option, request, unit.types[0], column, scenario.k_routes
        )
    except NoRouteError as error:
        why.append(f"road: {error}")
        return []
    options = []
    for route in plan.routes:
        ends = (plan.origin.place_id, plan.destination.place_id)
        if len(column.march_units) > 1:
            # By road, a train-load moves as a serial of march units like any other unit.
            option, reason = serial_option(rail.option, rail.router, route, column, *ends, release)
        else:
            option, reason = make_option(rail.option, route, *ends, unit, release)
        if option is None:
            why.append(f"road {route.designation}: {reason}")
        else:
            options.append(option)
    return options


def _rail_options(
    rail: RailContext,
    request: Request,
    unit: MarchUnit,
    column: Column,
    lot: Train,
    terminal: Place,
    border: Place,
    path: TrainPath,
    distance_km: float,
    release: int,
    why: list[str],
) -> list[Option]:
    """Options of a train-load by rail via ``terminal``: one per hour band with an allowed start.

    Reasons for none are added to ``why``.
    """
    context = rail.option
    rules = rail.rules
    found = _road_leg(rail, request, unit, column, terminal, distance_km, release, why)
    if found is None:
        return []
    leg, transfer = found
    capacity = terminal.capacity
    load_min = round(float(capacity.get("hours_per_train", 4)) * 60)
    ramps = (
        context.resource(
            f"ramp:{terminal.id}", "ramp", terminal.name, int(capacity.get("ramps", 1))
        ),
        context.resource(
            f"ramp_day:{terminal.id}",
            "ramp_day",
            f"{terminal.name} (trains per day)",
            int(capacity.get("trains_per_day", 1)),
        ),
        context.resource(f"rail_border:{border.id}", "rail_border", border.name, 1),
    )
    start = path.route.schedule.start
    head = path.route.schedule.checkpoints[-1]
    loading_start = (leg.clear_min if leg is not None else 0) + transfer
    depart = loading_start + load_min
    timing = RailLeg(
        terminal=terminal,
        border=border,
        path=path,
        train=Train(rules.locomotives[path.traction], lot.wagons, path.max_length_m),
        band="",
        headways_min=(),
        loading_start_min=loading_start,
        depart_min=depart,
        arrive_min=depart + math.floor((head.arrive - start).total_seconds() / 60),
        clear_min=depart + math.ceil((head.clear - start).total_seconds() / 60),
        border_min=max(1, 60 // rules.border_trains_per_h),
    )
    base = _base_allowed(rail, timing, leg, release)
    slots = context.slot_starts
    depart_band = rail.bands[np.clip(slots + depart, 0, context.horizon_min)]
    options = []
    for band in path.bands():
        allowed = base & (depart_band == BANDS.index(band))
        if allowed.any():
            options.append(_band_option(rail, timing, leg, band, allowed, ramps))
    if not options:
        why.append(f"rail via {terminal.name}: no start fits horizon, windows and closures")
    return options


def _road_leg(
    rail: RailContext,
    request: Request,
    unit: MarchUnit,
    column: Column,
    terminal: Place,
    distance_km: float,
    release: int,
    why: list[str],
) -> tuple[Option | None, int] | None:
    """Return the road leg to a terminal (``None`` at the origin) and the transfer minutes.

    Returns ``None`` (the reason added to ``why``) when the terminal cannot be reached.
    """
    rules = rail.rules
    transfer = rules.transfer_min
    if distance_km <= rules.local_km:
        return None, transfer
    anchor = _anchor(rail, terminal)
    transfer += math.ceil(_km(anchor, terminal) / RAMP_HOP_KPH * 60)
    try:
        plan = route_knowing_closures(
            rail.router,
            rail.option,
            request,
            unit.types[0],
            column,
            1,
            anchor.place_id or anchor.name,
        )
    except (NoRouteError, DataError) as error:
        why.append(f"road leg to {terminal.name}: {error}")
        return None
    leg, reason = make_option(
        rail.option, plan.routes[0], plan.origin.place_id, anchor.place_id, unit, release
    )
    if leg is None:
        why.append(f"road leg to {terminal.name}: {reason}")
        return None
    return leg, transfer


def _base_allowed(
    rail: RailContext, timing: RailLeg, leg: Option | None, release: int
) -> NDArray[np.bool_]:
    """Start slots the train allows in any band: release, horizon, border windows, closures."""
    context = rail.option
    border = timing.border
    slots = context.slot_starts
    base = leg.allowed.copy() if leg is not None else slots >= release
    base &= slots + timing.clear_min <= context.horizon_min
    windows = context.scenario.capacities.windows(border.id, border.name)
    arrive_at = np.clip(slots + timing.arrive_min, 0, context.horizon_min)
    base &= np.array([in_windows(int(c), windows) for c in context.clock[arrive_at]])
    spans = _rail_spans(timing)
    for rule in context.closures:
        span = spans.get(rule.text)
        if span is not None:
            base &= ~((slots + span[0] < rule.end_min) & (slots + span[1] > rule.start_min))
    return base


def _band_option(
    rail: RailContext,
    timing: RailLeg,
    leg: Option | None,
    band: str,
    allowed: NDArray[np.bool_],
    ramps: tuple[str, str, str],
) -> Option:
    """Return the option of a train departing in ``band``: its paths, ramps, crossing and costs."""
    context = rail.option
    path = timing.path
    ramp, ramp_day, crossing = ramps
    loading_start, depart = timing.loading_start_min, timing.depart_min
    headways = tuple(int(s.rules.headway_min(band) or 60) for s in path.sections)
    occupied = [(ramp, loading_start, depart), (ramp_day, loading_start, loading_start + 1440)]
    seen: set[str] = set()
    for section, headway in zip(path.sections, headways, strict=True):
        if section.line in seen:
            continue
        seen.add(section.line)
        rid = context.resource(f"path:{section.line}", "rail_path", section.line, 1)
        enter = depart + math.floor(section.enter_s / 60)
        occupied.append((rid, enter, enter + headway))
    occupied.append((crossing, timing.arrive_min, timing.arrive_min + timing.border_min))
    uses = [
        *(leg.uses if leg is not None else ()),
        *(Use(resource=rid, start_min=a, end_min=b, demand=1) for rid, a, b in occupied),
    ]
    slots = context.slot_starts
    disruption = leg.disruption.copy() if leg is not None else np.zeros(len(slots), np.int64)
    for slot in np.flatnonzero(allowed):
        disruption[slot] += rail.cost(path, band, int(slots[slot]) + depart)
    disruption[~allowed] = 0
    return Option(
        route=leg.route if leg is not None else None,
        uses=tuple(uses),
        arrive_min=timing.arrive_min,
        clear_min=timing.clear_min,
        allowed=allowed,
        disruption=disruption,
        peak_column_min=(
            leg.peak_column_min if leg is not None else np.zeros(len(slots), np.int64)
        ),
        rail=replace(timing, band=band, headways_min=headways),
    )


def _rail_spans(timing: RailLeg) -> dict[str, tuple[int, int]]:
    """Minute spans in which a train occupies each line, terminal and crossing (by folded name)."""
    spans: dict[str, tuple[int, int]] = {}

    def add(key: str, begin: int, end: int) -> None:
        low, high = spans.get(key.casefold(), (begin, end))
        spans[key.casefold()] = (min(low, begin), max(high, end))

    terminal, border, path = timing.terminal, timing.border, timing.path
    loading_start, depart = timing.loading_start_min, timing.depart_min
    add(terminal.name, loading_start, depart)
    add(terminal.id, loading_start, depart)
    for section in path.sections:
        add(
            section.line,
            begin=depart + math.floor(section.enter_s / 60),
            end=depart + math.ceil(section.leave_s / 60),
        )
    start = path.route.schedule.start
    for point in path.route.schedule.checkpoints:
        add(
            point.name,
            begin=depart + math.floor((point.arrive - start).total_seconds() / 60),
            end=depart + math.ceil((point.clear - start).total_seconds() / 60),
        )
    add(border.name, timing.arrive_min, timing.clear_min)
    add(border.id, timing.arrive_min, timing.clear_min)
    return spans
