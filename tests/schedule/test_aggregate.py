"""Aggregated LP of interchangeable march units: same optimum, a solution of the full LP."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from mobility.schedule.aggregate import task_groups
from mobility.schedule.time_indexed import build_time_indexed, solve_relaxation
from tests.schedule.tiny import tiny_instance, tiny_task

KINDS = st.tuples(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 40), st.integers(1, 50)),
        min_size=1,
        max_size=2,
    ),
    st.lists(st.integers(0, 9), min_size=6, max_size=6),
)


def full_lp(model) -> float:  # type: ignore[no-untyped-def]
    """The LP without aggregation (one block of columns per march unit)."""
    result = linprog(
        model.cost.astype(float),
        A_ub=model.rows if model.rows.shape[0] else None,
        b_ub=model.capacity.astype(float) if model.rows.shape[0] else None,
        A_eq=model.task_matrix(),
        b_eq=np.ones(model.n_tasks),
        bounds=(0, 1),
        method="highs",
    )
    assert result.status == 0
    return float(result.fun)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kinds=st.lists(KINDS, min_size=1, max_size=3),
    copies=st.lists(st.integers(1, 4), min_size=3, max_size=3),
    capacity=st.integers(1, 3),
)
def test_aggregated_lp_has_the_full_optimum_and_a_full_solution(
    kinds: list[tuple[list[tuple[str, int, int]], list[int]]],
    copies: list[int],
    capacity: int,
) -> None:
    tasks = [
        tiny_task(f"T{k}-{c}", [(r, a, a + n) for r, a, n in uses], disruption)
        for k, (uses, disruption) in enumerate(kinds)
        for c in range(copies[k])
    ]
    model = build_time_indexed(tiny_instance(tasks, capacity), allow_drop=True)
    groups = task_groups(model.task, model.option, model.slot, model.cost, model.rows)
    assert len(groups.size) <= len(kinds)  # copies are grouped
    assert groups.size.sum() == len(tasks)
    relaxation = solve_relaxation(model, model.cost)
    assert relaxation is not None
    optimum = full_lp(model)
    # The bound is the optimum rounded up (objective units are integers).
    assert relaxation.bound == math.ceil(optimum - 1e-6 * max(1.0, optimum))
    value = relaxation.value
    # The values spread over the members are a solution of the full LP.
    assert np.allclose(model.task_matrix() @ value, 1)
    assert (model.rows @ value <= model.capacity + 1e-6).all()
    assert model.cost @ value == pytest.approx(optimum, rel=1e-6, abs=1e-6)
    # Members of a group get the same reduced costs, column for column.
    for t in range(1, model.n_tasks):
        same = groups.source[model.task == t] == groups.source[model.task == t - 1]
        if same.all():
            assert np.array_equal(
                relaxation.reduced_cost[model.task == t],
                relaxation.reduced_cost[model.task == t - 1],
            )


def test_different_march_units_are_not_grouped() -> None:
    tasks = [
        tiny_task("A", [("a", 0, 20)], [0, 1, 2]),
        tiny_task("B", [("a", 0, 20)], [0, 1, 2]),
        tiny_task("C", [("a", 0, 20)], [0, 1, 3]),  # another cost
        tiny_task("D", [("a", 0, 40)], [0, 1, 2]),  # another occupation
    ]
    model = build_time_indexed(tiny_instance(tasks, 1), allow_drop=False)
    groups = task_groups(model.task, model.option, model.slot, model.cost, model.rows)
    assert groups.size.tolist() == [2, 1, 1]
    assert np.array_equal(groups.source[model.task == 1], groups.source[model.task == 0])


def test_hint_slots_are_shared_so_identical_march_units_stay_grouped() -> None:
    # A and B are interchangeable; the hint puts A at slot 98, outside the
    # offered window (due at 0: latest on-time start plus a day = slot 94).
    tasks = [tiny_task(n, [("a", 0, 20)], list(range(100)), due_min=0) for n in "AB"]
    instance = tiny_instance(tasks, 1)
    model = build_time_indexed(instance, allow_drop=False, keep={0: (0, 98), 1: (0, 3)})
    for t in (0, 1):
        assert 98 in model.slot[model.task == t].tolist()
    groups = task_groups(model.task, model.option, model.slot, model.cost, model.rows)
    assert groups.size.tolist() == [2]
    alone = build_time_indexed(tiny_instance(tasks[:1], 1), allow_drop=False)
    assert 98 not in alone.slot.tolist()
