"""Why no route exists: the fewest restricted or closed elements that cut every route.

Every edge the vehicle group may not use belongs to an element (its OSM way:
one bridge, one tunnel). In an auxiliary graph each such element becomes a
gate of capacity one that all its edges pass through, and usable edges have
unlimited capacity; a minimum s-t cut then names the smallest set of
elements whose lifting would open a route (max-flow/min-cut, Ford and
Fulkerson 1956, computed by scipy's ``maximum_flow``). The flow network
also holds the restricted edges, so a zero flow means the two places are not
connected at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

from mobility.routing.closed import ClosedEdges
from mobility.routing.edges import EdgeTable
from mobility.routing.feasibility import LimitBreach, blocked_by_rule, violations
from mobility.routing.requirements import Requirements


@dataclass(frozen=True)
class BlockingElement:
    """A restricted element on every route, with what it limits.

    Attributes
    ----------
    name
        Name or ref of the element.
    kind
        ``bridge``, ``tunnel`` or ``road``.
    element
        OSM way id.
    violations
        The limits the vehicle group exceeds there.
    closed
        A scenario closure (``name`` as the closure wrote it), not a limit.
    """

    name: str
    kind: str
    element: int
    violations: tuple[LimitBreach, ...]
    closed: bool = False

    def describe(self) -> str:
        """E.g. ``Moerdijkbrug (MLC 60)``, or ``Moerdijkbrug (closed)``."""
        if self.closed:
            name = self.name.strip()
            return f"{'node ' if name.lstrip('-').isdigit() else ''}{name} (closed)"
        limits = ", ".join(dict.fromkeys(v.limit for v in self.violations))
        return f"{self.name} ({limits})"


#: Capacity standing for "unlimited" in the integer flow network.
_UNLIMITED = 1_000_000
#: Gate keys of closures lie at and below this (way ids are positive, unnamed edges -1-edge).
_CLOSURE_KEY = -(2**40)


def blocking_elements(
    table: EdgeTable,
    feasible: NDArray[np.bool_],
    need: Requirements,
    source: int,
    target: int,
    clearance_margin_m: float = 0.0,
    closed: ClosedEdges | None = None,
) -> list[BlockingElement]:
    """Smallest set of restricted or closed elements whose removal would open a route.

    Returns an empty list when a route already exists, or when no route
    exists even without restrictions and closures (the network does not
    connect the two). A closure (``closed``) is one element, however many
    edges it covers.
    """
    shut = closed.of_edge if closed is not None else np.full(table.n_edges, -1, np.int64)
    usable = feasible & (shut < 0)
    blocked = np.flatnonzero(~usable)
    elements = np.where(table.element[blocked] >= 0, table.element[blocked], -1 - blocked)
    elements = np.where(shut[blocked] >= 0, _CLOSURE_KEY - shut[blocked], elements)
    gate_ids, first_edge, gate_of_edge = np.unique(elements, return_inverse=True, return_index=True)
    n = table.n_nodes
    gate_in = n + 2 * gate_of_edge
    open_edges = np.flatnonzero(usable)
    gates = np.arange(len(gate_ids))
    tails = np.concatenate([table.u[open_edges], table.u[blocked], n + 2 * gates, gate_in + 1])
    heads = np.concatenate([table.v[open_edges], gate_in, n + 2 * gates + 1, table.v[blocked]])
    capacity = np.full(len(tails), _UNLIMITED, dtype=np.int64)
    capacity[len(open_edges) + len(blocked) : len(open_edges) + len(blocked) + len(gates)] = 1
    size = n + 2 * len(gate_ids)
    graph = scipy.sparse.coo_matrix((capacity, (tails, heads)), shape=(size, size)).tocsr()
    graph.sum_duplicates()
    graph.data = np.minimum(graph.data, _UNLIMITED).astype(np.int32)
    result = maximum_flow(graph, source, target)
    if result.flow_value == 0 or result.flow_value >= _UNLIMITED:
        return []
    # Nodes reachable from the source in the residual network form the cut's source side.
    flow = result.flow.tocsr()
    residual = (graph - flow).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    reachable = np.zeros(size, dtype=bool)
    reachable[breadth_first_order(residual, source, directed=True, return_predecessors=False)] = (
        True
    )
    rules = blocked_by_rule(table, need, clearance_margin_m)
    found = []
    for gate, element in enumerate(gate_ids.tolist()):
        if reachable[n + 2 * gate] and not reachable[n + 2 * gate + 1]:
            edge = int(blocked[first_edge[gate]])
            if closed is not None and element <= _CLOSURE_KEY:
                name = closed.names[_CLOSURE_KEY - element]
                found.append(BlockingElement(name, "closure", -1, (), closed=True))
                continue
            kind = "tunnel" if table.tunnel[edge] else "bridge" if table.bridge[edge] else "road"
            found.append(
                BlockingElement(
                    name=table.label(edge),
                    kind=kind,
                    element=int(element),
                    violations=tuple(violations(table, edge, need, clearance_margin_m, rules)),
                )
            )
    return sorted(found, key=lambda b: (b.name, b.element))
