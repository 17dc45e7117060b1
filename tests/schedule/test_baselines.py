from __future__ import annotations

import json
from pathlib import Path

import mobility
from mobility.planning import write_plan
from mobility.routing.router import Router
from mobility.schedule._baselines import baseline_rows, ratio
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.planner import plan_scenario
from mobility.schedule.solution import costs


def test_ratios_are_the_optimiser_over_each_baseline() -> None:
    plan = {"civilian_delay_vh": 50.0, "objective": 60.0}
    found = {
        "cost_aware": {"civilian_delay_vh": 80.0, "objective": 90.0},
        "fcfs": {"civilian_delay_vh": 200.0, "objective": 240.0},
        "off_peak": {"civilian_delay_vh": 0.0, "objective": 0.0},
    }
    rows = baseline_rows(plan, found, "cost_aware")
    assert [r["key"] for r in rows] == ["fcfs", "off_peak", "cost_aware"]  # report order
    assert [r["strongest"] for r in rows] == [False, False, True]
    assert rows[0]["delay_ratio"] == 0.25 and rows[0]["objective_ratio"] == 0.25
    assert rows[1]["delay_ratio"] is None  # nothing to divide by
    assert rows[2]["delay_ratio"] == 0.625 and rows[2]["kpis"] == found["cost_aware"]
    assert ratio(1.0, None) is None and ratio(None, 2.0) is None and ratio(1.0, 3.0) == 0.3333


def test_the_plan_reports_every_baseline_and_starts_from_the_strongest(
    tiny_scenario: Path, atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    result = plan_scenario(
        tiny_scenario, atlas, router=router, options=SolverOptions(time_limit_s=2)
    )
    compared = result.baselines_compared
    assert [c.key for c in compared] == ["fcfs", "off_peak", "cost_aware"]
    assert sum(c.strongest for c in compared) == 1
    strongest = next(c for c in compared if c.strongest)
    objectives = [c.kpis.objective for c in compared]
    assert None not in objectives and strongest.kpis.objective == min(objectives)  # type: ignore[type-var]
    plan = result.kpis
    assert plan.objective is not None and strongest.kpis.objective is not None
    assert plan.objective <= strongest.kpis.objective
    for c in compared:
        assignment = result.baselines[c.key]
        assert c.kpis.civilian_delay_vh == round(
            costs(result.instance, assignment.choices).disruption_vh, 2
        )
        if c.kpis.civilian_delay_vh:
            assert c.delay_ratio == round(plan.civilian_delay_vh / c.kpis.civilian_delay_vh, 4)
    assert result.baseline_kpis is not None
    assert result.baseline_kpis.objective == compared[0].kpis.objective  # FCFS, as before
    text = result.summary()
    assert "first come, first served (by hand): civilian delay" in text
    assert "off-peak (night) rule" in text
    assert "the strongest rule, the optimiser's hint" in text
    assert result.plan.summary["solver"] == {"deterministic": True, "time_limit_s": 2, "seed": 0}
    folder = write_plan(result, tmp_path / "plan")
    summary = json.loads((folder / "summary.json").read_text())
    assert [row["key"] for row in summary["baselines"]] == ["fcfs", "off_peak", "cost_aware"]
