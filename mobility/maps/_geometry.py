"""Measuring along WGS84 polylines: cumulative length, points and pieces at a distance.

Coordinates are ``(lon, lat)`` pairs in degrees as in GeoJSON. Distances are
great-circle metres (haversine on a sphere of the mean Earth radius), which
is what ``mobility.js`` does in the browser to place columns.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

EARTH_RADIUS_M = 6_371_008.8

Coordinate = tuple[float, float]


def haversine_m(a: Sequence[float], b: Sequence[float]) -> float:
    """Great-circle distance between two ``(lon, lat)`` points, in metres."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def cumulative_m(coords: Sequence[Sequence[float]]) -> list[float]:
    """Distance from the first vertex to each vertex, in metres."""
    total = [0.0]
    for a, b in itertools.pairwise(coords):
        total.append(total[-1] + haversine_m(a, b))
    return total


def _locate(cumulative: Sequence[float], distance_m: float) -> tuple[int, float]:
    """Index of the segment holding ``distance_m`` and the fraction along it."""
    if distance_m <= 0 or len(cumulative) < 2:
        return 0, 0.0
    if distance_m >= cumulative[-1]:
        return len(cumulative) - 2, 1.0
    low, high = 0, len(cumulative) - 1
    while high - low > 1:
        middle = (low + high) // 2
        if cumulative[middle] <= distance_m:
            low = middle
        else:
            high = middle
    span = cumulative[high] - cumulative[low]
    return low, 0.0 if span <= 0 else (distance_m - cumulative[low]) / span


def point_at(
    coords: Sequence[Sequence[float]], cumulative: Sequence[float], distance_m: float
) -> Coordinate:
    """Return the point ``distance_m`` along the line (clamped to its ends)."""
    if len(coords) == 1:
        return (float(coords[0][0]), float(coords[0][1]))
    index, fraction = _locate(cumulative, distance_m)
    a, b = coords[index], coords[index + 1]
    return (a[0] + (b[0] - a[0]) * fraction, a[1] + (b[1] - a[1]) * fraction)


def slice_line(
    coords: Sequence[Sequence[float]],
    cumulative: Sequence[float],
    from_m: float,
    to_m: float,
) -> list[Coordinate]:
    """Return the piece of the line between two distances along it (at least two points)."""
    from_m, to_m = sorted((from_m, to_m))
    first = point_at(coords, cumulative, from_m)
    last = point_at(coords, cumulative, to_m)
    inner = [
        (float(c[0]), float(c[1]))
        for c, d in zip(coords, cumulative, strict=True)
        if from_m < d < to_m
    ]
    return [first, *inner, last]
