"""The movement model in OR-Tools CP-SAT, guided by its LP relaxation.

The model is the time-indexed one of :mod:`mobility.schedule.time_indexed`:
a Boolean per (march unit, route option, start slot), exactly one per march
unit (or "unscheduled", at twice the horizon in lateness, where the hint
could not place every march unit), capacity rows for every resource
(movement credits on structures and border crossings, road space at shared
junctions, port gates, support-centre parking and overnight capacity).
Release, horizon, closures and border windows decide which slots exist;
driver hours are in each option's timing.

Objective (integers; the cost unit is the scenario's weights):
``lateness_per_min x (6 - priority) x minutes late + disruption_per_vehicle_hour
x civilian vehicle-hours (+ makespan_per_min x makespan)``. The
lexicographic mode first minimises lateness (and unscheduled units), then,
holding that, the disruption.

Solving, per objective:

1. The LP relaxation (HiGHS), with the cardinality cuts of
   :mod:`mobility.schedule._cuts` (a halt site of 30 places holds one column
   of 20 vehicles, not one and a half): its optimum is a lower bound of the
   model. In the default mode its budget is an iteration count from the
   model's size (:func:`lp_iterations`).
2. Rounding: the LP solution made into a plan that respects every resource;
   the better of it and the hint (the greedy baseline) is the incumbent.
3. Reduced-cost fixing: columns that no plan cheaper than the incumbent can
   use are left out (this keeps every better plan). When more than
   :data:`MAX_COLUMNS` remain, the :data:`WINDOW_COLUMNS` with the smallest
   reduced costs stay and CP-SAT searches them window by window
   (:func:`_improve_by_windows`): a neighbourhood, whose optimum is not a
   proof.
4. CP-SAT on the remaining columns, hinted with the incumbent, with the LP
   bound as a constraint on the objective. (Making interchangeable march
   units leave in order, as symmetry breaking, slowed the proofs threefold;
   plans are put in that order afterwards.)

Reproducibility: by default the search is deterministic (one CP-SAT worker,
a deterministic time limit; CP-SAT's parallel portfolio is not reproducible,
and its deterministic interleaved mode proved slower on these models): the
same instance and seed give the same plan. ``deterministic=False`` uses
``workers`` parallel workers with a wall-clock limit.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from mobility._interrupt import call_interruptibly
from mobility.schedule._cuts import with_cardinality_cuts
from mobility.schedule.instance import Instance
from mobility.schedule.options import SolverOptions
from mobility.schedule.solution import Assignment, Choice, objective_of, usage
from mobility.schedule.time_indexed import (
    OBJECTIVE_SCALE,
    TimeIndexed,
    build_time_indexed,
    fixable,
    round_relaxation,
    solve_relaxation,
)

__all__ = ["OBJECTIVE_SCALE", "SolverOptions", "solve"]

logger = logging.getLogger(__name__)

SolverProgress = Callable[[float, float, float], None]

#: Most columns handed to CP-SAT after reduced-cost fixing.
MAX_COLUMNS = 40_000

#: Most columns the rolling windows (:func:`_improve_by_windows`) choose
#: from, all windows together, when a model has more than
#: :data:`MAX_COLUMNS` after fixing. On Defender 40,000 / 80,000 / 100,000 /
#: 150,000 gave 1,157.2 / 1,156.9 / 1,145.3 / 1,145.6 veh-h (windows of 100
#: march units) in 14 / 18 / 25 / 33 s of CPU.
WINDOW_COLUMNS = 100_000

#: Non-deterministic mode: share of the time limit the LP relaxation may
#: take (a guard: it is solved to optimality or not used).
LP_SHARE = 0.6


def lp_iterations(model: TimeIndexed) -> int:
    """Deterministic mode: the LP relaxation's iteration budget, from the model's size.

    One iteration per row and per column: a simplex method rarely needs more
    than a few times the number of rows, and these LPs (aggregated, see
    :mod:`mobility.schedule.aggregate`) take far fewer: the brigade LP about
    1,700 iterations, the Defender LP (1,001 march units, 378,030 columns,
    125,650 rows with the cuts of :mod:`mobility.schedule._cuts`) about
    10,000. The budget does not depend on the time limit: the bound is the
    LP's, whatever the limit.
    """
    return int(model.rows.shape[0] + len(model.task))


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: SolverProgress | None, offset_s: float) -> None:
        super().__init__()
        self.report = report
        self.started = time.perf_counter() - offset_s

    def on_solution_callback(self) -> None:
        if self.report is not None:
            self.report(
                self.objective_value / OBJECTIVE_SCALE,
                self.best_objective_bound / OBJECTIVE_SCALE,
                time.perf_counter() - self.started,
            )


def identical_groups(instance: Instance) -> list[list[int]]:
    """Task indices of interchangeable march units (same request, vehicles and options)."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for t, task in enumerate(instance.tasks):
        signature = (
            task.request.id,
            tuple((v.id, n) for v, n in task.march_unit.vehicles),
            tuple(
                option.route.edges if option.route is not None else id(option)
                for option in task.options
            ),
        )
        groups.setdefault(signature, []).append(t)
    return [members for members in groups.values() if len(members) > 1]


