"""Alternative routes with feasibility, classification and column schedules.

The public entry point of the routing layer: :class:`Router` answers a
planner's question "how does this column get from A to B, and when is it
where?" on a loaded :class:`~mobility.network.load.Network`.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Literal

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString

from mobility import settings
from mobility.errors import DataError, InfeasibleError
from mobility.model.adr import code_for
from mobility.model.clock import LOCAL_TIME, add_seconds, utc
from mobility.model.column import Column, ColumnRules, build_column, parking_area_m2
from mobility.model.scenario import MAX_YEAR, MIN_YEAR
from mobility.model.vehicle import VehicleCatalogue, VehicleType, load_vehicles
from mobility.network.build import haversine_m
from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.routing.alternatives import DiversityRules, FoundPath, diverse_paths
from mobility.routing.classification import Classification, classify
from mobility.routing.closed import ClosedEdges
from mobility.routing.edges import EdgeTable
from mobility.routing.elements import network_table
from mobility.routing.engine import PathEngine, ShortestPaths
from mobility.routing.explain import BlockingElement, blocking_elements
from mobility.routing.feasibility import feasible_edges
from mobility.routing.halt_sites import (
    ColumnFootprint,
    HaltSite,
    RouteSite,
    corridor_sites,
    snap_sites,
)
from mobility.routing.requirements import Requirements
from mobility.routing.resolve import PlaceIndex
from mobility.routing.schedule import ColumnSchedule, RoutePoints, column_schedule
from mobility.routing.timing import (
    HaltRules,
    MarchSpeeds,
    column_speeds_kph,
    road_types,
    train_speeds_kph,
    travel_times_s,
)
from mobility.routing.turn_engine import TurnPathEngine
from mobility.routing.turns import RAIL_TURNS, ROAD_TURNS, TurnArcs, TurnRules, turn_arcs

logger = logging.getLogger(__name__)

Mode = Literal["road", "rail"]
#: Length of a military train for its pass time (EU target length).
TRAIN_LENGTH_M = 740.0
_POINT_KIND = {
    "junction": "junction",
    "bcp": "border",
    "csc": "support_centre",
    "spod": "port",
    "rail_terminal": "terminal",
    "station": "station",
}


class NoRouteError(InfeasibleError):
    """No route satisfies the vehicle's limits; ``blocking`` names the cut."""

    def __init__(self, message: str, blocking: list[BlockingElement]) -> None:
        super().__init__(message)
        self.blocking = blocking


@dataclass(frozen=True)
class Route:
    """One alternative with its length, times, classification and schedule.

    Attributes
    ----------
    designation
        ``MSR`` for the best route, ``ASR 1``, ``ASR 2``, ... for alternates.
    mode
        ``road`` or ``rail``.
    edges
        ``(u, v, key)`` of the graph edges in order.
    length_m, driving_s
        Length and the head's moving time.
    edge_times_s
        Time of the column's head on each edge.
    shared_with_msr, max_shared
        Share of the length in common with the MSR, and the largest share in
        common with any route kept before it.
    refs
        Road or line refs in order.
    classification
        STANAG 2174 classification (road routes).
    structures
        Bridges and tunnels crossed, with their limits.
    schedule
        Checkpoint and halt times of the column.
    graph
        The graph the edges belong to.
    """

    designation: str
    mode: str
    edges: tuple[tuple[int, int, int], ...]
    length_m: float
    driving_s: float
    edge_times_s: tuple[float, ...]
    shared_with_msr: float
    max_shared: float
    refs: tuple[str, ...]
    classification: Classification | None
    structures: tuple[str, ...]
    schedule: ColumnSchedule
    graph: nx.MultiDiGraph = field(repr=False, compare=False, default=None)

    @cached_property
    def geometry(self) -> LineString:
        """WGS84 line of the route (built on first use)."""
        return _geometry(self.graph, self.edges)

    @cached_property
    def edge_entry_s(self) -> NDArray[np.float64]:
        """Seconds after the start at which the head enters each edge, halts included."""
        lengths = np.array([self.graph.edges[e].get("length_m", 0.0) for e in self.edges])
        before = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
        entry = np.concatenate([[0.0], np.cumsum(self.edge_times_s)[:-1]])
        for halt in self.schedule.halts:
            halted_s = (halt.end - halt.start).total_seconds()
            entry = entry + np.where(before >= halt.distance_m - 0.5, halted_s, 0.0)
        return entry

    @cached_property
    def ref_spans_s(self) -> dict[str, tuple[float, float]]:
        """Per road ref: seconds after the start from the head entering to the tail leaving."""
        pass_s = (self.schedule.clear - self.schedule.arrive).total_seconds()
        spans: dict[str, tuple[float, float]] = {}
        for edge, entry, seconds in zip(
            self.edges, self.edge_entry_s.tolist(), self.edge_times_s, strict=True
        ):
            ref = self.graph.edges[edge].get("ref")
            ref = ref[0] if isinstance(ref, list) and ref else ref
            if ref:
                begin = spans.get(str(ref), (entry, 0.0))[0]
                spans[str(ref)] = (begin, entry + seconds + pass_s)
        return spans


