"""Halt sites: validation, fit of a column, sites from OSM tags, counts and areas."""

from __future__ import annotations

import math

import pytest
import shapely

from mobility.errors import DataError
from mobility.model.halt_site import (
    ColumnFootprint,
    HaltSite,
    count_places,
    polygon_area_m2,
    site_from_tags,
)


def _site(**changes: object) -> HaltSite:
    fields: dict[str, object] = {
        "id": "csc-venlo",
        "name": "Venlo Trade Port",
        "kind": "support_centre",
        "lon": 6.1,
        "lat": 51.4,
    }
    fields.update(changes)
    return HaltSite(**fields)  # type: ignore[arg-type]


def test_a_site_of_unknown_kind_or_off_the_globe_is_refused_naming_it() -> None:
    with pytest.raises(DataError, match=r"halt site 'csc-venlo': kind 'car_park'"):
        _site(kind="car_park")
    with pytest.raises(DataError, match=r"position 200, 51.4 is not WGS84"):
        _site(lon=200)
    with pytest.raises(DataError, match="is not WGS84"):
        _site(lat=-91)


def test_the_label_names_the_kind_in_words() -> None:
    assert _site(kind="truck_parking").label == "Venlo Trade Port (truck parking)"


def test_a_column_fits_by_places_overnight_places_or_area() -> None:
    column = ColumnFootprint(vehicles=20, area_m2=3000.0)
    by_day = _site(vehicles=20, vehicles_overnight=10)
    assert by_day.misfit(column, overnight=False) == ""
    assert by_day.misfit(column, overnight=True) == "20 vehicles exceed its 10 places overnight"
    # Without an overnight figure the day's places hold at night too.
    day_only = _site(vehicles=15)
    assert day_only.misfit(column, overnight=True) == "20 vehicles exceed its 15 places"
    assert _site(area_m2=3000.0).misfit(column, overnight=False) == ""
    assert _site(area_m2=2500.0).misfit(column, overnight=True) == (
        "the column needs 3,000 m2, it has 2,500 m2"
    )
    # Places in vehicles win over the area where both are known.
    assert _site(vehicles=5, area_m2=1e6).misfit(column, overnight=False) != ""
    assert _site().misfit(column, overnight=False) == "its size is unknown"


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ({"highway": "services"}, "services"),
        ({"highway": "rest_area"}, "rest_area"),
        ({"amenity": "parking", "hgv": "designated"}, "truck_parking"),
        ({"amenity": "parking", "hgv": "yes"}, "truck_parking"),
    ],
)
def test_service_and_rest_areas_and_truck_parks_are_sites(tags: dict[str, str], kind: str) -> None:
    site = site_from_tags("osm_way_7", tags, 5.0, 52.0, 1200.0)
    assert site is not None
    assert (site.kind, site.lon, site.lat, site.area_m2) == (kind, 5.0, 52.0, 1200.0)
    assert site.name == f"{kind.replace('_', ' ')} osm_way_7"
    assert site.source == "OpenStreetMap"
    assert site.vehicles is None


@pytest.mark.parametrize(
    "tags",
    [
        {"amenity": "parking"},
        {"amenity": "parking", "hgv": "no"},
        {"highway": "services", "hgv": "no"},
        {"highway": "residential"},
    ],
)
def test_car_parks_and_areas_closed_to_trucks_are_not_sites(tags: dict[str, str]) -> None:
    assert site_from_tags("osm_way_7", tags, 5.0, 52.0, None) is None


def test_a_site_takes_its_places_name_and_source_from_the_tags() -> None:
    tags = {
        "highway": "services",
        "name": "Hazeldonk",
        "capacity:hgv": "85",
        "mobility:assumption": "places counted on aerial imagery",
    }
    site = site_from_tags("s1", tags, 4.7, 51.5, None)
    assert site is not None
    assert (site.name, site.vehicles, site.vehicles_overnight) == ("Hazeldonk", 85, 85)
    assert site.source == "assumed: places counted on aerial imagery"
    sourced = site_from_tags("s2", {**tags, "mobility:source": "Rijkswaterstaat"}, 4.7, 51.5, None)
    assert sourced is not None and sourced.source == "Rijkswaterstaat"


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (12, 12),
        (0, 0),
        (-3, None),
        (4.0, 4),
        (4.5, None),
        (" 40 ", 40),
        ("40-50", None),
        ("many", None),
        (None, None),
        (True, None),
    ],
)
def test_counts_are_whole_non_negative_numbers(value: object, count: int | None) -> None:
    assert count_places(value) == count


def test_the_area_of_a_small_square_in_metres() -> None:
    side = 0.01
    square = shapely.box(5.0, 52.0, 5.0 + side, 52.0 + side)
    lat0 = math.radians(52.0 + side / 2)
    expected = (side * 111_320.0 * math.cos(lat0)) * (side * 111_320.0)
    assert polygon_area_m2(square) == pytest.approx(expected, rel=1e-9)
    assert 760_000 < polygon_area_m2(square) < 770_000  # about 0.69 km x 1.11 km
