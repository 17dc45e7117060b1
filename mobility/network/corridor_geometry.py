"""Corridor polygons: spines buffered in a metric CRS, returned in WGS84."""

from __future__ import annotations

from collections.abc import Mapping

import shapely
from pyproj import Transformer
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform, unary_union

from mobility.model.corridor import CorridorSet

#: Metric CRS for buffers and distances in and near the Netherlands (RD New).
METRIC_CRS = "EPSG:28992"


def corridor_polygons(corridors: CorridorSet) -> dict[str, BaseGeometry]:
    """Return each corridor's polygon (WGS84): the union of its buffered spines."""
    to_metric = Transformer.from_crs(4326, METRIC_CRS, always_xy=True).transform
    to_wgs84 = Transformer.from_crs(METRIC_CRS, 4326, always_xy=True).transform
    polygons: dict[str, BaseGeometry] = {}
    for corridor_id, corridor in corridors.corridors.items():
        spines = [transform(to_metric, LineString(spine)) for spine in corridor.spines]
        buffered = unary_union([spine.buffer(corridor.buffer_m) for spine in spines])
        polygons[corridor_id] = transform(to_wgs84, buffered)
    return polygons


def union_polygon(polygons: Mapping[str, BaseGeometry]) -> BaseGeometry:
    """Return the prepared union of corridor polygons."""
    union = unary_union(list(polygons.values()))
    shapely.prepare(union)
    return union
