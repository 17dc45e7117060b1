"""The map in a real browser: headless Chromium, networking off."""

from __future__ import annotations

import io
import itertools
import os
from pathlib import Path
from typing import Any

import folium
import pytest
from matplotlib import image

import mobility
from mobility.maps import PlanView, render_network_map, render_plan_map, save_map
from mobility.maps._elements import JsCall, OfflineMap
from mobility.maps._layers import LABELLED_POINTS, POINT_KINDS
from mobility.maps.outlines import read_outlines
from tests.maps.browser import BrowserReport, find_chromium, open_map
from tests.maps.conftest import hand_movement, hand_train, hand_view
from tests.maps.test_outlines import write_squares

pytestmark = pytest.mark.browser


def _open(
    path: Path,
    steps: int = 0,
    script: str | None = None,
    viewport: tuple[int, int] = (1280, 800),
) -> BrowserReport:
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
    return open_map(path, steps=steps, script=script, viewport=viewport)


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


# Clicks the middle of the first segment of a line of each network layer (drawn on one
# canvas) where nothing else lies on top (a route, a marker), until one opens its popup;
# then opens a bridge's tooltip.
CLICK_NETWORK = """(async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const map = window.mobility.maps[0].map;
  const canvas = map._mobilityCanvas._container;
  const box = map.getContainer().getBoundingClientRect();
  const lines = [], points = [];
  map.eachLayer((layer) => {
    if (layer.options.renderer !== map._mobilityCanvas) { return; }
    (layer.getLatLngs ? lines : points).push(layer);
  });
  for (const line of lines) {
    const first = line.getLatLngs()[line.getLatLngs().length - 1];
    const [a, b] = first.slice(0, 2).map((p) => map.latLngToContainerPoint(p));
    const x = box.left + (a.x + b.x) / 2, y = box.top + (a.y + b.y) / 2;
    if (x < box.left + 5 || y < box.top + 5 || x > box.right - 5 || y > box.bottom - 5 ||
        document.elementFromPoint(x, y) !== canvas) { continue; }
    canvas.dispatchEvent(new MouseEvent("click", {bubbles: true, clientX: x, clientY: y}));
    await frame();
    const popup = document.querySelector(".leaflet-popup-content");
    if (!popup) { continue; }
    const bridge = points.find((point) => point.options.fillColor === "#ffffff");
    bridge.openTooltip();
    return {lines: lines.length, points: points.length,
            title: popup.querySelector("h4").textContent,
            rows: Array.from(popup.querySelectorAll("tr"))
              .map((tr) => Array.from(tr.children).map((c) => c.textContent)),
            tooltip: document.querySelector(".leaflet-tooltip").textContent};
  }
  return {lines: lines.length, title: null};
})()"""


def test_network_lines_on_a_canvas_open_their_popup_under_the_routes(
    tiny_view: PlanView, atlas: mobility.Network, tmp_path: Path
) -> None:
    path = save_map(render_plan_map(tiny_view, atlas), tmp_path / "plan.html")
    report = _open(path, script=CLICK_NETWORK)
    assert report.console_errors == [] and report.route_paths >= 1
    clicked: dict[str, Any] = report.script_result
    assert clicked["lines"] > 20 and clicked["title"]
    # Bridges and tunnels are on the canvas too; a tooltip's text is made when it shows.
    assert clicked["points"] > 10 and "(MLC " in clicked["tooltip"]
    labels = [row[0] for row in clicked["rows"]]
    assert "Class" in labels and labels[-1] in ("Edge", "Edges")


def test_requests_to_a_tile_server_are_blocked_and_reported(
    atlas: mobility.Network, tmp_path: Path
) -> None:
    # The harness must see remote requests, or the tests above would prove nothing.
    fmap = render_network_map(atlas, tiles_url="http://tiles.invalid/{z}/{x}/{y}.png")
    report = _open(save_map(fmap, tmp_path / "tiled.html"))
    assert report.blocked_requests
    assert all(url.startswith("http://tiles.invalid/") for url in report.blocked_requests)


