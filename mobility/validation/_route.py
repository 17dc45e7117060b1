"""A road row's route in the reloaded road graph: its edges, its ends and the limits along it.

The row's edges must exist in the road graph, join one another, start at the
request's origin and end at its destination (a train's road leg: at the road
place nearest its loading terminal, as the rail rules end it). Every edge's
limits (class, weight, axle, height, width, ADR tunnel category, hazmat ban),
read from the graph's own tags, are compared with the envelope of the row's vehicles
(:class:`~mobility.routing.requirements.Requirements`), and the row's
``restricted_elements`` must list exactly the limited elements of the route,
with the network's limits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mobility.errors import DataError
from mobility.model.scenario import Request
from mobility.network.build import haversine_m
from mobility.network.places import NetworkPlace
from mobility.routing.edges import LIMIT_ATTRIBUTES
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router

Finding = tuple[str, str]  # (rule, message)
Edge = tuple[Any, ...]  # (u, v, key) as the row lists it


def edge_limits(data: Mapping[str, Any]) -> dict[str, Any]:
    """Limits of one graph edge, as the movement table's ``restricted_elements`` lists them."""
    return {
        name: data.get(name)
        for name in (*LIMIT_ATTRIBUTES, "tunnel_category", "hazmat")
        if data.get(name) is not None
    }


def limit_problems(need: Requirements, limits: Mapping[str, Any], margin_m: float) -> list[str]:
    """Which limits of an element the envelope exceeds, as text."""
    inf = float("inf")
    problems = []
    has_class = "mlc_wheeled" in limits or "mlc_tracked" in limits
    if need.mlc_tracked and need.mlc_tracked > limits.get("mlc_tracked", inf):
        problems.append(f"MLC {need.mlc_tracked} tracked over MLC {limits['mlc_tracked']}")
    if need.mlc_wheeled and need.mlc_wheeled > limits.get("mlc_wheeled", inf):
        problems.append(f"MLC {need.mlc_wheeled} wheeled over MLC {limits['mlc_wheeled']}")
    if not has_class and need.weight_t > limits.get("maxweight_t", inf):
        problems.append(f"{need.weight_t:g} t over {limits['maxweight_t']} t")
    if need.max_axle_load_t and need.max_axle_load_t > limits.get("maxaxleload_t", inf):
        problems.append(f"axle {need.max_axle_load_t:g} t over {limits['maxaxleload_t']} t")
    if need.height_m + margin_m > limits.get("maxheight_m", inf):
        problems.append(f"{need.height_m:g} m high under {limits['maxheight_m']} m")
    if need.width_m > limits.get("maxwidth_m", inf):
        problems.append(f"{need.width_m:g} m wide over {limits['maxwidth_m']} m")
    if limits.get("tunnel_category") in need.barred_tunnel_categories:
        problems.append(f"dangerous goods in an ADR category {limits['tunnel_category']} tunnel")
    if limits.get("hazmat") == "no" and need.hazmat:
        problems.append("dangerous goods on a road closed to them")
    return problems


def route_problems(
    edges: Sequence[Edge], request: Request, router: Router, *, terminal: str | None = None
) -> tuple[list[Finding], str | None]:
    """Check that the edges form a route from the origin to the destination in the road graph.

    Parameters
    ----------
    edges
        The row's edges, at least one.
    request
        The row's request (origin and destination).
    router
        The router on the plan's network.
    terminal
        For a train's road leg, the id of its loading terminal: the leg starts
        at the origin and ends at the road place nearest the terminal
        (:func:`road_leg_end`).

    Returns
    -------
    findings, end
        What is wrong, and the place to time the column to (``None`` when the
        route is broken and cannot be timed).
    """
    found: list[Finding] = []
    graph = router.network.road
    broken = False
    for index, edge in enumerate(edges):
        if len(edge) != 3 or not graph.has_edge(*edge):
            found.append(("route", f"edge {list(edge)} is not in the road network"))
            broken = True
        elif index and edges[index - 1][1] != edge[0]:
            found.append(("route", f"edge {list(edge)} does not join the edge before it"))
            broken = True
    try:
        origin = router.place("road", request.origin)
        destination = origin if terminal is not None else router.place("road", request.destination)
    except DataError as error:
        found.append(("route", str(error)))
        return found, None
    if edges[0][0] != origin.node:
        found.append(("route", f"the route does not start at the origin {origin.name!r}"))
        broken = True
    end: str | None = request.destination
    if terminal is not None:
        place = road_leg_end(router, terminal)
        if place is None:
            found.append(("route", f"loading terminal {terminal!r} is not a corridor place"))
            broken = True
        elif edges[-1][1] != place.node:
            found.append(
                (
                    "route",
                    f"the road leg does not end at {place.name!r}, the road place nearest "
                    f"its loading terminal {terminal!r}",
                )
            )
            broken = True
        else:
            end = place.place_id or place.name
    elif edges[-1][1] != destination.node:
        found.append(("route", f"the route does not end at the destination {destination.name!r}"))
        broken = True
    return found, None if broken else end


