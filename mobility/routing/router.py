"""Alternative routes with feasibility, classification and column schedules.

The public entry point of the routing layer: :class:`Router` answers a
planner's question "how does this column get from A to B, and when is it
where?" on a loaded :class:`~mobility.network.load.Network`. The pieces it
puts together: per mode the edge table, named points and turn arcs
(:mod:`mobility.routing._mode_data`), per vehicle class the usable edges and
a path engine (:mod:`mobility.routing._vehicle_class`), diverse alternatives
(:mod:`mobility.routing._alternatives`), the column's timing along each
(:mod:`mobility.routing._route_timing`, :mod:`mobility.routing.column_timing`)
and, where nothing routes, the reason (:mod:`mobility.routing._no_route`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError, InfeasibleError
from mobility.model.adr import code_for
from mobility.model.clock import LOCAL_TIME, utc
from mobility.model.column import Column, ColumnRules, build_column
from mobility.model.vehicle import VehicleCatalogue, VehicleType, load_vehicles
from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.routing._alternatives import DiversityRules, FoundPath, diverse_paths
from mobility.routing._classification import classify
from mobility.routing._halt_choice import Halting
from mobility.routing._mode_data import ModeData, mode_data, reverse_nodes
from mobility.routing._no_route import NoRouteError, no_route_error, out_of_service_on_route
from mobility.routing._route_request import check_count_and_k, parse_time, start_time
from mobility.routing._route_timing import (
    column_footprint,
    column_pass_times,
    road_halting,
    route_refs,
    structures_crossed,
    train_pass_times,
    with_reversals,
)
from mobility.routing._routes import Route, RoutePlan
from mobility.routing._vehicle_class import VehicleClass, build_class, with_closures
from mobility.routing.closed import ClosedEdges
from mobility.routing.column_timing import ColumnSchedule, column_schedule
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import ShortestPaths
from mobility.routing.halt_sites import HaltSite, RouteSite, corridor_sites
from mobility.routing.requirements import Requirements
from mobility.routing.timing import HaltRules, MarchSpeeds
from mobility.routing.turns import RAIL_TURNS, ROAD_TURNS, TurnRules

__all__ = ["Mode", "NoRouteError", "Route", "RoutePlan", "Router", "parse_time"]

logger = logging.getLogger(__name__)

Mode = Literal["road", "rail"]


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
        self._modes: dict[str, ModeData] = {}
        # Halt sites in reach of each road path, and schedules of found paths: the equal
        # march units of a request share them (#15).
        self._route_sites: dict[tuple[int, ...], tuple[RouteSite, ...]] = {}
        self._schedules: dict[tuple[object, ...], ColumnSchedule] = {}

    def _mode(self, mode: str) -> ModeData:
        if mode not in ("road", "rail"):
            raise DataError(f"mode {mode!r} is not road or rail")
        if mode not in self._modes:
            self._modes[mode] = mode_data(self.network, mode, self.turns[mode])
        return self._modes[mode]

    def reversal_nodes(self, mode: str) -> frozenset[int]:
        """Graph nodes where the mode's turn rules allow a reversal or U-turn."""
        rules = self.turns[mode]
        if rules is None:
            return frozenset()
        table = self._mode(mode).table
        indices = reverse_nodes(self.network, mode, table, rules)
        return frozenset(int(table.nodes[i]) for i in indices)

    def path_engine(
        self, mode: str, edges: NDArray[np.int64], weights: NDArray[np.float64]
    ) -> ShortestPaths:
        """Return a path engine over ``edges`` of the mode's table (turn-aware where ruled)."""
        return self._mode(mode).path_engine(edges, weights)

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

    def vehicle_class(
        self,
        need: Requirements,
        mode: str = "road",
        *,
        day: date | None = None,
        closed: ClosedEdges | None = None,
    ) -> VehicleClass:
        """Return the usable edges, speeds, edge times and path engine of a vehicle class.

        Parameters
        ----------
        need
            What the roads must bear and clear (its label is ignored: one
            class per envelope). On the rail only its maximum speed counts.
        mode
            ``road`` or ``rail``.
        day
            Leave out the edges out of service that day (``valid_from`` /
            ``valid_to``); ``None``: every edge is in service.
        closed
            Edges out of use besides (closures).

        Notes
        -----
        The class and its engine are shared with the router's own searches,
        which set the engine's weights before each use; a caller that
        changes them must do the same.
        """
        data = self._mode(mode)
        service = data.out_of_service(day)
        # One engine per envelope, not per label: every march unit of a scenario
        # has its own label, and an engine per label grew without bound on
        # country-size networks (#13).
        need = replace(need, label="")
        key = (need, service.key)
        if key not in data.classes:
            data.classes[key] = build_class(
                data.table,
                need,
                mode=mode,
                out_of_service=service.mask,
                speeds=self.speeds,
                clearance_margin_m=self.clearance_margin_m,
                engine=data.path_engine,
            )
        base = data.classes[key]
        if closed is None:
            return base
        closed_key = (need, closed.key, service.key)
        if closed_key not in data.closed_classes:
            data.closed_classes[closed_key] = with_closures(base, closed, data.path_engine)
        return data.closed_classes[closed_key]

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
        day = utc(start).astimezone(LOCAL_TIME).date()
        vehicle_class = self.vehicle_class(need, "road", day=day)
        return column_schedule(
            table,
            index,
            vehicle_class.weights,
            column_pass_times(table, column, vehicle_class.speeds_kph),
            utc(start),
            data.points,
            origin_name=source.name,
            destination_name=target.name,
            halting=self._halting(table, index, column),
        )

    def reschedule(self, route: Route, column: Column) -> Route:
        """Return ``route`` (a road route) with the schedule of another column on the same path.

        The column drives the path at its own speeds (capped by its slowest
        vehicle, as :meth:`retime` times it), with the route's reversals;
        halts, pass times and clearances are the column's. A serial's march
        units are scheduled this way on their serial's route: a march unit of
        trucks does not drive at the speed of its serial's transporters (#13).
        """
        data = self._mode("road")
        table = data.table
        edges = tuple(table.key_index[key] for key in route.edges)
        speeds_kph, weights = data.column_times(column.max_speed_kph, self.speeds)
        travel_s = with_reversals(data, edges, weights, [], route.designation)
        schedule = column_schedule(
            table,
            edges,
            travel_s,
            column_pass_times(table, column, speeds_kph),
            route.schedule.start,
            data.points,
            origin_name=route.schedule.checkpoints[0].name,
            destination_name=route.schedule.checkpoints[-1].name,
            halting=self._halting(table, edges, column),
        )
        edge_times_s = tuple(float(travel_s[e]) for e in edges)
        return replace(
            route, schedule=schedule, driving_s=schedule.driving_s, edge_times_s=edge_times_s
        )

    def _halting(self, table: EdgeTable, edges: Sequence[int], column: Column) -> Halting:
        return road_halting(
            table,
            edges,
            column,
            sites=self.halt_sites,
            rules=self.halt_rules,
            known=self._route_sites,
        )

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
        check_count_and_k(count, k)
        start = start_time(start)
        requested = vehicle if isinstance(vehicle, VehicleType) else self.catalogue.get(vehicle)
        hazmat_code = code_for(hazmat) if hazmat else ""
        data = self._mode(mode)
        ends = self._ends(data, mode, origin, destination)
        moved = requested if mode == "rail" else self.moved_as(requested, self_propelled)
        notes = [_transporter_note(requested, moved)] if moved is not requested else []
        need = self._requirements(moved, column, hazmat_code, mode)
        day = start.astimezone(LOCAL_TIME).date()
        vehicles = (requested, moved)
        paths = self._search(
            data, need, ends, k=k, day=day, closed=closed, vehicles=vehicles, notes=notes
        )
        if mode == "road" and column is None:
            catalogue = VehicleCatalogue({moved.id: moved})
            column = build_column(moved.name, {moved.id: count}, catalogue, column_rules)
        return self._plan(
            data, paths, need, vehicles, ends, column=column, start=start, notes=notes
        )

    def _ends(
        self, data: ModeData, mode: str, origin: str, destination: str
    ) -> tuple[NetworkPlace, NetworkPlace]:
        """Resolve the two places; they must be on different nodes of the mode's graph."""
        source = data.place_index.resolve(origin)
        target = data.place_index.resolve(destination)
        assert source.node is not None and target.node is not None
        if data.table.index(source.node) == data.table.index(target.node):
            raise DataError(f"origin and destination are the same {mode} node ({source.name!r})")
        return source, target

    def _requirements(
        self, moved: VehicleType, column: Column | None, hazmat_code: str, mode: str
    ) -> Requirements:
        """Return what the route must bear and clear: the column's envelope, or a train's speed."""
        if column is not None:
            types = [v for unit in column.march_units for v in unit.types]
            need = Requirements.of(types, label=f"{column.unit!r}", hazmat_code=hazmat_code)
        else:
            need = Requirements.of([moved], hazmat_code=hazmat_code)
        if mode == "rail":
            need = Requirements(label=need.label, max_speed_kph=self.speeds.rail_kph)
        return need

    def _search(
        self,
        data: ModeData,
        need: Requirements,
        ends: tuple[NetworkPlace, NetworkPlace],
        *,
        k: int,
        day: date,
        closed: ClosedEdges | None,
        vehicles: tuple[VehicleType, VehicleType],
        notes: list[str],
    ) -> tuple[VehicleClass, list[FoundPath]]:
        """Return the vehicle class and up to ``k`` diverse paths (cached per class and places).

        A note is added to ``notes`` where fewer than ``k`` are found.

        Raises
        ------
        NoRouteError
            When there is none, naming why.
        """
        table, mode = data.table, data.mode
        assert ends[0].node is not None and ends[1].node is not None
        source, target = table.index(ends[0].node), table.index(ends[1].node)
        # Elements are used only on the days they are in service (valid_from/valid_to).
        vehicle_class = self.vehicle_class(need, mode, day=day, closed=closed or None)
        key = (source, target, k, self.diversity)
        if key not in vehicle_class.paths:
            vehicle_class.paths[key] = diverse_paths(
                vehicle_class.engine,
                vehicle_class.weights,
                table.length_m,
                source,
                target,
                k,
                self.diversity,
            )
        found = vehicle_class.paths[key]
        if found:
            if len(found) < k:
                notes.append(
                    f"{len(found)} of {k} routes found within the diversity bounds "
                    f"(shared length <= {self.diversity.max_shared:.0%}, "
                    f"time <= {self.diversity.max_stretch:g} x the best)"
                )
            return vehicle_class, found
        out_of_service = data.out_of_service(day).mask
        dated = out_of_service_on_route(
            table, vehicle_class.feasible, out_of_service, source, target
        )
        if dated:
            raise NoRouteError(
                f"no {mode} route for {need.label} from {ends[0].name} to "
                f"{ends[1].name} on {day.isoformat()}: every route crosses an element "
                f"out of service that day: {dated}",
                [],
            )
        requested, moved = vehicles
        raise no_route_error(
            data,
            self.vehicle_class(need, mode, day=day).feasible,
            need,
            vehicles=vehicles,
            ends=ends,
            mode=mode,
            rules=self.turns[mode],
            clearance_margin_m=self.clearance_margin_m,
            one_way_places=self.network.report.one_way_places,
            options=lambda: self._options(requested, moved, ends, mode),
            closed=closed or None,
        )

    def _plan(
        self,
        data: ModeData,
        paths: tuple[VehicleClass, list[FoundPath]],
        need: Requirements,
        vehicles: tuple[VehicleType, VehicleType],
        ends: tuple[NetworkPlace, NetworkPlace],
        *,
        column: Column | None,
        start: datetime,
        notes: list[str],
    ) -> RoutePlan:
        """Return the found paths as routes with the column's (or a train's) schedule."""
        vehicle_class, found = paths
        if data.mode == "rail":
            column = None
        table = data.table
        weights, speeds = vehicle_class.weights, vehicle_class.speeds_kph
        if column is not None:
            pass_time = column_pass_times(table, column, speeds)
        else:
            pass_time = train_pass_times(speeds)
        routes = []
        for rank, path in enumerate(found):
            designation = "MSR" if rank == 0 else f"ASR {rank}"
            travel_s = with_reversals(data, path.edges, weights, notes, designation)
            schedule = self._path_schedule(
                data, path.edges, (travel_s, pass_time), start, ends, column
            )
            routes.append(
                Route(
                    designation=designation,
                    mode=data.mode,
                    edges=tuple(table.keys[e] for e in path.edges),
                    length_m=path.length_m,
                    driving_s=schedule.driving_s,
                    edge_times_s=tuple(float(travel_s[e]) for e in path.edges),
                    shared_with_msr=path.shared_with_best,
                    max_shared=path.max_shared,
                    refs=route_refs(table, path.edges),
                    classification=(
                        classify(table, path.edges, need) if data.mode == "road" else None
                    ),
                    structures=structures_crossed(schedule),
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
            origin=ends[0],
            destination=ends[1],
            vehicle=vehicles[0],
            moved_as=vehicles[1],
            requirements=need,
            column=column,
            routes=tuple(routes),
            notes=tuple(notes),
        )

    def _path_schedule(
        self,
        data: ModeData,
        edges: tuple[int, ...],
        times_s: tuple[NDArray[np.float64], NDArray[np.float64]],
        start: datetime,
        ends: tuple[NetworkPlace, NetworkPlace],
        column: Column | None,
    ) -> ColumnSchedule:
        """Return a found path's schedule (its travel and pass times), made once per column size.

        Only the path's own times, the start, the ends and (through the halts)
        the column's footprint change a schedule: equal march units share it.
        """
        travel_s, pass_time = times_s
        index = np.asarray(edges, dtype=np.int64)
        times = (travel_s[index].tobytes(), pass_time[index].tobytes())
        footprint = None if column is None else column_footprint(column)
        key = (data.mode, edges, *times, repr(start), ends[0].name, ends[1].name, footprint)
        if key not in self._schedules:
            self._schedules[key] = column_schedule(
                data.table,
                edges,
                travel_s,
                pass_time,
                start,
                data.points,
                origin_name=ends[0].name,
                destination_name=ends[1].name,
                halting=None if column is None else self._halting(data.table, edges, column),
            )
        return self._schedules[key]

    def _options(
        self,
        requested: VehicleType,
        moved: VehicleType,
        ends: tuple[NetworkPlace, NetworkPlace],
        mode: str,
    ) -> list[str]:
        """List what the planner may try where the limits cut every route."""
        options = []
        if mode == "road" and moved is requested and requested.tracked:
            try:
                carried = self.catalogue.loaded(requested)
            except DataError:
                carried = None
            if carried is not None:
                try:
                    self.route(ends[0].name, ends[1].name, carried, k=1)
                    options.append(f"HET transport ({carried.name!r} has a route)")
                except (InfeasibleError, DataError):
                    pass
        if mode == "road":
            options.append("rail (mobility route --mode rail between rail terminals)")
        options.append("a bridge or tunnel exemption from the road authority")
        return options


def _transporter_note(requested: VehicleType, moved: VehicleType) -> str:
    return (
        f"{requested.name!r} rides a heavy equipment transporter on public roads: "
        f"routed as {moved.name!r} (MLC {moved.mlc} wheeled, {moved.height_m:g} m high, "
        f"{moved.weight_t:g} t)"
    )
