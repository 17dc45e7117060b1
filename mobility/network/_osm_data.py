"""The common intermediate form of every reader: filtered ways and their nodes.

All readers (OSM XML, PBF, Geofabrik shapefiles) produce an :class:`OsmWays`,
so that graph building, tag parsing and clipping run through one code path
whatever the input format.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.model.halt_site import HaltSite, site_from_tags
from mobility.network._halt_areas import site_from_outline
from mobility.network.restrictions import TurnRestriction

Mode = Literal["road", "rail"]

#: Road classes kept by default: the network a military column may use.
ROAD_HIGHWAYS: frozenset[str] = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
    }
)
#: Rail types kept: standard railway lines (no tram, metro or light rail).
RAIL_RAILWAYS: frozenset[str] = frozenset({"rail"})
#: ``service=*`` values of rail kept besides plain lines (yards and sidings are dropped).
RAIL_SERVICES: frozenset[str] = frozenset({"spur"})


def classify_way(tags: Mapping[str, str]) -> Mode | None:
    """Say whether a way belongs to the road graph, the rail graph, or neither."""
    if tags.get("highway") in ROAD_HIGHWAYS:
        return "road"
    if tags.get("railway") in RAIL_RAILWAYS:
        service = tags.get("service")
        if service is None or service in RAIL_SERVICES:
            return "rail"
    return None


@dataclass
class OsmWays:
    """Ways (as flat arrays of node references) plus the locations of their nodes.

    Attributes
    ----------
    way_ids
        OSM id of each way, shape ``(n_ways,)``.
    offsets
        Start of each way's references in ``refs``; shape ``(n_ways + 1,)``.
    refs
        Node ids of all ways, concatenated.
    way_tags
        Tags of each way, restricted to the keys the builder uses.
    modes
        ``"road"`` or ``"rail"`` per way.
    node_ids
        Sorted ids of the nodes with a known location.
    node_lon, node_lat
        WGS84 location of each node in ``node_ids``.
    node_tags
        Tags of the nodes that carry any kept key (names of junctions, stations).
    ways_read
        Ways seen in the input before filtering, where the reader counts them
        (the PBF reader filters in C++ and does not).
    notes
        What the reader assumed about the input, for the load report (a
        shapefile without ``.prj`` read as WGS84).
    restrictions
        Turn restriction relations (OSM XML and PBF; shapefiles have none).
    halt_sites
        Rest areas, service areas and HGV parking of the input (every reader;
        see :mod:`mobility.network._halt_areas`).
    """

    way_ids: NDArray[np.int64]
    offsets: NDArray[np.int64]
    refs: NDArray[np.int64]
    way_tags: list[dict[str, str]]
    modes: list[Mode]
    node_ids: NDArray[np.int64]
    node_lon: NDArray[np.float64]
    node_lat: NDArray[np.float64]
    node_tags: dict[int, dict[str, str]] = field(default_factory=dict)
    ways_read: int | None = None
    notes: list[str] = field(default_factory=list)
    restrictions: list[TurnRestriction] = field(default_factory=list)
    halt_sites: list[HaltSite] = field(default_factory=list)

    @property
    def n_ways(self) -> int:
        """Number of ways kept."""
        return int(self.way_ids.shape[0])


class WayCollector:
    """Accumulate ways and nodes from a streaming reader into an :class:`OsmWays`."""

    def __init__(self) -> None:
        self.way_ids: list[int] = []
        self.lengths: list[int] = []
        self.refs: list[int] = []
        self.way_tags: list[dict[str, str]] = []
        self.modes: list[Mode] = []
        self.node_ids: list[int] = []
        self.node_lon: list[float] = []
        self.node_lat: list[float] = []
        self.node_tags: dict[int, dict[str, str]] = {}
        self.ways_read: int | None = None
        self.restrictions: list[TurnRestriction] = []
        self.site_nodes: dict[int, tuple[float, float, dict[str, str]]] = {}
        self.site_ways: list[tuple[int, list[int], dict[str, str]]] = []

    def add_site_node(self, node_id: int, lon: float, lat: float, tags: dict[str, str]) -> None:
        """Keep a node that marks a rest area, service area or HGV parking."""
        if site_from_tags("-", tags, 0.0, 0.0, None) is not None:
            self.site_nodes[node_id] = (lon, lat, tags)

    def add_site_area(self, way_id: int, refs: list[int], tags: dict[str, str]) -> None:
        """Keep the outline of a rest area, service area or HGV parking (a way's nodes)."""
        if len(refs) >= 3 and site_from_tags("-", tags, 0.0, 0.0, None) is not None:
            self.site_ways.append((way_id, refs, tags))

    def site_refs(self) -> list[int]:
        """Node ids of the kept site outlines (a reader must locate them too)."""
        return [ref for _, refs, _ in self.site_ways for ref in refs]

    def _sites(self) -> list[HaltSite]:
        sites = [
            site_from_tags(f"osm_node_{node}", tags, lon, lat, None)
            for node, (lon, lat, tags) in self.site_nodes.items()
        ]
        if self.site_ways:
            ids = np.asarray(self.node_ids, dtype=np.int64)
            found = np.flatnonzero(np.isin(ids, np.asarray(self.site_refs(), dtype=np.int64)))
            where = dict(
                zip(
                    ids[found].tolist(),
                    zip(
                        np.asarray(self.node_lon)[found].tolist(),
                        np.asarray(self.node_lat)[found].tolist(),
                        strict=True,
                    ),
                    strict=True,
                )
            )
            for way, refs, tags in self.site_ways:
                coords = [where[r] for r in refs if r in where]
                sites.append(site_from_outline(f"osm_way_{way}", tags, coords))
        return [s for s in sites if s is not None]

    def add_way(self, way_id: int, refs: list[int], tags: dict[str, str], mode: Mode) -> None:
        """Keep one way (already classified)."""
        if len(refs) < 2:
            return
        self.way_ids.append(way_id)
        self.lengths.append(len(refs))
        self.refs.extend(refs)
        self.way_tags.append(tags)
        self.modes.append(mode)

    def add_node(self, node_id: int, lon: float, lat: float, tags: dict[str, str] | None) -> None:
        """Keep one node location and its tags, if any."""
        self.node_ids.append(node_id)
        self.node_lon.append(lon)
        self.node_lat.append(lat)
        if tags:
            self.node_tags[node_id] = tags

    def finish(self, *, unique_ways: bool = True) -> OsmWays:
        """Return the collected data as arrays, nodes sorted by id.

        Parameters
        ----------
        unique_ways
            Refuse a way id seen twice. Graphs saved by osmnx legitimately
            repeat one: each edge of a way split at junctions keeps its id.

        Raises
        ------
        DataError
            If a node or way id appears twice (the input is two extracts
            concatenated, or was edited: which copy is right is unknown).
        """
        refs = np.asarray(self.refs, dtype=np.int64)
        node_ids = np.asarray(self.node_ids, dtype=np.int64)
        _refuse_duplicates(node_ids, "node")
        if unique_ways:
            _refuse_duplicates(np.asarray(self.way_ids, dtype=np.int64), "way")
        # Readers that cannot know in advance which nodes ways need (XML) keep all;
        # drop the unreferenced ones here.
        distinct_refs = np.unique(refs)
        referenced = np.flatnonzero(_is_in(node_ids, distinct_refs))
        node_ids = node_ids[referenced]
        order = referenced[np.argsort(node_ids, kind="stable")]
        offsets = np.zeros(len(self.lengths) + 1, dtype=np.int64)
        np.cumsum(np.asarray(self.lengths, dtype=np.int64), out=offsets[1:])
        return OsmWays(
            way_ids=np.asarray(self.way_ids, dtype=np.int64),
            offsets=offsets,
            refs=refs,
            way_tags=self.way_tags,
            modes=self.modes,
            node_ids=np.asarray(self.node_ids, dtype=np.int64)[order],
            node_lon=np.asarray(self.node_lon, dtype=np.float64)[order],
            node_lat=np.asarray(self.node_lat, dtype=np.float64)[order],
            node_tags=_referenced_tags(self.node_tags, distinct_refs),
            ways_read=self.ways_read,
            restrictions=self.restrictions,
            halt_sites=self._sites(),
        )


def _refuse_duplicates(ids: NDArray[np.int64], what: str) -> None:
    ordered = np.sort(ids)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if repeated.size:
        raise DataError(
            f"{what} id {int(repeated[0])} appears twice ({np.unique(repeated).size:,} "
            f"repeated {what} ids); expected each id once (merge extracts with osmium merge)"
        )


def _is_in(ids: NDArray[np.int64], distinct_sorted: NDArray[np.int64]) -> NDArray[np.bool_]:
    """``numpy.isin(ids, distinct_sorted)`` for a sorted array of distinct ids, by bisection."""
    if not len(distinct_sorted):
        return np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(distinct_sorted, ids), len(distinct_sorted) - 1)
    found: NDArray[np.bool_] = distinct_sorted[at] == ids
    return found


def _referenced_tags(
    node_tags: dict[int, dict[str, str]], distinct_refs: NDArray[np.int64]
) -> dict[int, dict[str, str]]:
    """Return the tags of the nodes in ``distinct_refs`` (sorted, distinct)."""
    if not node_tags:
        return {}
    tagged = np.fromiter(node_tags, dtype=np.int64, count=len(node_tags))
    return {int(node): node_tags[int(node)] for node in tagged[_is_in(tagged, distinct_refs)]}
