"""What a perturbation does to the corridors: throughput, re-routing, stranded pairs.

:class:`StressContext` holds what every stress run reuses, built once per
network (and once per worker process in a sweep): the edge tables, the
capacities of every edge, one path engine per vehicle class with its
baseline routes, and the elements that can fail. :meth:`StressContext.evaluate`
applies a perturbation to copies of the arrays only (the network is never
touched) and measures:

- corridor throughput (vehicles a day) as a maximum flow from the ports to
  the border crossings, road and rail, and on the road per vehicle class,
  with the minimum cut named (:mod:`mobility.stress._throughput`);
- per origin-destination pair and vehicle class, the fastest route's length
  and time against the baseline, or that it is stranded (no feasible route).

Re-routing sets the closed edges' weights to infinity in place on the
class's :class:`~mobility.routing.engine.PathEngine` (scipy's Dijkstra);
pairs whose baseline route avoids every closed edge keep it (removing edges
never shortens a path), so only the affected origins are re-run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mobility.model.vehicle import VehicleCatalogue
from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import ShortestPaths
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router
from mobility.stress._measures import CorridorThroughput, CutItem, Impact, RouteChange
from mobility.stress._resolved import Resolved
from mobility.stress._throughput import KnownFlow, max_flow
from mobility.stress.capacity import (
    CapacityModel,
    rail_capacity_veh_per_day,
    road_capacity_veh_per_day,
)
from mobility.stress.perturbation import Perturbation

logger = logging.getLogger(__name__)

#: Vehicle classes whose routes are measured by default: a wheeled truck, a
#: medium armoured vehicle, a main battle tank on its transporter and an
#: ammunition truck (barred from tunnels of category C-E).
DEFAULT_VEHICLES = ("man-hx2-6x6", "boxer-apc", "leopard-2a7", "ammunition-truck-1-1")
TRAIN = "military-train"


@dataclass(frozen=True)
class Element:
    """A logical network element that can fail, both directions and carriageways.

    A bridge or tunnel (:mod:`mobility.network.structures`), or a road or
    rail section between two junctions (:mod:`mobility.network.sections`):
    what planners close and what the criticality ranking lists, however many
    OSM ways it is mapped with.

    Attributes
    ----------
    mode
        ``road`` or ``rail``.
    id
        Position among the mode's elements (stable for one network).
    name
        Unique name, e.g. ``Moerdijkbrug`` or ``A12 between Zoetermeer and Nootdorp``.
    ref
        Road ref (empty where none).
    kind
        ``bridge``, ``tunnel``, ``road`` or ``rail``.
    edges
        Edge table indices.
    length_m
        Length (one direction).
    ways
        OSM way ids, sorted.
    """

    mode: str
    id: int
    name: str
    ref: str
    kind: str
    edges: tuple[int, ...]
    length_m: float
    ways: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        """How a perturbation names exactly this element (its unique name)."""
        return self.name

    def describe(self) -> str:
        """E.g. ``Moerdijkbrug (bridge, A16, way 1559)``, ``A12 between X and Y (road, 4 ways)``."""
        name, _, way = self.name.partition(" (way ")
        parts = [self.kind]
        if self.ref and self.ref not in name:
            parts.append(self.ref)
        if way:
            parts.append(f"way {way.rstrip(')')}")
        elif len(self.ways) == 1:
            parts.append(f"way {self.ways[0]}")
        elif self.ways:
            parts.append(f"{len(self.ways)} ways")
        return f"{name} ({', '.join(parts)})"


@dataclass
class _Class:
    vehicle: str
    feasible: NDArray[np.bool_]
    weights: NDArray[np.float64]
    capacity: NDArray[np.float64]
    engine: ShortestPaths
    pairs: list[tuple[NetworkPlace, NetworkPlace]]
    base: dict[tuple[str, str], tuple[float, float, NDArray[np.int64]] | None] = field(
        default_factory=dict
    )


@dataclass
class _Mode:
    mode: str
    table: EdgeTable
    capacity: NDArray[np.float64]
    sources: list[tuple[NetworkPlace, float]]
    sinks: list[NetworkPlace]
    classes: list[_Class]
    elements: list[Element]
    element_of_edge: NDArray[np.int64]
    node_names: dict[int, str]
    base_flow: dict[str, int] = field(default_factory=dict)
    #: The baseline's maximum flows: reused where a closure leaves them feasible.
    base_known: dict[str, KnownFlow] = field(default_factory=dict)


class StressContext:
    """Network, capacities, engines and baseline routes shared by every stress run.

    Parameters
    ----------
    network
        The corridor network (never modified).
    vehicles
        Vehicle classes (catalogue ids or names) whose road routes and
        throughput are measured; rail is measured for one military train.
    capacity
        Capacity assumptions.
    catalogue
        Vehicle types (the embedded catalogue by default).
    corridors
        Measure only ports, crossings and elements of these corridors
        (default: all); routes may still leave them.
    """

    def __init__(
        self,
        network: Network,
        *,
        vehicles: Sequence[str] = DEFAULT_VEHICLES,
        capacity: CapacityModel | None = None,
        catalogue: VehicleCatalogue | None = None,
        corridors: Sequence[str] | None = None,
    ) -> None:
        self.network = network
        self.router = Router(network, catalogue)
        self.capacity = capacity or CapacityModel()
        self.corridors = tuple(corridors) if corridors else ()
        self.vehicles = tuple(self.router.catalogue.get(v).id for v in vehicles)
        self.places = list(network.places)
        self._corridor_places = {p.id: p for p in network.corridors.places}
        self.modes = {mode: self._build_mode(mode) for mode in ("road", "rail")}
        self._baseline: Impact | None = None
        self._baseline = self.evaluate(Perturbation(name="baseline"))
        for data in self.modes.values():
            for item in self._baseline.throughput:
                if item.key == data.mode or item.key.startswith(f"{data.mode}/"):
                    data.base_flow[item.key] = item.vehicles_per_day

    # --- construction -------------------------------------------------------------------

    def _in_focus(self, corridors: Iterable[str]) -> bool:
        return not self.corridors or bool(set(corridors) & set(self.corridors))

    def _build_mode(self, mode: str) -> _Mode:
        table = self.router.table(mode)
        attached = [
            p
            for p in self.places
            if p.mode == mode and p.node is not None and p.node in table.graph
        ]
        if mode == "road":
            origins = [p for p in attached if p.kind == "spod" and self._in_focus(p.corridors)]
            capacity = road_capacity_veh_per_day(table, self.capacity)
        else:
            origins = [
                p
                for p in attached
                if p.kind == "rail_terminal" and p.role != "ramp" and self._in_focus(p.corridors)
            ]
            capacity = rail_capacity_veh_per_day(table, self.capacity)
        sinks = [p for p in attached if p.kind == "bcp" and self._in_focus(p.corridors)]
        sources = [(p, self._source_capacity(p)) for p in origins]
        pairs = [(o, d) for o in origins for d in sinks]
        classes: list[_Class] = []
        if mode == "road":
            for vehicle_id in self.vehicles:
                moved = self.router.moved_as(self.router.catalogue.get(vehicle_id))
                need = Requirements.of([moved])
                found = self.router.vehicle_class(need, mode)
                classes.append(
                    _Class(
                        vehicle_id,
                        found.feasible,
                        found.weights,
                        road_capacity_veh_per_day(table, self.capacity, need.max_speed_kph),
                        found.engine,
                        pairs,
                    )
                )
        else:
            train = Requirements(label=TRAIN, max_speed_kph=self.router.speeds.rail_kph)
            found = self.router.vehicle_class(train, mode)
            classes.append(
                _Class(TRAIN, found.feasible, found.weights, capacity, found.engine, pairs)
            )
        elements, element_of_edge = _elements(table, mode, self._edge_focus(table))
        node_names: dict[int, str] = {}
        for place in attached:
            node_names.setdefault(table.index(place.node), place.name)
        data = _Mode(
            mode, table, capacity, sources, sinks, classes, elements, element_of_edge, node_names
        )
        for vehicle_class in classes:
            self._baseline_routes(data, vehicle_class)
        return data

    def _edge_focus(self, table: EdgeTable) -> NDArray[np.bool_]:
        if not self.corridors:
            return np.ones(table.n_edges, dtype=bool)
        wanted = set(self.corridors)
        return np.array(
            [
                bool(wanted & set(table.data(e).get("corridors") or ()))
                for e in range(table.n_edges)
            ],
            dtype=bool,
        )

    def _source_capacity(self, place: NetworkPlace) -> float:
        if place.kind == "spod":
            rate = self.capacity.port_rate_veh_per_h(place.place_id, place.name)
            return rate * self.capacity.road_hours_per_day
        configured = self._corridor_places.get(place.place_id)
        trains = None if configured is None else configured.capacity.get("trains_per_day")
        if trains is None:
            return float("inf")
        return self.capacity.train_vehicles_per_day(float(trains))

    def _baseline_routes(self, data: _Mode, vehicle_class: _Class) -> None:
        table = data.table
        vehicle_class.engine.set_weights(vehicle_class.weights)
        for origin in dict.fromkeys(o for o, _ in vehicle_class.pairs):
            source = table.index(origin.node)
            distances, predecessors = vehicle_class.engine.one_to_all(source)
            for o, destination in vehicle_class.pairs:
                if o is not origin:
                    continue
                target = table.index(destination.node)
                path = vehicle_class.engine.path_edges(predecessors, source, target)
                key = (origin.place_id, destination.place_id)
                if path is None or not np.isfinite(distances[target]):
                    vehicle_class.base[key] = None
                    continue
                edges = np.array(path, dtype=np.int64)
                vehicle_class.base[key] = (
                    float(table.length_m[edges].sum()),
                    float(distances[target]),
                    edges,
                )

    # --- queries ------------------------------------------------------------------------

    @property
    def baseline(self) -> Impact:
        """Impact of the empty perturbation (the reference of every other)."""
        assert self._baseline is not None
        return self._baseline

    def elements(self, mode: str | None = None) -> list[Element]:
        """Elements that can fail (in the focus corridors), road first."""
        modes = ("road", "rail") if mode is None else (mode,)
        return [e for m in modes for e in self.modes[m].elements]

    def evaluate(self, perturbation: Perturbation, *, run: int = 0) -> Impact:
        """Apply ``perturbation`` to copies of the arrays and measure it.

        Parameters
        ----------
        perturbation
            What to change.
        run
            Monte Carlo run: random failures draw with ``(seed, run)``.

        Raises
        ------
        ScenarioError
            If an element, port or crossing matches nothing in the network.
        """
        from mobility.stress._apply import resolve

        return self.measure(resolve(perturbation, self, run=run), perturbation.name)

    def measure(self, resolved: Resolved, name: str) -> Impact:
        """Measure an already resolved perturbation (see :mod:`mobility.stress._apply`)."""
        throughput: list[CorridorThroughput] = []
        routes: list[RouteChange] = []
        for mode, data in self.modes.items():
            removed = resolved.removed[mode]
            factor = resolved.factor[mode]
            keys = [(mode, data.capacity, np.ones(data.table.n_edges, dtype=bool))]
            if mode == "road":
                keys += [(f"road/{c.vehicle}", c.capacity, c.feasible) for c in data.classes]
            for key, capacity, usable in keys:
                throughput.append(
                    self._throughput(data, key, capacity, usable & ~removed, factor, resolved)
                )
            for vehicle_class in data.classes:
                routes.extend(self._routes(data, vehicle_class, removed, resolved))
        return Impact(
            perturbation=name,
            throughput=tuple(throughput),
            routes=tuple(routes),
            closed=tuple(resolved.closed),
            notes=tuple(resolved.notes),
        )

    def _throughput(
        self,
        data: _Mode,
        key: str,
        capacity: NDArray[np.float64],
        usable: NDArray[np.bool_],
        factor: NDArray[np.float64],
        resolved: Resolved,
    ) -> CorridorThroughput:
        table = data.table
        edge_cap = np.floor(np.where(usable, capacity * factor, 0.0)).astype(np.int64)
        sources: dict[int, int] = {}
        source_names: dict[int, list[NetworkPlace]] = {}
        for place, cap in data.sources:
            node = table.index(place.node)
            share = resolved.source_factor.get(place.place_id, 1.0)
            value = cap * share
            whole = 1 << 28 if not np.isfinite(value) else int(np.floor(value))
            sources[node] = min(sources.get(node, 0) + whole, 1 << 28)
            source_names.setdefault(node, []).append(place)
        sinks: dict[int, int] = {}
        sink_names: dict[int, list[NetworkPlace]] = {}
        inflow = np.bincount(
            table.v, weights=np.where(usable, capacity, 0.0), minlength=table.n_nodes
        )
        for place in data.sinks:
            node = table.index(place.node)
            share = resolved.sink_factor.get(place.place_id, 1.0)
            sinks[node] = sinks.get(node, 0) + int(np.floor(inflow[node] * share))
            sink_names.setdefault(node, []).append(place)
        known = data.base_known.get(key)
        result = max_flow(table.n_nodes, table.u, table.v, edge_cap, sources, sinks, known)
        if self._baseline is None:
            data.base_known[key] = KnownFlow(edge_cap, sources, sinks, result)
        cut: dict[str, CutItem] = {}
        for edge in result.cut_edges.tolist():
            element = (
                data.elements[int(data.element_of_edge[edge])]
                if data.element_of_edge[edge] >= 0
                else None
            )
            name = element.describe() if element else table.label(edge)
            item_key = element.text if element else f"edge {edge}"
            kind = element.kind if element else data.mode
            old = cut.get(item_key)
            capacity_sum = int(edge_cap[edge]) + (old.capacity_veh_per_day if old else 0)
            cut[item_key] = CutItem(name, kind, item_key, capacity_sum)
        for node in result.cut_sources:
            places = source_names[node]
            cut[places[0].place_id] = CutItem(
                " / ".join(p.name for p in places), "port", places[0].place_id, sources[node]
            )
        for node in result.cut_sinks:
            places = sink_names[node]
            cut[places[0].place_id] = CutItem(
                " / ".join(p.name for p in places), "crossing", places[0].place_id, sinks[node]
            )
        items = tuple(sorted(cut.values(), key=lambda c: (-c.capacity_veh_per_day, c.name, c.key)))
        base = (
            self.modes[data.mode].base_flow.get(key, result.value)
            if self._baseline is not None
            else result.value
        )
        return CorridorThroughput(key, result.value, base, items)

    def _routes(
        self, data: _Mode, vehicle_class: _Class, removed: NDArray[np.bool_], resolved: Resolved
    ) -> list[RouteChange]:
        table = data.table
        changes: list[RouteChange] = []
        weights: NDArray[np.float64] | None = None
        runs: dict[str, tuple[NDArray[np.float64], NDArray[np.int32]]] = {}
        for origin, destination in vehicle_class.pairs:
            base = vehicle_class.base.get((origin.place_id, destination.place_id))
            base_length = None if base is None else base[0]
            base_time = None if base is None else base[1]

            pair = (
                data.mode,
                vehicle_class.vehicle,
                origin.place_id,
                destination.place_id,
                base_length,
                base_time,
            )
            reason = resolved.place_reason(origin.place_id, destination.place_id)
            if reason:
                changes.append(RouteChange(*pair, None, None, reason))
                continue
            if base is None or not removed[base[2]].any():
                changes.append(RouteChange(*pair, base_length, base_time))
                continue
            source = table.index(origin.node)
            if origin.place_id not in runs:
                if weights is None:
                    weights = np.where(removed, np.inf, vehicle_class.weights)
                    vehicle_class.engine.set_weights(weights)
                runs[origin.place_id] = vehicle_class.engine.one_to_all(source)
            distances, predecessors = runs[origin.place_id]
            target = table.index(destination.node)
            if not np.isfinite(distances[target]):
                changes.append(RouteChange(*pair, None, None, "no feasible route"))
                continue
            path = vehicle_class.engine.path_edges(predecessors, source, target) or []
            length = float(table.length_m[np.array(path, dtype=np.int64)].sum()) if path else 0.0
            changes.append(RouteChange(*pair, length, float(distances[target])))
        return changes


def _elements(
    table: EdgeTable, mode: str, focus: NDArray[np.bool_]
) -> tuple[list[Element], NDArray[np.int64]]:
    """Logical elements: bridges and tunnels, then sections between junctions.

    On the rail every element has kind ``rail``.
    """
    element_of_edge = np.full(table.n_edges, -1, dtype=np.int64)
    elements: list[Element] = []
    groups: list[tuple[str, str, str, tuple[int, ...], float, tuple[int, ...]]] = [
        (s.kind if mode == "road" else "rail", s.name, s.ref, s.edges, s.length_m, s.ways)
        for s in table.structures.structures
    ]
    groups += [(mode, s.name, s.ref, s.edges, s.length_m, s.ways) for s in table.sections.sections]
    # Ordered by smallest way id: stable, and ties in rankings keep the map's order.
    groups.sort(key=lambda g: (min(g[5]) if g[5] else 1 << 62, g[1]))
    for kind, name, ref, edges, length_m, ways in groups:
        edge_array = np.array(edges, dtype=np.int64)
        if not len(edge_array) or not focus[edge_array].any():
            continue
        element_of_edge[edge_array] = len(elements)
        elements.append(
            Element(
                mode=mode,
                id=len(elements),
                name=name,
                ref=ref,
                kind=kind,
                edges=edges,
                length_m=length_m,
                ways=ways,
            )
        )
    return elements, element_of_edge
