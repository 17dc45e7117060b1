"""Which edges a planner means by an element's name: the one matcher of closures.

A scenario closure or a stress-test perturbation names an element as a
planner would: a bridge or tunnel by its name (``Moerdijkbrug``; a structure
mapped as many ways is one element, see :mod:`mobility.network.structures`),
a road by name or ref (``A16``), a place by name or corridor-file id (a
junction, a port, a border crossing), an OSM way as ``way 737`` (the label
of unnamed ways), or a graph node by id. Matching ignores case. A node or
place closes every edge into and out of its node, so every route through it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.routing._unique import sorted_unique
from mobility.routing.edges import EdgeTable


def network_table(network: Network, mode: str) -> EdgeTable:
    """Edge table of the road or rail graph, its sections named by the network's places."""
    table = EdgeTable.from_graph(network.road if mode == "road" else network.rail)
    table.node_names.update(
        {
            p.node: p.name
            for p in network.places
            if p.mode == mode and p.place_id and p.node is not None
        }
    )
    return table


def logical_elements(table: EdgeTable) -> dict[str, tuple[int, ...]]:
    """Structure and section names (as written) to their edge indices."""
    found = {s.name: s.edges for s in table.structures.structures}
    found.update({s.name: s.edges for s in table.sections.sections})
    return found


def _structure_keys(table: EdgeTable) -> dict[str, list[int]]:
    """Casefolded structure names (own name and aliases) to their structure indices.

    Built once per table (kept in its ``__dict__`` as a cached property is):
    every route option of an instance asks for it (#13, speed only).
    """
    cached = table.__dict__.get("_structure_keys")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    refs = set(table.refs)
    keys: dict[str, list[int]] = {}
    for structure in table.structures.structures:
        for text in {structure.name, *structure.names}:
            if text and (text == structure.name or text not in refs):
                keys.setdefault(text.casefold(), []).append(structure.index)
    table.__dict__["_structure_keys"] = keys
    return keys


def element_keys(table: EdgeTable, places: Iterable[NetworkPlace]) -> set[str]:
    """Casefolded texts a scenario closure may use on the graph of ``table``.

    Edge labels (name, else ref, else ``way <id>``), refs, structure names,
    place names and ids, ``way <id>`` of every way and node ids.
    """
    known = {label.casefold() for label in table.labels}
    known |= {ref.casefold() for ref in table.refs if ref}
    known |= set(_structure_keys(table))
    known |= {s.name.casefold() for s in table.sections.sections}
    known |= {f"way {way}" for way in sorted_unique(table.element[table.element >= 0]).tolist()}
    for place in places:
        if place.node is not None and place.node in table.graph:
            known |= {place.name.casefold(), place.place_id.casefold()} - {""}
    known |= {str(node) for node in table.graph.nodes}
    return known


def suggest(text: str, names: Iterable[str], n: int = 4) -> str:
    """``; did you mean 'A', 'B'?`` for the names nearest ``text`` (empty when none)."""
    candidates = sorted({name for name in names if name and not name.lstrip("-").isdigit()})
    folded = {name.casefold(): name for name in candidates}
    close = difflib.get_close_matches(text.strip().casefold(), list(folded), n=n, cutoff=0.6)
    if not close:
        close = [key for key in folded if text.strip().casefold() in key][:n]
    return f"; did you mean {', '.join(repr(folded[c]) for c in close)}?" if close else ""


def element_names(table: EdgeTable, places: Iterable[NetworkPlace]) -> list[str]:
    """Names users give elements of ``table``'s graph (for suggestions)."""
    names = [*table.labels, *filter(None, table.refs)]
    names += [s.name for s in table.structures.structures]
    names += [s.name for s in table.sections.sections]
    names += [p.name for p in places if p.node is not None and p.node in table.graph]
    return names


def _structure_names(table: EdgeTable) -> dict[int, list[str]]:
    """Structure index to its casefolded keys (:func:`_structure_keys` inverted).

    Built once per table: every route option asked for it, and building it
    walks every structure of the network (#13, speed only).
    """
    cached = table.__dict__.get("_structure_names")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names: dict[int, list[str]] = {}
    for name, indices in _structure_keys(table).items():
        for index in indices:
            names.setdefault(index, []).append(name)
    table.__dict__["_structure_names"] = names
    return names


