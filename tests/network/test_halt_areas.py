"""What marks a rest area, service area or truck park, and how an outline or shape becomes one."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon

from mobility.network._halt_areas import (
    SITE_TAG_PAIRS,
    may_be_site,
    site_from_outline,
    site_from_shape,
)

#: About 137 m x 111 m at 52 N.
SQUARE = [(5.0, 52.01), (5.002, 52.01), (5.002, 52.011), (5.0, 52.011), (5.0, 52.01)]
SERVICES = {"highway": "services", "name": "De Kempen"}


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "services"}, True),
        ({"highway": "rest_area"}, True),
        ({"amenity": "parking"}, True),  # a candidate; site_from_tags wants hgv
        ({"highway": "service"}, False),  # a service road
        ({"amenity": "fuel"}, False),
        ({}, False),
    ],
)
def test_candidate_tags(tags: dict[str, str], expected: bool) -> None:
    assert may_be_site(tags) is expected
    assert any(tags.get(k) == v for k, v in SITE_TAG_PAIRS) is expected


def test_an_outline_is_a_polygon_with_its_area() -> None:
    site = site_from_outline("osm_way_1", SERVICES, SQUARE)
    assert site is not None
    assert (site.id, site.kind, site.name) == ("osm_way_1", "services", "De Kempen")
    assert site.area_m2 == pytest.approx(137 * 111.3, rel=0.02)
    assert shapely.Polygon(SQUARE).contains(Point(site.lon, site.lat))


def test_three_positions_are_a_line_without_area_and_two_are_nothing() -> None:
    line = site_from_outline("osm_way_2", SERVICES, SQUARE[:3])
    assert line is not None and line.area_m2 is None
    assert site_from_outline("osm_way_3", SERVICES, SQUARE[:2]) is None


def test_tags_that_make_no_site_give_none() -> None:
    car_park = {"amenity": "parking"}
    assert site_from_outline("osm_way_4", car_park, SQUARE) is None
    assert site_from_shape("osm_node_4", car_park, Point(5, 52)) is None
    truck_park = {"amenity": "parking", "hgv": "designated", "capacity:hgv": "12"}
    site = site_from_shape("osm_node_5", truck_park, Point(5, 52))
    assert site is not None and (site.kind, site.vehicles) == ("truck_parking", 12)


def test_shapes() -> None:
    point = site_from_shape("p", SERVICES, Point(5.1, 52.2))
    assert point is not None and (point.lon, point.lat, point.area_m2) == (5.1, 52.2, None)
    first = site_from_shape("m", SERVICES, MultiPoint([(5.1, 52.2), (5.3, 52.4)]))
    assert first is not None and (first.lon, first.lat) == (5.1, 52.2)
    polygon = site_from_shape("a", SERVICES, Polygon(SQUARE))
    ring = site_from_shape("r", SERVICES, LineString(SQUARE))
    assert polygon is not None and ring is not None
    assert ring.area_m2 == pytest.approx(polygon.area_m2)
    assert (ring.lon, ring.lat) == pytest.approx((polygon.lon, polygon.lat))
    assert site_from_shape("o", SERVICES, LineString(SQUARE[:3])) is None  # an open line
    assert site_from_shape("e", SERVICES, Point()) is None