def canonical(instance: Instance, choices: dict[int, Choice]) -> dict[int, Choice]:
    """Return the same plan with interchangeable march units leaving in index order."""
    result = dict(choices)
    for members in identical_groups(instance):
        scheduled = [t for t in members if t in choices]
        ordered = sorted((choices[t] for t in scheduled), key=lambda c: (c.slot, c.option))
        for t in members:
            result.pop(t, None)
        for t, choice in zip(members, ordered, strict=False):
            result[t] = choice
    return result


def conflicts(instance: Instance, choices: dict[int, Choice]) -> set[str]:
    """Resources an assignment puts over capacity."""
    return {
        rid
        for rid, line in usage(instance, choices).items()
        if line.max(initial=0) > instance.resources[rid].capacity
    }


def respects_resources(instance: Instance, choices: dict[int, Choice]) -> bool:
    """Whether an assignment keeps every resource within its capacity."""
    return not conflicts(instance, choices)


@dataclass
class _Stage:
    """One objective to minimise over the columns, with an optional cap row.

    Attributes
    ----------
    cost
        Objective units per column.
    makespan_unit
        Objective units per minute of makespan.
    cap
        Coefficients per column and the limit of their sum.
    """

    cost: NDArray[np.int64]
    makespan_unit: int = 0
    cap: tuple[NDArray[np.int64], int] | None = None


def _columns_of(model: TimeIndexed, choices: dict[int, Choice]) -> NDArray[np.int64]:
    """Column indices of a plan (unscheduled march units: their drop column, if any)."""
    task = np.arange(model.n_tasks)
    option = np.array([choices[t].option if t in choices else -1 for t in range(model.n_tasks)])
    slot = np.array([choices[t].slot if t in choices else 0 for t in range(model.n_tasks)])
    columns = model.columns_of(task, option.astype(np.int64), slot.astype(np.int64))
    return np.sort(columns[columns >= 0])


def _stage_cost(stage: _Stage, model: TimeIndexed, choices: dict[int, Choice]) -> int | None:
    """Cost of a plan in the stage's units, ``None`` if it breaks the cap or a column is absent."""
    columns = _columns_of(model, choices)
    if len(columns) != model.n_tasks:
        return None
    if stage.cap is not None and int(stage.cap[0][columns].sum()) > stage.cap[1]:
        return None
    makespan = int(model.clear_min[columns].max(initial=0))
    return int(stage.cost[columns].sum()) + stage.makespan_unit * makespan


