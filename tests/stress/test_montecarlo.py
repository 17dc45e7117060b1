from __future__ import annotations

from typing import Any

import pytest

from mobility.errors import DataError
from mobility.stress.impact import StressContext
from mobility.stress.montecarlo import (
    curve_points,
    monte_carlo,
    monte_carlo_tasks,
    resilience_curve,
    resilience_tasks,
    run_metrics,
    spread,
    summarise_monte_carlo,
)
from mobility.stress.perturbation import Perturbation, RandomFailures


def result(road: float, stranded: int, *failed: str, rail: float = 1.0) -> dict[str, Any]:
    """A sweep result as evaluate_task writes it, with what run_metrics reads."""
    return {
        "throughput_share": {"road": road, "rail": rail},
        "pairs": 4,
        "stranded": stranded,
        "extra_time_h_total": 0.5 * stranded,
        "closed": [f"{name} (bridge) [road, random failure]" for name in failed]
        + ["Port X [port lost]"],
    }


def test_run_metrics_reads_shares_and_counts() -> None:
    assert run_metrics(result(0.25, 1)) == {
        "road_share": 0.25,
        "rail_share": 1.0,
        "stranded_share": 0.25,
        "extra_time_h": 0.5,
    }
    empty = {"throughput_share": {}, "pairs": 0, "stranded": 0, "extra_time_h_total": 0.0}
    assert run_metrics(empty)["road_share"] == 1.0 and run_metrics(empty)["stranded_share"] == 0


def test_summary_names_the_elements_behind_the_worst_runs() -> None:
    runs = [result(1.0, 0) for _ in range(17)] + [
        result(0.2, 2, "A", "B"),
        result(0.2, 3, "B"),  # as bad on throughput, more stranded: the worst
        result(0.5, 0, "C"),
    ]
    summary = summarise_monte_carlo(runs)
    assert summary.runs == 20 and summary.failures == pytest.approx(4 / 20)
    # The worst tenth is two runs: 0.2 with 3 stranded, then 0.2 with 2.
    assert summary.most_failed_in_worst == [("B (bridge)", 2), ("A (bridge)", 1)]
    assert summary.metrics["road_share"]["min"] == 0.2
    assert summary.to_dict()["mean_failures"] == summary.failures
    assert "results" not in summary.to_dict()
    assert summarise_monte_carlo([]).runs == 0


def test_tasks_check_their_input() -> None:
    random = Perturbation("r", random_failures=RandomFailures(3, {"default": 0.1}))
    assert [t.id for t in monte_carlo_tasks(random, 3)] == ["mc-00000", "mc-00001", "mc-00002"]
    assert {t.run for t in monte_carlo_tasks(random, 3)} == {0, 1, 2}
    with pytest.raises(DataError, match="runs must be >= 1"):
        monte_carlo_tasks(random, 0)
    tasks = resilience_tasks([0, 2], 2, seed=9, mode="rail")
    assert [(t.id, t.random_k, t.run) for t in tasks] == [
        ("k000-r0000", 0, 0),
        ("k000-r0001", 0, 1),
        ("k002-r0000", 2, 0),
        ("k002-r0001", 2, 1),
    ]
    assert {(t.seed, t.mode, t.kind) for t in tasks} == {(9, "rail", "random")}
    with pytest.raises(DataError, match="failure counts >= 0"):
        resilience_tasks([-1], 2)


def test_curve_points_group_runs_by_failures() -> None:
    tasks = resilience_tasks([0, 1], 2)
    points = curve_points(tasks, [result(1.0, 0), result(1.0, 0), result(0.5, 0), result(0.0, 4)])
    assert [(p["failures"], p["runs"]) for p in points] == [(0, 2), (1, 2)]
    assert points[1]["road_share"]["mean"] == 0.25 and points[1]["stranded_share"]["max"] == 1.0
    with pytest.raises(ValueError):
        curve_points(tasks, [result(1.0, 0)])


def test_resilience_curve_starts_at_the_baseline_and_ends_at_zero(
    tiny_context: StressContext,
) -> None:
    n = len(tiny_context.elements("road"))
    points = resilience_curve(tiny_context, [0, 1, n], 4, seed=3, mode="road")
    assert [p["failures"] for p in points] == [0, 1, n]
    assert points[0]["road_share"]["mean"] == 1.0 and points[0]["stranded_share"]["max"] == 0.0
    assert points[1]["road_share"]["mean"] == 0.5  # any one road element halves it
    assert points[-1]["road_share"]["max"] == 0.0 and points[-1]["stranded_share"]["min"] > 0
    assert resilience_curve(tiny_context, [0, 1, n], 4, seed=3, mode="road") == points


def test_monte_carlo_summary(tiny_context: StressContext) -> None:
    p = Perturbation("r", random_failures=RandomFailures(11, {"default": 0.3}))
    summary = monte_carlo(tiny_context, p, 40)
    assert summary.runs == 40 and 0 < summary.failures < len(tiny_context.elements())
    assert summary.metrics["road_share"]["min"] <= summary.metrics["road_share"]["mean"] <= 1.0
    assert summary.most_failed_in_worst and summary.most_failed_in_worst[0][1] >= 1
    assert monte_carlo(tiny_context, p, 40).to_dict() == summary.to_dict()
    with pytest.raises(DataError, match="has no random_failures"):
        monte_carlo(tiny_context, Perturbation("none"), 2)


def test_spread() -> None:
    s = spread([1.0, 2.0, 3.0, 4.0])
    assert (s["mean"], s["min"], s["max"], s["p50"]) == (2.5, 1.0, 4.0, 2.5)
