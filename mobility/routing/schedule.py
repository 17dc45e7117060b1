"""A column's schedule along one route: checkpoints, halts, arrival and clearance.

The head of the column moves edge by edge at the column speed. The tail
passes a point one pass time after the head (road space over speed on that
road, plus the gaps between march units and serials). Halts follow
:class:`~mobility.routing.timing.HaltRules`: a halt at most every two hours
of driving, taken only at a halt site that fits the column (support centre,
staging area, rest, service or truck-parking area; see
:mod:`mobility.routing.halt_sites`): the last one before the limit, or an
earlier one when the next that fits lies beyond the limit (the halt is then
*moved earlier*, and its note says why). Where no site fits within the
limit, the halt stands where the limit falls with no site and a note that
explains it: such a schedule is not a plan (the scheduler refuses it). A
halt that the next stretch would push past 4.5 h of driving becomes a
45-minute break, past 9 h a day an 11-hour daily rest (EU 561/2006); a
daily rest needs a site's overnight capacity. The drive to a site and back
is part of the halt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from mobility.model.clock import add_seconds
from mobility.routing.edges import EdgeTable
from mobility.routing.halt_sites import ColumnFootprint, RouteSite
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
        The halt site, or ``no halt site (roadside at km ...)``.
    kind
        ``short``, ``break`` (EU 561/2006 45 min) or ``daily_rest``.
    node, distance_m
        Where the head leaves the route for the site.
    start, end
        When the head stops and moves on (the drive to the site and back included).
    at_support_centre
        Whether the halt is at a convoy support centre or staging area.
    lon, lat
        WGS84 position of the site (of the node where there is none).
    site_kind
        Kind of the site (``support_centre``, ``staging``, ``services``,
        ``rest_area``, ``truck_parking``); ``""`` where no site fits.
    site_id
        Id of the site.
    detour_s
        Drive from the route to the site and back.
    note
        Why the halt is here: the last site that fits before the limit, moved
        earlier because the next that fits is too far, or why no site fits.
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
    site_kind: str = ""
    site_id: str = ""
    detour_s: float = 0.0
    note: str = ""


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
    """

    names: Mapping[int, str]
    kinds: Mapping[int, str]


def _halt_kind(
    rules: HaltRules, since_break_s: float, today_s: float, next_stretch_s: float
) -> str:
    if today_s + next_stretch_s > rules.daily_driving_s:
        return "daily_rest"
    if since_break_s + next_stretch_s > rules.break_after_s:
        return "break"
    return "short"


def _hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}h{minutes % 60:02d}"


