"""Road derivations that depend on the inputs only, made once per distinct input.

Many march units share a route and vehicles (the Defender plan: 1,019 rows on
23 routes, timed 215 times instead of 1,000), so the validator derives
what does not depend on a row's own times once, keyed by the inputs it is
derived from, never by what the row claims to have found:

- the route's findings and the place to time it to
  (:func:`~mobility.validation._route.route_problems`): from its edges, the
  request's origin and destination and, for a train's road leg, the loading
  terminal;
- the limits the envelope exceeds and the limited elements along the route
  (:func:`~mobility.validation._route.route_limits`): from its edges and the
  envelope;
- the column's timing (:meth:`~mobility.routing.router.Router.retime`): from
  its edges, its vehicles (the column they form), its envelope's speed limit
  (the edge times and column speeds of its vehicle class), the start's day (the
  edges in service that day) and its two ends. The
  start is the origin of the timing's clock and nothing else: every time of a
  schedule is the start plus elapsed seconds
  (:func:`~mobility.model.clock.add_seconds`; no march rule depends on the
  time of day), so the timing from another start is the same schedule moved
  by the difference, to the microsecond. ``tests/validation/test_road_memo.py``
  holds this against re-timing every movement of the test plans on its own.

Every row is still checked in full against the derivation (its vehicles, count,
requirements, restricted elements, checkpoints, halts, arrival and clearance).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from mobility.model.clock import local_time
from mobility.model.column import Column
from mobility.model.scenario import Request
from mobility.model.vehicle import VehicleType
from mobility.routing.column_timing import ColumnSchedule
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router
from mobility.validation._route import listed_problems, route_limits, route_problems

Finding = tuple[str, str]  # (rule, message)
Edge = tuple[Any, ...]  # (u, v, key) as the row lists it
_Item = TypeVar("_Item")


@dataclass
class RoadMemo:
    """Derivations of the road movements of one plan, each made once per distinct input.

    Parameters
    ----------
    router
        The router on the plan's network and march rules.
    """

    router: Router
    _routes: dict[tuple[Any, ...], tuple[tuple[Finding, ...], str | None]] = field(
        default_factory=dict
    )
    _limits: dict[tuple[Any, ...], tuple[tuple[Finding, ...], dict[str, Any]]] = field(
        default_factory=dict
    )
    _timings: dict[tuple[Any, ...], tuple[ColumnSchedule, object]] = field(default_factory=dict)

    def route(
        self, edges: tuple[Edge, ...], request: Request, terminal: str | None
    ) -> tuple[list[Finding], str | None]:
        """Return :func:`~mobility.validation._route.route_problems` for these edges and ends."""
        key = (edges, request.origin, request.destination, terminal)
        if key not in self._routes:
            found, end = route_problems(edges, request, self.router, terminal=terminal)
            self._routes[key] = (tuple(found), end)
        found_once, end = self._routes[key]
        return list(found_once), end

    def restrictions(
        self, m: Mapping[str, Any], edges: tuple[Edge, ...], need: Requirements
    ) -> list[Finding]:
        """Check the route's limits against the envelope, and the row's list of limited elements."""
        key = (edges, need)
        if key not in self._limits:
            found, on_route = route_limits(edges, need, self.router)
            self._limits[key] = (tuple(found), on_route)
        found_once, on_route = self._limits[key]
        return [*found_once, *listed_problems(m.get("restricted_elements") or (), on_route)]

    def timing(
        self,
        edges: tuple[Edge, ...],
        vehicles: Sequence[tuple[VehicleType, int]],
        column: Callable[[], Column],
        need: Requirements,
        *,
        start: datetime,
        origin: str,
        destination: str,
    ) -> ColumnSchedule:
        """Return the column's timing along ``edges`` from ``start`` (as :meth:`Router.retime`).

        ``column`` makes the column of ``vehicles`` (called when the timing is
        not known yet).
        """
        day = local_time(start).date()
        # The timing depends on the envelope only through its class's edge times and column
        # speeds, which its speed limit alone sets (limits and clearances decide which edges
        # a route may use, checked by ``restrictions``): one class per speed limit and service
        # period is built to time the rows, not one per envelope (each costs a path engine
        # on a country's network, #13).
        timed_as = Requirements(label="", max_speed_kph=need.max_speed_kph)
        vehicle_class = self.router.vehicle_class(timed_as, "road", day=day)
        key = (
            edges,
            tuple((vehicle.id, count) for vehicle, count in vehicles),
            timed_as,
            id(vehicle_class),
            origin,
            destination,
        )
        known = self._timings.get(key)
        if known is None:
            schedule = self.router.retime(
                list(edges), column(), timed_as, start, origin, destination
            )
            # The class is kept with the timing so that its id is not reused.
            self._timings[key] = (schedule, vehicle_class)
            return schedule
        return moved(known[0], start - known[0].start)


def moved(schedule: ColumnSchedule, delta: timedelta) -> ColumnSchedule:
    """Return ``schedule`` with every time moved by ``delta`` (checkpoints and halts too)."""
    if not delta:
        return schedule
    copy = _moved_times(schedule, delta)
    vars(copy).update(
        checkpoints=tuple(_moved_times(c, delta) for c in schedule.checkpoints),
        halts=tuple(_moved_times(h, delta) for h in schedule.halts),
    )
    return copy


def _moved_times(item: _Item, delta: timedelta) -> _Item:
    """Return a copy of ``item`` (a frozen dataclass) with every datetime attribute moved.

    The copy is made field by field, not through ``__init__`` (a frozen
    dataclass sets each field through ``object.__setattr__``; a plan's
    timings hold some 20,000 checkpoints and halts).
    """
    copy = object.__new__(type(item))
    vars(copy).update(
        {
            name: value + delta if isinstance(value, datetime) else value
            for name, value in vars(item).items()
        }
    )
    return copy


__all__ = ["RoadMemo", "moved"]
