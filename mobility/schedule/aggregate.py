"""Aggregation of interchangeable march units in the time-indexed LP.

March units of one request often have the same vehicles, release, due time
and route options: their columns have the same costs and the same capacity
rows. In the LP relaxation such a group of ``n`` march units can be one
block of columns whose values sum to ``n`` instead of ``n`` blocks that sum
to 1 each. The two LPs have the same optimum: a solution of the aggregated
LP split evenly over the group is one of the full LP (each capacity row sees
the same load), and the full LP's solution summed over the group is one of
the aggregated LP. The aggregated LP's duals are dual-feasible for the full
LP (every member takes its group's dual), so its reduced costs prove the
same columns fixable. On the Defender scenario, 1,001 march units form 165
groups (see ``benchmarks/README.md``, Scale).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class TaskGroups:
    """Interchangeable march units of a column model.

    Attributes
    ----------
    columns
        Columns of the groups' first members (the aggregated LP's columns).
    group_of_column
        Per aggregated column, its group index.
    size
        Per group, the number of march units in it.
    source
        Per column of the full model, its aggregated column.
    """

    columns: IntArray
    group_of_column: IntArray
    size: IntArray
    source: IntArray


def task_groups(
    task: IntArray,
    option: IntArray,
    slot: IntArray,
    cost: IntArray,
    rows: sparse.csr_matrix,
    extra: IntArray | None = None,
) -> TaskGroups:
    """Group march units whose columns are identical (costs, rows, options and slots).

    Parameters
    ----------
    task, option, slot, cost
        Per column of the model; a task's columns are contiguous.
    rows
        Capacity rows x columns.
    extra
        Another per-column coefficient that must agree (e.g. a cap row).

    Returns
    -------
    TaskGroups
        Groups in the order of their first member (deterministic).
    """
    n_columns = len(task)
    bounds = np.flatnonzero(np.diff(task)) + 1
    starts = np.concatenate([[0], bounds]).astype(np.int64)
    ends = np.append(bounds, n_columns).astype(np.int64)
    if n_columns and not np.array_equal(task[starts], np.arange(len(starts))):
        raise ValueError("each task's columns must be contiguous, tasks numbered in order")
    by_column = rows.tocsc()
    indptr, indices, data = by_column.indptr, by_column.indices, by_column.data
    groups: dict[bytes, int] = {}
    first_start: list[int] = []
    sizes: list[int] = []
    group_of_task = np.empty(len(starts), dtype=np.int64)
    for t, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        digest = hashlib.sha256()
        for part in (option[a:b], slot[a:b], cost[a:b], np.diff(indptr[a : b + 1])):
            digest.update(np.ascontiguousarray(part, dtype=np.int64).tobytes())
        digest.update(np.ascontiguousarray(indices[indptr[a] : indptr[b]], np.int64).tobytes())
        digest.update(np.ascontiguousarray(data[indptr[a] : indptr[b]], np.float64).tobytes())
        if extra is not None:
            digest.update(np.ascontiguousarray(extra[a:b], dtype=np.int64).tobytes())
        key = digest.digest()
        if key not in groups:
            groups[key] = len(sizes)
            first_start.append(t)
            sizes.append(0)
        group_of_task[t] = groups[key]
        sizes[groups[key]] += 1
    # The aggregated columns: the first member's block of each group.
    lead = np.array(first_start, dtype=np.int64)
    lengths = ends[lead] - starts[lead]
    blocks = [np.arange(starts[t], ends[t], dtype=np.int64) for t in lead.tolist()]
    columns = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)
    group_of_column = np.repeat(np.arange(len(lead)), lengths)
    first_column = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    task_index = np.repeat(np.arange(len(starts)), ends - starts)
    within = np.arange(n_columns) - starts[task_index]
    source = first_column[group_of_task[task_index]] + within
    return TaskGroups(columns, group_of_column, np.array(sizes, dtype=np.int64), source)
