from __future__ import annotations

import copy
import math

import pytest

import mobility
from mobility.errors import ScenarioError
from mobility.model.scenario import Scenario, load_scenario
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.planner import plan_scenario
from mobility.stress.impact import StressContext
from mobility.stress.perturbation import (
    Perturbation,
    PortLoss,
    load_perturbation,
)
from mobility.stress.replan import gap_of, stress_test, verdict
from mobility.stress.report import render_markdown, stress_report
from tests.stress.conftest import DATA, EXAMPLES

FAST = SolverOptions(time_limit_s=0.2, workers=1, deterministic=True)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(DATA / "scenario-tiny.yaml")


def test_stress_test_replans_on_copies(
    scenario: Scenario, atlas: mobility.Network, atlas_context: StressContext
) -> None:
    edges = atlas.road.number_of_edges()
    before = copy.deepcopy(scenario)
    baseline = plan_scenario(scenario, atlas, options=FAST)
    p = load_perturbation(EXAMPLES / "perturbations" / "moerdijk-bridges.yaml")
    result = stress_test(scenario, atlas, p, context=atlas_context, options=FAST, baseline=baseline)
    assert atlas.road.number_of_edges() == edges and scenario == before
    assert result.replanned is not None
    routes = [m.data["refs"] for m in result.replanned.plan.movements]
    assert routes and all(
        "Moerdijkbrug" not in str(m.data["checkpoints"]) for m in result.replanned.plan.movements
    )
    kpis = {row["kpi"]: row for row in result.kpis()}
    assert (
        kpis["vehicles"]["baseline"]
        == kpis["vehicles"]["replanned"]
        == sum(r.vehicle_count for r in scenario.requests)
    )
    assert result.to_dict()["perturbation"]["name"] == "moerdijk-bridges"
    lost = stress_test(
        scenario,
        atlas,
        Perturbation("lost", ports=(PortLoss("spod-vlissingen"),)),
        context=atlas_context,
        options=FAST,
        baseline=baseline,
    )
    assert lost.replanned is None and len(lost.stranded) == 2
    assert {row["kpi"]: row["replanned"] for row in lost.kpis()}["stranded_requests"] == 2


def test_a_change_is_judged_against_both_solver_gaps() -> None:
    assert verdict(-5.0, 0.0, 0.0) == "both proven optimal"
    assert verdict(3.0, 2.0, 1.5) == "within solver gap"
    assert verdict(-3.5, 2.0, 1.5) == "within solver gap"
    assert verdict(3.6, 2.0, 1.5) == "beyond solver gap"
    assert verdict(0.0, math.inf, 0.0) == "no bound"
    kpis = {"objective": 110.0, "bound": 100.0}
    assert gap_of(kpis, 2.0, "cost") == 10.0 and gap_of(kpis, 2.0, "vh") == 5.0
    assert gap_of({"objective": 110.0, "bound": None}, 1.0, "cost") == math.inf
    assert gap_of(kpis, 0.0, "vh") == math.inf  # civilian delay not in the objective


def test_both_plans_are_solved_to_the_same_standard_and_judged(
    scenario: Scenario, atlas: mobility.Network, atlas_context: StressContext
) -> None:
    baseline = plan_scenario(scenario, atlas, options=FAST)
    p = load_perturbation(EXAMPLES / "perturbations" / "moerdijk-bridges.yaml")
    other = SolverOptions(time_limit_s=0.3, workers=1, deterministic=True)
    with pytest.raises(ScenarioError, match="both plans must be solved to the same standard"):
        stress_test(scenario, atlas, p, context=atlas_context, options=other, baseline=baseline)
    result = stress_test(scenario, atlas, p, context=atlas_context, options=FAST, baseline=baseline)
    standard = result.standard()
    assert [row["plan"] for row in standard] == ["baseline", "replanned"]
    assert (
        standard[0]["solver"]
        == standard[1]["solver"]
        == {
            "deterministic": True,
            "time_limit_s": 0.2,
            "seed": 0,
        }
    )
    rows = {row["kpi"]: row for row in result.kpis()}
    assert rows["on_time_share"]["verdict"] is None
    assert result.replanned is not None
    base, new = baseline.plan.summary["kpis"], result.replanned.plan.summary["kpis"]
    gaps = (base["objective"] - base["bound"]) + (new["objective"] - new["bound"])
    change = rows["objective"]["change"]
    expected = (
        "both proven optimal"
        if gaps == 0
        else "within solver gap"
        if abs(change) <= gaps + 1e-9
        else "beyond solver gap"
    )
    assert rows["objective"]["verdict"] == expected
    assert rows["civilian_delay_vh"]["verdict"] in {
        "both proven optimal", "within solver gap", "beyond solver gap"
    }  # fmt: skip
    text = render_markdown(stress_report(result))
    assert "Solver standard of both plans" in text and "deterministic, budget 0.2, seed 0" in text
    assert expected in text
