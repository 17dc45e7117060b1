"""Read graphs stored by osmnx users: GraphML and GeoPackage.

Both become :class:`~mobility.network._osm_data.OsmWays`, so tag typing,
clipping, consolidation, the load report and the halt sites (nodes tagged as
rest or service areas) are the same as for OSM files.
Each edge becomes a way: its ends ``u`` and ``v`` keep their OSM node ids and
the inner vertices of its geometry get synthetic (negative) ids. Two opposite
edges with the same geometry (osmnx's two directions of a two-way street)
become one two-way way; any other edge is one-way, except that ``oneway``
False keeps an edge two-way (osmnx's GeoPackage stores a two-way street once).
An edge runs from ``from`` to ``to`` where the GeoPackage has those columns,
else along its geometry (a graph saved undirected may swap ``u`` and ``v``).

Values osmnx merged while simplifying (``"['1', '2']"``, ``[10, 11]``) are
joined with ``;`` like OSM multi-values, so the tag parsers keep the strictest
(lowest ``lanes`` and ``maxspeed``); of several ``highway`` classes the most
important is kept, and the first OSM way id names the way.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS
from pyproj.exceptions import CRSError

from mobility.errors import DataError
from mobility.network._halt_areas import may_be_site
from mobility.network._osm_data import OsmWays, WayCollector, classify_way
from mobility.network._tags import NODE_KEYS, SITE_KEYS, WAY_KEYS
from mobility.network._vector_checks import to_wgs84

logger = logging.getLogger(__name__)

GRAPHML_SUFFIXES = (".graphml",)
GPKG_SUFFIXES = (".gpkg",)
#: Road classes from most to least important, to pick one of a merged edge's classes.
HIGHWAY_RANK = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "motorway_link",
    "trunk_link",
    "primary_link",
    "secondary_link",
    "tertiary_link",
)
_EDGE_KEYS = WAY_KEYS - {"oneway"}
MISSING_TEXTS = frozenset({"", "nan", "None", "<NA>", "NaN"})


@dataclass
class _Edges:
    """Edges of an osmnx graph, their ends' coordinates given by the nodes."""

    u: list[int]
    v: list[int]
    coords: list[NDArray[np.float64] | None]
    attributes: list[Mapping[str, Any]]


def _scalar_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    # Writers that turn missing values into text leave these behind.
    return None if text in MISSING_TEXTS else text


