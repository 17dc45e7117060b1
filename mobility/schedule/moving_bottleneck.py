"""A military column as a moving bottleneck: civilian delay along a whole route.

The column drives at ``v_b`` (its march speed) in one lane of an ``n``-lane
carriageway whose civilian traffic flows at ``v_f`` (the speed limit).

Relations (each cited) and assumptions (each labelled, values in
:class:`~mobility.schedule.disruption.TrafficModel`):

1. **Fundamental diagram**: triangular (Newell 1993, *Transp. Res. B* 27(4);
   Daganzo 1994, *Transp. Res. B* 28(4)): free-flow speed ``v_f``, lane
   capacity ``Q`` and jam density ``k_j`` per lane; congested waves travel
   back at ``w = Q / (k_j - Q / v_f)``. Flows are in passenger-car units
   (pcu): a vehicle counts ``1 + s (E_T - 1)`` pcu at truck share ``s`` and
   truck equivalent ``E_T`` (HCM 6th ed. 2016, ch. 12, level terrain
   ``E_T = 2.0``). *Assumptions*: ``Q`` = 2,100 veh/h/lane at 15 % trucks
   (ROA 2017) for every road; ``s = 0.15``; ``k_j`` = 133 pcu/km/lane (7.5 m
   per car at standstill).
2. **Passing rate**: a slow vehicle occupying one lane is a moving bottleneck
   (Gazis & Herman 1992, *Transp. Sci.* 26(3); Newell 1998, *Transp. Res. B*
   32(8)). Traffic downstream of it flows at the capacity of the lanes left,
   ``Q_D = a (n - 1) Q``, so that vehicles pass it at the relative rate
   ``r = Q_D (1 - v_b / v_f)``. The factor ``a < 1`` stands for the capacity
   lost to lane changes near the bottleneck (Daganzo & Laval 2005, *Transp.
   Res. B* 39(10); the value 0.9 is an *assumption*). On a one-lane
   carriageway ``Q_D`` is the overtaking share of ``Q`` (*assumption* 0.3).
   Drivers do not cut into the column (*assumption*).
3. **Moving queue**: upstream traffic ``q`` (demand, capped at ``n Q``)
   reaches the column at the relative rate ``q (1 - v_b / v_f)``, so the
   queue behind it, counted in the column's frame, grows at
   ``g = (q - Q_D)(1 - v_b / v_f)`` (negative: it shrinks). Queued traffic
   is in the congested state ``U`` of Newell (1998) where the line of slope
   ``v_b`` through the downstream state meets the congested branch:
   ``k_U = (w n k_j - r) / (w + v_b)``, ``v_U = (r + v_b k_U) / k_U``; each
   queued vehicle loses ``1 - v_U / v_f`` hours per hour. Queued vehicles
   leave at exits after ``L_trip`` km on average (*assumption* 20 km), i.e.
   at the rate ``N v_U / L_trip``. The queue ``N`` thus follows
   ``dN/dt = g - N v_U / L_trip`` with ``N >= 0``, integrated exactly over
   each stretch of constant road and hour, and carried from stretch to
   stretch: the same queue is never counted twice.
4. **Release**: when the column leaves the road (its ``ref`` changes) or
   arrives, the queue left discharges at the full capacity ``n Q`` against
   arrivals ``q`` (deterministic queueing, May 1990, *Traffic Flow
   Fundamentals*, ch. 11): delay ``N t / 2`` with ``t = N / (n Q - q)``,
   capped at ``max_queue_h`` (*assumption*, for a peak that does not clear).
5. **On-ramps**: where on-ramps join the road the column drives on, the
   column passes the merge in ``pass_h``; ramp traffic ``q_r`` merges into
   its gaps at ``max(0, Q - f_c)`` where ``f_c`` is the column's own flow in
   pcu (its vehicles at ``column_pce_per_vehicle``, *assumption* 2.5), and
   queues otherwise; the ramp queue clears at ``Q`` (May 1990, as in 4).

Because every term is an exact integral over the column's path (or a count
at a real junction or road change), the cost does not depend on how a road
is cut into graph edges: splitting a section in two changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
#: ``hours -> (hour key, next hour boundary in hours)``, elementwise.
Clock = Callable[[FloatArray], tuple[NDArray[np.int64], FloatArray]]


@dataclass(frozen=True)
class BottleneckParams:
    """Parameters of the moving-bottleneck model (see the module docstring).

    Attributes
    ----------
    lane_capacity_pcu_h
        ``Q``, pcu per hour per lane.
    jam_density_pcu_km
        ``k_j`` per lane.
    lane_change_factor
        ``a``: share of the remaining lanes' capacity past the column.
    overtaking_share
        Share of ``Q`` that overtakes a column on a one-lane carriageway.
    trip_length_km
        Mean distance after which a queued vehicle leaves at an exit.
    max_queue_h
        Cap on the time a released queue takes to clear.
    pcu_per_vehicle
        Passenger-car units of an average civilian vehicle (converts the
        result to vehicle-hours).
    """

    lane_capacity_pcu_h: float
    jam_density_pcu_km: float
    lane_change_factor: float
    overtaking_share: float
    trip_length_km: float
    max_queue_h: float
    pcu_per_vehicle: float = 1.0


@dataclass(frozen=True)
class Sections:
    """A route as consecutive stretches of constant road (graph edges or runs of them).

    Attributes
    ----------
    time_h
        Hours the column's head takes over each stretch.
    road
        Road id per stretch; a change releases the queue.
    lanes
        Lanes in the direction of travel.
    free_kph
        Civilian free-flow speed.
    column_kph
        The column's speed.
    demand_pcu_h
        Civilian demand in the direction (all lanes), stretches x hour keys.
    ramp_pcu_h
        Demand of the on-ramps joining at each stretch's end, stretches x hour
        keys (0 where none).
    pass_h
        Hours the column takes to pass a point on each stretch.
    column_pcu_h
        The column's own flow in its lane, in pcu per hour.
    extra_vh_per_h
        Other costs (vehicle-hours) per hour the head spends on a stretch,
        stretches x hour keys (e.g. built-up areas at night).
    """

    time_h: FloatArray
    road: NDArray[np.int64]
    lanes: FloatArray
    free_kph: FloatArray
    column_kph: FloatArray
    demand_pcu_h: FloatArray
    ramp_pcu_h: FloatArray
    pass_h: FloatArray
    column_pcu_h: FloatArray
    extra_vh_per_h: FloatArray


@dataclass(frozen=True)
class _Rates:
    growth: FloatArray  # g, stretches x keys
    loss: FloatArray  # 1 - v_U / v_f, stretches
    exit_h: FloatArray  # L_trip / v_U, stretches
    spare: FloatArray  # n Q - q, stretches x keys


def _rates(sections: Sections, params: BottleneckParams) -> _Rates:
    lane_q = params.lane_capacity_pcu_h
    lanes = np.maximum(sections.lanes, 1.0)
    free = np.maximum(sections.free_kph, 1.0)
    column = np.minimum(sections.column_kph, free)
    relative = 1.0 - column / free
    passing = np.where(
        lanes > 1,
        params.lane_change_factor * (lanes - 1) * lane_q,
        params.overtaking_share * lane_q,
    )
    demand = np.minimum(sections.demand_pcu_h, (lanes * lane_q)[:, None])
    growth = (demand - passing[:, None]) * relative[:, None]
    wave = lane_q / (params.jam_density_pcu_km - lane_q / free)
    r = passing * relative
    k_u = (wave * lanes * params.jam_density_pcu_km - r) / (wave + column)
    v_u = np.clip((r + column * k_u) / np.maximum(k_u, 1e-9), column, free)
    return _Rates(
        growth=growth,
        loss=1.0 - v_u / free,
        exit_h=params.trip_length_km / np.maximum(v_u, 1e-6),
        spare=(lanes * lane_q)[:, None] - demand,
    )


def advance_queue(
    queue: FloatArray, growth: FloatArray, exit_h: FloatArray, duration_h: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Integrate ``dN/dt = g - N / T`` (``N >= 0``) exactly over ``duration_h``.

    Returns
    -------
    tuple
        The queue at the end and its area (vehicle-hours queued).
    """
    level = growth * exit_h
    gap = queue - level
    with np.errstate(divide="ignore", invalid="ignore"):
        empties = np.where(
            (level < 0) & (queue > 0), exit_h * np.log(gap / np.where(level < 0, -level, 1.0)), 0.0
        )
    active = np.where(level >= 0, duration_h, np.minimum(duration_h, empties))
    decay = np.exp(-active / exit_h)
    area = level * active + gap * exit_h * (1.0 - decay)
    end = np.where((level < 0) & (active < duration_h), 0.0, level + gap * decay)
    return np.maximum(end, 0.0), np.maximum(area, 0.0)


