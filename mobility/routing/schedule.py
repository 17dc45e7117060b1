"""A column's schedule along one route: checkpoints, halts, arrival and clearance.

The head of the column moves edge by edge at the column speed. The tail
passes a point one pass time after the head (road space over speed on that
road, plus the gaps between march units and serials). Halts follow
:class:`~mobility.routing.timing.HaltRules`: a halt at most every two hours
of driving, taken at the last convoy support centre or staging area before
the limit when the route passes one, else at the roadside junction where the
limit falls; a halt that the next stretch would push past 4.5 h of driving
becomes a 45-minute break, past 9 h a day an 11-hour daily rest (EU 561/2006).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from mobility.model.clock import add_seconds
from mobility.routing.edges import EdgeTable
from mobility.routing.timing import HaltRules


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
class Halt:
    """A halt of the whole column.

    Attributes
    ----------
    name
        Place of the halt (a support centre, or the junction at the roadside).
    kind
        ``short``, ``break`` (EU 561/2006 45 min) or ``daily_rest``.
    node, distance_m
        Where the head halts.
    start, end
        When the head stops and moves on.
    at_support_centre
        Whether the halt is at a convoy support centre or staging area.
    lon, lat
        WGS84 position of the node.
    """

    name: str
    kind: str
    node: int
    distance_m: float
    start: datetime
    end: datetime
    at_support_centre: bool
    lon: float = float("nan")
    lat: float = float("nan")


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
    halt_places
        Node indices where a column may halt (support centres, staging).
    """

    names: Mapping[int, str]
    kinds: Mapping[int, str]
    halt_places: frozenset[int]


def _halt_kind(
    rules: HaltRules, since_break_s: float, today_s: float, next_stretch_s: float
) -> str:
    if today_s + next_stretch_s > rules.daily_driving_s:
        return "daily_rest"
    if since_break_s + next_stretch_s > rules.break_after_s:
        return "break"
    return "short"