# Expands the layer control and every legend section, opens the first train's (else
# the first route's) popup with every table in it, waits for the map to pan, and
# reports the boxes of the controls, the popup and the labels (LABELS, below) and the
# window's size.
LAYOUT_TEMPLATE = """(async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  const wait = (ms) => new Promise((done) => setTimeout(done, ms));
  const map = window.mobility.maps[0].map;
  const layers = document.querySelector(".leaflet-control-layers");
  let target = null;
  map.eachLayer((layer) => {
    const icon = layer.getIcon && layer.getIcon().options.className;
    if (!target && icon && /mobility-train/.test(icon)) { target = layer; }
  });
  if (!target) {
    map.eachLayer((layer) => {
      const path = layer.getElement && layer.getElement();
      if (!target && path && path.classList && path.classList.contains("mobility-route")) {
        target = layer;
      }
    });
  }
  if (target) {
    target.openPopup();
    await frame();
    document.querySelectorAll(".leaflet-popup details").forEach((d) => { d.open = true; });
    await frame();
    document.querySelectorAll(".leaflet-popup details").forEach((d) => { d.open = true; });
  }
  await wait(800);
  layers.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
  document.querySelectorAll(".mobility-legend details").forEach((d) => { d.open = true; });
  await wait(100);
  await frame();
  const box = (node) => { const r = node.getBoundingClientRect();
    return {name: node.className.split(" ").filter((c) => c.startsWith("mobility-") ||
              c.startsWith("leaflet-control-")).join(" ") || node.className,
            left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const controls = Array.from(document.querySelectorAll(".leaflet-control"))
    .filter((n) => n.offsetWidth > 0).map(box);
  const popup = document.querySelector(".leaflet-popup");
  return {controls: controls, popup: popup ? box(popup) : null, labels: LABELS,
          expanded: layers.classList.contains("leaflet-control-layers-expanded"),
          width: window.innerWidth, height: window.innerHeight};
})()"""

VIEWPORTS = [(1400, 900), (1920, 1080)]


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return bool(
        a["left"] < b["right"] and b["left"] < a["right"]
        and a["top"] < b["bottom"] and b["top"] < a["bottom"]
    )  # fmt: skip


def _inside(box: dict[str, Any], width: int, height: int) -> bool:
    return bool(
        box["left"] >= 0 and box["top"] >= 0 and box["right"] <= width and box["bottom"] <= height
    )


def _screens() -> Path | None:
    folder = os.environ.get("MOBILITY_SCREENSHOTS")
    return Path(folder) if folder else None


# Boxes of the badges and of the names shown (badge names, city and town names) in the window.
LABELS = """(() => {
  const shown = (n) => getComputedStyle(n).visibility === "visible" && n.offsetWidth > 0;
  const inside = (r) => r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
  const box = (n) => { const r = n.getBoundingClientRect();
    return {name: n.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const all = (selector) => Array.from(document.querySelectorAll(selector));
  const keep = (nodes) => nodes.filter(shown).map(box).filter(inside);
  return {badges: keep(all(".mobility-labelled .mobility-badge")),
          names: keep(all(".mobility-badge-label").concat(all(".mobility-place span"),
                                                          all(".mobility-area-name span"))),
          areas: keep(all(".mobility-area-name span")).map((b) => b.name),
          leaders: all(".mobility-badge-leader").length,
          hidden: all(".mobility-badge-label").filter((n) => !shown(n)).map((n) => n.textContent)};
})()"""
LAYOUT = LAYOUT_TEMPLATE.replace("labels: LABELS", "labels: " + LABELS)


def _labels(shown: dict[str, Any], *, badges_apart: bool = True) -> None:
    """No name covers another name or a badge (and no badge another, if ``badges_apart``)."""
    names, badges = shown["names"], shown["badges"]
    for first, second in itertools.combinations(names, 2):
        assert not _overlap(first, second), (first, second)
    for name in names:
        for badge in badges:
            assert not _overlap(name, badge), (name, badge)
    if badges_apart:
        for first, second in itertools.combinations(badges, 2):
            assert not _overlap(first, second), (first, second)


def _check_layout(path: Path, viewport: tuple[int, int], name: str) -> dict[str, Any]:
    report = _open(path, script=LAYOUT, viewport=viewport)
    assert report.console_errors == [] and report.blocked_requests == []
    shown: dict[str, Any] = report.script_result
    width, height = viewport
    assert (shown["width"], shown["height"]) == viewport and shown["expanded"]
    controls = shown["controls"]
    assert {"mobility-legend", "mobility-title"} <= {c["name"].split(" ")[0] for c in controls}
    for control in controls:
        assert _inside(control, width, height), control
    for first, second in itertools.combinations(controls, 2):
        assert not _overlap(first, second), (first, second)
    if shown["popup"] is not None:
        assert _inside(shown["popup"], width, height), shown["popup"]
    _labels(shown["labels"])
    folder = _screens()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}-{width}x{height}.png").write_bytes(report.final_screenshot)
    return shown


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_controls_never_overlap_and_a_train_popup_stays_in_the_window(
    viewport: tuple[int, int], atlas: mobility.Network, tmp_path: Path
) -> None:
    train = hand_train()
    view = hand_view([hand_movement(), train])
    path = save_map(render_plan_map(view, atlas, step_s=300), tmp_path / "train.html")
    shown = _check_layout(path, viewport, "train-popup")
    assert shown["popup"] is not None


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_plan_map_layout_with_a_route_popup(
    viewport: tuple[int, int], tiny_view: PlanView, atlas: mobility.Network, tmp_path: Path
) -> None:
    path = save_map(render_plan_map(tiny_view, atlas), tmp_path / "plan.html")
    shown = _check_layout(path, viewport, "tiny-plan")
    assert shown["popup"] is not None


