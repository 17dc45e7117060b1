"""Open a map page in headless Chromium with networking off, and report what it drew.

A test-only harness (not part of the package): used by the browser tests and
``benchmarks/maps.py``. Needs Playwright for
Python (the ``test`` extra) and a system Chromium (Debian: ``apt-get install
chromium``); Playwright's own browser download is never used. Every request
that is not ``file:`` or ``data:`` is blocked and recorded.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """Path of the system Chromium (``MOBILITY_CHROMIUM`` or /usr/bin/chromium), or None."""
    path = os.environ.get("MOBILITY_CHROMIUM") or CHROMIUM
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return shutil.which("chromium")


@dataclass
class BrowserReport:
    """What a page did in the browser.

    Attributes
    ----------
    rendered_ms
        Time from navigation start to the first frame after the map script
        finished drawing (``performance.now()`` in the page).
    wall_s
        Wall time from asking for the page to the map being drawn.
    console_errors
        Console errors and uncaught exceptions.
    blocked_requests
        URLs of requests the page attempted other than ``file:`` and ``data:``.
    leaflet_containers, route_paths, column_paths, train_markers
        Counts of ``.leaflet-container``, ``path.mobility-route``,
        ``path.mobility-column`` and ``.mobility-train`` (train marker) elements.
    column_moves, train_moves
        For each press of the time control's step button: whether any
        column's drawing (the first train marker's position) changed.
    screenshot
        PNG of the page when the map was drawn.
    final_screenshot
        PNG of the page after the steps and the script.
    script_result
        What the ``script`` given to :func:`open_map` returned.
    """

    rendered_ms: float
    wall_s: float
    console_errors: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    leaflet_containers: int = 0
    route_paths: int = 0
    column_paths: int = 0
    train_markers: int = 0
    column_moves: list[bool] = field(default_factory=list)
    train_moves: list[bool] = field(default_factory=list)
    screenshot: bytes = b""
    final_screenshot: bytes = b""
    script_result: Any = None


def open_map(
    path: str | Path,
    *,
    steps: int = 0,
    viewport: tuple[int, int] = (1280, 800),
    timeout_s: float = 60.0,
    script: str | None = None,
) -> BrowserReport:
    """Open a saved map page in headless Chromium with every remote request blocked.

    Parameters
    ----------
    path
        The HTML file.
    steps
        How many times to press the time control's step-forward button.
    viewport
        Window size in pixels.
    timeout_s
        Longest wait for the map to be drawn.
    script
        A JavaScript expression evaluated in the page after the steps; its
        JSON-serialisable value (a promise is awaited) becomes ``script_result``.

    Raises
    ------
    RuntimeError
        If Playwright or Chromium is missing.
    """
    try:
        from playwright.sync_api import Route, sync_playwright
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "Playwright is needed to open maps in a browser: pip install 'mobility[test]'"
        ) from error
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    errors: list[str] = []
    blocked: list[str] = []

    def route(request_route: Route) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]}, offline=True
            )
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(("file:", "data:")) else blocked.append(r.url),
            )
            page.route("**/*", route)
            started = time.perf_counter()
            page.goto(Path(path).resolve().as_uri())
            page.wait_for_function(
                "window.mobility && window.mobility.ready === true", timeout=timeout_s * 1000
            )
            report = _report(page, time.perf_counter() - started, errors, blocked)
            _step_and_run(page, report, steps=steps, script=script)
        finally:
            browser.close()
    return report


def _report(page: Page, wall_s: float, errors: list[str], blocked: list[str]) -> BrowserReport:
    """What the page drew when the map was ready, with its first screenshot."""
    rendered: Any = page.evaluate("window.mobility.renderedMs")
    report = BrowserReport(
        rendered_ms=float(rendered),
        wall_s=wall_s,
        console_errors=errors,
        blocked_requests=sorted(set(blocked)),
        leaflet_containers=page.locator(".leaflet-container").count(),
        route_paths=page.locator("path.mobility-route").count(),
        column_paths=page.locator("path.mobility-column").count(),
        train_markers=page.locator(".leaflet-marker-icon.mobility-train").count(),
    )
    report.screenshot = page.screenshot()
    return report


def _step_and_run(page: Page, report: BrowserReport, *, steps: int, script: str | None) -> None:
    """Press the step button ``steps`` times noting what moved, run ``script``, screenshot."""
    columns = page.locator("path.mobility-column")
    trains = page.locator(".leaflet-marker-icon.mobility-train")
    shapes = "els => els.map(e => e.getAttribute('d'))"
    for _ in range(steps):
        # Any column counts: at a given time some stand (halts, not yet left).
        before = columns.evaluate_all(shapes) if columns.count() else None
        where = trains.first.get_attribute("style") if trains.count() else None
        page.click(".mobility-time-next")
        after = columns.evaluate_all(shapes) if columns.count() else None
        report.column_moves.append(before is not None and before != after)
        moved = trains.first.get_attribute("style") if trains.count() else None
        report.train_moves.append(where is not None and where != moved)
    if script is not None:
        report.script_result = page.evaluate(script)
    report.final_screenshot = page.screenshot()