@dataclass
class _Driver:
    """Driving since the last halt, the last break and the last daily rest (s)."""

    since_halt_s: float = 0.0
    since_break_s: float = 0.0
    today_s: float = 0.0

    def kind_after(self, rules: HaltRules, drive_s: float, next_stretch_s: float) -> str:
        """Kind of a halt taken after ``drive_s`` more seconds of driving."""
        return _halt_kind(
            rules, self.since_break_s + drive_s, self.today_s + drive_s, next_stretch_s
        )


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
    sites: Sequence[RouteSite] = (),
    footprint: ColumnFootprint | None = None,
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
        Named points of the network.
    origin_name, destination_name
        Names of the two ends.
    rules
        Halt rules; defaults to :class:`HaltRules`.
    structure_detail
        Text per element id for bridges and tunnels (their limits).
    halts_enabled
        ``False`` for trains, which follow their own path timetable.
    sites
        Halt sites snapped to this route
        (:func:`~mobility.routing.halt_sites.snap_sites`).
    footprint
        Vehicles and parking area of the column, against which sites are
        checked (default: one vehicle on no ground, which fits any site of
        known size).
    """
    rules = rules or HaltRules()
    structure_detail = structure_detail or {}
    footprint = footprint or ColumnFootprint(1, 0.0)
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
    limit_text = _hours(rules.halt_every_s)

    def at(seconds: float) -> datetime:
        return add_seconds(start, seconds)

    def lon(node: int) -> float:
        return float(table.graph.nodes[node]["x"])

    def lat(node: int) -> float:
        return float(table.graph.nodes[node]["y"])

    def fitting(position: int, kind: str) -> RouteSite | None:
        """Return the best site at ``position`` that fits the column for a halt of ``kind``."""
        for candidate in sites:
            if candidate.position == position and not candidate.site.misfit(
                footprint, kind == "daily_rest"
            ):
                return candidate
        return None

    def next_fitting(position: int, driver: _Driver) -> tuple[RouteSite, float] | None:
        """Return the next site after ``position`` that fits, and the drive to it."""
        for candidate in sites:
            if candidate.position <= position:
                continue
            drive_s = elapsed_before[candidate.position] - elapsed_before[position]
            next_stretch = min(rules.halt_every_s, remaining_after[candidate.position])
            kind = driver.kind_after(rules, drive_s, next_stretch)
            if not candidate.site.misfit(footprint, kind == "daily_rest"):
                return candidate, drive_s
        return None

    def misfits_since(position: int, since_s: float) -> str:
        """Sites passed since the last halt and why none fits."""
        passed = [
            f"{c.site.label}: "
            + (
                c.site.misfit(footprint, False)
                or f"fits, but the next that fits is over {limit_text} from it"
            )
            for c in sites
            if c.position <= position
            and elapsed_before[position] - elapsed_before[c.position] <= since_s
        ]
        return "; sites passed: " + "; ".join(dict.fromkeys(passed)) if passed else ""

    checkpoints: list[Checkpoint] = []
    halts: list[Halt] = []
    clock_s = distance_m = driving_s = 0.0
    driver = _Driver()
    for position, edge in enumerate(edges):
        node_index = node_indices[position]
        node = node_ids[position]
        departs_s = clock_s
        remaining_s = remaining_after[position]
        finishing = (
            driver.since_halt_s + remaining_s <= rules.halt_every_s + rules.finish_grace_s
            and driver.since_break_s + remaining_s <= rules.break_after_s
            and driver.today_s + remaining_s <= rules.daily_driving_s
        )
        if position > 0 and halts_enabled and not finishing and driver.since_halt_s > 0:
            next_stretch = min(rules.halt_every_s, remaining_s)
            kind = driver.kind_after(rules, 0.0, next_stretch)
            here = fitting(position, kind)
            must_halt = driver.since_halt_s + travel[position] > rules.halt_every_s
            ahead = next_fitting(position, driver) if here is not None or must_halt else None
            note = ""
            take = None
            if here is not None:
                moved = driver.since_halt_s < rules.earliest_halt_s
                when = f"moved earlier (after {_hours(driver.since_halt_s)} of driving): "
                if ahead is None:
                    take = here
                    note = (when if moved else "") + "no site further on fits the column"
                elif must_halt or (
                    driver.since_halt_s + ahead[1] > rules.halt_every_s
                    and (ahead[1] <= rules.halt_every_s or not moved)
                ):
                    take = here
                    beyond = (
                        f"the next site that fits, {ahead[0].site.label}, is "
                        f"{_hours(ahead[1])} further, beyond the {limit_text} limit"
                    )
                    note = (
                        when + beyond
                        if moved
                        else f"last site that fits before the {limit_text} limit ({beyond})"
                    )
            if take is not None or must_halt:
                length_s = {
                    "short": rules.short_halt_s,
                    "break": rules.break_s,
                    "daily_rest": rules.daily_rest_s,
                }[kind]
                if take is not None:
                    site = take.site
                    detour_s = take.detour_s
                    if detour_s > 0:
                        note += (
                            f"; {take.off_route_m / 1000:.1f} km off the route "
                            f"(+{detour_s / 60:.0f} min there and back)"
                        )
                    halt = Halt(
                        name=site.name,
                        kind=kind,
                        node=node,
                        distance_m=distance_m,
                        start=at(clock_s),
                        end=at(clock_s + length_s + detour_s),
                        at_support_centre=site.kind in ("support_centre", "staging"),
                        lon=site.lon,
                        lat=site.lat,
                        site_kind=site.kind,
                        site_id=site.id,
                        detour_s=detour_s,
                        note=note,
                    )
                else:
                    detour_s = 0.0
                    later = (
                        f"; the next that fits is {ahead[0].site.label}, "
                        f"{_hours(driver.since_halt_s + ahead[1])} after the last halt"
                        if ahead is not None
                        else "; none further on fits"
                    )
                    halt = Halt(
                        name=f"no halt site (roadside at km {distance_m / 1000:.1f})",
                        kind=kind,
                        node=node,
                        distance_m=distance_m,
                        start=at(clock_s),
                        end=at(clock_s + length_s),
                        at_support_centre=False,
                        lon=lon(node),
                        lat=lat(node),
                        note=(
                            f"no site fits {footprint.vehicles} vehicles "
                            f"({footprint.area_m2:,.0f} m2) within {limit_text} of driving "
                            f"after the last halt{later}"
                            + misfits_since(position, driver.since_halt_s)
                        ),
                    )
                halts.append(halt)
                departs_s = clock_s + length_s + detour_s
                driver.since_halt_s = 0.0
                if kind != "short":
                    driver.since_break_s = 0.0
                if kind == "daily_rest":
                    driver.today_s = 0.0
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
        driver.since_halt_s += step_s
        driver.since_break_s += step_s
        driver.today_s += step_s
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
