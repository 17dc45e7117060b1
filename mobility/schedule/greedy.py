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
from mobility.schedule.solution import Assignment, Choice, objective_of


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
    timelines = {
        rid: np.zeros(instance.horizon_min + 1, dtype=np.int64) for rid in instance.resources
    }
    capacity = {rid: r.capacity for rid, r in instance.resources.items()}
    choices: dict[int, Choice] = {}
    for index in order:
        task = instance.tasks[index]
        for option_index, option in enumerate(task.options):
            placed = False
            for slot in np.flatnonzero(option.allowed).tolist():
                start = slot * instance.slot_min
                if all(
                    timelines[u.resource][start + u.start_min : start + u.end_min].max(initial=0)
                    + u.demand
                    <= capacity[u.resource]
                    for u in option.uses
                ):
                    for u in option.uses:
                        timelines[u.resource][start + u.start_min : start + u.end_min] += u.demand
                    choices[index] = Choice(option_index, slot)
                    placed = True
                    break
            if placed:
                break
    return Assignment(
        choices=choices,
        method="greedy",
        status="FEASIBLE",
        objective=objective_of(instance, choices),
        solve_time_s=time.perf_counter() - started,
    )
