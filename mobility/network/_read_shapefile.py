"""Read the Geofabrik shapefile layout (roads and railways) with pyogrio.

Two layouts are known: the older free shapefiles (``roads.shp`` and
``railways.shp`` with a ``type`` field) and the current ones
(``gis_osm_roads_free_1.shp`` and ``gis_osm_railways_free_1.shp`` with
``fclass``). Lines become ways with the same OSM-style tags as the other
readers. Shapefiles carry no node ids, so nodes are made from coordinates
(:mod:`mobility.network._line_snapping`): identical vertices are one node, and
dead ends within ``snap_tolerance_m`` of another line are joined to it, at a
vertex or by splitting the line (OSM data has small gaps that node ids hide).

Each layer is checked first (:mod:`mobility.network._vector_checks`): a missing
``.dbf``/``.shx``, a truncated file, a ``.prj`` that is no CRS, or coordinates
impossible for the declared CRS raise :class:`~mobility.errors.DataError`.
A layer in another CRS is reprojected; one without ``.prj`` is read as WGS84
and noted in the load report.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.network._line_snapping import snap_lines
from mobility.network._osm_data import OsmWays, WayCollector, classify_way
from mobility.network._read_shapefile_sites import read_shapefile_sites
from mobility.network._vector_checks import check_shapefile_parts, declared_crs, to_wgs84

logger = logging.getLogger(__name__)

ROAD_LAYERS = ("gis_osm_roads_free_1.shp", "roads.shp")
RAIL_LAYERS = ("gis_osm_railways_free_1.shp", "railways.shp")
#: Fields of a Geofabrik layer read (others are ignored).
FIELDS = (
    "osm_id",
    "fclass",
    "type",
    "name",
    "ref",
    "oneway",
    "maxspeed",
    "bridge",
    "tunnel",
    "layer",
)


def find_shapefile_layers(path: str | Path) -> list[Path]:
    """Return the road and railway layers of a Geofabrik shapefile folder or file."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".shp":
        return [path]
    if path.is_dir():
        layers = [path / name for name in ROAD_LAYERS + RAIL_LAYERS if (path / name).is_file()]
        if layers:
            return layers
        raise DataError(
            f"folder {str(path)!r} holds no Geofabrik road or railway shapefile; expected one of "
            f"{', '.join(ROAD_LAYERS + RAIL_LAYERS)}"
        )
    raise DataError(f"shapefile {str(path)!r} does not exist")


def _tags_from_record(record: dict[str, Any], is_rail_layer: bool) -> dict[str, str]:
    kind = record.get("fclass") or record.get("type")
    tags: dict[str, str] = {}
    if kind:
        tags["railway" if is_rail_layer else "highway"] = str(kind)
    for field in ("name", "ref"):
        value = record.get(field)
        if isinstance(value, str) and value.strip():
            tags[field] = value.strip()
    oneway = record.get("oneway")
    if oneway in ("F", "T", "B", 0, 1, -1):
        tags["oneway"] = {"F": "yes", "T": "-1", "B": "no", 1: "yes", -1: "-1", 0: "no"}[oneway]
    maxspeed = record.get("maxspeed")
    if isinstance(maxspeed, (int, float, np.integer)) and maxspeed > 0:
        tags["maxspeed"] = str(int(maxspeed))
    for field in ("bridge", "tunnel"):
        value = record.get(field)
        if value in ("T", 1, True):
            tags[field] = "yes"
    layer = record.get("layer")
    if isinstance(layer, (int, np.integer)) and layer != 0:
        tags["layer"] = str(int(layer))
    return tags


