"""Named places of the network, attached to the graphs as routable nodes.

Corridor places (ports, crossings, support centres, rail terminals) lie beside
the network, not on a junction. Each is attached to the nearest node when one
is within :data:`SNAP_TO_NODE_M`; otherwise the nearest edge is split at the
closest point (both directions of a two-way edge) and the new node stands for
the place. Named junctions, border posts and stations of the data are places
too. New nodes get negative ids, which OSM never uses.

Only the network's *core* is a candidate: its large strongly connected
components (see :func:`core_nodes`). On a real extract the nearest node is
often the first node of a one-way carriageway entering the extract, or a
clipped dead end: a column could leave it but never reach it (or the
reverse). Attaching to the core guarantees that every attached place can be
reached from, and can reach, every other place attached to the same
component.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, Point
from shapely.ops import substring

from mobility.model.corridor import CorridorSet, Place
from mobility.network._corridor_geometry import METRIC_CRS, reproject, reproject_array
from mobility.network.build import haversine_m
from mobility.network.restrictions import EDGE_ATTRIBUTE

logger = logging.getLogger(__name__)

#: Corridor places farther than this from their graph stay unattached (and are reported).
MAX_ATTACH_DISTANCE_M = 5000.0
#: A place this close to an existing node uses that node instead of splitting an edge.
SNAP_TO_NODE_M = 250.0
#: A strongly connected component is part of the core when it holds at least this
#: share of the largest component's nodes (separate corridors may stay apart).
CORE_COMPONENT_SHARE = 0.2
#: ... and at least this many nodes (a roundabout or a short loop is never a core).
CORE_COMPONENT_MIN_NODES = 20
#: Place kinds of the corridor file and the kind they are exported as.
PLACE_KIND_EXPORT = {
    "spod": "spod",
    "bcp": "bcp",
    "csc": "csc",
    "staging": "csc",
    "rail_terminal": "rail_terminal",
    "ramp": "rail_terminal",
    "station": "station",
}


@dataclass(frozen=True)
class NetworkPlace:
    """A named point of the network: junction, station, port, crossing, support centre.

    Attributes
    ----------
    kind
        ``junction``, ``station``, ``spod``, ``bcp``, ``csc`` or ``rail_terminal``.
    name
        Human name.
    corridors
        Corridors the place belongs to.
    lon, lat
        WGS84 position of the place itself.
    mode
        Graph the place attaches to (``road`` or ``rail``).
    node
        Graph node standing for the place, or ``None`` if the graph is farther
        than :data:`MAX_ATTACH_DISTANCE_M`.
    distance_to_node_m
        Distance from the place to that node.
    place_id
        Id in the corridor file (empty for junctions and stations).
    role
        Finer kind (``staging``, ``ramp``, ``border_crossing``) where the
        export kind is coarser.
    """

    kind: str
    name: str
    corridors: tuple[str, ...]
    lon: float
    lat: float
    mode: str
    node: int | None
    distance_to_node_m: float
    place_id: str = ""
    role: str = ""


def _twin(graph: nx.MultiDiGraph, u: int, v: int, data: dict[str, Any]) -> int | None:
    """Key of the opposite-direction edge of the same way, if any."""
    for key, other in (graph.get_edge_data(v, u) or {}).items():
        if other.get("osmid") == data.get("osmid") and other.get("reversed") != data.get(
            "reversed"
        ):
            return int(key)
    return None


def _piece(data: dict[str, Any], geometry: LineString, at_head: bool) -> dict[str, Any]:
    coords = np.asarray(geometry.coords)
    length_m = float(
        haversine_m(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1]).sum()
    )
    piece = {**data, "geometry": geometry, "length": length_m, "length_m": length_m}
    if not at_head:
        # Turn restrictions start from the edge at its head node: only the last piece has it.
        piece.pop(EDGE_ATTRIBUTE, None)
    return piece


def _split_edge(
    graph: nx.MultiDiGraph, u: int, v: int, key: int, fractions: list[float], next_id: int
) -> list[int]:
    """Split edge (u, v, key) and its twin at ``fractions``; return the new node ids."""
    data = graph.edges[u, v, key]
    twin_key = _twin(graph, u, v, data)
    twin = graph.edges[v, u, twin_key] if twin_key is not None else None
    geometry = data["geometry"]
    cuts = [0.0, *fractions, 1.0]
    nodes = [u]
    for i, fraction in enumerate(fractions):
        point = geometry.interpolate(fraction, normalized=True)
        node = next_id - i
        graph.add_node(node, x=point.x, y=point.y, corridors=graph.nodes[u].get("corridors", []))
        nodes.append(node)
    nodes.append(v)
    for (a, b), (start, end) in zip(
        itertools.pairwise(nodes), itertools.pairwise(cuts), strict=True
    ):
        piece = substring(geometry, start, end, normalized=True)
        graph.add_edge(a, b, **_piece(data, piece, b == v))
        if twin is not None:
            graph.add_edge(b, a, **_piece(twin, LineString(list(piece.coords)[::-1]), a == u))
    graph.remove_edge(u, v, key)
    if twin_key is not None:
        graph.remove_edge(v, u, twin_key)
    return nodes[1:-1]


def _edge_pairs(graph: nx.MultiDiGraph) -> tuple[list[int], NDArray[np.int64]]:
    """Return the graph's nodes, and each edge as a row (tail, head) of indices into them."""
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    flat = np.fromiter((index[node] for edge in graph.edges() for node in edge), np.int64)
    return nodes, flat.reshape(-1, 2)


