"""Planning a scenario end to end: baselines, the optimiser, its hint and its standard."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pytest

import mobility
from mobility.routing.router import Router
from mobility.schedule import planner
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.greedy import BASELINES, best_baseline
from mobility.schedule.planner import plan_scenario, solver_standard
from mobility.schedule.solution import Assignment, objective_of

OPTIONS = SolverOptions(time_limit_s=2, workers=1)


def test_the_solver_standard_names_workers_only_for_the_fast_search() -> None:
    assert solver_standard(SolverOptions(time_limit_s=30, seed=4)) == {
        "deterministic": True,
        "time_limit_s": 30,
        "seed": 4,
    }
    fast = SolverOptions(time_limit_s=30, workers=4, deterministic=False)
    assert solver_standard(fast) == {
        "deterministic": False,
        "time_limit_s": 30,
        "seed": 0,
        "workers": 4,
    }


def test_a_plan_reports_every_baseline_and_is_no_worse_than_the_strongest(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    result = plan_scenario(tiny_scenario, atlas, router=router, options=OPTIONS)
    assert set(result.baselines) == set(BASELINES)
    assert result.baseline is result.baselines["fcfs"]
    hint = result.baselines[best_baseline(dict(result.baselines))]
    assert result.assignment.objective <= hint.objective + 1e-9
    assert result.assignment.objective == pytest.approx(
        objective_of(result.instance, result.assignment.choices)
    )
    assert result.plan.summary["solver"] == solver_standard(OPTIONS)
    assert len(result.plan.movements) == len(result.assignment.choices) == 3


def test_when_the_optimiser_stops_above_the_hint_the_hint_is_kept(
    tiny_scenario: Path,
    atlas: mobility.Network,
    router: Router,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def stopped_early(*args: object, **kwargs: object) -> Assignment:
        # A solver out of time with nothing scheduled: worse than any baseline.
        return Assignment({}, "cp-sat", "FEASIBLE", math.inf, 12.5, 2.0)

    monkeypatch.setattr(planner, "solve", stopped_early)
    with caplog.at_level(logging.WARNING, logger="mobility.schedule.planner"):
        result = plan_scenario(tiny_scenario, atlas, router=router, options=OPTIONS)
    key = best_baseline(dict(result.baselines))
    hint = result.baselines[key]
    best = result.assignment
    assert best.choices == hint.choices
    assert best.method == f"{hint.method} (solver stopped above it)"
    assert (best.objective, best.bound, best.solve_time_s) == (hint.objective, 12.5, 2.0)
    assert best.status == "FEASIBLE"
    assert "CP-SAT stopped above the" in caplog.text
    assert result.plan.summary["kpis"]["method"] == best.method
