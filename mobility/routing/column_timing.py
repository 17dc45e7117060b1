"""A column's timing along one route: checkpoints, halts, arrival and clearance.

The head of the column moves edge by edge at the column speed. The tail
passes a point one pass time after the head (road space over speed on that
road, plus the gaps between march units and serials). Halts follow
:class:`~mobility.routing.timing.HaltRules`, at halt sites that fit the
column (:mod:`mobility.routing._halt_choice`); where no site fits within the
limit, the halt stands where the limit falls with no site and a note that
explains it: such a schedule is not a plan (the scheduler refuses it).
Bridges and tunnels are occupied from the head entering the first edge of
the structure to the tail leaving its last.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from mobility.model.clock import add_seconds
from mobility.routing._halt_choice import Halt, HaltChooser, Halting
from mobility.routing.edges import EdgeTable

__all__ = ["Checkpoint", "ColumnSchedule", "Halt", "Halting", "RoutePoints", "column_schedule"]


@dataclass(frozen=True)
class Checkpoint:
    """A point of the route with the column's times there.

    Attributes
    ----------
    name
        Junction, structure, place or border name.
    kind
        ``origin``, ``junction``, ``bridge``, ``tunnel``, ``border``,
        ``support_centre`` or ``destination``.
    node
        Graph node where the checkpoint lies (the start of a structure).
    distance_m
        Distance from the origin.
    arrive, clear
        When the head arrives and the tail has passed.
    detail
        Limits of a structure, e.g. ``MLC 60``.
    lon, lat
        WGS84 position of the node.
    leave
        When the tail leaves the whole structure (bridges and tunnels; else
        ``clear``): the structure is occupied from ``arrive`` to ``leave``.
    element
        The structure and direction crossed, ``<structure name>/<direction>``
        (bridges and tunnels; else empty).
    """

    name: str
    kind: str
    node: int
    distance_m: float
    arrive: datetime
    clear: datetime
    detail: str = ""
    lon: float = float("nan")
    lat: float = float("nan")
    leave: datetime | None = None
    element: str = ""

    @property
    def occupied_until(self) -> datetime:
        """End of the occupation: ``leave`` for a structure, else ``clear``."""
        return self.leave if self.leave is not None else self.clear


@dataclass(frozen=True)
class ColumnSchedule:
    """Checkpoints and halts of a column on a route.

    Attributes
    ----------
    start
        When the head leaves the origin.
    arrive, clear
        When the head reaches the destination and the tail clears it.
    driving_s
        Time the head spends moving.
    checkpoints, halts
        In route order.
    """

    start: datetime
    arrive: datetime
    clear: datetime
    driving_s: float
    checkpoints: tuple[Checkpoint, ...]
    halts: tuple[Halt, ...]

    @property
    def unsited_halts(self) -> tuple[Halt, ...]:
        """Halts for which no site fits the column (the schedule breaks a rule there)."""
        return tuple(h for h in self.halts if not h.site_kind)


@dataclass(frozen=True)
class RoutePoints:
    """Named points of a network that a schedule reports, by node index.

    Attributes
    ----------
    names
        Node index to name (junctions, stations, places).
    kinds
        Node index to checkpoint kind (``junction``, ``border``,
        ``support_centre``, ``station``).
    structure_details
        Text per element id for bridges and tunnels (their limits).
    """

    names: Mapping[int, str]
    kinds: Mapping[int, str]
    structure_details: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Along:
    """The route's edge data by position, as plain lists (the loop runs per edge and route).

    ``elapsed_before`` and ``remaining_after`` have one more entry than the
    route has edges (its end).
    """

    travel: list[float]
    node_indices: list[int]
    node_ids: list[int]
    passes: list[float]
    lengths: list[float]
    elements: list[int]
    crossings: list[int]
    elapsed_before: list[float]
    remaining_after: list[float]


def _along(
    table: EdgeTable,
    edges: Sequence[int],
    travel_s: NDArray[np.float64],
    pass_time_s: NDArray[np.float64],
) -> _Along:
    index = np.asarray(edges, dtype=np.int64)
    route_travel = np.asarray(travel_s[index], dtype=np.float64)
    return _Along(
        travel=route_travel.tolist(),
        node_indices=table.u[index].tolist(),
        node_ids=table.nodes[table.u[index]].tolist(),
        passes=np.asarray(pass_time_s[index], dtype=np.float64).tolist(),
        lengths=table.length_m[index].tolist(),
        elements=table.element[index].tolist(),
        crossings=table.structures.of_edge[index].tolist(),
        elapsed_before=np.concatenate([[0.0], np.cumsum(route_travel)]).tolist(),
        remaining_after=np.concatenate([np.cumsum(route_travel[::-1])[::-1], [0.0]]).tolist(),
    )


def column_schedule(
    table: EdgeTable,
    edges: Sequence[int],
    travel_s: NDArray[np.float64],
    pass_time_s: NDArray[np.float64],
    start: datetime,
    points: RoutePoints,
    *,
    origin_name: str,
    destination_name: str,
    halting: Halting | None = None,
) -> ColumnSchedule:
    """Schedule a column along ``edges`` from ``start``.

    Parameters
    ----------
    table
        Edges of the graph.
    edges
        The route (table edge indices, in order; not empty).
    travel_s
        Head travel time of every table edge.
    pass_time_s
        Pass time of the column on every table edge.
    start
        Departure of the head from the origin (timezone-aware).
    points
        Named points and structure limits of the network.
    origin_name, destination_name
        Names of the two ends.
    halting
        Halt rules, sites along the route and the column's footprint;
        ``None`` for trains, which follow their own path timetable and do
        not halt.
    """
    timeline = _Timeline(table, _along(table, edges, travel_s, pass_time_s), points, start)
    chooser = None
    if halting is not None:
        along = timeline.along
        chooser = HaltChooser(
            halting,
            elapsed_before=along.elapsed_before,
            remaining_after=along.remaining_after,
            at=timeline.at,
            lon_lat=timeline.lon_lat,
        )
    clock_s, distance_m, driving_s = timeline.drive(edges, origin_name, chooser)
    last = edges[-1]
    end_node = int(table.nodes[int(table.v[last])])
    lon, lat = timeline.lon_lat(end_node)
    timeline.checkpoints.append(
        Checkpoint(
            name=destination_name,
            kind="destination",
            node=end_node,
            distance_m=distance_m,
            arrive=timeline.at(clock_s),
            clear=timeline.at(clock_s + pass_time_s[last]),
            lon=lon,
            lat=lat,
        )
    )
    return ColumnSchedule(
        start=start,
        arrive=timeline.at(clock_s),
        clear=timeline.at(clock_s + pass_time_s[last]),
        driving_s=driving_s,
        checkpoints=tuple(timeline.checkpoints),
        halts=tuple(timeline.halts),
    )


class _Timeline:
    """The head's drive along a route: checkpoints and halts as they come."""

    def __init__(
        self, table: EdgeTable, along: _Along, points: RoutePoints, start: datetime
    ) -> None:
        self.table = table
        self.along = along
        self.points = points
        self.start = start
        self.checkpoints: list[Checkpoint] = []
        self.halts: list[Halt] = []
        # A route occupies a structure once, from entering its first edge to leaving its last.
        self.last_crossing = {c: p for p, c in enumerate(along.crossings) if c >= 0}
        self.open_structures: dict[int, int] = {}

    def at(self, seconds: float) -> datetime:
        """Time ``seconds`` after the start."""
        return add_seconds(self.start, seconds)

    def lon_lat(self, node: int) -> tuple[float, float]:
        """WGS84 position of graph node ``node``."""
        data = self.table.graph.nodes[node]
        return float(data["x"]), float(data["y"])

    def drive(
        self, edges: Sequence[int], origin_name: str, chooser: HaltChooser | None
    ) -> tuple[float, float, float]:
        """Drive every edge; return the clock, distance and driving time at the end."""
        along, points = self.along, self.points
        clock_s = distance_m = driving_s = 0.0
        for position, edge in enumerate(edges):
            node_index = along.node_indices[position]
            node = along.node_ids[position]
            departs_s = clock_s
            if position > 0 and chooser is not None:
                halted = chooser.halt_at(
                    position,
                    next_edge_s=along.travel[position],
                    node=node,
                    distance_m=distance_m,
                    clock_s=clock_s,
                )
                if halted is not None:
                    self.halts.append(halted[0])
                    departs_s = halted[1]
            kind_here = points.kinds.get(node_index)
            if position == 0 or kind_here is not None:
                lon, lat = self.lon_lat(node)
                self.checkpoints.append(
                    Checkpoint(
                        name=origin_name if position == 0 else points.names[node_index],
                        kind="origin" if position == 0 else str(kind_here),
                        node=node,
                        distance_m=distance_m,
                        arrive=self.at(clock_s),
                        clear=self.at(departs_s + along.passes[position]),
                        lon=lon,
                        lat=lat,
                    )
                )
            self._enter_structure(position, edge, node, distance_m, departs_s)
            step_s = along.travel[position]
            clock_s = departs_s + step_s
            self._leave_structure(position, clock_s)
            driving_s += step_s
            if chooser is not None:
                chooser.drove(step_s)
            distance_m += along.lengths[position]
        return clock_s, distance_m, driving_s

    def _enter_structure(
        self, position: int, edge: int, node: int, distance_m: float, departs_s: float
    ) -> None:
        """Add a checkpoint where the route enters a bridge or tunnel (once per structure)."""
        crossed = self.along.crossings[position]
        if crossed < 0 or crossed in self.open_structures:
            return
        structure_index = self.table.structures
        structure = structure_index.structures[crossed]
        details = self.points.structure_details
        self.open_structures[crossed] = len(self.checkpoints)
        passes = self.along.passes
        lon, lat = self.lon_lat(node)
        self.checkpoints.append(
            Checkpoint(
                name=structure.name,
                kind=structure.kind,
                node=node,
                distance_m=distance_m,
                arrive=self.at(departs_s),
                clear=self.at(departs_s + passes[position]),
                # Limits of every way of the structure (pieces may differ).
                detail=" / ".join(
                    dict.fromkeys(d for way in structure.ways if (d := details.get(way, "")))
                )
                or details.get(self.along.elements[position], ""),
                lon=lon,
                lat=lat,
                element=f"{structure.name}/{structure_index.direction_of_edge[edge]}",
            )
        )

    def _leave_structure(self, position: int, clock_s: float) -> None:
        """Mark when the tail leaves a structure: one pass time after the head leaves it."""
        crossed = self.along.crossings[position]
        if crossed >= 0 and self.last_crossing[crossed] == position:
            at_entry = self.open_structures[crossed]
            self.checkpoints[at_entry] = replace(
                self.checkpoints[at_entry], leave=self.at(clock_s + self.along.passes[position])
            )
