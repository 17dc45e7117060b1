"""Load the corridor network: the public entry point of the network layer."""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mobility import settings
from mobility._progress import step
from mobility.errors import DataError
from mobility.model.corridor import CorridorSet, default_corridors_path, load_corridors
from mobility.model.halt_site import HaltSite
from mobility.network import cache
from mobility.network._corridor_geometry import corridor_polygons, union_polygon
from mobility.network._osm_data import ROAD_HIGHWAYS, Mode, OsmWays
from mobility.network._read_osmnx import (
    GPKG_SUFFIXES,
    GRAPHML_SUFFIXES,
    geopackage_files,
    read_osmnx_geopackage,
    read_osmnx_graphml,
)
from mobility.network._read_pbf import PBF_SUFFIXES, read_osm_pbf
from mobility.network._read_shapefile import find_shapefile_layers, read_geofabrik_shapefile
from mobility.network._read_shapefile_sites import find_site_layers
from mobility.network._read_xml import XML_SUFFIXES, read_osm_xml
from mobility.network.build import BuildOptions, build_graphs
from mobility.network.consolidate import consolidate_junctions
from mobility.network.places import NetworkPlace, attach_places, one_way_places
from mobility.network.report import LoadReport

logger = logging.getLogger(__name__)

ATLAS_FILENAME = "corridor-atlas.osm"


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
    halt_sites
        Rest areas, service areas and HGV parking of the input (every format;
        see :mod:`mobility.network._halt_areas`).
    """

    road: nx.MultiDiGraph
    rail: nx.MultiDiGraph
    corridors: CorridorSet
    places: list[NetworkPlace] = field(default_factory=list)
    report: LoadReport = field(default_factory=lambda: LoadReport("", ""))
    halt_sites: list[HaltSite] = field(default_factory=list)
    #: How the network was loaded (source, corridors, options), for plan folders
    #: (:mod:`mobility.validation.inputs`); ``None`` for a network built in code.
    load_args: dict[str, Any] | None = None

    def graph(self, mode: Mode) -> nx.MultiDiGraph:
        """Return the road or rail graph."""
        return self.road if mode == "road" else self.rail


def default_atlas_path() -> Path:
    """Path of the embedded corridor atlas."""
    return settings.data_dir / ATLAS_FILENAME


def detect_format(path: Path) -> str:
    """Return ``osm-xml``, ``osm-pbf``, ``shapefile``, ``osmnx-graphml`` or ``osmnx-gpkg``.

    A folder holding a ``.gpkg`` (and no ``.shp``) is an osmnx GeoPackage.

    Raises
    ------
    DataError
        If the path does not exist or its format is unknown.
    """
    name = path.name.lower()
    if path.is_dir():
        suffixes = {child.suffix.lower() for child in path.iterdir()}
        return "osmnx-gpkg" if ".shp" not in suffixes and ".gpkg" in suffixes else "shapefile"
    if name.endswith(".shp"):
        return "shapefile"
    if not path.exists():
        raise DataError(f"input {str(path)!r} does not exist")
    if name.endswith(PBF_SUFFIXES):
        return "osm-pbf"
    if name.endswith(XML_SUFFIXES):
        return "osm-xml"
    if name.endswith(GRAPHML_SUFFIXES):
        return "osmnx-graphml"
    if name.endswith(GPKG_SUFFIXES):
        return "osmnx-gpkg"
    raise DataError(
        f"input {str(path)!r} has an unknown format; expected OSM XML "
        f"({', '.join(XML_SUFFIXES)}), OSM PBF (.osm.pbf), a Geofabrik shapefile folder, "
        "an osmnx GraphML (.graphml) or an osmnx GeoPackage (.gpkg, or a folder of them)"
    )


def read_ways(
    path: Path, input_format: str, progress: Callable[[str, int], None] | None = None
) -> OsmWays:
    """Read an input of a known format into :class:`OsmWays`."""
    if input_format == "osm-pbf":
        return read_osm_pbf(path, progress=progress)
    if input_format == "shapefile":
        return read_geofabrik_shapefile(path)
    if input_format == "osmnx-graphml":
        return read_osmnx_graphml(path)
    if input_format == "osmnx-gpkg":
        return read_osmnx_geopackage(path)
    return read_osm_xml(path)


def _input_files(path: Path, input_format: str) -> list[Path]:
    if input_format == "osmnx-gpkg":
        return geopackage_files(path)
    if input_format != "shapefile":
        return [path]
    files: list[Path] = []
    for layer in [*find_shapefile_layers(path), *find_site_layers(path)]:
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
        An OSM XML (``.osm``, ``.osm.bz2``, ``.osm.gz``), OSM PBF, Geofabrik
        shapefile folder, osmnx GraphML or osmnx GeoPackage (file or folder);
        by default the embedded corridor atlas.
    corridors
        Corridor ids to load (default: all in the corridor file).
    corridor_file
        Corridor definitions YAML (default: ``mobility/data/corridors.yaml``).
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
        key = _cache_key(path, input_format, corridor_path, corridor_set, options)
        with collector_paused():
            cached = cache.load_cached(key)
        if isinstance(cached, Network):
            logger.info("loaded network from cache %s", cache.cache_path(key))
            cached.load_args = _load_args(source, corridors, corridor_file, options)
            return cached
    started = time.perf_counter()
    label = "embedded atlas" if source is None else str(path)
    with collector_paused():
        network = _build_network(path, input_format, label, corridor_set, options, progress)
    logger.info("built network from %s in %.1f s", path, time.perf_counter() - started)
    if use_cache:
        cache.store_cached(key, network)
    network.load_args = _load_args(source, corridors, corridor_file, options)
    return network


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (as it was before, after).

    Reference counting still frees what a load drops; only the search for
    reference cycles waits. A load creates millions of objects that all live
    on, and each full collection walks every one of them: 8 of 56 s of the
    load of the full synthetic network (#13, speed only).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _cache_key(
    path: Path,
    input_format: str,
    corridor_path: Path,
    corridor_set: CorridorSet,
    options: BuildOptions,
) -> str:
    """Key of the cached network: the inputs' content, the options and the corridors chosen."""
    content = cache.content_digest([*_input_files(path, input_format), corridor_path])
    return cache.cache_key(
        content, {"options": asdict(options), "corridors": sorted(corridor_set.corridors)}
    )


