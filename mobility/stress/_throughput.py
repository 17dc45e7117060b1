"""Corridor throughput: a maximum flow from the ports to the border crossings.

The network's edges carry their capacity in vehicles a day
(:mod:`mobility.stress.capacity`); a super source feeds every source place
(ports, rail terminals) through its gate capacity, and every sink place
(border crossings) drains into a super sink through its own. The maximum
flow (scipy's ``maximum_flow``, Dinic's algorithm, on integers) is the most
vehicles a day the corridor can pass; by the max-flow min-cut theorem (Ford
and Fulkerson 1956) it equals the capacity of a minimum cut, which names the
bottleneck: the edges, gates and crossings whose capacity binds. The cut
returned is the one nearest the sources (the nodes reachable from the super
source in the residual network), so it is unique for a given network.
Parallel edges between two nodes add their capacities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse
from numpy.typing import NDArray
from scipy.sparse.csgraph import breadth_first_order, maximum_flow

#: Capacity standing for "unlimited" (int32 flows; far above any corridor's daily flow).
UNLIMITED = 1 << 28


@dataclass(frozen=True)
class FlowResult:
    """A maximum flow and its minimum cut, in the indices of the input arrays.

    Attributes
    ----------
    value
        Maximum flow (vehicles a day).
    edge_flow
        Flow on every input edge (parallel edges share their pair's flow in
        input order).
    cut_edges
        Input edges from the source side to the sink side of the minimum cut
        that have capacity.
    cut_sources, cut_sinks
        Source and sink nodes whose gate arc is in the cut (a closed gate,
        of capacity 0, included).
    source_side
        Per node (the super source and sink last), whether it is on the
        source side of the cut (reachable from the super source in the
        residual network); None where no flow was solved.
    """

    value: int
    edge_flow: NDArray[np.int64]
    cut_edges: NDArray[np.int64]
    cut_sources: tuple[int, ...]
    cut_sinks: tuple[int, ...]
    source_side: NDArray[np.bool_] | None = None


def max_flow(
    n_nodes: int,
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    capacity: NDArray[np.int64],
    sources: Mapping[int, int],
    sinks: Mapping[int, int],
    known: KnownFlow | None = None,
) -> FlowResult:
    """Maximum flow from ``sources`` to ``sinks`` and its minimum cut.

    Parameters
    ----------
    n_nodes
        Number of nodes (indices ``0 .. n_nodes - 1``).
    u, v, capacity
        Edges (tail, head) and their whole capacities (>= 0).
    sources, sinks
        Node index to gate capacity (at most :data:`UNLIMITED`).
    known
        A maximum flow of the same edges with capacities no smaller (e.g.
        before a closure). When it still fits every capacity it is still
        maximum: it is reused and only the cut is searched (the result is
        the same as solving again, the cut nearest the sources being
        unique). When, besides, every edge that lost capacity carries no
        flow and starts off the known source side, the cut is the known
        one too: the residual arcs that disappear were never reached, and
        the known result is returned as it is. Otherwise the flow is solved.

    Returns
    -------
    FlowResult
        The flow value, per-edge flows and the minimum cut nearest the sources.
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    capacity = np.minimum(np.asarray(capacity, dtype=np.int64), UNLIMITED)
    if (capacity < 0).any():
        raise ValueError("edge capacities must be >= 0")
    if known is not None and _same_cut(known, u, capacity, sources, sinks):
        return known.result
    net = _FlowGraph.of(n_nodes, u, v, capacity, sources, sinks)
    empty = np.zeros(0, dtype=np.int64)
    if net.graph.nnz == 0 or not len(net.src_nodes) or not len(net.snk_nodes):
        return FlowResult(0, np.zeros(len(u), dtype=np.int64), empty, (), ())
    reused = None if known is None else _still_maximum(known, u, v, capacity, sources, sinks)
    edge_flow: NDArray[np.int64] | None
    if reused is not None:
        assert known is not None
        value, edge_flow = known.result.value, known.result.edge_flow
        flow = net.flow_of(u, v, edge_flow, np.concatenate([reused[0], reused[1]]))
    else:
        result = maximum_flow(net.graph, net.source, net.sink)
        value = int(result.flow_value)
        flow = result.flow.tocsr()
        edge_flow = None
    reachable = net.reachable(flow)
    if edge_flow is None:
        pair_flow = np.asarray(flow[u, v]).ravel().astype(np.int64) if len(u) else empty
        edge_flow = _split_pair_flow(u, v, np.where(net.usable, capacity, 0), pair_flow)
    cut = net.usable & reachable[u] & ~reachable[v]
    return FlowResult(
        value=value,
        edge_flow=edge_flow,
        cut_edges=np.flatnonzero(cut).astype(np.int64),
        cut_sources=tuple(int(n) for n in net.src_nodes if not reachable[n]),
        cut_sinks=tuple(int(n) for n in net.snk_nodes if reachable[n]),
        source_side=reachable,
    )


