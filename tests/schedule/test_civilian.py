from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mobility
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.civilian import (
    civilian_delay_rows,
    civilian_delay_rows_many,
    delay_by_section,
)
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.instance import DISRUPTION_SCALE, build_instance
from mobility.schedule.planner import plan_scenario


def test_delay_by_road_and_hour_adds_up_and_names_its_source(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    checked = 0
    for task in instance.tasks:
        for index, option in enumerate(task.options):
            slots = np.flatnonzero(option.allowed & (option.disruption > 0))
            for slot in slots[:3].tolist():
                rows = civilian_delay_rows(instance, task, index, slot)
                total = sum(float(str(r["delay_vh"])) for r in rows)
                expected = option.disruption[slot] / DISRUPTION_SCALE
                assert total == pytest.approx(expected, abs=0.01 + 0.0005 * len(rows))
                assert {r["demand"] for r in rows} == {"default"}
                assert all(str(r["hour"]).endswith(":00") for r in rows)
                checked += 1
    assert checked > 0


def test_sections_sum_the_movements_rows_largest_first() -> None:
    def row(road: str, hour: str, delay: float, demand: str = "default") -> dict[str, object]:
        return {
            "road": road,
            "direction": "east",
            "hour": hour,
            "day": "working day",
            "delay_vh": delay,
            "demand": demand,
            "source": f"{demand} source",
        }

    movements: list[dict[str, Any]] = [
        {"movement": "1", "civilian_delay": [row("A1", "08:00", 1.5), row("A12", "09:00", 0.2)]},
        {"movement": "2", "civilian_delay": [row("A1", "08:00", 2.0, "measured")]},
        {"movement": "T1", "mode": "rail"},  # a train: no road delay rows
    ]
    first, second = delay_by_section(movements)
    assert (first.road, first.hour, first.delay_vh, first.movements) == ("A1", "08:00", 3.5, 2)
    assert first.demand == "default and measured"
    assert first.source == "default source; measured source"
    assert (second.road, second.delay_vh, second.movements) == ("A12", 0.2, 1)
    assert delay_by_section([]) == []


def test_sections_keep_the_plan_total(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    options = SolverOptions(time_limit_s=2)
    result = plan_scenario(load_scenario(tiny_scenario), atlas, router=router, options=options)
    rows = [m.data for m in result.plan.movements]
    sections = delay_by_section(rows)
    total = sum(float(r["delay_vh"]) for m in rows for r in m.get("civilian_delay") or ())
    assert sections and abs(sum(s.delay_vh for s in sections) - total) < 1e-3 * len(sections)
    assert [s.delay_vh for s in sections] == sorted((s.delay_vh for s in sections), reverse=True)


def test_rows_of_many_starts_are_each_start_s_own_breakdown(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    """#15: starts batched per route and column get the rows of their own breakdown."""
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    costs, clock = instance.road_costs, instance.hour_clock
    assert costs is not None and clock is not None
    starts = [
        (task, index, slot)
        for task in instance.tasks
        for index, option in enumerate(task.options)
        for slot in np.flatnonzero(option.allowed & (option.disruption > 0))[:40:7].tolist()
    ]
    starts += starts[::3]  # the same start twice in one batch
    found = civilian_delay_rows_many(instance, starts)
    assert len(found) == len(starts) and sum(map(bool, found)) > 10
    for (task, index, slot), rows in zip(starts, found, strict=True):
        option = task.options[index]
        assert option.route is not None and option.pass_h is not None
        edges = np.array([costs.table.key_index[k] for k in option.route.edges])
        edge_s = np.asarray(option.route.edge_times_s)
        start_h = slot * instance.slot_min / 60
        vehicles = task.march_unit.count
        alone = costs.breakdown(edges, edge_s, option.pass_h, vehicles, start_h, clock)
        total: dict[tuple[str, str, int], float] = {}
        for row in alone:
            key = (str(row["road"]) or "(no ref)", str(row["direction"]), int(str(row["hour_key"])))
            total[key] = total.get(key, 0.0) + float(str(row["delay_vh"]))
        expected = {k: round(v, 3) for k, v in total.items() if v >= 0.0005}
        got = {(r["road"], r["direction"], r["hour"], r["day"]): r["delay_vh"] for r in rows}
        assert got == {
            (road, way, f"{key % 24:02d}:00", "day off" if key >= 24 else "working day"): delay
            for (road, way, key), delay in expected.items()
        }
        assert rows == civilian_delay_rows(instance, task, index, slot)
