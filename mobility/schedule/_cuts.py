"""Cardinality cuts: a stronger LP for places that hold few columns at once.

A capacity row ``sum_j d_j x_j <= C`` of the time-indexed model lets the LP
relaxation fill a halt site of 30 places with one and a half columns of 20
vehicles; no plan can. Each march unit takes at most one column of a row,
so if, of the march units whose demand there is at least ``t``, the ``k + 1``
smallest already exceed ``C``, no plan has more than ``k`` of them at once:
``sum x_j <= k`` over their columns is valid for every plan (a cardinality
cut from a cover, e.g. Wolsey, *Integer Programming*, 2nd ed., 2020,
sec. 9.3). One cut per row and demand threshold ``t``, where it says more
than the row and than the cut of a smaller threshold.

On the Defender scenario (1,001 march units, shared 30-place service areas)
17,971 cuts raise the LP bound from 1,000.4 to 1,131.6 veh-h (see
``benchmarks/README.md``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from mobility.schedule.time_indexed import TimeIndexed

IntArray = NDArray[np.int64]

#: Resource-id prefix of a cut row (followed by the resource it strengthens).
CUT_PREFIX = "cut:"


def cardinality_cuts(model: TimeIndexed) -> tuple[sparse.csr_matrix, IntArray, IntArray]:
    """Cut rows for ``model``: coefficients, limits and the row each strengthens.

    For each row and each demand ``t`` of a march unit there, the march
    units whose demand is at least ``t`` (each at its smallest demand in the
    row) can hold at most ``k_t`` places at once: as many as fit, taken from
    the smallest. A cut is kept where it says more than the row (``k_t x t``
    below the capacity), than the cut of a smaller ``t`` in the same row
    (``k_t`` smaller) and than one column per march unit.

    Parameters
    ----------
    model
        The time-indexed model.

    Returns
    -------
    cuts, limits, rows
        Cuts x columns (1 on each column of the cut's march units in the
        row), each cut's limit and the row it strengthens.
    """
    n_columns = model.rows.shape[1]
    none = np.zeros(0, np.int64)
    candidates = _candidate_rows(model)
    matrix = model.rows[candidates].tocoo()
    if matrix.nnz == 0:
        return sparse.csr_matrix((0, n_columns)), none, none
    entry_row = candidates[matrix.row]
    entry_column = matrix.col.astype(np.int64)
    entry_task = model.task[entry_column]
    demand = matrix.data.astype(np.int64)
    # Each march unit's smallest demand in each row.
    order = np.lexsort((demand, entry_task, entry_row))
    pair_start = np.r_[True, (np.diff(entry_row[order]) != 0) | (np.diff(entry_task[order]) != 0)]
    pair_of_entry = np.empty(len(order), np.int64)
    pair_of_entry[order] = np.cumsum(pair_start) - 1
    row, smallest = entry_row[order][pair_start], demand[order][pair_start]
    # Per row, those demands in increasing order; from position i on, how many fit.
    order = np.lexsort((smallest, row))
    rank_of_pair = np.empty(len(order), np.int64)
    rank_of_pair[order] = np.arange(len(order))
    row, smallest = row[order], smallest[order]
    starts = np.flatnonzero(np.r_[True, np.diff(row) != 0])
    ends = np.repeat(np.r_[starts[1:], len(row)], np.diff(np.r_[starts, len(row)]))
    total = np.cumsum(smallest)
    before = total - smallest
    capacity = model.capacity[row]
    reach = np.searchsorted(total, before + capacity, side="right")
    fit = np.minimum(reach, ends) - np.arange(len(row))
    # Thresholds: the first position of each demand value in a row.
    first = np.r_[True, (np.diff(row) != 0) | (np.diff(smallest) != 0)]
    offset = int(fit.max(initial=0)) + 1
    running = np.minimum.accumulate(np.where(first, fit, offset) - row * offset) + row * offset
    previous = np.r_[offset, running[:-1]]
    previous[starts] = offset
    useful = (
        first & (fit < ends - np.arange(len(row))) & (fit * smallest < capacity) & (fit < previous)
    )
    at = np.flatnonzero(useful)
    if len(at) == 0:
        return sparse.csr_matrix((0, n_columns)), none, none
    # An entry joins every cut of its row placed at or before its march unit.
    entry_rank = rank_of_pair[pair_of_entry]
    row_first_cut = np.searchsorted(at, starts, side="left")
    row_index = np.searchsorted(starts, np.arange(len(row)), side="right") - 1
    entry_row_index = row_index[entry_rank]
    lo = row_first_cut[entry_row_index]
    hi = np.searchsorted(at, entry_rank, side="right")
    count = hi - lo
    member = np.repeat(np.arange(len(entry_rank)), count)
    cut_id = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    cut_id = cut_id + np.repeat(lo, count)
    cuts = sparse.csr_matrix(
        (np.ones(len(member)), (cut_id, entry_column[member])), shape=(len(at), n_columns)
    )
    cuts.sum_duplicates()
    cuts.data[:] = 1.0
    return cuts, fit[at], row[at]


def _candidate_rows(model: TimeIndexed) -> IntArray:
    """Rows where a cut can say more than the row: not all demands one divisor of the capacity.

    (Where every demand is ``d`` and ``d`` divides ``C``, the row already
    allows exactly ``C / d`` columns: structures, crossings, junctions.)
    """
    rows = model.rows.tocsr()
    filled = np.flatnonzero(np.diff(rows.indptr) > 0)
    if len(filled) == 0:
        return filled.astype(np.int64)
    starts = rows.indptr[filled]
    data = rows.data.astype(np.int64)
    smallest = np.minimum.reduceat(data, starts)
    largest = np.maximum.reduceat(data, starts)
    mixed = (smallest != largest) | (model.capacity[filled] % np.maximum(smallest, 1) != 0)
    found: IntArray = filled[mixed].astype(np.int64)
    return found


def with_cardinality_cuts(model: TimeIndexed) -> TimeIndexed:
    """Return ``model`` with a cardinality cut row after its rows (see the module notes).

    A cut row has coefficient 1 on each column of the row it strengthens,
    its limit as capacity, and the resource id of that row with
    :data:`CUT_PREFIX` in front.
    """
    cut, limits, rows = cardinality_cuts(model)
    if len(rows) == 0:
        return model
    return dataclasses.replace(
        model,
        rows=sparse.vstack([model.rows, cut]).tocsr(),
        capacity=np.concatenate([model.capacity, limits]),
        row_resource=model.row_resource + [CUT_PREFIX + model.row_resource[r] for r in rows],
    )