def _release(queue: FloatArray, spare: FloatArray, max_h: float) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        clear_h = np.where(spare > 0, queue / np.where(spare > 0, spare, 1.0), max_h)
    return queue * np.minimum(clear_h, max_h) / 2


def _ramp(ramp: FloatArray, pass_h: float, column: float, params: BottleneckParams) -> FloatArray:
    lane_q = params.lane_capacity_pcu_h
    ramp = np.minimum(ramp, lane_q)
    waiting = np.maximum(ramp - max(0.0, lane_q - column), 0.0) * pass_h
    spare = lane_q - ramp
    with np.errstate(divide="ignore", invalid="ignore"):
        clear_h = np.where(spare > 0, waiting / np.where(spare > 0, spare, 1.0), params.max_queue_h)
    return waiting * (pass_h + np.minimum(clear_h, params.max_queue_h)) / 2


def route_delays_vh(
    sections: Sections, start_h: FloatArray, clock: Clock, params: BottleneckParams
) -> FloatArray:
    """Civilian delay (vehicle-hours) of a column for each start time in ``start_h``.

    Parameters
    ----------
    sections
        The route.
    start_h
        Start times of the head (hours on the clock's scale), one per option slot.
    clock
        Hour key and next hour boundary of a time.
    params
        Model parameters.
    """
    total = section_delays_vh(sections, start_h, clock, params, by_section=False)
    return np.asarray(total[0], dtype=np.float64)


