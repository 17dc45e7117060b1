"""Which edges a planner means by an element's name: the one matcher of closures.

A scenario closure or a stress-test perturbation names an element as a
planner would: a bridge, tunnel or road by name (``Moerdijkbrug``), a road
or line by ref (``A16``), a place by name (a junction, a port, a border
crossing), or a graph node by id. Matching ignores case. Stress tests may
also name an OSM way as ``way 737`` (the label of unnamed ways) and places
by corridor-file id.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from mobility.network.places import NetworkPlace
from mobility.routing.edges import EdgeTable


def element_keys(table: EdgeTable, places: Iterable[NetworkPlace]) -> set[str]:
    """Casefolded texts a scenario closure may use on the graph of ``table``.

    Edge labels (name, else ref, else ``way <id>``), refs, place names and
    node ids.
    """
    known = {label.casefold() for label in table.labels}
    known |= {ref.casefold() for ref in table.refs if ref}
    known |= {place.name.casefold() for place in places}
    known |= {str(node) for node in table.graph.nodes}
    return known


def match_edges(
    table: EdgeTable, text: str, places: Iterable[NetworkPlace] = ()
) -> NDArray[np.int64]:
    """Return the indices of the edges an element text names (empty when none).

    Parameters
    ----------
    table
        Edge table of the road or rail graph.
    text
        Name, ref, ``way <id>``, place name or id, or node id.
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