def core_nodes(graph: nx.MultiDiGraph) -> set[int]:
    """Nodes of the graph's core: its large strongly connected components.

    A component belongs to the core when it has at least
    :data:`CORE_COMPONENT_MIN_NODES` nodes and at least
    :data:`CORE_COMPONENT_SHARE` of the largest component's nodes; the largest
    component always does. Inside one component every node reaches every
    other one in the direction of travel.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    nodes, pairs = _edge_pairs(graph)
    if not nodes:
        return set()
    n = len(nodes)
    matrix = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = connected_components(matrix, directed=True, connection="strong")
    sizes = np.bincount(label)
    largest = int(sizes.max())
    keep = (sizes >= min(largest, CORE_COMPONENT_MIN_NODES)) & (
        sizes >= CORE_COMPONENT_SHARE * largest
    )
    return {nodes[i] for i in np.flatnonzero(keep[label]).tolist()}


#: Which nodes a place of each kind may attach to: ``out`` places (entry ports)
#: must reach the core, ``in`` places (border crossings, exits) must be reached
#: from it, every other kind must do both. A crossing at the edge of an extract
#: thus attaches to the end of the carriageway that leaves it.
ATTACH_SIDE: dict[str, Literal["out", "in", "both"]] = {"spod": "out", "bcp": "in"}


def reachable_nodes(graph: nx.MultiDiGraph, sources: set[int], *, reverse: bool) -> set[int]:
    """Nodes reachable from ``sources`` (or that reach them, with ``reverse``)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import breadth_first_order

    nodes, pairs = _edge_pairs(graph)
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    if reverse:
        pairs = pairs[:, ::-1]
    # One virtual node (index n) with an arc to every source.
    virtual = np.array([(n, index[s]) for s in sources], dtype=np.int64).reshape(-1, 2)
    arcs = np.vstack([pairs, virtual])
    matrix = coo_matrix((np.ones(len(arcs)), (arcs[:, 0], arcs[:, 1])), shape=(n + 1, n + 1))
    order = breadth_first_order(matrix.tocsr(), n, directed=True, return_predecessors=False)
    return {nodes[i] for i in order.tolist() if i < n}


