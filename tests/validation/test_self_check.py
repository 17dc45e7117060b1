"""The planner's own check: a plan validated as written, its outcome in the summary and a file."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

import mobility
from mobility.model.vehicle import load_vehicles
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.plan import Plan
from mobility.schedule.planner import plan_scenario
from mobility.validation import Violation
from mobility.validation.self_check import check_plan, invalid_text, record_validity

DATA = Path(__file__).parent.parent / "data"
VIOLATIONS = [
    Violation("capacity", "26-NLD-004", "Moerdijkbrug holds 2 > capacity 1"),
    Violation("kpi", "", "summary.json has no kpis"),
]


def test_the_outcome_is_written_into_the_summary() -> None:
    summary = {"scenario": "tiny", "valid": True}
    record_validity(summary, VIOLATIONS)
    assert summary["valid"] is False
    assert summary["violations"] == [
        {
            "rule": "capacity",
            "movement": "26-NLD-004",
            "message": "Moerdijkbrug holds 2 > capacity 1",
        },
        {"rule": "kpi", "movement": "", "message": "summary.json has no kpis"},
    ]
    record_validity(summary, [])
    assert (summary["valid"], summary["violations"]) == (True, [])


def test_the_invalid_file_says_not_to_issue_the_plan_and_lists_every_violation() -> None:
    text = invalid_text("tiny", VIOLATIONS)
    assert text.splitlines() == [
        "INVALID PLAN: tiny fails its own check with 2 violations.",
        "Do not issue it. Violations (rule, movement, what is wrong):",
        "- [capacity] 26-NLD-004: Moerdijkbrug holds 2 > capacity 1",
        "- [kpi] summary.json has no kpis",
    ]


@pytest.fixture(scope="module")
def tiny_plan(atlas: mobility.Network) -> Plan:
    result = plan_scenario(
        DATA / "scenario-tiny.yaml",
        atlas,
        catalogue=load_vehicles(DATA / "vehicles-tiny.yaml"),
        options=SolverOptions(time_limit_s=1),
    )
    assert result.plan.movements
    return result.plan


def test_a_plan_is_checked_as_written_and_leaves_no_folder_behind(
    tiny_plan: Plan, atlas: mobility.Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's own temporary folder
    assert check_plan(tiny_plan, atlas) == []
    assert check_plan(tiny_plan) == []  # the network loaded again from the recorded inputs
    assert list(tmp_path.iterdir()) == []


def test_a_plan_that_lost_a_movement_fails_its_own_check(
    tiny_plan: Plan, atlas: mobility.Network
) -> None:
    gone = tiny_plan.movements[0].data
    found = check_plan(replace(tiny_plan, movements=tiny_plan.movements[1:]), atlas)
    key = f"{gone['request']}/{gone['march_unit']}"
    assert (
        Violation(
            "completeness",
            "",
            f"march unit {key} ({gone['vehicle_count']} vehicles) "
            "is neither in a movement nor listed as unplannable",
        )
        in found
    )
    scheduled = len(tiny_plan.movements)
    assert f"summary scheduled {scheduled}, the table has {scheduled - 1} movements" in {
        v.message for v in found if v.rule == "kpi"
    }