def _values(value: Any) -> list[str]:
    """Return the values of one attribute, osmnx lists (or their string form) split up."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        with contextlib.suppress(ValueError, SyntaxError):
            value = ast.literal_eval(value)
    items = value if isinstance(value, (list, tuple)) else [value]
    texts = [_scalar_text(item) for item in items]
    return list(dict.fromkeys(text for text in texts if text is not None))


def _edge_tags(attributes: Mapping[str, Any]) -> dict[str, str]:
    tags: dict[str, str] = {}
    for key in _EDGE_KEYS & attributes.keys():
        values = _values(attributes[key])
        if not values:
            continue
        if key == "highway":
            ranked = [h for h in HIGHWAY_RANK if h in values]
            tags[key] = ranked[0] if ranked else values[0]
        elif key == "railway":
            tags[key] = "rail" if "rail" in values else values[0]
        else:
            tags[key] = ";".join(values)
    return tags


def _way_id(attributes: Mapping[str, Any]) -> int:
    for key in ("osmid", "osmid_original"):
        for value in _values(attributes.get(key)):
            try:
                return int(value)
            except ValueError:
                continue
    return 0


def _geometry_key(coords: NDArray[np.float64]) -> bytes:
    return np.round(coords, 7).tobytes()


def ways_from_graph(
    node_ids: NDArray[np.int64],
    node_lonlat: NDArray[np.float64],
    node_tags: Sequence[Mapping[str, Any]],
    edges: _Edges,
) -> OsmWays:
    """Turn nodes (WGS84) and edges of an osmnx graph into ways.

    Parameters
    ----------
    node_ids
        OSM id of each node.
    node_lonlat
        WGS84 position of each node, shape ``(n, 2)``.
    node_tags
        Attributes of each node (``highway``, ``ref``, ``name`` are kept); a
        node tagged as a rest or service area (``highway=rest_area|services``,
        or ``amenity=parking`` with ``hgv``) is also a halt site.
    edges
        Edges with WGS84 geometries (``None`` for a straight edge).

    Returns
    -------
    OsmWays
        One way per edge or per pair of opposite edges.
    """
    index = {int(node): i for i, node in enumerate(node_ids.tolist())}
    lines = [_oriented_line(edges, i, index, node_lonlat) for i in range(len(edges.u))]
    by_key: dict[tuple[int, int, bytes], list[int]] = {}
    for i, (u, v, line) in enumerate(zip(edges.u, edges.v, lines, strict=True)):
        by_key.setdefault((u, v, _geometry_key(line)), []).append(i)
    collector = WayCollector()
    paired: set[int] = set()
    next_id = -1
    for i, (u, v, line) in enumerate(zip(edges.u, edges.v, lines, strict=True)):
        if i in paired:
            continue
        partners = [j for j in by_key.get((v, u, _geometry_key(line[::-1])), []) if j != i]
        partners = [j for j in partners if j not in paired]
        attributes = edges.attributes[i]
        oneway = [value.lower() for value in _values(attributes.get("oneway"))]
        two_way = bool(partners) or oneway in (["no"], ["false"], ["0"])
        if partners:
            paired.add(partners[0])
        tags = _edge_tags(attributes)
        tags["oneway"] = "no" if two_way else "yes"
        mode = classify_way(tags)
        if mode is None:
            continue
        inner = list(range(next_id, next_id - (len(line) - 2), -1))
        next_id -= len(inner)
        for node_id, (lon, lat) in zip(inner, line[1:-1].tolist(), strict=True):
            collector.add_node(node_id, lon, lat, None)
        collector.add_way(_way_id(attributes), [u, *inner, v], tags, mode)
    for node, (lon, lat), attributes in zip(
        node_ids.tolist(), node_lonlat.tolist(), node_tags, strict=True
    ):
        kept = {
            key: values[0]
            for key in NODE_KEYS & attributes.keys()
            if (values := _values(attributes[key]))
        }
        collector.add_node(int(node), lon, lat, kept or None)
        site_tags = {
            key: values[0]
            for key in SITE_KEYS & attributes.keys()
            if (values := _values(attributes[key]))
        }
        if may_be_site(site_tags):
            collector.add_site_node(int(node), lon, lat, site_tags)
    collector.ways_read = len(edges.u) - len(paired)
    return collector.finish(unique_ways=False)


def _oriented_line(
    edges: _Edges, i: int, index: Mapping[int, int], node_lonlat: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Edge ``i`` from ``u`` to ``v`` (swapping them if the geometry runs the other way)."""
    u, v = edges.u[i], edges.v[i]
    start = node_lonlat[index[u]] if u in index else None
    end = node_lonlat[index[v]] if v in index else None
    coords = edges.coords[i]
    if coords is None or len(coords) < 2:
        if start is None or end is None:
            return np.zeros((2, 2))
        return np.vstack([start, end])
    if (
        start is not None
        and end is not None
        and np.hypot(*(coords[0] - start)) > np.hypot(*(coords[0] - end))
    ):
        edges.u[i], edges.v[i] = v, u
        start, end = end, start
    line = np.array(coords, dtype=np.float64)
    if start is not None:
        line[0] = start
    if end is not None:
        line[-1] = end
    return line


def _crs_of(value: Any, source: str) -> CRS | None:
    if value is None:
        return None
    try:
        return CRS.from_user_input(value)
    except CRSError as error:
        raise DataError(f"{source}: CRS {value!r} is not a coordinate reference system") from error


