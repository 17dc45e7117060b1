"""First-come-first-served deconfliction: how a movement planner does it by hand.

March units are taken in order of release, then priority, then request
order. Each gets its main supply route at the earliest start slot where
every resource it uses has room; only when the main route never fits are the
alternates tried. Civilian disruption is not looked at. The result is the
baseline the optimiser is measured against, and its starting hint.
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


def greedy_assignment(instance: Instance) -> Assignment:
    """Schedule march units first-come-first-served."""
    started = time.perf_counter()
    request_order = {r.id: i for i, r in enumerate(instance.scenario.requests)}
    order = sorted(
        range(len(instance.tasks)),
        key=lambda i: (
            instance.tasks[i].release_min,
            instance.tasks[i].request.priority,
            request_order[instance.tasks[i].request.id],
            i,
        ),
    )
    timelines = empty_timelines(instance)
    choices: dict[int, Choice] = {}
    for index in order:
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