def _same_cut(
    known: KnownFlow,
    u: NDArray[np.int64],
    capacity: NDArray[np.int64],
    sources: Mapping[int, int],
    sinks: Mapping[int, int],
) -> bool:
    """Whether ``known``'s result stands as it is for the new capacities.

    So it does when the gates are the same and the only edges that changed
    lost capacity, carry no known flow and start off the known source side:
    the known flow is still a maximum flow, and only residual arcs out of
    nodes the search from the super source never reached are gone, so the
    same nodes are reached and the cut is the same (a closure far from the
    bottleneck, the common case of a criticality sweep; #13).
    """
    side = known.result.source_side
    old = np.minimum(np.asarray(known.capacity, dtype=np.int64), UNLIMITED)
    if side is None or len(old) != len(capacity):
        return False
    if dict(sources) != dict(known.sources) or dict(sinks) != dict(known.sinks):
        return False
    changed = np.flatnonzero(capacity != old)
    if (capacity[changed] > old[changed]).any() or (known.result.edge_flow[changed] > 0).any():
        return False
    return not side[u[changed]].any()


@dataclass(frozen=True)
class _FlowGraph:
    """The flow network: usable edges, a gate arc per source and sink, a super source and sink.

    Attributes
    ----------
    graph
        Capacities (int32 CSR over ``n_nodes + 2`` nodes, parallel arcs summed).
    tails, heads
        The arcs: usable edges, then the source gates, then the sink gates.
    usable
        Input edges with capacity that are not loops.
    src_nodes, snk_nodes
        Source and sink nodes, sorted.
    source, sink
        The super source and sink (``n_nodes``, ``n_nodes + 1``).
    """

    graph: scipy.sparse.csr_matrix
    tails: NDArray[np.int64]
    heads: NDArray[np.int64]
    usable: NDArray[np.bool_]
    src_nodes: NDArray[np.int64]
    snk_nodes: NDArray[np.int64]
    source: int
    sink: int

    @classmethod
    def of(
        cls,
        n_nodes: int,
        u: NDArray[np.int64],
        v: NDArray[np.int64],
        capacity: NDArray[np.int64],
        sources: Mapping[int, int],
        sinks: Mapping[int, int],
    ) -> _FlowGraph:
        """Build the flow network of the edges (capacities at most :data:`UNLIMITED`)."""
        source, sink = n_nodes, n_nodes + 1
        usable = (u != v) & (capacity > 0)
        src_nodes = np.array(sorted(sources), dtype=np.int64)
        snk_nodes = np.array(sorted(sinks), dtype=np.int64)
        src_cap = np.array(
            [min(int(sources[n]), UNLIMITED) for n in src_nodes.tolist()], dtype=np.int64
        )
        snk_cap = np.array(
            [min(int(sinks[n]), UNLIMITED) for n in snk_nodes.tolist()], dtype=np.int64
        )
        tails = np.concatenate([u[usable], np.full(len(src_nodes), source), snk_nodes])
        heads = np.concatenate([v[usable], src_nodes, np.full(len(snk_nodes), sink)])
        caps = np.concatenate([capacity[usable], src_cap, snk_cap])
        size = n_nodes + 2
        graph = scipy.sparse.coo_matrix((caps, (tails, heads)), shape=(size, size)).tocsr()
        graph.sum_duplicates()
        graph.data = np.minimum(graph.data, UNLIMITED).astype(np.int32)
        return cls(graph, tails, heads, usable, src_nodes, snk_nodes, source, sink)

    def flow_of(
        self,
        u: NDArray[np.int64],
        v: NDArray[np.int64],
        edge_flow: NDArray[np.int64],
        gates: NDArray[np.int64],
    ) -> scipy.sparse.csr_matrix:
        """Return a known flow as scipy's ``maximum_flow`` does: antisymmetric, in CSR.

        ``gates`` are the gate arcs' flows, sources then sinks, sorted by node.
        """
        size = self.graph.shape[0]
        arcs = slice(len(self.tails) - len(gates), len(self.tails))
        moved = edge_flow > 0
        flow = scipy.sparse.coo_matrix(
            (
                np.concatenate([edge_flow[moved], gates]),
                (
                    np.concatenate([u[moved], self.tails[arcs]]),
                    np.concatenate([v[moved], self.heads[arcs]]),
                ),
            ),
            shape=(size, size),
        ).tocsr()
        return (flow - flow.T).tocsr()

    def reachable(self, flow: scipy.sparse.csr_matrix) -> NDArray[np.bool_]:
        """Nodes reachable from the super source in the residual network of ``flow``."""
        # Residual network: forward capacity left plus the reverse of every flow.
        residual = (self.graph.astype(np.int64) - flow.astype(np.int64)).tocsr()
        residual.data = (residual.data > 0).astype(np.int8)
        residual.eliminate_zeros()
        reachable = np.zeros(self.graph.shape[0], dtype=bool)
        order = breadth_first_order(residual, self.source, directed=True, return_predecessors=False)
        reachable[order] = True
        return reachable


