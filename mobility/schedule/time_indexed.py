"""The movement model in time-indexed form, and its LP relaxation.

One 0-1 column per (march unit, route option, start slot) offered to the
solver, plus one "unscheduled" column per march unit where leaving it out is
allowed. Each march unit takes exactly one of its columns. A resource's
capacity becomes rows over the columns: two occupations overlap exactly when
one begins inside the other, so the load at every occupation's beginning
within capacity is the resource's capacity constraint, exactly. Rows whose
set of columns is contained in the next row's (no occupation ends in
between) and rows that can never exceed the capacity (one column per march
unit) are left out.

This formulation is exact, and its LP relaxation is strong: time-indexed
formulations give the tightest known LP bounds for scheduling with
capacities (Sousa and Wolsey, *Math. Programming* 54, 1992; Queyranne and
Schulz, 1994). On the brigade example the LP optimum equals the integer
optimum. The LP is solved with HiGHS through ``scipy.optimize.linprog``; its
optimum is a lower bound of the model, and its reduced costs prove which
columns no plan cheaper than a known one can use (reduced-cost fixing,
e.g. Wolsey, *Integer Programming*, 2nd ed., 2020, sec. 7.4).

Costs are integers in objective units (:data:`OBJECTIVE_SCALE` per cost
unit of the scenario's weights).
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from mobility.schedule.aggregate import task_groups
from mobility.schedule.instance import Instance
from mobility.schedule.solution import Choice, empty_timelines, first_fitting, occupy

logger = logging.getLogger(__name__)

#: The objective is kept in integers: cost units times this.
OBJECTIVE_SCALE = 1_000

#: Start slots more than this late are not offered (see :func:`candidate_slots`).
LATE_WINDOW_MIN = 24 * 60

IntArray = NDArray[np.int64]


def candidate_slots(instance: Instance, task: int, option: int, keep: int | None) -> list[int]:
    """Return the allowed start slots offered to the solver for one option.

    Slots later than the latest on-time start plus :data:`LATE_WINDOW_MIN`
    are left out (the model stays small on long horizons), except ``keep``
    (a hint's slot), so that the hint stays feasible.
    """
    item = instance.tasks[task]
    option_ = item.options[option]
    allowed = option_.allowed.nonzero()[0]
    latest = (item.due_min - option_.clear_min + LATE_WINDOW_MIN) // instance.slot_min
    chosen = [int(s) for s in allowed if s <= latest]
    if not chosen and len(allowed):
        chosen = [int(s) for s in allowed[:8]]
    if keep is not None and keep not in chosen and option_.allowed[keep]:
        chosen.append(keep)
    return sorted(chosen)


def late_unit(instance: Instance) -> int:
    """Objective units per weighted minute of lateness."""
    return round(OBJECTIVE_SCALE * instance.scenario.weights.lateness_per_min)


def drop_cost(instance: Instance, task: int) -> int:
    """Objective units for leaving a march unit unscheduled (twice the horizon late)."""
    weight = instance.tasks[task].request.lateness_weight
    return late_unit(instance) * weight * 2 * instance.horizon_min


def option_costs(instance: Instance, task: int, part: str = "all") -> IntArray:
    """Objective units per option (rows) and start slot; -1 where not allowed.

    ``part`` is ``all``, ``lateness`` or ``disruption``.
    """
    weights = instance.scenario.weights
    disruption_unit = round(OBJECTIVE_SCALE / 100 * weights.disruption_per_vehicle_hour)
    item = instance.tasks[task]
    slots = np.arange(instance.n_slots) * instance.slot_min
    rows = []
    for option in item.options:
        late = np.maximum(0, slots + option.clear_min - item.due_min)
        lateness = late_unit(instance) * item.request.lateness_weight * late
        disruption = disruption_unit * option.disruption
        cost = {"all": lateness + disruption, "lateness": lateness, "disruption": disruption}[part]
        rows.append(np.where(option.allowed, cost, -1))
    return np.array(rows, dtype=np.int64).reshape(len(item.options), instance.n_slots)


@dataclass(frozen=True)
class TimeIndexed:
    """Columns and capacity rows of the time-indexed model.

    Attributes
    ----------
    task, option, slot
        Per column: task index, option index (-1: unscheduled) and start slot.
    lateness, disruption
        Per column, objective units of weighted lateness (unscheduled
        included) and of civilian disruption.
    clear_min
        Per column, the tail's clearance at the destination (0 if unscheduled).
    rows
        Capacity rows x columns, the demand of the column's occupation.
    capacity
        Per row, the resource's capacity.
    row_resource
        Per row, the resource id.
    n_tasks
        Number of march units.
    """

    task: IntArray
    option: IntArray
    slot: IntArray
    lateness: IntArray
    disruption: IntArray
    clear_min: IntArray
    rows: sparse.csr_matrix
    capacity: IntArray
    row_resource: list[str]
    n_tasks: int

    @property
    def cost(self) -> IntArray:
        """Per column, objective units of the weighted objective (without makespan)."""
        return self.lateness + self.disruption

    @cached_property
    def by_column(self) -> sparse.csc_matrix:
        """:attr:`rows` in column-major form, fast to take columns from (made once)."""
        return self.rows.tocsc()

    @cached_property
    def _sorted_keys(self) -> tuple[IntArray, IntArray]:
        keys = self._keys(self.task, self.option, self.slot)
        order = np.argsort(keys, kind="stable")
        return keys[order], order

    def _keys(self, task: IntArray, option: IntArray, slot: IntArray) -> IntArray:
        width = int(self.slot.max(initial=0)) + 1
        options = int(self.option.max(initial=0)) + 2
        return (task * options + option + 1) * width + slot

    def columns_of(self, task: IntArray, option: IntArray, slot: IntArray) -> IntArray:
        """Column indices of (task, option, slot) triples; -1 where there is none."""
        keys, order = self._sorted_keys
        wanted = self._keys(task, option, slot)
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        return np.where(keys[at] == wanted, order[at], -1)

    def task_matrix(self) -> sparse.csr_matrix:
        """Tasks x columns, 1 where the column belongs to the task."""
        n = len(self.task)
        return sparse.csr_matrix((np.ones(n), (self.task, np.arange(n))), shape=(self.n_tasks, n))


def build_time_indexed(
    instance: Instance, *, allow_drop: bool, keep: dict[int, tuple[int, int]] | None = None
) -> TimeIndexed:
    """Build the columns (offered slots, see :func:`candidate_slots`) and capacity rows.

    Parameters
    ----------
    instance
        The scheduling instance.
    allow_drop
        Give each march unit an "unscheduled" column.
    keep
        Task index to (option, slot) that must be offered (a hint).
    """
    columns, occupations = _columns(instance, _kept_slots(instance, keep or {}), allow_drop)
    matrix, capacity, names = _capacity_rows(instance, occupations, columns["task"])
    return TimeIndexed(
        task=columns["task"].astype(np.int64),
        option=columns["option"].astype(np.int64),
        slot=columns["slot"].astype(np.int64),
        lateness=columns["lateness"].astype(np.int64),
        disruption=columns["disruption"].astype(np.int64),
        clear_min=columns["clear_min"].astype(np.int64),
        rows=matrix,
        capacity=capacity,
        row_resource=names,
        n_tasks=len(instance.tasks),
    )


#: Per resource, its occupations by blocks of columns: begin and end minutes, column, demand.
_Occupations = dict[str, list[tuple[IntArray, IntArray, IntArray, IntArray]]]


def _columns(
    instance: Instance, kept_slots: dict[tuple[int, int], list[int]], allow_drop: bool
) -> tuple[dict[str, IntArray], _Occupations]:
    """Return the columns' fields (task, option, slot, lateness, disruption, clear_min).

    With them, each resource's occupations by the columns.
    """
    names = ("task", "option", "slot", "lateness", "disruption", "clear_min")
    parts: dict[str, list[IntArray]] = {name: [] for name in names}
    occupations: _Occupations = {}
    count = 0
    for t, task in enumerate(instance.tasks):
        late = option_costs(instance, t, "lateness")
        civil = option_costs(instance, t, "disruption")
        for o, option in enumerate(task.options):
            chosen = candidate_slots(instance, t, o, None)
            extra = [k for k in kept_slots.get((t, o), ()) if k not in chosen]
            offered = np.array(sorted(chosen + extra), dtype=np.int64)
            columns = count + np.arange(len(offered))
            count += len(offered)
            parts["task"].append(np.full(len(offered), t))
            parts["option"].append(np.full(len(offered), o))
            parts["slot"].append(offered)
            parts["lateness"].append(late[o, offered])
            parts["disruption"].append(civil[o, offered])
            parts["clear_min"].append(offered * instance.slot_min + option.clear_min)
            begin = offered * instance.slot_min
            for use in option.uses:
                occupations.setdefault(use.resource, []).append(
                    (
                        begin + use.start_min,
                        begin + use.end_min,
                        columns,
                        np.full(len(offered), use.demand),
                    )
                )
        if allow_drop:
            dropped = (t, -1, 0, drop_cost(instance, t), 0, 0)
            for name, value in zip(names, dropped, strict=True):
                parts[name].append(np.array([value]))
            count += 1
    return {name: np.concatenate(parts[name]) for name in names}, occupations


def _capacity_rows(
    instance: Instance, occupations: _Occupations, task_of: IntArray
) -> tuple[sparse.csr_matrix, IntArray, list[str]]:
    """Return the binding capacity rows x columns, each row's capacity and its resource."""
    count = len(task_of)
    rows: list[IntArray] = []
    row_columns: list[IntArray] = []
    demands: list[IntArray] = []
    capacity: list[IntArray] = []
    names: list[str] = []
    n_rows = 0
    # Sorted: row order must not depend on string hashing (reproducibility).
    for rid in sorted(occupations):
        limit = instance.resources[rid].capacity
        row, column, demand, n_binding = _resource_rows(occupations[rid], limit, task_of)
        rows.append(n_rows + row)
        row_columns.append(column)
        demands.append(demand)
        capacity.append(np.full(n_binding, limit))
        names.extend([rid] * n_binding)
        n_rows += n_binding
    matrix = sparse.csr_matrix(
        (
            np.concatenate(demands) if demands else np.zeros(0),
            (
                np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
                np.concatenate(row_columns) if row_columns else np.zeros(0, dtype=np.int64),
            ),
        ),
        shape=(n_rows, count),
    )
    limits = np.concatenate(capacity).astype(np.int64) if capacity else np.zeros(0, np.int64)
    return matrix, limits, names


def _resource_rows(
    parts: list[tuple[IntArray, IntArray, IntArray, IntArray]],
    limit: int,
    task_of: IntArray,
) -> tuple[IntArray, IntArray, IntArray, int]:
    """Return the entries (row, column, demand) of one resource's rows that can bind; their number.

    Rows are numbered from 0 in the order of their check points.
    """
    begin = np.concatenate([p[0] for p in parts])
    end = np.concatenate([p[1] for p in parts])
    column = np.concatenate([p[2] for p in parts])
    demand = np.concatenate([p[3] for p in parts])
    row_of_point, points = _capacity_points(begin, end)
    first = np.searchsorted(points, begin, side="left")
    last = np.searchsorted(points, end, side="left")
    spans = last - first
    member = np.repeat(np.arange(len(begin)), spans)
    offsets = np.arange(int(spans.sum())) - np.repeat(np.cumsum(spans) - spans, spans)
    point = first[member] + offsets
    row = row_of_point[point]
    inside = row >= 0
    member, row = member[inside], row[inside]
    # A row can bind only if the march units in it, each at its largest
    # demand there (it takes one column), can exceed the capacity.
    n_points = int(row_of_point.max()) + 1
    load = _even_load(first, last, row_of_point, column, demand, task_of, n_points)
    if load is None:
        load = _largest_load(row, column[member], demand[member], task_of, n_points)
    binding = load > limit
    renumber = np.cumsum(binding) - 1
    taken = binding[row]
    return renumber[row[taken]], column[member[taken]], demand[member[taken]], int(binding.sum())


def _largest_load(
    row: IntArray, column: IntArray, demand: IntArray, task_of: IntArray, n_rows: int
) -> NDArray[np.float64]:
    """Per row, the most a plan can load it: each march unit at its largest demand there.

    ``row``, ``column`` and ``demand`` list every occupation of a row by a
    column (a column may occupy a row more than once: its demands add up).
    """
    count = len(task_of)
    n_tasks = int(task_of.max(initial=0)) + 1
    cell, cell_index = np.unique(row * count + column, return_inverse=True)
    cell_demand = np.bincount(cell_index, weights=demand)
    cell_row, cell_column = cell // count, cell % count
    pair, pair_index = np.unique(cell_row * n_tasks + task_of[cell_column], return_inverse=True)
    largest = np.zeros(len(pair))
    np.maximum.at(largest, pair_index, cell_demand)
    return np.bincount(pair // n_tasks, weights=largest, minlength=n_rows).astype(np.float64)


def _even_load(
    first: IntArray,
    last: IntArray,
    row_of_point: IntArray,
    column: IntArray,
    demand: IntArray,
    task_of: IntArray,
    n_rows: int,
) -> NDArray[np.float64] | None:
    """Per row, the most a plan can load it, when each march unit has one demand here.

    The common case, computed from the occupations' spans of check points
    (``first`` to ``last``) without listing every (row, column) pair: when
    no column occupies the resource twice and all occupations of a march
    unit have the same demand, a row's most is the sum of the demands of
    the march units that have a column over it. ``None`` otherwise.
    """
    ordered = np.sort(column)
    if np.any(ordered[1:] == ordered[:-1]):
        return None
    task = task_of[column]
    order = np.lexsort((first, task))
    task, demand = task[order], demand[order]
    new_task = np.append(True, task[1:] != task[:-1])
    starts = np.flatnonzero(new_task)
    if np.any(demand != np.repeat(demand[starts], np.diff(np.append(starts, len(task))))):
        return None
    # The union of each march unit's spans: a span opens a new piece unless
    # it begins before the furthest end so far (of the same march unit).
    begin, end = first[order], last[order]
    offset = task.astype(np.int64) * (int(end.max(initial=0)) + 1)
    reach = np.maximum.accumulate(end + offset) - offset
    opens = new_task | (begin > np.append(0, reach[:-1]))
    piece = np.cumsum(opens) - 1
    piece_begin = begin[opens]
    piece_end = np.zeros(len(piece_begin), dtype=np.int64)
    np.maximum.at(piece_end, piece, end)
    piece_demand = demand[opens].astype(np.float64)
    n_points = len(row_of_point)
    per_point = np.zeros(n_points + 1)
    np.add.at(per_point, piece_begin, piece_demand)
    np.subtract.at(per_point, piece_end, piece_demand)
    load_at_point = np.cumsum(per_point[:n_points])
    kept = row_of_point >= 0
    load = np.zeros(n_rows)
    load[row_of_point[kept]] = load_at_point[kept]
    return load


def _kept_slots(
    instance: Instance, keep: dict[int, tuple[int, int]]
) -> dict[tuple[int, int], list[int]]:
    """Slots to offer beyond the candidates, per (task, option): the hint's.

    Interchangeable march units (same release, due time, weight and options)
    are offered the hint slots of all of them, so that their column blocks
    stay identical and the LP keeps them aggregated (see
    :mod:`mobility.schedule.aggregate`); each slot is one the option allows.
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    for t, task in enumerate(instance.tasks):
        shapes = tuple(
            (o.uses, o.clear_min, o.allowed.tobytes(), o.disruption.tobytes()) for o in task.options
        )
        signature = (task.release_min, task.due_min, task.request.lateness_weight, shapes)
        groups.setdefault(signature, []).append(t)
    found: dict[tuple[int, int], list[int]] = {}
    for members in groups.values():
        hinted = sorted({keep[t] for t in members if t in keep})
        for t in members:
            options = instance.tasks[t].options
            for o, slot in hinted:
                if o < len(options) and options[o].allowed[slot]:
                    found.setdefault((t, o), []).append(slot)
    return found


def _capacity_points(begin: IntArray, end: IntArray) -> tuple[IntArray, IntArray]:
    """Check points of one resource, and the row of each (-1: dominated).

    The points are the occupations' beginnings. The load at a point is
    contained in the load at the next one unless an occupation ends in
    between, so only points followed by an end are kept.
    """
    ordered = np.sort(begin)
    points = ordered[np.append(True, ordered[1:] != ordered[:-1])]
    ends = np.sort(end)
    ended_by = np.searchsorted(ends, points, side="right")
    ended_before_next = np.append(ended_by[1:], len(ends)) - ended_by
    keep = ended_before_next > 0
    keep[-1] = True
    return np.where(keep, np.cumsum(keep) - 1, -1), points


@dataclass(frozen=True)
class Relaxation:
    """Optimum of the LP relaxation.

    Attributes
    ----------
    bound
        Lower bound of the model, objective units (the LP optimum rounded up,
        less a tolerance for floating point).
    value
        Per column, its LP value.
    reduced_cost
        Per column, its reduced cost (objective units; >= 0 at 0).
    """

    bound: int
    value: NDArray[np.float64]
    reduced_cost: NDArray[np.float64]


#: Resource kinds whose rows the LP relaxation of a large model leaves out:
#: junction road space is three quarters of the rows' nonzeros and moved the
#: LP bound by under 0.03 % on the example scenarios (fewer rows: still a
#: lower bound, solved about three times faster).
LP_SKIPPED_KINDS = ("junction",)

#: A model with more nonzeros than this is large (see :data:`LP_SKIPPED_KINDS`).
LP_LARGE_NONZEROS = 2_000_000


def solve_relaxation(
    model: TimeIndexed,
    cost: IntArray,
    time_limit_s: float | None = None,
    cap: tuple[IntArray, int] | None = None,
    *,
    max_iterations: int | None = None,
) -> Relaxation | None:
    """Solve the LP relaxation with HiGHS; ``None`` if not solved to optimality in its budget.

    The budget is ``max_iterations`` simplex (or interior point) iterations,
    a deterministic limit: the same model gives the same answer on an idle
    and on a loaded machine; and/or ``time_limit_s`` wall seconds, which is
    not reproducible. Rows of :data:`LP_SKIPPED_KINDS` are left out of a
    large model (more than :data:`LP_LARGE_NONZEROS` nonzeros). ``cap`` adds
    one row, coefficients per column and its upper limit (the lexicographic
    mode's lateness limit). Interchangeable march units are solved as one
    block (:mod:`mobility.schedule.aggregate`; the same optimum); each
    member gets an equal share of the block's values.
    """
    from scipy.optimize import linprog

    from mobility._interrupt import call_interruptibly

    skipped = LP_SKIPPED_KINDS if model.rows.nnz > LP_LARGE_NONZEROS else ()
    kept = np.flatnonzero([rid.split(":", 1)[0] not in skipped for rid in model.row_resource])
    rows = model.rows[kept]
    limits = model.capacity[kept].astype(np.float64)
    if np.unique(model.task).size != model.n_tasks:
        logger.info("LP relaxation not solved: a march unit has no column (infeasible)")
        return None
    extra = None if cap is None else cap[0]
    groups = task_groups(model.task, model.option, model.slot, cost, rows, extra)
    if len(groups.size) != model.n_tasks:
        logger.info("LP: %d march units in %d groups", model.n_tasks, len(groups.size))
    columns = groups.columns
    rows = rows[:, columns]
    if cap is not None:
        rows = sparse.vstack([rows, sparse.csr_matrix(cap[0][columns].astype(np.float64))])
        rows = rows.tocsr()
        limits = np.append(limits, float(cap[1]))
    n = len(columns)
    equalities = sparse.csr_matrix(
        (np.ones(n), (groups.group_of_column, np.arange(n))), shape=(len(groups.size), n)
    )
    result = call_interruptibly(
        lambda: linprog(
            cost[columns].astype(np.float64),
            A_ub=rows if rows.shape[0] else None,
            b_ub=limits if rows.shape[0] else None,
            A_eq=equalities,
            b_eq=groups.size.astype(np.float64),
            bounds=np.column_stack([np.zeros(n), groups.size[groups.group_of_column]]),
            method="highs",
            options=_highs_options(time_limit_s, max_iterations),
        )
    )
    if result.status != 0:
        logger.info("LP relaxation not solved: %s", result.message)
        return None
    tolerance = 1e-6 * max(1.0, abs(result.fun))
    value = np.asarray(result.x) / groups.size[groups.group_of_column]
    return Relaxation(
        bound=math.ceil(result.fun - tolerance),
        value=value[groups.source],
        reduced_cost=np.asarray(result.lower.marginals)[groups.source],
    )


def _highs_options(time_limit_s: float | None, max_iterations: int | None) -> dict[str, Any]:
    options: dict[str, Any] = {"presolve": True}
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    if max_iterations is not None:
        options["maxiter"] = int(max_iterations)
    return options


def fixable(bound: int, reduced: NDArray[np.float64], incumbent: int) -> NDArray[np.bool_]:
    """Columns that no plan cheaper than ``incumbent`` (objective units) can use.

    A plan that uses a column costs at least the LP bound plus the column's
    reduced cost (``reduced``).
    """
    margin = 1e-6 * max(1.0, abs(incumbent)) + 1e-3
    return np.asarray(bound + reduced > incumbent + margin)


def round_relaxation(
    instance: Instance, model: TimeIndexed, value: NDArray[np.float64]
) -> dict[int, Choice]:
    """Turn an LP solution into a plan that respects every resource.

    March units are placed in the order of their LP start; each takes the
    column with the largest LP value that still fits every resource (exact
    timelines), else its cheapest allowed (option, slot) that fits, else it
    stays unscheduled.
    """
    mean_slot = np.bincount(model.task, weights=value * model.slot, minlength=model.n_tasks)
    order = np.lexsort((np.arange(model.n_tasks), mean_slot))
    support = np.flatnonzero((value > 1e-6) & (model.option >= 0))
    support = support[np.lexsort((model.cost[support], -value[support], model.task[support]))]
    starts = np.searchsorted(model.task[support], np.arange(model.n_tasks + 1))
    timelines = empty_timelines(instance)
    placed: dict[int, Choice] = {}
    for t in order.tolist():
        task = instance.tasks[t]
        preferred = support[starts[t] : starts[t + 1]]
        candidates = [(int(model.option[j]), int(model.slot[j])) for j in preferred]
        costs = option_costs(instance, t)
        allowed = np.argwhere(costs >= 0)
        ranked = allowed[np.lexsort((allowed[:, 1], costs[allowed[:, 0], allowed[:, 1]]))]
        found = first_fitting(
            instance, timelines, task.options, itertools.chain(candidates, ranked.tolist())
        )
        if found is not None:
            occupy(instance, timelines, task.options[found.option], found.slot)
            placed[t] = found
    return placed
