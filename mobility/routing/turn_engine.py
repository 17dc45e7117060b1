"""Turn-aware shortest paths: scipy's C Dijkstra on the graph of directed edges.

The states of the search are the usable edges of the table; an arc joins
edge ``e1`` to edge ``e2`` where an allowed turn leads from one into the
other (:func:`~mobility.routing.turns.turn_arcs`). The distance of a state
is the cost of reaching the **start** of its edge, so an arc weighs the
weight of ``e1`` plus the turn's cost; every edge leaving the source starts
at distance 0 (one multi-source run), and a node's distance is the best
state entering it plus that edge's weight. New weights (the penalties of
alternative routes, closures) cost one vectorised pass over the arcs.

The API is :class:`~mobility.routing.engine.PathEngine`'s, so callers use
either. One difference: :meth:`TurnPathEngine.one_to_all` returns a
predecessor array over the states followed by, per node, the state that
reaches it best; only :meth:`TurnPathEngine.path_edges` reads it.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from mobility.routing._unique import sorted_unique
from mobility.routing.engine import MIN_WEIGHT
from mobility.routing.turns import TurnArcs

#: scipy's marker of "no predecessor".
NO_PREDECESSOR = -9999
#: Searches kept at the weights their engine was built with (a vehicle class's own
#: costs), the most recent over all engines: march units of many requests leave
#: from the same few places (#13). One is about 4 MB on a country-size network.
TREES_KEPT = 24
#: The kept searches, least recent first: (engine, (source, limit)).
_KEPT: OrderedDict[tuple[weakref.ref[TurnPathEngine], tuple[int, float]], None] = OrderedDict()
_KEPT_LOCK = threading.Lock()


class TurnPathEngine:
    """Shortest paths over a subset of a table's edges, through allowed turns only.

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
    arcs
        Allowed turns between table edges; those touching an unusable edge
        are dropped.
    """

    def __init__(
        self,
        n_nodes: int,
        u: NDArray[np.int64],
        v: NDArray[np.int64],
        edges: NDArray[np.int64],
        weights: NDArray[np.float64],
        arcs: TurnArcs,
    ) -> None:
        self.n_nodes = n_nodes
        self._edges = sorted_unique(np.asarray(edges, dtype=np.int64))
        n_states = len(self._edges)
        state_of = np.full(len(u), -1, dtype=np.int64)
        state_of[self._edges] = np.arange(n_states)
        # Arcs sorted by (from_edge, to_edge) once per mode; states number the
        # usable edges in increasing order, so the kept arcs stay sorted by state.
        arcs = arcs.by_edges
        source, target = state_of[arcs.from_edge], state_of[arcs.to_edge]
        usable = (source >= 0) & (target >= 0)
        self._arc_source = source[usable]
        self._arc_cost = arcs.cost_s[usable]
        self.n_reversal_arcs = int(np.count_nonzero(arcs.reversal[usable]))
        indptr = np.zeros(n_states + 1, dtype=np.int64)
        np.cumsum(np.bincount(self._arc_source, minlength=n_states), out=indptr[1:])
        self._matrix = scipy.sparse.csr_matrix(
            (np.ones(len(self._arc_source)), target[usable], indptr), shape=(n_states, n_states)
        )
        self._tail = u[self._edges]
        self._head = v[self._edges]
        self._out_order = np.argsort(self._tail, kind="stable")
        self._out_ptr = np.searchsorted(self._tail[self._out_order], np.arange(n_nodes + 1))
        self._weights = np.zeros(0)
        self._state_weights = np.zeros(0)
        self.set_weights(weights)
        self._own_weights = self._state_weights
        self._trees: dict[tuple[int, float], tuple[NDArray[np.float64], NDArray[np.int32]]] = {}
        self._ref = weakref.ref(self)

    @property
    def n_states(self) -> int:
        """Number of usable edges (search states)."""
        return len(self._edges)

    def set_weights(self, weights: NDArray[np.float64]) -> None:
        """Use new edge weights (indexed like the table)."""
        self._weights = np.maximum(np.asarray(weights, dtype=np.float64), MIN_WEIGHT)
        self._state_weights = self._weights[self._edges]
        # In place: the sparsity pattern never changes.
        self._matrix.data[:] = self._state_weights[self._arc_source] + self._arc_cost

    def _leaving(self, node: int) -> NDArray[np.int64]:
        return np.asarray(self._out_order[self._out_ptr[node] : self._out_ptr[node + 1]])

    def one_to_all(
        self, source: int, limit: float = np.inf
    ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Distances from ``source`` to every node (inf if unreachable), and the path tree.

        Both arrays are read-only: at the weights the engine was built with,
        the searches are kept (the last :data:`TREES_KEPT` of all engines)
        and handed out again.
        """
        own = self._state_weights is self._own_weights or np.array_equal(
            self._state_weights, self._own_weights
        )
        if not own:
            return self._search(source, limit)
        key = (source, limit)
        with _KEPT_LOCK:
            found = self._trees.get(key)
            if found is not None:
                _KEPT.move_to_end((self._ref, key))
                return found
        found = self._search(source, limit)
        with _KEPT_LOCK:  # routers may search in several threads (a Dask worker's)
            self._trees[key] = found
            _KEPT[(self._ref, key)] = None
            _KEPT.move_to_end((self._ref, key))
            while len(_KEPT) > TREES_KEPT:
                (ref, dropped), _ = _KEPT.popitem(last=False)
                engine = ref()
                if engine is not None:
                    engine._trees.pop(dropped, None)
        return found

    def _search(self, source: int, limit: float) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Run one search (:meth:`one_to_all`); the arrays returned are read-only."""
        n_states = self.n_states
        distances = np.full(self.n_nodes, np.inf)
        tree = np.full(n_states + self.n_nodes, NO_PREDECESSOR, dtype=np.int32)
        distances[source] = 0.0
        starts = self._leaving(source)
        if not len(starts):
            return _read_only(distances, tree)
        state_distances, predecessors, _ = dijkstra(
            self._matrix,
            directed=True,
            indices=starts,
            return_predecessors=True,
            limit=limit,
            min_only=True,
        )
        arrival = state_distances + self._state_weights
        arrival[arrival > limit] = np.inf
        best = np.full(self.n_nodes, np.inf)
        np.minimum.at(best, self._head, arrival)
        reached = np.flatnonzero(np.isfinite(arrival) & (arrival == best[self._head]))
        tree[:n_states] = predecessors
        tree[n_states + self._head[reached]] = reached
        best[source] = 0.0
        tree[n_states + source] = NO_PREDECESSOR
        return _read_only(best, tree)

    def path_edges(
        self, predecessors: NDArray[np.int32], source: int, target: int
    ) -> list[int] | None:
        """Edges of the shortest path to ``target`` from a :meth:`one_to_all` result."""
        if source == target:
            return []
        state = int(predecessors[self.n_states + target])
        if state < 0:
            return None
        states = [state]
        while (state := int(predecessors[state])) >= 0:
            states.append(state)
        states.reverse()
        return [int(e) for e in self._edges[states]]

    def shortest_path(self, source: int, target: int) -> list[int] | None:
        """Edges of the cheapest path, or ``None`` if ``target`` is unreachable."""
        _, tree = self.one_to_all(source)
        return self.path_edges(tree, source, target)

    def best_turn_point(self, source: int, target: int) -> tuple[int, float] | None:
        """Node where one forbidden turn would give the cheapest route, and that route's cost.

        For explanations when no route exists: forward costs from ``source``
        meet backward costs to ``target`` at a node where no allowed turn joins
        them. ``None`` where the two never meet (no single turn helps).
        """
        n_states = self.n_states
        starts = self._leaving(source)
        ends = np.flatnonzero(self._head == target)
        if not len(starts) or not len(ends):
            return None
        forward = dijkstra(self._matrix, directed=True, indices=starts, min_only=True)
        arrive = forward + self._state_weights
        # Backward: the transposed arcs plus a virtual state entered by every edge into target.
        matrix = self._matrix.tocoo()
        rows = np.r_[matrix.col, np.full(len(ends), n_states)]
        cols = np.r_[matrix.row, ends]
        data = np.r_[matrix.data, self._state_weights[ends]]
        backward_matrix = scipy.sparse.csr_matrix(
            (data, (rows, cols)), shape=(n_states + 1, n_states + 1)
        )
        backward = dijkstra(backward_matrix, directed=True, indices=n_states)[:n_states]
        reach = np.full(self.n_nodes, np.inf)
        np.minimum.at(reach, self._head, arrive)
        leave = np.full(self.n_nodes, np.inf)
        np.minimum.at(leave, self._tail, backward)
        leave[target] = np.inf
        total = reach + leave
        best = int(np.argmin(total))
        return (best, float(total[best])) if np.isfinite(total[best]) else None

    def edge_between(self, a: int, b: int) -> int:
        """Index (in the table) of the cheapest usable edge from node ``a`` to node ``b``.

        Raises
        ------
        KeyError
            If no usable edge joins them.
        """
        states = self._leaving(a)
        states = states[self._head[states] == b]
        if not len(states):
            raise KeyError(f"no usable edge from node index {a} to {b}")
        return int(self._edges[states[np.argmin(self._state_weights[states])]])


def _read_only(
    distances: NDArray[np.float64], tree: NDArray[np.int32]
) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
    """Mark a search's arrays read-only (kept searches are shared by their callers)."""
    distances.flags.writeable = False
    tree.flags.writeable = False
    return distances, tree
