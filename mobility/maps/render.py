"""Render plans and the corridor network as offline :class:`folium.Map` objects.

The renderers take data and return a map; :func:`map_html` renders it to a
string and :func:`save_map` writes it atomically. The page holds everything
it needs (Leaflet, our script and styles, the data) and makes no request.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import folium
from branca.element import Figure

from mobility._atomic import write_file_checked
from mobility.errors import DataError
from mobility.maps.elements import JsCall, OfflineMap
from mobility.maps.geometry import cumulative_m, slice_line
from mobility.maps.layers import (
    add_critical_points,
    add_network_layers,
    network_bounds,
    to_latlngs,
)
from mobility.maps.plan_view import PlanView, as_plan_view
from mobility.maps.timeline import (
    ColumnTrack,
    busiest_moment_s,
    column_track,
    is_train,
    road_leg_km,
    seconds_since,
    segment_loads,
    train_of,
    train_track,
)
from mobility.model.clock import LOCAL_TIME
from mobility.network.load import Network
from mobility.schedule.plan import Plan
from mobility.schedule.result import PlanResult

logger = logging.getLogger(__name__)

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363", "#9c9ede",
)  # fmt: skip
CORRIDOR_COLOURS = {"north": "#1f77b4", "central": "#d62728", "south": "#2ca02c"}
LOAD_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
DELAY_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
TRAIN_COLOUR = "#1b2631"
STEP_S = 900
LEGEND_OPEN_MAX = 12
COLOUR_BY = ("request", "corridor")
MODE_KPIS = (
    ("rail_movements", "trains"),
    ("rail_vehicles", "vehicles by rail"),
    ("road_vehicles", "vehicles by road"),
)


def base_map(
    title: str,
    bounds: Sequence[Sequence[float]],
    *,
    tiles_url: str | None = None,
    tiles_attribution: str | None = None,
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
        Optional tile layer URL template, e.g. a local tile server
        ``http://tiles.local/{z}/{x}/{y}.png``; without it the map has no
        background and makes no request.
    tiles_attribution
        Attribution shown with the tiles (escaped).
    prefer_canvas
        Draw vectors on a canvas instead of SVG (faster for very large networks).
    """
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
    if tiles_url:
        folium.TileLayer(
            tiles=tiles_url,
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
) -> folium.Map:
    """Map the corridor network alone: roads by class, rail and critical points."""
    fmap = base_map(
        title, network_bounds(network), tiles_url=tiles_url, tiles_attribution=tiles_attribution
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


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _kpi_lines(view: PlanView) -> list[str]:
    summary = view.summary
    kpis = summary.get("kpis") or {}
    vehicles = summary.get("vehicles")
    count = f"{vehicles:,}" if isinstance(vehicles, int) else "?"
    lines = [
        f"{count} vehicles in {len(view.movements):,} movements, "
        f"start {view.start.astimezone(LOCAL_TIME):%a %d %b %Y %H:%M}, "
        f"{view.horizon_s / 3600:g} h",
    ]
    if kpis:
        share = kpis.get("on_time_share")
        lines.append(
            f"on time {'-' if share is None else f'{float(share):.0%}'}, lateness "
            f"{kpis.get('total_lateness_min', '-')} min (max {kpis.get('max_lateness_min', '-')})"
        )
        lines.append(
            f"civilian delay {kpis.get('civilian_delay_vh', '-')} veh-h, peak column-hours "
            f"{kpis.get('peak_column_h', '-')}"
        )
        gap = kpis.get("gap")
        lines.append(
            f"{kpis.get('method', '?')} {kpis.get('solver_status', '')}"
            + ("" if gap is None else f", gap {float(gap):.1%}")
            + f", makespan {kpis.get('makespan', '-')}"
        )
    split = [f"{label} {_count(kpis[key])}" for key, label in MODE_KPIS if key in kpis]
    if split:
        lines.append(", ".join(split))
    baseline = summary.get("baseline")
    if baseline:
        lines.append(f"greedy baseline: civilian delay {baseline.get('civilian_delay_vh')} veh-h")
    unscheduled = summary.get("unscheduled") or []
    if unscheduled:
        lines.append(f"unscheduled: {len(unscheduled)} march units")
    return lines


def _vehicles(row: dict[str, Any]) -> tuple[str, str]:
    vehicles = row.get("vehicles") or {}
    full = "; ".join(f"{k} x{v}" for k, v in vehicles.items())
    short = full if len(full) <= 40 else full[:37] + "..."
    return full, short


def _corridor_of(network: Network | None, row: dict[str, Any]) -> str:
    if network is None:
        return "unknown"
    names = {c.get("name") for c in row.get("checkpoints") or []}
    if is_train(row):
        train = train_of(row)
        names |= {c.get("name") for c in train.get("checkpoints") or []}
        names |= {(train.get(k) or {}).get("name") for k in ("terminal", "border")}
    for place in network.places:
        if place.name in names and place.corridors:
            return place.corridors[0]
    return "unknown"


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _train_payload(
    row: dict[str, Any], start: datetime, name_id: Callable[[str], int]
) -> tuple[dict[str, Any], ColumnTrack]:
    """Return what the map shows of a train, and its track along the rail path.

    The knots ``head`` and ``tail`` are in kilometres along the whole route
    line, whose rail path begins after the road leg (``off``).
    """
    where = f"movement {str(row['movement'])!r}"
    train = train_of(row)
    track = train_track(row, start)
    offset = road_leg_km(row)
    consist = train.get("consist") or {}
    border = train.get("border") or {}

    def at(text: str) -> int:
        return seconds_since(start, text, where)

    payload = {
        "term": str((train.get("terminal") or {}).get("name", "")),
        "border": str(border.get("name", "")),
        "cpart": str(border.get("counterpart", "")),
        "load": [at(train["loading_start"]), at(train["loading_end"])],
        "dep": at(train["depart"]),
        "arr": at(row["arrive"]),
        "band": str(train.get("band", "")),
        "traction": str(train.get("traction", "")),
        "loco": str((consist.get("locomotive") or {}).get("name", "")),
        "wagons": len(consist.get("wagons") or []),
        "len_m": _number(consist.get("length_m")),
        "max_len_m": _number(consist.get("max_length_m")),
        "gross_t": _number(consist.get("gross_t")),
        "max_gross_t": _number(consist.get("max_gross_t")),
        "path": [
            [
                str(s.get("line", "")),
                str(s.get("from", "")),
                str(s.get("to", "")),
                round(float(s["km"]), 2),
                at(s["enter"]),
                at(s["leave"]),
            ]
            for s in train.get("path") or []
        ],
        "cp": [
            [name_id(c["name"]), round(float(c["km"]), 2), at(c["arrive"]), at(c["clear"])]
            for c in train.get("checkpoints") or []
        ],
        "off": round(offset, 3),
        "head": [[t, round(offset + km, 3)] for t, km in track.head],
        "tail": [[t, round(offset + km, 3)] for t, km in track.tail],
    }
    return payload, track


def plan_payload(
    view: PlanView,
    *,
    network: Network | None = None,
    colour_by: str = "request",
    step_s: int = STEP_S,
) -> dict[str, Any]:
    """Return the JSON data of the plan layers and the time control.

    Parameters
    ----------
    view
        The plan.
    network
        Needed to colour by corridor (from the places the routes pass).
    colour_by
        ``request`` or ``corridor``.
    step_s
        Step of the time control in seconds.

    Notes
    -----
    A train (``"mode": "rail"``) also gets a ``train`` object: terminal,
    loading window, departure, consist and path for its popup, and knots
    that keep it at the terminal while loading and move it along the rail
    path after departure. Its ``head`` and ``tail`` are those of its road leg
    to the terminal (empty without one).
    """
    if colour_by not in COLOUR_BY:
        raise DataError(f"colour_by {colour_by!r} is not one of {', '.join(COLOUR_BY)}")
    names: dict[str, int] = {}
    routes: dict[tuple[tuple[float, ...], ...], int] = {}
    route_list: list[dict[str, Any]] = []
    colour_keys: dict[str, str] = {}
    groups: dict[tuple[int, str, str], dict[str, Any]] = {}
    movements: list[dict[str, Any]] = []
    tracks = []

    def name_id(text: str) -> int:
        return names.setdefault(str(text), len(names))

    for row in view.movements:
        number = str(row["movement"])
        where = f"movement {number!r}"
        mode = str(row.get("mode") or "road")
        rail = is_train(row)
        offset = road_leg_km(row) if rail else 0.0
        latlngs = to_latlngs(view.routes[number])
        route_key = tuple(tuple(p) for p in latlngs)
        if route_key not in routes:
            routes[route_key] = len(route_list)
            route_list.append({"c": latlngs, "km": offset + float(row.get("length_km") or 0.0)})
        route = routes[route_key]
        if colour_by == "corridor":
            key = _corridor_of(network, row)
            colour = CORRIDOR_COLOURS.get(key, "#555555")
            label = f"corridor {key}"
        else:
            key = str(row.get("request"))
            colour = colour_keys.setdefault(key, PALETTE[len(colour_keys) % len(PALETTE)])
            label = f"{key}: {row.get('unit', '')}"
        colour_keys.setdefault(key, colour)
        track = column_track(row, view.start) if not rail or row.get("checkpoints") else None
        if track is not None:
            tracks.append(track)
        train = None
        if rail:
            train, moving = _train_payload(row, view.start, name_id)
            tracks.append(moving)
        full, short = _vehicles(row)
        group = groups.setdefault(
            (route, key, mode),
            {
                "route": route,
                "col": colour,
                "label": label,
                "desig": f"{row.get('route', '')} {' '.join(row.get('refs') or [])}".strip(),
                "mode": mode,
                "movements": [],
            },
        )
        if rail:
            group["road_km"] = round(offset, 3)
        group["movements"].append(len(movements))
        movements.append(
            {
                "n": number,
                "req": str(row.get("request", "")),
                "unit": str(row.get("unit", "")),
                "mu": str(row.get("march_unit", "")),
                "mode": mode,
                "route": route,
                "desig": group["desig"],
                "veh": full,
                "veh_short": short,
                "count": int(row.get("vehicle_count") or 0),
                "start": seconds_since(view.start, row["start"], where),
                "clear": seconds_since(view.start, row["clear"], where),
                "due": seconds_since(view.start, row["due"], where),
                "late": int(row.get("late_min") or 0),
                "col": colour,
                "cp": [
                    [
                        name_id(c["name"]),
                        round(float(c["km"]), 2),
                        seconds_since(view.start, c["arrive"], where),
                        seconds_since(view.start, c["clear"], where),
                    ]
                    for c in row.get("checkpoints") or []
                ],
                "halts": [
                    [
                        name_id(h["name"]),
                        round(float(h["km"]), 2),
                        seconds_since(view.start, h["start"], where),
                        seconds_since(view.start, h["end"], where),
                        str(h.get("kind", "")),
                    ]
                    for h in row.get("halts") or []
                ],
                "head": [[t, round(km, 3)] for t, km in track.head] if track is not None else [],
                "tail": [[t, round(km, 3)] for t, km in track.tail] if track is not None else [],
            }
        )
        if train is not None:
            movements[-1]["train"] = train
    segments: list[dict[str, Any]] = []
    by_number = {m["n"]: m for m in movements}
    measures: dict[int, Any] = {}
    for segment in segment_loads(view.movements, view.start):
        owner = by_number[segment.movement]
        route = route_list[owner["route"]]
        coords = [[lon, lat] for lat, lon in route["c"]]
        if owner["route"] not in measures:
            measures[owner["route"]] = cumulative_m(coords)
        cumulative = measures[owner["route"]]
        scale = cumulative[-1] / route["km"] if route["km"] > 0 else 0.0
        piece = slice_line(coords, cumulative, segment.from_km * scale, segment.to_km * scale)
        segments.append(
            {
                "c": to_latlngs(piece),
                "name": segment.name,
                "cols": sorted(segment.columns_by_hour.items()),
                "delay": [[h, round(v, 2)] for h, v in sorted(segment.delay_vh_by_hour.items())],
            }
        )
    return {
        "start_ms": round(view.start.timestamp() * 1000),
        "time_zone": "Europe/Amsterdam",
        "time_zone_label": "(NL)",
        "horizon_s": view.horizon_s,
        "step_s": step_s,
        "initial_s": busiest_moment_s(tracks, step_s, view.horizon_s),
        "names": list(names),
        "routes": route_list,
        "groups": list(groups.values()),
        "movements": movements,
        "segments": segments,
        "max_cols": max((v for s in segments for _, v in s["cols"]), default=0),
        "max_delay": max((v for s in segments for _, v in s["delay"]), default=0.0),
        "ramp_cols": list(LOAD_COLOURS),
        "ramp_delay": list(DELAY_COLOURS),
        "train_colour": TRAIN_COLOUR,
        "legend": [
            {"label": group["label"], "colour": group["col"]}
            for group in {g["label"]: g for g in groups.values()}.values()
        ],
    }


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
    step_s
        Step of the time control in seconds (default 15 minutes).
    """
    if network is None and isinstance(view, PlanResult):
        network = view.network
    view = as_plan_view(view)
    payload = plan_payload(view, network=network, colour_by=colour_by, step_s=step_s)
    bounds = network_bounds(network) if network is not None else _plan_bounds(payload)
    title = f"mobility plan: {view.scenario}"
    fmap = base_map(title, bounds, tiles_url=tiles_url, tiles_attribution=tiles_attribution)
    JsCall("title", fmap, data={"title": title, "lines": _kpi_lines(view)}).add_to(fmap)
    if network is not None:
        add_network_layers(fmap, network)
        add_critical_points(fmap, network)
    load = folium.FeatureGroup(name="Segment load at the chosen time").add_to(fmap)
    routes = folium.FeatureGroup(name="Routes").add_to(fmap)
    columns = folium.FeatureGroup(name="Columns at the chosen time").add_to(fmap)
    legend = payload.pop("legend")
    JsCall("plan", fmap, {"routes": routes, "columns": columns, "load": load}, payload).add_to(fmap)
    JsCall(
        "legend",
        fmap,
        data={
            "section": f"Routes and columns by {colour_by}",
            "items": legend,
            "open": len(legend) <= LEGEND_OPEN_MAX,
        },
    ).add_to(fmap)
    JsCall(
        "legend",
        fmap,
        data={
            "section": "Segment load (hour of the chosen time)",
            "items": [
                {
                    "label": f"columns per hour, 1 to {payload['max_cols']}",
                    "kind": "ramp",
                    "colours": list(LOAD_COLOURS),
                },
                {
                    "label": f"civilian delay, up to {payload['max_delay']:.1f} veh-h (est.)",
                    "kind": "ramp",
                    "colours": list(DELAY_COLOURS),
                },
            ],
        },
    ).add_to(fmap)
    if any("train" in m for m in payload["movements"]):
        JsCall(
            "legend",
            fmap,
            data={
                "section": "Trains",
                "items": [
                    {"label": "rail path", "colour": TRAIN_COLOUR, "dash": True},
                    {"label": "train under way (ring: its colour)", "kind": "train"},
                    {"label": "train loading at its terminal", "kind": "train-loading"},
                ],
            },
        ).add_to(fmap)
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