@dataclass
class _Candidates:
    """The nodes and edges a group of places may attach to, with a spatial index."""

    node_ids: NDArray[np.int64]
    node_lon: NDArray[np.float64]
    node_lat: NDArray[np.float64]
    edges: list[tuple[int, int, int]]
    lines: list[LineString]
    tree: shapely.STRtree


@dataclass
class _Lines:
    """The graph's forward edges (no ``reversed`` twin), their lines in metres and end nodes."""

    edges: list[tuple[int, int, int]]
    lines: NDArray[np.object_]


def _forward_lines(graph: nx.MultiDiGraph) -> _Lines:
    edges = [
        (u, v, k, data["geometry"])
        for u, v, k, data in graph.edges(keys=True, data=True)
        if not data.get("reversed")
    ]
    # One transform over every line's coordinates at once, as over a collection of them.
    geometries = np.array([geometry for *_, geometry in edges], dtype=object)
    lines = reproject_array(geometries, 4326, METRIC_CRS)
    return _Lines(edges=[(u, v, k) for u, v, k, _ in edges], lines=lines)


def _candidates(
    allowed: set[int], forward: _Lines, node_data: dict[int, dict[str, Any]]
) -> _Candidates | None:
    node_ids = np.array(sorted(allowed), dtype=np.int64)
    picked = [i for i, (u, v, _) in enumerate(forward.edges) if u in allowed and v in allowed]
    if not picked:
        return None
    lines = forward.lines[picked]
    return _Candidates(
        node_ids=node_ids,
        node_lon=np.array([node_data[n]["x"] for n in node_ids.tolist()]),
        node_lat=np.array([node_data[n]["y"] for n in node_ids.tolist()]),
        edges=[forward.edges[i] for i in picked],
        lines=lines.tolist(),
        tree=shapely.STRtree(lines),
    )


def _candidate_sets(graph: nx.MultiDiGraph, sides: set[str]) -> dict[str, _Candidates | None]:
    core = core_nodes(graph)
    forward = _forward_lines(graph)
    node_data = dict(graph.nodes(data=True))
    result: dict[str, _Candidates | None] = {}
    for side in sorted(sides):
        allowed = core if side == "both" else reachable_nodes(graph, core, reverse=side == "out")
        result[side] = _candidates(allowed, forward, node_data)
    return result


def _attach(graph: nx.MultiDiGraph, places: list[Place]) -> list[tuple[int | None, float]]:
    """Attach each place to ``graph``; return (node, distance in metres) per place.

    Each place attaches within the nodes its kind allows (:data:`ATTACH_SIDE`).
    """
    if not places or graph.number_of_edges() == 0:
        return [(None, float("inf"))] * len(places)
    sides = [ATTACH_SIDE.get(p.kind, "both") for p in places]
    candidates = _candidate_sets(graph, set(sides))
    results: list[tuple[int | None, float]] = []
    splits: dict[tuple[int, int, int], list[tuple[float, int]]] = {}
    for index, (place, side) in enumerate(zip(places, sides, strict=True)):
        found = candidates[side]
        if found is None:
            results.append((None, float("inf")))
            continue
        point = reproject(Point(place.lon, place.lat), 4326, METRIC_CRS)
        to_nodes = haversine_m(
            found.node_lon,
            found.node_lat,
            np.full_like(found.node_lon, place.lon),
            np.full_like(found.node_lat, place.lat),
        )
        nearest_node = int(np.argmin(to_nodes))
        edge_index, edge_distance = found.tree.query_nearest(point, return_distance=True)
        edge_distance_m = float(edge_distance[0])
        if edge_distance_m > MAX_ATTACH_DISTANCE_M:
            results.append((None, edge_distance_m))
        elif to_nodes[nearest_node] <= max(SNAP_TO_NODE_M, edge_distance_m):
            results.append((int(found.node_ids[nearest_node]), float(to_nodes[nearest_node])))
        else:
            line = found.lines[int(edge_index[0])]
            fraction = float(shapely.line_locate_point(line, point, normalized=True))
            splits.setdefault(found.edges[int(edge_index[0])], []).append((fraction, index))
            results.append((None, edge_distance_m))
    next_id = min(0, min(graph.nodes)) - 1
    for (u, v, k), entries in splits.items():
        entries.sort()
        fractions = sorted({fraction for fraction, _ in entries})
        new_nodes = _split_edge(graph, u, v, k, fractions, next_id)
        next_id -= len(new_nodes)
        node_of_fraction = dict(zip(fractions, new_nodes, strict=True))
        for fraction, index in entries:
            results[index] = (node_of_fraction[fraction], results[index][1])
    return results


