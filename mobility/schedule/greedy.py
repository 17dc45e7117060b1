"""One-pass deconfliction rules: how a movement planner does it by hand.

March units are taken in order of release, then priority, then request
order, and each is placed once, never moved again:

- :func:`greedy_assignment`, first come first served: the main supply route
  at the earliest start slot where every resource it uses has room; only
  when the main route never fits are the alternates tried. Civilian
  disruption is not looked at. It is the optimiser's starting hint.
- :func:`cost_aware_assignment`: the cheapest route and start slot (weighted
  lateness plus civilian delay, as the optimiser counts them) where every
  resource has room: what a planner with a cost table could do in one pass.
  It is the strongest simple baseline the optimiser is measured against.
"""

from __future__ import annotations

import time

import numpy as np

from mobility.schedule.instance import Instance
from mobility.schedule.solution import (
    Assignment,
    Choice,
    empty_timelines,
    fits,
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


def greedy_assignment(instance: Instance) -> Assignment:
    """Schedule march units first-come-first-served."""
    started = time.perf_counter()
    timelines = empty_timelines(instance)
    choices: dict[int, Choice] = {}
    for index in _order(instance):
        task = instance.tasks[index]
        for option_index, option in enumerate(task.options):
            slot = next(
                (
                    s
                    for s in np.flatnonzero(option.allowed).tolist()
                    if fits(instance, timelines, option, s)
                ),
                None,
            )
            if slot is not None:
                occupy(instance, timelines, option, slot)
                choices[index] = Choice(option_index, slot)
                break
    return Assignment(
        choices=choices,
        method="greedy",
        status="FEASIBLE",
        objective=objective_of(instance, choices),
        solve_time_s=time.perf_counter() - started,
    )


def cost_aware_assignment(instance: Instance) -> Assignment:
    """Schedule each march unit, in one pass, at its cheapest choice that fits.

    Ties go to the earlier slot, then the lower route option, so the result
    is reproducible.
    """
    from mobility.schedule.time_indexed import option_costs

    started = time.perf_counter()
    timelines = empty_timelines(instance)
    choices: dict[int, Choice] = {}
    for index in _order(instance):
        task = instance.tasks[index]
        if not task.options:
            continue
        costs = option_costs(instance, index)
        options, slots = np.nonzero(costs >= 0)
        ranked = np.lexsort((options, slots, costs[options, slots]))
        for k in ranked.tolist():
            option_index, slot = int(options[k]), int(slots[k])
            option = task.options[option_index]
            if fits(instance, timelines, option, slot):
                occupy(instance, timelines, option, slot)
                choices[index] = Choice(option_index, slot)
                break
    return Assignment(
        choices=choices,
        method="cost-aware greedy",
        status="FEASIBLE",
        objective=objective_of(instance, choices),
        solve_time_s=time.perf_counter() - started,
    )
