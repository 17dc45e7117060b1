"""Tiny instances with known optima, built directly (no network)."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mobility.schedule.cpsat import (
    OBJECTIVE_SCALE,
    SolverOptions,
    canonical,
    respects_resources,
    solve,
)
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import Instance
from mobility.schedule.solution import Choice, costs, objective_of, usage
from mobility.schedule.time_indexed import build_time_indexed, round_relaxation, solve_relaxation
from tests.schedule.tiny import tiny_instance, tiny_task

OPTIONS = SolverOptions(time_limit_s=5, workers=1)


def test_two_columns_on_one_bridge_take_the_two_cheap_slots() -> None:
    # Both prefer slot 0; the bridge holds one column for 20 minutes, so the
    # second goes at slot 2 (cost 1) rather than slot 1 (overlap) or later (cost 5).
    costs_per_slot = [0, 0, 1, 5, 5, 5]
    tasks = [tiny_task(n, [("bridge", 0, 20)], costs_per_slot) for n in ("A", "B")]
    instance = tiny_instance(tasks)
    result = solve(instance, OPTIONS)
    assert result.status == "OPTIMAL"
    assert result.objective == pytest.approx(0.01)  # 1 hundredth of a vehicle-hour
    assert sorted(c.slot for c in result.choices.values()) == [0, 2]


def test_lateness_outweighs_disruption() -> None:
    # Slot 0 is on time but costs 50 (0.5 veh-h); slot 1 is 15 min late.
    tasks = [tiny_task("A", [("bridge", 0, 10)], [50, 0, 0], due_min=30, clear_min=30)]
    result = solve(tiny_instance(tasks), OPTIONS)
    assert result.choices[0].slot == 0
    assert result.objective == pytest.approx(0.5)


def test_capacity_two_lets_both_go_together() -> None:
    tasks = [tiny_task(n, [("bridge", 0, 20)], [0, 9, 9, 9]) for n in ("A", "B")]
    result = solve(tiny_instance(tasks, capacity=2), OPTIONS)
    assert [c.slot for c in result.choices.values()] == [0, 0]
    assert result.objective == 0


def test_lexicographic_puts_lateness_first() -> None:
    # 9,000 vehicle-hours on time outweigh 15 late minutes in the weighted sum;
    # the lexicographic mode still chooses on time first.
    tasks = [tiny_task("A", [("bridge", 0, 10)], [900_000, 0, 0], due_min=30, clear_min=30)]
    weighted = solve(tiny_instance(tasks), OPTIONS)
    lexicographic = solve(tiny_instance(tasks, mode="lexicographic"), OPTIONS)
    assert weighted.choices[0].slot > 0
    assert lexicographic.choices[0].slot == 0


def test_release_is_hard() -> None:
    tasks = [tiny_task("A", [("bridge", 0, 10)], [0, 0, 0, 0, 7], release_min=60)]
    result = solve(tiny_instance(tasks), OPTIONS)
    assert result.choices[0].slot == 4


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(
        st.tuples(
            st.lists(st.integers(0, 100), min_size=12, max_size=12),
            st.integers(0, 5),
            st.integers(5, 40),
        ),
        min_size=2,
        max_size=5,
    ),
    capacity=st.integers(1, 2),
)
# Over capacity: the bridge cannot take all five, some stay unscheduled.
@example(data=[([0] * 12, 3, 5), ([0] * 12, 3, 16)] + [([0] * 12, 3, 31)] * 3, capacity=1)
def test_solutions_respect_capacity_release_and_beat_greedy(
    data: list[tuple[list[int], int, int]], capacity: int
) -> None:
    tasks = [
        tiny_task(f"T{i}", [("bridge", 5, 5 + length), ("port", 0, 10)], table, release_min=15 * r)
        for i, (table, r, length) in enumerate(data)
    ]
    instance = tiny_instance(tasks, capacity=capacity)
    baseline = greedy_assignment(instance)
    result = solve(instance, OPTIONS, hint=baseline)
    for assignment in (baseline, result):
        for rid, line in usage(instance, assignment.choices).items():
            assert line.max() <= instance.resources[rid].capacity
        for index, choice in assignment.choices.items():
            assert choice.slot * 15 >= tasks[index].release_min
            assert tasks[index].options[0].allowed[choice.slot]
    assert result.objective <= baseline.objective + 1e-9
    assert objective_of(instance, result.choices) == pytest.approx(result.objective)
    if len(baseline.choices) == len(tasks):
        # The baseline placed everything, so no march unit may be left out.
        assert costs(instance, result.choices).scheduled == len(tasks)
    # The LP relaxation bounds every plan; its rounding is a valid plan.
    model = build_time_indexed(instance, allow_drop=len(baseline.choices) < len(tasks))
    relaxation = solve_relaxation(model, model.cost, 10)
    assert relaxation is not None
    assert relaxation.bound / OBJECTIVE_SCALE <= result.objective + 1e-9
    assert result.bound <= result.objective + 1e-9
    rounded = canonical(instance, round_relaxation(instance, model, relaxation.value))
    assert respects_resources(instance, rounded)
    if len(rounded) == len(tasks):
        assert objective_of(instance, rounded) >= relaxation.bound / OBJECTIVE_SCALE - 1e-9


def _brute_force_optimum(instance: Instance) -> float:
    """The cheapest plan that schedules every march unit, by enumeration."""
    slots = [np.flatnonzero(t.options[0].allowed).tolist() for t in instance.tasks]
    best = float("inf")
    for combination in itertools.product(*slots):
        choices = {t: Choice(0, s) for t, s in enumerate(combination)}
        if respects_resources(instance, choices):
            best = min(best, objective_of(instance, choices))
    return best


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(
        st.tuples(
            st.lists(st.integers(0, 60), min_size=8, max_size=8),
            st.integers(5, 40),
        ),
        min_size=2,
        max_size=3,
    ),
)
def test_proven_optimum_equals_enumeration(data: list[tuple[list[int], int]]) -> None:
    tasks = [
        tiny_task(f"T{i}", [("bridge", 5, 5 + length), ("port", 0, 10)], table, due_min=60)
        for i, (table, length) in enumerate(data)
    ]
    instance = tiny_instance(tasks)
    result = solve(instance, OPTIONS, hint=greedy_assignment(instance))
    assert result.status == "OPTIMAL"
    assert result.bound == pytest.approx(result.objective)
    assert result.objective == pytest.approx(_brute_force_optimum(instance))


@pytest.fixture
def windows_spy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Force the rolling-window search on tiny models (few columns, 4 march units a window)."""
    from mobility.schedule import cpsat

    calls: list[int] = []
    improve = cpsat._improve_by_windows

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return improve(*args, **kwargs)

    monkeypatch.setattr(cpsat, "_improve_by_windows", spy)
    monkeypatch.setattr(cpsat, "MAX_COLUMNS", 30)
    monkeypatch.setattr(cpsat, "WINDOW_TASKS", 4)
    return calls


