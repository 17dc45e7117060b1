"""Cardinality cuts: valid for every plan, and they raise a fractional LP bound."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.schedule._cuts import CUT_PREFIX, cardinality_cuts, with_cardinality_cuts
from mobility.schedule.instance import Instance
from mobility.schedule.time_indexed import build_time_indexed, solve_relaxation
from tests.schedule.tiny import tiny_instance, tiny_task


def _site_instance(demands: list[int], capacity: int, costs: list[int]) -> Instance:
    tasks = [
        tiny_task(f"T{n}", [("site", 0, 20, demand)], costs) for n, demand in enumerate(demands)
    ]
    return tiny_instance(tasks, capacity=capacity)


def test_two_columns_of_twenty_on_thirty_places_cannot_share_in_the_lp() -> None:
    # Both prefer slot 0; without the cut the LP puts one and a half columns
    # there (bound 0.5 veh-h); no plan can, and the cut gives the true 1 veh-h.
    instance = _site_instance([20, 20], 30, [0, 100, 100, 100])
    model = build_time_indexed(instance, allow_drop=False)
    weak = solve_relaxation(model, model.cost)
    strong_model = with_cardinality_cuts(model)
    strong = solve_relaxation(strong_model, strong_model.cost)
    assert weak is not None and strong is not None
    assert weak.bound == 500
    assert strong.bound == 1_000
    added = strong_model.row_resource[len(model.row_resource) :]
    assert added and all(rid == CUT_PREFIX + "site" for rid in added)
    assert set(strong_model.capacity[len(model.capacity) :].tolist()) == {1}


def test_no_cut_where_the_row_already_says_as_much() -> None:
    # Ten places, columns of five: the row allows two, the cut would too.
    model = build_time_indexed(_site_instance([5, 5, 5], 10, [0, 9, 9]), allow_drop=False)
    _, _, rows = cardinality_cuts(model)
    assert len(rows) == 0
    assert with_cardinality_cuts(model) is model


def test_a_cut_for_the_large_columns_where_small_ones_still_fit() -> None:
    # 10 + 20 fit in 30 places, 20 + 20 do not: the two large columns get a
    # cut of their own (at most one), the three at most two.
    model = build_time_indexed(_site_instance([10, 20, 20], 30, [0]), allow_drop=False)
    cuts, limits, _ = cardinality_cuts(model)
    members = [tuple(np.flatnonzero(row).tolist()) for row in cuts.toarray()]
    assert dict(zip(members, limits.tolist(), strict=True)) == {(0, 1, 2): 2, (1, 2): 1}


@settings(max_examples=60, deadline=None)
@given(
    demands=st.lists(st.integers(1, 30), min_size=2, max_size=6),
    capacity=st.integers(1, 60),
)
def test_every_plan_keeps_the_cuts_and_some_plan_reaches_each(
    demands: list[int], capacity: int
) -> None:
    # One slot only: every column of the row overlaps every other.
    fitting = [d for d in demands if d <= capacity]
    if len(fitting) < 2:
        return
    model = build_time_indexed(_site_instance(fitting, capacity, [0]), allow_drop=False)
    cuts, limits, _ = cardinality_cuts(model)
    plans = [
        np.isin(model.task, subset).astype(float)
        for size in range(len(fitting) + 1)
        for subset in itertools.combinations(range(len(fitting)), size)
        if sum(fitting[t] for t in subset) <= capacity
    ]
    loads = np.array([cuts @ plan for plan in plans]).reshape(len(plans), len(limits))
    assert np.all(loads <= limits)
    assert np.all(loads.max(axis=0, initial=0) == limits)
    assert np.all(limits < np.asarray(cuts.sum(axis=1)).ravel())
