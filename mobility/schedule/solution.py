"""An assignment of march units to route options and start slots, and its costs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mobility.schedule.instance import DISRUPTION_SCALE, Instance, Option, Use


@dataclass(frozen=True)
class Choice:
    """Route option index and start slot of one march unit."""

    option: int
    slot: int


@dataclass
class Assignment:
    """Choices per task index; tasks without a choice are unscheduled.

    Attributes
    ----------
    choices
        Task index to its choice.
    method
        ``greedy`` or ``cp-sat``.
    status, objective, bound, solve_time_s
        Solver outcome (for the greedy baseline: ``FEASIBLE``, its own cost,
        no bound, its run time).
    """

    choices: dict[int, Choice] = field(default_factory=dict)
    method: str = ""
    status: str = ""
    objective: float = float("nan")
    bound: float = float("nan")
    solve_time_s: float = 0.0

    def start_min(self, instance: Instance, task: int) -> int:
        """Start of a scheduled task in solver minutes."""
        return self.choices[task].slot * instance.slot_min


Timelines = dict[str, NDArray[np.int64]]


def empty_timelines(instance: Instance) -> Timelines:
    """Return a zero occupation per resource and minute of the horizon."""
    return {rid: np.zeros(instance.horizon_min + 1, dtype=np.int64) for rid in instance.resources}


def fits(instance: Instance, timelines: Timelines, option: Option, slot: int) -> bool:
    """Whether ``option`` started in ``slot`` stays within every resource's capacity."""
    start = slot * instance.slot_min
    return all(
        timelines[u.resource][start + u.start_min : start + u.end_min].max(initial=0) + u.demand
        <= instance.resources[u.resource].capacity
        for u in option.uses
    )


def feasible_slots(
    instance: Instance, timelines: Timelines, option: Option, n_slots: int
) -> NDArray[np.bool_]:
    """Per start slot ``0 .. n_slots - 1``, whether ``option`` fits: :func:`fits` for all at once.

    See :func:`blocked_starts`; what a one-pass rule needs when most starts
    of a march unit are full.
    """
    starts = np.arange(n_slots, dtype=np.int64) * instance.slot_min
    ok = np.ones(n_slots, dtype=bool)
    for use in option.uses:
        capacity = instance.resources[use.resource].capacity
        ok &= ~blocked_starts(timelines[use.resource], starts, use, capacity)
    return ok


#: Starts :func:`first_fitting` checks one at a time before it finds, for
#: each route option asked, every start that fits at once: most march units
#: fit at one of their first starts, while one that fits nowhere would
#: otherwise check each of its thousands (Defender x3: 964 of them).
SLOTS_TRIED_ONE_BY_ONE = 32


def first_fitting(
    instance: Instance,
    timelines: Timelines,
    options: Sequence[Option],
    candidates: Iterable[tuple[int, int]],
) -> Choice | None:
    """Return the first ``(option, slot)`` of ``candidates`` that fits, ``None`` if none does.

    The same answer as :func:`fits` tried on each in turn; after
    :data:`SLOTS_TRIED_ONE_BY_ONE` of them, an option's starts are all
    checked at once (:func:`feasible_slots`) when it is next asked for.
    """
    free: dict[int, NDArray[np.bool_]] = {}  # option -> starts that fit, once asked
    for tried, (option_index, slot) in enumerate(candidates):
        option = options[option_index]
        if tried < SLOTS_TRIED_ONE_BY_ONE or slot >= len(option.allowed):
            ok = fits(instance, timelines, option, slot)
        else:
            mask = free.get(option_index)
            if mask is None:
                mask = feasible_slots(instance, timelines, option, len(option.allowed))
                free[option_index] = mask
            ok = bool(mask[slot])
        if ok:
            return Choice(int(option_index), int(slot))
    return None


