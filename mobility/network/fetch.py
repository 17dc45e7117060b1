"""The only code that touches the network: explicit downloads of OSM data.

``fetch_overpass`` downloads the road and rail ways of the corridor polygons as
OSM XML from an Overpass API; ``fetch_geofabrik`` downloads a Geofabrik PBF
extract. Both fail within seconds when offline (a short connect probe runs
first) and write atomically, so an interrupted download leaves nothing behind.
A download that is not OSM data (a captive portal's HTML page) is refused, and
an existing file is only replaced by a download of the same kind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import requests
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from mobility import settings
from mobility._atomic import claim_output, release_output
from mobility.errors import DataError, FetchError
from mobility.model.corridor import CorridorSet
from mobility.network._corridor_geometry import corridor_polygons
from mobility.network._osm_data import RAIL_RAILWAYS, ROAD_HIGHWAYS
from mobility.network._pbf_frames import check_pbf_frames

logger = logging.getLogger(__name__)

OVERPASS_URL = "https://overpass-api.de/api/interpreter"
GEOFABRIK_NETHERLANDS_URL = "https://download.geofabrik.de/europe/netherlands-latest.osm.pbf"

ProgressCallback = Callable[[int, int | None], None]


def check_reachable(url: str, timeout_s: float | None = None) -> None:
    """Fail fast with :class:`FetchError` if the host of ``url`` cannot be reached."""
    timeout_s = settings.download_timeout_s if timeout_s is None else timeout_s
    parsed = urlparse(url)
    host = parsed.hostname or ""
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as error:
        raise FetchError(
            f"cannot reach {host}:{port} ({error}); this machine seems to be offline. "
            "Download the extract elsewhere and pass it with --osm PATH."
        ) from error


def _poly_filter(polygon: BaseGeometry) -> str:
    simplified = polygon.simplify(0.005)
    rings = list(simplified.geoms) if simplified.geom_type == "MultiPolygon" else [simplified]
    parts = []
    for ring in rings:
        assert isinstance(ring, Polygon)
        coordinates = " ".join(f"{lat:.5f} {lon:.5f}" for lon, lat in ring.exterior.coords)
        parts.append(f'poly:"{coordinates}"')
    return ";".join(parts)


def overpass_query(corridors: CorridorSet) -> str:
    """Overpass QL query for the kept road and rail ways in the corridor polygons."""
    road = "|".join(sorted(ROAD_HIGHWAYS))
    rail = "|".join(sorted(RAIL_RAILWAYS))
    statements = []
    for polygon in corridor_polygons(corridors).values():
        for area in _poly_filter(polygon).split(";"):
            statements.append(f'way["highway"~"^({road})$"]({area});')
            statements.append(f'way["railway"~"^({rail})$"]({area});')
    return "[out:xml][timeout:600];\n(\n" + "\n".join(statements) + "\n);\n(._;>;);\nout body;\n"


#: What the start of a download must hold, by kind: a PBF's first block header
#: names ``OSMHeader``; an OSM XML document has an ``<osm`` root element.
_SIGNATURES = {"pbf": b"OSMHeader", "xml": b"<osm"}
_HEAD_BYTES = 4096


def _check_head(head: bytes, kind: str, url: str, content_type: str) -> None:
    """Refuse a download that is not OSM data (a captive portal's page, an error page)."""
    if kind == "pbf":
        ok = _SIGNATURES["pbf"] in head[:64]
    else:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        ok = text.startswith((b"<?xml", b"<osm")) and _SIGNATURES["xml"] in text
    if not ok:
        sample = head[:80].decode("utf-8", "replace").replace("\n", " ")
        raise FetchError(
            f"download of {url} is not OSM {'PBF' if kind == 'pbf' else 'XML'} data "
            f"(content type {content_type or 'unknown'!r}, starts {sample!r}); "
            "a captive portal or proxy may have answered: nothing was saved"
        )


def _download(
    url: str,
    out: Path,
    *,
    kind: str,
    data: str | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    claim_output(out, "file", signature=_SIGNATURES[kind])
    tmp = ""
    try:
        check_reachable(url)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
        with os.fdopen(fd, "wb") as handle:
            method = requests.post if data is not None else requests.get
            with method(
                url, data=data, stream=True, timeout=(settings.download_timeout_s, 60)
            ) as response:
                response.raise_for_status()
                total = int(response.headers.get("content-length", 0)) or None
                done = 0
                head = b""
                for chunk in response.iter_content(chunk_size=1 << 20):
                    if len(head) < _HEAD_BYTES:
                        head += chunk[: _HEAD_BYTES - len(head)]
                        if len(head) >= _HEAD_BYTES:
                            _check_head(head, kind, url, response.headers.get("content-type", ""))
                    handle.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                _check_head(head, kind, url, response.headers.get("content-type", ""))
        if kind == "pbf":
            try:
                check_pbf_frames(tmp)
            except DataError as error:
                raise FetchError(
                    f"download of {url} is not a complete OSM PBF ({error}); nothing was saved"
                ) from None
        os.replace(tmp, out)
    except requests.RequestException as error:
        raise FetchError(f"download of {url} failed: {error}") from error
    except OSError as error:
        raise FetchError(f"download of {url} to {str(out)!r} failed: {error}") from error
    finally:
        if tmp:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        release_output(out)
    return out


def fetch_overpass(
    corridors: CorridorSet,
    out: str | Path,
    *,
    url: str = OVERPASS_URL,
    progress: ProgressCallback | None = None,
) -> Path:
    """Download the corridors' road and rail ways as OSM XML to ``out``."""
    return _download(url, Path(out), kind="xml", data=overpass_query(corridors), progress=progress)


def fetch_geofabrik(
    out: str | Path,
    *,
    url: str = GEOFABRIK_NETHERLANDS_URL,
    progress: ProgressCallback | None = None,
) -> Path:
    """Download a Geofabrik PBF extract (by default the Netherlands) to ``out``."""
    return _download(url, Path(out), kind="pbf", progress=progress)
