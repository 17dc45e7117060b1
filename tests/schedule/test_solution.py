"""Assignments, resource timelines and costs on tiny instances (no network)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.schedule import solution
from mobility.schedule.solution import (
    Assignment,
    Choice,
    costs,
    empty_timelines,
    feasible_slots,
    first_fitting,
    fits,
    objective_of,
    occupy,
    usage,
)
from tests.schedule.tiny import tiny_instance, tiny_task


def _two_on_a_bridge(capacity: int = 1):  # type: ignore[no-untyped-def]
    tasks = [
        tiny_task("A", [("bridge", 0, 20)], [0, 10, 20, 30], due_min=45, clear_min=30),
        tiny_task("B", [("bridge", 5, 25, 3)], [5, 5, 5, 5], due_min=30, clear_min=40),
    ]
    return tiny_instance(tasks, capacity=capacity)


def test_occupy_adds_the_demand_over_the_use_and_usage_sums_the_choices() -> None:
    instance = _two_on_a_bridge(capacity=4)
    timelines = empty_timelines(instance)
    assert set(timelines) == {"bridge"} and len(timelines["bridge"]) == instance.horizon_min + 1
    occupy(instance, timelines, instance.tasks[0].options[0], slot=1)
    line = timelines["bridge"]
    assert line[14] == 0 and line[15:35].tolist() == [1] * 20 and line[35] == 0
    both = usage(instance, {0: Choice(0, 1), 1: Choice(0, 1)})["bridge"]
    assert both[19] == 1 and both[20] == 4 and both[34] == 4 and both[35] == 3 and both[40] == 0


def test_fits_checks_every_minute_of_the_use_against_the_capacity() -> None:
    instance = _two_on_a_bridge(capacity=3)
    a, b = (task.options[0] for task in instance.tasks)
    timelines = usage(instance, {0: Choice(0, 0)})  # A holds the bridge 0-20
    assert not fits(instance, timelines, b, 0)  # 5-25 with demand 3 over a load of 1
    assert fits(instance, timelines, b, 1)  # 20-40: A has left
    assert fits(instance, timelines, a, 1)  # 15-35: a load of 2 of 3
    occupy(instance, timelines, b, 1)  # B holds 3 places 20-40
    assert not fits(instance, timelines, a, 1)  # 15-35 meets A (1) and B (3)
    assert fits(instance, timelines, a, 3)  # 45-65


def test_costs_count_lateness_disruption_makespan_and_march_units() -> None:
    instance = _two_on_a_bridge()
    found = costs(instance, {0: Choice(0, 2), 1: Choice(0, 0)})
    # A: starts at 30, clears at 60, due 45 -> 15 min late; B clears at 40, due 30 -> 10 late.
    assert found.lateness_min == 25
    assert found.max_lateness_min == 15
    assert found.on_time == 0 and found.scheduled == 2 and found.total == 2
    assert found.disruption_vh == pytest.approx((20 + 5) / 100)
    assert found.makespan_min == 60
    weight = instance.tasks[0].request.lateness_weight
    assert found.weighted_lateness == weight * 15 + instance.tasks[1].request.lateness_weight * 10
    assert costs(instance, {}).scheduled == 0 and costs(instance, {}).total == 2


def test_objective_charges_an_unscheduled_march_unit_twice_the_horizon_late() -> None:
    instance = _two_on_a_bridge()
    weights = instance.scenario.weights
    on_time = objective_of(instance, {0: Choice(0, 0), 1: Choice(0, 3)})
    late_b = 45 + 40 - 30
    expected = (
        weights.disruption_per_vehicle_hour * (0 + 5) / 100
        + weights.lateness_per_min * instance.tasks[1].request.lateness_weight * late_b
        + weights.makespan_per_min * (45 + 40)
    )
    assert on_time == pytest.approx(expected)
    dropped = objective_of(instance, {0: Choice(0, 0)})
    penalty = weights.lateness_per_min * instance.tasks[1].request.lateness_weight
    assert dropped == pytest.approx(
        weights.makespan_per_min * 30 + penalty * 2 * instance.horizon_min
    )


def test_assignment_start_is_its_slot_in_minutes() -> None:
    instance = _two_on_a_bridge()
    assignment = Assignment({1: Choice(0, 3)})
    assert assignment.start_min(instance, 1) == 45
    with pytest.raises(KeyError):
        assignment.start_min(instance, 0)


@st.composite
def _loaded_bridge(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    """A random option over two resources and random loads on their timelines."""
    uses = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["bridge", "port"]),
                st.integers(0, 60),
                st.integers(0, 60),
                st.integers(1, 4),
            ).map(lambda u: (u[0], min(u[1], u[2]), max(u[1], u[2]), u[3])),
            min_size=1,
            max_size=4,
        )
    )
    n_slots = draw(st.integers(1, 12))
    task = tiny_task("A", uses, [0] * n_slots)
    capacity = {"bridge": draw(st.integers(1, 5)), "port": draw(st.integers(1, 5))}
    instance = tiny_instance([task], capacity=capacity)
    timelines = empty_timelines(instance)
    for line in timelines.values():
        loads = draw(st.lists(st.integers(0, 5), min_size=len(line), max_size=len(line)))
        line[:] = loads
    return instance, timelines, task.options[0], n_slots


@settings(max_examples=200, deadline=None)
@given(_loaded_bridge())
def test_feasible_slots_is_fits_for_every_slot(case) -> None:  # type: ignore[no-untyped-def]
    instance, timelines, option, n_slots = case
    expected = [fits(instance, timelines, option, slot) for slot in range(n_slots)]
    assert feasible_slots(instance, timelines, option, n_slots).tolist() == expected


@settings(max_examples=150, deadline=None)
@given(_loaded_bridge(), st.data())
def test_first_fitting_is_the_first_candidate_that_fits(case, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    instance, timelines, option, n_slots = case
    candidates = data.draw(st.lists(st.tuples(st.just(0), st.integers(0, n_slots - 1))))
    expected = next(
        (Choice(o, s) for o, s in candidates if fits(instance, timelines, option, s)), None
    )
    for one_by_one in (0, 2, 1000):  # every start checked at once from the first, third, never
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(solution, "SLOTS_TRIED_ONE_BY_ONE", one_by_one)
            assert first_fitting(instance, timelines, [option], candidates) == expected