# The centre of each port badge, and whether the element drawn there is that badge.
PORTS_ON_TOP = """(() => {
  const ports = Array.from(document.querySelectorAll(".mobility-labelled-spod .mobility-badge"));
  return ports.map((badge) => {
    const r = badge.getBoundingClientRect();
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2;
    const inside = x >= 0 && y >= 0 && x <= window.innerWidth && y <= window.innerHeight;
    const hit = document.elementFromPoint(x, y);
    const label = badge.parentNode.querySelector(".mobility-badge-label");
    return {inside: inside, top: Boolean(hit && badge.contains(hit)), text: badge.textContent,
            name: label.textContent, named: getComputedStyle(label).visibility === "visible"};
  });
})()"""


def test_ports_are_labelled_and_drawn_above_every_other_marker(
    atlas: mobility.Network, tmp_path: Path
) -> None:
    path = save_map(render_network_map(atlas), tmp_path / "network.html")
    report = _open(path, script=PORTS_ON_TOP)
    ports = report.script_result
    assert len(ports) == 3 and all(p["text"] == "SPOD" for p in ports)
    assert all(p["top"] for p in ports if p["inside"]) and any(p["inside"] for p in ports)
    assert all(p["named"] for p in ports)
    assert {p["name"] for p in ports} >= {"Port of Rotterdam", "Eemshaven"}


def _cluster_map(count: int, spacing_deg: float, path: Path) -> Path:
    """A map of ``count`` border crossings in a row ``spacing_deg`` apart, at zoom 13."""
    fmap = OfflineMap(location=[51.37, 6.17], zoom_start=13)
    group = folium.FeatureGroup(name="Border crossings").add_to(fmap)
    features = [
        {"ll": [51.37 + (i % 3) * spacing_deg / 2, 6.17 + i * spacing_deg], "k": "bcp",
         "t": f"Grensovergang Venlo-{i} (A{60 + i})", "p": []}
        for i in range(count)
    ]  # fmt: skip
    badge = {**LABELLED_POINTS["bcp"], "colour": POINT_KINDS["bcp"][1]}
    JsCall("places", fmap, {"group": group}, {"badge": badge, "features": features}).add_to(group)
    JsCall("done", fmap).add_to(fmap)
    return save_map(fmap, path)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_names_of_crossings_close_together_do_not_overlap(
    viewport: tuple[int, int], tmp_path: Path
) -> None:
    # Eight crossings about 140 m apart: their badges and names would overlap.
    path = _cluster_map(8, 0.002, tmp_path / "crossings.html")
    shown = _open(path, script=LABELS, viewport=viewport).script_result
    assert len(shown["badges"]) == 8 and 0 < shown["leaders"] < 8
    _labels(shown)
    assert len(shown["names"]) == 8 and shown["hidden"] == []
    pairs = zip(shown["names"], shown["badges"], strict=True)
    lefts = {round(name["left"] - badge["left"]) for name, badge in pairs}
    assert len(lefts) > 1  # some names moved from the default place right of the badge


def test_a_name_with_no_room_left_is_hidden_not_drawn_over_another(tmp_path: Path) -> None:
    # Forty crossings about 15 m apart: not every badge can move apart, nor every name be placed.
    path = _cluster_map(40, 0.0002, tmp_path / "crowd.html")
    shown = _open(path, script=LABELS, viewport=(1400, 900)).script_result
    _labels(shown, badges_apart=False)
    assert shown["hidden"] and shown["names"]


def test_outlines_and_their_names_are_drawn_offline_without_overlaps(
    atlas: mobility.Network, tmp_path: Path
) -> None:
    # In the North Sea off Noord-Holland, where no badge or place name is near.
    names: dict[str, list[Any]] = {"statnaam": ["Westland", "Oostland"]}
    areas = write_squares(tmp_path / "areas.gpkg", names, shift_m=(-140_000, 40_000))
    fmap = render_network_map(atlas, outlines=read_outlines(areas))
    report = _open(save_map(fmap, tmp_path / "outlines.html"), script=LABELS)
    assert report.console_errors == [] and report.blocked_requests == []
    shown = report.script_result
    _labels(shown)
    assert sorted(shown["areas"]) == ["Oostland", "Westland"]
    _not_blank(report.screenshot)
