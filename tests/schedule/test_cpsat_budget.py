"""The solver with the cuts and the LP budget of issue #15 (tiny instances, no network)."""

from __future__ import annotations

import logging
import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mobility.schedule.cpsat import OBJECTIVE_SCALE, SolverOptions, lp_iterations, solve
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.time_indexed import build_time_indexed, solve_relaxation
from tests.schedule.test_cpsat import OPTIONS, _brute_force_optimum
from tests.schedule.tiny import tiny_instance, tiny_task


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(
        st.tuples(
            st.lists(st.integers(0, 60), min_size=6, max_size=6),
            st.integers(5, 40),
            st.integers(5, 30),
        ),
        min_size=2,
        max_size=4,
    ),
)
def test_halt_site_optimum_equals_enumeration_with_the_cuts(
    data: list[tuple[list[int], int, int]],
) -> None:
    # March units of 5-30 vehicles share a 30-place halt site: the
    # cardinality cuts (mobility.schedule._cuts) must never cut off the optimum.
    tasks = [
        tiny_task(f"T{i}", [("site", 0, length, vehicles)], table, due_min=60)
        for i, (table, length, vehicles) in enumerate(data)
    ]
    instance = tiny_instance(tasks, capacity=30)
    optimum = _brute_force_optimum(instance)
    # Some draws cannot place every march unit (the optimum leaves one out).
    assume(math.isfinite(optimum))
    result = solve(instance, OPTIONS, hint=greedy_assignment(instance))
    assert result.status == "OPTIMAL"
    assert result.objective == pytest.approx(optimum)


def test_the_lp_budget_does_not_shrink_with_the_time_limit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Forty march units on one bridge: the LP needs more iterations than a
    # budget per second of a 0.01 s limit would give it (18); the budget
    # comes from the model's size, so the LP is solved whatever the limit.
    tasks = [tiny_task(f"T{i}", [("bridge", 0, 20)], [i % 3, 0, 5, 9] * 4) for i in range(40)]
    instance = tiny_instance(tasks)
    model = build_time_indexed(instance, allow_drop=True)
    assert solve_relaxation(model, model.cost, max_iterations=18) is None
    relaxation = solve_relaxation(model, model.cost, max_iterations=lp_iterations(model))
    assert relaxation is not None and relaxation.bound > 0
    with caplog.at_level(logging.INFO, logger="mobility.schedule.cpsat"):
        short = solve(instance, SolverOptions(time_limit_s=0.01))
    assert any(r.getMessage().startswith("LP bound") for r in caplog.records)
    assert short.bound >= relaxation.bound / OBJECTIVE_SCALE - 1e-9
