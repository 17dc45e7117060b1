"""One-pass deconfliction rules: how a movement planner does it by hand.

March units are taken in order of release, then priority, then request
order, and each is placed once, never moved again:

- :func:`greedy_assignment`, first come first served: the main supply route
  at the earliest start slot where every resource it uses has room; only
  when the main route never fits are the alternates tried. Civilian
  disruption is not looked at.
- :func:`off_peak_assignment`, the off-peak ("night") rule, Defence's
  habit of keeping columns out of the rush hours: main route first, the
  earliest start slot from which the column drives no minute in the weekday
  peak hours (07-09 and 16-18 local, :data:`~mobility.schedule.disruption.PEAK_HOURS`)
  and still clears by its due time, where every resource has room; where
  there is none, the earliest slot that fits, as first come first served.
- :func:`cost_aware_assignment`: the cheapest route and start slot (weighted
  lateness plus civilian delay, as the optimiser counts them) where every
  resource has room: what a planner with a cost table could do in one pass.

The strongest of the three (:func:`best_baseline`, usually the cost-aware
greedy) is the optimiser's starting hint; all three are reported beside the
optimised plan.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from mobility.schedule.instance import Instance
from mobility.schedule.solution import (
    Assignment,
    Choice,
    empty_timelines,
    first_fitting,
    objective_of,
    occupy,
)


def _order(instance: Instance) -> list[int]:
    """March units by release, then priority, then request order."""
    request_order = {r.id: i for i, r in enumerate(instance.scenario.requests)}
    return sorted(
        range(len(instance.tasks)),
        key=lambda i: (
            instance.tasks[i].release_min,
            instance.tasks[i].request.priority,
            request_order[instance.tasks[i].request.id],
            i,
        ),
    )


def _one_pass(
    instance: Instance, method: str, candidates: Callable[[int], Iterable[tuple[int, int]]]
) -> Assignment:
    """Place each march unit, in :func:`_order`, at its first candidate that fits.

    ``candidates(task)`` yields ``(option, slot)`` pairs in order of preference.
    """
    started = time.perf_counter()
    timelines = empty_timelines(instance)
    choices: dict[int, Choice] = {}
    for index in _order(instance):
        options = instance.tasks[index].options
        found = first_fitting(instance, timelines, options, candidates(index))
        if found is not None:
            occupy(instance, timelines, options[found.option], found.slot)
            choices[index] = found
    return Assignment(
        choices=choices,
        method=method,
        status="FEASIBLE",
        objective=objective_of(instance, choices),
        solve_time_s=time.perf_counter() - started,
    )


def greedy_assignment(instance: Instance) -> Assignment:
    """Schedule march units first-come-first-served."""

    def earliest_first(index: int) -> Iterator[tuple[int, int]]:
        for option_index, option in enumerate(instance.tasks[index].options):
            for slot in np.flatnonzero(option.allowed).tolist():
                yield option_index, slot

    return _one_pass(instance, "greedy", earliest_first)


def off_peak_assignment(instance: Instance) -> Assignment:
    """Schedule march units outside the weekday peak hours where they fit and stay on time.

    Each march unit, in the first-come-first-served order, takes the
    earliest start (main route first, then the alternates) whose drive has
    no column-minute in peak hours and clears by its due time; when no such
    start has room, the earliest start that has room, as
    :func:`greedy_assignment` would.
    """

    def off_peak_first(index: int) -> Iterator[tuple[int, int]]:
        task = instance.tasks[index]
        for option_index, option in enumerate(task.options):
            slots = np.flatnonzero(option.allowed)
            on_time = slots * instance.slot_min + option.clear_min <= task.due_min
            quiet = option.peak_column_min[slots] == 0
            for slot in slots[on_time & quiet].tolist():
                yield option_index, slot
        for option_index, option in enumerate(task.options):
            for slot in np.flatnonzero(option.allowed).tolist():
                yield option_index, slot

    return _one_pass(instance, "off-peak rule", off_peak_first)


def cost_aware_assignment(instance: Instance) -> Assignment:
    """Schedule each march unit, in one pass, at its cheapest choice that fits.

    Ties go to the earlier slot, then the lower route option, so the result
    is reproducible.
    """
    from mobility.schedule.time_indexed import option_costs

    def cheapest_first(index: int) -> Iterator[tuple[int, int]]:
        if not instance.tasks[index].options:
            return
        costs = option_costs(instance, index)
        options, slots = np.nonzero(costs >= 0)
        for k in np.lexsort((options, slots, costs[options, slots])).tolist():
            yield int(options[k]), int(slots[k])

    return _one_pass(instance, "cost-aware greedy", cheapest_first)


#: The one-pass baselines by key, in the order they are reported.
BASELINES: dict[str, Callable[[Instance], Assignment]] = {
    "fcfs": greedy_assignment,
    "off_peak": off_peak_assignment,
    "cost_aware": cost_aware_assignment,
}

#: What each baseline is, as the summary names it.
BASELINE_LABELS = {
    "fcfs": "first come, first served (by hand)",
    "off_peak": "off-peak (night) rule",
    "cost_aware": "cost-aware greedy",
}


def baselines(instance: Instance) -> dict[str, Assignment]:
    """Return every one-pass baseline's assignment, by key of :data:`BASELINES`."""
    return {key: rule(instance) for key, rule in BASELINES.items()}


def best_baseline(found: dict[str, Assignment]) -> str:
    """Return the key of the strongest baseline: most march units scheduled, then lowest objective.

    Ties go to the earlier key of :data:`BASELINES`.
    """
    order = list(BASELINES)
    return min(
        found,
        key=lambda key: (-len(found[key].choices), found[key].objective, order.index(key)),
    )
