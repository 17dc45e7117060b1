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
from shapely.geometry.base import BaseGeometry

from mobility.network._build_arrays import edge_linestrings, kept_runs, run_cumulative
from mobility.network._graph_fill import add_edges
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


def _build_mode(
    ways: OsmWays,
    mode: Mode,
    position: NDArray[np.int64],
    keep: NDArray[np.bool_],
    report: LoadReport,
) -> nx.MultiDiGraph:
    """Cut the ways of ``mode`` into edges at split nodes, all ways at once."""
    of_mode = np.flatnonzero(np.fromiter((m == mode for m in ways.modes), bool, len(ways.modes)))
    runs = kept_runs(ways.offsets, of_mode, keep)
    report.ways_kept[mode] = len(np.unique(runs.way))
    graph = nx.MultiDiGraph(crs=WGS84)
    if not len(runs.way):
        if mode == "road":
            report.count_restrictions(ways.restrictions, set())
        return graph
    by_from = _restrictions_by_from(ways.restrictions) if mode == "road" else {}
    node_at = position[runs.refs]  # node position of each run element
    is_split = _split_positions(ways, node_at, runs.offsets, [via for _, via in by_from])
    lon, lat = ways.node_lon[node_at], ways.node_lat[node_at]
    cumulative = run_cumulative(haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:]), runs.offsets)
    cuts = np.flatnonzero(is_split[node_at])
    run_of_cut = np.searchsorted(runs.offsets, cuts, side="right") - 1
    same_run = run_of_cut[:-1] == run_of_cut[1:]
    first, last = cuts[:-1][same_run], cuts[1:][same_run]
    edge_way = runs.way[run_of_cut[:-1][same_run]]
    node_ids = ways.node_ids[node_at]
    heads, tails = node_ids[first].tolist(), node_ids[last].tolist()
    lengths_m = (cumulative[last] - cumulative[first]).tolist()
    _add_nodes(graph, ways, node_at, first, last)
    attributes = _WayAttributes(ways, mode, report)
    directions = attributes.oneway(edge_way)
    forward = edge_linestrings(lon, lat, first[directions != -1], last[directions != -1])
    backward = edge_linestrings(
        lon, lat, first[directions != 1], last[directions != 1], backward=True
    )
    next_forward = next_backward = 0
    attached: set[int] = set()
    edges: list[tuple[int, int, dict[str, Any]]] = []
    for i, way_index in enumerate(edge_way.tolist()):
        u, v, length_m = heads[i], tails[i], lengths_m[i]
        way_id, oneway, per_direction = attributes.of(way_index)
        for backward_edge in (False, True) if oneway == 0 else (oneway == -1,):
            data = {
                **per_direction[backward_edge],
                "length": length_m,
                "length_m": length_m,
                "oneway": oneway != 0,
                "reversed": backward_edge,
            }
            turns = by_from.get((way_id, u if backward_edge else v))
            if turns:
                data[EDGE_ATTRIBUTE] = tuple(turns)
                attached.update(relation for relation, _, _ in turns)
            if backward_edge:
                data["geometry"] = backward[next_backward]
                next_backward += 1
                edges.append((v, u, data))
            else:
                data["geometry"] = forward[next_forward]
                next_forward += 1
                edges.append((u, v, data))
    add_edges(graph, edges, copy=False)  # each data dict was made for this edge
    if mode == "road":
        report.count_restrictions(ways.restrictions, attached)
    return graph


def _add_nodes(
    graph: nx.MultiDiGraph,
    ways: OsmWays,
    node_at: NDArray[np.int64],
    first: NDArray[np.int64],
    last: NDArray[np.int64],
) -> None:
    """Add the end nodes of the edges, in the order the edges first name them."""
    ends = np.column_stack([node_at[first], node_at[last]]).ravel()
    _, seen = np.unique(ends, return_index=True)
    order = ends[np.sort(seen)]
    graph.add_nodes_from(
        (
            node,
            {"x": x, "y": y, **_node_attributes(ways.node_tags.get(node))},
        )
        for node, x, y in zip(
            ways.node_ids[order].tolist(),
            ways.node_lon[order].tolist(),
            ways.node_lat[order].tolist(),
            strict=True,
        )
    )


def _split_positions(
    ways: OsmWays,
    node_at: NDArray[np.int64],
    run_offsets: NDArray[np.int64],
    via_nodes: list[int],
) -> NDArray[np.bool_]:
    """Node positions where edges end: shared nodes, run ends, tagged and via nodes."""
    uses = np.bincount(node_at, minlength=len(ways.node_ids))
    is_split = uses >= 2
    is_split[node_at[run_offsets[:-1]]] = True
    is_split[node_at[run_offsets[1:] - 1]] = True
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


