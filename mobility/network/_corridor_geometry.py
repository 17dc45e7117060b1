"""Corridor polygons: spines buffered in a metric CRS, returned in WGS84."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from mobility.model.corridor import CorridorSet

#: Metric CRS for buffers and distances in and near the Netherlands (RD New).
METRIC_CRS = "EPSG:28992"


def corridor_polygons(corridors: CorridorSet) -> dict[str, BaseGeometry]:
    """Return each corridor's polygon (WGS84): the union of its buffered spines."""
    polygons: dict[str, BaseGeometry] = {}
    for corridor_id, corridor in corridors.corridors.items():
        spines = [reproject(LineString(spine), 4326, METRIC_CRS) for spine in corridor.spines]
        buffered = unary_union([spine.buffer(corridor.buffer_m) for spine in spines])
        polygons[corridor_id] = reproject(buffered, METRIC_CRS, 4326)
    return polygons


@functools.cache
def transformer(source: int | str, target: int | str) -> Transformer:
    """Return a cached lon/lat-ordered transformer (building one takes ~40 ms)."""
    return Transformer.from_crs(source, target, always_xy=True)


def reproject(geometry: BaseGeometry, source: int | str, target: int | str) -> BaseGeometry:
    """Return ``geometry`` transformed from CRS ``source`` to ``target``."""
    transform = transformer(source, target).transform

    def apply(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, apply)


def reproject_array(
    geometries: NDArray[np.object_], source: int | str, target: int | str
) -> NDArray[np.object_]:
    """Return an array of geometries transformed from CRS ``source`` to ``target``.

    The coordinates of all geometries go through one transform, as those of a
    collection of them do in :func:`reproject`, with the same results.
    """
    transform = transformer(source, target).transform

    def apply(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    result: NDArray[np.object_] = shapely.transform(geometries, apply)
    return result


def union_polygon(polygons: Mapping[str, BaseGeometry]) -> BaseGeometry:
    """Return the prepared union of corridor polygons."""
    union = unary_union(list(polygons.values()))
    shapely.prepare(union)
    return union
