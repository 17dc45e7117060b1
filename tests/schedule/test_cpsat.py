"""Tiny instances with known optima, built directly (no network)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mobility.model.column import MarchUnit
from mobility.model.scenario import Request, Scenario, Weights
from mobility.model.vehicle import VehicleType
from mobility.schedule.cpsat import (
    OBJECTIVE_SCALE,
    SolverOptions,
    canonical,
    gate_relaxation,
    repair,
    respects_resources,
    solve,
)
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import Instance, Option, Resource, Task, Use
from mobility.schedule.solution import costs, objective_of, usage

START = datetime(2026, 11, 24, tzinfo=ZoneInfo("Europe/Amsterdam"))
VEHICLE = VehicleType(
    "truck", "Truck", "cargo_truck", "wheeled", 20, 20, 3.5, 2.55, 10, 80, 9, source="test"
)
OPTIONS = SolverOptions(time_limit_s=5, workers=1)


def _task(
    name: str,
    uses: list[tuple[str, int, int]],
    disruption: list[int],
    due_min: int = 10_000,
    release_min: int = 0,
    clear_min: int = 30,
    priority: int = 3,
) -> Task:
    n = len(disruption)
    allowed = np.arange(n) * 15 >= release_min
    request = Request(
        name, name, "a", "b", START, START + timedelta(hours=9), priority, {"truck": 1}
    )
    option = Option(
        route=None,  # type: ignore[arg-type]
        uses=tuple(Use(r, a, b, 1) for r, a, b in uses),
        arrive_min=clear_min,
        clear_min=clear_min,
        allowed=allowed,
        disruption=np.array(disruption, dtype=np.int64),
        peak_column_min=np.zeros(n, dtype=np.int64),
    )
    return Task(name, request, MarchUnit("1.1", ((VEHICLE, 1),)), release_min, due_min, (option,))


def _instance(tasks: list[Task], capacity: int = 1, mode: str = "weighted") -> Instance:
    n = len(tasks[0].options[0].disruption)
    scenario = Scenario(
        "tiny", START, 8.0, tuple(t.request for t in tasks), weights=Weights(mode=mode)
    )
    resources = {
        rid: Resource(rid, "port" if rid == "port" else "structure", rid, capacity)
        for t in tasks
        for rid in {u.resource for u in t.options[0].uses}
    }
    return Instance(scenario, tasks, resources, n, 15, 8 * 60)


def test_two_columns_on_one_bridge_take_the_two_cheap_slots() -> None:
    # Both prefer slot 0; the bridge holds one column for 20 minutes, so the
    # second goes at slot 2 (cost 1) rather than slot 1 (overlap) or later (cost 5).
    costs_per_slot = [0, 0, 1, 5, 5, 5]
    tasks = [_task(n, [("bridge", 0, 20)], costs_per_slot) for n in ("A", "B")]
    instance = _instance(tasks)
    result = solve(instance, OPTIONS)
    assert result.status == "OPTIMAL"
    assert result.objective == pytest.approx(0.01)  # 1 hundredth of a vehicle-hour
    assert sorted(c.slot for c in result.choices.values()) == [0, 2]


def test_lateness_outweighs_disruption() -> None:
    # Slot 0 is on time but costs 50 (0.5 veh-h); slot 1 is 15 min late.
    tasks = [_task("A", [("bridge", 0, 10)], [50, 0, 0], due_min=30, clear_min=30)]
    result = solve(_instance(tasks), OPTIONS)
    assert result.choices[0].slot == 0
    assert result.objective == pytest.approx(0.5)


def test_capacity_two_lets_both_go_together() -> None:
    tasks = [_task(n, [("bridge", 0, 20)], [0, 9, 9, 9]) for n in ("A", "B")]
    result = solve(_instance(tasks, capacity=2), OPTIONS)
    assert [c.slot for c in result.choices.values()] == [0, 0]
    assert result.objective == 0


def test_lexicographic_puts_lateness_first() -> None:
    # 9,000 vehicle-hours on time outweigh 15 late minutes in the weighted sum;
    # the lexicographic mode still chooses on time first.
    tasks = [_task("A", [("bridge", 0, 10)], [900_000, 0, 0], due_min=30, clear_min=30)]
    weighted = solve(_instance(tasks), OPTIONS)
    lexicographic = solve(_instance(tasks, mode="lexicographic"), OPTIONS)
    assert weighted.choices[0].slot > 0
    assert lexicographic.choices[0].slot == 0


def test_release_is_hard() -> None:
    tasks = [_task("A", [("bridge", 0, 10)], [0, 0, 0, 0, 7], release_min=60)]
    result = solve(_instance(tasks), OPTIONS)
    assert result.choices[0].slot == 4


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.lists(
        st.tuples(
            st.lists(st.integers(0, 100), min_size=12, max_size=12),
            st.integers(0, 5),
            st.integers(5, 40),
        ),
        min_size=2,
        max_size=5,
    ),
    capacity=st.integers(1, 2),
)
# Over capacity: the bridge cannot take all five, some stay unscheduled.
@example(data=[([0] * 12, 3, 5), ([0] * 12, 3, 16)] + [([0] * 12, 3, 31)] * 3, capacity=1)
def test_solutions_respect_capacity_release_and_beat_greedy(
    data: list[tuple[list[int], int, int]], capacity: int
) -> None:
    tasks = [
        _task(f"T{i}", [("bridge", 5, 5 + length), ("port", 0, 10)], table, release_min=15 * r)
        for i, (table, r, length) in enumerate(data)
    ]
    instance = _instance(tasks, capacity=capacity)
    baseline = greedy_assignment(instance)
    result = solve(instance, OPTIONS, hint=baseline)
    for assignment in (baseline, result):
        for rid, line in usage(instance, assignment.choices).items():
            assert line.max() <= instance.resources[rid].capacity
        for index, choice in assignment.choices.items():
            assert choice.slot * 15 >= tasks[index].release_min
            assert tasks[index].options[0].allowed[choice.slot]
    assert result.objective <= baseline.objective + 1e-9
    assert objective_of(instance, result.choices) == pytest.approx(result.objective)
    if len(baseline.choices) == len(tasks):
        # The baseline placed everything, so no march unit may be left out.
        assert costs(instance, result.choices).scheduled == len(tasks)
    # The gate relaxation bounds every plan; its repair is a valid plan.
    relaxation = gate_relaxation(instance, allow_drop=False)
    assert relaxation is not None
    lower, relaxed = relaxation
    assert lower / OBJECTIVE_SCALE <= result.objective + 1e-9
    assert result.bound <= result.objective + 1e-9
    repaired = canonical(instance, repair(instance, relaxed))
    assert respects_resources(instance, repaired)
    if len(repaired) == len(tasks) == len(relaxed):
        assert objective_of(instance, repaired) >= lower / OBJECTIVE_SCALE - 1e-9


def test_gate_relaxation_that_fits_is_proven_optimal() -> None:
    # Only the port gate binds: the assignment of the relaxation is the optimum.
    tasks = [_task(n, [("port", 0, 10)], [0, 3, 7, 9]) for n in ("A", "B", "C")]
    instance = _instance(tasks)
    result = solve(instance, OPTIONS)
    assert result.status == "OPTIMAL" and result.bound == result.objective
    assert result.objective == pytest.approx(0.10)
    assert sorted(c.slot for c in result.choices.values()) == [0, 1, 2]
