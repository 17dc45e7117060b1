"""Elements out of use while routing: closures the router routes around.

A scenario closure names an element (:func:`~mobility.routing.elements.match_edges`);
:class:`ClosedEdges` holds, for one graph, which edges each closure takes out
of use. The router removes them before it searches for routes, and when no
route is left, its explanation names the closures (and restrictions) that
cut every route, each closure as one element however many edges it covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mobility.network.places import NetworkPlace
from mobility.routing.edges import EdgeTable
from mobility.routing.elements import match_edges


@dataclass(frozen=True, eq=False)
class ClosedEdges:
    """Edges of one graph out of use, by closure.

    Attributes
    ----------
    names
        The closures' element texts, as the scenario wrote them.
    of_edge
        Per edge of the table, the index into ``names`` of the closure that
        takes it out of use (-1: open).
    """

    names: tuple[str, ...]
    of_edge: NDArray[np.int64]

    @property
    def mask(self) -> NDArray[np.bool_]:
        """Edges out of use."""
        return np.asarray(self.of_edge >= 0)

    @property
    def key(self) -> tuple[str, ...]:
        """What identifies the closed set among those of one table (cache key)."""
        return tuple(sorted({text.strip().casefold() for text in self.names}))

    def __bool__(self) -> bool:
        return bool(self.mask.any())


def closed_edges(
    table: EdgeTable, texts: Sequence[str], places: Iterable[NetworkPlace] = ()
) -> ClosedEdges:
    """Return the edges of ``table`` each of ``texts`` closes (first closure wins)."""
    of_edge = np.full(table.n_edges, -1, dtype=np.int64)
    names = tuple(dict.fromkeys(texts))
    places = tuple(places)
    for index, text in enumerate(names):
        edges = match_edges(table, text, places)
        free = edges[of_edge[edges] < 0]
        of_edge[free] = index
    return ClosedEdges(names, of_edge)


__all__ = ["ClosedEdges", "closed_edges"]
