"""What the router keeps per mode: the edge table, its named points and turn arcs.

Built once per :class:`~mobility.routing.router.Router` and mode from the
loaded network: the edge table, the checkpoints a schedule reports (places,
junctions, stations) with the limits of every bridge and tunnel, the place
index, the turn arcs of the mode's turn rules, and the caches of vehicle
classes and of the edges out of service per day. The first four depend only
on the network's graph, places and the turn rules: they are built once per
network and shared by every router on it (the planner's and its self-check's,
#13); the caches stay each router's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.network.build import haversine_m
from mobility.network.load import Network
from mobility.routing._vehicle_class import OutOfService, VehicleClass
from mobility.routing.column_timing import RoutePoints
from mobility.routing.edges import EdgeTable
from mobility.routing.elements import network_table
from mobility.routing.engine import PathEngine, ShortestPaths
from mobility.routing.requirements import Requirements
from mobility.routing.resolve import PlaceIndex
from mobility.routing.timing import MarchSpeeds, column_speeds_kph, travel_times_s
from mobility.routing.turn_engine import TurnPathEngine
from mobility.routing.turns import TurnArcs, TurnRules, turn_arcs

#: Checkpoint kind of a place kind.
POINT_KIND = {
    "junction": "junction",
    "bcp": "border",
    "csc": "support_centre",
    "spod": "port",
    "rail_terminal": "terminal",
    "station": "station",
}


@dataclass
class ModeData:
    """The router's data for one mode.

    Attributes
    ----------
    mode
        ``road`` or ``rail``.
    table
        Edge table of the mode's graph.
    points
        Named points and structure limits that schedules report.
    place_index
        Places of the mode by name and id.
    arcs
        Turn arcs of the mode's turn rules (``None``: routed on nodes).
    classes
        Vehicle classes per (envelope, edges out of service).
    closed_classes
        Vehicle classes per (envelope, closure set, edges out of service).
    """

    mode: str
    table: EdgeTable
    points: RoutePoints
    place_index: PlaceIndex
    arcs: TurnArcs | None = None
    classes: dict[tuple[Requirements, tuple[int, ...]], VehicleClass] = field(default_factory=dict)
    closed_classes: dict[tuple[Requirements, tuple[str, ...], tuple[int, ...]], VehicleClass] = (
        field(default_factory=dict)
    )
    #: Edges out of service per service period of the table (``None``: all in service).
    service: dict[int | None, OutOfService] = field(default_factory=dict)
    #: Column speeds and head edge times per (top speed, march speeds) (:meth:`column_times`).
    speed_times: dict[tuple[float, MarchSpeeds], tuple[NDArray[np.float64], ...]] = field(
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

    def path_engine(self, edges: NDArray[np.int64], weights: NDArray[np.float64]) -> ShortestPaths:
        """Return a path engine over ``edges`` of the table (turn-aware where ruled)."""
        table = self.table
        if self.arcs is None:
            return PathEngine(table.n_nodes, table.u, table.v, edges, weights)
        return TurnPathEngine(table.n_nodes, table.u, table.v, edges, weights, self.arcs)

    def column_times(
        self, max_speed_kph: float, speeds: MarchSpeeds
    ) -> tuple[NDArray[np.float64], ...]:
        """Column speeds (km/h) and head edge times (s) on every road edge, once per top speed.

        The same as a road vehicle class of that top speed has them
        (:func:`~mobility.routing._vehicle_class.build_class`), without its
        feasible edges and path engine.
        """
        key = (max_speed_kph, speeds)
        if key not in self.speed_times:
            speeds_kph = column_speeds_kph(self.table, max_speed_kph, speeds)
            self.speed_times[key] = (speeds_kph, travel_times_s(self.table, speeds_kph))
        return self.speed_times[key]

    def out_of_service(self, day: date | None) -> OutOfService:
        """Edges out of service on ``day`` (``None``: none), computed once per service period.

        Every day between two dates on which some element enters or leaves
        service has the same edges out of service, so repeated routes reuse
        the mask and its key instead of comparing every edge's dates again.
        """
        period = None if day is None else self.table.service_period(day)
        if period not in self.service:
            if day is None:
                mask = np.zeros(self.table.n_edges, dtype=bool)
            else:
                mask = self.table.closed_on(day)
            self.service[period] = OutOfService.of(mask)
        return self.service[period]


@dataclass(frozen=True)
class _SharedParts:
    """What :func:`mode_data` builds from a network's graph and places alone."""

    graph: object
    places: object
    table: EdgeTable
    points: RoutePoints
    place_index: PlaceIndex
    arcs: TurnArcs | None


#: Where a network keeps its shared parts, in its ``__dict__`` (not a dataclass
#: field: the network cache does not store them).
_SHARED_KEY = "_mode_parts"


def mode_data(network: Network, mode: str, rules: TurnRules | None) -> ModeData:
    """Return the data of ``mode`` (``road`` or ``rail``) with its turn rules.

    The edge table, points, place index and turn arcs are built once per
    network, mode and rules (while the network keeps the same graph and
    places) and shared; the vehicle-class and service caches are new.
    """
    shared: dict[tuple[str, TurnRules | None], _SharedParts]
    shared = network.__dict__.setdefault(_SHARED_KEY, {})
    parts = shared.get((mode, rules))
    graph = network.road if mode == "road" else network.rail
    if parts is None or parts.graph is not graph or parts.places is not network.places:
        parts = shared[(mode, rules)] = _shared_parts(network, mode, rules)
    return ModeData(
        mode=mode,
        table=parts.table,
        points=parts.points,
        place_index=parts.place_index,
        arcs=parts.arcs,
    )


def _shared_parts(network: Network, mode: str, rules: TurnRules | None) -> _SharedParts:
    """Build the parts of :func:`mode_data` that depend only on the network and rules."""
    table = network_table(network, mode)
    names: dict[int, str] = {}
    kinds: dict[int, str] = {}
    for place in network.places:
        if place.mode != mode or place.node is None:
            continue
        index = table.index(place.node)
        kind = POINT_KIND[place.kind]
        if place.role == "border_crossing":
            kind = "border"
        # Corridor places win over junction and station names at a node.
        if index not in names or place.place_id:
            names[index], kinds[index] = place.name, kind
    arcs = None
    if rules is not None:
        arcs = turn_arcs(table, rules, reverse_nodes(network, mode, table, rules))
    return _SharedParts(
        graph=network.road if mode == "road" else network.rail,
        places=network.places,
        table=table,
        points=RoutePoints(names, kinds, structure_details(table)),
        place_index=PlaceIndex(network.places, mode),
        arcs=arcs,
    )


def reverse_nodes(network: Network, mode: str, table: EdgeTable, rules: TurnRules) -> list[int]:
    """Node indices where the turn rules allow a reversal.

    Raises
    ------
    DataError
        If a ``node:<id>`` of the rules is not a node of the graph.
    """
    places = [
        place
        for place in network.places
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
            near = haversine_m(lon, lat, np.full_like(lon, place.lon), np.full_like(lat, place.lat))
            nodes.update(np.flatnonzero(near <= rules.reverse_within_m).tolist())
    return sorted(nodes)


def structure_details(table: EdgeTable) -> dict[int, str]:
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