def _column_model(
    instance: Instance,
    model: TimeIndexed,
    stage: _Stage,
    columns: NDArray[np.int64],
    fixed: NDArray[np.int64],
    lower: int | None,
    hint: NDArray[np.int64],
) -> cp_model.CpModel:
    """CP-SAT model over ``columns``, the march units of ``fixed`` columns held as they are.

    One Boolean per column (variable ``k`` for ``columns[k]``), one column per
    free march unit, the capacity rows less what the fixed columns use, the
    stage's objective over the free columns, and ``objective >= lower`` when
    given. Written straight into the model's proto, in arrays: a window of
    the rolling search has about 9,000 columns, and one Python object per
    column cost more than the search.
    """
    cp = cp_model.CpModel()
    proto = cp.proto
    for j in columns.tolist():
        variable = proto.variables.add()
        variable.name = f"x[{j}]"
        variable.domain.extend([0, 1])
    n = len(columns)
    order = np.argsort(model.task[columns], kind="stable")
    cuts = np.flatnonzero(np.diff(model.task[columns][order])) + 1
    per_task = np.split(order, cuts)
    for members in per_task:
        proto.constraints.add().exactly_one.literals.extend(members.tolist())
    by_column = model.by_column
    rows = by_column[:, columns].tocsr()
    # What the fixed columns use: their columns summed (not the whole matrix times a mask).
    residual = model.capacity - np.asarray(by_column[:, fixed].sum(axis=1)).ravel()
    binding = np.flatnonzero(np.asarray(rows.sum(axis=1)).ravel() > residual)
    row_variables = rows.indices.tolist()
    row_coefficients = rows.data.astype(np.int64).tolist()
    starts, ends = rows.indptr[binding].tolist(), rows.indptr[binding + 1].tolist()
    limits = residual[binding].astype(np.int64).tolist()
    constraints = proto.constraints
    for a, b, room in zip(starts, ends, limits, strict=True):
        linear = constraints.add().linear
        linear.vars.extend(row_variables[a:b])
        linear.coeffs.extend(row_coefficients[a:b])
        linear.domain.extend([0, room])
    x = _Variables(cp, n)
    if stage.cap is not None:
        coefficients, limit = stage.cap
        cp.add(
            cp_model.LinearExpr.weighted_sum(x.all(), coefficients[columns].tolist())
            <= limit - int(coefficients[fixed].sum())
        )
    costs = stage.cost[columns]
    if not stage.makespan_unit and lower is None:
        # The objective straight into the proto (the windows' case).
        kept = np.flatnonzero(costs)
        proto.objective.vars.extend(kept.tolist())
        proto.objective.coeffs.extend(costs[kept].tolist())
        proto.objective.scaling_factor = 1.0
        _hint(proto, columns, hint)
        return cp
    objective = cp_model.LinearExpr.weighted_sum(x.all(), costs.tolist())
    if stage.makespan_unit:
        floor = int(model.clear_min[fixed].max(initial=0))
        makespan = cp.new_int_var(floor, max(floor, instance.horizon_min), "makespan")
        for members in per_task:
            clears = model.clear_min[columns[members]].tolist()
            cp.add(makespan >= cp_model.LinearExpr.weighted_sum(x.some(members), clears))
        objective = objective + stage.makespan_unit * makespan
    if lower is not None:
        cp.add(objective >= lower)
    cp.minimize(objective)
    _hint(proto, columns, hint)
    return cp


def _hint(proto: Any, columns: NDArray[np.int64], hint: NDArray[np.int64]) -> None:
    """Hint the columns of ``hint`` at 1, the other ``columns`` at 0."""
    proto.solution_hint.vars.extend(range(len(columns)))
    proto.solution_hint.values.extend(np.isin(columns, hint).astype(np.int64).tolist())


class _Variables:
    """The column Booleans of a :func:`_column_model` as CP-SAT variables, made when asked."""

    def __init__(self, cp: cp_model.CpModel, n: int) -> None:
        self.cp = cp
        self.n = n
        self._all: list[cp_model.IntVar] | None = None

    def all(self) -> list[cp_model.IntVar]:
        if self._all is None:
            self._all = [self.cp.get_int_var_from_proto_index(k) for k in range(self.n)]
        return self._all

    def some(self, members: NDArray[np.int64]) -> list[cp_model.IntVar]:
        variables = self.all()
        return [variables[k] for k in members.tolist()]


