"""Read OSM XML (``.osm``, ``.osm.bz2``, ``.osm.gz``) safely and as a stream.

The parser is ``defusedxml``'s: entity declarations (billion laughs) and
external entities (local file disclosure) are refused before any expansion.
What reaches the parser is bounded (:class:`_BoundedStream`): inflated size,
and the longest run without markup (whitespace bombs, giant tag values).
Ids beyond 64 bits are refused.
"""

from __future__ import annotations

import bz2
import gzip
import io
import logging
import lzma
import zlib
from pathlib import Path
from typing import IO, Any, cast
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from mobility import settings
from mobility.errors import DataError
from mobility.network._halt_areas import SITE_HIGHWAYS
from mobility.network._osm_data import OsmWays, WayCollector, classify_way
from mobility.network._tags import NODE_KEYS, SITE_KEYS, WAY_KEYS
from mobility.network.restrictions import is_restriction_relation, parse_restriction

logger = logging.getLogger(__name__)

XML_SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".xml", ".osm.xml")


def _open(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    if name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


class _BoundedStream(io.RawIOBase):
    """A read-only stream that refuses hostile XML before the parser buffers it.

    OSM XML holds no text between elements and short attribute values, so a
    long run of bytes without ``<`` or ``>`` is a whitespace or text bomb or a
    giant tag value (which makes expat re-parse its buffer quadratically):
    more than ``max_run`` such bytes is refused, as is inflating beyond
    ``max_total`` bytes.
    """

    def __init__(self, raw: IO[bytes], max_run: int, max_total: int) -> None:
        self.raw = raw
        self.max_run = max_run
        self.max_total = max_total
        self.total = 0
        self.run = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        data = self.raw.read(min(len(view), 1 << 16))
        self._check(data)
        view[: len(data)] = data
        return len(data)

    def _check(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > self.max_total:
            raise DataError(
                f"inflates beyond {self.max_total:,} bytes; refused (MOBILITY_MAX_INFLATED_MB)"
            )
        first = min((i for i in (data.find(b"<"), data.find(b">")) if i >= 0), default=-1)
        if first < 0:
            self.run += len(data)
        else:
            self.run += first
            self._check_run()
            self.run = len(data) - 1 - max(data.rfind(b"<"), data.rfind(b">"))
        self._check_run()

    def _check_run(self) -> None:
        if self.run > self.max_run:
            raise DataError(
                f"holds more than {self.max_run:,} bytes without markup near byte "
                f"{self.total:,} (a padding bomb or a value longer than "
                f"{settings.max_tag_value_chars:,} characters); refused"
            )


def _osm_id(text: str | None) -> int:
    value = int(text)  # type: ignore[arg-type]  # None: TypeError, reported by the caller
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"id {text} is beyond 64 bits")
    return value


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
        with _open(path) as raw:
            limit = settings.max_tag_value_chars + 4096
            stream = io.BufferedReader(_BoundedStream(raw, limit, settings.max_inflated_bytes))
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
                lon, lat = float(element.get("lon")), float(element.get("lat"))
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):  # NaN fails too
                    raise ValueError(f"lon/lat ({lon}, {lat}) is not a WGS84 position")
                node_id = _osm_id(element.get("id"))
                collector.add_node(node_id, lon, lat, node_tags or None)
                if (
                    node_tags.get("highway") in SITE_HIGHWAYS
                    or element.find("tag[@k='amenity']") is not None
                ):
                    collector.add_site_node(node_id, lon, lat, _tags(element, SITE_KEYS))
            except (TypeError, ValueError) as error:
                raise DataError(
                    f"node {str(element.get('id'))[:40]!r} has no valid id/lat/lon: {error}"
                ) from error
            element.clear()
        elif tag == "way":
            collector.ways_read = (collector.ways_read or 0) + 1
            way_tags = _tags(element, WAY_KEYS)
            mode = classify_way(way_tags)
            if mode is not None:
                try:
                    refs = [_osm_id(nd.get("ref")) for nd in element.iterfind("nd")]
                    way_id = _osm_id(element.get("id"))
                except (TypeError, ValueError) as error:
                    raise DataError(
                        f"way {str(element.get('id'))[:40]!r} has an invalid id or node ref: "
                        f"{str(error)[:120]}"
                    ) from error
                collector.add_way(way_id, refs, way_tags, mode)
            elif (
                way_tags.get("highway") in SITE_HIGHWAYS
                or element.find("tag[@k='amenity']") is not None
            ):
                try:
                    refs = [_osm_id(nd.get("ref")) for nd in element.iterfind("nd")]
                    way_id = _osm_id(element.get("id"))
                except (TypeError, ValueError):
                    pass  # a malformed area only costs a halt site
                else:
                    collector.add_site_area(way_id, refs, _tags(element, SITE_KEYS))
            element.clear()
        elif tag == "relation":
            _relation(element, collector)
            element.clear()
    if not root_seen:
        raise DataError("the file is empty")
