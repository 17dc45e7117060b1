"""Build road and rail graphs (networkx, osmnx conventions) from :class:`OsmWays`.

Ways are cut into edges at junctions (nodes shared by several ways, way ends,
and tagged nodes such as named junctions and stations) directly from the flat
arrays, so no graph of every OSM node is ever built: this keeps country-scale
loads within memory. The result follows osmnx conventions (``crs`` graph
attribute, node ``x``/``y``, edge ``osmid``, ``length``, ``geometry``,
``oneway``, ``reversed``), so osmnx functions work on it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from mobility.network._osm_data import Mode, OsmWays
from mobility.network._tags import TagIssue, parse_oneway, parse_positive_int, parse_way_tags
from mobility.network.report import FragmentSummary, LoadReport
from mobility.network.restrictions import EDGE_ATTRIBUTE, TurnRestriction

logger = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_008.8
WGS84 = "EPSG:4326"
FragmentPolicy = Literal["keep", "drop_small", "largest"]

#: Edge attributes that restrict which vehicles may pass; endpoints of edges
#: carrying any of them are never merged by junction consolidation.
RESTRICTION_ATTRIBUTES = (
    "maxweight_t",
    "maxaxleload_t",
    "maxheight_m",
    "maxwidth_m",
    "mlc_wheeled",
    "mlc_tracked",
    "tunnel_category",
    "hazmat",
)
IMPLIED_ONEWAY_HIGHWAYS = frozenset({"motorway", "motorway_link"})


@dataclass(frozen=True)
class BuildOptions:
    """Options of graph building; part of the cache key.

    Attributes
    ----------
    clip
        Keep only what lies inside the corridor polygons.
    consolidate_tolerance_m
        Junction nodes closer than this are merged (on a projected graph);
        0 disables consolidation.
    fragments
        Policy for disconnected fragments: ``keep`` all, ``drop_small``
        (drop components shorter than ``min_fragment_length_m``) or keep only
        the ``largest`` component.
    min_fragment_length_m
        Threshold of ``drop_small``.
    """

    clip: bool = True
    consolidate_tolerance_m: float = 20.0
    fragments: FragmentPolicy = "drop_small"
    min_fragment_length_m: float = 2000.0

    def __post_init__(self) -> None:
        if self.fragments not in ("keep", "drop_small", "largest"):
            raise ValueError(
                f"fragments policy {self.fragments!r} is not one of keep, drop_small, largest"
            )
        if self.consolidate_tolerance_m < 0 or self.min_fragment_length_m < 0:
            raise ValueError("tolerances must be >= 0")


def haversine_m(
    lon1: NDArray[np.float64],
    lat1: NDArray[np.float64],
    lon2: NDArray[np.float64],
    lat2: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Great-circle distance in metres between arrays of WGS84 points."""
    lon1, lat1, lon2, lat2 = (np.radians(a) for a in (lon1, lat1, lon2, lat2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    distance: NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return distance


def _is_junction_tagged(tags: Mapping[str, str]) -> bool:
    return (
        tags.get("highway") == "motorway_junction"
        or tags.get("railway") in {"station", "halt", "yard"}
        or tags.get("barrier") == "border_control"
        or "name" in tags
    )


def build_graphs(
    ways: OsmWays,
    *,
    clip_polygon: BaseGeometry | None,
    options: BuildOptions,
    report: LoadReport,
) -> dict[Mode, nx.MultiDiGraph]:
    """Build one graph per mode from the ways.

    Parameters
    ----------
    ways
        Output of a reader.
    clip_polygon
        Prepared WGS84 polygon to clip to, or ``None`` for no clipping.
    options
        Build options.
    report
        Load report, filled in as a side effect.

    Returns
    -------
    dict
        ``{"road": MultiDiGraph, "rail": MultiDiGraph}`` in WGS84.
    """
    position = np.searchsorted(ways.node_ids, ways.refs)
    position = np.clip(position, 0, max(len(ways.node_ids) - 1, 0))
    has_location = (
        ways.node_ids[position] == ways.refs
        if len(ways.node_ids)
        else np.zeros(len(ways.refs), bool)
    )
    report.ways_read = ways.ways_read
    report.refs_without_location = int((~has_location).sum())
    keep = has_location.copy()
    if clip_polygon is not None and len(ways.node_ids):
        inside_node = shapely.contains_xy(clip_polygon, ways.node_lon, ways.node_lat)
        inside_ref = inside_node[position] & has_location
        report.refs_outside_corridors = int((has_location & ~inside_ref).sum())
        keep = inside_ref
    graphs: dict[Mode, nx.MultiDiGraph] = {}
    for mode in ("road", "rail"):
        graph = _build_mode(ways, mode, position, keep, report)
        graph = _apply_fragment_policy(graph, mode, options, report)
        graphs[mode] = graph
    return graphs


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Return [start, stop) of runs of True in ``mask``."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    return list(zip(changes[::2].tolist(), changes[1::2].tolist(), strict=True))


def _build_mode(
    ways: OsmWays,
    mode: Mode,
    position: NDArray[np.int64],
    keep: NDArray[np.bool_],
    report: LoadReport,
) -> nx.MultiDiGraph:
    offsets = ways.offsets
    # Runs of kept node positions, per way of this mode.
    runs: list[tuple[int, NDArray[np.int64]]] = []
    for way_index, way_mode in enumerate(ways.modes):
        if way_mode != mode:
            continue
        start, stop = int(offsets[way_index]), int(offsets[way_index + 1])
        for a, b in _runs(keep[start:stop]):
            if b - a >= 2:
                runs.append((way_index, position[start + a : start + b]))
    report.ways_kept[mode] = len({way_index for way_index, _ in runs})
    graph = nx.MultiDiGraph(crs=WGS84)
    if not runs:
        if mode == "road":
            report.count_restrictions(ways.restrictions, set())
        return graph
    by_from = _restrictions_by_from(ways.restrictions) if mode == "road" else {}
    is_split = _split_positions(ways, runs, [via for _, via in by_from])
    attached: set[int] = set()
    parsed_cache: dict[int, tuple[dict[str, Any], int]] = {}
    for way_index, run in runs:
        if way_index not in parsed_cache:
            parsed_cache[way_index] = _way_attributes(ways, way_index, mode, report)
        attributes, oneway = parsed_cache[way_index]
        way_id = int(ways.way_ids[way_index])
        lon = ways.node_lon[run]
        lat = ways.node_lat[run]
        step_m = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
        cumulative = np.concatenate([[0.0], np.cumsum(step_m)])
        cuts = np.flatnonzero(is_split[run])
        for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
            u, v = int(ways.node_ids[run[a]]), int(ways.node_ids[run[b]])
            length_m = float(cumulative[b] - cumulative[a])
            coords = np.column_stack([lon[a : b + 1], lat[a : b + 1]])
            for node, i in ((u, run[a]), (v, run[b])):
                if node not in graph:
                    graph.add_node(
                        node,
                        x=float(ways.node_lon[i]),
                        y=float(ways.node_lat[i]),
                        **_node_attributes(ways.node_tags.get(node)),
                    )
            directions = [False, True] if oneway == 0 else [oneway == -1]
            for backward in directions:
                data = dict(attributes)
                data.update(
                    length=length_m, length_m=length_m, oneway=oneway != 0, reversed=backward
                )
                turns = by_from.get((way_id, u if backward else v))
                if turns:
                    data[EDGE_ATTRIBUTE] = tuple(turns)
                    attached.update(relation for relation, _, _ in turns)
                if backward:
                    data["geometry"] = LineString(coords[::-1])
                    data["lanes"] = attributes.get("lanes_backward", attributes.get("lanes"))
                    graph.add_edge(v, u, **data)
                else:
                    data["geometry"] = LineString(coords)
                    data["lanes"] = attributes.get("lanes_forward", attributes.get("lanes"))
                    graph.add_edge(u, v, **data)
    if mode == "road":
        report.count_restrictions(ways.restrictions, attached)
    for _, _, data in graph.edges(data=True):
        data.pop("lanes_forward", None)
        data.pop("lanes_backward", None)
        if data.get("lanes") is None:
            data.pop("lanes", None)
    return graph


def _split_positions(
    ways: OsmWays, runs: list[tuple[int, NDArray[np.int64]]], via_nodes: list[int]
) -> NDArray[np.bool_]:
    """Node positions where edges end: shared nodes, run ends, tagged and via nodes."""
    all_positions = np.concatenate([run for _, run in runs])
    uses = np.bincount(all_positions, minlength=len(ways.node_ids))
    is_split = uses >= 2
    for _, run in runs:
        is_split[run[0]] = True
        is_split[run[-1]] = True
    split_ids = [node for node, tags in ways.node_tags.items() if _is_junction_tagged(tags)]
    for node_id in split_ids + via_nodes:
        index = int(np.searchsorted(ways.node_ids, node_id))
        if index < len(ways.node_ids) and ways.node_ids[index] == node_id:
            is_split[index] = True
    return is_split


def _restrictions_by_from(
    restrictions: list[TurnRestriction],
) -> dict[tuple[int, int], list[tuple[int, str, int]]]:
    """Binding restrictions keyed by (from way, via node): (relation, value, to way)."""
    by_from: dict[tuple[int, int], list[tuple[int, str, int]]] = {}
    for item in restrictions:
        if item.status != "binding":
            continue
        via = item.via_nodes[0]
        for from_way in item.from_ways:
            entries = by_from.setdefault((from_way, via), [])
            entries.extend((item.relation_id, item.restriction, to) for to in item.to_ways)
    return by_from


def _node_attributes(tags: Mapping[str, str] | None) -> dict[str, str]:
    if not tags:
        return {}
    return {
        key: value
        for key, value in tags.items()
        if key in {"name", "ref", "highway", "railway", "barrier"}
    }


def _way_attributes(
    ways: OsmWays, way_index: int, mode: Mode, report: LoadReport
) -> tuple[dict[str, Any], int]:
    """Typed attributes of one way and its direction (1, -1, or 0 for both)."""
    tags = ways.way_tags[way_index]
    way_id = int(ways.way_ids[way_index])
    attributes, issues = parse_way_tags(tags)
    attributes["osmid"] = way_id
    if mode == "road":
        attributes["highway"] = tags["highway"]
        oneway = (
            1
            if (tags["highway"] in IMPLIED_ONEWAY_HIGHWAYS or tags.get("junction") == "roundabout")
            else 0
        )
        if "oneway" in tags:
            try:
                oneway = parse_oneway(tags["oneway"])
            except ValueError as error:
                report.add_issues(way_id, [_issue("oneway", tags["oneway"], error)])
                attributes["oneway_raw"] = tags["oneway"]
        lanes = attributes.get("lanes")
        if oneway == 0 and lanes is not None:
            # OSM `lanes` counts both directions of a two-way way.
            attributes["lanes_forward"] = _lanes_direction(
                tags, "lanes:forward", lanes, report, way_id
            )
            attributes["lanes_backward"] = _lanes_direction(
                tags, "lanes:backward", lanes, report, way_id
            )
    else:
        attributes["railway"] = tags["railway"]
        oneway = 0
    report.add_issues(way_id, issues)
    return attributes, oneway


def _issue(key: str, raw: str, error: Exception) -> TagIssue:
    return TagIssue(key=key, raw=raw, reason=str(error))


def _lanes_direction(
    tags: Mapping[str, str], key: str, total: int, report: LoadReport, way_id: int
) -> int:
    if key in tags:
        try:
            return parse_positive_int(tags[key])
        except ValueError as error:
            report.add_issues(way_id, [_issue(key, tags[key], error)])
    return max(1, total // 2)


def _apply_fragment_policy(
    graph: nx.MultiDiGraph, mode: Mode, options: BuildOptions, report: LoadReport
) -> nx.MultiDiGraph:
    summary = FragmentSummary(policy=options.fragments)
    components = list(nx.weakly_connected_components(graph))
    summary.components = len(components)
    if options.fragments == "keep" or not components:
        summary.kept = len(components)
        report.fragments[mode] = summary
        return graph
    lengths = []
    for component in components:
        sub = graph.subgraph(component)
        # Count each stretch once, not once per direction.
        lengths.append(
            sum(d["length_m"] for _, _, d in sub.edges(data=True) if not d.get("reversed"))
        )
    if options.fragments == "largest":
        best = int(np.argmax(lengths))
        dropped = [i for i in range(len(components)) if i != best]
    else:
        dropped = [i for i, length in enumerate(lengths) if length < options.min_fragment_length_m]
    for i in dropped:
        graph.remove_nodes_from(components[i])
    summary.dropped = len(dropped)
    summary.kept = len(components) - len(dropped)
    summary.dropped_length_m = float(sum(lengths[i] for i in dropped))
    report.fragments[mode] = summary
    if dropped:
        logger.info(
            "%s: dropped %d small fragments (%s policy)", mode, len(dropped), options.fragments
        )
    return graph
