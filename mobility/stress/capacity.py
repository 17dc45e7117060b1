"""How many military vehicles a day each edge, port and terminal can pass.

The corridor throughput (:mod:`mobility.stress._throughput`) is a maximum
flow over these capacities, in **vehicles per day**, rounded down to whole
vehicles. Every figure below is a labelled assumption in
:class:`CapacityModel`; change it there, not in code.

Road edges (per direction)
    Columns move in march units of ``march_unit_vehicles`` vehicles at the
    formation's interval (open column: 50 m built-up, 100 m elsewhere;
    STANAG 2454 / FM 11-43) and at the column speed of the edge (FM 11-43:
    built-up 24 km/h, two-lane 40, expressway 66, at most 60 km/h on Dutch
    roads, the posted limit and the slowest vehicle), with 5-minute gaps
    between march units and 10 minutes between serials of 4 (FM 55-30
    planning values, as in :class:`~mobility.model.column.ColumnRules`).
    One lane carries ``3600 x n / (n x interval / speed + mean gap)``
    vehicles an hour, at most the civilian lane capacity of 2,100 veh/h
    (ROA 2017, 15 % trucks). A column takes one lane (the others stay with
    civilian traffic): ``column_lanes`` of the edge's lanes, at most the
    lanes it has. Columns run ``road_hours_per_day`` hours a day (20: the
    weekday peaks 07-09 and 16-18 are avoided). Open column on a motorway:
    25 vehicles at 100 m and 60 km/h pass in 150 s, plus a mean gap of
    375 s: 171 veh/h, 3,428 veh/day per lane.
Rail edges (per direction)
    ``rail_paths_per_hour`` military train paths an hour on double track
    (a line of ``tracks`` tracks has ``tracks // 2`` such pairs; a single
    track line half a path, as both directions share it), for
    ``rail_hours_per_day`` hours, times ``vehicles_per_train`` (a 740 m
    train, the EU target length, of about 35 flat wagons with one vehicle
    each). Conventional lines allow a train every 3 minutes at most; one
    military path an hour leaves the rest to passenger and freight traffic.
Ports (road sources)
    The gate rate of the scenario's capacities (default 150 veh/h, the
    scenario default) for ``road_hours_per_day`` hours.
Rail terminals (rail sources)
    ``trains_per_day`` of the corridor file times ``vehicles_per_train``
    (loading ramps are scarce); unlimited where the file gives no figure.
Border crossings (sinks)
    The capacity of the edges into the crossing's node, times the open
    share of the day (curfews, windows); zero when closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.model.column import FORMATIONS, ColumnRules
from mobility.routing.edges import EdgeTable
from mobility.routing.timing import MarchSpeeds, by_road_type, column_speeds_kph

_RULES = ColumnRules()


@dataclass(frozen=True)
class CapacityModel:
    """The capacity assumptions (see the module notes for their sources).

    Attributes
    ----------
    lane_capacity_veh_per_h
        Civilian capacity of a motorway lane (ROA 2017): an upper bound.
    column_lanes
        Lanes a direction gives to columns (one: the others stay civilian).
    formation
        ``close``, ``open`` or ``extended``.
    march_unit_vehicles, march_units_per_serial
        Column organisation.
    march_unit_gap_s, serial_gap_s
        Time gaps between march units and between serials.
    road_hours_per_day
        Hours a day columns run.
    port_exit_veh_per_h
        Gate rate of each port by place id (``default`` for the others).
    rail_paths_per_hour
        Military train paths an hour and direction on a double track.
    rail_hours_per_day
        Hours a day military trains run.
    vehicles_per_train
        Vehicles one military train carries.
    speeds
        Column speeds per road type.
    """

    lane_capacity_veh_per_h: float = 2100.0
    column_lanes: int = 1
    formation: str = "open"
    march_unit_vehicles: int = _RULES.march_unit_max
    march_units_per_serial: int = _RULES.march_units_per_serial
    march_unit_gap_s: float = _RULES.march_unit_gap_s
    serial_gap_s: float = _RULES.serial_gap_s
    road_hours_per_day: float = 20.0
    port_exit_veh_per_h: Mapping[str, float] = field(default_factory=lambda: {"default": 150.0})
    rail_paths_per_hour: float = 1.0
    rail_hours_per_day: float = 24.0
    vehicles_per_train: int = 35
    speeds: MarchSpeeds = field(default_factory=MarchSpeeds)

    def __post_init__(self) -> None:
        if self.formation not in FORMATIONS:
            raise DataError(
                f"capacity model formation {self.formation!r} is not one of {', '.join(FORMATIONS)}"
            )
        for name in ("lane_capacity_veh_per_h", "rail_paths_per_hour"):
            if not getattr(self, name) > 0:
                raise DataError(f"capacity model {name} must be > 0, got {getattr(self, name)!r}")
        for name in ("column_lanes", "march_unit_vehicles", "march_units_per_serial"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise DataError(f"capacity model {name} must be a whole number >= 1, got {value!r}")
        for name in ("road_hours_per_day", "rail_hours_per_day"):
            if not 0 < getattr(self, name) <= 24:
                raise DataError(
                    f"capacity model {name} must be in (0, 24], got {getattr(self, name)!r}"
                )
        if self.march_unit_gap_s < 0 or self.serial_gap_s < 0:
            raise DataError("capacity model gaps must be >= 0 s")
        if self.vehicles_per_train < 1:
            raise DataError(
                f"capacity model vehicles_per_train must be >= 1, got {self.vehicles_per_train!r}"
            )
        for key, rate in self.port_exit_veh_per_h.items():
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1e9:
                raise DataError(
                    f"capacity model port_exit_veh_per_h[{key!r}] must be a finite number "
                    f">= 0, got {rate!r}"
                )

    @property
    def mean_gap_s(self) -> float:
        """Mean gap after a march unit (every ``march_units_per_serial``-th is a serial gap)."""
        k = self.march_units_per_serial
        return ((k - 1) * self.march_unit_gap_s + self.serial_gap_s) / k

    def lane_flow_veh_per_h(self, interval_m: float, speed_kph: float) -> float:
        """Vehicles an hour one lane of columns passes at this interval and speed."""
        n = self.march_unit_vehicles
        cycle_s = n * interval_m / (speed_kph / 3.6) + self.mean_gap_s
        return min(3600.0 * n / cycle_s, self.lane_capacity_veh_per_h)

    def port_rate_veh_per_h(self, *keys: str) -> float:
        """Gate rate of a port, looked up by its id or name."""
        for key in keys:
            if key in self.port_exit_veh_per_h:
                return float(self.port_exit_veh_per_h[key])
        return float(self.port_exit_veh_per_h.get("default", 150.0))

    def train_vehicles_per_day(self, trains_per_day: float) -> float:
        """Vehicles a day of ``trains_per_day`` military trains."""
        return trains_per_day * self.vehicles_per_train


def road_capacity_veh_per_day(
    table: EdgeTable, model: CapacityModel, max_speed_kph: float = 60.0
) -> NDArray[np.float64]:
    """Vehicles a day every road edge passes (see the module notes).

    Parameters
    ----------
    table
        Edge table of the road graph.
    model
        Capacity assumptions.
    max_speed_kph
        Speed of the slowest vehicle of the class.
    """
    speed_kph = column_speeds_kph(table, max_speed_kph, model.speeds)
    intervals = FORMATIONS[model.formation].interval_m
    interval_m = by_road_type(table, intervals)
    n = model.march_unit_vehicles
    cycle_s = n * interval_m / (speed_kph / 3.6) + model.mean_gap_s
    lane_flow = np.minimum(3600.0 * n / cycle_s, model.lane_capacity_veh_per_h)
    lanes = np.nan_to_num(table.lanes, nan=1.0).clip(1.0, None)
    column_lanes = np.minimum(lanes, model.column_lanes)
    return np.asarray(lane_flow * column_lanes * model.road_hours_per_day, dtype=np.float64)


def rail_tracks(graph: nx.MultiDiGraph, table: EdgeTable) -> NDArray[np.float64]:
    """Tracks of every rail edge (1 where untagged or unreadable)."""
    tracks = np.ones(table.n_edges, dtype=np.float64)
    for edge, (u, v, key) in enumerate(table.keys):
        value = graph.edges[u, v, key].get("tracks")
        value = value[0] if isinstance(value, list) and value else value
        try:
            tracks[edge] = max(1.0, float(value))
        except (TypeError, ValueError):
            tracks[edge] = 1.0
    return tracks


def rail_capacity_veh_per_day(table: EdgeTable, model: CapacityModel) -> NDArray[np.float64]:
    """Vehicles a day every rail edge passes (see the module notes)."""
    tracks = rail_tracks(table.graph, table)
    pairs = np.where(tracks >= 2, np.floor(tracks / 2), 0.5)
    return np.asarray(
        pairs * model.rail_paths_per_hour * model.rail_hours_per_day * model.vehicles_per_train,
        dtype=np.float64,
    )