def _triangles(n: int) -> Instance:
    """March units in triangles: each pair of a triangle shares a bridge (LP bound below optimum).

    Only slot 0 is free: one march unit of each triangle takes it, the other
    two cost 50 each (the LP would put half of each in slot 0).
    """
    tasks = []
    for t in range(n):
        bridges = [f"bridge {t}.{i}" for i in range(3)]
        for name, (a, b) in zip("ABC", [(0, 1), (1, 2), (0, 2)], strict=True):
            uses = [(bridges[a], 0, 10), (bridges[b], 0, 10)]
            tasks.append(tiny_task(f"{name}{t}", uses, [0, 50, 50, 50, 50, 50, 50, 50]))
    return tiny_instance(tasks)


def test_rolling_windows_keep_the_optimum_and_the_lp_bound(windows_spy: list[int]) -> None:
    instance = _triangles(4)
    result = solve(instance, OPTIONS, hint=greedy_assignment(instance))
    assert windows_spy, "the model has more columns than MAX_COLUMNS: windows must be used"
    assert respects_resources(instance, result.choices)
    assert len(result.choices) == 12
    # Per triangle one march unit in slot 0, two at cost 50: 4 x 100 hundredths.
    assert result.objective == pytest.approx(4.0)
    assert result.status == "FEASIBLE"
    assert result.bound == pytest.approx(3.0)  # the LP's: half of each march unit in slot 0


def _one_bridge(n: int) -> Instance:
    rng = np.random.default_rng(7)
    return tiny_instance(
        [
            tiny_task(f"T{i}", [("bridge", 0, 10)], [int(x) for x in rng.integers(0, 60, 24)])
            for i in range(n)
        ]
    )


