"""Render plans and the corridor network as offline :class:`folium.Map` objects.

The renderers take data and return a map; :func:`map_html` renders it to a
string and :func:`save_map` writes it atomically. The page holds everything
it needs (Leaflet, our script and styles, the data) and makes no request.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
from branca.element import Figure

from mobility._atomic import write_file_checked
from mobility.maps._basemap import add_basemap
from mobility.maps._elements import JsCall, OfflineMap
from mobility.maps._layers import add_critical_points, network_bounds
from mobility.maps._network_layer import add_network_layers
from mobility.maps._payload import STEP_S, plan_payload
from mobility.maps._plan_legend import add_plan_legends, kpi_lines
from mobility.maps.outlines import Outlines, add_outlines
from mobility.maps.plan_view import PlanView, as_plan_view
from mobility.maps.tiles import tile_template
from mobility.network.load import Network
from mobility.schedule.headline import validity_line
from mobility.schedule.plan import Plan
from mobility.schedule.result import PlanResult

logger = logging.getLogger(__name__)


def base_map(
    title: str,
    bounds: Sequence[Sequence[float]],
    *,
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
    outlines: Outlines | None = None,
    prefer_canvas: bool = False,
) -> folium.Map:
    """Return an empty offline map fitted to ``bounds`` (``[[south, west], [north, east]]``).

    Parameters
    ----------
    title
        Page title (escaped).
    bounds
        Area to show.
    tiles_url
        Optional tile layer URL template (XYZ or WMTS REST, see
        :func:`~mobility.maps.tiles.tile_template`), e.g. a local tile server
        ``http://tiles.local/{z}/{x}/{y}.png``; it replaces the offline
        background (still listed, off). Without it the page makes no request.
    tiles_attribution
        Attribution shown with the tiles (escaped).
    outlines
        Province or municipality outlines to draw on the background
        (:func:`~mobility.maps.outlines.read_outlines`).
    prefer_canvas
        Draw vectors on a canvas instead of SVG (faster for very large networks).

    Raises
    ------
    ScenarioError
        If ``tiles_url`` is not a tile URL template.
    """
    template = tile_template(tiles_url) if tiles_url else None
    (south, west), (north, east) = bounds
    fmap = OfflineMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=8,
        control_scale=True,
        prefer_canvas=prefer_canvas,
    )
    figure = fmap.get_root()
    assert isinstance(figure, Figure)
    figure.title = html.escape(title)
    add_basemap(fmap, bounds, show=template is None)
    if outlines is not None:
        add_outlines(fmap, outlines, bounds)
    if template:
        folium.TileLayer(
            tiles=template,
            attr=html.escape(tiles_attribution or "tiles: user supplied"),
            name="Tiles",
            overlay=False,
        ).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


def _finish(fmap: folium.Map) -> folium.Map:
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


def render_network_map(
    network: Network,
    *,
    title: str = "mobility: corridor network",
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
    outlines: Outlines | None = None,
) -> folium.Map:
    """Map the corridor network alone: roads by class, rail and critical points.

    ``tiles_url``, ``tiles_attribution`` and ``outlines``: see :func:`base_map`.
    """
    fmap = base_map(
        title,
        network_bounds(network),
        tiles_url=tiles_url,
        tiles_attribution=tiles_attribution,
        outlines=outlines,
    )
    JsCall(
        "title",
        fmap,
        data={
            "title": title,
            "lines": [
                f"{network.road.number_of_edges():,} road and {network.rail.number_of_edges():,} "
                f"rail edges; source: {network.report.source or 'unknown'}",
                "corridors: " + ", ".join(network.corridors.corridors),
            ],
        },
    ).add_to(fmap)
    add_network_layers(fmap, network)
    add_critical_points(fmap, network)
    JsCall("done", fmap).add_to(fmap)
    return _finish(fmap)


def _plan_bounds(payload: dict[str, Any]) -> list[list[float]]:
    lats = [p[0] for r in payload["routes"] for p in r["c"]]
    lons = [p[1] for r in payload["routes"] for p in r["c"]]
    if not lats:
        return [[50.7, 3.3], [53.6, 7.3]]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def render_plan_map(
    view: PlanView | PlanResult | Plan | str | Path,
    network: Network | None = None,
    *,
    colour_by: str = "request",
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
    outlines: Outlines | None = None,
    step_s: int = STEP_S,
) -> folium.Map:
    """Map the plan on the corridor network, with a time control that moves the columns.

    Parameters
    ----------
    view
        The plan: a view (:func:`~mobility.maps.plan_view.plan_view` or
        :func:`~mobility.maps.plan_view.read_plan_view`), what
        :func:`~mobility.plan_scenario` returned, a plan, or a plan folder.
    network
        The corridor network to draw under the routes (roads by class, rail,
        critical points; default: the network of a plan result); without it
        only the plan is drawn.
    colour_by
        Colour routes and columns by ``request`` or ``corridor``.
    tiles_url, tiles_attribution
        Optional tile layer (see :func:`base_map`).
    outlines
        Optional province or municipality outlines (see :func:`base_map`).
    step_s
        Step of the time control in seconds (default 15 minutes).
    """
    if network is None and isinstance(view, PlanResult):
        network = view.network
    view = as_plan_view(view)
    payload = plan_payload(view, network=network, colour_by=colour_by, step_s=step_s)
    bounds = network_bounds(network) if network is not None else _plan_bounds(payload)
    title = f"mobility plan: {view.scenario}"
    if validity_line(view.summary):
        title = f"INVALID {title}"
    fmap = base_map(
        title,
        bounds,
        tiles_url=tiles_url,
        tiles_attribution=tiles_attribution,
        outlines=outlines,
    )
    JsCall("title", fmap, data={"title": title, "lines": kpi_lines(view)}).add_to(fmap)
    if network is not None:
        add_network_layers(fmap, network)
        add_critical_points(fmap, network)
    load = folium.FeatureGroup(name="Segment load at the chosen time").add_to(fmap)
    routes = folium.FeatureGroup(name="Routes").add_to(fmap)
    columns = folium.FeatureGroup(name="Columns at the chosen time").add_to(fmap)
    legend = payload.pop("legend")
    JsCall("plan", fmap, {"routes": routes, "columns": columns, "load": load}, payload).add_to(fmap)
    add_plan_legends(
        fmap,
        view,
        routes=legend,
        colour_by=colour_by,
        max_cols=payload["max_cols"],
        max_delay=payload["max_delay"],
        trains=any("train" in m for m in payload["movements"]),
    )
    return _finish(fmap)


def map_html(fmap: folium.Map) -> str:
    """Return the whole page of ``fmap`` as a string."""
    text: str = fmap.get_root().render()
    return text


#: Last line of every map file mobility saves: marks the file as replaceable.
MAP_SIGNATURE = "<!-- written by mobility map -->"
#: What marks a map file as mobility's: the signature line, or (maps saved
#: before it existed) the page titles mobility gives its maps.
MAP_SIGNATURES = (MAP_SIGNATURE.encode(), b"<title>mobility plan: ", b"<title>mobility: ")


def save_map(fmap: folium.Map, path: str | Path) -> Path:
    """Write the page of ``fmap`` to ``path`` atomically and return the path.

    Raises
    ------
    OutputError
        If ``path`` is a folder or a file that mobility did not write.
    """
    target = Path(path)
    page = map_html(fmap) + "\n" + MAP_SIGNATURE + "\n"
    write_file_checked(target, page.encode("utf-8"), signature=MAP_SIGNATURES)
    logger.info("wrote map %s", target)
    return target
