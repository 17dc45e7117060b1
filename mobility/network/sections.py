"""Road and rail sections between junctions: the elements planners close and rank.

A planner closes "the A12 between Prins Clausplein and Zoetermeer", not OSM
way 7467814. :func:`section_index` cuts the non-structure edges of a graph
into chains between *break nodes* (where the network branches: a node with
other than two neighbours; a named junction, station or place node; the end
of a bridge or tunnel) and names each chain by its road or line (ref, else
name) and the nearest named points at its two ends. Both directions of a
road, and the two carriageways of a dual carriageway between the same named
points, are one section. Chains whose two ends do not have two different
names are named by the point nearest their middle and joined by that name
(``A4 near Leidschendam``: the carriageways and short links of the A4 around
that junction), else by their way (``N44 (way 61834674)``). Bridges and tunnels are
elements of their own (:mod:`mobility.network.structures`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import DisjointSet
from scipy.spatial import cKDTree

#: Farthest a named node may lie from a section's end to name it.
NAME_RADIUS_M = 1500.0


@dataclass(frozen=True)
class Section:
    """A road or rail section between two junctions.

    Attributes
    ----------
    index
        Position in :attr:`SectionIndex.sections`.
    name
        Unique human name, e.g. ``A12 between Prins Clausplein and Zoetermeer``.
    ref
        Road or line ref (empty where none).
    ways
        OSM way ids, sorted.
    edges
        Edge table indices (every direction and carriageway).
    length_m
        Length of its longest direction.
    """

    index: int
    name: str
    ref: str
    ways: tuple[int, ...]
    edges: tuple[int, ...]
    length_m: float


@dataclass(frozen=True)
class SectionIndex:
    """Sections of one graph and the section of every edge.

    Attributes
    ----------
    sections
        In a stable order (by smallest way id).
    of_edge
        Section index of every table edge (-1 for bridge and tunnel edges).
    """

    sections: tuple[Section, ...]
    of_edge: NDArray[np.int64]


def _metres(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.column_stack([lon * 111_320.0 * np.cos(np.radians(52.0)), lat * 110_540.0])


def node_name(data: dict[str, Any]) -> str:
    """Name of a junction, station or border post node (``exit <ref>`` for a bare ref)."""
    junction = data.get("highway") == "motorway_junction"
    if not (
        junction
        or data.get("railway") in {"station", "halt", "yard"}
        or data.get("barrier") == "border_control"
    ):
        return ""
    if data.get("name"):
        return str(data["name"])
    return f"exit {data['ref']}" if junction and data.get("ref") else ""


def _named_nodes(table: Any, names: dict[int, str]) -> tuple[Any, list[str]]:
    graph = table.graph
    found = dict(names)
    for node, data in graph.nodes(data=True):
        # Any named node may name a section's end; only junctions and stations cut one.
        name = node_name(data) or str(data.get("name") or "")
        if name and int(node) not in found:
            found[int(node)] = name
    if not found:
        return None, []
    nodes = list(found)
    lon = np.array([graph.nodes[n]["x"] for n in nodes], dtype=np.float64)
    lat = np.array([graph.nodes[n]["y"] for n in nodes], dtype=np.float64)
    return cKDTree(_metres(lon, lat)), [found[n] for n in nodes]


def section_index(table: Any, names: dict[int, str] | None = None) -> SectionIndex:
    """Cut the non-structure edges of ``table`` into named sections.

    Parameters
    ----------
    table
        An :class:`~mobility.routing.edges.EdgeTable`.
    names
        Extra node names by graph node id (places attached to the graph).
    """
    names = names or {}
    n = table.n_edges
    of_edge = np.full(n, -1, dtype=np.int64)
    plain = ~(table.bridge | table.tunnel)
    neighbours: list[set[int]] = [set() for _ in range(table.n_nodes)]
    for u, v in zip(table.u.tolist(), table.v.tolist(), strict=True):
        if u != v:
            neighbours[u].add(v)
            neighbours[v].add(u)
    named_index = {table.index(node) for node in names if node in table.graph}
    graph_nodes = table.graph.nodes
    named_index |= {
        i
        for i, node in enumerate(table.nodes.tolist())
        if node_name(graph_nodes[node]) or graph_nodes[node].get("place")
    }
    structure_nodes = set(table.u[~plain].tolist()) | set(table.v[~plain].tolist())
    is_break = np.array(
        [
            len(neighbours[i]) != 2 or i in named_index or i in structure_nodes
            for i in range(table.n_nodes)
        ],
        dtype=bool,
    )
    sets = DisjointSet(np.flatnonzero(plain).tolist())
    incident: dict[int, int] = {}
    twins: dict[tuple[int, int], int] = {}
    for edge in np.flatnonzero(plain).tolist():
        u, v = int(table.u[edge]), int(table.v[edge])
        for node in (u, v):
            if not is_break[node]:
                sets.merge(incident.setdefault(node, edge), edge)
        sets.merge(twins.setdefault((min(u, v), max(u, v)), edge), edge)
    tree, tree_names = _named_nodes(table, names)
    # NaN lengths count as 0, converted once: per edge it dominated on country-size graphs (#13).
    metres = np.nan_to_num(table.length_m, nan=0.0)
    chains = sorted(
        (np.array(sorted(group), dtype=np.int64) for group in sets.subsets()),
        key=lambda edges: min(_way(table, e) for e in edges.tolist()),
    )
    by_key: dict[str, list[NDArray[np.int64]]] = {}
    for edges in chains:
        by_key.setdefault(_name(table, edges, is_break, tree, tree_names, metres), []).append(edges)
    sections: list[Section] = []
    used: Counter[str] = Counter()
    for key, groups in by_key.items():
        merged = groups if "(way " not in key else [groups[0]]
        rest = [] if "(way " not in key else groups[1:]
        for edges in [np.concatenate(merged), *rest]:
            name = key
            ways = sorted({int(table.element[e]) for e in edges.tolist() if table.element[e] >= 0})
            used[name] += 1
            if used[name] > 1:  # one way cut into several sections at junctions
                name = f"{key[:-1]}, part {used[name]})" if key.endswith(")") else key
            of_edge[edges] = len(sections)
            ref_m: dict[str, float] = {}
            for e in edges.tolist():
                if table.refs[e]:
                    ref_m[table.refs[e]] = ref_m.get(table.refs[e], 0.0) + float(metres[e])
            sections.append(
                Section(
                    index=len(sections),
                    name=name,
                    ref=max(ref_m, key=lambda r: ref_m[r]) if ref_m else "",
                    ways=tuple(ways),
                    edges=tuple(int(e) for e in edges.tolist()),
                    length_m=_length(table, edges),
                )
            )
    return SectionIndex(tuple(sections), of_edge)


def _way(table: Any, edge: int) -> int:
    way = int(table.element[edge])
    return way if way >= 0 else 1 << 62


def _length(table: Any, edges: NDArray[np.int64]) -> float:
    """Length of one direction: the forward edges of the chain, or all if one-way."""
    pairs: dict[tuple[int, int], float] = {}
    for edge in edges.tolist():
        u, v = int(table.u[edge]), int(table.v[edge])
        pairs.setdefault((min(u, v), max(u, v)), float(table.length_m[edge]))
    return float(sum(pairs.values()))


def _name(
    table: Any,
    edges: NDArray[np.int64],
    is_break: NDArray[np.bool_],
    tree: Any,
    places: list[str],
    lengths_m: NDArray[np.float64],
) -> str:
    # Ref and name by length: a short loop or link does not name the section.
    # ``lengths_m``: every edge's length with NaN as 0.
    refs: dict[str, float] = {}
    names: dict[str, float] = {}
    chain_m = lengths_m[edges]
    for e, length in zip(edges.tolist(), chain_m.tolist(), strict=True):
        metres = length + 1e-3
        if table.refs[e]:
            refs[table.refs[e]] = refs.get(table.refs[e], 0.0) + metres
        name = table.data(e).get("name")
        if name:
            text = str(name[0] if isinstance(name, list) else name)
            names[text] = names.get(text, 0.0) + metres
    way = min(_way(table, e) for e in edges.tolist())
    ref = max(refs, key=lambda r: refs[r]) if refs else ""
    name = max(names, key=lambda n: names[n]) if names else ""
    named_m = names.get(name, 0.0)
    total_m = float(chain_m.sum()) + 1e-3 * len(edges)
    if ref and name and name != ref and 2 * named_m >= total_m:
        label = f"{ref} {name}"  # e.g. N44 Rijksstraatweg
    else:
        label = ref or name
    if not label:
        label = "line" if table.data(int(edges[0])).get("railway") else "road"
    ends = sorted(
        {int(x) for x in (*table.u[edges].tolist(), *table.v[edges].tolist()) if is_break[x]}
    )
    if tree is None or len(ends) < 2:
        return f"{label} (way {way})"
    nodes = table.graph.nodes
    points = _metres(
        np.array([nodes[int(table.nodes[i])]["x"] for i in ends], dtype=np.float64),
        np.array([nodes[int(table.nodes[i])]["y"] for i in ends], dtype=np.float64),
    )
    distance, nearest = tree.query(points)
    pairs = zip(distance.tolist(), nearest.tolist(), strict=True)
    found = sorted({places[int(i)] for d, i in pairs if d <= NAME_RADIUS_M})
    if len(found) == 2:
        return f"{label} between {found[0]} and {found[1]}"
    # Pieces between unnamed branches (ramps, short one-way links) are named
    # by the nearest named point; pieces of one road near one point form one
    # element ("A4 near Leidschendam"), as planners name them.
    distance, nearest = tree.query(points.mean(axis=0))
    if float(distance) <= NAME_RADIUS_M:
        return f"{label} near {places[int(nearest)]}"
    return f"{label} (way {way})"