def read_osmnx_graphml(path: str | Path) -> OsmWays:
    """Read a graph saved with ``osmnx.save_graphml``.

    Parameters
    ----------
    path
        A ``.graphml`` file.

    Returns
    -------
    OsmWays
        Road and rail ways of the graph.

    Raises
    ------
    DataError
        If the file does not exist or is not GraphML, or a node lacks ``x``/``y``.
    """
    import osmnx as ox  # slow to import: only when a GraphML file is read
    from shapely import get_coordinates

    path = Path(path)
    source = f"GraphML file {str(path)!r}"
    if not path.is_file():
        raise DataError(f"{source} does not exist")
    _refuse_entities(path, source)
    try:
        graph = ox.load_graphml(path)
    except Exception as error:  # XML, networkx and conversion errors alike
        raise DataError(f"{source} cannot be read as an osmnx graph: {error}") from error
    crs = _crs_of(graph.graph.get("crs"), source)
    nodes = list(graph.nodes(data=True))
    if not nodes:
        raise DataError(f"{source} holds no nodes; expected an osmnx graph")
    missing = [node for node, data in nodes if "x" not in data or "y" not in data]
    if missing:
        raise DataError(
            f"{source} has nodes without coordinates (e.g. node {missing[0]}): "
            "expected node attributes 'x' and 'y', as osmnx.save_graphml writes them"
        )
    node_ids = np.array([node for node, _ in nodes], dtype=np.int64)
    x = np.array([float(data["x"]) for _, data in nodes])
    y = np.array([float(data["y"]) for _, data in nodes])
    edge_list = list(graph.edges(data=True))
    coords: list[NDArray[np.float64] | None] = []
    for _, _, data in edge_list:
        geometry = data.get("geometry")
        coords.append(None if geometry is None else get_coordinates(geometry))
    lon, lat, coords = _edges_to_wgs84(x, y, coords, crs, source)
    edges = _Edges(
        u=[int(u) for u, _, _ in edge_list],
        v=[int(v) for _, v, _ in edge_list],
        coords=coords,
        attributes=[data for _, _, data in edge_list],
    )
    ways = ways_from_graph(node_ids, np.column_stack([lon, lat]), [d for _, d in nodes], edges)
    ways.notes = _crs_notes(crs, path.name)
    return ways


def _crs_notes(crs: CRS | None, name: str) -> list[str]:
    if crs is not None:
        return []
    return [f"{name} declares no CRS: its coordinates were read as WGS84 longitude/latitude"]