def _solver(options: SolverOptions, limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.random_seed = options.seed
    # Ctrl-C is ours (mobility._interrupt): CP-SAT would take it for its time limit.
    parameters.catch_sigint_signal = False
    # Probing at every restart costs more than it gains on these models.
    parameters.cp_model_probing_level = 0
    if options.deterministic:
        parameters.num_workers = 1
        # The strongest LP: it proves the brigade optimum in seconds.
        parameters.linearization_level = 2
        # No wall-clock limit: stopping on wall time would break reproducibility.
        parameters.max_deterministic_time = limit_s
    else:
        parameters.num_workers = options.workers
        if options.workers >= 2:
            parameters.subsolvers.append("max_lp")
            parameters.subsolvers.append("default_lp")
        parameters.max_time_in_seconds = limit_s
    return solver


def _smallest_reduced(keep: NDArray[np.bool_], reduced: NDArray[np.float64]) -> NDArray[np.bool_]:
    """``keep`` cut to the :data:`WINDOW_COLUMNS` columns of smallest reduced cost (ties kept)."""
    if keep.sum() <= WINDOW_COLUMNS:
        return keep
    threshold = np.partition(reduced[keep], WINDOW_COLUMNS - 1)[WINDOW_COLUMNS - 1]
    return np.asarray(keep & (reduced <= threshold), dtype=bool)


@dataclass
class _Outcome:
    choices: dict[int, Choice]
    cost: int
    bound: int | None  # None: no bound is known (the LP did not finish, CP-SAT did not run)
    proven: bool
    status: str


def _optimise(
    instance: Instance,
    model: TimeIndexed,
    stage: _Stage,
    incumbent: dict[int, Choice],
    options: SolverOptions,
    limit_s: float,
    progress: SolverProgress | None,
    started: float,
) -> _Outcome:
    """Minimise one stage's cost: LP bound, rounding, fixing, CP-SAT (see the module notes)."""
    best_cost = _stage_cost(stage, model, incumbent)
    assert best_cost is not None, "the incumbent must be a plan of the model"
    if options.deterministic:
        iterations = lp_iterations(model)
        relaxation = solve_relaxation(model, stage.cost, None, stage.cap, max_iterations=iterations)
    else:
        relaxation = solve_relaxation(model, stage.cost, LP_SHARE * limit_s, stage.cap)
    lower = 0
    complete = True
    keep = np.ones(len(model.task), dtype=bool)
    if relaxation is not None:
        lower = relaxation.bound
        rounded = canonical(instance, round_relaxation(instance, model, relaxation.value))
        rounded_cost = _stage_cost(stage, model, rounded)
        if rounded_cost is not None and rounded_cost < best_cost:
            incumbent, best_cost = rounded, rounded_cost
        logger.info(
            "LP bound %.2f, rounded %s, incumbent %.2f",
            lower / OBJECTIVE_SCALE,
            None if rounded_cost is None else rounded_cost / OBJECTIVE_SCALE,
            best_cost / OBJECTIVE_SCALE,
        )
        if best_cost <= lower:
            return _Outcome(incumbent, best_cost, best_cost, True, "OPTIMAL")
        reduced = relaxation.reduced_cost
        keep = ~fixable(lower, reduced, best_cost)
        if keep.sum() > MAX_COLUMNS:
            complete = False
            keep = _smallest_reduced(keep, reduced)
    elif len(keep) > MAX_COLUMNS:
        # No LP: the cheapest columns of each march unit.
        complete = False
        order = np.lexsort((stage.cost, model.task))
        first = np.searchsorted(model.task[order], model.task[order])
        rank = np.arange(len(order)) - first
        keep[order] = rank < max(1, MAX_COLUMNS // model.n_tasks)
    hint = _columns_of(model, incumbent)
    keep[hint] = True
    if not complete:
        known = lower if relaxation is not None else None
        return _improve_by_windows(
            instance, model, stage, incumbent, keep, known, options, limit_s, started
        )
    columns = np.flatnonzero(keep)
    logger.info(
        "CP-SAT on %d of %d columns (all that can improve) after %.1f s",
        len(columns),
        len(keep),
        time.perf_counter() - started,
    )
    empty = np.zeros(0, dtype=np.int64)
    cp = _column_model(instance, model, stage, columns, empty, lower, hint)
    remaining = max(0.5, limit_s - (time.perf_counter() - started))
    solver = _solver(options, limit_s if options.deterministic else remaining)
    offset = time.perf_counter() - started
    callback = _Progress(progress, offset)
    status = call_interruptibly(lambda: solver.solve(cp, callback), stop=solver.stop_search)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        logger.warning("CP-SAT found no solution (%s)", solver.status_name(status))
        known = lower if relaxation is not None else None
        return _Outcome(incumbent, best_cost, known, False, solver.status_name(status))
    choices = _read(model, columns, solver)
    cost = _stage_cost(stage, model, choices)
    if cost is None or cost > best_cost:
        choices, cost = incumbent, best_cost
    proven = status == cp_model.OPTIMAL
    bound = max(lower, math.ceil(solver.best_objective_bound - 1e-6))
    return _Outcome(choices, cost, cost if proven else bound, proven, solver.status_name(status))


def _read(
    model: TimeIndexed, columns: NDArray[np.int64], solver: cp_model.CpSolver
) -> dict[int, Choice]:
    """Choices of the march units in a solved column model (unscheduled ones left out)."""
    values = np.array(solver.response_proto.solution, dtype=np.int64)
    chosen = columns[values[: len(columns)] > 0]
    return {
        int(model.task[j]): Choice(int(model.option[j]), int(model.slot[j]))
        for j in chosen.tolist()
        if model.option[j] >= 0
    }


#: March units per window of :func:`_improve_by_windows`; windows overlap by half.
#: On Defender (10 s budget), windows of 80 / 100 / 120 / 200 march units
#: gave 1,153.3 / 1,151.6 / 1,152.5 / 1,152.7 veh-h in 12 / 16 / 20 / 32 s of
#: CPU (small windows solve to optimality inside their share of the budget).
WINDOW_TASKS = 100


def _improve_by_windows(
    instance: Instance,
    model: TimeIndexed,
    stage: _Stage,
    incumbent: dict[int, Choice],
    keep: NDArray[np.bool_],
    lower: int | None,
    options: SolverOptions,
    limit_s: float,
    started: float,
) -> _Outcome:
    """Improve a large plan by rolling time windows (a decomposition).

    March units are taken in the order of their start, :data:`WINDOW_TASKS`
    at a time with half of each window shared with the next; CP-SAT
    re-optimises a window's march units over their ``keep`` columns while
    every other march unit stays as planned. Each window starts from the
    plan so far, so the plan never gets worse; its bound stays the LP's.
    """
    best_cost = _stage_cost(stage, model, incumbent)
    assert best_cost is not None
    order = sorted(
        range(model.n_tasks), key=lambda t: (incumbent[t].slot, t) if t in incumbent else (-1, t)
    )
    step = WINDOW_TASKS // 2
    windows = [order[i : i + WINDOW_TASKS] for i in range(0, max(1, len(order) - step), step)]
    logger.info("improving by %d windows of %d march units", len(windows), WINDOW_TASKS)
    for n, window in enumerate(windows):
        if options.deterministic:
            share = limit_s / len(windows)
        else:
            left = limit_s - (time.perf_counter() - started)
            if left <= 0.1:
                break
            share = left / (len(windows) - n)
        current = _columns_of(model, incumbent)
        inside = np.isin(model.task, window)
        offered = keep.copy()
        offered[current] = True
        columns = np.flatnonzero(offered & inside)
        fixed = current[~np.isin(model.task[current], window)]
        cp = _column_model(instance, model, stage, columns, fixed, None, current)
        solver = _solver(options, share)
        status = call_interruptibly(partial(solver.solve, cp), stop=solver.stop_search)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        members = set(window)
        choices = {t: c for t, c in incumbent.items() if t not in members}
        choices.update(_read(model, columns, solver))
        cost = _stage_cost(stage, model, choices)
        if cost is not None and cost < best_cost:
            incumbent, best_cost = choices, cost
    logger.info(
        "windows: %.2f after %.1f s", best_cost / OBJECTIVE_SCALE, time.perf_counter() - started
    )
    return _Outcome(canonical(instance, incumbent), best_cost, lower, False, "FEASIBLE")


def solve(
    instance: Instance,
    options: SolverOptions | None = None,
    hint: Assignment | None = None,
    progress: SolverProgress | None = None,
) -> Assignment:
    """Optimise the plan; returns the best assignment found.

    Parameters
    ----------
    instance
        The scheduling instance.
    options
        Time limit, workers, seed, determinism.
    hint
        A starting solution (the greedy baseline); without one, march units
        may stay unscheduled.
    progress
        Called with (objective, bound, seconds) at each improving solution.
    """
    options = options or SolverOptions()
    started = time.perf_counter()
    if not instance.tasks:
        return Assignment({}, "cp-sat", "OPTIMAL", 0.0, 0.0, 0.0)
    incumbent = canonical(instance, dict(hint.choices)) if hint is not None else {}
    allow_drop = len(incumbent) < len(instance.tasks)
    keep = {t: (c.option, c.slot) for t, c in incumbent.items()}
    model = with_cardinality_cuts(build_time_indexed(instance, allow_drop=allow_drop, keep=keep))
    makespan_unit = round(OBJECTIVE_SCALE * instance.scenario.weights.makespan_per_min)
    lexicographic = instance.scenario.weights.mode == "lexicographic"
    limit = options.time_limit_s / (2 if lexicographic else 1)
    if lexicographic:
        first = _optimise(
            instance, model, _Stage(model.lateness), incumbent, options, limit, progress, started
        )
        stage = _Stage(model.disruption, makespan_unit, (model.lateness, first.cost))
        second = _optimise(
            instance, model, stage, first.choices, options, limit, progress, time.perf_counter()
        )
        outcome = second
        proven = first.proven and second.proven
        if first.proven:
            bound = None if second.bound is None else first.cost + second.bound
        else:
            bound = first.bound
        status = "OPTIMAL" if proven else "FEASIBLE"
    else:
        stage = _Stage(model.cost, makespan_unit)
        outcome = _optimise(instance, model, stage, incumbent, options, limit, progress, started)
        bound, status = outcome.bound, outcome.status
    choices = outcome.choices
    objective = objective_of(instance, choices)
    # No bound known: NaN, written as "no bound" (never 0 and a 100 % gap).
    bound_cost = math.nan if bound is None else min(bound / OBJECTIVE_SCALE, objective)
    return Assignment(
        choices=choices,
        method="cp-sat",
        status=status,
        objective=objective,
        bound=bound_cost,
        solve_time_s=time.perf_counter() - started,
    )