def _build_network(
    path: Path,
    input_format: str,
    label: str,
    corridor_set: CorridorSet,
    options: BuildOptions,
    progress: Callable[[str, int], None] | None,
) -> Network:
    """Read the input, build and consolidate the graphs, attach the places; fill the report."""
    with step(f"reading {path.name}"):
        ways = read_ways(path, input_format, progress)
    report = LoadReport(source=label, input_format=input_format)
    report.notes.extend(ways.notes)
    graphs = _build_graphs(ways, corridor_set, options, report)
    _refuse_empty(graphs, report, path, corridor_set, options)
    network = Network(
        road=graphs["road"],
        rail=graphs["rail"],
        corridors=corridor_set,
        report=report,
        halt_sites=ways.halt_sites,
    )
    if ways.halt_sites:
        report.notes.append(
            f"{len(ways.halt_sites):,} halt sites read (rest and service areas, HGV parking)"
        )
    network.places = attach_places(network.road, network.rail, corridor_set)
    report.count_restrictions_on_graph(network.road)
    report.unattached_places = [p.name for p in network.places if p.node is None]
    report.one_way_places = one_way_places(network.road, network.rail, network.places)
    return network


def _build_graphs(
    ways: OsmWays, corridor_set: CorridorSet, options: BuildOptions, report: LoadReport
) -> dict[Mode, nx.MultiDiGraph]:
    """Road and rail graphs, clipped, consolidated, each node and edge with its corridors."""
    polygons = corridor_polygons(corridor_set)
    clip = union_polygon(polygons) if options.clip else None
    with step("building the road and rail graphs"):
        graphs = build_graphs(ways, clip_polygon=clip, options=options, report=report)
        for mode in ("road", "rail"):
            graphs[mode] = consolidate_junctions(
                graphs[mode], tolerance_m=options.consolidate_tolerance_m, mode=mode, report=report
            )
            _assign_corridors(graphs[mode], polygons)
    return graphs


def _refuse_empty(
    graphs: dict[Mode, nx.MultiDiGraph],
    report: LoadReport,
    path: Path,
    corridor_set: CorridorSet,
    options: BuildOptions,
) -> None:
    """Raise a :class:`DataError` saying why when neither graph has an edge."""
    if graphs["road"].number_of_edges() or graphs["rail"].number_of_edges():
        return
    road_classes = ", ".join(sorted(h for h in ROAD_HIGHWAYS if not h.endswith("_link")))
    where = f" inside corridors {', '.join(corridor_set.corridors)}" if options.clip else ""
    read = "unknown" if report.ways_read is None else f"{report.ways_read:,}"
    missing = report.refs_without_location
    why = (
        f"; {missing:,} node references name nodes the input does not hold: expected "
        "an extract with the nodes of its ways"
        if missing > report.refs_outside_corridors
        else ""
    )
    raise DataError(
        f"input {str(path)!r} has no road ({road_classes}) or rail ways{where} "
        f"(ways read: {read}, node refs outside corridors: "
        f"{report.refs_outside_corridors:,}){why}"
    )


def _load_args(
    source: str | Path | None,
    corridors: Sequence[str] | None,
    corridor_file: str | Path | None,
    options: BuildOptions,
) -> dict[str, Any]:
    """Return the arguments of :func:`load_network` as plain data (paths made absolute)."""
    return {
        "source": None if source is None else str(Path(source).resolve()),
        "corridors": None if corridors is None else list(corridors),
        "corridor_file": None if corridor_file is None else str(Path(corridor_file).resolve()),
        "options": asdict(options),
    }


def network_input_files(source: str | Path | None, corridor_file: str | Path | None) -> list[Path]:
    """Return the files a network is read from (its source and the corridor file)."""
    path = Path(source) if source is not None else default_atlas_path()
    corridor_path = Path(corridor_file) if corridor_file is not None else default_corridors_path()
    return [*_input_files(path, detect_format(path)), corridor_path]


def _assign_corridors(graph: nx.MultiDiGraph, polygons: dict[str, BaseGeometry]) -> None:
    """Set ``corridors`` on every node and edge: the corridors containing it."""
    nodes = [data for _, data in graph.nodes(data=True)]
    if nodes:
        lon = np.array([data["x"] for data in nodes])
        lat = np.array([data["y"] for data in nodes])
        inside = {
            cid: shapely.contains_xy(poly, lon, lat).tolist() for cid, poly in polygons.items()
        }
        for i, data in enumerate(nodes):
            data["corridors"] = [cid for cid, mask in inside.items() if mask[i]]
    edges = [data for _, _, data in graph.edges(data=True)]
    if edges:
        midpoints = shapely.line_interpolate_point(
            np.array([data["geometry"] for data in edges]), 0.5, normalized=True
        )
        inside = {cid: shapely.contains(poly, midpoints).tolist() for cid, poly in polygons.items()}
        for i, data in enumerate(edges):
            data["corridors"] = [cid for cid, mask in inside.items() if mask[i]]
