"""What a column's schedule on a found path needs: pass times, halt sites, reversals.

The router times every alternative it finds, and re-times given paths for
other columns (:meth:`~mobility.routing.router.Router.retime`,
:meth:`~mobility.routing.router.Router.reschedule`), with these pieces and
:func:`~mobility.routing.column_timing.column_schedule`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mobility.model.column import Column, parking_area_m2
from mobility.routing._halt_choice import Halting
from mobility.routing._mode_data import ModeData
from mobility.routing.column_timing import ColumnSchedule
from mobility.routing.edges import EdgeTable
from mobility.routing.halt_sites import ColumnFootprint, HaltSite, RouteSite, snap_sites
from mobility.routing.timing import HaltRules, by_road_type

#: Length of a military train for its pass time (EU target length).
TRAIN_LENGTH_M = 740.0


def column_pass_times(
    table: EdgeTable, column: Column, speeds_kph: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Time the column takes to pass a point of every edge at the given speeds (s)."""
    intervals = column.rules.formation.interval_m
    interval = by_road_type(table, intervals)
    return np.asarray(column.count * interval / (speeds_kph / 3.6) + column.time_gaps_s)


def train_pass_times(speeds_kph: NDArray[np.float64]) -> NDArray[np.float64]:
    """Time a military train takes to pass a point of every edge (s)."""
    return np.asarray(TRAIN_LENGTH_M / (speeds_kph / 3.6))


def column_footprint(column: Column) -> ColumnFootprint:
    """Vehicles and parking area of the column, against which halt sites are checked."""
    return ColumnFootprint(
        column.count, parking_area_m2(v for unit in column.march_units for v in unit.vehicles)
    )


def route_sites(
    table: EdgeTable, edges: Sequence[int], sites: Sequence[HaltSite], rules: HaltRules
) -> list[RouteSite]:
    """Halt sites within reach of a route, snapped to its nodes."""
    nodes = [*table.u[np.asarray(edges)].tolist(), int(table.v[edges[-1]])]
    graph_nodes = table.graph.nodes
    ids = table.nodes[np.asarray(nodes)].tolist()
    lon = np.array([graph_nodes[n]["x"] for n in ids], dtype=np.float64)
    lat = np.array([graph_nodes[n]["y"] for n in ids], dtype=np.float64)
    return snap_sites(sites, lon, lat, rules.max_off_route_m, rules.detour_kph)


def road_halting(
    table: EdgeTable,
    edges: Sequence[int],
    column: Column,
    *,
    sites: Sequence[HaltSite],
    rules: HaltRules,
    known: dict[tuple[int, ...], tuple[RouteSite, ...]] | None = None,
) -> Halting:
    """How a road column halts on ``edges``: the rules, the sites in reach, its footprint.

    ``known`` keeps the sites in reach per path, for callers whose sites and
    rules do not change (a router): march units of a request share paths.
    """
    path = tuple(int(e) for e in edges)
    found = None if known is None else known.get(path)
    if found is None:
        found = tuple(route_sites(table, path, sites, rules))
        if known is not None:
            known[path] = found
    return Halting(rules=rules, sites=found, footprint=column_footprint(column))


def with_reversals(
    data: ModeData,
    edges: tuple[int, ...],
    weights: NDArray[np.float64],
    notes: list[str],
    designation: str,
) -> NDArray[np.float64]:
    """Edge times of a route with the time of each reversal added to the edge after it.

    A note per reversal is added to ``notes``; ``weights`` is not changed.
    """
    if data.arcs is None or not data.reversal_arcs or len(edges) < 2:
        return weights
    travel_s = weights
    for before, after in itertools.pairwise(edges):
        cost_s = data.reversal_arcs.get((before, after))
        if cost_s is None:
            continue
        if travel_s is weights:
            travel_s = weights.copy()
        travel_s[after] += cost_s
        node = data.table.v[before]
        where = data.points.names.get(int(node), f"node {data.table.nodes[node]}")
        notes.append(f"{designation} reverses at {where} (+{cost_s / 60:g} min)")
    return travel_s


def route_refs(table: EdgeTable, edges: tuple[int, ...]) -> tuple[str, ...]:
    """Road or line refs along the route, each run of one ref once."""
    refs: list[str] = []
    all_refs = table.refs
    for edge in edges:
        ref = all_refs[edge]
        if ref and (not refs or refs[-1] != ref):
            refs.append(ref)
    return tuple(refs)


def structures_crossed(schedule: ColumnSchedule) -> tuple[str, ...]:
    """Bridges and tunnels of a schedule's checkpoints, with their limits, once each."""
    return tuple(
        dict.fromkeys(
            f"{c.name} ({c.detail})" if c.detail else c.name
            for c in schedule.checkpoints
            if c.kind in ("bridge", "tunnel")
        )
    )
