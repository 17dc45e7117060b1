"""GPX 1.1 files for navigation devices: one route as a track with its waypoints.

A route is written as a track (``trk``: every vertex of the route, so that a
device follows the planned roads instead of computing its own) and its
checkpoints and halts as waypoints (``wpt``) with their kind and, where one
column uses the route, the time the head arrives (UTC). Text is escaped by
:mod:`xml.etree.ElementTree`; characters XML 1.0 cannot hold are dropped.
"""

from __future__ import annotations

import hashlib
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mobility._version import __version__
from mobility.model.clock import utc_iso

GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"
#: Longest file name stem :func:`gpx_file_name` returns.
MAX_STEM = 80
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class GpxPoint:
    """A waypoint: a checkpoint or halt of the route.

    Attributes
    ----------
    lon, lat
        WGS84 position.
    name
        Shown on the device.
    kind
        GPX ``type`` (``bridge``, ``halt``, ...).
    description
        Longer text (times, km along the route).
    time
        Time of the column's head there (written in UTC), if one column uses the route.
    """

    lon: float
    lat: float
    name: str
    kind: str = ""
    description: str = ""
    time: datetime | None = None


@dataclass(frozen=True)
class GpxRoute:
    """A route to write: its vertices (lon, lat) and waypoints."""

    name: str
    coords: Sequence[tuple[float, float]]
    description: str = ""
    waypoints: Sequence[GpxPoint] = field(default_factory=tuple)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _child(parent: ET.Element, tag: str, text: str) -> None:
    if text:
        ET.SubElement(parent, tag).text = _text(text)


def _position(element: ET.Element, lon: float, lat: float) -> None:
    element.set("lat", f"{lat:.7f}")
    element.set("lon", f"{lon:.7f}")


def gpx_bytes(route: GpxRoute) -> bytes:
    """Return the GPX 1.1 document of ``route`` (UTF-8).

    Waypoints without a finite position are left out.
    """
    root = ET.Element(
        "gpx", {"version": "1.1", "creator": f"mobility {__version__}", "xmlns": GPX_NAMESPACE}
    )
    metadata = ET.SubElement(root, "metadata")
    _child(metadata, "name", route.name)
    _child(metadata, "desc", route.description)
    for point in route.waypoints:
        if not (math.isfinite(point.lon) and math.isfinite(point.lat)):
            continue
        wpt = ET.SubElement(root, "wpt")
        _position(wpt, point.lon, point.lat)
        if point.time is not None:
            _child(wpt, "time", utc_iso(point.time))
        _child(wpt, "name", point.name)
        _child(wpt, "desc", point.description)
        _child(wpt, "type", point.kind)
    track = ET.SubElement(root, "trk")
    _child(track, "name", route.name)
    _child(track, "desc", route.description)
    segment = ET.SubElement(track, "trkseg")
    for lon, lat in route.coords:
        _position(ET.SubElement(segment, "trkpt"), lon, lat)
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


def gpx_file_name(*parts: str) -> str:
    """Return a plain, portable file name such as ``mech-1-msr.gpx`` from name parts.

    A name longer than :data:`MAX_STEM` characters is cut and ends in a short
    digest of the whole, so that different long names stay different.
    """
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", part.casefold()).strip("-") for part in parts)
    stem = re.sub(r"-+", "-", slug).strip("-") or "route"
    if len(stem) > MAX_STEM:
        digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
        stem = f"{stem[: MAX_STEM - 9].rstrip('-')}-{digest}"
    return f"{stem}.gpx"