@pytest.mark.parametrize(
    "options",
    [OPTIONS, SolverOptions(time_limit_s=2, workers=2, deterministic=False)],
    ids=["reproducible", "fast"],
)
def test_rolling_windows_without_an_lp_improve_the_hint(
    windows_spy: list[int], monkeypatch: pytest.MonkeyPatch, options: SolverOptions
) -> None:
    from mobility.schedule import cpsat

    # No LP in time: each march unit keeps its cheapest columns and the hint's.
    monkeypatch.setattr(cpsat, "solve_relaxation", lambda *args, **kwargs: None)
    instance = _one_bridge(6)
    hint = greedy_assignment(instance)
    result = solve(instance, options, hint=hint)
    assert windows_spy
    assert respects_resources(instance, result.choices)
    assert len(result.choices) == len(instance.tasks)
    assert result.objective < hint.objective / 10
    assert math.isnan(result.bound)
    if options.deterministic:
        assert solve(instance, options, hint=hint).choices == result.choices


def test_fast_search_finds_the_known_optimum() -> None:
    costs_per_slot = [0, 0, 1, 5, 5, 5]
    tasks = [tiny_task(n, [("bridge", 0, 20)], costs_per_slot) for n in ("A", "B")]
    instance = tiny_instance(tasks)
    fast = SolverOptions(time_limit_s=5, workers=2, deterministic=False)
    result = solve(instance, fast, hint=greedy_assignment(instance))
    assert result.objective == pytest.approx(0.01)
    assert sorted(c.slot for c in result.choices.values()) == [0, 2]


def test_column_model_holds_the_fixed_columns_load_and_the_hint() -> None:
    from ortools.sat.python import cp_model

    from mobility.schedule import cpsat

    # A and B share a bridge (one column at a time, 20 min); A is held at slot 0.
    costs_per_slot = [0, 0, 1, 5, 5, 5]
    tasks = [tiny_task(n, [("bridge", 0, 20)], costs_per_slot) for n in ("A", "B")]
    instance = tiny_instance(tasks)
    model = build_time_indexed(instance, allow_drop=False)
    fixed = model.columns_of(np.array([0]), np.array([0]), np.array([0]))
    columns = np.flatnonzero(model.task == 1)
    hint = model.columns_of(np.array([1]), np.array([0]), np.array([4]))
    stage = cpsat._Stage(model.cost)
    cp = cpsat._column_model(instance, model, stage, columns, fixed, None, hint)
    proto = cp.proto
    assert [v.name for v in proto.variables] == [f"x[{j}]" for j in columns.tolist()]
    hinted = dict(zip(proto.solution_hint.vars, proto.solution_hint.values, strict=True))
    assert hinted == {k: int(j in hint) for k, j in enumerate(columns.tolist())}
    solver = cp_model.CpSolver()
    assert solver.solve(cp) == cp_model.OPTIMAL
    # B may not overlap A (slots 0 and 1): slot 2 at cost 1.
    assert cpsat._read(model, columns, solver) == {1: Choice(0, 2)}
    expected = int(model.cost[model.columns_of(np.array([1]), np.array([0]), np.array([2]))][0])
    assert expected > 0
    assert solver.objective_value == expected
    # The same objective as the general path (with a lower bound on it).
    general = cpsat._column_model(instance, model, stage, columns, fixed, 0, hint)
    solver = cp_model.CpSolver()
    assert solver.solve(general) == cp_model.OPTIMAL
    assert solver.objective_value == expected


def test_windows_choose_the_columns_of_smallest_reduced_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mobility.schedule import cpsat

    reduced = np.array([5.0, 0.0, 3.0, 1.0, 1.0, 9.0])
    keep = np.array([True, True, True, True, True, False])
    monkeypatch.setattr(cpsat, "WINDOW_COLUMNS", 2)
    # The second smallest among the kept is 1.0: both columns at 1.0 stay (ties kept).
    assert cpsat._smallest_reduced(keep, reduced).tolist() == [
        False,
        True,
        False,
        True,
        True,
        False,
    ]
    monkeypatch.setattr(cpsat, "WINDOW_COLUMNS", 10)
    assert cpsat._smallest_reduced(keep, reduced).tolist() == keep.tolist()
