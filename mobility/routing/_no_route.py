"""Why there is no route: the error a planner gets, naming what cuts every route.

In order: elements out of service on the day, a turn the turn rules forbid
(with the node where one more reversal would open a route), a network that
does not connect the places at all, or the bridges, tunnels, limits and
closures that cut every route, with the options left (HET transport, rail,
an exemption, lifting a closure).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray

from mobility.errors import InfeasibleError
from mobility.model.vehicle import VehicleType
from mobility.network.places import NetworkPlace
from mobility.routing._explain import BlockingElement, blocking_elements
from mobility.routing._mode_data import ModeData
from mobility.routing.closed import ClosedEdges
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import PathEngine
from mobility.routing.requirements import Requirements
from mobility.routing.turn_engine import TurnPathEngine
from mobility.routing.turns import TurnRules


class NoRouteError(InfeasibleError):
    """No route satisfies the vehicle's limits; ``blocking`` names the cut."""

    def __init__(self, message: str, blocking: list[BlockingElement]) -> None:
        super().__init__(message)
        self.blocking = blocking


def out_of_service_on_route(
    table: EdgeTable,
    feasible: NDArray[np.bool_],
    closed: NDArray[np.bool_],
    source: int,
    target: int,
) -> str:
    """Name the elements out of service (``closed``) on the route there would be without dates."""
    if not closed.any():
        return ""
    engine = PathEngine(
        table.n_nodes, table.u, table.v, np.flatnonzero(feasible | closed), table.length_m
    )
    path = engine.shortest_path(source, target)
    if path is None:
        return ""
    first, end = table.service_days
    found: dict[str, str] = {}
    for edge in path:
        if closed[edge]:
            span = []
            if first[edge] > 0:
                span.append(f"in service from {date.fromordinal(int(first[edge]))}")
            if end[edge] < np.iinfo(np.int64).max:
                span.append(f"out of service from {date.fromordinal(int(end[edge]))}")
            found.setdefault(table.labels[edge], " and ".join(span))
    return ", ".join(f"{name} ({span})" for name, span in found.items())


def turn_hint(data: ModeData, feasible: NDArray[np.bool_], source: int, target: int) -> str:
    """Say where one more reversal (or U-turn) would open a route, as advice."""
    table = data.table
    engine = data.path_engine(np.flatnonzero(feasible), table.length_m)
    if not isinstance(engine, TurnPathEngine):
        return ""
    found = engine.best_turn_point(source, target)
    if found is None:
        return ""
    node, length_m = found
    osm_id = int(table.nodes[node])
    node_data = table.graph.nodes[osm_id]
    return (
        f"; turning at node {osm_id} ({node_data['x']:.4f}, {node_data['y']:.4f}) would give a "
        f"{length_m / 1000:.1f} km route: add 'node:{osm_id}' to the turn rules' reverse_at "
        "where that is possible"
    )


def describe_turns(mode: str, rules: TurnRules) -> str:
    """Describe the turn rules, e.g. ``no U-turn (turn over 150 degrees) anywhere``."""
    what = "reversal" if mode == "rail" else "U-turn"
    where = f" except at {', '.join(sorted(rules.reverse_at))}" if rules.reverse_at else " anywhere"
    text = f"no {what} (turn over {rules.max_deflection_deg:g} degrees){where}"
    if rules.apply_restrictions and mode == "road":
        text += ", OSM turn restrictions"
    return text


def no_route_error(
    data: ModeData,
    feasible: NDArray[np.bool_],
    need: Requirements,
    *,
    vehicles: tuple[VehicleType, VehicleType],
    ends: tuple[NetworkPlace, NetworkPlace],
    mode: str,
    rules: TurnRules | None,
    clearance_margin_m: float,
    one_way_places: Sequence[str],
    options: Callable[[], list[str]],
    closed: ClosedEdges | None = None,
) -> NoRouteError:
    """Return the error for no route between ``ends`` for a class with ``feasible`` edges.

    ``vehicles`` are the vehicle as requested and as it moves; ``options``
    lists what the planner may try instead (called only where the limits cut
    every route); ``one_way_places`` are the load report's places attached
    at a one-way end of the extract.
    """
    table = data.table
    origin, destination = ends
    source, target = table.index(origin.node), table.index(destination.node)
    between = f"from {origin.name} to {destination.name}"
    usable = feasible & ~closed.mask if closed is not None else feasible
    if rules is not None:
        node_engine = PathEngine(
            table.n_nodes, table.u, table.v, np.flatnonzero(usable), table.length_m
        )
        if node_engine.shortest_path(source, target) is not None:
            return NoRouteError(
                f"no {mode} route for {need.label} {between}: every route needs a turn the "
                f"turn rules forbid ({describe_turns(mode, rules)})"
                + turn_hint(data, usable, source, target),
                [],
            )
    blocking = blocking_elements(table, feasible, need, source, target, clearance_margin_m, closed)
    if not blocking:
        one_way = [
            entry
            for entry in one_way_places
            if entry.startswith((f"{origin.name} (exit", f"{destination.name} (entry"))
        ]
        why = (
            f"; {' and '.join(one_way)}: attached at a one-way end of the extract"
            if one_way
            else ""
        )
        return NoRouteError(
            f"no {mode} route {between}: the loaded {mode} network does not connect them "
            f"(even ignoring every restriction and closure){why}",
            [],
        )
    return _blocked(need, vehicles, between, mode, blocking, options)


def _blocked(
    need: Requirements,
    vehicles: tuple[VehicleType, VehicleType],
    between: str,
    mode: str,
    blocking: list[BlockingElement],
    options: Callable[[], list[str]],
) -> NoRouteError:
    """Return the error naming the elements that cut every route, and the options left."""
    requested, moved = vehicles
    who = need.label if moved is requested else f"{requested.name!r} on {moved.name!r}"
    if moved is not requested:
        who += f" (MLC {moved.mlc} {moved.running_gear})"
    listed = ", ".join(b.describe() for b in blocking)
    values = sorted({v.vehicle for b in blocking for v in b.violations})
    choices = options()
    if all(b.closed for b in blocking):
        choices = [o for o in choices if "exemption" not in o] + ["lifting a closure"]
    crosses = "one of " if len(blocking) > 1 else ""
    message = f"no {mode} route for {who} {between}: every route crosses {crosses}{listed}"
    if values:
        message += f" (vehicle: {', '.join(values)})"
    if choices:
        message += f"; options: {', '.join(choices)}"
    return NoRouteError(message, blocking)