@dataclass(frozen=True)
class RoutePlan:
    """All alternatives for one column between two places.

    Attributes
    ----------
    origin, destination
        The resolved places.
    vehicle
        The vehicle type as requested.
    moved_as
        The vehicle as it moves (a transporter combination for vehicles
        that must ride a HET on public roads).
    requirements
        What the roads must bear and clear.
    column
        The column organisation (road moves).
    routes
        Alternatives, best first.
    notes
        Remarks for the planner (transport used, fewer alternatives found).
    """

    origin: NetworkPlace
    destination: NetworkPlace
    vehicle: VehicleType
    moved_as: VehicleType
    requirements: Requirements
    column: Column | None
    routes: tuple[Route, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time; without an offset it is Europe/Amsterdam local time.

    Raises
    ------
    DataError
        If the text is not an ISO 8601 date and time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DataError(
            f"start time {text!r} is not an ISO 8601 date and time "
            "(expected e.g. 2026-11-24T06:00+01:00)"
        ) from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise DataError(f"start time {text!r}: expected a year from {MIN_YEAR} to {MAX_YEAR}")
    return utc(moment)


def _default_start() -> datetime:
    now = datetime.now(LOCAL_TIME).replace(second=0, microsecond=0)
    return add_seconds(now, 60 * ((-now.minute) % 15))


@dataclass(frozen=True)
class _ClassData:
    """Path engine, feasible edges and edge times of one vehicle class on one graph.

    ``paths`` keeps the alternatives found per (source, target, k, diversity
    rules): march units of the same envelope between the same places share
    them (the search is deterministic).
    """

    engine: ShortestPaths
    feasible: NDArray[np.bool_]
    weights: NDArray[np.float64]
    speeds_kph: NDArray[np.float64]
    paths: dict[tuple[int, int, int, DiversityRules], list[FoundPath]] = field(default_factory=dict)


@dataclass
class _ModeData:
    table: EdgeTable
    points: RoutePoints
    structure_details: dict[int, str]
    place_index: PlaceIndex
    arcs: TurnArcs | None = None
    classes: dict[tuple[Requirements, tuple[int, ...]], _ClassData] = field(default_factory=dict)
    closed_classes: dict[tuple[Requirements, tuple[str, ...], tuple[int, ...]], _ClassData] = field(
        default_factory=dict
    )

    @cached_property
    def reversal_arcs(self) -> dict[tuple[int, int], float]:
        """Allowed reversals (edge before, edge after) and their time cost."""
        if self.arcs is None:
            return {}
        chosen = np.flatnonzero(self.arcs.reversal)
        return {
            (int(self.arcs.from_edge[i]), int(self.arcs.to_edge[i])): float(self.arcs.cost_s[i])
            for i in chosen.tolist()
        }


class Router:
    """Routes columns and trains over a loaded network.

    Parameters
    ----------
    network
        Road and rail graphs with places.
    catalogue
        Vehicle types; the embedded catalogue by default.
    speeds, halt_rules, diversity
        March speeds, halt rules and alternative bounds (defaults documented
        on each class).
    halt_sites
        Truck parking, rest and service areas where columns may halt, besides
        the corridor file's support centres and staging areas and the rest
        areas of the loaded network (see :mod:`mobility.routing.halt_sites`).
    clearance_margin_m
        Safety margin added to vehicle heights against clearances.
    road_turns, rail_turns
        Turn rules of columns and trains (see :mod:`mobility.routing.turns`):
        by default no U-turns and OSM turn restrictions obeyed on roads, no
        reversal on rail except at rail terminals, ramps and stations and
        within 3 km of a terminal or ramp (20 minutes). ``None`` routes that
        mode on nodes, ignoring turns.
    """

    def __init__(
        self,
        network: Network,
        catalogue: VehicleCatalogue | None = None,
        *,
        speeds: MarchSpeeds | None = None,
        halt_rules: HaltRules | None = None,
        diversity: DiversityRules | None = None,
        clearance_margin_m: float = 0.0,
        road_turns: TurnRules | None = ROAD_TURNS,
        rail_turns: TurnRules | None = RAIL_TURNS,
        halt_sites: Sequence[HaltSite] = (),
    ) -> None:
        if clearance_margin_m < 0:
            raise DataError(f"clearance margin must be >= 0 m, got {clearance_margin_m}")
        self.network = network
        self.catalogue = catalogue if catalogue is not None else load_vehicles()
        self.speeds = speeds or MarchSpeeds()
        self.halt_rules = halt_rules or HaltRules()
        self.diversity = diversity or DiversityRules()
        self.clearance_margin_m = clearance_margin_m
        self.turns: dict[str, TurnRules | None] = {"road": road_turns, "rail": rail_turns}
        self.halt_sites: tuple[HaltSite, ...] = (
            *corridor_sites(network.corridors.places),
            *network.halt_sites,
            *halt_sites,
        )
        self._modes: dict[str, _ModeData] = {}

    def _mode(self, mode: str) -> _ModeData:
        if mode not in ("road", "rail"):
            raise DataError(f"mode {mode!r} is not road or rail")
        if mode not in self._modes:
            table = network_table(self.network, mode)
            names: dict[int, str] = {}
            kinds: dict[int, str] = {}
            for place in self.network.places:
                if place.mode != mode or place.node is None:
                    continue
                index = table.index(place.node)
                kind = _POINT_KIND[place.kind]
                if place.role == "border_crossing":
                    kind = "border"
                # Corridor places win over junction and station names at a node.
                if index not in names or place.place_id:
                    names[index], kinds[index] = place.name, kind
            rules = self.turns[mode]
            self._modes[mode] = _ModeData(
                table,
                RoutePoints(names, kinds),
                _structure_details(table),
                PlaceIndex(self.network.places, mode),
                None
                if rules is None
                else turn_arcs(table, rules, self._reverse_nodes(mode, table, rules)),
            )
        return self._modes[mode]

    def reversal_nodes(self, mode: str) -> frozenset[int]:
        """Graph nodes where the mode's turn rules allow a reversal or U-turn."""
        rules = self.turns[mode]
        if rules is None:
            return frozenset()
        table = self._mode(mode).table
        return frozenset(int(table.nodes[i]) for i in self._reverse_nodes(mode, table, rules))

    def _reverse_nodes(self, mode: str, table: EdgeTable, rules: TurnRules) -> list[int]:
        """Node indices where the turn rules allow a reversal."""
        places = [
            place
            for place in self.network.places
            if place.mode == mode
            and place.node is not None
            and rules.reverse_at & {place.kind, place.role, place.place_id}
        ]
        nodes = {table.index(place.node) for place in places}
        for item in rules.reverse_at:
            if item.startswith("node:"):
                try:
                    nodes.add(table.index(int(item.removeprefix("node:"))))
                except (KeyError, ValueError):
                    raise DataError(
                        f"turn rules: reverse_at {item!r} is not a node of the {mode} graph"
                    ) from None
        areas = [place for place in places if place.place_id]  # corridor places, not stations
        if rules.reverse_within_m > 0 and areas:
            graph = table.graph
            lon = np.array([graph.nodes[n]["x"] for n in table.nodes.tolist()])
            lat = np.array([graph.nodes[n]["y"] for n in table.nodes.tolist()])
            for place in areas:
                near = haversine_m(
                    lon, lat, np.full_like(lon, place.lon), np.full_like(lat, place.lat)
                )
                nodes.update(np.flatnonzero(near <= rules.reverse_within_m).tolist())
        return sorted(nodes)

    def path_engine(
        self, mode: str, edges: NDArray[np.int64], weights: NDArray[np.float64]
    ) -> ShortestPaths:
        """Return a path engine over ``edges`` of the mode's table (turn-aware where ruled)."""
        data = self._mode(mode)
        table = data.table
        if data.arcs is None:
            return PathEngine(table.n_nodes, table.u, table.v, edges, weights)
        return TurnPathEngine(table.n_nodes, table.u, table.v, edges, weights, data.arcs)

    def table(self, mode: str = "road") -> EdgeTable:
        """Edge table of the road or rail graph (built once)."""
        return self._mode(mode).table

    def moved_as(self, vehicle: VehicleType, self_propelled: bool = False) -> VehicleType:
        """Return the vehicle as it moves on public roads (on a HET where required)."""
        if vehicle.het_required and not self_propelled:
            return self.catalogue.loaded(vehicle)
        return vehicle

    def place(self, mode: str, query: str) -> NetworkPlace:
        """Return the place a name or id stands for in the road or rail graph (as :meth:`route`)."""
        return self._mode(mode).place_index.resolve(query)

    def retime(
        self,
        edges: Sequence[tuple[int, int, int]],
        column: Column,
        need: Requirements,
        start: datetime,
        origin: str,
        destination: str,
    ) -> ColumnSchedule:
        """Schedule a column along a given road route (the plan validator re-derives with it).

        The same march rules as :meth:`route`: column speeds for ``need``, the
        column's pass times, halts. ``edges`` are graph edges ``(u, v, key)``.

        Raises
        ------
        DataError
            If an edge is not in the road graph or a place is unknown.
        """
        data = self._mode("road")
        table = data.table
        try:
            index = [table.key_index[(int(u), int(v), int(k))] for u, v, k in edges]
        except KeyError as error:
            raise DataError(f"edge {error} is not in the road graph") from None
        source = data.place_index.resolve(origin)
        target = data.place_index.resolve(destination)
        out_of_service = table.closed_on(utc(start).astimezone(LOCAL_TIME).date())
        vehicle_class = self._class(data, need, "road", out_of_service)
        pass_time = self._column_pass_times(table, column, vehicle_class.speeds_kph)
        footprint = ColumnFootprint(
            column.count, parking_area_m2(v for unit in column.march_units for v in unit.vehicles)
        )
        return column_schedule(
            table, index, vehicle_class.weights, pass_time, utc(start), data.points,
            source.name, target.name, self.halt_rules, data.structure_details,
            sites=self._route_sites(table, tuple(index)), footprint=footprint,
        )  # fmt: skip

    def _class(
        self, data: _ModeData, need: Requirements, mode: str, closed: NDArray[np.bool_]
    ) -> _ClassData:
        """Engine of a vehicle class, without the edges out of service (``closed``)."""
        # One engine per envelope, not per label: every march unit of a scenario
        # has its own label, and an engine per label grew without bound on
        # country-size networks (#13).
        need = replace(need, label="")
        key = (need, tuple(np.flatnonzero(closed).tolist()))
        if key not in data.classes:
            table = data.table
            if mode == "rail":
                speeds = train_speeds_kph(table, need.max_speed_kph, self.speeds)
                feasible = np.ones(table.n_edges, dtype=bool)
            else:
                speeds = column_speeds_kph(table, need.max_speed_kph, self.speeds)
                feasible = feasible_edges(table, need, self.clearance_margin_m)
            feasible = feasible & ~closed
            weights = travel_times_s(table, speeds)
            engine = self.path_engine(mode, np.flatnonzero(feasible), weights)
            data.classes[key] = _ClassData(engine, feasible, weights, speeds)
        return data.classes[key]

    def _closed_class(
        self,
        data: _ModeData,
        need: Requirements,
        mode: str,
        closed: ClosedEdges,
        out_of_service: NDArray[np.bool_],
    ) -> _ClassData:
        """Return the vehicle class with the closed edges out of use (cached per closure set)."""
        dated = tuple(np.flatnonzero(out_of_service).tolist())
        key = (need, closed.key, dated)
        if key not in data.closed_classes:
            base = self._class(data, need, mode, out_of_service)
            usable = base.feasible & ~closed.mask
            engine = self.path_engine(mode, np.flatnonzero(usable), base.weights)
            data.closed_classes[key] = _ClassData(engine, usable, base.weights, base.speeds_kph)
        return data.closed_classes[key]

    def route(
        self,
        origin: str,
        destination: str,
        vehicle: str | VehicleType,
        *,
        count: int = 1,
        hazmat: str = "",
        k: int = 3,
        start: datetime | str | None = None,
        mode: Mode = "road",
        self_propelled: bool = False,
        column_rules: ColumnRules | None = None,
        column: Column | None = None,
        closed: ClosedEdges | None = None,
    ) -> RoutePlan:
        """Alternatives from ``origin`` to ``destination`` for ``count`` vehicles.

        Parameters
        ----------
        origin, destination
            Place names or ids (resolved case-insensitively).
        vehicle
            Vehicle type (catalogue id or name, or a :class:`VehicleType`).
        count
            Vehicles in the column (>= 1).
        hazmat
            Dangerous goods carried on top of the vehicle's own: an ADR class
            (``1.1``) or a tunnel restriction code (``B1000C``).
        k
            Alternatives wanted (>= 1): the MSR and up to ``k - 1`` ASRs.
        start
            Departure time (ISO text or aware datetime; naive is local time).
        mode
            ``road`` (a column) or ``rail`` (a military train).
        self_propelled
            Move vehicles that must ride a HET on their own tracks (an
            exemption); tracked bridge classes then apply.
        column_rules
            March unit sizes, formation and gaps.
        column
            Route this column instead (e.g. one march unit of mixed vehicles,
            already as they move); ``vehicle`` then only names it and
            ``count`` is ignored.
        closed
            Edges of the mode's graph out of use (closures,
            :func:`~mobility.routing.closed.closed_edges`): routes avoid
            them, and when none is left the error names the closures and
            restrictions that cut every route.

        Raises
        ------
        DataError
            On an unknown place or vehicle, a bad count, time or hazmat value.
        NoRouteError
            When no route satisfies the limits, naming the elements that cut
            every route.
        """
        if (
            isinstance(count, bool)
            or not isinstance(count, int)
            or not 1 <= count <= settings.max_vehicles
        ):
            raise DataError(
                f"vehicle count must be a whole number from 1 to {settings.max_vehicles:,} "
                f"(MOBILITY_MAX_VEHICLES), got {count!r}"
            )
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise DataError(f"number of alternatives must be a whole number >= 1, got {k!r}")
        if isinstance(start, str):
            start = parse_time(start)
        elif start is None:
            start = _default_start()
        start = utc(start)
        requested = vehicle if isinstance(vehicle, VehicleType) else self.catalogue.get(vehicle)
        hazmat_code = code_for(hazmat) if hazmat else ""
        data = self._mode(mode)
        table = data.table
        source_place = data.place_index.resolve(origin)
        target_place = data.place_index.resolve(destination)
        assert source_place.node is not None and target_place.node is not None
        source, target = table.index(source_place.node), table.index(target_place.node)
        if source == target:
            raise DataError(
                f"origin and destination are the same {mode} node ({source_place.name!r})"
            )
        notes: list[str] = []
        moved = requested if mode == "rail" else self.moved_as(requested, self_propelled)
        if moved is not requested:
            notes.append(
                f"{requested.name!r} rides a heavy equipment transporter on public roads: "
                f"routed as {moved.name!r} (MLC {moved.mlc} wheeled, {moved.height_m:g} m high, "
                f"{moved.weight_t:g} t)"
            )
        if column is not None:
            types = [v for unit in column.march_units for v in unit.types]
            need = Requirements.of(types, label=f"{column.unit!r}", hazmat_code=hazmat_code)
        else:
            need = Requirements.of([moved], hazmat_code=hazmat_code)
        if mode == "rail":
            need = Requirements(label=need.label, max_speed_kph=self.speeds.rail_kph)
        # Elements are used only on the days they are in service (valid_from/valid_to).
        day = start.astimezone(LOCAL_TIME).date()
        out_of_service = table.closed_on(day)
        vehicle_class = self._class(data, need, mode, out_of_service)
        restricted = vehicle_class.feasible
        if closed:
            vehicle_class = self._closed_class(data, need, mode, closed, out_of_service)
        weights, speeds = vehicle_class.weights, vehicle_class.speeds_kph
        key = (source, target, k, self.diversity)
        if key not in vehicle_class.paths:
            vehicle_class.paths[key] = diverse_paths(
                vehicle_class.engine, weights, table.length_m, source, target, k, self.diversity
            )
        found = vehicle_class.paths[key]
        if not found:
            dated = self._out_of_service(
                data, vehicle_class.feasible, out_of_service, source, target, day
            )
            if dated:
                raise NoRouteError(
                    f"no {mode} route for {need.label} from {source_place.name} to "
                    f"{target_place.name} on {day.isoformat()}: every route crosses an element "
                    f"out of service that day: {dated}",
                    [],
                )
            raise self._no_route(
                data,
                restricted,
                need,
                requested,
                moved,
                source_place,
                target_place,
                mode,
                closed if closed else None,
            )
        if len(found) < k:
            notes.append(
                f"{len(found)} of {k} routes found within the diversity bounds "
                f"(shared length <= {self.diversity.max_shared:.0%}, "
                f"time <= {self.diversity.max_stretch:g} x the best)"
            )
        if mode == "road" and column is None:
            column = build_column(
                moved.name, {moved.id: count}, VehicleCatalogue({moved.id: moved}), column_rules
            )
        footprint = None
        if mode == "road" and column is not None:
            pass_time = self._column_pass_times(table, column, speeds)
            footprint = ColumnFootprint(
                column.count,
                parking_area_m2(v for unit in column.march_units for v in unit.vehicles),
            )
        else:
            column = None
            pass_time = TRAIN_LENGTH_M / (speeds / 3.6)
        routes = []
        for rank, path in enumerate(found):
            designation = "MSR" if rank == 0 else f"ASR {rank}"
            travel_s = self._with_reversals(data, path.edges, weights, notes, designation)
            schedule = column_schedule(
                table,
                path.edges,
                travel_s,
                pass_time,
                start,
                data.points,
                source_place.name,
                target_place.name,
                self.halt_rules,
                data.structure_details,
                halts_enabled=mode == "road",
                sites=self._route_sites(table, path.edges) if mode == "road" else (),
                footprint=footprint,
            )
            routes.append(
                Route(
                    designation=designation,
                    mode=mode,
                    edges=tuple(table.keys[e] for e in path.edges),
                    length_m=path.length_m,
                    driving_s=schedule.driving_s,
                    edge_times_s=tuple(float(travel_s[e]) for e in path.edges),
                    shared_with_msr=path.shared_with_best,
                    max_shared=path.max_shared,
                    refs=_refs(table, path.edges),
                    classification=classify(table, path.edges, need) if mode == "road" else None,
                    structures=tuple(
                        dict.fromkeys(
                            f"{c.name} ({c.detail})" if c.detail else c.name
                            for c in schedule.checkpoints
                            if c.kind in ("bridge", "tunnel")
                        )
                    ),
                    schedule=schedule,
                    graph=table.graph,
                )
            )
        for route in routes:
            unsited = route.schedule.unsited_halts
            if unsited:
                notes.append(
                    f"{route.designation}: {len(unsited)} halt(s) without a site that fits the "
                    f"column ({unsited[0].name}: {unsited[0].note})"
                )
        return RoutePlan(
            origin=source_place,
            destination=target_place,
            vehicle=requested,
            moved_as=moved,
            requirements=need,
            column=column,
            routes=tuple(routes),
            notes=tuple(notes),
        )

    def _route_sites(self, table: EdgeTable, edges: tuple[int, ...]) -> list[RouteSite]:
        """Halt sites within reach of a route, snapped to its nodes."""
        nodes = [*table.u[np.asarray(edges)].tolist(), int(table.v[edges[-1]])]
        graph_nodes = table.graph.nodes
        ids = table.nodes[np.asarray(nodes)].tolist()
        lon = np.array([graph_nodes[n]["x"] for n in ids], dtype=np.float64)
        lat = np.array([graph_nodes[n]["y"] for n in ids], dtype=np.float64)
        rules = self.halt_rules
        return snap_sites(self.halt_sites, lon, lat, rules.max_off_route_m, rules.detour_kph)

    def reschedule(self, route: Route, column: Column) -> Route:
        """Return ``route`` (a road route) with the schedule of another column on the same path.

        The head's edge times stay those of the route (so its speeds and
        reversals); halts, pass times and clearances are the column's. A
        serial's march units are scheduled this way on their serial's route.
        """
        data = self._mode("road")
        table = data.table
        edges = [table.key_index[key] for key in route.edges]
        travel_s = np.ones(table.n_edges, dtype=np.float64)
        travel_s[edges] = route.edge_times_s
        speeds_kph = np.ones(table.n_edges, dtype=np.float64)
        speeds_kph[edges] = table.length_m[edges] / np.maximum(travel_s[edges], 1e-9) * 3.6
        schedule = column_schedule(
            table,
            edges,
            travel_s,
            self._column_pass_times(table, column, np.maximum(speeds_kph, 1e-3)),
            route.schedule.start,
            data.points,
            route.schedule.checkpoints[0].name,
            route.schedule.checkpoints[-1].name,
            self.halt_rules,
            data.structure_details,
            sites=self._route_sites(table, tuple(edges)),
            footprint=ColumnFootprint(
                column.count,
                parking_area_m2(v for unit in column.march_units for v in unit.vehicles),
            ),
        )
        return replace(route, schedule=schedule, driving_s=schedule.driving_s)

    def _with_reversals(
        self,
        data: _ModeData,
        edges: tuple[int, ...],
        weights: NDArray[np.float64],
        notes: list[str],
        designation: str,
    ) -> NDArray[np.float64]:
        """Edge times of a route with the time of each reversal added to the edge after it."""
        if data.arcs is None or not data.reversal_arcs or len(edges) < 2:
            return weights
        travel_s = weights
        for before, after in itertools.pairwise(edges):
            cost_s = data.reversal_arcs.get((before, after))
            if cost_s is None:
                continue
            if travel_s is weights:
                travel_s = weights.copy()
            travel_s[after] += cost_s
            node = data.table.v[before]
            where = data.points.names.get(int(node), f"node {data.table.nodes[node]}")
            notes.append(f"{designation} reverses at {where} (+{cost_s / 60:g} min)")
        return travel_s

    def _out_of_service(
        self,
        data: _ModeData,
        feasible: NDArray[np.bool_],
        closed: NDArray[np.bool_],
        source: int,
        target: int,
        day: date,
    ) -> str:
        """Elements out of service on ``day`` on the route there would be without dates."""
        if not closed.any():
            return ""
        table = data.table
        engine = PathEngine(
            table.n_nodes, table.u, table.v, np.flatnonzero(feasible | closed), table.length_m
        )
        path = engine.shortest_path(source, target)
        if path is None:
            return ""
        first, end = table.service_days
        found: dict[str, str] = {}
        for edge in path:
            if closed[edge]:
                span = []
                if first[edge] > 0:
                    span.append(f"in service from {date.fromordinal(int(first[edge]))}")
                if end[edge] < np.iinfo(np.int64).max:
                    span.append(f"out of service from {date.fromordinal(int(end[edge]))}")
                found.setdefault(table.labels[edge], " and ".join(span))
        return ", ".join(f"{name} ({span})" for name, span in found.items())

    def _turn_hint(self, mode: str, feasible: NDArray[np.bool_], source: int, target: int) -> str:
        """Where one more reversal (or U-turn) would open a route, as advice."""
        table = self._mode(mode).table
        engine = self.path_engine(mode, np.flatnonzero(feasible), table.length_m)
        if not isinstance(engine, TurnPathEngine):
            return ""
        found = engine.best_turn_point(source, target)
        if found is None:
            return ""
        node, length_m = found
        osm_id = int(table.nodes[node])
        data = table.graph.nodes[osm_id]
        return (
            f"; turning at node {osm_id} ({data['x']:.4f}, {data['y']:.4f}) would give a "
            f"{length_m / 1000:.1f} km route: add 'node:{osm_id}' to the turn rules' reverse_at "
            "where that is possible"
        )

    def _column_pass_times(
        self, table: EdgeTable, column: Column, speeds: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        intervals = column.rules.formation.interval_m
        kinds = road_types(table)
        interval = np.array([intervals[kind] for kind in kinds.tolist()], dtype=np.float64)
        return np.asarray(column.count * interval / (speeds / 3.6) + column.time_gaps_s)

    def _no_route(
        self,
        data: _ModeData,
        feasible: NDArray[np.bool_],
        need: Requirements,
        requested: VehicleType,
        moved: VehicleType,
        origin: NetworkPlace,
        destination: NetworkPlace,
        mode: str,
        closed: ClosedEdges | None = None,
    ) -> InfeasibleError:
        table = data.table
        source, target = table.index(origin.node), table.index(destination.node)
        ends = f"from {origin.name} to {destination.name}"
        rules = self.turns[mode]
        usable = feasible & ~closed.mask if closed is not None else feasible
        if rules is not None:
            node_engine = PathEngine(
                table.n_nodes, table.u, table.v, np.flatnonzero(usable), table.length_m
            )
            if node_engine.shortest_path(source, target) is not None:
                return NoRouteError(
                    f"no {mode} route for {need.label} {ends}: every route needs a turn the "
                    f"turn rules forbid ({_describe_turns(mode, rules)})"
                    + self._turn_hint(mode, usable, source, target),
                    [],
                )
        blocking = blocking_elements(
            table, feasible, need, source, target, self.clearance_margin_m, closed
        )
        if not blocking:
            one_way = [
                entry
                for entry in self.network.report.one_way_places
                if entry.startswith((f"{origin.name} (exit", f"{destination.name} (entry"))
            ]
            why = (
                f"; {' and '.join(one_way)}: attached at a one-way end of the extract"
                if one_way
                else ""
            )
            return NoRouteError(
                f"no {mode} route {ends}: the loaded {mode} network does not connect them "
                f"(even ignoring every restriction and closure){why}",
                [],
            )
        who = need.label if moved is requested else f"{requested.name!r} on {moved.name!r}"
        if moved is not requested:
            who += f" (MLC {moved.mlc} {moved.running_gear})"
        listed = ", ".join(b.describe() for b in blocking)
        values = sorted({v.vehicle for b in blocking for v in b.violations})
        options = self._options(requested, moved, origin, destination, mode)
        if all(b.closed for b in blocking):
            options = [o for o in options if "exemption" not in o] + ["lifting a closure"]
        crosses = "one of " if len(blocking) > 1 else ""
        message = f"no {mode} route for {who} {ends}: every route crosses {crosses}{listed}"
        if values:
            message += f" (vehicle: {', '.join(values)})"
        if options:
            message += f"; options: {', '.join(options)}"
        return NoRouteError(message, blocking)

    def _options(
        self,
        requested: VehicleType,
        moved: VehicleType,
        origin: NetworkPlace,
        destination: NetworkPlace,
        mode: str,
    ) -> list[str]:
        options = []
        if mode == "road" and moved is requested and requested.tracked:
            try:
                carried = self.catalogue.loaded(requested)
            except DataError:
                carried = None
            if carried is not None:
                try:
                    self.route(origin.name, destination.name, carried, k=1)
                    options.append(f"HET transport ({carried.name!r} has a route)")
                except (InfeasibleError, DataError):
                    pass
        if mode == "road":
            options.append("rail (mobility route --mode rail between rail terminals)")
        options.append("a bridge or tunnel exemption from the road authority")
        return options


def _describe_turns(mode: str, rules: TurnRules) -> str:
    what = "reversal" if mode == "rail" else "U-turn"
    where = f" except at {', '.join(sorted(rules.reverse_at))}" if rules.reverse_at else " anywhere"
    text = f"no {what} (turn over {rules.max_deflection_deg:g} degrees){where}"
    if rules.apply_restrictions and mode == "road":
        text += ", OSM turn restrictions"
    return text


def _structure_details(table: EdgeTable) -> dict[int, str]:
    """Limits of every bridge and tunnel, as text, by element id."""
    details: dict[int, str] = {}
    structures = np.flatnonzero(table.bridge | table.tunnel)
    letters = {1: "A", 2: "B", 3: "C", 4: "D", 5: "E"}
    for edge in structures.tolist():
        parts: list[str] = []
        limits = {name: float(values[edge]) for name, values in table.limits.items()}
        wheeled, tracked = limits["mlc_wheeled"], limits["mlc_tracked"]
        if not np.isnan(wheeled) and wheeled == tracked:
            parts.append(f"MLC {wheeled:g}")
        else:
            if not np.isnan(wheeled):
                parts.append(f"MLC {wheeled:g} wheeled")
            if not np.isnan(tracked):
                parts.append(f"MLC {tracked:g} tracked")
        if not np.isnan(limits["maxweight_t"]):
            parts.append(f"max {limits['maxweight_t']:g} t")
        if not np.isnan(limits["maxheight_m"]):
            parts.append(f"clearance {limits['maxheight_m']:g} m")
        if table.tunnel_category[edge]:
            parts.append(f"ADR category {letters[int(table.tunnel_category[edge])]}")
        details[int(table.element[edge])] = ", ".join(parts)
    return details


def _refs(table: EdgeTable, edges: tuple[int, ...]) -> tuple[str, ...]:
    refs: list[str] = []
    all_refs = table.refs
    for edge in edges:
        ref = all_refs[edge]
        if ref and (not refs or refs[-1] != ref):
            refs.append(ref)
    return tuple(refs)


def _geometry(graph: nx.MultiDiGraph, edges: tuple[tuple[int, int, int], ...]) -> LineString:
    parts: list[np.ndarray] = []
    for u, v, key in edges:
        geometry = graph.edges[u, v, key].get("geometry")
        if geometry is None:
            nodes = graph.nodes
            geometry = LineString([(nodes[u]["x"], nodes[u]["y"]), (nodes[v]["x"], nodes[v]["y"])])
        coords = np.asarray(geometry.coords)
        parts.append(coords if not parts else coords[1:])
    return shapely.LineString(np.concatenate(parts)) if parts else LineString()
