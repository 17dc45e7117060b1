"""Array helpers of graph building: runs, lengths and edge geometries of all ways at once.

:func:`mobility.network.build.build_graphs` cuts hundreds of thousands of ways
into edges. Doing that one way at a time costs a few NumPy calls per way
(seconds per 100,000 ways); these helpers do each step once over the flat
arrays of every way, with the same arithmetic as the per-way code, so the
lengths come out bit for bit equal: the distance of each step is computed
element by element, and the distance along a run is summed sequentially from
its first node, as ``numpy.cumsum`` of that run alone would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray

__all__ = ["WayRuns", "edge_linestrings", "kept_runs", "run_cumulative", "segment_index"]


@dataclass(frozen=True)
class WayRuns:
    """Runs of kept node references, at least two long, of a set of ways.

    Attributes
    ----------
    way
        Index (into the ways) of each run's way, shape ``(n_runs,)``, in way order.
    offsets
        Start of each run in ``refs``, shape ``(n_runs + 1,)``.
    refs
        Index into the flat reference array of each element of every run.
    """

    way: NDArray[np.int64]
    offsets: NDArray[np.int64]
    refs: NDArray[np.int64]


def segment_index(starts: NDArray[np.int64], counts: NDArray[np.int64]) -> NDArray[np.int64]:
    """Concatenate ``arange(start, start + count)`` for each pair, without a Python loop."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.cumsum(counts) - counts
    return np.repeat(np.asarray(starts, dtype=np.int64) - first, counts) + np.arange(total)


def kept_runs(
    offsets: NDArray[np.int64], ways: NDArray[np.int64], keep: NDArray[np.bool_]
) -> WayRuns:
    """Maximal runs of ``keep`` inside each way of ``ways``, of two or more references.

    Parameters
    ----------
    offsets
        Start of each way's references in the flat array, shape ``(n_ways + 1,)``.
    ways
        Indices of the ways to cut, ascending.
    keep
        Whether each reference of the flat array is kept.

    Returns
    -------
    WayRuns
        The runs in the order of their ways, then of their position in the way.
    """
    starts = offsets[ways]
    counts = offsets[ways + 1] - starts
    flat = segment_index(starts, counts)
    kept = keep[flat]
    previous = np.concatenate([[False], kept[:-1]])
    way_first = (np.cumsum(counts) - counts)[counts > 0]
    previous[way_first] = False
    begins = kept & ~previous
    run_of = np.cumsum(begins) - 1
    elements = np.flatnonzero(kept)
    run_length = np.bincount(run_of[elements], minlength=int(begins.sum()))
    long_enough = run_length >= 2
    elements = elements[long_enough[run_of[elements]]]
    way_of_element = np.repeat(ways, counts)
    run_way = way_of_element[np.flatnonzero(begins)][long_enough]
    run_offsets = np.zeros(int(long_enough.sum()) + 1, dtype=np.int64)
    np.cumsum(run_length[long_enough], out=run_offsets[1:])
    return WayRuns(way=run_way.astype(np.int64), offsets=run_offsets, refs=flat[elements])


def run_cumulative(step: NDArray[np.float64], offsets: NDArray[np.int64]) -> NDArray[np.float64]:
    """Distance along each run from its first element, summed in order.

    Parameters
    ----------
    step
        ``step[i]``: distance from element ``i`` to element ``i + 1`` (entries
        that cross from one run to the next are ignored), shape ``(n - 1,)``.
    offsets
        Start of each run, shape ``(n_runs + 1,)``; ``offsets[-1] == n``.

    Returns
    -------
    numpy.ndarray
        Per element, ``0.0`` at a run's first element and then the running sum,
        equal bit for bit to ``concatenate([[0.0], cumsum(step_of_the_run)])``.
    """
    total = int(offsets[-1])
    cumulative = np.zeros(total)
    starts = offsets[:-1]
    lengths = np.diff(offsets)
    if total == 0 or len(lengths) == 0:
        return cumulative
    # Longest runs first: the runs still going at position k are a prefix.
    order = np.argsort(-lengths, kind="stable")
    by_length = starts[order]
    still = np.searchsorted(-lengths[order], -np.arange(int(lengths.max())), side="left")
    for k in range(1, int(lengths.max())):
        heads = by_length[: still[k]] + k
        cumulative[heads] = cumulative[heads - 1] + step[heads - 1]
    return cumulative


def edge_linestrings(
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    first: NDArray[np.int64],
    last: NDArray[np.int64],
    *,
    backward: bool = False,
) -> NDArray[np.object_]:
    """One LineString per edge through elements ``first[i]..last[i]`` (reversed if ``backward``)."""
    if len(first) == 0:
        return np.empty(0, dtype=object)
    counts = last - first + 1
    # Backward: last, last - 1, ..., first (an ascending run of the negated indices).
    index = -segment_index(-last, counts) if backward else segment_index(first, counts)
    owner = np.repeat(np.arange(len(first)), counts)
    coords = np.column_stack([lon[index], lat[index]])
    lines: NDArray[np.object_] = shapely.linestrings(coords, indices=owner)
    return lines
