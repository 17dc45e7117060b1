"""Civilian disruption: delay to other traffic when a column uses a road.

Per road stretch, direction and hour:

1. **Civilian demand** per lane in the direction of travel: from a user's
   traffic file where it covers the road (``mobility.traffic``: NDW exports
   or the simple count CSV, *measured*), else from the class defaults in
   ``traffic-profiles.yaml`` (*default*): a working-day volume per lane by
   road class spread over the day by an hourly profile, both calibrated on
   NDW loop-detector days for motorways; the other classes and weekends and
   public holidays (``holidays``, NL) are labelled assumptions.
2. **Delay** of the moving bottleneck the column makes, along its whole
   route, in :mod:`mobility.schedule.moving_bottleneck` (Newell 1998;
   Daganzo & Laval 2005): the queue behind the column is carried from edge
   to edge and integrated exactly, so that the cost does not depend on how a
   road is cut into edges; on-ramps the column blocks add their own queue.
3. **Penalties**: passage through built-up areas at night (23:00-06:00,
   noise and sleep) counts as vehicle-hours per column vehicle-km; a rail
   path taken from passenger or freight traffic at a given hour counts as
   the trains displaced times their delay (a labelled assumption).

Delays are in civilian vehicle-hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from mobility.model.clock import LOCAL_TIME, is_day_off
from mobility.schedule.moving_bottleneck import BottleneckParams
from mobility.traffic.counts import TrafficCounts
from mobility.traffic.profiles import TrafficDefaults, default_traffic

if TYPE_CHECKING:
    from mobility.traffic.gtfs import Timetable

__all__ = [
    "LOCAL_TIME",
    "NIGHT_HOURS",
    "PEAK_HOURS",
    "TrafficModel",
    "default_traffic",
    "hourly_share",
    "is_day_off",
    "is_peak",
]

PEAK_HOURS = frozenset({7, 8, 16, 17})
NIGHT_HOURS = frozenset({23, 0, 1, 2, 3, 4, 5})


@dataclass(frozen=True)
class TrafficModel:
    """Parameters of the civilian disruption model.

    Attributes
    ----------
    defaults
        Class defaults of demand (``traffic-profiles.yaml``).
    counts
        Measured demand from a user's traffic file, by road and direction.
    lane_capacity_veh_h
        Vehicles per hour per lane (ROA 2017: 2,100 on motorways at 15 % trucks).
    truck_share
        Share of trucks in civilian traffic (assumption: the ROA 2017 reference
        15 %; the NDW exports used carry no vehicle classes).
    truck_pce
        Passenger-car equivalents of a truck (HCM 6th ed. 2016, level terrain).
    column_pce_per_vehicle
        Passenger-car equivalents of a column vehicle (assumption: military
        trucks and armour, longer and slower to accelerate than a lorry).
    jam_density_pcu_km
        Jam density per lane (assumption: 7.5 m per car at standstill).
    lane_change_factor
        Share of the remaining lanes' capacity that gets past a column
        (assumption; lane changes cost capacity, Daganzo & Laval 2005).
    overtaking_share
        Share of a single lane's capacity that overtakes a column on a
        single-lane carriageway (assumption).
    trip_length_km
        Mean distance after which a queued vehicle leaves at an exit (assumption).
    ramp_veh_per_lane_day
        Working-day vehicles per on-ramp lane, spread by the profile (assumption).
    built_up_night_vh_per_vehicle_km
        Penalty in vehicle-hours per column vehicle-km through built-up
        areas at night.
    max_queue_h
        Cap on the time a released queue takes to clear (in the peak the
        queue would not clear by itself).
    rail_timetable
        Passenger trains from a user's GTFS feed; where it covers a rail line
        section, the trains a military path displaces are counted from it
        instead of assumed (:mod:`mobility.traffic.gtfs`).
    """

    defaults: TrafficDefaults = field(default_factory=default_traffic)
    counts: TrafficCounts | None = None
    lane_capacity_veh_h: float = 2100.0
    truck_share: float = 0.15
    truck_pce: float = 2.0
    column_pce_per_vehicle: float = 2.5
    jam_density_pcu_km: float = 133.0
    lane_change_factor: float = 0.9
    overtaking_share: float = 0.3
    trip_length_km: float = 20.0
    ramp_veh_per_lane_day: float = 8000.0
    built_up_night_vh_per_vehicle_km: float = 0.01
    max_queue_h: float = 2.0
    rail_timetable: Timetable | None = None

    @property
    def pcu_per_vehicle(self) -> float:
        """Passenger-car units of an average civilian vehicle."""
        return 1.0 + self.truck_share * (self.truck_pce - 1.0)

    def bottleneck(self) -> BottleneckParams:
        """Return the moving-bottleneck parameters, flows in pcu."""
        return BottleneckParams(
            lane_capacity_pcu_h=self.lane_capacity_veh_h * self.pcu_per_vehicle,
            jam_density_pcu_km=self.jam_density_pcu_km,
            lane_change_factor=self.lane_change_factor,
            overtaking_share=self.overtaking_share,
            trip_length_km=self.trip_length_km,
            max_queue_h=self.max_queue_h,
            pcu_per_vehicle=self.pcu_per_vehicle,
        )

    def daily_volume(self, highway: str) -> float:
        """Working-day vehicles per lane of a road class (links count as their road)."""
        return self.defaults.daily(highway)

    def profile(self, day_off: bool) -> tuple[float, ...]:
        """Hourly shares of a working day or a day off, scaled to the working-day volume."""
        if day_off:
            scale = self.defaults.weekend_scale
            return tuple(scale * s for s in self.defaults.weekend_profile)
        return self.defaults.weekday_profile


def hourly_share(moment: datetime, model: TrafficModel | None = None) -> float:
    """Share of that day's volume travelling in the local hour of ``moment``."""
    return (model.defaults if model else default_traffic()).hourly_share(moment)


def is_peak(moment: datetime) -> bool:
    """Whether ``moment`` falls in a weekday peak hour (07-09, 16-18 local)."""
    local = moment.astimezone(LOCAL_TIME)
    return not is_day_off(local.date()) and local.hour in PEAK_HOURS
