"""Load the corridor network: the public entry point of the network layer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mobility import settings
from mobility.errors import DataError
from mobility.model.corridor import CorridorSet, default_corridors_path, load_corridors
from mobility.network import cache
from mobility.network.build import BuildOptions, build_graphs, haversine_m
from mobility.network.consolidate import consolidate_junctions
from mobility.network.corridor_geometry import corridor_polygons, union_polygon
from mobility.network.osm_data import Mode, OsmWays
from mobility.network.read_pbf import PBF_SUFFIXES, read_osm_pbf
from mobility.network.read_shapefile import find_shapefile_layers, read_geofabrik_shapefile
from mobility.network.read_xml import XML_SUFFIXES, read_osm_xml
from mobility.network.report import LoadReport

logger = logging.getLogger(__name__)

ATLAS_FILENAME = "corridor-atlas.osm"
#: Corridor places farther than this from any node of their mode stay unattached.
MAX_ATTACH_DISTANCE_M = 5000.0
PLACE_KIND_EXPORT = {
    "spod": "spod",
    "bcp": "bcp",
    "csc": "csc",
    "staging": "csc",
    "rail_terminal": "rail_terminal",
    "ramp": "rail_terminal",
}


@dataclass(frozen=True)
class NetworkPlace:
    """A named point of the network: junction, station, port, crossing, support centre.

    Attributes
    ----------
    kind
        ``junction``, ``station``, ``spod``, ``bcp``, ``csc`` or ``rail_terminal``.
    name
        Human name.
    corridors
        Corridors the place belongs to.
    lon, lat
        WGS84 position of the place itself.
    mode
        Graph the place attaches to (``road`` or ``rail``).
    node
        Id of the nearest node of that graph, or ``None`` if farther than
        :data:`MAX_ATTACH_DISTANCE_M`.
    distance_to_node_m
        Distance from the place to that node.
    place_id
        Id in the corridor file (empty for junctions and stations).
    role
        Finer kind (``staging``, ``ramp``) where the export kind is coarser.
    """

    kind: str
    name: str
    corridors: tuple[str, ...]
    lon: float
    lat: float
    mode: str
    node: int | None
    distance_to_node_m: float
    place_id: str = ""
    role: str = ""


@dataclass
class Network:
    """Road and rail graphs of the corridors, with their places and load report.

    Attributes
    ----------
    road, rail
        ``networkx.MultiDiGraph`` in osmnx conventions, WGS84.
    corridors
        The corridor definitions used for clipping and membership.
    places
        Named places attached to graph nodes.
    report
        What the load read, kept, dropped and could not parse.
    """

    road: nx.MultiDiGraph
    rail: nx.MultiDiGraph
    corridors: CorridorSet
    places: list[NetworkPlace] = field(default_factory=list)
    report: LoadReport = field(default_factory=lambda: LoadReport("", ""))

    def graph(self, mode: Mode) -> nx.MultiDiGraph:
        """Return the road or rail graph."""
        return self.road if mode == "road" else self.rail


def default_atlas_path() -> Path:
    """Path of the embedded corridor atlas."""
    return settings.data_dir / ATLAS_FILENAME


def detect_format(path: Path) -> str:
    """Return ``osm-xml``, ``osm-pbf`` or ``shapefile`` for an input path.

    Raises
    ------
    DataError
        If the path does not exist or its format is unknown.
    """
    name = path.name.lower()
    if path.is_dir() or name.endswith(".shp"):
        return "shapefile"
    if not path.exists():
        raise DataError(f"input {str(path)!r} does not exist")
    if name.endswith(PBF_SUFFIXES):
        return "osm-pbf"
    if name.endswith(XML_SUFFIXES):
        return "osm-xml"
    raise DataError(
        f"input {str(path)!r} has an unknown format; expected OSM XML "
        f"({', '.join(XML_SUFFIXES)}), OSM PBF (.osm.pbf) or a Geofabrik shapefile folder"
    )


def read_ways(
    path: Path, input_format: str, progress: Callable[[str, int], None] | None = None
) -> OsmWays:
    """Read an input of a known format into :class:`OsmWays`."""
    if input_format == "osm-pbf":
        return read_osm_pbf(path, progress=progress)
    if input_format == "shapefile":
        return read_geofabrik_shapefile(path)
    return read_osm_xml(path)


def _input_files(path: Path, input_format: str) -> list[Path]:
    if input_format != "shapefile":
        return [path]
    files: list[Path] = []
    for layer in find_shapefile_layers(path):
        files.extend(sorted(layer.parent.glob(layer.stem + ".*")))
    return files


def load_network(
    source: str | Path | None = None,
    *,
    corridors: Sequence[str] | None = None,
    corridor_file: str | Path | None = None,
    options: BuildOptions | None = None,
    use_cache: bool | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Network:
    """Load the road and rail graphs of the corridors.

    Parameters
    ----------
    source
        An OSM XML (``.osm``, ``.osm.bz2``, ``.osm.gz``), OSM PBF, or Geofabrik
        shapefile folder; by default the embedded corridor atlas.
    corridors
        Corridor ids to load (default: all in the corridor file).
    corridor_file
        Corridor definitions YAML (default: ``data/corridors.yaml``).
    options
        Graph build options (clipping, consolidation, fragment policy).
    use_cache
        Read and write the graph cache (default: :data:`mobility.settings.use_cache`).
    progress
        Called as ``progress(stage, count)`` during long reads.

    Returns
    -------
    Network
        Graphs, places and load report.

    Raises
    ------
    DataError
        If an input is missing or malformed, a corridor name is unknown, or
        nothing of the input lies within the corridors.
    """
    options = options or BuildOptions()
    path = Path(source) if source is not None else default_atlas_path()
    input_format = detect_format(path)
    corridor_path = Path(corridor_file) if corridor_file is not None else default_corridors_path()
    corridor_set = load_corridors(corridor_path).select(corridors)
    use_cache = settings.use_cache if use_cache is None else use_cache
    key = ""
    if use_cache:
        content = cache.content_digest([*_input_files(path, input_format), corridor_path])
        key = cache.cache_key(
            content, {"options": asdict(options), "corridors": sorted(corridor_set.corridors)}
        )
        cached = cache.load_cached(key)
        if isinstance(cached, Network):
            logger.info("loaded network from cache %s", cache.cache_path(key))
            return cached
    started = time.perf_counter()
    ways = read_ways(path, input_format, progress)
    report = LoadReport(
        source="embedded atlas" if source is None else str(path), input_format=input_format
    )
    polygons = corridor_polygons(corridor_set)
    clip = union_polygon(polygons) if options.clip else None
    graphs = build_graphs(ways, clip_polygon=clip, options=options, report=report)
    for mode in ("road", "rail"):
        graphs[mode] = consolidate_junctions(
            graphs[mode], tolerance_m=options.consolidate_tolerance_m, mode=mode, report=report
        )
        _assign_corridors(graphs[mode], polygons)
    if graphs["road"].number_of_edges() == 0 and graphs["rail"].number_of_edges() == 0:
        where = f"inside corridors {', '.join(corridor_set.corridors)}" if options.clip else ""
        raise DataError(
            f"input {str(path)!r} has no road ({', '.join(sorted(_road_classes()))}) or rail "
            f"ways {where}".rstrip()
            + f" (ways read: {report.ways_read if report.ways_read is not None else 'unknown'}, "
            f"node refs outside corridors: {report.refs_outside_corridors:,})"
        )
    network = Network(
        road=graphs["road"], rail=graphs["rail"], corridors=corridor_set, report=report
    )
    network.places = attach_places(network, polygons)
    logger.info("built network from %s in %.1f s", path, time.perf_counter() - started)
    if use_cache:
        cache.store_cached(key, network)
    return network


def _road_classes() -> list[str]:
    from mobility.network.osm_data import ROAD_HIGHWAYS

    return sorted(h for h in ROAD_HIGHWAYS if not h.endswith("_link"))


def _assign_corridors(graph: nx.MultiDiGraph, polygons: dict[str, BaseGeometry]) -> None:
    """Set ``corridors`` on every node and edge: the corridors containing it."""
    nodes = list(graph.nodes)
    if nodes:
        lon = np.array([graph.nodes[n]["x"] for n in nodes])
        lat = np.array([graph.nodes[n]["y"] for n in nodes])
        inside = {cid: shapely.contains_xy(poly, lon, lat) for cid, poly in polygons.items()}
        for i, node in enumerate(nodes):
            graph.nodes[node]["corridors"] = [cid for cid, mask in inside.items() if mask[i]]
    edges = list(graph.edges(keys=True, data="geometry"))
    if edges:
        midpoints = shapely.line_interpolate_point(
            np.array([geometry for _, _, _, geometry in edges]), 0.5, normalized=True
        )
        inside = {cid: shapely.contains(poly, midpoints) for cid, poly in polygons.items()}
        for i, (u, v, k, _) in enumerate(edges):
            graph.edges[u, v, k]["corridors"] = [cid for cid, mask in inside.items() if mask[i]]


def _nearest(graph: nx.MultiDiGraph, lon: float, lat: float) -> tuple[int | None, float]:
    if graph.number_of_nodes() == 0:
        return None, float("inf")
    nodes = list(graph.nodes)
    xs = np.array([graph.nodes[n]["x"] for n in nodes])
    ys = np.array([graph.nodes[n]["y"] for n in nodes])
    distance = haversine_m(xs, ys, np.full_like(xs, lon), np.full_like(ys, lat))
    best = int(np.argmin(distance))
    return int(nodes[best]), float(distance[best])


def attach_places(network: Network, polygons: dict[str, BaseGeometry]) -> list[NetworkPlace]:
    """Collect named places: corridor places snapped to graphs, junctions and stations."""
    places: list[NetworkPlace] = []
    for place in network.corridors.places:
        graph = network.graph("rail" if place.mode == "rail" else "road")
        node, distance = _nearest(graph, place.lon, place.lat)
        if distance > MAX_ATTACH_DISTANCE_M:
            logger.warning(
                "place %r is %.1f km from the nearest %s node; left unattached",
                place.name,
                distance / 1000,
                place.mode,
            )
            node = None
        kind = PLACE_KIND_EXPORT[place.kind]
        places.append(
            NetworkPlace(
                kind=kind,
                name=place.name,
                corridors=place.corridors,
                lon=place.lon,
                lat=place.lat,
                mode=place.mode,
                node=node,
                distance_to_node_m=distance,
                place_id=place.id,
                role=place.kind if place.kind != kind else "",
            )
        )
    for mode, graph in (("road", network.road), ("rail", network.rail)):
        for node, data in graph.nodes(data=True):
            name = data.get("name")
            if not name:
                continue
            if (
                data.get("highway") == "motorway_junction"
                or data.get("barrier") == "border_control"
            ):
                kind = "junction"
            elif data.get("railway") in {"station", "halt", "yard"}:
                kind = "station"
            else:
                continue
            places.append(
                NetworkPlace(
                    kind=kind,
                    name=str(name),
                    corridors=tuple(data.get("corridors", ())),
                    lon=float(data["x"]),
                    lat=float(data["y"]),
                    mode=mode,
                    node=int(node),
                    distance_to_node_m=0.0,
                    role="border_crossing" if data.get("barrier") == "border_control" else "",
                )
            )
    return places


def network_summary(network: Network) -> dict[str, Any]:
    """Per-corridor statistics: nodes, edges, km by road class and rail, structures."""
    summary: dict[str, Any] = {}
    for corridor_id in network.corridors.corridors:
        entry: dict[str, Any] = {"road_km_by_class": {}, "rail_km": 0.0}
        road_nodes = [
            n for n, c in network.road.nodes(data="corridors") if corridor_id in (c or ())
        ]
        rail_nodes = [
            n for n, c in network.rail.nodes(data="corridors") if corridor_id in (c or ())
        ]
        entry["road_nodes"] = len(road_nodes)
        entry["rail_nodes"] = len(rail_nodes)
        bridges: set[str] = set()
        tunnels: dict[str, set[str]] = {}
        road_edges = 0
        for _, _, data in network.road.edges(data=True):
            if corridor_id not in data.get("corridors", ()):
                continue
            road_edges += 1
            # Two-way edges exist once per direction: count road length once.
            share = 0.5 if not data.get("oneway", False) else 1.0
            highway = str(data.get("highway"))
            entry["road_km_by_class"][highway] = (
                entry["road_km_by_class"].get(highway, 0.0) + share * data["length_m"] / 1000
            )
            label = str(data.get("name") or data.get("ref") or f"way {data.get('osmid')}")
            if data.get("bridge"):
                bridges.add(label)
            if data.get("tunnel"):
                tunnels.setdefault(str(data.get("tunnel_category", "unknown")), set()).add(label)
        rail_edges = 0
        for _, _, data in network.rail.edges(data=True):
            if corridor_id in data.get("corridors", ()):
                rail_edges += 1
                entry["rail_km"] += 0.5 * data["length_m"] / 1000
        entry["road_edges"] = road_edges
        entry["rail_edges"] = rail_edges
        entry["bridges"] = sorted(bridges)
        entry["tunnels_by_category"] = {
            cat: sorted(names) for cat, names in sorted(tunnels.items())
        }
        entry["border_crossings"] = sorted(
            p.name for p in network.places if p.kind == "bcp" and corridor_id in p.corridors
        )
        summary[corridor_id] = entry
    return summary