def read_geofabrik_shapefile(path: str | Path, *, snap_tolerance_m: float = 10.0) -> OsmWays:
    """Read road and railway lines of a Geofabrik shapefile folder (or one ``.shp``).

    Parameters
    ----------
    path
        A folder with the Geofabrik layout, or one of its ``.shp`` files.
    snap_tolerance_m
        Dead ends closer than this to another line are joined to it.

    Returns
    -------
    OsmWays
        Road and rail ways with synthetic node ids, and the folder's rest and
        service areas (:mod:`mobility.network._read_shapefile_sites`); ``notes``
        says what the reader assumed (a layer without ``.prj`` read as WGS84)
        and when the folder has no layer of rest and service areas.

    Raises
    ------
    DataError
        If no layer is found, or a layer is incomplete, truncated, unreadable, or
        its coordinates do not fit its declared CRS.
    """
    collector = WayCollector()
    collector.ways_read = 0
    line_coords: list[NDArray[np.float64]] = []
    line_meta: list[tuple[int, dict[str, str]]] = []
    notes: list[str] = []
    shapefile_layers = find_shapefile_layers(path)
    for layer in shapefile_layers:
        lines, meta, read, note = _read_layer(layer)
        collector.ways_read += read
        line_coords.extend(lines)
        line_meta.extend(meta)
        notes.extend([note] if note else [])
    if line_coords:
        modes = np.array([tags.get("highway") is None for _, tags in line_meta], dtype=np.int64)
        layers = np.array([_layer_of(tags) for _, tags in line_meta], dtype=np.int64)
        snapped = snap_lines(line_coords, modes, layers, snap_tolerance_m)
        for refs, (osm_id, tags) in zip(snapped.refs, line_meta, strict=True):
            mode = classify_way(tags)
            if mode is not None:
                collector.add_way(osm_id, refs, tags, mode)
        for node_id, (lon, lat) in enumerate(zip(snapped.node_lon, snapped.node_lat, strict=True)):
            collector.add_node(node_id, float(lon), float(lat), None)
        logger.info(
            "%s: %d dead ends joined to nearby lines, %d lines split",
            path,
            snapped.dead_ends_joined,
            snapped.lines_split,
        )
    ways = collector.finish()
    road_layers = [layer for layer in shapefile_layers if not _is_rail_layer(layer)]
    ways.halt_sites, site_notes = read_shapefile_sites(path, road_layers)
    ways.notes = notes + site_notes
    return ways


def _is_rail_layer(layer: Path) -> bool:
    return "rail" in layer.name.lower()


def _layer_of(tags: dict[str, str]) -> int:
    try:
        return int(tags.get("layer", "0"))
    except ValueError:
        return 0


def _read_layer(
    layer: Path,
) -> tuple[list[NDArray[np.float64]], list[tuple[int, dict[str, str]]], int, str | None]:
    """Lines (WGS84) and tags of the kept records of one layer, records read, and a note."""
    import pyogrio  # imports pandas: only when a shapefile is read
    import shapely

    check_shapefile_parts(layer)
    crs = declared_crs(layer)
    note = None
    if crs is None:
        note = f"{layer.name} has no .prj: its coordinates were read as WGS84 longitude/latitude"
    try:
        fields = [f for f in pyogrio.read_info(layer)["fields"] if f in FIELDS]
        frame = pyogrio.read_dataframe(layer, columns=fields)
    except Exception as error:  # pyogrio raises several error types from GDAL
        raise DataError(f"shapefile {str(layer)!r} cannot be read: {error}") from error
    if "fclass" not in frame.columns and "type" not in frame.columns:
        raise DataError(
            f"shapefile {str(layer)!r} has no field 'fclass' or 'type' (the road or railway "
            f"class); its fields are {', '.join(map(str, frame.columns[:-1])) or 'none'}"
        )
    is_rail = _is_rail_layer(layer)
    records = frame.drop(columns="geometry").to_dict("records")
    kept_tags: list[dict[str, str]] = []
    kept_rows: list[int] = []
    for row, record in enumerate(records):
        tags = _tags_from_record(record, is_rail)
        if classify_way(tags) is not None:
            kept_tags.append(tags)
            kept_rows.append(row)
    geometries = frame.geometry.array[kept_rows] if kept_rows else frame.geometry.array[:0]
    parts, part_row = shapely.get_parts(np.asarray(geometries), return_index=True)
    coords, vertex_part = shapely.get_coordinates(parts, return_index=True)
    lon, lat = to_wgs84(coords[:, 0], coords[:, 1], crs, f"shapefile {str(layer)!r}")
    lonlat = np.column_stack([lon, lat])
    bounds = np.searchsorted(vertex_part, np.arange(len(parts) + 1))
    lines: list[NDArray[np.float64]] = []
    meta: list[tuple[int, dict[str, str]]] = []
    for part, row in enumerate(part_row.tolist()):
        if bounds[part + 1] - bounds[part] >= 2:
            lines.append(lonlat[bounds[part] : bounds[part + 1]])
            osm_id = records[kept_rows[row]].get("osm_id")
            meta.append((_osm_id(osm_id), kept_tags[row]))
    return lines, meta, len(records), note


def _osm_id(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
