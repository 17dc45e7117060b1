"""What the router returns: routes with their times, and the alternatives for one column.

:class:`Route` is one alternative (edges, length, times, classification and
the column's schedule); :class:`RoutePlan` holds a column's alternatives
between two places, best first (see :class:`~mobility.routing.router.Router`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString

from mobility.model.column import Column
from mobility.model.vehicle import VehicleType
from mobility.network.places import NetworkPlace
from mobility.routing._classification import Classification
from mobility.routing.column_timing import ColumnSchedule
from mobility.routing.requirements import Requirements


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
    def edge_data(self) -> list[dict[str, Any]]:
        """Attribute dict of each edge in the graph, in order."""
        return _edge_dicts(self.graph, self.edges)

    @cached_property
    def geometry(self) -> LineString:
        """WGS84 line of the route (built on first use)."""
        return _geometry(self.graph, self.edges)

    @cached_property
    def edge_entry_s(self) -> NDArray[np.float64]:
        """Seconds after the start at which the head enters each edge, halts included."""
        lengths = np.array([data.get("length_m", 0.0) for data in self.edge_data])
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
        for data, entry, seconds in zip(
            self.edge_data, self.edge_entry_s.tolist(), self.edge_times_s, strict=True
        ):
            ref = data.get("ref")
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


def _edge_dicts(
    graph: nx.MultiDiGraph, edges: tuple[tuple[int, int, int], ...]
) -> list[dict[str, Any]]:
    """Attribute dicts of ``edges``, read from networkx's adjacency dicts.

    About twice as fast as ``graph.edges[...]``, which goes through a view per
    lookup; country-size routes have thousands of edges (#13, speed only).
    """
    adjacency = graph._adj
    return [adjacency[u][v][key] for u, v, key in edges]


def _geometry(graph: nx.MultiDiGraph, edges: tuple[tuple[int, int, int], ...]) -> LineString:
    """Join the edges' lines end to end (a straight line where an edge has no geometry)."""
    if not edges:
        return LineString()
    lines = [data.get("geometry") for data in _edge_dicts(graph, edges)]
    missing = [index for index, line in enumerate(lines) if line is None]
    if missing:
        nodes = graph.nodes
        ends = [
            [(nodes[u]["x"], nodes[u]["y"]), (nodes[v]["x"], nodes[v]["y"])]
            for u, v, _ in (edges[index] for index in missing)
        ]
        straight = shapely.linestrings(np.array(ends, dtype=np.float64))
        for index, line in zip(missing, straight.tolist(), strict=True):
            lines[index] = line
    coords, part = shapely.get_coordinates(
        lines, include_z=bool(shapely.has_z(lines).any()), return_index=True
    )
    # Each line after the first starts where the one before it ends.
    starts = np.flatnonzero(np.diff(part)) + 1
    keep = np.ones(len(coords), dtype=bool)
    keep[starts] = False
    return shapely.LineString(coords[keep])
