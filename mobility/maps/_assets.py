"""Inlined page assets: Leaflet from its installed package, and our own JS and CSS.

Leaflet is read at run time from the ``django-js-lib-leaflet`` distribution
(package ``js_lib_leaflet``), never copied into this repository; the images
its stylesheet refers to are turned into ``data:`` URIs, so that a map page
makes no request at all. ``mobility.js`` and ``mobility.css`` are this
project's own small scripts (time control, legend, title, popups).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources

from mobility.errors import DataError

LEAFLET_PACKAGE = "js_lib_leaflet"
LEAFLET_DIRECTORY = "static/js_lib_leaflet"
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^)'\"]+)\1\)")
_SCRIPT_END = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END = re.compile(r"</(style)", re.IGNORECASE)


def _leaflet_file(name: str) -> bytes:
    try:
        root = resources.files(LEAFLET_PACKAGE).joinpath(LEAFLET_DIRECTORY)
        return root.joinpath(name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise DataError(
            f"Leaflet asset {name!r} not found in package {LEAFLET_PACKAGE!r} "
            "(install it with: pip install django-js-lib-leaflet)"
        ) from error


def _own_file(name: str) -> str:
    return resources.files("mobility.maps").joinpath("static", name).read_text(encoding="utf-8")


def _data_uri(name: str) -> str:
    kind = "image/png" if name.endswith(".png") else "application/octet-stream"
    encoded = base64.b64encode(_leaflet_file(name)).decode("ascii")
    return f"data:{kind};base64,{encoded}"


@cache
def leaflet_js() -> str:
    """Return Leaflet's minified script, without its source-map comment."""
    text = _leaflet_file("leaflet.js").decode("utf-8")
    return re.sub(r"//# sourceMappingURL=\S+\s*$", "", text)


@cache
def leaflet_css() -> str:
    """Return Leaflet's stylesheet with its images inlined as ``data:`` URIs."""
    text = _leaflet_file("leaflet.css").decode("utf-8")
    return _CSS_URL.sub(lambda m: f'url("{_data_uri(m.group(2))}")', text)


@cache
def mobility_js() -> str:
    """Return this project's map script."""
    return _own_file("mobility.js")


@cache
def mobility_css() -> str:
    """Return this project's map stylesheet."""
    return _own_file("mobility.css")


def inline_script(code: str) -> str:
    """``<script>`` element holding ``code``; a ``</script`` inside cannot end it."""
    return "<script>" + _SCRIPT_END.sub(r"<\\/\1", code) + "</script>"


def inline_style(css: str) -> str:
    """``<style>`` element holding ``css``."""
    return "<style>" + _STYLE_END.sub(r"<\\/\1", css) + "</style>"


def header_html() -> str:
    """Every asset a map page needs, inlined, for the page header."""
    return "\n".join(
        (
            '<meta charset="utf-8">',
            inline_style(leaflet_css()),
            inline_style(mobility_css()),
            inline_script(leaflet_js()),
            inline_script(mobility_js()),
        )
    )