class _WayAttributes:
    """Typed attributes of the ways of one mode, parsed once per distinct set of tags.

    Real OSM repeats the same tags on many ways (a motorway's pieces), so the
    tags are parsed once per combination; each way still reports its own
    unparsed values, in way order, when it is first asked for.
    """

    def __init__(self, ways: OsmWays, mode: Mode, report: LoadReport) -> None:
        self._ways = ways
        self._mode = mode
        self._report = report
        self._by_tags: dict[tuple[tuple[str, str], ...], _ParsedTags] = {}
        self._by_way: dict[int, tuple[int, int, dict[bool, dict[str, Any]]]] = {}

    def oneway(self, way_indices: NDArray[np.int64]) -> NDArray[np.int64]:
        """Direction of each way (1, -1, or 0 for both), reporting each new way's issues."""
        ways, inverse = np.unique(way_indices, return_inverse=True)  # ascending: way order
        oneway = np.fromiter((self.of(index)[1] for index in ways.tolist()), np.int64, len(ways))
        return oneway[inverse]

    def of(self, way_index: int) -> tuple[int, int, dict[bool, dict[str, Any]]]:
        """Way id, direction and attributes per direction (``False`` forward) of one way."""
        found = self._by_way.get(way_index)
        if found is not None:
            return found
        tags = self._ways.way_tags[way_index]
        key = tuple(tags.items())
        parsed = self._by_tags.get(key)
        if parsed is None:
            parsed = self._by_tags[key] = _parse_tags(tags, self._mode)
        way_id = int(self._ways.way_ids[way_index])
        self._report.add_issues(way_id, parsed.issues)
        per_direction = {}
        for backward, template in parsed.per_direction.items():
            attributes = dict(template)
            attributes["osmid"] = way_id
            per_direction[backward] = attributes
        found = self._by_way[way_index] = (way_id, parsed.oneway, per_direction)
        return found


@dataclass(frozen=True)
class _ParsedTags:
    """Attributes per direction (``osmid`` a placeholder), direction and issues of a tag set."""

    per_direction: dict[bool, dict[str, Any]]
    oneway: int
    issues: list[TagIssue]


def _parse_tags(tags: Mapping[str, str], mode: Mode) -> _ParsedTags:
    """Typed attributes of a way's tags, per direction; ``lanes`` counts that direction's."""
    issues: list[TagIssue] = []
    attributes, tag_issues = parse_way_tags(tags)
    attributes["osmid"] = 0  # placeholder: keeps the key's place in the attribute order
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
                issues.append(_issue("oneway", tags["oneway"], error))
                attributes["oneway_raw"] = tags["oneway"]
        lanes = attributes.get("lanes")
        if oneway == 0 and lanes is not None:
            # OSM `lanes` counts both directions of a two-way way.
            attributes["lanes_forward"] = _lanes_direction(tags, "lanes:forward", lanes, issues)
            attributes["lanes_backward"] = _lanes_direction(tags, "lanes:backward", lanes, issues)
    else:
        attributes["railway"] = tags["railway"]
        oneway = 0
    per_direction = {}
    for backward, key in ((False, "lanes_forward"), (True, "lanes_backward")):
        data = dict(attributes)
        if "lanes" in data:
            data["lanes"] = attributes.get(key, attributes["lanes"])
        data.pop("lanes_forward", None)
        data.pop("lanes_backward", None)
        per_direction[backward] = data
    return _ParsedTags(per_direction=per_direction, oneway=oneway, issues=issues + tag_issues)


def _issue(key: str, raw: str, error: Exception) -> TagIssue:
    return TagIssue(key=key, raw=raw, reason=str(error))


def _lanes_direction(tags: Mapping[str, str], key: str, total: int, issues: list[TagIssue]) -> int:
    if key in tags:
        try:
            return parse_positive_int(tags[key])
        except ValueError as error:
            issues.append(_issue(key, tags[key], error))
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
    lengths = _component_lengths_m(graph, components)
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


def _component_lengths_m(graph: nx.MultiDiGraph, components: list[set[int]]) -> list[float]:
    """Length of each weakly connected component, each stretch once (not per direction).

    Summed in the order ``graph.subgraph(component).edges`` lists the edges
    (the order of the subgraph's own node set when it holds under half the
    graph's nodes, else the graph's node order), so the sums are bit for bit
    those over each subgraph, without the cost of a subgraph view each.
    """
    succ = graph.succ
    lengths = []
    for component in components:
        shown = set(graph.nbunch_iter(component))  # as graph.subgraph builds it
        nodes = shown if 2 * len(shown) < len(succ) else (n for n in succ if n in shown)
        lengths.append(
            sum(
                data["length_m"]
                for node in nodes
                for keyed in succ[node].values()
                for data in keyed.values()
                if not data.get("reversed")
            )
        )
    return lengths
