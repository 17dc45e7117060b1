"""Stress and criticality results as terminal lines: one per KPI, mode and ranked element."""

from __future__ import annotations

import pytest

import mobility
from mobility.model.scenario import load_scenario
from mobility.schedule.cpsat import SolverOptions
from mobility.stress.critical import criticality
from mobility.stress.impact import StressContext
from mobility.stress.perturbation import Perturbation, PortLoss, load_perturbation
from mobility.stress.replan import StressResult, stress_test
from mobility.stress.summary_text import ranking_lines, stress_lines
from tests.stress.conftest import DATA, EXAMPLES

FAST = SolverOptions(time_limit_s=0.2, workers=1, deterministic=True)


@pytest.fixture(scope="module")
def bridges_lost(atlas: mobility.Network, atlas_context: StressContext) -> StressResult:
    scenario = load_scenario(DATA / "scenario-tiny.yaml")
    perturbation = load_perturbation(EXAMPLES / "perturbations" / "moerdijk-bridges.yaml")
    return stress_test(scenario, atlas, perturbation, context=atlas_context, options=FAST)


def test_one_line_per_kpi_then_one_per_mode(bridges_lost: StressResult) -> None:
    lines = stress_lines(bridges_lost)
    rows = bridges_lost.kpis()
    for row, line in zip(rows, lines, strict=False):
        assert line.startswith(f"{row['kpi']}: {row['baseline']} -> {row['replanned']}")
        assert line.endswith(f" ({row['verdict']})") == bool(row["verdict"])
    modes = lines[len(rows) :]
    assert [line.split(" ", 1)[0] for line in modes] == ["road", "rail"]  # no road/<vehicle>
    road = bridges_lost.impact.flow("road")
    assert modes[0].startswith(
        f"road throughput: {road.baseline_vehicles_per_day:,} -> {road.vehicles_per_day:,} "
        "veh/day; bottleneck: "
    )
    assert modes[0].endswith("; ".join(c.name for c in road.cut))


def test_a_replan_with_nothing_left_shows_no_vehicles(
    atlas: mobility.Network, atlas_context: StressContext
) -> None:
    scenario = load_scenario(DATA / "scenario-tiny.yaml")
    lost = Perturbation("lost", ports=(PortLoss("spod-vlissingen"),))
    lines = stress_lines(stress_test(scenario, atlas, lost, context=atlas_context, options=FAST))
    vehicles = sum(r.vehicle_count for r in scenario.requests)
    assert f"vehicles: {vehicles} -> 0" in lines
    assert "stranded_requests: 0 -> 2" in lines


def test_one_line_per_ranked_element(tiny_context: StressContext) -> None:
    ranked = criticality(tiny_context, mode="road")
    lines = ranking_lines(ranked)
    assert len(lines) == len(ranked) >= 2
    first = ranked[0]
    assert lines[0] == (
        f"  1. {first.element.describe()} [road]: {first.stranded} pairs stranded, "
        f"{first.throughput_loss:,} veh/day lost, +{first.extra_time_h:.2f} h"
    )
    assert [line[:4] for line in lines[:2]] == ["  1.", "  2."]
