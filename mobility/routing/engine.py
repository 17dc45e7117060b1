"""Shortest paths on a sparse matrix: scipy's C Dijkstra behind a small API.

Parallel edges are reduced to the cheapest one per ``(u, v)`` pair; the
reduction order is fixed at construction so that new weights (penalties of
the alternative-route search) cost one vectorised pass, not a rebuild.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

#: scipy's sparse graphs treat explicit zeros as missing edges; weights are
#: floored at this positive value (seconds or metres: far below any real edge).
MIN_WEIGHT = 1e-6


class ShortestPaths(Protocol):
    """What routing needs of a path engine (node-based or turn-aware)."""

    def set_weights(self, weights: NDArray[np.float64]) -> None:
        """Use new edge weights (indexed like the table)."""

    def one_to_all(
        self, source: int, limit: float = np.inf
    ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Distances from ``source`` to every node, and a path tree for :meth:`path_edges`."""

    def path_edges(
        self, predecessors: NDArray[np.int32], source: int, target: int
    ) -> list[int] | None:
        """Edges of the shortest path to ``target`` from a :meth:`one_to_all` result."""

    def shortest_path(self, source: int, target: int) -> list[int] | None:
        """Edges of the cheapest path, or ``None`` if ``target`` is unreachable."""

    def edge_between(self, a: int, b: int) -> int:
        """Index of the cheapest usable edge from node ``a`` to node ``b``."""


class PathEngine:
    """Shortest paths over a subset of a table's edges.

    Parameters
    ----------
    n_nodes
        Number of nodes (indices ``0 .. n_nodes - 1``).
    u, v
        Endpoint indices of every edge of the table.
    edges
        Indices of the edges that may be used (the feasible ones).
    weights
        Weight of every edge of the table (only ``weights[edges]`` is read).
    """

    def __init__(
        self,
        n_nodes: int,
        u: NDArray[np.int64],
        v: NDArray[np.int64],
        edges: NDArray[np.int64],
        weights: NDArray[np.float64],
    ) -> None:
        self.n_nodes = n_nodes
        edges = np.asarray(edges, dtype=np.int64)
        order = np.lexsort((v[edges], u[edges]))
        self._edges = edges[order]
        su, sv = u[self._edges], v[self._edges]
        if len(self._edges):
            new_group = np.r_[True, (su[1:] != su[:-1]) | (sv[1:] != sv[:-1])]
        else:
            new_group = np.zeros(0, dtype=bool)
        self._starts = np.flatnonzero(new_group)
        self._group_u = su[self._starts]
        self._indices = sv[self._starts]
        self._indptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(self._group_u, minlength=n_nodes), out=self._indptr[1:])
        # Sorted keys of the (u, v) groups, for vectorised path reconstruction.
        self._group_keys = self._group_u * n_nodes + self._indices
        self._group_stops = np.r_[self._starts[1:], len(self._edges)].astype(np.int64)
        self._weights = np.zeros(0)
        self._matrix = scipy.sparse.csr_matrix(
            (np.ones(len(self._starts)), self._indices, self._indptr), shape=(n_nodes, n_nodes)
        )
        self.set_weights(weights)

    def set_weights(self, weights: NDArray[np.float64]) -> None:
        """Use new edge weights (indexed like the table)."""
        self._weights = np.maximum(np.asarray(weights, dtype=np.float64), MIN_WEIGHT)
        if len(self._edges):
            # In place: the sparsity pattern never changes.
            self._matrix.data[:] = np.minimum.reduceat(self._weights[self._edges], self._starts)

    def one_to_all(
        self, source: int, limit: float = np.inf
    ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Distances and predecessors from ``source`` to every node (inf / -9999 if unreachable)."""
        distances, predecessors = dijkstra(
            self._matrix, directed=True, indices=source, return_predecessors=True, limit=limit
        )
        return distances, predecessors

    def edge_between(self, a: int, b: int) -> int:
        """Index (in the table) of the cheapest usable edge from node ``a`` to node ``b``.

        Raises
        ------
        KeyError
            If no usable edge joins them.
        """
        return self._edges_between(np.array([a]), np.array([b]))[0]

    def _edges_between(self, a: NDArray[np.int64], b: NDArray[np.int64]) -> list[int]:
        keys = a * self.n_nodes + b
        groups = np.searchsorted(self._group_keys, keys)
        if (
            groups.max(initial=0) >= len(self._group_keys)
            or (self._group_keys[groups] != keys).any()
        ):
            raise KeyError("no usable edge between consecutive path nodes")
        starts, stops = self._starts[groups], self._group_stops[groups]
        chosen = self._edges[starts]
        for i in np.flatnonzero(stops - starts > 1).tolist():  # parallel edges: the cheapest
            group = self._edges[starts[i] : stops[i]]
            chosen[i] = group[np.argmin(self._weights[group])]
        return [int(e) for e in chosen]

    def path_edges(
        self, predecessors: NDArray[np.int32], source: int, target: int
    ) -> list[int] | None:
        """Edges of the shortest path to ``target`` from a :meth:`one_to_all` result."""
        if source == target:
            return []
        if predecessors[target] < 0:
            return None
        nodes = [target]
        while nodes[-1] != source:
            nodes.append(int(predecessors[nodes[-1]]))
        nodes.reverse()
        path = np.array(nodes, dtype=np.int64)
        return self._edges_between(path[:-1], path[1:])

    def shortest_path(self, source: int, target: int) -> list[int] | None:
        """Edges of the cheapest path, or ``None`` if ``target`` is unreachable."""
        _, predecessors = self.one_to_all(source)
        return self.path_edges(predecessors, source, target)
