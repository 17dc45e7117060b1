"""Halt sites of a Geofabrik shapefile folder: its rest and service areas.

Geofabrik's current layout keeps service areas in its traffic layers
(``gis_osm_traffic_free_1.shp`` points, ``gis_osm_traffic_a_free_1.shp``
areas), where ``fclass`` ``service`` is ``highway=services``. The older
layout has a ``points.shp`` (class in ``type``) and keeps rest and service
areas drawn as areas among the lines of ``roads.shp``
(``type`` ``services``/``rest_area``, closed rings): those are read from
the road layers too. Shapefiles carry neither ``hgv`` nor ``capacity:hgv``:
no car park counts as truck parking
(:func:`~mobility.model.halt_site.site_from_tags`), and a site's size is the
area of its polygon (a point of unknown size fits no column). When the
folder has no layer of rest and service areas, the load report says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import CRS

from mobility.errors import DataError
from mobility.model.halt_site import HaltSite
from mobility.network._halt_areas import site_from_shape
from mobility.network._vector_checks import check_shapefile_parts, declared_crs, to_wgs84

#: Layers of points and areas that may hold rest and service areas.
SITE_LAYERS = ("gis_osm_traffic_free_1.shp", "gis_osm_traffic_a_free_1.shp", "points.shp")
#: Classes of rest and service areas, as OSM tags, in a layer of points or areas.
_SITE_CLASSES: Mapping[str, Mapping[str, str]] = {
    "service": {"highway": "services"},  # the traffic layers' name for highway=services
    "services": {"highway": "services"},
    "rest_area": {"highway": "rest_area"},
}
#: In a road layer ``service`` is a service road (``highway=service``), never an area.
_ROAD_SITE_CLASSES = {key: _SITE_CLASSES[key] for key in ("services", "rest_area")}


def find_site_layers(path: str | Path) -> list[Path]:
    """Return the layers of rest and service areas of a shapefile folder (none for one file)."""
    path = Path(path)
    if not path.is_dir():
        return []
    return [path / name for name in SITE_LAYERS if (path / name).is_file()]


def read_shapefile_sites(
    path: str | Path, road_layers: Sequence[Path]
) -> tuple[list[HaltSite], list[str]]:
    """Read the rest and service areas of a shapefile folder and of its road layers.

    Parameters
    ----------
    path
        The folder (or the one ``.shp``) given as input.
    road_layers
        Its road layers already read as ways (their areas drawn as lines are sites).

    Returns
    -------
    sites
        Halt sites, WGS84.
    notes
        For the load report: a layer without ``.prj`` read as WGS84, and when
        no layer of rest and service areas exists (road layers read only).

    Raises
    ------
    DataError
        If a layer is incomplete, unreadable, has no class field (``fclass`` or
        ``type``), or coordinates that do not fit its CRS.
    """
    sites: list[HaltSite] = []
    notes: list[str] = []
    site_layers = find_site_layers(path)
    for layer in site_layers:
        found, note = _read_sites(layer, _SITE_CLASSES)
        sites.extend(found)
        notes.extend([note] if note else [])
    from_roads = 0
    for layer in road_layers:
        found, _ = _read_sites(layer, _ROAD_SITE_CLASSES)  # its .prj note is the ways' note
        from_roads += len(found)
        sites.extend(found)
    if road_layers and not site_layers:
        where = Path(path).name
        gives = (
            f"{from_roads:,} halt sites come from the rest and service areas drawn in its roads "
            "layer"
            if from_roads
            else "it gives no halt site (halts use the corridor file's sites and --halt-sites)"
        )
        notes.append(
            f"{where} has no layer of rest and service areas ({', '.join(SITE_LAYERS)}): {gives}"
        )
    return sites, notes


def _read_sites(
    layer: Path, classes: Mapping[str, Mapping[str, str]]
) -> tuple[list[HaltSite], str | None]:
    """Sites of one layer whose class is one of ``classes``, and a note on its CRS."""
    import pyogrio  # imports pandas: only when a shapefile is read

    source = f"shapefile {str(layer)!r}"
    check_shapefile_parts(layer)
    crs = declared_crs(layer)
    note = None
    if crs is None:
        note = f"{layer.name} has no .prj: its coordinates were read as WGS84 longitude/latitude"
    try:
        fields = [str(f) for f in pyogrio.read_info(layer)["fields"]]
        field = "fclass" if "fclass" in fields else "type"
        if field not in fields:
            raise DataError(
                f"{source} has no field 'fclass' or 'type' (the feature class); its fields "
                f"are {', '.join(fields) or 'none'}"
            )
        wanted = ", ".join(f"'{value}'" for value in classes)
        columns = [f for f in ("osm_id", "name", field) if f in fields]
        frame = pyogrio.read_dataframe(layer, columns=columns, where=f'"{field}" IN ({wanted})')
    except DataError:
        raise
    except Exception as error:  # pyogrio raises several error types from GDAL
        raise DataError(f"{source} cannot be read: {error}") from error
    geometries = np.asarray(frame.geometry.array)
    if len(geometries):
        geometries = shapely.transform(
            geometries, lambda xy: _wgs84(xy, crs, source), include_z=False
        )
    records = frame.drop(columns="geometry").to_dict("records")
    sites = []
    for row, (record, geometry) in enumerate(zip(records, geometries, strict=True)):
        if geometry is None:
            continue
        tags = dict(classes[str(record[field])])
        name = record.get("name")
        if isinstance(name, str) and name.strip():
            tags["name"] = name.strip()
        site_id = _site_id(record.get("osm_id"), geometry, layer, row)
        site = site_from_shape(site_id, tags, geometry)
        if site is not None:
            sites.append(site)
    return sites, note


def _wgs84(xy: NDArray[np.float64], crs: CRS | None, source: str) -> NDArray[np.float64]:
    lon, lat = to_wgs84(xy[:, 0], xy[:, 1], crs, source)
    return np.column_stack([lon, lat])


def _site_id(value: object, geometry: shapely.Geometry, layer: Path, row: int) -> str:
    """``osm_node_<id>`` for a point, ``osm_way_<id>`` otherwise; layer and row without an id."""
    try:
        osm_id = int(str(value))
    except ValueError:
        return f"{layer.stem}_{row}"
    return f"osm_{'node' if geometry.geom_type == 'Point' else 'way'}_{osm_id}"
