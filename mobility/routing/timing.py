"""March speeds, edge traversal times and the rules for halts.

Column speed on an edge is the lowest of: the doctrinal speed of its road
type (FM 11-43: built-up 24 km/h, two-lane roads 40 km/h, expressways
66 km/h), the Dutch limit for military columns (60 km/h), the posted limit,
and the slowest vehicle. Built-up means a posted limit of 50 km/h or less
(the Dutch *bebouwde kom* limit), as OSM carries no built-up flag on roads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.model.column import RoadType
from mobility.routing.edges import EdgeTable


@dataclass(frozen=True)
class MarchSpeeds:
    """Column speeds in km/h.

    Attributes
    ----------
    built_up_kph, rural_kph, expressway_kph
        Doctrinal speeds per road type (FM 11-43).
    national_max_kph
        Highest speed of a military column on Dutch roads.
    rail_kph
        Speed of a military train where the line has no posted limit.
    """

    built_up_kph: float = 24.0
    rural_kph: float = 40.0
    expressway_kph: float = 66.0
    national_max_kph: float = 60.0
    rail_kph: float = 80.0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not value > 0:
                raise DataError(f"march speed {name} must be > 0 km/h, got {value!r}")


@dataclass(frozen=True)
class HaltRules:
    """When a column halts.

    Attributes
    ----------
    halt_every_s
        Longest drive between halts (doctrine: about two hours).
    earliest_halt_s
        Shortest drive before a halt may be taken at a support centre
        passed early (so that halts land where the column can park).
    short_halt_s
        Length of a scheduled halt.
    break_after_s, break_s
        EU 561/2006: a 45-minute break after at most 4.5 h of driving.
    daily_driving_s, daily_rest_s
        EU 561/2006: at most 9 h of driving a day, then an 11 h daily rest.
    finish_grace_s
        A column this close to its destination drives on instead of halting,
        if the driving-time limits allow.
    max_off_route_m
        Farthest a halt site may lie from the route (assumption: 3 km, a
        site reached from the nearest exit).
    detour_kph
        Speed of the drive from the route to a halt site and back (assumption).
    """

    halt_every_s: float = 2 * 3600.0
    earliest_halt_s: float = 1.5 * 3600.0
    short_halt_s: float = 15 * 60.0
    break_after_s: float = 4.5 * 3600.0
    break_s: float = 45 * 60.0
    daily_driving_s: float = 9 * 3600.0
    daily_rest_s: float = 11 * 3600.0
    finish_grace_s: float = 30 * 60.0
    max_off_route_m: float = 3000.0
    detour_kph: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < self.earliest_halt_s <= self.halt_every_s <= self.break_after_s:
            raise DataError(
                "halt rules must satisfy 0 < earliest_halt_s <= halt_every_s <= break_after_s"
            )
        if not self.max_off_route_m >= 0 or not self.detour_kph > 0:
            raise DataError("halt rules need max_off_route_m >= 0 and detour_kph > 0")
        if self.break_after_s > self.daily_driving_s:
            raise DataError("break_after_s must not exceed daily_driving_s")


def road_types(table: EdgeTable) -> NDArray[np.str_]:
    """Road type of every edge: ``built_up``, ``rural`` or ``expressway``."""
    kinds = np.full(table.n_edges, "rural", dtype="<U10")
    kinds[table.expressway] = "expressway"
    kinds[table.built_up] = "built_up"
    return kinds


def by_road_type(table: EdgeTable, values: Mapping[RoadType, float]) -> NDArray[np.float64]:
    """Every edge's value for its road type (as :func:`road_types` classifies it).

    ``values`` maps ``rural``, ``expressway`` and ``built_up`` to a number.
    """
    out = np.full(table.n_edges, values["rural"], dtype=np.float64)
    out[table.expressway] = values["expressway"]
    out[table.built_up] = values["built_up"]
    return out


def column_speeds_kph(
    table: EdgeTable, max_speed_kph: float, speeds: MarchSpeeds | None = None
) -> NDArray[np.float64]:
    """Column speed on every road edge."""
    speeds = speeds or MarchSpeeds()
    doctrine = by_road_type(
        table,
        {
            "rural": speeds.rural_kph,
            "expressway": speeds.expressway_kph,
            "built_up": speeds.built_up_kph,
        },
    )
    posted = np.nan_to_num(table.maxspeed_kph, nan=np.inf)
    cap = np.full(table.n_edges, min(max_speed_kph, speeds.national_max_kph))
    return np.asarray(np.minimum(np.minimum(doctrine, posted), cap), dtype=np.float64)


def train_speeds_kph(
    table: EdgeTable, max_speed_kph: float, speeds: MarchSpeeds | None = None
) -> NDArray[np.float64]:
    """Train speed on every rail edge: line limit, capped by the train's."""
    speeds = speeds or MarchSpeeds()
    posted = np.nan_to_num(table.maxspeed_kph, nan=speeds.rail_kph)
    return np.minimum(posted, min(max_speed_kph, speeds.rail_kph))


def travel_times_s(table: EdgeTable, speeds_kph: NDArray[np.float64]) -> NDArray[np.float64]:
    """Time for the head of a column to cross every edge."""
    return np.asarray(table.length_m / (speeds_kph / 3.6), dtype=np.float64)


def road_type_of(table: EdgeTable, edge: int) -> RoadType:
    """Road type of one edge."""
    if table.built_up[edge]:
        return "built_up"
    return "expressway" if table.expressway[edge] else "rural"