@dataclass(frozen=True)
class KnownFlow:
    """A solved maximum flow with the capacities it was solved for (see :func:`max_flow`)."""

    capacity: NDArray[np.int64]
    sources: dict[int, int]
    sinks: dict[int, int]
    result: FlowResult


def _still_maximum(
    known: KnownFlow,
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    capacity: NDArray[np.int64],
    sources: Mapping[int, int],
    sinks: Mapping[int, int],
) -> tuple[NDArray[np.int64], NDArray[np.int64]] | None:
    """Gate flows (sources, sinks; sorted by node) of ``known`` if it is still maximum, else None.

    It is when no capacity grew (so no flow can be larger) and the known flow
    fits every new capacity (so it is still a flow).
    """
    old = np.minimum(np.asarray(known.capacity, dtype=np.int64), UNLIMITED)
    if len(old) != len(capacity) or (capacity > old).any():
        return None
    if sorted(sources) != sorted(known.sources) or sorted(sinks) != sorted(known.sinks):
        return None
    if set(sources) & set(sinks):
        return None
    edge_flow = known.result.edge_flow
    if (edge_flow > np.where(u != v, capacity, 0)).any():
        return None
    n = int(max(u.max(initial=-1), v.max(initial=-1), *sources, *sinks)) + 1
    balance = np.bincount(u, edge_flow, n) - np.bincount(v, edge_flow, n)
    gates = []
    for new, before, sign in ((sources, known.sources, 1), (sinks, known.sinks, -1)):
        nodes = sorted(new)
        flows = np.array([sign * balance[node] for node in nodes], dtype=np.int64)
        limits = np.array([min(int(new[x]), UNLIMITED) for x in nodes], dtype=np.int64)
        olds = np.array([min(int(before[x]), UNLIMITED) for x in nodes], dtype=np.int64)
        if (limits > olds).any() or (flows > limits).any() or (flows < 0).any():
            return None
        gates.append(flows)
    return gates[0], gates[1]


def _split_pair_flow(
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    capacity: NDArray[np.int64],
    pair_flow: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Share each (u, v) pair's flow among its parallel edges, filling them in input order."""
    if not len(u):
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((v, u))  # stable: parallel edges keep their input order
    su, sv, cap = u[order], v[order], capacity[order]
    starts = np.r_[True, (su[1:] != su[:-1]) | (sv[1:] != sv[:-1])]
    group = np.cumsum(starts) - 1
    cumulative = np.cumsum(cap)
    before = cumulative - cap - (cumulative - cap)[np.flatnonzero(starts)][group]
    flows = np.zeros(len(u), dtype=np.int64)
    flows[order] = np.clip(np.maximum(pair_flow[order], 0) - before, 0, cap)
    return flows
