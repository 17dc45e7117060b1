"""The offline background, read from the installed data packages."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import Point, Polygon

from mobility.errors import DataError
from mobility.maps._basemap import MARGIN_DEG, basemap_payload

NETHERLANDS = [[50.75, 3.35], [53.55, 7.23]]


def _land(payload: dict[str, object], lat: float, lon: float) -> bool:
    """Whether the point is land: the last area drawn that holds it is not water."""
    on_land = False
    for water, polygons in payload["areas"]:  # type: ignore[attr-defined]
        for rings in polygons:
            shell = [(p[1], p[0]) for p in rings[0]]
            holes = [[(p[1], p[0]) for p in ring] for ring in rings[1:]]
            if Polygon(shell, holes).contains(Point(lon, lat)):
                on_land = not water
    return on_land


def test_background_of_the_netherlands_has_land_sea_borders_rivers_and_places() -> None:
    payload = basemap_payload(NETHERLANDS)
    for city, lat, lon in (
        ("Utrecht", 52.09, 5.12),
        ("Arnhem", 51.98, 5.91),
        ("Assen", 53.0, 6.56),
    ):
        assert _land(payload, lat, lon), city
    for sea, lat, lon in (("North Sea", 52.5, 4.0), ("Waddenzee", 53.2, 5.2)):
        assert not _land(payload, lat, lon), sea
    assert len(payload["borders"]) >= 1 and len(payload["rivers"]) >= 5
    places = {p[2]: p for p in payload["places"]}
    for name in ("Amsterdam", "Rotterdam", "The Hague", "Utrecht", "Eindhoven", "Zwolle"):
        assert name in places
    assert places["Amsterdam"][3] > 500_000
    (south, west), (north, east) = payload["frame"]
    lat_margin, lon_margin = MARGIN_DEG
    assert south == pytest.approx(50.75 - lat_margin) and east == pytest.approx(7.23 + lon_margin)
    assert all(south <= p[0] <= north and west <= p[1] <= east for p in payload["places"])
    populations = [p[3] for p in payload["places"]]
    assert populations == sorted(populations, reverse=True)
    assert len(json.dumps(payload)) < 250_000  # simplified: a small part of the page


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(DataError, match="map bounds"):
        basemap_payload([[float("nan"), 3.0], [53.0, 7.0]])
