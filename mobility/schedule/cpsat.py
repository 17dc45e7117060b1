"""The movement model in OR-Tools CP-SAT.

Decisions per march unit: a Boolean per (route option, start slot), so that
the objective is linear in them, and an integer start slot (start minute =
slot x ``slot_min``) that drives the intervals. Only allowed slots (release,
horizon, closures, border windows) get a Boolean, and none later than a day
past the due time. When the greedy baseline could not place every march
unit, "unscheduled" is allowed at a heavy penalty so that the model always
has a solution.

Constraints, all over optional fixed-size intervals of the chosen option:
``no_overlap`` or ``cumulative`` per resource (movement credits on
structures and border crossings, road space at shared junctions, port gate,
support-centre parking and overnight capacity). Driver hours are part of
each option's timing (halts are in its offsets).

Objective (integers; the cost unit is the scenario's weights):
``lateness_per_min x (6 - priority) x minutes late + disruption_per_vehicle_hour
x civilian vehicle-hours (+ makespan_per_min x makespan)``; unscheduled
march units cost twice the horizon in lateness. The lexicographic mode
first minimises lateness (and unscheduled units), then, holding that, the
disruption.

Solving (weighted mode): first the relaxation that keeps only the port
gates is solved exactly as an assignment problem per port (scipy); its
optimum is a lower bound of the full model, reported with CP-SAT's own (the
larger counts), and is proven optimal when it respects every other resource.
Otherwise it is repaired into a feasible plan (march units in relaxed
order, each at its cheapest start that fits), which, if cheaper than the
greedy baseline, becomes CP-SAT's hint. Then, for half the time limit, a
second relaxation adds time-indexed capacities for the resources the first
one overran (and for any its own solutions overrun): its bound is a bound of
the full model, a conflict-free solution is a plan (proven optimal when
solved to optimality) and the better hint. Interchangeable march units of a
request leave in order (symmetry breaking), and per-slot gate constraints
restate the port gates in a form the LP relaxation can use.

Reproducibility: by default the search is deterministic (``interleave_search``
with a deterministic time limit): the same instance, seed and worker count
give the same plan. ``deterministic=False`` uses CP-SAT's faster, not
reproducible, parallel portfolio.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from mobility.schedule.instance import Instance
from mobility.schedule.solution import (
    Assignment,
    Choice,
    empty_timelines,
    fits,
    objective_of,
    occupy,
    usage,
)

logger = logging.getLogger(__name__)

#: The objective is kept in integers: cost units times this.
OBJECTIVE_SCALE = 1_000

Progress = Callable[[float, float, float], None]


@dataclass(frozen=True)
class SolverOptions:
    """CP-SAT settings.

    Attributes
    ----------
    time_limit_s
        Search limit: in deterministic mode CP-SAT's deterministic time
        (work units; on a 2-core machine one unit took about 5 s of wall
        time; a runaway guard stops at 20 times the limit in wall seconds),
        else wall-clock seconds.
    workers
        Search workers.
    seed
        Random seed.
    deterministic
        Reproducible search (see the module notes).
    """

    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = True


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Progress | None) -> None:
        super().__init__()
        self.report = report
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        if self.report is not None:
            self.report(
                self.objective_value / OBJECTIVE_SCALE,
                self.best_objective_bound / OBJECTIVE_SCALE,
                time.perf_counter() - self.started,
            )


@dataclass
class _Model:
    model: cp_model.CpModel
    slots: list[cp_model.IntVar]
    chosen: list[list[cp_model.IntVar]]
    dropped: list[cp_model.IntVar]
    starts: list[dict[tuple[int, int], cp_model.IntVar]]
    lateness_expr: cp_model.LinearExpr
    disruption_expr: cp_model.LinearExpr
    makespan_expr: cp_model.LinearExpr


def candidate_slots(instance: Instance, task: int, option: int, keep: int | None) -> list[int]:
    """Return the allowed start slots offered to the solver for one option.

    Slots later than the latest on-time start plus :data:`LATE_WINDOW_MIN`
    are left out (the model stays small on long horizons), except ``keep``
    (the hint's slot), so that the hint stays feasible.
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


#: Start slots more than this late are not offered (see :func:`candidate_slots`).
LATE_WINDOW_MIN = 24 * 60


def _build(
    instance: Instance, hint: Assignment | None, *, relaxed: bool = False, allow_drop: bool = True
) -> _Model:
    """Build the model.

    One Boolean per (option, start slot): the objective is linear in them (a
    strong LP bound); an integer slot per march unit drives its intervals.
    ``relaxed`` leaves out every resource but the port gates (a relaxation
    whose optimum bounds the full model's); ``allow_drop`` lets march units
    stay unscheduled at a penalty (needed only when the baseline could not
    place them all).
    """
    scenario = instance.scenario
    weights = scenario.weights
    late_unit = round(OBJECTIVE_SCALE * weights.lateness_per_min)
    disruption_unit = round(OBJECTIVE_SCALE / 100 * weights.disruption_per_vehicle_hour)
    model = cp_model.CpModel()
    slot_min = instance.slot_min
    intervals: dict[str, list[tuple[cp_model.IntervalVar, int]]] = {
        rid: [] for rid in instance.resources
    }
    slots, chosen, dropped, starts = [], [], [], []
    lateness_terms: list[cp_model.LinearExprT] = []
    disruption_terms: list[cp_model.LinearExprT] = []
    makespan = model.new_int_var(0, instance.horizon_min, "makespan")
    for t, task in enumerate(instance.tasks):
        keep = hint.choices.get(t) if hint is not None else None
        weight = task.request.lateness_weight
        slot = model.new_int_var(0, instance.n_slots - 1, f"slot[{t}]")
        drop = model.new_bool_var(f"unscheduled[{t}]")
        if not allow_drop:
            model.add(drop == 0)
        literals = []
        task_starts: dict[tuple[int, int], cp_model.IntVar] = {}
        position_terms = []
        for o, option in enumerate(task.options):
            literal = model.new_bool_var(f"option[{t},{o}]")
            literals.append(literal)
            kept = keep.slot if keep is not None and keep.option == o else None
            option_starts = []
            for s in candidate_slots(instance, t, o, kept):
                var = model.new_bool_var(f"start[{t},{o},{s}]")
                task_starts[(o, s)] = var
                option_starts.append(var)
                position_terms.append(s * var)
                late = max(0, s * slot_min + option.clear_min - task.due_min)
                if late:
                    lateness_terms.append(late_unit * weight * late * var)
                if option.disruption[s]:
                    disruption_terms.append(int(option.disruption[s]) * var)
            model.add(sum(option_starts) == literal)
            model.add(makespan >= slot * slot_min + option.clear_min).only_enforce_if(literal)
            for use in () if relaxed else option.uses:
                interval = model.new_optional_fixed_size_interval_var(
                    slot * slot_min + use.start_min,
                    use.end_min - use.start_min,
                    literal,
                    f"use[{t},{o},{use.resource}]",
                )
                intervals[use.resource].append((interval, use.demand))
        model.add_exactly_one([*literals, drop])
        model.add(slot == sum(position_terms))
        lateness_terms.append(late_unit * weight * 2 * instance.horizon_min * drop)
        slots.append(slot)
        chosen.append(literals)
        dropped.append(drop)
        starts.append(task_starts)
    _port_slot_cuts(instance, model, starts)
    _order_identical_units(instance, model, slots, dropped)
    for rid, members in intervals.items():
        if not members:
            continue
        capacity = instance.resources[rid].capacity
        if capacity == 1 and all(demand == 1 for _, demand in members):
            model.add_no_overlap([interval for interval, _ in members])
        else:
            model.add_cumulative(
                [interval for interval, _ in members], [d for _, d in members], capacity
            )
    return _Model(
        model=model,
        slots=slots,
        chosen=chosen,
        dropped=dropped,
        starts=starts,
        lateness_expr=cp_model.LinearExpr.sum(lateness_terms),
        disruption_expr=cp_model.LinearExpr.weighted_sum(
            [cp_model.LinearExpr.sum(disruption_terms)], [disruption_unit]
        ),
        makespan_expr=cp_model.LinearExpr.weighted_sum(
            [makespan], [round(OBJECTIVE_SCALE * weights.makespan_per_min)]
        ),
    )


def identical_groups(instance: Instance) -> list[list[int]]:
    """Task indices of interchangeable march units (same request, vehicles and options)."""
    groups: dict[tuple[object, ...], list[int]] = {}
    for t, task in enumerate(instance.tasks):
        signature = (
            task.request.id,
            tuple((v.id, n) for v, n in task.march_unit.vehicles),
            tuple(option.route.edges if option.route is not None else id(option)
                  for option in task.options),
        )  # fmt: skip
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


def _order_identical_units(
    instance: Instance,
    model: cp_model.CpModel,
    slots: list[cp_model.IntVar],
    dropped: list[cp_model.IntVar],
) -> None:
    """Break the symmetry between interchangeable march units.

    March units of one request with the same vehicles and the same route
    options can swap places in any plan, so only plans where they leave in
    order (and only the last ones are left unscheduled) are searched. From a
    port gate they cannot leave in the same slot, so the order is strict.
    """
    for members in identical_groups(instance):
        for a, b in itertools.pairwise(members):
            gate = any(
                instance.resources[u.resource].kind == "port" and u.start_min == 0
                for u in instance.tasks[a].options[0].uses
            )
            model.add(slots[a] + (1 if gate else 0) <= slots[b]).only_enforce_if(
                [dropped[a].Not(), dropped[b].Not()]
            )
            model.add(dropped[a] <= dropped[b])


def _port_slot_cuts(
    instance: Instance,
    model: cp_model.CpModel,
    starts: list[dict[tuple[int, int], cp_model.IntVar]],
) -> None:
    """Time-indexed form of each port gate's capacity, over the start Booleans.

    Gate uses begin at the start of a slot, so two of them overlap exactly
    when one begins while the other is still at the gate: per gate and slot,
    the march units that occupy it then fit in its capacity. The constraint
    repeats the gate's ``no_overlap`` in a form whose LP relaxation spreads
    march units over time, which gives the solver a useful lower bound.
    """
    members: dict[str, dict[int, list[cp_model.IntVar]]] = {}
    for t, task in enumerate(instance.tasks):
        for (o, s), var in starts[t].items():
            for use in task.options[o].uses:
                if instance.resources[use.resource].kind != "port" or use.start_min != 0:
                    continue
                span = -(-use.end_min // instance.slot_min)
                by_slot = members.setdefault(use.resource, {})
                for covered in range(s, min(s + span, instance.n_slots)):
                    by_slot.setdefault(covered, []).append(var)
    for rid, by_slot in members.items():
        capacity = instance.resources[rid].capacity
        for variables in by_slot.values():
            if len(variables) > capacity:
                model.add(sum(variables) <= capacity)


def _objective(built: _Model) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(
        [built.lateness_expr, built.disruption_expr, built.makespan_expr]
    )


def _option_costs(instance: Instance, task: int) -> np.ndarray:
    """Objective cost (integer units) per option (rows) and start slot; -1 where not allowed."""
    weights = instance.scenario.weights
    late_unit = round(OBJECTIVE_SCALE * weights.lateness_per_min)
    disruption_unit = round(OBJECTIVE_SCALE / 100 * weights.disruption_per_vehicle_hour)
    item = instance.tasks[task]
    slots = np.arange(instance.n_slots) * instance.slot_min
    rows = []
    for option in item.options:
        late = np.maximum(0, slots + option.clear_min - item.due_min)
        cost = late_unit * item.request.lateness_weight * late + disruption_unit * option.disruption
        rows.append(np.where(option.allowed, cost, -1))
    return np.array(rows, dtype=np.int64)


def _unit_costs(instance: Instance, task: int) -> tuple[np.ndarray, np.ndarray]:
    """Cheapest cost per start slot over the options (-1: none) and that option."""
    costs = _option_costs(instance, task)
    masked = np.where(costs < 0, np.iinfo(np.int64).max, costs)
    option = np.argmin(masked, axis=0)
    best = masked[option, np.arange(costs.shape[1])]
    return np.where(best == np.iinfo(np.int64).max, -1, best), option


def repair(instance: Instance, choices: dict[int, Choice]) -> dict[int, Choice]:
    """Make a relaxation's assignment respect every resource, staying cheap.

    March units are placed in the order of their relaxed start; each takes
    the cheapest (option, slot) that still fits every resource, so most keep
    their relaxed choice.
    """
    timelines = empty_timelines(instance)
    order = sorted(choices, key=lambda t: (choices[t].slot, t))
    placed: dict[int, Choice] = {}
    for t in order:
        task = instance.tasks[t]
        costs = _option_costs(instance, t)
        candidates = np.argwhere(costs >= 0)
        keys = costs[candidates[:, 0], candidates[:, 1]]
        ranked = candidates[np.lexsort((candidates[:, 1], keys))]
        for o, slot in ranked.tolist():
            if fits(instance, timelines, task.options[o], slot):
                occupy(instance, timelines, task.options[o], slot)
                placed[t] = Choice(int(o), int(slot))
                break
    return placed


def gate_relaxation(instance: Instance, allow_drop: bool) -> tuple[int, dict[int, Choice]] | None:
    """Solve the relaxation that keeps only the port gates, exactly.

    When a march unit's gate time is shorter than a slot, a gate lets out
    as many march units per slot as its capacity: per port this is an
    assignment of march units to slots (solved by ``scipy.optimize.linear_sum_assignment``); march
    units from elsewhere take their cheapest slot. Returns the relaxation's
    optimum (in objective units, a lower bound of the full model) and its
    assignment, or ``None`` when a gate use is longer than a slot.
    """
    from scipy.optimize import linear_sum_assignment

    by_port: dict[str, list[int]] = {}
    for t, task in enumerate(instance.tasks):
        gates = {
            u.resource
            for o in task.options
            for u in o.uses
            if instance.resources[u.resource].kind == "port"
        }
        for option in task.options:
            for use in option.uses:
                if use.resource in gates and (
                    use.start_min != 0 or use.end_min > instance.slot_min
                ):
                    return None
        by_port.setdefault(next(iter(gates)) if gates else "", []).append(t)
    weights = instance.scenario.weights
    penalty_unit = round(OBJECTIVE_SCALE * weights.lateness_per_min)
    total = 0
    choices: dict[int, Choice] = {}
    for port, members in by_port.items():
        units = [_unit_costs(instance, t) for t in members]
        rows = np.array([cost for cost, _ in units], dtype=np.float64)
        if not port:
            for t, (row, best_option) in zip(members, units, strict=True):
                if (row < 0).all():
                    return None
                slot = int(np.argmin(np.where(row < 0, np.inf, row)))
                choices[t] = Choice(int(best_option[slot]), slot)
                total += int(row[slot])
            continue
        big = float(np.max(rows, initial=0) * 10 + 1e12)
        # A gate of capacity c lets out c march units per slot: c columns per slot.
        copies = instance.resources[port].capacity
        matrix = np.repeat(np.where(rows < 0, big, rows), copies, axis=1)
        if allow_drop:
            drops = np.full((len(members), len(members)), big)
            for i, t in enumerate(members):
                drops[i, i] = (
                    penalty_unit
                    * instance.tasks[t].request.lateness_weight
                    * 2
                    * instance.horizon_min
                )
            matrix = np.hstack([matrix, drops])
        row_index, column = linear_sum_assignment(matrix)
        for i, j in zip(row_index.tolist(), column.tolist(), strict=True):
            if matrix[i, j] >= big:
                return None
            total += int(matrix[i, j])
            if j < instance.n_slots * copies:
                slot = j // copies
                choices[members[i]] = Choice(int(units[i][1][slot]), slot)
    return total, choices


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


#: Share of the time limit for the time-indexed relaxation (weighted mode).
LAZY_SHARE = 0.5


def _time_indexed(instance: Instance, built: _Model, resource_ids: set[str]) -> None:
    """Capacity of ``resource_ids`` over the start Booleans, at every use's start minute.

    Two occupations overlap exactly when one starts inside the other, so
    checking the load at every start minute is the resource's capacity
    constraint, in a form whose LP relaxation is strong.
    """
    # Sorted: constraint order must not depend on string hashing (reproducibility).
    uses: dict[str, list[tuple[int, int, int, cp_model.IntVar]]] = {
        rid: [] for rid in sorted(resource_ids)
    }
    for t, task in enumerate(instance.tasks):
        for (o, s), var in built.starts[t].items():
            start = s * instance.slot_min
            for use in task.options[o].uses:
                if use.resource in uses:
                    uses[use.resource].append(
                        (start + use.start_min, start + use.end_min, use.demand, var)
                    )
    for rid, members in uses.items():
        capacity = instance.resources[rid].capacity
        points = sorted({begin for begin, _, _, _ in members})
        load: dict[int, list[tuple[int, cp_model.IntVar]]] = {m: [] for m in points}
        for begin, end, demand, var in members:
            index = bisect.bisect_left(points, begin)
            while index < len(points) and points[index] < end:
                load[points[index]].append((demand, var))
                index += 1
        for terms in load.values():
            if sum(demand for demand, _ in terms) > capacity:
                built.model.add(
                    cp_model.LinearExpr.weighted_sum([v for _, v in terms], [d for d, _ in terms])
                    <= capacity
                )


def _lazy_resources(
    instance: Instance,
    options: SolverOptions,
    limit_s: float,
    allow_drop: bool,
    hint: Assignment | None,
    active: set[str],
) -> tuple[tuple[dict[int, Choice], float, bool] | None, int]:
    """Relaxation that enforces only the resources found over capacity so far.

    Solved by CP-SAT on the start Booleans with time-indexed capacities
    (:func:`_time_indexed`) for the port gates and the active resources;
    resources its solutions overrun are added and it is solved again. Its
    bound is a bound of the full model; a solution that respects every
    resource is a plan, proven optimal when the relaxation was solved to
    optimality. Returns the plan found, if any, as (choices, objective,
    proven), and the bound in objective units.
    """
    # The budget is counted in the limit's own unit (deterministic time in
    # deterministic mode), so that the rounds do not depend on machine load.
    budget = limit_s
    best: tuple[dict[int, Choice], float, bool] | None = None
    bound = 0
    while active and budget > 0.05 * limit_s:
        built = _build(instance, hint, relaxed=True, allow_drop=allow_drop)
        _time_indexed(instance, built, active)
        built.model.minimize(_objective(built))
        _hint(built, hint)
        solver = _solver(options, budget)
        status = solver.solve(built.model)
        budget -= solver.deterministic_time if options.deterministic else solver.wall_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        bound = max(bound, math.ceil(solver.best_objective_bound - 1e-6))
        choices = canonical(instance, _read(built, solver))
        overrun = conflicts(instance, choices)
        if not overrun:
            best = (choices, objective_of(instance, choices), status == cp_model.OPTIMAL)
            break
        active = active | overrun
    return best, bound


def _hint(built: _Model, hint: Assignment | None) -> None:
    if hint is None:
        return
    for t, slot in enumerate(built.slots):
        choice = hint.choices.get(t)
        built.model.add_hint(slot, choice.slot if choice else 0)
        built.model.add_hint(built.dropped[t], choice is None)
        for o, literal in enumerate(built.chosen[t]):
            built.model.add_hint(literal, choice is not None and choice.option == o)
        for (o, s), var in built.starts[t].items():
            built.model.add_hint(var, choice is not None and (choice.option, choice.slot) == (o, s))


def _solver(options: SolverOptions, limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    parameters = solver.parameters
    parameters.num_workers = options.workers
    parameters.random_seed = options.seed
    # Probing at every restart costs more than it gains on these models.
    parameters.cp_model_probing_level = 0
    if options.deterministic:
        parameters.interleave_search = True
        parameters.max_deterministic_time = limit_s
        # Only a runaway guard: stopping on wall time would break reproducibility.
        parameters.max_time_in_seconds = 20 * limit_s
    else:
        parameters.max_time_in_seconds = limit_s
    return solver


def _read(built: _Model, solver: cp_model.CpSolver) -> dict[int, Choice]:
    choices = {}
    for t, literals in enumerate(built.chosen):
        if solver.boolean_value(built.dropped[t]):
            continue
        option = next(o for o, literal in enumerate(literals) if solver.boolean_value(literal))
        choices[t] = Choice(option, int(solver.value(built.slots[t])))
    return choices


def solve(
    instance: Instance,
    options: SolverOptions | None = None,
    hint: Assignment | None = None,
    progress: Progress | None = None,
) -> Assignment:
    """Optimise the plan; returns the best assignment found.

    Parameters
    ----------
    instance
        The scheduling instance.
    options
        Time limit, workers, seed, determinism.
    hint
        A starting solution (the greedy baseline).
    progress
        Called with (objective, bound, seconds) at each improving solution.
    """
    options = options or SolverOptions()
    started = time.perf_counter()
    if not instance.tasks:
        return Assignment({}, "cp-sat", "OPTIMAL", 0.0, 0.0, 0.0)
    lexicographic = instance.scenario.weights.mode == "lexicographic"
    allow_drop = hint is None or len(hint.choices) < len(instance.tasks)
    limit = options.time_limit_s / (2 if lexicographic else 1)
    lower = None
    if not lexicographic:
        # The port-gate relaxation, solved exactly as an assignment problem:
        # a valid bound of the full model, and proven optimal when its
        # solution also respects every other resource.
        relaxation = gate_relaxation(instance, allow_drop)
        if relaxation is not None:
            lower, candidate = relaxation
            if respects_resources(instance, candidate):
                value = objective_of(instance, candidate)
                return Assignment(
                    candidate, "cp-sat", "OPTIMAL", value, value, time.perf_counter() - started
                )
            repaired = canonical(instance, repair(instance, candidate))
            if len(repaired) == len(candidate):
                value = objective_of(instance, repaired)
                if hint is None or value < hint.objective:
                    hint = Assignment(repaired, "repaired relaxation", objective=value)
            found, lazy_bound = _lazy_resources(
                instance,
                options,
                LAZY_SHARE * limit,
                allow_drop,
                hint,
                conflicts(instance, candidate),
            )
            lower = max(lower, lazy_bound)
            if found is not None:
                plan, value, proven = found
                if proven:
                    return Assignment(
                        plan, "cp-sat", "OPTIMAL", value, value, time.perf_counter() - started
                    )
                if hint is None or value < hint.objective:
                    hint = Assignment(plan, "time-indexed relaxation", objective=value)
            limit *= 1 - LAZY_SHARE
    if hint is not None:
        hint = Assignment(canonical(instance, hint.choices), hint.method, objective=hint.objective)
    built = _build(instance, hint, allow_drop=allow_drop)
    first = built.lateness_expr if lexicographic else _objective(built)
    built.model.minimize(first)
    _hint(built, hint)
    solver = _solver(options, limit)
    status = solver.solve(built.model, _Progress(progress))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # The time limit came before CP-SAT's first solution: keep the hint.
        logger.warning("CP-SAT found no solution (%s)", solver.status_name(status))
        fallback = hint or Assignment()
        return Assignment(
            choices=dict(fallback.choices),
            method=fallback.method or "hint",
            status=solver.status_name(status),
            objective=fallback.objective,
            bound=float("nan") if lower is None else lower / OBJECTIVE_SCALE,
            solve_time_s=time.perf_counter() - started,
        )
    choices = _read(built, solver)
    objective = solver.objective_value / OBJECTIVE_SCALE
    bound = max(solver.best_objective_bound, lower or -math.inf) / OBJECTIVE_SCALE
    status_name = solver.status_name(status)
    if lexicographic:
        lateness_value = round(solver.objective_value)
        built.model.add(built.lateness_expr <= lateness_value)
        built.model.minimize(cp_model.LinearExpr.sum([built.disruption_expr, built.makespan_expr]))
        built.model.clear_hints()  # type: ignore[no-untyped-call]
        _hint(built, Assignment(choices))
        second = _solver(options, limit)
        status = second.solve(built.model, _Progress(progress))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            choices = _read(built, second)
            lateness_cost = lateness_value / OBJECTIVE_SCALE
            objective = lateness_cost + second.objective_value / OBJECTIVE_SCALE
            bound = lateness_cost + second.best_objective_bound / OBJECTIVE_SCALE
            status_name = second.status_name(status) if status_name == "OPTIMAL" else status_name
    if hint is not None and objective > hint.objective + 1e-9:
        # CP-SAT ended above its own starting point: keep the starting plan.
        choices, objective = dict(hint.choices), hint.objective
    return Assignment(
        choices=choices,
        method="cp-sat",
        status=status_name,
        objective=objective,
        bound=bound,
        solve_time_s=time.perf_counter() - started,
    )