def _refuse_entities(path: Path, source: str) -> None:
    """Refuse XML entity declarations (billion laughs) before osmnx parses the file."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeElementTree

    try:
        # Declarations precede the root element: reading up to its start is enough.
        for _ in SafeElementTree.iterparse(str(path), events=("start",), forbid_dtd=False):
            break
    except DefusedXmlException as error:
        raise DataError(f"{source} declares XML entities, which are refused: {error}") from error
    except ParseError as error:
        raise DataError(f"{source} is not XML: {error}") from error


def _edges_to_wgs84(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    coords: list[NDArray[np.float64] | None],
    crs: CRS | None,
    source: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64], list[NDArray[np.float64] | None]]:
    """Nodes and edge geometries in WGS84, checked against ``crs`` in one pass."""
    sizes = [0 if c is None else len(c) for c in coords]
    stacked = [np.column_stack([x, y])] + [c[:, :2] for c in coords if c is not None]
    allxy = np.concatenate(stacked)
    lon, lat = to_wgs84(allxy[:, 0], allxy[:, 1], crs, source)
    lonlat = np.column_stack([lon, lat])
    out: list[NDArray[np.float64] | None] = []
    start = len(x)
    for size in sizes:
        out.append(lonlat[start : start + size] if size else None)
        start += size
    return lon[: len(x)], lat[: len(x)], out


def find_geopackage_layers(path: str | Path) -> tuple[tuple[Path, str], tuple[Path, str]]:
    """Return the (file, layer) of the nodes and of the edges of an osmnx GeoPackage.

    ``path`` is a ``.gpkg`` file or a folder of them. Layers are named
    ``nodes``/``edges`` (``osmnx.save_graph_geopackage``) or ``<name>_nodes``
    / ``<name>_edges``, possibly in two files of one folder.

    Raises
    ------
    DataError
        If no nodes and edges layers of one graph are found, or several are.
    """
    import pyogrio

    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in GPKG_SUFFIXES)
    elif path.is_file():
        files = [path, *sorted(p for p in path.parent.glob("*.gpkg") if p != path)]
    else:
        raise DataError(f"GeoPackage {str(path)!r} does not exist")
    found: dict[str, dict[str, tuple[Path, str]]] = {}
    names: list[str] = []
    for file in files:
        try:
            layers = [str(name) for name, _ in pyogrio.list_layers(file)]
        except Exception as error:  # GDAL errors of a damaged or foreign file
            raise DataError(f"GeoPackage {str(file)!r} cannot be read: {error}") from error
        names.extend(f"{file.name}:{name}" for name in layers)
        for name in layers:
            for role in ("nodes", "edges"):
                if name == role or name.endswith("_" + role):
                    found.setdefault(name[: -len(role)], {}).setdefault(role, (file, name))
    complete = {prefix: roles for prefix, roles in found.items() if len(roles) == 2}
    if path.is_file():  # a graph of the named file comes first
        own = {p: r for p, r in complete.items() if path in {r["nodes"][0], r["edges"][0]}}
        complete = own or complete
    if len(complete) != 1:
        problem = "no" if not complete else "several"
        raise DataError(
            f"GeoPackage {str(path)!r} has {problem} osmnx graph: expected one pair of layers "
            f"'nodes' and 'edges' (or '<name>_nodes' and '<name>_edges') with fields u, v, key; "
            f"found layers: {', '.join(names) or 'none'}"
        )
    (roles,) = complete.values()
    return roles["nodes"], roles["edges"]


def geopackage_files(path: str | Path) -> list[Path]:
    """Return the files holding the osmnx graph of ``path`` (for the cache's content digest)."""
    nodes, edges = find_geopackage_layers(path)
    return sorted({nodes[0], edges[0]})


def read_osmnx_geopackage(path: str | Path) -> OsmWays:
    """Read a graph saved as GeoPackage layers of nodes and edges (osmnx layout).

    Parameters
    ----------
    path
        A ``.gpkg`` file, or a folder holding the nodes and edges layers.

    Returns
    -------
    OsmWays
        Road and rail ways of the graph.

    Raises
    ------
    DataError
        If the layers are missing or lack their fields (``u``, ``v``; ``osmid``
        and point geometry or ``x``/``y``), or coordinates do not fit the CRS.
    """
    import pyogrio
    import shapely

    (node_file, node_layer), (edge_file, edge_layer) = find_geopackage_layers(path)
    source_nodes = f"GeoPackage {str(node_file)!r} layer {node_layer!r}"
    source_edges = f"GeoPackage {str(edge_file)!r} layer {edge_layer!r}"
    try:
        nodes = pyogrio.read_dataframe(node_file, layer=node_layer)
        edges = pyogrio.read_dataframe(edge_file, layer=edge_layer)
    except Exception as error:  # GDAL errors
        raise DataError(f"GeoPackage {str(path)!r} cannot be read: {error}") from error
    _require(nodes, ("osmid",), source_nodes)
    _require(edges, ("u", "v"), source_edges)
    if nodes.geometry.isna().any() or not nodes.geometry.geom_type.eq("Point").all():
        _require(nodes, ("x", "y"), source_nodes)
        x, y = nodes["x"].to_numpy(float), nodes["y"].to_numpy(float)
    else:
        x, y = shapely.get_x(nodes.geometry.array), shapely.get_y(nodes.geometry.array)
    if edges.crs is not None and nodes.crs is not None and edges.crs != nodes.crs:
        edges = edges.to_crs(nodes.crs)
    geometries = np.asarray(edges.geometry.array)
    coords = [None if g is None else shapely.get_coordinates(g) for g in geometries]
    crs = None if nodes.crs is None else CRS.from_user_input(nodes.crs)
    lon, lat, coords = _edges_to_wgs84(x, y, coords, crs, source_nodes)
    # osmnx stores a directed graph undirected; from/to keep each edge's direction.
    ends = ("from", "to") if {"from", "to"} <= set(edges.columns) else ("u", "v")
    u, v = (_node_ids(edges[end], f"{source_edges} field {end!r}").tolist() for end in ends)
    attributes = edges.drop(columns="geometry").to_dict("records")
    node_attributes = nodes.drop(columns="geometry").to_dict("records")
    ways = ways_from_graph(
        _node_ids(nodes["osmid"], f"{source_nodes} field 'osmid'"),
        np.column_stack([lon, lat]),
        node_attributes,
        _Edges(u=u, v=v, coords=coords, attributes=attributes),
    )
    ways.notes = _crs_notes(crs, node_file.name)
    return ways


def _node_ids(column: Any, source: str) -> NDArray[np.int64]:
    try:
        return np.asarray(column.astype("int64").to_numpy(), dtype=np.int64)
    except (TypeError, ValueError) as error:
        raise DataError(
            f"{source} holds values that are not node ids: expected integers"
        ) from error


def _require(frame: Any, columns: Sequence[str], source: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{source} lacks the field(s) {', '.join(missing)}; expected an osmnx "
            f"{'nodes' if 'osmid' in columns else 'edges'} layer with "
            f"{'osmid, x, y' if 'osmid' in columns else 'u, v, key'}; "
            f"found {', '.join(map(str, frame.columns))}"
        )
