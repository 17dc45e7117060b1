"""Civilian disruption: delay to other traffic when a column uses a road.

The model, per road segment and hour (all figures are labelled planning
assumptions, editable through :class:`TrafficModel`):

1. **Civilian demand** per lane in one direction: a daily volume per lane by
   road class, spread over the day by an hourly profile. Weekdays have the
   Dutch peaks (07-09 and 16-18, worst around 08:00 and 17:00); weekends and
   public holidays (``holidays``, NL) have a flat midday hump.
2. **Capacity left** while a column occupies the road: a lane carries about
   2,100 vehicles per hour (ROA 2017, motorway at 15 % trucks); a column
   takes one lane; on a single-lane carriageway it takes the lane, and
   traffic gets past at a reduced overtaking rate.
3. **Delay** by deterministic queueing (May, *Traffic Flow Fundamentals*,
   1990, ch. 11): while demand exceeds the capacity left, a queue grows; it
   clears at full capacity once the column has gone. Total delay is the
   area of the queue triangle. Below capacity the slowing of traffic follows
   the BPR link performance function (Bureau of Public Roads 1964):
   t = t0 (1 + 0.15 (v/c)^4).
4. **Penalties**: passage through built-up areas at night (23:00-06:00,
   noise and sleep) counts as vehicle-hours per column vehicle-km; a rail
   path taken from passenger or freight traffic at a given hour counts as
   the trains displaced times their delay.

Delays are in civilian vehicle-hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np
from numpy.typing import NDArray

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def _shares(weights: tuple[float, ...]) -> tuple[float, ...]:
    total = sum(weights)
    return tuple(w / total for w in weights)


#: Share of the daily volume per lane and direction in each local hour, weekdays.
#: Shape after Dutch motorway loop-detector profiles (NDW): morning peak 07-09
#: with its top at 08, evening peak 16-18 with its top at 17.
WEEKDAY_PROFILE = _shares((
    0.008, 0.005, 0.004, 0.004, 0.008, 0.022, 0.052, 0.082, 0.088, 0.064, 0.052, 0.050,
    0.050, 0.051, 0.054, 0.064, 0.080, 0.086, 0.068, 0.046, 0.034, 0.028, 0.021, 0.014,
))  # fmt: skip
#: Weekends and public holidays: no commuter peaks, a midday hump.
WEEKEND_PROFILE = _shares((
    0.012, 0.009, 0.007, 0.005, 0.005, 0.008, 0.014, 0.024, 0.040, 0.055, 0.066, 0.073,
    0.076, 0.076, 0.075, 0.073, 0.070, 0.065, 0.056, 0.047, 0.040, 0.033, 0.025, 0.016,
))  # fmt: skip
PEAK_HOURS = frozenset({7, 8, 16, 17})
NIGHT_HOURS = frozenset({23, 0, 1, 2, 3, 4, 5})


@dataclass(frozen=True)
class TrafficModel:
    """Parameters of the civilian disruption model.

    Attributes
    ----------
    daily_vehicles_per_lane
        Daily civilian vehicles per lane and direction by road class
        (assumption: Dutch motorways carry 80-110 thousand a day on 2x3
        lanes at their busiest points, rural roads far less).
    lane_capacity_veh_h
        Vehicles per hour per lane (ROA 2017: 2,100 on motorways at 15 % trucks).
    overtaking_share
        Share of a single lane's capacity that gets past a column on a
        single-lane carriageway.
    built_up_night_vh_per_vehicle_km
        Penalty in vehicle-hours per column vehicle-km through built-up
        areas at night.
    max_queue_h
        Cap on the time a queue takes to clear (when demand stays above
        capacity, e.g. in the peak, the queue would not clear by itself).
    """

    daily_vehicles_per_lane: Mapping[str, float] = field(
        default_factory=lambda: {
            "motorway": 16_000.0,
            "trunk": 10_000.0,
            "primary": 7_000.0,
            "secondary": 4_000.0,
            "tertiary": 2_500.0,
        }
    )
    lane_capacity_veh_h: float = 2100.0
    overtaking_share: float = 0.3
    built_up_night_vh_per_vehicle_km: float = 0.01
    max_queue_h: float = 2.0

    def daily_volume(self, highway: str) -> float:
        """Daily vehicles per lane of a road class (links count as their road)."""
        base = highway.removesuffix("_link")
        return self.daily_vehicles_per_lane.get(base, self.daily_vehicles_per_lane["tertiary"])


@lru_cache(maxsize=4096)
def is_day_off(day: date) -> bool:
    """Whether a date is a weekend day or a Dutch public holiday."""
    return day.weekday() >= 5 or day in holidays.country_holidays("NL", years=day.year)


def hourly_share(moment: datetime) -> float:
    """Share of the daily volume travelling in the local hour of ``moment``."""
    local = moment.astimezone(LOCAL_TIME)
    profile = WEEKEND_PROFILE if is_day_off(local.date()) else WEEKDAY_PROFILE
    return profile[local.hour]


def is_peak(moment: datetime) -> bool:
    """Whether ``moment`` falls in a weekday peak hour (07-09, 16-18 local)."""
    local = moment.astimezone(LOCAL_TIME)
    return not is_day_off(local.date()) and local.hour in PEAK_HOURS


def segment_delay_vh(
    demand_veh_h: float,
    lanes: int,
    occupied_h: float,
    travel_time_h: float,
    model: TrafficModel | None = None,
) -> float:
    """Civilian delay on one segment and direction while a column occupies it.

    Parameters
    ----------
    demand_veh_h
        Civilian vehicles per hour in the direction of the column (all lanes).
    lanes
        Lanes in that direction.
    occupied_h
        Hours the column occupies the segment (its pass time).
    travel_time_h
        Free-flow travel time of a civilian vehicle over the segment.
    model
        Parameters; defaults to :class:`TrafficModel`.

    Returns
    -------
    float
        Vehicle-hours of delay: queueing delay where demand exceeds the
        capacity left, plus the BPR slowdown of the traffic that flows.
    """
    delays = segment_delays_vh(
        np.array([demand_veh_h]),
        np.array([lanes]),
        np.array([occupied_h]),
        np.array([travel_time_h]),
        model,
    )
    return float(delays[0])


def segment_delays_vh(
    demand_veh_h: NDArray[np.float64],
    lanes: NDArray[np.int64] | NDArray[np.float64],
    occupied_h: NDArray[np.float64],
    travel_time_h: NDArray[np.float64],
    model: TrafficModel | None = None,
) -> NDArray[np.float64]:
    """Vectorised :func:`segment_delay_vh` over broadcastable arrays."""
    model = model or TrafficModel()
    lanes = np.maximum(np.asarray(lanes, dtype=np.float64), 1.0)
    lane_capacity = model.lane_capacity_veh_h
    capacity = lane_capacity * lanes
    left = np.where(lanes > 1, lane_capacity * (lanes - 1), lane_capacity * model.overtaking_share)
    growth = np.maximum(demand_veh_h - left, 0.0)
    peak_queue = growth * occupied_h
    spare = capacity - demand_veh_h
    with np.errstate(divide="ignore", invalid="ignore"):
        clear_h = np.where(spare > 0, peak_queue / np.where(spare > 0, spare, 1.0), np.inf)
    clear_h = np.minimum(clear_h, model.max_queue_h)
    queue_vh = 0.5 * peak_queue * (occupied_h + clear_h)
    flowing = np.minimum(demand_veh_h, left)
    bpr_vh = flowing * occupied_h * travel_time_h * 0.15 * (flowing / left) ** 4
    return np.asarray(queue_vh + bpr_vh, dtype=np.float64)


def rail_path_cost_vh(moment: datetime, passenger_trains_per_h: float = 4.0) -> float:
    """Delay equivalent of taking one rail path at ``moment``.

    A military train on a mixed line displaces the regular trains of its
    path; the cost is the trains displaced in that hour (scaled by the hourly
    profile against a flat day) times an assumed 300 passengers delayed 15
    minutes each, in vehicle-hour equivalents at 1.3 persons per car.
    """
    flat_share = 1 / 24
    trains = passenger_trains_per_h * hourly_share(moment) / flat_share
    return trains * 300 * 0.25 / 1.3
