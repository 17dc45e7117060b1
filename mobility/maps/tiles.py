"""Check a user's tile URL template (XYZ or WMTS REST) and turn it into Leaflet's form.

A closed network often runs its own tile server; ``mobility map --tiles URL``
draws its tiles under the map. Leaflet asks for ``{z}/{x}/{y}`` tiles of the
web-Mercator grid (EPSG:3857), so a WMTS template must use a tile matrix set
of that grid (e.g. PDOK's ``EPSG:3857``); its ``{TileMatrix}``,
``{TileCol}`` and ``{TileRow}`` become ``{z}``, ``{x}`` and ``{y}``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from mobility.errors import ScenarioError

#: The Dutch national background map (PDOK BRT-Achtergrondkaart), WMTS REST, web Mercator.
PDOK_BRT_TEMPLATE = (
    "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png"
)
SCHEMES = ("http", "https", "file")
_WMTS = {"tilematrix": "z", "tilecol": "x", "tilerow": "y"}
_XYZ_REQUIRED = ("z", "x", "y")
_XYZ_OPTIONAL = ("s", "r")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_FORBIDDEN = re.compile(r"[\s\"'<>\\`]")


def tile_template(url: str) -> str:
    """Return ``url`` as a Leaflet tile template, or raise if it is not one.

    Parameters
    ----------
    url
        An XYZ template (``http://tiles.local/{z}/{x}/{y}.png``; ``{s}`` and
        ``{r}`` allowed) or a WMTS REST template with ``{TileMatrix}``,
        ``{TileCol}`` and ``{TileRow}`` (any case) on a web-Mercator tile
        matrix set; ``http``, ``https`` or ``file``.

    Raises
    ------
    ScenarioError
        If the template has another scheme, no host (``http``/``https``),
        spaces, quotes or angle brackets, a placeholder other than these, or
        lacks one of ``{z}``, ``{x}``, ``{y}``.
    """
    where = f"--tiles {url!r}"
    if _FORBIDDEN.search(url):
        raise ScenarioError(f"{where}: a tile URL template has no spaces, quotes or <>")
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES:
        raise ScenarioError(
            f"{where}: expected an http, https or file URL template such as {PDOK_BRT_TEMPLATE!r}"
        )
    if parts.scheme.lower() != "file" and not parts.netloc:
        raise ScenarioError(f"{where}: the URL names no server")

    def convert(match: re.Match[str]) -> str:
        name = match.group(1)
        wmts = _WMTS.get(name.lower())
        if wmts is not None:
            return "{" + wmts + "}"
        if name in _XYZ_REQUIRED + _XYZ_OPTIONAL:
            return match.group(0)
        raise ScenarioError(
            f"{where}: unknown placeholder {match.group(0)!r}; expected {{z}}, {{x}}, {{y}} "
            "(optional {s}, {r}) or WMTS {TileMatrix}, {TileCol}, {TileRow}"
        )

    template = _PLACEHOLDER.sub(convert, url)
    missing = [f"{{{n}}}" for n in _XYZ_REQUIRED if f"{{{n}}}" not in template]
    if missing:
        raise ScenarioError(
            f"{where}: the template lacks {', '.join(missing)} (XYZ) or their WMTS "
            "{TileMatrix}, {TileCol}, {TileRow}"
        )
    if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
        raise ScenarioError(f"{where}: unbalanced braces")
    return template
