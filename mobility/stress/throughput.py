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
    """

    value: int
    edge_flow: NDArray[np.int64]
    cut_edges: NDArray[np.int64]
    cut_sources: tuple[int, ...]
    cut_sinks: tuple[int, ...]


def max_flow(
    n_nodes: int,
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    capacity: NDArray[np.int64],
    sources: Mapping[int, int],
    sinks: Mapping[int, int],
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
    source, sink = n_nodes, n_nodes + 1
    size = n_nodes + 2
    usable = (u != v) & (capacity > 0)
    src_nodes = np.array(sorted(sources), dtype=np.int64)
    snk_nodes = np.array(sorted(sinks), dtype=np.int64)
    src_cap = np.array(
        [min(int(sources[n]), UNLIMITED) for n in src_nodes.tolist()], dtype=np.int64
    )
    snk_cap = np.array([min(int(sinks[n]), UNLIMITED) for n in snk_nodes.tolist()], dtype=np.int64)
    tails = np.concatenate([u[usable], np.full(len(src_nodes), source), snk_nodes])
    heads = np.concatenate([v[usable], src_nodes, np.full(len(snk_nodes), sink)])
    caps = np.concatenate([capacity[usable], src_cap, snk_cap])
    graph = scipy.sparse.coo_matrix((caps, (tails, heads)), shape=(size, size)).tocsr()
    graph.sum_duplicates()
    graph.data = np.minimum(graph.data, UNLIMITED).astype(np.int32)
    empty = np.zeros(0, dtype=np.int64)
    if graph.nnz == 0 or not len(src_nodes) or not len(snk_nodes):
        return FlowResult(0, np.zeros(len(u), dtype=np.int64), empty, (), ())
    result = maximum_flow(graph, source, sink)
    flow = result.flow.tocsr()
    # Residual network: forward capacity left plus the reverse of every flow.
    residual = (graph.astype(np.int64) - flow.astype(np.int64)).tocsr()
    residual.data = (residual.data > 0).astype(np.int8)
    residual.eliminate_zeros()
    reachable = np.zeros(size, dtype=bool)
    reachable[breadth_first_order(residual, source, directed=True, return_predecessors=False)] = (
        True
    )
    pair_flow = np.asarray(flow[u, v]).ravel().astype(np.int64) if len(u) else empty
    edge_flow = _split_pair_flow(u, v, np.where(usable, capacity, 0), pair_flow)
    cut = usable & reachable[u] & ~reachable[v]
    return FlowResult(
        value=int(result.flow_value),
        edge_flow=edge_flow,
        cut_edges=np.flatnonzero(cut).astype(np.int64),
        cut_sources=tuple(
            int(n) for n, c in zip(src_nodes, src_cap, strict=True) if not reachable[n]
        ),
        cut_sinks=tuple(int(n) for n, c in zip(snk_nodes, snk_cap, strict=True) if reachable[n]),
    )


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
