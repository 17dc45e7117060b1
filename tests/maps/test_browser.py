"""The map in a real browser: headless Chromium, networking off."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from matplotlib import image

import mobility
from mobility.maps import PlanView, render_network_map, render_plan_map, save_map
from mobility.maps.browser import BrowserReport, find_chromium, open_map

pytestmark = pytest.mark.browser


def _open(path: Path, steps: int = 0) -> BrowserReport:
    required = os.environ.get("MOBILITY_REQUIRE_BROWSER") == "1"
    try:
        import playwright  # noqa: F401
    except ImportError:
        if required:
            pytest.fail("MOBILITY_REQUIRE_BROWSER=1 but Playwright is not installed")
        pytest.skip("Playwright is not installed")
    if find_chromium() is None:
        if required:
            pytest.fail("MOBILITY_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing")
        pytest.skip("Chromium not found (apt-get install chromium)")
    return open_map(path, steps=steps)


def _not_blank(png: bytes) -> None:
    pixels = image.imread(io.BytesIO(png))
    assert pixels.shape[:2] == (800, 1280)
    colours = {tuple(p) for p in pixels[::8, ::8, :3].reshape(-1, 3).round(2).tolist()}
    assert len(colours) > 20, "the screenshot is (nearly) blank"


def test_plan_map_renders_offline_and_the_time_control_moves_columns(
    tiny_view: PlanView, atlas: mobility.Network, tmp_path: Path
) -> None:
    path = save_map(render_plan_map(tiny_view, atlas, step_s=300), tmp_path / "plan.html")
    report = _open(path, steps=3)
    assert report.console_errors == []
    assert report.blocked_requests == []
    assert report.leaflet_containers == 1
    assert report.route_paths >= 1
    assert report.column_paths >= 1
    assert all(report.column_moves) and len(report.column_moves) == 3
    _not_blank(report.screenshot)


def test_network_map_renders_offline(atlas: mobility.Network, tmp_path: Path) -> None:
    path = save_map(render_network_map(atlas), tmp_path / "network.html")
    report = _open(path)
    assert report.console_errors == [] and report.blocked_requests == []
    assert report.leaflet_containers == 1 and report.route_paths == 0
    _not_blank(report.screenshot)


def test_requests_to_a_tile_server_are_blocked_and_reported(
    atlas: mobility.Network, tmp_path: Path
) -> None:
    # The harness must see remote requests, or the tests above would prove nothing.
    fmap = render_network_map(atlas, tiles_url="http://tiles.invalid/{z}/{x}/{y}.png")
    report = _open(save_map(fmap, tmp_path / "tiled.html"))
    assert report.blocked_requests
    assert all(url.startswith("http://tiles.invalid/") for url in report.blocked_requests)
