"""Read OSM XML (``.osm``, ``.osm.bz2``, ``.osm.gz``) safely and as a stream.

The parser is ``defusedxml``'s: entity declarations (billion laughs) and
external entities (local file disclosure) are refused before any expansion.
"""

from __future__ import annotations

import bz2
import gzip
import logging
import lzma
import zlib
from pathlib import Path
from typing import IO, Any, cast
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from mobility.errors import DataError
from mobility.network.osm_data import OsmWays, WayCollector, classify_way
from mobility.network.restrictions import is_restriction_relation, parse_restriction
from mobility.network.tags import NODE_KEYS, WAY_KEYS

logger = logging.getLogger(__name__)

XML_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".xml", ".osm.xml")


def _open(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def read_osm_xml(path: str | Path) -> OsmWays:
    """Read the road and rail ways of an OSM XML file.

    Parameters
    ----------
    path
        An ``.osm`` file, optionally compressed with bzip2 or gzip.

    Returns
    -------
    OsmWays
        Road and rail ways with the locations of their nodes.

    Raises
    ------
    DataError
        If the file is missing, is not well-formed OSM XML, is truncated, or
        declares XML entities.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"OSM XML file {str(path)!r} does not exist")
    collector = WayCollector()
    collector.ways_read = 0
    try:
        with _open(path) as stream:
            _parse(stream, collector)
    except DefusedXmlException as error:
        raise DataError(
            f"OSM XML file {str(path)!r} declares XML entities or external references "
            f"({type(error).__name__}); refused: OSM XML never needs them"
        ) from error
    except DataError as error:
        raise DataError(f"OSM XML file {str(path)!r}: {error}") from error
    except ParseError as error:
        raise DataError(f"OSM XML file {str(path)!r} is not well-formed XML: {error}") from error
    except (EOFError, OSError, zlib.error, lzma.LZMAError) as error:
        raise DataError(
            f"OSM XML file {str(path)!r} cannot be read (truncated?): {error}"
        ) from error
    return collector.finish()


def _tags(element: Any, keys: frozenset[str]) -> dict[str, str]:
    return {
        tag.get("k"): tag.get("v", "") for tag in element.iterfind("tag") if tag.get("k") in keys
    }


def _relation(element: Any, collector: WayCollector) -> None:
    tags = {tag.get("k"): tag.get("v", "") for tag in element.iterfind("tag")}
    if not is_restriction_relation(tags):
        return
    try:
        relation_id = int(element.get("id"))
        members = [
            (str(m.get("type", "")), int(m.get("ref")), str(m.get("role", "")))
            for m in element.iterfind("member")
        ]
    except (TypeError, ValueError) as error:
        raise DataError(
            f"relation {element.get('id')!r} has an invalid id or member ref"
        ) from error
    collector.restrictions.append(parse_restriction(relation_id, tags, members))


def _parse(stream: IO[bytes], collector: WayCollector) -> None:
    context = SafeElementTree.iterparse(stream, events=("start", "end"), forbid_dtd=False)
    root_seen = False
    for event, element in context:
        if event == "start":
            if not root_seen:
                root_seen = True
                if element.tag != "osm":
                    raise DataError(f"expected an <osm> root element, got <{element.tag}>")
            continue
        tag = element.tag
        if tag == "node":
            node_tags = _tags(element, NODE_KEYS)
            try:
                collector.add_node(
                    int(element.get("id")),
                    float(element.get("lon")),
                    float(element.get("lat")),
                    node_tags or None,
                )
            except (TypeError, ValueError) as error:
                raise DataError(
                    f"node {element.get('id')!r} has no valid id/lat/lon: {error}"
                ) from error
            element.clear()
        elif tag == "way":
            collector.ways_read = (collector.ways_read or 0) + 1
            way_tags = _tags(element, WAY_KEYS)
            mode = classify_way(way_tags)
            if mode is not None:
                try:
                    refs = [int(nd.get("ref")) for nd in element.iterfind("nd")]
                    way_id = int(element.get("id"))
                except (TypeError, ValueError) as error:
                    raise DataError(
                        f"way {element.get('id')!r} has an invalid id or node ref"
                    ) from error
                collector.add_way(way_id, refs, way_tags, mode)
            element.clear()
        elif tag == "relation":
            _relation(element, collector)
            element.clear()
    if not root_seen:
        raise DataError("the file is empty")
