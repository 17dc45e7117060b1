"""Road march units listed as unplannable, checked by planning them again from the inputs.

A march unit the plan lists as unplannable is routed again from its release
(:meth:`~mobility.routing.router.Router.route`, domain code tested in
``tests/routing``), with as many alternatives as the scenario's ``k_routes``
(the routes the planner chose among). Each route is then held to the rules a
planned movement is held to, never to the planner's word:

- the column is timed along it as every planned row is re-derived
  (:meth:`~mobility.validation._road_memo.RoadMemo.timing`, the network's halt
  sites and the recorded halt rules), and every halt must be at a site that
  fits the march unit within the driving limits
  (:func:`~mobility.validation._road_times.unsited_problems`): a route with a
  halt where no site fits is no plan;
- it must clear the destination before the end of the horizon.

A route that passes both proves the march unit was left out, not unplannable,
unless the planner's reason for that route (``MSR: ...; ASR 1: ...``) names
what a route alone does not disprove: a support centre's capacity
(``exceed``) or a border crossing's acceptance windows (``window``). A reason
about halts is never taken on trust: the halts are found again here.
Scenarios with closures are not checked (a route around a closure depends on
when the column meets it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mobility.model.clock import local_iso
from mobility.model.column import Column, MarchUnit, Serial, build_column
from mobility.model.scenario import Request
from mobility.model.vehicle import VehicleCatalogue
from mobility.routing.column_timing import ColumnSchedule
from mobility.routing.router import NoRouteError, Route, Router
from mobility.validation._road import column_rules, envelope, moved_types, requested_as_moved
from mobility.validation._road_memo import RoadMemo
from mobility.validation._road_times import unsited_problems
from mobility.validation.inputs import Inputs

Problem = tuple[str, str, str]  # (rule, movement, message)

#: Reasons the planner may give for a route that a route and its timing do not disprove.
_TAKEN_ON_TRUST = ("exceed", "window")

#: Where a route's reason starts in a planner's reason: ``MSR: `` or ``; ASR 2: ``.
_DESIGNATION = re.compile(r"(?:^|; )((?:MSR|ASR \d+)(?: \([^)]*\))?): ")


def route_reasons(reason: str) -> dict[str, str]:
    """Split a planner's reason ``MSR: ...; ASR 1: ...`` by route designation.

    Parameters
    ----------
    reason
        Why the plan lists the march unit as unplannable.

    Returns
    -------
    dict
        Designation to the reason given for that route; empty when the
        reason names no route (it then holds for every route).
    """
    marks = list(_DESIGNATION.finditer(reason))
    if not marks:
        return {}
    ends = [m.start() for m in marks[1:]] + [len(reason)]
    return {m.group(1): reason[m.end() : end] for m, end in zip(marks, ends, strict=True)}


def _timing_if_plan(
    route: Route, unit: MarchUnit, column: Column, request: Request, memo: RoadMemo
) -> ColumnSchedule | None:
    """Return the march unit's timing on ``route`` from its release, if every halt fits a site."""
    schedule = memo.timing(
        route.edges,
        unit.vehicles,
        lambda: column,
        envelope(list(unit.types), request),
        start=request.available_from,
        origin=request.origin,
        destination=request.destination,
    )
    return None if unsited_problems(schedule) else schedule


def plannable_route(
    unit: MarchUnit, request: Request, reason: str, *, inputs: Inputs, memo: RoadMemo
) -> tuple[Route, ColumnSchedule] | None:
    """Return a route on which the march unit could have been planned, and its timing there.

    Parameters
    ----------
    unit
        The march unit, its vehicles as they move on roads.
    request
        Its request.
    reason
        Why the plan lists it as unplannable.
    inputs, memo
        The plan's inputs, and the road derivations of the plan's rows.

    Returns
    -------
    tuple or None
        The first of the router's routes that disproves the listing, with the
        march unit's timing on it from its release; ``None`` when none does.
    """
    scenario = inputs.scenario
    column = Column(f"{request.unit} {unit.id}", (Serial("1", (unit,)),), column_rules(scenario))
    try:
        plan = memo.router.route(
            request.origin,
            request.destination,
            unit.types[0],
            hazmat=request.hazmat,
            k=scenario.k_routes,
            start=request.available_from,
            column=column,
        )
    except NoRouteError:
        return None
    said = route_reasons(reason)
    for route in plan.routes:
        given = said.get(route.designation, "") if said else reason
        if any(word in given for word in _TAKEN_ON_TRUST):
            continue
        schedule = _timing_if_plan(route, unit, column, request, memo)
        if schedule is not None and schedule.clear <= scenario.end:
            return route, schedule
    return None


def unplannable_problems(
    summary: Mapping[str, Any], inputs: Inputs, router: Router, memo: RoadMemo | None = None
) -> list[Problem]:
    """Name the road march units listed as unplannable that could have been planned.

    Parameters
    ----------
    summary
        The plan's ``summary.json``.
    inputs
        The plan's inputs.
    router
        The router on the plan's network and march rules.
    memo
        Road derivations already made for the plan's rows (default: none).

    Returns
    -------
    list
        ``("completeness", "", message)`` per such march unit.
    """
    scenario = inputs.scenario
    reasons = {
        str(item.get("request")): str(item.get("reason") or "")
        for item in summary.get("unplannable") or ()
        if isinstance(item, dict)
    }
    if not reasons or scenario.closures:
        return []
    memo = RoadMemo(router) if memo is None else memo
    found: list[Problem] = []
    types = moved_types(inputs.catalogue)
    rules = column_rules(scenario)
    for request in scenario.requests:
        if request.mode != "road":
            continue
        wanted = requested_as_moved(request, inputs.catalogue)
        catalogue = VehicleCatalogue({k: types[k] for k in wanted})
        for unit in build_column(request.unit, wanted, catalogue, rules).march_units:
            key = f"{request.id}/{unit.id}"
            reason = reasons.get(key)
            if reason is None:
                continue
            proof = plannable_route(unit, request, reason, inputs=inputs, memo=memo)
            if proof is None:
                continue
            route, schedule = proof
            found.append(
                (
                    "completeness",
                    "",
                    f"{key} is listed as unplannable ({reason[:80]}) but has a route "
                    f"({route.designation}, {route.length_m / 1000:.0f} km, every halt at a "
                    f"site that fits) that clears by {local_iso(schedule.clear)}, inside the "
                    "horizon",
                )
            )
    return found


__all__ = ["plannable_route", "route_reasons", "unplannable_problems"]
