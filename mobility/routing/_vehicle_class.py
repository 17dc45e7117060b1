"""A vehicle class on one graph: its usable edges, speeds, edge times and path engine.

One class per vehicle envelope (:class:`~mobility.routing.requirements.Requirements`)
and set of edges out of use; the router caches them
(:meth:`~mobility.routing.router.Router.vehicle_class`) and the stress model
measures throughput and re-routing with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from mobility.routing._alternatives import DiversityRules, FoundPath
from mobility.routing.closed import ClosedEdges
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import ShortestPaths
from mobility.routing.feasibility import feasible_edges
from mobility.routing.requirements import Requirements
from mobility.routing.timing import (
    MarchSpeeds,
    column_speeds_kph,
    train_speeds_kph,
    travel_times_s,
)

#: Builds a path engine over some edges of a mode's table with given weights.
EngineFactory = Callable[[NDArray[np.int64], NDArray[np.float64]], ShortestPaths]


@dataclass(frozen=True)
class VehicleClass:
    """Path engine, usable edges and edge times of one vehicle class on one graph.

    Attributes
    ----------
    engine
        Shortest paths over the usable edges. Shared by every search of the
        class: each search sets the weights it needs first
        (:meth:`~mobility.routing.engine.ShortestPaths.set_weights`).
    feasible
        Per table edge: usable by the class (limits met, in service, not closed).
    weights
        Head travel time on every table edge (s).
    speeds_kph
        Column (or train) speed on every table edge.
    paths
        Alternatives found per (source, target, k, diversity rules): march
        units of the same envelope between the same places share them (the
        search is deterministic).
    """

    engine: ShortestPaths
    feasible: NDArray[np.bool_]
    weights: NDArray[np.float64]
    speeds_kph: NDArray[np.float64]
    paths: dict[tuple[int, int, int, DiversityRules], list[FoundPath]] = field(default_factory=dict)


@dataclass(frozen=True)
class OutOfService:
    """Edges out of service on some day (outside their ``valid_from``/``valid_to``).

    Attributes
    ----------
    mask
        Per table edge: out of service.
    key
        Indices of those edges (a cache key).
    """

    mask: NDArray[np.bool_]
    key: tuple[int, ...]

    @classmethod
    def of(cls, mask: NDArray[np.bool_]) -> OutOfService:
        """Wrap a mask with its key."""
        return cls(mask, tuple(np.flatnonzero(mask).tolist()))


def build_class(
    table: EdgeTable,
    need: Requirements,
    *,
    mode: str,
    out_of_service: NDArray[np.bool_],
    speeds: MarchSpeeds,
    clearance_margin_m: float,
    engine: EngineFactory,
) -> VehicleClass:
    """Build the class of ``need`` on ``table``, without the edges out of service.

    On the rail every edge is feasible and trains run at the line speed up
    to ``need.max_speed_kph``; on roads the class's limits apply
    (:func:`~mobility.routing.feasibility.feasible_edges`) at column speeds.
    """
    if mode == "rail":
        speeds_kph = train_speeds_kph(table, need.max_speed_kph, speeds)
        feasible = np.ones(table.n_edges, dtype=bool)
    else:
        speeds_kph = column_speeds_kph(table, need.max_speed_kph, speeds)
        feasible = feasible_edges(table, need, clearance_margin_m)
    feasible = feasible & ~out_of_service
    weights = travel_times_s(table, speeds_kph)
    return VehicleClass(engine(np.flatnonzero(feasible), weights), feasible, weights, speeds_kph)


def with_closures(base: VehicleClass, closed: ClosedEdges, engine: EngineFactory) -> VehicleClass:
    """Return ``base`` with the closed edges out of use (same speeds and edge times)."""
    usable = base.feasible & ~closed.mask
    return VehicleClass(
        engine(np.flatnonzero(usable), base.weights), usable, base.weights, base.speeds_kph
    )