def blocked_starts(
    line: NDArray[np.int64], starts: NDArray[np.int64], use: Use, capacity: int
) -> NDArray[np.bool_]:
    """Per start minute, whether ``use`` from that start meets a minute without room on ``line``.

    One pass over the timeline (a running count of the minutes where the
    use's demand would not fit) instead of one slice per start; a use whose
    demand exceeds the capacity is blocked everywhere, as in :func:`fits`.
    """
    if use.demand > capacity:
        return np.ones(len(starts), dtype=bool)
    full = np.zeros(len(line) + 1, dtype=np.int32)
    np.cumsum(line > capacity - use.demand, out=full[1:])
    end = len(line)
    low = np.minimum(np.maximum(starts + use.start_min, 0), end)
    high = np.minimum(np.maximum(starts + use.end_min, low), end)
    return np.asarray(full[high] > full[low])


def occupy(instance: Instance, timelines: Timelines, option: Option, slot: int) -> None:
    """Add ``option`` started in ``slot`` to the timelines."""
    start = slot * instance.slot_min
    for use in option.uses:
        timelines[use.resource][start + use.start_min : start + use.end_min] += use.demand


def usage(instance: Instance, choices: Mapping[int, Choice]) -> Timelines:
    """Occupation of every resource per minute of the horizon."""
    timelines = empty_timelines(instance)
    for index, choice in choices.items():
        occupy(instance, timelines, instance.tasks[index].options[choice.option], choice.slot)
    return timelines


@dataclass(frozen=True)
class Costs:
    """Costs of an assignment in the objective's terms.

    Attributes
    ----------
    weighted_lateness
        Sum over scheduled tasks of the lateness weight times minutes late.
    lateness_min, max_lateness_min
        Total and largest lateness in minutes.
    disruption_vh
        Civilian vehicle-hours of delay.
    on_time, scheduled, total
        Counts of march units.
    peak_column_h
        Column-hours driven in weekday peak hours.
    makespan_min
        Latest clearance.
    """

    weighted_lateness: int
    lateness_min: int
    max_lateness_min: int
    disruption_vh: float
    on_time: int
    scheduled: int
    total: int
    peak_column_h: float
    makespan_min: int


def costs(instance: Instance, choices: Mapping[int, Choice]) -> Costs:
    """Evaluate an assignment."""
    weighted = total = worst = on_time = makespan = 0
    disruption = 0
    peak = 0
    for index, choice in choices.items():
        task = instance.tasks[index]
        option = task.options[choice.option]
        clear = choice.slot * instance.slot_min + option.clear_min
        late = max(0, clear - task.due_min)
        weighted += task.request.lateness_weight * late
        total += late
        worst = max(worst, late)
        on_time += late == 0
        disruption += int(option.disruption[choice.slot])
        peak += int(option.peak_column_min[choice.slot])
        makespan = max(makespan, clear)
    return Costs(
        weighted_lateness=weighted,
        lateness_min=total,
        max_lateness_min=worst,
        disruption_vh=disruption / DISRUPTION_SCALE,
        on_time=on_time,
        scheduled=len(choices),
        total=len(instance.tasks),
        peak_column_h=peak / 60,
        makespan_min=makespan,
    )


def objective_of(instance: Instance, choices: dict[int, Choice]) -> float:
    """Return the weighted objective of an assignment in cost units, as the solver counts it."""
    weights = instance.scenario.weights
    total = 0.0
    makespan = 0
    for t, task in enumerate(instance.tasks):
        choice = choices.get(t)
        if choice is None:
            total += (
                weights.lateness_per_min * task.request.lateness_weight * 2 * instance.horizon_min
            )
            continue
        option = task.options[choice.option]
        clear = choice.slot * instance.slot_min + option.clear_min
        total += (
            weights.lateness_per_min * task.request.lateness_weight * max(0, clear - task.due_min)
        )
        total += weights.disruption_per_vehicle_hour * option.disruption[choice.slot] / 100
        makespan = max(makespan, clear)
    return total + weights.makespan_per_min * makespan
