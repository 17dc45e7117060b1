"""The time-indexed model: exact capacity rows, LP bound, fixing, rounding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobility.schedule.cpsat import respects_resources
from mobility.schedule.solution import Choice, objective_of
from mobility.schedule.time_indexed import (
    OBJECTIVE_SCALE,
    build_time_indexed,
    fixable,
    round_relaxation,
    solve_relaxation,
)
from tests.schedule.tiny import tiny_instance, tiny_task

USES = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]), st.integers(0, 40), st.integers(1, 40), st.integers(1, 3)
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    uses=st.lists(USES, min_size=2, max_size=5),
    capacity=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    picks=st.lists(st.integers(0, 7), min_size=5, max_size=5),
)
def test_capacity_rows_hold_exactly_when_the_timelines_do(
    uses: list[list[tuple[str, int, int, int]]],
    capacity: tuple[int, int],
    picks: list[int],
) -> None:
    tasks = [
        tiny_task(f"T{i}", [(r, a, a + d, n) for r, a, d, n in task_uses], [0] * 8)
        for i, task_uses in enumerate(uses)
    ]
    capacities = dict(zip("ab", capacity, strict=True))
    instance = tiny_instance(tasks, {r: capacities[r] for r in {u[0] for t in uses for u in t}})
    model = build_time_indexed(instance, allow_drop=False)
    choices = {t: Choice(0, picks[t]) for t in range(len(tasks))}
    x = np.zeros(len(model.task))
    for t, choice in choices.items():
        x[(model.task == t) & (model.slot == choice.slot)] = 1
    rows_hold = bool(np.all(model.rows @ x <= model.capacity))
    assert rows_hold == respects_resources(instance, choices)


def test_rows_that_cannot_bind_are_left_out() -> None:
    # Capacity 2 with two march units: no row can ever be over capacity.
    tasks = [tiny_task(n, [("bridge", 0, 20)], [0, 0, 0]) for n in "AB"]
    assert build_time_indexed(tiny_instance(tasks, 2), allow_drop=False).rows.shape[0] == 0
    assert build_time_indexed(tiny_instance(tasks, 1), allow_drop=False).rows.shape[0] > 0


def test_lp_bound_reduced_costs_and_rounding() -> None:
    # Two march units, one bridge slot at a time; both want slot 0.
    tasks = [tiny_task(n, [("bridge", 0, 20)], [0, 30, 100, 400]) for n in "AB"]
    instance = tiny_instance(tasks)
    model = build_time_indexed(instance, allow_drop=False)
    relaxation = solve_relaxation(model, model.cost, 10)
    assert relaxation is not None
    # Optimum: one at slot 0 (0), the other at slot 2 (1 veh-h); slot 1 overlaps.
    optimum = round(OBJECTIVE_SCALE * 1.0)
    assert relaxation.bound <= optimum
    assert relaxation.bound > 0  # the bridge row makes the LP pay for the second
    plan = round_relaxation(instance, model, relaxation.value)
    assert respects_resources(instance, plan)
    assert objective_of(instance, plan) == pytest.approx(1.0)
    # With the optimum as incumbent, slot 3 (4 veh-h) can be removed, the
    # optimum's own columns cannot.
    removable = fixable(relaxation.bound, relaxation.reduced_cost, optimum)
    used = [(model.task == t) & (model.slot == c.slot) for t, c in plan.items()]
    assert not removable[np.logical_or.reduce(used)].any()
    assert removable[model.slot == 3].all()


def test_unscheduled_columns_only_when_allowed() -> None:
    tasks = [tiny_task(n, [("bridge", 0, 20)], [0, 0]) for n in "AB"]
    instance = tiny_instance(tasks)
    assert (build_time_indexed(instance, allow_drop=False).option >= 0).all()
    model = build_time_indexed(instance, allow_drop=True)
    assert (model.option < 0).sum() == 2
    assert model.lateness[model.option < 0].min() > model.lateness[model.option >= 0].max()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    uses=st.lists(USES, min_size=2, max_size=6),
    capacity=st.tuples(st.integers(1, 4), st.integers(1, 4)),
)
def test_the_even_load_shortcut_keeps_the_same_rows(
    uses: list[list[tuple[str, int, int, int]]], capacity: tuple[int, int]
) -> None:
    from unittest import mock

    from mobility.schedule import time_indexed

    tasks = [
        tiny_task(f"T{i}", [(r, a, a + d, n) for r, a, d, n in task_uses], [0] * 8)
        for i, task_uses in enumerate(uses)
    ]
    capacities = dict(zip("ab", capacity, strict=True))
    instance = tiny_instance(tasks, {r: capacities[r] for r in {u[0] for t in uses for u in t}})
    fast = build_time_indexed(instance, allow_drop=False)
    with mock.patch.object(time_indexed, "_even_load", lambda *args: None):
        general = build_time_indexed(instance, allow_drop=False)
    assert fast.row_resource == general.row_resource
    assert np.array_equal(fast.capacity, general.capacity)
    assert (fast.rows != general.rows).nnz == 0