def section_delays_vh(
    sections: Sections,
    start_h: FloatArray,
    clock: Clock,
    params: BottleneckParams,
    *,
    by_section: bool = True,
) -> FloatArray:
    """Civilian delay per stretch (rows) and start time (columns), in vehicle-hours.

    A stretch carries the delay accrued while the column is on it, plus the
    release of the queue or the blocked on-ramp at its end. With
    ``by_section=False`` one row holds the route's total (faster).

    Each start is integrated on its own, bit for bit as if it were the only
    one: a start's delays do not depend on the other starts asked for (so
    every start of a grid may be computed once and cached).
    """
    rates = _rates(sections, params)
    now = np.array(start_h, dtype=np.float64)
    n = len(sections.time_h)
    queue = np.zeros_like(now)
    result = np.zeros((n if by_section else 1, len(now)))
    every = np.arange(len(now))
    has_ramp = np.asarray(sections.ramp_pcu_h.any(axis=1), dtype=bool)
    ramps = has_ramp.tolist()
    quiet = np.asarray(
        (rates.growth <= 0).all(axis=1) & ~sections.extra_vh_per_h.any(axis=1) & ~has_ramp,
        dtype=bool,
    )
    carried = False  # whether some start carries a queue into the stretch
    for i in range(n):
        end = now + sections.time_h[i]
        if quiet[i] and not carried:
            # Nothing to integrate, release or merge here (all of it would add 0.0).
            now = end
            continue
        row = result[i if by_section else 0]
        # Where no queue can form and nothing else costs, only a queue carried in needs
        # integrating: a start without one adds nothing here.
        moving = np.flatnonzero(queue > 0) if quiet[i] else every
        _drive(i, moving, now, end, queue, row, rates, sections, clock, params)
        carried = bool(queue.any())
        release = i == n - 1 or sections.road[i + 1] != sections.road[i]
        # The hour at the end matters only to a queue released or a ramp merging here
        # (releasing no queue adds 0.0).
        if (release and carried) or ramps[i]:
            key, _ = clock(np.nextafter(end, -np.inf))
        if release and carried:
            row += _release(queue, rates.spare[i, key], params.max_queue_h) / params.pcu_per_vehicle
            queue = np.zeros_like(queue)
            carried = False
        if ramps[i]:
            ramp = sections.ramp_pcu_h[i, key]
            if ramp.any():
                pass_h, column = float(sections.pass_h[i]), float(sections.column_pcu_h[i])
                row += _ramp(ramp, pass_h, column, params) / params.pcu_per_vehicle
        now = end
    return result


def _drive(
    i: int,
    moving: NDArray[np.intp],
    now: FloatArray,
    end: FloatArray,
    queue: FloatArray,
    row: FloatArray,
    rates: _Rates,
    sections: Sections,
    clock: Clock,
    params: BottleneckParams,
) -> None:
    """Integrate the starts ``moving`` over stretch ``i``, hour by hour (in place).

    A start leaves the loop as soon as its head reaches the stretch's end, so
    that the hour steps of other starts never touch its queue.
    """
    exit_h = rates.exit_h[i]
    while moving.size:
        at = now[moving]
        key, boundary = clock(at)
        stop = np.minimum(np.maximum(boundary, at), end[moving])
        queue[moving], area = advance_queue(queue[moving], rates.growth[i, key], exit_h, stop - at)
        row[moving] += rates.loss[i] * area / params.pcu_per_vehicle
        row[moving] += sections.extra_vh_per_h[i, key] * (stop - at)
        now[moving] = np.where(stop > at, stop, end[moving])
        moving = moving[now[moving] < end[moving]]
