from __future__ import annotations

import re

from mobility.maps import _assets as assets


def test_leaflet_is_read_from_the_installed_package() -> None:
    js = assets.leaflet_js()
    assert "Leaflet 1.9.4" in js[:400]
    assert "sourceMappingURL" not in js
    css = assets.leaflet_css()
    assert ".leaflet-container" in css
    # The layer-control and marker images are inlined: no relative or remote url() is left.
    assert "url(images/" not in css
    assert css.count('url("data:image/png;base64,') == 3
    assert not re.search(r"url\((?!['\"]?(?:data:|#))", css)


def test_header_inlines_every_asset_and_nothing_is_linked() -> None:
    header = assets.header_html()
    assert "<script src" not in header and "<link" not in header
    assert assets.mobility_js() in header and "mobility.plan = function" in header


def test_inline_script_cannot_be_closed_by_its_content() -> None:
    tag = assets.inline_script('var s = "</script><script>alert(1)</SCRIPT>";')
    assert tag.count("</script>") == 1 and tag.endswith("</script>")
    assert "<\\/script>" in tag and "<\\/SCRIPT>" in tag
