"""Read OSM PBF files with pyosmium, in two filtered passes.

Pass 1 reads ways and relations, filtered in C++ by tag (road classes
and rail; turn restrictions; rest areas, service areas and car parks), and
the nodes that may mark a halt site (filtered in C++ by tag, so the other
nodes never reach Python), and records the node ids the ways use. Pass 2
reads only those nodes, filtered in C++ by id (a bitmap bounded by the
highest node id: at most about 1.5 GB for today's OSM ids, held only during
that pass). Memory therefore grows with the
kept network, not with the file: a 1.3 GB country extract never sits in
memory whole. Clipping to the corridor
polygons happens when the graph is built, on these kept nodes only.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from pathlib import Path

import osmium
import osmium.filter

from mobility import settings
from mobility.errors import DataError
from mobility.network._halt_areas import SITE_TAG_PAIRS, may_be_site
from mobility.network._osm_data import (
    RAIL_RAILWAYS,
    ROAD_HIGHWAYS,
    OsmWays,
    WayCollector,
    classify_way,
)
from mobility.network._pbf_frames import check_pbf_frames
from mobility.network._tags import NODE_KEYS, SITE_KEYS, WAY_KEYS
from mobility.network.restrictions import (
    RELATION_TYPES,
    is_restriction_relation,
    parse_restriction,
)

logger = logging.getLogger(__name__)

PBF_SUFFIXES = (".pbf", ".osm.pbf")

ProgressCallback = Callable[[str, int], None]


def read_osm_pbf(path: str | Path, *, progress: ProgressCallback | None = None) -> OsmWays:
    """Read the road and rail ways of an OSM PBF file.

    Parameters
    ----------
    path
        An ``.osm.pbf`` file.
    progress
        Called as ``progress(stage, count)`` every 100,000 objects, for
        progress bars.

    Returns
    -------
    OsmWays
        Road and rail ways with the locations of their nodes.

    Raises
    ------
    DataError
        If the file is missing, truncated or not PBF, if its frames exceed
        the format's limits (:func:`~mobility.network._pbf_frames.check_pbf_frames`),
        if a way refers to a node id that is negative or above
        :data:`mobility.settings.max_pbf_node_id`, or if the kept ways refer
        to more than :data:`mobility.settings.max_osm_refs` nodes in all.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"OSM PBF file {str(path)!r} does not exist")
    check_pbf_frames(path)
    collector = WayCollector()
    try:
        _read_ways(path, collector, progress)
        _read_nodes(path, collector, progress)
    except RuntimeError as error:
        raise DataError(
            f"OSM PBF file {str(path)!r} cannot be read (truncated or not PBF?): {error}"
        ) from error
    return collector.finish()


def _read_ways(path: Path, collector: WayCollector, progress: ProgressCallback | None) -> None:
    """Pass 1: road, rail and halt-site ways, turn restrictions, and halt-site nodes.

    The tag filters run in C++, each on its own object types; nodes (stored
    first in a PBF) pass only when they may mark a halt site.
    """
    where = f"OSM PBF file {str(path)!r}"
    wanted = (
        [("highway", value) for value in sorted(ROAD_HIGHWAYS)]
        + [("railway", value) for value in sorted(RAIL_RAILWAYS)]
        + [("type", value) for value in sorted(RELATION_TYPES)]
        + list(SITE_TAG_PAIRS)
    )
    way_filter = osmium.filter.TagFilter(*wanted)
    way_filter.enable_for(osmium.osm.WAY | osmium.osm.RELATION)
    node_filter = osmium.filter.TagFilter(*SITE_TAG_PAIRS)
    node_filter.enable_for(osmium.osm.NODE)
    objects = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION)
        .with_filter(way_filter)
        .with_filter(node_filter)
    )
    for count, obj in enumerate(objects, start=1):
        if isinstance(obj, osmium.osm.Node):
            _site_node(obj, collector)
        elif isinstance(obj, osmium.osm.Relation):
            _relation(obj, collector)
        else:
            _way(obj, collector, where)  # type: ignore[arg-type]
        if progress is not None and count % 100_000 == 0:
            progress("ways", count)


#: The way keys most roads carry, in sorted order: looked up first (#13, speed only).
_COMMON_WAY_KEYS = ("highway", "lanes", "maxspeed", "name", "oneway", "ref")
#: The other way keys, in sorted order: looked up only for a way with other tags.
_OTHER_WAY_KEYS = tuple(sorted(WAY_KEYS.difference(_COMMON_WAY_KEYS)))


