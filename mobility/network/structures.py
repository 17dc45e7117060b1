"""Bridges and tunnels as users name them: one structure from many OSM ways.

OSM maps one bridge as several ways (split where lanes, speed or layer
change) and a dual carriageway as two parallel one-way ways. Planners mean
the structure: the Van Brienenoordbrug is one movement credit whichever
carriageway and piece a column uses. :func:`structure_index` groups the
bridge and tunnel edges of a graph into logical structures:

- edges of one OSM way belong together (both directions, every piece);
- connected edges of the same kind (bridge or tunnel) carrying the same
  structure name, road name or ref (or none) chain into one;
- edges of the same kind and the same *structure* name (``bridge:name``,
  ``tunnel:name``, or a ``name`` that is a structure's, like ``...brug``,
  ``...tunnel``, ``...viaduct``) within ``named_gap_m`` of each other join
  (the other carriageway, pieces split by a short gap);
- edges that carry only a road name or ref join within ``road_gap_m``: the
  opposite carriageway of the same crossing, not the next viaduct along the
  road.

Each structure gets a unique human name (the structure's own name, else
``tunnel on Utrechtsebaan (way 123)``, else ``unnamed bridge (way 123)``),
and a direction of travel per edge: a dual carriageway, or the two
directions of one way, give two directions, each with its own capacity in
the scheduler.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.cluster.hierarchy import DisjointSet

#: Words that mark a ``name`` as a structure's own name (Dutch and English).
STRUCTURE_WORDS = re.compile(
    r"(brug|bruggen|viaduct|viaduc|aquaduct|tunnel|duiker|bridge|overpass|underpass)\b",
    re.IGNORECASE,
)
#: Metres between edges of the same named structure that still join.
NAMED_GAP_M = 300.0
#: Metres between edges of the same road name or ref that still join (carriageways).
ROAD_GAP_M = 60.0
_COMPASS = ("eastbound", "northbound", "westbound", "southbound")


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


@dataclass(frozen=True)
class Structure:
    """One bridge or tunnel, however many ways and carriageways OSM maps it with.

    Attributes
    ----------
    index
        Position in :attr:`StructureIndex.structures`.
    kind
        ``bridge`` or ``tunnel``.
    name
        Unique human name within the graph.
    names
        Every name, structure name and ref its edges carry (for matching).
    ref
        Road ref (empty where none).
    ways
        OSM way ids, sorted.
    edges
        Edge table indices (both directions).
    directions
        Names of its directions of travel (one for a one-way structure).
    length_m
        Length of its longest direction.
    """

    index: int
    kind: str
    name: str
    names: tuple[str, ...]
    ref: str
    ways: tuple[int, ...]
    edges: tuple[int, ...]
    directions: tuple[str, ...]
    length_m: float


@dataclass(frozen=True)
class StructureIndex:
    """Structures of one graph, with the structure and direction of every edge.

    Attributes
    ----------
    structures
        In a stable order (by smallest way id).
    of_edge
        Structure index of every table edge (-1 where none).
    direction_of_edge
        Direction name of every structure edge ('' elsewhere).
    """

    structures: tuple[Structure, ...]
    of_edge: NDArray[np.int64]
    direction_of_edge: tuple[str, ...]

    def at(self, edge: int) -> Structure | None:
        """Structure of a table edge (``None`` where it is no bridge or tunnel)."""
        found = int(self.of_edge[edge])
        return self.structures[found] if found >= 0 else None


def _project(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Local equirectangular metres (enough for gaps of a few hundred metres)."""
    lat0 = float(np.nanmean(lat)) if len(lat) else 52.0
    return np.column_stack([lon * 111_320.0 * np.cos(np.radians(lat0)), lat * 110_540.0])


def structure_index(
    table: Any, named_gap_m: float = NAMED_GAP_M, road_gap_m: float = ROAD_GAP_M
) -> StructureIndex:
    """Group the bridge and tunnel edges of ``table`` into structures.

    Parameters
    ----------
    table
        An :class:`~mobility.routing.edges.EdgeTable`.
    named_gap_m, road_gap_m
        Largest gap between edges of one structure by its own name, and by a
        road name or ref only.
    """
    candidates = np.flatnonzero(table.bridge | table.tunnel)
    of_edge = np.full(table.n_edges, -1, dtype=np.int64)
    directions = [""] * table.n_edges
    if not len(candidates):
        return StructureIndex((), of_edge, tuple(directions))
    kinds = np.where(table.tunnel[candidates], "tunnel", "bridge")
    own: list[str] = []
    road: list[str] = []
    for edge, kind in zip(candidates.tolist(), kinds.tolist(), strict=True):
        data = table.data(edge)
        name = str(_first(data.get("name")) or "")
        special = str(_first(data.get(f"{kind}_name")) or "")
        if not special and name and STRUCTURE_WORDS.search(name):
            special = name
        own.append(special)
        road.append(name or str(_first(data.get("ref")) or ""))
    sets = DisjointSet(range(len(candidates)))
    _join_ways_and_chains(table, candidates, kinds, own, road, sets)
    _join_near(table, candidates, kinds, own, road, sets, named_gap_m, road_gap_m)
    groups = sorted(
        (sorted(group) for group in sets.subsets()),
        key=lambda g: min(_way(table, candidates[i]) for i in g),
    )
    structures: list[Structure] = []
    for group in groups:
        edges = candidates[group]
        structure = _structure(
            table, len(structures), edges, str(kinds[group[0]]), own, road, group
        )
        of_edge[edges] = structure.index
        for edge, direction in _directions(table, edges).items():
            directions[edge] = direction
        structures.append(
            replace(
                structure,
                directions=tuple(dict.fromkeys(directions[e] for e in edges.tolist())),
            )
        )
    return StructureIndex(tuple(_unique_names(structures)), of_edge, tuple(directions))


