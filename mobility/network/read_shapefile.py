"""Read the Geofabrik shapefile layout (roads and railways) with pyogrio.

Two layouts are known: the older free shapefiles (``roads.shp`` and
``railways.shp`` with a ``type`` field) and the current ones
(``gis_osm_roads_free_1.shp`` and ``gis_osm_railways_free_1.shp`` with
``fclass``). Lines become ways with the same OSM-style tags as the other
readers. Shapefiles carry no node ids, so nodes are made from coordinates:
identical vertices are one node, and line ends within ``snap_tolerance_m`` of
another line's vertex are snapped onto it (Geofabrik lines are often split
with small gaps).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.network.corridor_geometry import transformer
from mobility.network.osm_data import OsmWays, WayCollector, classify_way

logger = logging.getLogger(__name__)

ROAD_LAYERS = ("gis_osm_roads_free_1.shp", "roads.shp")
RAIL_LAYERS = ("gis_osm_railways_free_1.shp", "railways.shp")
#: Projected CRS used for snapping distances (Amersfoort / RD New).
SNAP_CRS = "EPSG:28992"


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
        Line ends closer than this to a vertex of another line are joined to it.

    Returns
    -------
    OsmWays
        Road and rail ways with synthetic node ids.

    Raises
    ------
    DataError
        If no layer is found or a layer cannot be read.
    """
    import pyogrio  # imports pandas and geopandas: only when a shapefile is read

    collector = WayCollector()
    collector.ways_read = 0
    line_coords: list[NDArray[np.float64]] = []
    line_meta: list[tuple[int, dict[str, str]]] = []
    for layer in find_shapefile_layers(path):
        is_rail = "rail" in layer.name.lower()
        try:
            frame = pyogrio.read_dataframe(layer)
        except Exception as error:  # pyogrio raises several error types from GDAL
            raise DataError(f"shapefile {str(layer)!r} cannot be read: {error}") from error
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        records = frame.drop(columns="geometry").to_dict("records")
        for record, geometry in zip(records, frame.geometry.array, strict=True):
            collector.ways_read += 1
            tags = _tags_from_record(record, is_rail)
            if classify_way(tags) is None or geometry is None or geometry.is_empty:
                continue
            parts = list(geometry.geoms) if geometry.geom_type == "MultiLineString" else [geometry]
            for part in parts:
                coords = np.asarray(part.coords, dtype=np.float64)[:, :2]
                if len(coords) >= 2:
                    line_coords.append(coords)
                    line_meta.append((int(record.get("osm_id") or 0), tags))
    if not line_coords:
        return collector.finish()
    node_of_vertex, node_lonlat = _snap_vertices(line_coords, snap_tolerance_m)
    start = 0
    for coords, (osm_id, tags) in zip(line_coords, line_meta, strict=True):
        refs = node_of_vertex[start : start + len(coords)].tolist()
        start += len(coords)
        # Drop repeated consecutive nodes that snapping may create.
        refs = [ref for i, ref in enumerate(refs) if i == 0 or ref != refs[i - 1]]
        mode = classify_way(tags)
        if mode is not None:
            collector.add_way(osm_id, refs, tags, mode)
    for node_id, (lon, lat) in enumerate(node_lonlat):
        collector.add_node(node_id, float(lon), float(lat), None)
    return collector.finish()


def _snap_vertices(
    lines: list[NDArray[np.float64]], tolerance_m: float
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Give every vertex a node id: equal vertices share one, near line ends are joined."""
    from scipy.spatial import cKDTree

    lonlat = np.concatenate(lines)
    x, y = transformer(4326, SNAP_CRS).transform(lonlat[:, 0], lonlat[:, 1])
    xy = np.column_stack([x, y])
    # Identical vertices (shared OSM nodes) to one node.
    keys = np.round(xy, 2)
    unique_xy, vertex_node = np.unique(keys, axis=0, return_inverse=True)
    vertex_node = vertex_node.ravel()
    parent = np.arange(len(unique_xy))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    if tolerance_m > 0:
        lengths = np.array([len(line) for line in lines])
        ends = np.concatenate([np.cumsum(lengths) - lengths, np.cumsum(lengths) - 1])
        line_of_vertex = np.repeat(np.arange(len(lines)), lengths)
        tree = cKDTree(xy)
        for end in ends:
            for other in tree.query_ball_point(xy[end], r=tolerance_m):
                if line_of_vertex[other] != line_of_vertex[end]:
                    a, b = find(int(vertex_node[end])), find(int(vertex_node[other]))
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    roots = np.array([find(i) for i in range(len(unique_xy))])
    _, compact = np.unique(roots, return_inverse=True)
    node_of_vertex = compact.ravel()[vertex_node].astype(np.int64)
    node_lonlat = np.zeros((int(node_of_vertex.max()) + 1, 2))
    node_lonlat[node_of_vertex] = lonlat
    return node_of_vertex, node_lonlat