def column_schedule(
    table: EdgeTable,
    edges: Sequence[int],
    travel_s: NDArray[np.float64],
    pass_time_s: NDArray[np.float64],
    start: datetime,
    points: RoutePoints,
    origin_name: str,
    destination_name: str,
    rules: HaltRules | None = None,
    structure_detail: Mapping[int, str] | None = None,
    halts_enabled: bool = True,
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
        Named points and halt places of the network.
    origin_name, destination_name
        Names of the two ends.
    rules
        Halt rules; defaults to :class:`HaltRules`.
    structure_detail
        Text per element id for bridges and tunnels (their limits).
    halts_enabled
        ``False`` for trains, which follow their own path timetable.
    """
    rules = rules or HaltRules()
    structure_detail = structure_detail or {}
    index = np.asarray(edges, dtype=np.int64)
    route_travel = np.asarray(travel_s[index], dtype=np.float64)
    remaining_after = np.concatenate([np.cumsum(route_travel[::-1])[::-1], [0.0]]).tolist()
    elapsed_before = np.concatenate([[0.0], np.cumsum(route_travel)]).tolist()
    # Plain lists: the loop below runs per edge and per route.
    travel = route_travel.tolist()
    node_indices = table.u[index].tolist()
    node_ids = table.nodes[table.u[index]].tolist()
    passes = np.asarray(pass_time_s[index], dtype=np.float64).tolist()
    lengths = table.length_m[index].tolist()
    elements = table.element[index].tolist()
    structure_index = table.structures
    crossings = structure_index.of_edge[index].tolist()
    # A route occupies a structure once, from entering its first edge to leaving its last.
    last_crossing = {c: p for p, c in enumerate(crossings) if c >= 0}
    open_structures: dict[int, int] = {}
    halt_positions = [i for i, n in enumerate(node_indices) if n in points.halt_places]

    def at(seconds: float) -> datetime:
        return add_seconds(start, seconds)

    def lon(node: int) -> float:
        return float(table.graph.nodes[node]["x"])

    def lat(node: int) -> float:
        return float(table.graph.nodes[node]["y"])

    checkpoints: list[Checkpoint] = []
    halts: list[Halt] = []
    clock_s = distance_m = driving_s = 0.0
    since_halt_s = since_break_s = today_s = 0.0
    for position, edge in enumerate(edges):
        node_index = node_indices[position]
        node = node_ids[position]
        departs_s = clock_s
        remaining_s = remaining_after[position]
        finishing = (
            since_halt_s + remaining_s <= rules.halt_every_s + rules.finish_grace_s
            and since_break_s + remaining_s <= rules.break_after_s
            and today_s + remaining_s <= rules.daily_driving_s
        )
        if position > 0 and halts_enabled and not finishing:
            must_halt = since_halt_s + travel[position] > rules.halt_every_s
            next_halt_place = next((p for p in halt_positions if p > position), None)
            to_next_place_s = (
                elapsed_before[next_halt_place] - elapsed_before[position]
                if next_halt_place is not None
                else np.inf
            )
            early_at_place = (
                node_index in points.halt_places
                and since_halt_s >= rules.earliest_halt_s
                and since_halt_s + to_next_place_s > rules.halt_every_s
            )
            if must_halt or early_at_place:
                next_stretch = min(rules.halt_every_s, remaining_s)
                kind = _halt_kind(rules, since_break_s, today_s, next_stretch)
                length_s = {
                    "short": rules.short_halt_s,
                    "break": rules.break_s,
                    "daily_rest": rules.daily_rest_s,
                }[kind]
                halts.append(
                    Halt(
                        name=points.names.get(
                            node_index, f"roadside at km {distance_m / 1000:.1f}"
                        ),
                        kind=kind,
                        node=node,
                        distance_m=distance_m,
                        start=at(clock_s),
                        end=at(clock_s + length_s),
                        at_support_centre=node_index in points.halt_places,
                        lon=lon(node),
                        lat=lat(node),
                    )
                )
                departs_s = clock_s + length_s
                since_halt_s = 0.0
                if kind != "short":
                    since_break_s = 0.0
                if kind == "daily_rest":
                    today_s = 0.0
        kind_here = points.kinds.get(node_index)
        if position == 0 or kind_here is not None:
            checkpoints.append(
                Checkpoint(
                    name=origin_name if position == 0 else points.names[node_index],
                    kind="origin" if position == 0 else str(kind_here),
                    node=node,
                    distance_m=distance_m,
                    arrive=at(clock_s),
                    clear=at(departs_s + passes[position]),
                    lon=lon(node),
                    lat=lat(node),
                )
            )
        crossed = crossings[position]
        if crossed >= 0 and crossed not in open_structures:
            structure = structure_index.structures[crossed]
            open_structures[crossed] = len(checkpoints)
            checkpoints.append(
                Checkpoint(
                    name=structure.name,
                    kind=structure.kind,
                    node=node,
                    distance_m=distance_m,
                    arrive=at(departs_s),
                    clear=at(departs_s + passes[position]),
                    # Limits of every way of the structure (pieces may differ).
                    detail=" / ".join(
                        dict.fromkeys(
                            d for way in structure.ways if (d := structure_detail.get(way, ""))
                        )
                    )
                    or structure_detail.get(elements[position], ""),
                    lon=lon(node),
                    lat=lat(node),
                    element=f"{structure.name}/{structure_index.direction_of_edge[edge]}",
                )
            )
        step_s = travel[position]
        clock_s = departs_s + step_s
        if crossed >= 0 and last_crossing[crossed] == position:
            # The tail leaves the structure one pass time after the head leaves it.
            at_entry = open_structures[crossed]
            checkpoints[at_entry] = replace(
                checkpoints[at_entry], leave=at(clock_s + passes[position])
            )
        driving_s += step_s
        since_halt_s += step_s
        since_break_s += step_s
        today_s += step_s
        distance_m += lengths[position]
    last = edges[-1]
    end_node = int(table.nodes[int(table.v[last])])
    checkpoints.append(
        Checkpoint(
            name=destination_name,
            kind="destination",
            node=end_node,
            distance_m=distance_m,
            arrive=at(clock_s),
            clear=at(clock_s + pass_time_s[last]),
            lon=lon(end_node),
            lat=lat(end_node),
        )
    )
    return ColumnSchedule(
        start=start,
        arrive=at(clock_s),
        clear=at(clock_s + pass_time_s[last]),
        driving_s=driving_s,
        checkpoints=tuple(checkpoints),
        halts=tuple(halts),
    )
