"""Diverse alternative routes by iterative penalties, with bounded overlap.

The k shortest paths of a road network are near-duplicates (the same
motorway with a different slip road). Planners need a main supply route and
alternates that avoid it where the network allows. Following the penalty
method (de la Barra et al. 1993; Akgün, Erkut and Batta 2000, *On finding
dissimilar paths*), each found path's edges get dearer and the search runs
again; a candidate is kept only when its shared length with every kept route
is at most ``max_shared`` of its own length and its true cost is within
``max_stretch`` of the best route's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.routing.engine import ShortestPaths


@dataclass(frozen=True)
class DiversityRules:
    """Bounds on alternatives.

    Attributes
    ----------
    max_shared
        Largest share of a route's length it may have in common with any
        other kept route (0-1).
    max_stretch
        Largest cost of an alternative relative to the best route.
    penalty
        Factor added to an edge's weight each time a found path uses it.
    max_searches_per_route
        Shortest-path runs allowed per requested route.
    """

    max_shared: float = 0.6
    max_stretch: float = 1.6
    penalty: float = 0.5
    max_searches_per_route: int = 4

    def __post_init__(self) -> None:
        if not 0 <= self.max_shared <= 1:
            raise DataError(f"max_shared must be within 0..1, got {self.max_shared}")
        if not self.max_stretch >= 1:
            raise DataError(f"max_stretch must be >= 1, got {self.max_stretch}")
        if not self.penalty > 0 or self.max_searches_per_route < 1:
            raise DataError("penalty must be > 0 and max_searches_per_route >= 1")


@dataclass(frozen=True)
class FoundPath:
    """A kept route: its edges, cost and overlap with the routes kept before it."""

    edges: tuple[int, ...]
    cost: float
    length_m: float
    shared_with_best: float
    max_shared: float


def shared_fraction(
    edges: tuple[int, ...], other: tuple[int, ...], length_m: NDArray[np.float64]
) -> float:
    """Share of the length of ``edges`` that ``other`` also uses."""
    total = float(length_m[list(edges)].sum()) if edges else 0.0
    if total == 0:
        return 1.0 if edges == other else 0.0
    common = list(set(edges) & set(other))
    return float(length_m[common].sum()) / total


def diverse_paths(
    engine: ShortestPaths,
    weights: NDArray[np.float64],
    length_m: NDArray[np.float64],
    source: int,
    target: int,
    k: int,
    rules: DiversityRules | None = None,
) -> list[FoundPath]:
    """Up to ``k`` routes from ``source`` to ``target``, best first.

    Parameters
    ----------
    engine
        Path engine over the usable edges; its weights are changed during the
        search and restored before returning.
    weights
        True cost of every edge of the table (e.g. column travel time).
    length_m
        Length of every edge, for the overlap measure.
    source, target
        Node indices.
    k
        Number of routes wanted (>= 1).
    rules
        Overlap and stretch bounds.

    Returns
    -------
    list of FoundPath
        Empty when ``target`` is unreachable.
    """
    if k < 1:
        raise DataError(f"number of alternatives must be >= 1, got {k}")
    rules = rules or DiversityRules()
    engine.set_weights(weights)
    best = engine.shortest_path(source, target)
    if best is None:
        return []
    best_edges = tuple(best)
    best_cost = float(weights[list(best_edges)].sum())
    kept = [FoundPath(best_edges, best_cost, float(length_m[list(best_edges)].sum()), 1.0, 1.0)]
    penalised = weights.copy()
    seen = {best_edges}
    last = best_edges
    try:
        for _ in range(rules.max_searches_per_route * (k - 1)):
            if len(kept) >= k:
                break
            penalised[list(last)] *= 1 + rules.penalty
            engine.set_weights(penalised)
            found = engine.shortest_path(source, target)
            if found is None:
                break
            candidate = tuple(found)
            last = candidate
            if candidate in seen:
                continue
            seen.add(candidate)
            cost = float(weights[list(candidate)].sum())
            if cost > rules.max_stretch * best_cost:
                continue
            overlaps = [shared_fraction(candidate, p.edges, length_m) for p in kept]
            if max(overlaps) > rules.max_shared:
                continue
            kept.append(
                FoundPath(
                    candidate,
                    cost,
                    float(length_m[list(candidate)].sum()),
                    overlaps[0],
                    max(overlaps),
                )
            )
    finally:
        engine.set_weights(weights)
    return kept