def _way(table: Any, edge: int) -> int:
    way = int(table.element[edge])
    return way if way >= 0 else 1 << 62


def _join_ways_and_chains(
    table: Any,
    candidates: NDArray[np.int64],
    kinds: NDArray[np.str_],
    own: list[str],
    road: list[str],
    sets: DisjointSet,
) -> None:
    by_way: dict[tuple[int, str], int] = {}
    by_node: dict[tuple[int, str, str], int] = {}
    for i, edge in enumerate(candidates.tolist()):
        way = int(table.element[edge])
        if way >= 0:
            sets.merge(by_way.setdefault((way, str(kinds[i])), i), i)
        label = own[i] or road[i]
        for node in (int(table.u[edge]), int(table.v[edge])):
            sets.merge(by_node.setdefault((node, str(kinds[i]), label), i), i)


def _join_near(
    table: Any,
    candidates: NDArray[np.int64],
    kinds: NDArray[np.str_],
    own: list[str],
    road: list[str],
    sets: DisjointSet,
    named_gap_m: float,
    road_gap_m: float,
) -> None:
    nodes = table.graph.nodes
    ids = table.nodes
    lon_u = np.array([nodes[int(ids[table.u[e]])]["x"] for e in candidates], dtype=np.float64)
    lat_u = np.array([nodes[int(ids[table.u[e]])]["y"] for e in candidates], dtype=np.float64)
    lon_v = np.array([nodes[int(ids[table.v[e]])]["x"] for e in candidates], dtype=np.float64)
    lat_v = np.array([nodes[int(ids[table.v[e]])]["y"] for e in candidates], dtype=np.float64)
    start = _project(lon_u, lat_u)
    end = _project(lon_v, lat_v)
    lines = shapely.linestrings(np.stack([start, end], axis=1))
    tree = shapely.STRtree(lines)
    gap = max(named_gap_m, road_gap_m)
    left, right = tree.query(lines, predicate="dwithin", distance=gap)
    keep = left < right
    left, right = left[keep], right[keep]
    if not len(left):
        return
    distance = shapely.distance(lines[left], lines[right])
    for a, b, metres in zip(left.tolist(), right.tolist(), distance.tolist(), strict=True):
        if kinds[a] != kinds[b]:
            continue
        if (own[a] and own[a].casefold() == own[b].casefold() and metres <= named_gap_m) or (
            not own[a]
            and not own[b]
            and road[a]
            and road[a].casefold() == road[b].casefold()
            and metres <= road_gap_m
        ):
            sets.merge(a, b)


def _structure(
    table: Any,
    index: int,
    edges: NDArray[np.int64],
    kind: str,
    own: list[str],
    road: list[str],
    group: list[int],
) -> Structure:
    ways = sorted({int(table.element[e]) for e in edges.tolist() if table.element[e] >= 0})
    first_way = ways[0] if ways else -1
    own_names = Counter(own[i] for i in group if own[i])
    road_names = Counter(road[i] for i in group if road[i])
    refs = Counter(table.refs[e] for e in edges.tolist() if table.refs[e])
    if own_names:
        name = own_names.most_common(1)[0][0]
    elif road_names:
        name = f"{kind} on {road_names.most_common(1)[0][0]} (way {first_way})"
    else:
        name = f"unnamed {kind} (way {first_way})"
    names = {*own_names, *road_names, *refs}
    lengths: dict[str, float] = {}
    for edge, direction in _directions(table, edges).items():
        lengths[direction] = lengths.get(direction, 0.0) + float(table.length_m[edge])
    return Structure(
        index=index,
        kind=kind,
        name=name,
        names=tuple(sorted(names)),
        ref=refs.most_common(1)[0][0] if refs else "",
        ways=tuple(ways),
        edges=tuple(int(e) for e in edges.tolist()),
        directions=(),
        length_m=max(lengths.values(), default=0.0),
    )


def _directions(table: Any, edges: NDArray[np.int64]) -> dict[int, str]:
    """Direction of travel of every edge: the compass heading of its side of the axis."""
    nodes = table.graph.nodes
    ids = table.nodes
    vectors = np.array(
        [
            [
                nodes[int(ids[table.v[e]])]["x"] - nodes[int(ids[table.u[e]])]["x"],
                nodes[int(ids[table.v[e]])]["y"] - nodes[int(ids[table.u[e]])]["y"],
            ]
            for e in edges.tolist()
        ],
        dtype=np.float64,
    )
    reference = vectors[int(np.argmax(np.hypot(vectors[:, 0], vectors[:, 1])))]
    signs = np.where(vectors @ reference >= 0, 1.0, -1.0)
    axis = (vectors * signs[:, None]).sum(axis=0)
    if not np.any(axis):
        axis = np.array([1.0, 0.0])
    forward = _compass(axis)
    backward = _compass(-axis)
    return {
        int(edge): forward if sign > 0 else backward
        for edge, sign in zip(edges.tolist(), signs.tolist(), strict=True)
    }


def _compass(vector: NDArray[np.float64]) -> str:
    angle = float(np.degrees(np.arctan2(vector[1], vector[0]))) % 360
    return _COMPASS[int(((angle + 45) % 360) // 90)]


def _unique_names(structures: list[Structure]) -> list[Structure]:
    counts = Counter(s.name for s in structures)
    unique = []
    for structure in structures:
        name = structure.name
        if counts[name] > 1 and "(way " not in name and structure.ways:
            name = f"{name} (way {structure.ways[0]})"
        unique.append(replace(structure, name=name))
    return unique