def way_tags(tags: osmium.osm.TagList) -> dict[str, str]:
    """Return the tags of :data:`~mobility.network._tags.WAY_KEYS` a way has, keys sorted.

    One lookup per wanted key in C++ is faster than walking every tag in
    Python; a way whose tags are all common keys (most road pieces: highway,
    maxspeed, lanes, ref) needs six lookups instead of one per wanted key.
    """
    get = tags.get
    found = {key: value for key in _COMMON_WAY_KEYS if (value := get(key)) is not None}
    if len(found) == len(tags):
        return found
    other = {key: value for key in _OTHER_WAY_KEYS if (value := get(key)) is not None}
    if not other:
        return found
    found.update(other)
    return {key: found[key] for key in sorted(found)}


def _way(way: osmium.osm.Way, collector: WayCollector, where: str) -> None:
    tags = way_tags(way.tags)
    mode = classify_way(tags)
    if mode is None:
        site_tags = {tag.k: tag.v for tag in way.tags if tag.k in SITE_KEYS}
        refs = [node.ref for node in way.nodes]
        if may_be_site(site_tags) and refs and _ids_in_range(refs):
            collector.add_site_area(way.id, refs, site_tags)
        return
    refs = [node.ref for node in way.nodes]
    _check_refs(refs, f"{where}: way {way.id}")
    collector.add_way(way.id, refs, tags, mode)
    if len(collector.refs) > settings.max_osm_refs:
        raise DataError(
            f"{where}: its road and rail ways refer to more than "
            f"{settings.max_osm_refs:,} nodes; expected an extract of the corridors' "
            "size (MOBILITY_MAX_OSM_REFS raises the limit)"
        )


def _site_node(node: osmium.osm.Node, collector: WayCollector) -> None:
    location = node.location
    if location.valid():
        tags = {tag.k: tag.v for tag in node.tags if tag.k in SITE_KEYS}
        collector.add_site_node(node.id, location.lon, location.lat, tags)


def _read_nodes(path: Path, collector: WayCollector, progress: ProgressCallback | None) -> None:
    """Pass 2: the nodes the kept ways and site outlines use, filtered by id in C++."""
    # The id set is a C++ bitmap, bounded by the highest node id (about
    # 1.5 GB for today's ids up to 12.5e9) and freed when the pass ends.
    wanted = itertools.chain(collector.refs, collector.site_refs())
    nodes = osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(
        osmium.filter.IdFilter(wanted)
    )
    # Appended in place (what collector.add_node does): a million calls fewer.
    add_id, add_lon, add_lat = (
        collector.node_ids.append,
        collector.node_lon.append,
        collector.node_lat.append,
    )
    for count, node in enumerate(nodes, start=1):
        location = node.location  # type: ignore[union-attr]
        if not location.valid():
            continue
        node_tags = node.tags
        if len(node_tags):
            kept = {t.k: t.v for t in node_tags if t.k in NODE_KEYS}
            if kept:
                collector.node_tags[node.id] = kept
        add_id(node.id)
        add_lon(location.lon)
        add_lat(location.lat)
        if progress is not None and count % 100_000 == 0:
            progress("nodes", count)


#: Most members of a turn restriction read (one has three or four); a larger
#: one is counted as incomplete without reading its members.
MAX_RESTRICTION_MEMBERS = 64


def _ids_in_range(refs: list[int]) -> bool:
    """Whether the id bitmap of the second pass holds these node ids in bounded memory."""
    return min(refs) >= 0 and max(refs) <= settings.max_pbf_node_id


def _check_refs(refs: list[int], where: str) -> None:
    """Refuse node ids the id bitmap of the second pass cannot hold in bounded memory."""
    if not refs:
        return
    lowest, highest = min(refs), max(refs)
    if lowest < 0:
        raise DataError(
            f"{where} refers to node {lowest}; expected positive OSM ids (negative ids are "
            "unsaved editor objects; this reader takes only positive ones)"
        )
    if highest > settings.max_pbf_node_id:
        raise DataError(
            f"{where} refers to node {highest}; expected an OSM id of at most "
            f"{settings.max_pbf_node_id:,} (the PBF reader's bitmap grows with the highest id)"
        )


def _relation(relation: osmium.osm.Relation, collector: WayCollector) -> None:
    tags = {tag.k: tag.v for tag in relation.tags}
    if not is_restriction_relation(tags):
        return
    if len(relation.members) > MAX_RESTRICTION_MEMBERS:
        collector.restrictions.append(parse_restriction(relation.id, tags, ()))
        return
    members = [(m.type, m.ref, m.role) for m in relation.members]
    collector.restrictions.append(parse_restriction(relation.id, tags, members))