def road_leg_end(router: Router, terminal_id: str) -> NetworkPlace | None:
    """Return the road place where a train's road leg to a loading terminal ends.

    The rail rules end a road leg at the road place nearest the terminal (great-circle
    distance, ties by name): a place with an id or a named junction, which its id
    (or name, if it has none) finds (several junctions can share a name). None if
    ``terminal_id`` is not a place of the corridors.
    """
    terminal = next((p for p in router.network.corridors.places if p.id == terminal_id), None)
    if terminal is None:
        return None
    candidates = [p for p in router.network.places if p.mode == "road" and p.node is not None]
    if not candidates:
        return None
    lons = np.array([p.lon for p in candidates])
    lats = np.array([p.lat for p in candidates])
    metres = haversine_m(
        np.full_like(lons, terminal.lon), np.full_like(lats, terminal.lat), lons, lats
    )
    ranked = sorted(
        zip(metres.tolist(), candidates, strict=True), key=lambda x: (round(x[0], 3), x[1].name)
    )
    for _, place in ranked:
        try:
            if router.place("road", place.place_id or place.name).node == place.node:
                return place
        except DataError:
            continue
    return ranked[0][1]


def restriction_problems(
    m: Mapping[str, Any], edges: Sequence[Edge], need: Requirements, router: Router
) -> list[Finding]:
    """Check every limited edge of the route against the envelope, and the row's list of them."""
    found, on_route = route_limits(edges, need, router)
    return found + listed_problems(m.get("restricted_elements") or (), on_route)


def route_limits(
    edges: Sequence[Edge], need: Requirements, router: Router
) -> tuple[list[Finding], dict[str, list[dict[str, Any]]]]:
    """Return the limits the envelope exceeds along the route, and its limited elements by name.

    Each element is ``{"name": ..., <limit>: <value>, ...}`` from the graph's
    own tags, once per name and OSM way.
    """
    found: list[Finding] = []
    graph = router.network.road
    elements: dict[str, dict[str, Any]] = {}  # by name and OSM way
    for u, v, key in edges:
        data = graph.edges[u, v, key]
        limits = edge_limits(data)
        if not limits:
            continue
        name = str(data.get("name") or data.get("ref") or data.get("osmid"))
        elements[f"{name}|{data.get('osmid')}"] = {"name": name, **limits}
        for problem in limit_problems(need, limits, router.clearance_margin_m):
            found.append(("restriction", f"{name}: {problem}"))
    on_route: dict[str, list[dict[str, Any]]] = {}
    for item in elements.values():
        on_route.setdefault(item["name"], []).append(item)
    return found, on_route


def listed_problems(
    listed_items: Sequence[Any], on_route: Mapping[str, list[dict[str, Any]]]
) -> list[Finding]:
    """Check the row's ``restricted_elements`` against the elements on the route, by name."""
    found: list[Finding] = []
    listed: dict[str, list[dict[str, Any]]] = {}
    for item in listed_items:
        if isinstance(item, Mapping):
            listed.setdefault(str(item.get("name")), []).append(dict(item))
    for name in sorted(set(on_route) - set(listed)):
        found.append(("restricted_elements", f"{name}: on the route but not listed"))
    for name in sorted(set(listed) - set(on_route)):
        found.append(("restricted_elements", f"{name}: listed but not on the route"))
    for name in sorted(set(listed) & set(on_route)):
        if _dicts(listed[name]) != _dicts(on_route[name]):
            found.append(
                ("restricted_elements", f"{name}: limits listed differ from the network's")
            )
    return found


def _dicts(items: list[dict[str, Any]]) -> list[str]:
    return sorted({json.dumps(item, sort_keys=True, default=str) for item in items})


__all__ = [
    "edge_limits",
    "limit_problems",
    "listed_problems",
    "restriction_problems",
    "road_leg_end",
    "route_limits",
    "route_problems",
]