def attach_places(
    road: nx.MultiDiGraph, rail: nx.MultiDiGraph, corridors: CorridorSet
) -> list[NetworkPlace]:
    """Attach corridor places to the graphs and collect named junctions and stations.

    The graphs are modified: edges are split where a place attaches between
    two nodes, and the new node carries ``place`` (the place id).
    """
    places: list[NetworkPlace] = []
    for mode, graph in (("road", road), ("rail", rail)):
        of_mode = [p for p in corridors.places if p.mode == mode]
        for place, (node, distance) in zip(of_mode, _attach(graph, of_mode), strict=True):
            if node is not None:
                graph.nodes[node].setdefault("place", place.id)
            kind = PLACE_KIND_EXPORT[place.kind]
            places.append(
                NetworkPlace(
                    kind=kind,
                    name=place.name,
                    corridors=place.corridors,
                    lon=place.lon,
                    lat=place.lat,
                    mode=mode,
                    node=node,
                    distance_to_node_m=distance,
                    place_id=place.id,
                    role=place.kind if place.kind != kind else "",
                )
            )
    unattached = [p.name for p in places if p.node is None]
    if unattached:
        logger.warning(
            "%d corridor places are not on the loaded network (farther than %.0f km): %s",
            len(unattached),
            MAX_ATTACH_DISTANCE_M / 1000,
            ", ".join(unattached),
        )
    for mode, graph in (("road", road), ("rail", rail)):
        places.extend(_named_nodes(graph, mode))
    return places


def one_way_places(
    road: nx.MultiDiGraph, rail: nx.MultiDiGraph, places: list[NetworkPlace]
) -> list[str]:
    """Describe the corridor places attached outside their graph's core.

    Returns one ``"<name> (entry only)"`` or ``"<name> (exit only)"`` per
    such place (see :data:`ATTACH_SIDE`).
    """
    described: list[str] = []
    for mode, graph in (("road", road), ("rail", rail)):
        attached = [p for p in places if p.mode == mode and p.place_id and p.node is not None]
        if not attached:
            continue
        core = core_nodes(graph)
        for place in attached:
            if place.node not in core:
                side = "entry only" if place.kind == "spod" else "exit only"
                described.append(f"{place.name} ({side})")
    return described


def _named_nodes(graph: nx.MultiDiGraph, mode: str) -> Iterable[NetworkPlace]:
    for node, data in graph.nodes(data=True):
        name = data.get("name")
        if not name and data.get("highway") == "motorway_junction" and data.get("ref"):
            name = f"exit {data['ref']}"  # a junction mapped with its number only
        if not name:
            continue
        if data.get("highway") == "motorway_junction" or data.get("barrier") == "border_control":
            kind = "junction"
        elif data.get("railway") in {"station", "halt", "yard"}:
            kind = "station"
        else:
            continue
        yield NetworkPlace(
            kind=kind,
            name=str(name),
            corridors=tuple(data.get("corridors", ())),
            lon=float(data["x"]),
            lat=float(data["y"]),
            mode=mode,
            node=int(node),
            distance_to_node_m=0.0,
            role="border_crossing" if data.get("barrier") == "border_control" else "",
        )