def _edge_keys(table: EdgeTable, edge: int) -> tuple[tuple[str, ...], int, int]:
    """Casefolded keys of one edge (label, ref, ``way <id>``, structure, section) and its nodes.

    In the order :func:`element_spans_s` meets them; kept per table and edge,
    as every option of an instance meets the same edges again (#13, speed only).
    """
    memo: dict[int, tuple[tuple[str, ...], int, int]] = table.__dict__.setdefault("_edge_keys", {})
    found = memo.get(edge)
    if found is not None:
        return found
    texts = (table.labels[edge], table.refs[edge], f"way {table.element[edge]}")
    keys = [text.casefold() for text in texts if text]
    keys += _structure_names(table).get(int(table.structures.of_edge[edge]), ())
    section = int(table.sections.of_edge[edge])
    if section >= 0:
        keys.append(table.sections.sections[section].name.casefold())
    found = (tuple(keys), int(table.u[edge]), int(table.v[edge]))
    memo[edge] = found
    return found


def match_edges(
    table: EdgeTable, text: str, places: Iterable[NetworkPlace] = ()
) -> NDArray[np.int64]:
    """Return the indices of the edges an element text names (empty when none).

    Parameters
    ----------
    table
        Edge table of the road or rail graph.
    text
        Name, ref, structure name, ``way <id>``, place name or id, or node id.
    places
        Places of the network; only those attached to a node of the table's
        graph count. A place closes the edges into and out of its node.
    """
    key = text.strip().casefold()
    if not key:
        return np.zeros(0, dtype=np.int64)
    labels = np.array([label.casefold() for label in table.labels], dtype=object)
    refs = np.array([ref.casefold() for ref in table.refs], dtype=object)
    mask = (labels == key) | (refs == key)
    structures = _structure_keys(table).get(key, [])
    if structures:
        mask |= np.isin(table.structures.of_edge, structures)
    sections = [s.index for s in table.sections.sections if s.name.casefold() == key]
    if sections:
        mask |= np.isin(table.sections.of_edge, sections)
    if key.startswith("way ") and key[4:].strip().lstrip("-").isdigit():
        mask |= table.element == int(key[4:].strip())
    nodes: list[int] = []
    if key.lstrip("-").isdigit() and int(key) in table.graph:
        nodes.append(table.index(int(key)))
    for place in places:
        if place.node is None or place.node not in table.graph:
            continue
        if key in (place.name.casefold(), place.place_id.casefold()):
            nodes.append(table.index(place.node))
    if nodes:
        mask |= np.isin(table.u, nodes) | np.isin(table.v, nodes)
    return np.flatnonzero(mask).astype(np.int64)


def element_spans_s(
    table: EdgeTable,
    edges: Sequence[int],
    entry_s: Sequence[float],
    travel_s: Sequence[float],
    pass_s: float,
    places: Iterable[NetworkPlace] = (),
) -> dict[str, tuple[float, float]]:
    """Seconds after the start in which a route occupies every element it meets.

    Keys are the casefolded texts :func:`match_edges` accepts: names, refs,
    structure and section names, ``way <id>``, node ids, place names and ids. A span runs
    from the head entering the element (reaching the node) to the tail
    leaving it, ``pass_s`` after the head.
    """
    spans: dict[str, tuple[float, float]] = {}

    def add(key: str, begin: float, end: float) -> None:
        low, high = spans.get(key, (begin, end))
        spans[key] = (min(low, begin), max(high, end))

    node_spans: dict[int, tuple[float, float]] = {}
    for edge, begin, seconds in zip(edges, entry_s, travel_s, strict=True):
        end = begin + seconds + pass_s
        keys, u, v = _edge_keys(table, edge)
        for key in keys:
            add(key, begin, end)
        for node, moment in ((u, begin), (v, begin + seconds)):
            low, high = node_spans.get(node, (moment, moment + pass_s))
            node_spans[node] = (min(low, moment), max(high, moment + pass_s))
    for node, (begin, end) in node_spans.items():
        add(str(int(table.nodes[node])), begin, end)
    # Places by the route's own node ids: no look-up in the whole graph per place (#13).
    route_nodes = {int(table.nodes[node]): node for node in node_spans}
    for place in places:
        if place.node is None or place.node not in route_nodes:
            continue
        span = node_spans.get(route_nodes[place.node])
        if span is not None:
            for key in (place.name, place.place_id):
                if key:
                    add(key.casefold(), *span)
    return spans
