"""Civilian delay of a column's road route, per start slot, with the demand's source.

Ties the road graph (an :class:`~mobility.routing.edges.EdgeTable`) to the
moving-bottleneck model: demand per edge, direction and hour key (measured
where a traffic file covers the edge's road, else the class default), the
on-ramps joining at each node, and a clock over the solver's minutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from mobility.routing.edges import EdgeTable
from mobility.schedule.disruption import NIGHT_HOURS, TrafficModel
from mobility.schedule.moving_bottleneck import (
    Clock,
    Sections,
    route_delays_vh,
    section_delays_vh,
)

FloatArray = NDArray[np.float64]
COMPASS = ("north", "east", "south", "west")


def compass(table: EdgeTable) -> list[str]:
    """Compass direction (nearest of four) of each edge, from its end nodes."""
    return [_compass_of(table, edge) for edge in range(table.n_edges)]


def _compass_of(table: EdgeTable, edge: int) -> str:
    """Compass direction (nearest of four) of one edge, from its end nodes."""
    u, v, _ = table.keys[edge]
    a, b = table.graph.nodes[u], table.graph.nodes[v]
    dx = (float(b.get("x", 0.0)) - float(a.get("x", 0.0))) * math.cos(
        math.radians(float(a.get("y", 0.0)))
    )
    dy = float(b.get("y", 0.0)) - float(a.get("y", 0.0))
    bearing = math.degrees(math.atan2(dx, dy)) % 360
    return COMPASS[round(bearing / 90) % 4]


def minute_clock(keys: NDArray[np.int64], clock_min: NDArray[np.int64]) -> Clock:
    """Make a :data:`Clock` over hours after the scenario start, from per-minute keys and clock.

    Beyond the last minute the key of the last minute holds.
    """
    last = len(keys) - 1
    to_boundary_h = (60 - clock_min % 60).astype(np.float64) / 60

    def at(hours: FloatArray) -> tuple[NDArray[np.int64], FloatArray]:
        # Called per stretch and hour step of every route: plain ufuncs, not np.clip
        # (the same values, at a fraction of the overhead).
        scaled = hours * 60
        minutes = np.minimum(np.maximum(scaled, 0), last)
        index = minutes.astype(np.int64)
        boundary = hours + to_boundary_h[index] - (minutes - index) / 60
        boundary = np.where(scaled >= last, hours + 1.0, boundary)
        return keys[index], np.maximum(boundary, hours + 1e-9)

    return at


class RoadCosts:
    """Demand per edge and hour key, and route costs through the bottleneck model.

    Attributes
    ----------
    demand_veh_h
        Civilian vehicles per hour in the edge's direction (all lanes), edges x
        48 hour keys (local hour, +24 on weekends and holidays).
    measured
        Whether the edge's demand comes from a traffic file.
    source
        Where each edge's demand comes from (file and line, or the default).

    Raises
    ------
    DataError
        When the traffic file has counts for a road the network does not have.
    """

    def __init__(self, table: EdgeTable, model: TrafficModel) -> None:
        self.table = table
        self.model = model
        highways = [str(table.data(e).get("highway") or "tertiary") for e in range(table.n_edges)]
        self.link = np.array([h.endswith("_link") for h in highways])
        self.lanes = np.nan_to_num(table.lanes, nan=1.0).clip(1, None)
        self.free_kph = np.nan_to_num(table.maxspeed_kph, nan=100.0).clip(30, 130)
        profiles = np.array([*model.profile(False), *model.profile(True)])
        daily = np.array([model.daily_volume(h) for h in highways])
        self.demand_veh_h = (daily * self.lanes)[:, None] * profiles[None, :]
        self.measured = np.zeros(table.n_edges, dtype=bool)
        self.source = [model.defaults.sources.get("weekday_profile", "default")] * table.n_edges
        self._apply_counts(highways)
        roads = [
            table.refs[e] or str(table.data(e).get("name") or highways[e])
            for e in range(table.n_edges)
        ]
        _, self.road_id = np.unique(np.array(roads, dtype=object).astype(str), return_inverse=True)
        ramp_lanes = np.zeros(table.n_nodes)
        np.add.at(ramp_lanes, table.v[self.link], self.lanes[self.link])
        self.ramp_lanes_at_v = ramp_lanes[table.v]
        self.ramp_veh_h = model.ramp_veh_per_lane_day * profiles
        self.night = np.array([1.0 if key % 24 in NIGHT_HOURS else 0.0 for key in range(48)])
        self._directions: dict[int, str] = {}

    def _apply_counts(self, highways: list[str]) -> None:
        counts = self.model.counts
        if counts is None:
            return
        counts.check_roads(ref for ref in self.table.refs if ref)
        directions = compass(self.table)
        for edge, ref in enumerate(self.table.refs):
            if not ref or highways[edge] == "" or self.link[edge]:
                continue
            day = counts.lookup(ref, directions[edge], "weekday")
            if day is None:
                continue
            off = counts.lookup(ref, directions[edge], "weekend")
            week = np.array(day.veh_h_per_lane)
            # Without weekend counts the default weekend (an assumption) stays.
            default_rest = self.demand_veh_h[edge, 24:] / self.lanes[edge]
            rest = np.array(off.veh_h_per_lane) if off else default_rest
            self.demand_veh_h[edge] = np.concatenate([week, rest]) * self.lanes[edge]
            self.measured[edge] = True
            self.source[edge] = day.source

    def sections(
        self, edges: NDArray[np.int64], edge_s: FloatArray, pass_h: FloatArray, vehicles: int
    ) -> Sections:
        """Cut the route into stretches (one per edge; merged later, an exact step)."""
        pcu = self.model.pcu_per_vehicle
        length_km = self.table.length_m[edges] / 1000
        time_h = np.asarray(edge_s, dtype=np.float64) / 3600
        column_kph = np.where(time_h > 0, length_km / np.where(time_h > 0, time_h, 1.0), 1.0)
        nxt = np.append(edges[1:], -1)
        ramp_here = (
            (nxt >= 0) & ~self.link[np.maximum(nxt, 0)] & self.table.expressway[np.maximum(nxt, 0)]
        )
        ramp_lanes = np.where(
            ramp_here,
            self.ramp_lanes_at_v[edges] - np.where(self.link[edges], self.lanes[edges], 0),
            0,
        )
        night = (
            self.model.built_up_night_vh_per_vehicle_km
            * vehicles
            * column_kph
            * self.table.built_up[edges]
        )
        pass_h = np.asarray(pass_h, dtype=np.float64)
        return Sections(
            time_h=time_h,
            road=self.road_id[edges],
            lanes=self.lanes[edges],
            free_kph=self.free_kph[edges],
            column_kph=column_kph,
            demand_pcu_h=self.demand_veh_h[edges] * pcu,
            ramp_pcu_h=np.clip(ramp_lanes, 0, None)[:, None] * self.ramp_veh_h[None, :] * pcu,
            pass_h=pass_h,
            column_pcu_h=vehicles * self.model.column_pce_per_vehicle / np.maximum(pass_h, 1e-9),
            extra_vh_per_h=night[:, None] * self.night[None, :],
        )

    def route_costs(
        self,
        edges: NDArray[np.int64],
        edge_s: FloatArray,
        pass_h: FloatArray,
        vehicles: int,
        start_h: FloatArray,
        clock: Clock,
    ) -> FloatArray:
        """Civilian delay (vehicle-hours) of the route for each start time.

        Each start's delay is the one it has alone (:func:`section_delays_vh`).
        """
        sections = merge_sections(self.sections(edges, edge_s, pass_h, vehicles))
        return route_delays_vh(sections, start_h, clock, self.model.bottleneck())

    def directions(self, edges: Iterable[int]) -> list[str]:
        """Compass direction (:func:`compass`) of each of ``edges``, each edge worked out once.

        Only the edges of planned routes are asked for: on a country-size
        network the whole table's directions took seconds (#13).
        """
        known = self._directions
        found = []
        for edge in edges:
            if edge not in known:
                known[edge] = _compass_of(self.table, edge)
            found.append(known[edge])
        return found

    def edge_delays(
        self,
        edges: NDArray[np.int64],
        edge_s: FloatArray,
        pass_h: FloatArray,
        vehicles: int,
        start_h: FloatArray,
        clock: Clock,
    ) -> tuple[FloatArray, NDArray[np.int64]]:
        """Civilian delay per route edge (rows) and start (columns), and when the head enters.

        Returns
        -------
        tuple
            The delays (vehicle-hours, edges x starts) and the hour key at which
            the head enters each edge (starts x edges). Each start's delays are
            those it has alone (:func:`section_delays_vh`).
        """
        sections = self.sections(edges, edge_s, pass_h, vehicles)
        start_h = np.asarray(start_h, dtype=np.float64)
        delays = section_delays_vh(sections, start_h, clock, self.model.bottleneck())
        offset_h = np.concatenate([[0.0], np.cumsum(sections.time_h)[:-1]])
        keys, _ = clock(start_h[:, None] + offset_h[None, :])
        return delays, keys

    def breakdown(
        self,
        edges: NDArray[np.int64],
        edge_s: FloatArray,
        pass_h: FloatArray,
        vehicles: int,
        start_h: float,
        clock: Clock,
    ) -> list[dict[str, object]]:
        """Civilian delay of one start per route edge, with its hour and demand source.

        Rows: ``road``, ``direction``, ``hour_key`` (when the head enters),
        ``delay_vh``, ``demand`` (``measured``/``default``) and ``source``.
        The rows sum to :meth:`route_costs` for that start.
        """
        delays, keys = self.edge_delays(edges, edge_s, pass_h, vehicles, np.array([start_h]), clock)
        directions = self.directions(edges.tolist())
        return [
            {
                "road": self.table.refs[e],
                "direction": directions[i],
                "hour_key": int(keys[0, i]),
                "delay_vh": float(delays[i, 0]),
                "demand": "measured" if self.measured[e] else "default",
                "source": self.source[e],
            }
            for i, e in enumerate(edges.tolist())
        ]


def merge_sections(sections: Sections) -> Sections:
    """Join consecutive stretches with equal rates and no ramp between them.

    Exact: the queue equation is autonomous on a stretch of constant rates, so
    integrating two such stretches one after the other equals integrating
    their sum.
    """
    n = len(sections.time_h)
    if n < 2:
        return sections
    per_edge = np.column_stack(
        [
            sections.road,
            sections.lanes,
            sections.free_kph,
            sections.column_kph,
            sections.demand_pcu_h,
            sections.extra_vh_per_h,
        ]
    )
    same = np.all(np.isclose(per_edge[1:], per_edge[:-1], rtol=1e-12, atol=0), axis=1)
    same &= ~sections.ramp_pcu_h[:-1].any(axis=1)
    group = np.concatenate([[0], np.cumsum(~same)])
    last = np.append(np.flatnonzero(np.diff(group)), n - 1)
    first = np.concatenate([[0], last[:-1] + 1])
    return Sections(
        time_h=np.add.reduceat(sections.time_h, first),
        road=sections.road[last],
        lanes=sections.lanes[last],
        free_kph=sections.free_kph[last],
        column_kph=sections.column_kph[last],
        demand_pcu_h=sections.demand_pcu_h[last],
        ramp_pcu_h=sections.ramp_pcu_h[last],
        pass_h=sections.pass_h[last],
        column_pcu_h=sections.column_pcu_h[last],
        extra_vh_per_h=sections.extra_vh_per_h[last],
    )
