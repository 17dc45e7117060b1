from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.errors import ScenarioError
from mobility.schedule.cpsat import SolverOptions as FromSolver
from mobility.schedule.options import SolverOptions


def test_issue_17_bad_solver_options_are_refused() -> None:
    # Issue 17: SolverOptions(time_limit_s=-1, workers=0) was accepted.
    with pytest.raises(ScenarioError, match="time_limit_s: expected a number > 0, got -1"):
        SolverOptions(time_limit_s=-1, workers=0)
    with pytest.raises(ScenarioError, match="workers: expected a whole number >= 1, got 0"):
        SolverOptions(workers=0)
    with pytest.raises(ScenarioError, match="seed"):
        SolverOptions(seed=-1)
    with pytest.raises(ScenarioError, match="deterministic"):
        SolverOptions(deterministic="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("limit", [math.nan, math.inf, 0, True, "10"])
def test_time_limit_must_be_a_finite_positive_number(limit: object) -> None:
    with pytest.raises(ScenarioError, match="solver options time_limit_s"):
        SolverOptions(time_limit_s=limit)  # type: ignore[arg-type]


@given(st.floats(0.001, 1e6), st.integers(1, 64), st.integers(0, 2**31))
def test_valid_options_are_kept(limit: float, workers: int, seed: int) -> None:
    options = SolverOptions(time_limit_s=limit, workers=workers, seed=seed)
    assert (options.time_limit_s, options.workers, options.seed) == (limit, workers, seed)


def test_the_solver_module_uses_the_same_class() -> None:
    assert FromSolver is SolverOptions
