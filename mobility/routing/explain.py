"""Why no route exists: the fewest restricted elements that cut every route.

Every edge the vehicle group may not use belongs to an element (its OSM way:
one bridge, one tunnel). In an auxiliary graph each such element becomes a
gate of capacity one that all its edges pass through, and usable edges have
unlimited capacity; a minimum s-t cut then names the smallest set of
elements whose lifting would open a route (max-flow/min-cut, Ford and
Fulkerson 1956, computed by networkx).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from mobility.routing.edges import EdgeTable
from mobility.routing.feasibility import Violation, blocked_by_rule, violations
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
    """

    name: str
    kind: str
    element: int
    violations: tuple[Violation, ...]

    def describe(self) -> str:
        """E.g. ``Moerdijkbrug (MLC 60)``."""
        limits = ", ".join(dict.fromkeys(v.limit for v in self.violations))
        return f"{self.name} ({limits})"


def connected(table: EdgeTable, source: int, target: int) -> bool:
    """Whether any directed path joins ``source`` to ``target``, ignoring restrictions."""
    graph = nx.DiGraph()
    graph.add_nodes_from(range(table.n_nodes))
    graph.add_edges_from(zip(table.u.tolist(), table.v.tolist(), strict=True))
    return bool(nx.has_path(graph, source, target))


def blocking_elements(
    table: EdgeTable,
    feasible: NDArray[np.bool_],
    need: Requirements,
    source: int,
    target: int,
    clearance_margin_m: float = 0.0,
) -> list[BlockingElement]:
    """Smallest set of restricted elements whose removal would open a route.

    Returns an empty list when a route already exists or when no route
    exists even without restrictions (see :func:`connected`).
    """
    if not connected(table, source, target):
        return []
    flow = nx.DiGraph()
    for edge in np.flatnonzero(feasible).tolist():
        flow.add_edge(int(table.u[edge]), int(table.v[edge]))
    representative: dict[int, int] = {}
    for edge in np.flatnonzero(~feasible).tolist():
        element = int(table.element[edge]) if table.element[edge] >= 0 else -1 - edge
        gate_in, gate_out = ("in", element), ("out", element)
        representative.setdefault(element, edge)
        flow.add_edge(gate_in, gate_out, capacity=1)
        flow.add_edge(int(table.u[edge]), gate_in)
        flow.add_edge(gate_out, int(table.v[edge]))
    if source not in flow or target not in flow:
        return []
    try:
        value, (reachable, _) = nx.minimum_cut(flow, source, target)
    except nx.NetworkXUnbounded:
        return []
    if value == 0:
        return []
    rules = blocked_by_rule(table, need, clearance_margin_m)
    found = []
    for element, edge in representative.items():
        if ("in", element) in reachable and ("out", element) not in reachable:
            kind = "tunnel" if table.tunnel[edge] else "bridge" if table.bridge[edge] else "road"
            found.append(
                BlockingElement(
                    name=table.label(edge),
                    kind=kind,
                    element=element,
                    violations=tuple(violations(table, edge, need, clearance_margin_m, rules)),
                )
            )
    return sorted(found, key=lambda b: (b.name, b.element))
