"""The summary's KPIs recomputed from a small hand-made table and scenario."""

from __future__ import annotations

from typing import Any

import pytest

from mobility.model.scenario import Scenario, scenario_from_dict
from mobility.validation._kpis import kpi_problems

START = "2026-11-24T00:00:00+01:00"


def _scenario(**changes: Any) -> Scenario:
    request = {
        "id": "A",
        "unit": "A company",
        "origin": "spod-vlissingen",
        "destination": "bcp-venlo",
        "available_from": "2026-11-24T02:00+01:00",
        "required_by": "2026-11-24T10:00+01:00",
        "priority": 1,  # a minute late weighs 5
        "vehicles": {"fennek": 40},
    }
    return scenario_from_dict(
        {"name": "kpi", "start": START, "horizon_h": 24, "requests": [request], **changes}
    )


def _row(number: str, clear: str, late_min: int, disruption_vh: float) -> dict[str, Any]:
    return {
        "movement": number,
        "request": "A",
        "mode": "road",
        "release": "2026-11-24T02:00:00+01:00",
        "due": "2026-11-24T10:00:00+01:00",
        "clear": clear,
        "late_min": late_min,
        "vehicles": {"fennek": 20},
        "disruption_vh": disruption_vh,
        "civilian_delay": [{"delay_vh": disruption_vh / 2}, {"delay_vh": disruption_vh / 2}],
    }


def _table() -> list[dict[str, Any]]:
    return [
        _row("26-NLD-001", "2026-11-24T10:30:00+01:00", 30, 2.5),  # 30 min late
        _row("26-NLD-002", "2026-11-24T09:00:00+01:00", 0, 1.0),
    ]


def _summary() -> dict[str, Any]:
    objective = 10 * 5 * 30 + 1.0 * 3.5  # lateness per min x weight x minutes + delay
    return {
        "kpis": {
            "scheduled": 2,
            "march_units": 2,
            "on_time_share": 0.5,
            "total_lateness_min": 30,
            "max_lateness_min": 30,
            "civilian_delay_vh": 3.5,
            "makespan": "2026-11-24T10:30:00+01:00",
            "objective": objective,
            "bound": 1400.0,
            "gap": round((objective - 1400.0) / objective, 4),
            "solver_status": "FEASIBLE",
            "rail_movements": 0,
            "rail_vehicles": 0,
            "road_vehicles": 40,
        },
        "unscheduled": [],
    }


def _messages(table: list[dict[str, Any]], summary: dict[str, Any], **changes: Any) -> list[str]:
    return [f"{n}|{text}" for rule, n, text in kpi_problems(table, summary, _scenario(**changes))]


def test_kpis_that_agree_with_the_table_pass() -> None:
    assert kpi_problems(_table(), _summary(), _scenario()) == []


def test_a_row_with_the_wrong_lateness_due_time_or_delay_rows_is_named() -> None:
    table = _table()
    table[0]["late_min"] = 0
    table[1]["due"] = "2026-11-24T12:00:00+01:00"
    table[1]["civilian_delay"] = [{"delay_vh": 5.0}]
    found = _messages(table, _summary())
    assert "26-NLD-001|late_min 0 but it clears 30 min late" in found
    assert any(m.startswith("26-NLD-002|due 2026-11-24T12:00:00+01:00") for m in found)
    assert "26-NLD-002|civilian_delay rows add up to 5.00 vh, disruption_vh says 1.00" in found


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("scheduled", 3, "summary scheduled 3, the table has 2 movements"),
        ("march_units", 1, "summary march_units 1, the table and the unscheduled list give 2"),
        ("on_time_share", 1.0, "summary on-time share 1.0, the table gives 1/2"),
        ("total_lateness_min", 0, "summary lateness 0 min, the table gives 30"),
        ("max_lateness_min", 10, "summary max lateness 10 min, the table gives 30"),
        ("civilian_delay_vh", 1.75, "summary civilian delay 1.75 vh, the table gives 3.50"),
        ("makespan", "2026-11-24T09:00:00+01:00", "summary makespan 2026-11-24T09:00:00+01:00"),
        ("road_vehicles", 20, "summary road_vehicles 20, the table gives 40"),
        ("objective", 750.0, "summary objective 750.0, the table gives 1503.500"),
        ("bound", 1600.0, "bound 1600.0 above the objective 1503.5"),
        ("gap", 0.5, "gap 0.5, objective and bound give 0.0688"),
        ("solver_status", "GOOD", "solver status 'GOOD' is not a solver status"),
        ("solver_status", "INFEASIBLE", "solver status INFEASIBLE but the table has movements"),
        ("solver_status", "OPTIMAL", "status OPTIMAL but the bound 1400.0 is below the objective"),
    ],
)
def test_each_kpi_is_checked_against_the_table(key: str, value: Any, message: str) -> None:
    summary = _summary()
    summary["kpis"][key] = value
    found = _messages(_table(), summary)
    assert [m for m in found if m.startswith(f"|{message}")], found


def test_a_summary_without_kpis_is_a_problem() -> None:
    assert _messages(_table(), {"kpis": {}}) == ["|summary.json has no kpis"]


def test_unscheduled_march_units_count_and_add_their_penalty_to_the_objective() -> None:
    summary = _summary()
    kpis = summary["kpis"]
    summary["unscheduled"] = ["A/3"]
    kpis.update(march_units=3, on_time_share=1 / 3)
    # An unscheduled march unit costs lateness for twice the horizon: 10 x 5 x 2 x 1440 min.
    kpis["objective"] += 10 * 5 * 2 * 1440
    kpis["gap"] = round((kpis["objective"] - 1400.0) / kpis["objective"], 4)
    assert _messages(_table(), summary) == []
    kpis["march_units"] = 2
    assert _messages(_table(), summary) == [
        "|summary march_units 2, the table and the unscheduled list give 3"
    ]


def test_the_makespan_weight_enters_the_objective_and_lexicographic_mode_skips_it() -> None:
    summary = _summary()
    weights = {"makespan_per_min": 2.0}
    found = _messages(_table(), summary, weights=weights)
    assert found == ["|summary objective 1503.5, the table gives 2763.500"]  # + 2 x 630 min
    lexicographic = _messages(_table(), summary, weights={**weights, "mode": "lexicographic"})
    assert lexicographic == []


def test_rail_movements_and_vehicles_are_counted_apart() -> None:
    table = _table()
    table[1]["mode"] = "rail"
    summary = _summary()
    summary["kpis"].update(rail_movements=1, rail_vehicles=20, road_vehicles=20)
    assert _messages(table, summary) == []
    summary["kpis"]["rail_vehicles"] = 0
    assert _messages(table, summary) == ["|summary rail_vehicles 0, the table gives 20"]


def test_optimal_needs_an_objective_and_a_bound() -> None:
    summary = _summary()
    summary["kpis"].update(solver_status="OPTIMAL", bound=None)
    assert _messages(_table(), summary) == ["|status OPTIMAL without an objective and a bound"]
