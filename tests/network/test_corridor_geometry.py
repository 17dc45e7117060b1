"""Corridor polygons: spines buffered in metres (RD New), returned in WGS84."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from mobility.model.corridor import load_corridors
from mobility.network._corridor_geometry import (
    METRIC_CRS,
    corridor_polygons,
    reproject,
    reproject_array,
    transformer,
    union_polygon,
)


def test_each_corridor_polygon_holds_its_spines_and_reaches_the_buffer() -> None:
    corridors = load_corridors()
    polygons = corridor_polygons(corridors)
    assert set(polygons) == set(corridors.corridors)
    for corridor_id, corridor in corridors.corridors.items():
        polygon = reproject(polygons[corridor_id], 4326, METRIC_CRS)
        for spine in corridor.spines:
            line = reproject(LineString(spine), 4326, METRIC_CRS)
            assert polygon.buffer(1.0).contains(line)
            # A point at 90 % of the buffer beside the spine's start is inside, at 110 % outside
            # (unless another spine of the corridor covers it).
            start = Point(line.coords[0])
            assert polygon.contains(start.buffer(0.9 * corridor.buffer_m, quad_segs=2).centroid)


def test_reprojection_round_trips_within_a_millimetre() -> None:
    line = LineString([(4.48, 51.92), (6.12, 51.87), (7.03, 52.31)])
    back = reproject(reproject(line, 4326, METRIC_CRS), METRIC_CRS, 4326)
    assert back.hausdorff_distance(line) < 1e-8
    assert transformer(4326, METRIC_CRS) is transformer(4326, METRIC_CRS)  # cached


def test_the_union_contains_every_corridor() -> None:
    polygons = corridor_polygons(load_corridors())
    union = union_polygon(polygons)
    for polygon in polygons.values():
        assert union.buffer(1e-9).contains(polygon)
    assert union.area == pytest.approx(union.area)  # prepared geometry stays usable


def test_reproject_array_equals_reprojecting_a_collection() -> None:
    lines = [LineString([(4.0 + i / 7, 52.0), (4.1, 52.0 + i / 9), (4.3, 51.9)]) for i in range(5)]
    one_by_one = reproject(shapely.GeometryCollection(lines), 4326, METRIC_CRS)
    together = reproject_array(np.array(lines), 4326, METRIC_CRS)
    assert [g.wkb for g in together] == [g.wkb for g in one_by_one.geoms]
    assert together[0].coords[0][0] > 50_000  # metres, not degrees
