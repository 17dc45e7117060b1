from __future__ import annotations

from typing import Any

import pytest

from mobility.schedule.result import Kpis

RAW: dict[str, Any] = {
    "method": "cp-sat",
    "on_time_share": 0.75,
    "scheduled": 4,
    "march_units": 4,
    "total_lateness_min": 30,
    "max_lateness_min": 20,
    "civilian_delay_vh": 12.5,
    "peak_column_h": 1.25,
    "makespan": "2026-11-24T12:00:00+01:00",
    "solver_status": "OPTIMAL",
    "objective": 312.5,
    "bound": 300.0,
    "gap": 0.04,
    "solve_time_s": 1.5,
    "rail_movements": 0,
    "rail_vehicles": 0,
    "road_vehicles": 40,
    "rail_civilian_delay_vh": 0.0,
    "requested_vehicles": 40,
    "planned_vehicles": 40,
}


def test_kpis_round_trip_the_summary_entry() -> None:
    kpis = Kpis.from_dict({**RAW, "unknown_later_field": 1})
    assert kpis.to_dict() == RAW
    assert kpis.is_feasible()


def test_kpis_read_as_the_cli_prints_them() -> None:
    text = str(Kpis.from_dict(RAW))
    assert text == (
        "on time 75% of 4 march units, lateness 30 min (max 20), civilian delay 12.5 veh-h, "
        "peak column-hours 1.25, status OPTIMAL, objective 312.5, bound 300.0, gap 4.0%, 1.5 s"
    )
    rail = str(Kpis.from_dict({**RAW, "rail_movements": 2, "rail_vehicles": 30}))
    assert rail.endswith("; 2 trains carry 30 vehicles, 40 go by road")


@pytest.mark.parametrize(
    "change", [{"solver_status": "INFEASIBLE"}, {"solver_status": "UNKNOWN"}, {"scheduled": 3}]
)
def test_kpis_without_a_complete_schedule_are_not_feasible(change: dict[str, Any]) -> None:
    assert not Kpis.from_dict({**RAW, **change}).is_feasible()
