"""Read OSM PBF files with pyosmium, in two filtered passes.

Pass 1 reads only ways and relations, filtered in C++ by tag (road classes
and rail; turn restrictions), and records the node ids the ways use. Pass 2
reads only those nodes, filtered in C++ by id (a bitmap bounded by the
highest node id: at most about 1.5 GB for today's OSM ids, held only during
that pass). Memory therefore grows with the
kept network, not with the file: a 1.3 GB country extract never sits in
memory whole. Clipping to the corridor
polygons happens when the graph is built, on these kept nodes only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import osmium
import osmium.filter

from mobility import settings
from mobility.errors import DataError
from mobility.network.osm_data import (
    RAIL_RAILWAYS,
    ROAD_HIGHWAYS,
    OsmWays,
    WayCollector,
    classify_way,
)
from mobility.network.pbf_frames import check_pbf_frames
from mobility.network.restrictions import (
    RELATION_TYPES,
    is_restriction_relation,
    parse_restriction,
)
from mobility.network.tags import NODE_KEYS, WAY_KEYS

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
        the format's limits (:func:`~mobility.network.pbf_frames.check_pbf_frames`),
        if a way refers to a node id that is negative or above
        :data:`mobility.settings.max_pbf_node_id`, or if the kept ways refer
        to more than :data:`mobility.settings.max_osm_refs` nodes in all.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"OSM PBF file {str(path)!r} does not exist")
    check_pbf_frames(path)
    where = f"OSM PBF file {str(path)!r}"
    collector = WayCollector()
    wanted = (
        [("highway", value) for value in sorted(ROAD_HIGHWAYS)]
        + [("railway", value) for value in sorted(RAIL_RAILWAYS)]
        + [("type", value) for value in sorted(RELATION_TYPES)]
    )
    try:
        ways = osmium.FileProcessor(str(path), osmium.osm.WAY | osmium.osm.RELATION).with_filter(
            osmium.filter.TagFilter(*wanted)
        )
        for count, way in enumerate(ways, start=1):
            if isinstance(way, osmium.osm.Relation):
                _relation(way, collector)
                continue
            tags = {tag.k: tag.v for tag in way.tags if tag.k in WAY_KEYS}
            mode = classify_way(tags)
            if mode is None:
                continue
            refs = [node.ref for node in way.nodes]  # type: ignore[union-attr]
            _check_refs(refs, f"{where}: way {way.id}")
            collector.add_way(way.id, refs, tags, mode)
            if len(collector.refs) > settings.max_osm_refs:
                raise DataError(
                    f"{where}: its road and rail ways refer to more than "
                    f"{settings.max_osm_refs:,} nodes; expected an extract of the corridors' "
                    "size (MOBILITY_MAX_OSM_REFS raises the limit)"
                )
            if progress is not None and count % 100_000 == 0:
                progress("ways", count)
        # The id set is a C++ bitmap, bounded by the highest node id (about
        # 1.5 GB for today's ids up to 12.5e9) and freed when the pass ends.
        nodes = osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(
            osmium.filter.IdFilter(collector.refs)
        )
        for count, node in enumerate(nodes, start=1):
            location = node.location  # type: ignore[union-attr]
            if not location.valid():
                continue
            node_tags = node.tags
            kept = {t.k: t.v for t in node_tags if t.k in NODE_KEYS} if len(node_tags) else None
            collector.add_node(node.id, location.lon, location.lat, kept or None)
            if progress is not None and count % 100_000 == 0:
                progress("nodes", count)
    except RuntimeError as error:
        raise DataError(
            f"OSM PBF file {str(path)!r} cannot be read (truncated or not PBF?): {error}"
        ) from error
    return collector.finish()


#: Most members of a turn restriction read (one has three or four); a larger
#: one is counted as incomplete without reading its members.
MAX_RESTRICTION_MEMBERS = 64


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
