"""Where a column halts along its route, and for how long.

A halt at most every two hours of driving (:class:`~mobility.routing.timing.HaltRules`),
taken only at a halt site that fits the column (support centre, staging
area, rest, service or truck-parking area; see
:mod:`mobility.routing.halt_sites`): the last one before the limit, or an
earlier one when the next that fits lies beyond the limit (the halt is then
*moved earlier*, and its note says why). Where no site fits within the
limit, the halt stands where the limit falls with no site and a note that
explains it. A halt that the next stretch would push past 4.5 h of driving
becomes a 45-minute break, past 9 h a day an 11-hour daily rest (EU
561/2006); a daily rest needs a site's overnight capacity. The drive to a
site and back is part of the halt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mobility.routing.halt_sites import ColumnFootprint, RouteSite
from mobility.routing.timing import HaltRules


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
class Halting:
    """What a column's halts depend on besides the route's times.

    Attributes
    ----------
    rules
        Halt rules.
    sites
        Halt sites snapped to the route
        (:func:`~mobility.routing.halt_sites.snap_sites`).
    footprint
        Vehicles and parking area of the column, against which sites are
        checked (default: one vehicle on no ground, which fits any site of
        known size).
    """

    rules: HaltRules = field(default_factory=HaltRules)
    sites: Sequence[RouteSite] = ()
    footprint: ColumnFootprint = field(default_factory=lambda: ColumnFootprint(1, 0.0))


def halt_kind(rules: HaltRules, since_break_s: float, today_s: float, next_stretch_s: float) -> str:
    """Kind of a halt (``short``, ``break``, ``daily_rest``) before a stretch of driving."""
    if today_s + next_stretch_s > rules.daily_driving_s:
        return "daily_rest"
    if since_break_s + next_stretch_s > rules.break_after_s:
        return "break"
    return "short"


def hours_text(seconds: float) -> str:
    """Seconds as ``<h>h<mm>``, e.g. ``2h00``."""
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
        return halt_kind(
            rules, self.since_break_s + drive_s, self.today_s + drive_s, next_stretch_s
        )


@dataclass(frozen=True)
class _Choice:
    """A halt decided on: its kind, the site taken (``None``: roadside) and why."""

    kind: str
    take: RouteSite | None
    ahead: tuple[RouteSite, float] | None
    note: str


class HaltChooser:
    """Decides, edge by edge, where a column on one route halts.

    Parameters
    ----------
    halting
        Rules, sites along the route and the column's footprint.
    elapsed_before
        Head's driving time from the origin to the start of each route
        position (one more entry than edges: the end).
    remaining_after
        Driving time left from the start of each route position to the end.
    at
        Time a number of seconds after the start.
    lon_lat
        WGS84 position of a graph node.
    """

    def __init__(
        self,
        halting: Halting,
        *,
        elapsed_before: list[float],
        remaining_after: list[float],
        at: Callable[[float], datetime],
        lon_lat: Callable[[int], tuple[float, float]],
    ) -> None:
        self.at = at
        self.lon_lat = lon_lat
        self.rules = halting.rules
        self.sites = halting.sites
        self.footprint = halting.footprint
        self.elapsed_before = elapsed_before
        self.remaining_after = remaining_after
        self.driver = _Driver()
        self.limit_text = hours_text(self.rules.halt_every_s)

    def drove(self, step_s: float) -> None:
        """Count ``step_s`` seconds of driving."""
        self.driver.since_halt_s += step_s
        self.driver.since_break_s += step_s
        self.driver.today_s += step_s

    def halt_at(
        self,
        position: int,
        *,
        next_edge_s: float,
        node: int,
        distance_m: float,
        clock_s: float,
    ) -> tuple[Halt, float] | None:
        """Return the halt the head takes before route ``position``, and when it moves on (s).

        ``None`` where the column drives on. ``next_edge_s`` is the head's
        time on the edge at ``position``; ``node``, ``distance_m`` and
        ``clock_s`` say where and when the head is.
        """
        at = self.at
        choice = self._choose(position, next_edge_s)
        if choice is None:
            return None
        rules = self.rules
        length_s = {
            "short": rules.short_halt_s,
            "break": rules.break_s,
            "daily_rest": rules.daily_rest_s,
        }[choice.kind]
        if choice.take is not None:
            halt, detour_s = self._sited(
                choice,
                choice.take,
                node=node,
                distance_m=distance_m,
                start_s=clock_s,
                length_s=length_s,
            )
        else:
            detour_s = 0.0
            halt = self._roadside(
                choice,
                position,
                node=node,
                distance_m=distance_m,
                start=at(clock_s),
                end=at(clock_s + length_s),
                lon_lat=self.lon_lat(node),
            )
        departs_s = clock_s + length_s + detour_s
        self.driver.since_halt_s = 0.0
        if choice.kind != "short":
            self.driver.since_break_s = 0.0
        if choice.kind == "daily_rest":
            self.driver.today_s = 0.0
        return halt, departs_s

    def _choose(self, position: int, next_edge_s: float) -> _Choice | None:
        """Decide whether to halt before ``position``: at a site that fits, the roadside, or not."""
        rules, driver = self.rules, self.driver
        remaining_s = self.remaining_after[position]
        finishing = (
            driver.since_halt_s + remaining_s <= rules.halt_every_s + rules.finish_grace_s
            and driver.since_break_s + remaining_s <= rules.break_after_s
            and driver.today_s + remaining_s <= rules.daily_driving_s
        )
        if finishing or driver.since_halt_s <= 0:
            return None
        kind = driver.kind_after(rules, 0.0, min(rules.halt_every_s, remaining_s))
        here = self._fitting(position, kind)
        must_halt = driver.since_halt_s + next_edge_s > rules.halt_every_s
        ahead = self._next_fitting(position) if here is not None or must_halt else None
        note = ""
        take = None
        if here is not None:
            moved = driver.since_halt_s < rules.earliest_halt_s
            when = f"moved earlier (after {hours_text(driver.since_halt_s)} of driving): "
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
                    f"{hours_text(ahead[1])} further, beyond the {self.limit_text} limit"
                )
                note = (
                    when + beyond
                    if moved
                    else f"last site that fits before the {self.limit_text} limit ({beyond})"
                )
        if take is None and not must_halt:
            return None
        return _Choice(kind, take, ahead, note)

    def _sited(
        self,
        choice: _Choice,
        take: RouteSite,
        *,
        node: int,
        distance_m: float,
        start_s: float,
        length_s: float,
    ) -> tuple[Halt, float]:
        """Return the halt at the site chosen, and the drive there and back (s)."""
        site = take.site
        detour_s = take.detour_s
        note = choice.note
        if detour_s > 0:
            note += (
                f"; {take.off_route_m / 1000:.1f} km off the route "
                f"(+{detour_s / 60:.0f} min there and back)"
            )
        halt = Halt(
            name=site.name,
            kind=choice.kind,
            node=node,
            distance_m=distance_m,
            start=self.at(start_s),
            end=self.at(start_s + length_s + detour_s),
            at_support_centre=site.kind in ("support_centre", "staging"),
            lon=site.lon,
            lat=site.lat,
            site_kind=site.kind,
            site_id=site.id,
            detour_s=detour_s,
            note=note,
        )
        return halt, detour_s

    def _roadside(
        self,
        choice: _Choice,
        position: int,
        *,
        node: int,
        distance_m: float,
        start: datetime,
        end: datetime,
        lon_lat: tuple[float, float],
    ) -> Halt:
        """Return a halt where the limit falls, with no site, and why none fits."""
        ahead = choice.ahead
        later = (
            f"; the next that fits is {ahead[0].site.label}, "
            f"{hours_text(self.driver.since_halt_s + ahead[1])} after the last halt"
            if ahead is not None
            else "; none further on fits"
        )
        footprint = self.footprint
        return Halt(
            name=f"no halt site (roadside at km {distance_m / 1000:.1f})",
            kind=choice.kind,
            node=node,
            distance_m=distance_m,
            start=start,
            end=end,
            at_support_centre=False,
            lon=lon_lat[0],
            lat=lon_lat[1],
            note=(
                f"no site fits {footprint.vehicles} vehicles "
                f"({footprint.area_m2:,.0f} m2) within {self.limit_text} of driving "
                f"after the last halt{later}" + self._misfits_since(position)
            ),
        )

    def _fitting(self, position: int, kind: str) -> RouteSite | None:
        """Return the best site at ``position`` that fits the column for a halt of ``kind``."""
        for candidate in self.sites:
            if candidate.position == position and not candidate.site.misfit(
                self.footprint, kind == "daily_rest"
            ):
                return candidate
        return None

    def _next_fitting(self, position: int) -> tuple[RouteSite, float] | None:
        """Return the next site after ``position`` that fits, and the drive to it."""
        elapsed = self.elapsed_before
        for candidate in self.sites:
            if candidate.position <= position:
                continue
            drive_s = elapsed[candidate.position] - elapsed[position]
            next_stretch = min(self.rules.halt_every_s, self.remaining_after[candidate.position])
            kind = self.driver.kind_after(self.rules, drive_s, next_stretch)
            if not candidate.site.misfit(self.footprint, kind == "daily_rest"):
                return candidate, drive_s
        return None

    def _misfits_since(self, position: int) -> str:
        """Sites passed since the last halt and why none fits."""
        elapsed, since_s = self.elapsed_before, self.driver.since_halt_s
        passed = [
            f"{c.site.label}: "
            + (
                c.site.misfit(self.footprint, False)
                or f"fits, but the next that fits is over {self.limit_text} from it"
            )
            for c in self.sites
            if c.position <= position and elapsed[position] - elapsed[c.position] <= since_s
        ]
        return "; sites passed: " + "; ".join(dict.fromkeys(passed)) if passed else ""
