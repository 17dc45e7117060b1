"""The map in a real browser: headless Chromium, networking off."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from matplotlib import image

import mobility
from mobility.maps import PlanView, render_network_map, render_plan_map, save_map
from mobility.maps.browser import BrowserReport, find_chromium, open_map
from tests.maps.conftest import hand_movement, hand_train, hand_view

pytestmark = pytest.mark.browser


def _open(path: Path, steps: int = 0, script: str | None = None) -> BrowserReport:
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
    return open_map(path, steps=steps, script=script)


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


# Opens every tooltip and the first train's popup; reports what they show and hold.
OPEN_TOOLTIPS_AND_TRAIN_POPUP = """(() => {
  const map = window.mobility.maps[0].map;
  let train = null;
  map.eachLayer((layer) => {
    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); }
    if (!train && layer.getIcon && /mobility-train/.test(layer.getIcon().options.className)) {
      train = layer;
    }
  });
  train.openPopup();
  const text = (selector) => Array.from(document.querySelectorAll(selector), (e) => e.textContent);
  return {tooltips: text(".leaflet-tooltip"), popups: text(".leaflet-popup-content"),
          count: document.querySelector(".mobility-time-count").textContent,
          images: document.querySelectorAll(".leaflet-pane img").length,
          hacked: window.hacked === 1};
})()"""


def test_plan_map_with_a_train_renders_offline_and_shows_names_as_text(tmp_path: Path) -> None:
    hostile = '<img src=x onerror="window.hacked=1">'
    train = hand_train(unit=hostile)
    train["train"]["path"][0]["line"] = f"Havenspoorlijn {hostile}"
    view = hand_view([hand_movement(), train])
    path = save_map(render_plan_map(view, step_s=300), tmp_path / "train.html")
    report = _open(path, steps=3, script=OPEN_TOOLTIPS_AND_TRAIN_POPUP)
    assert report.console_errors == []
    assert report.blocked_requests == []
    assert report.leaflet_containers == 1
    assert report.route_paths == 3  # the road column's line, the road leg and the rail path
    assert report.train_markers == 1 and report.column_paths == 1
    # From 60 minutes the train has left its terminal: each step moves it along the rail path.
    assert all(report.train_moves) and len(report.train_moves) == 3
    shown: dict[str, Any] = report.script_result
    assert not shown["hacked"] and shown["images"] == 0
    assert f"24-NLD-T001 {hostile} (train)" in shown["tooltips"]
    (popup,) = shown["popups"]
    assert popup.startswith(f"24-NLD-T001 {hostile} (train)")
    for text in ("Rail terminal", f"Havenspoorlijn {hostile}", "Elsewhere (DE)", "3", "75 m"):
        assert text in popup
    assert shown["count"] == "1 columns on the road, 1 trains loading or under way"
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
