"""The JSON data a plan map draws from: routes, movements, trains and segment loads.

:func:`plan_payload` turns a :class:`~mobility.maps.plan_view.PlanView` into
the compact data ``mobility.js`` draws the plan layers and the time control
from: each route line once, groups of movements sharing a route and a colour,
the knots that move each column (or train) along its route, and the load of
each road segment by hour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mobility.errors import DataError
from mobility.maps._colours import CORRIDOR_COLOURS, UNIT_PALETTE
from mobility.maps._geometry import cumulative_m, slice_line
from mobility.maps._layers import to_latlngs
from mobility.maps._timeline import (
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
from mobility.maps.plan_view import PlanView
from mobility.network.load import Network

PALETTE = UNIT_PALETTE
LOAD_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
DELAY_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")
TRAIN_COLOUR = "#1b2631"
STEP_S = 900
COLOUR_BY = ("request", "corridor")


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


def _movement_payload(
    row: dict[str, Any],
    start: datetime,
    *,
    route: int,
    colour: str,
    desig: str,
    track: ColumnTrack | None,
    name_id: Callable[[str], int],
) -> dict[str, Any]:
    """Return what the map shows of one movement: times, checkpoints, halts and knots."""
    number = str(row["movement"])
    where = f"movement {number!r}"

    def at(text: str) -> int:
        return seconds_since(start, text, where)

    full, short = _vehicles(row)
    return {
        "n": number,
        "req": str(row.get("request", "")),
        "unit": str(row.get("unit", "")),
        "mu": str(row.get("march_unit", "")),
        "mode": str(row.get("mode") or "road"),
        "route": route,
        "desig": desig,
        "veh": full,
        "veh_short": short,
        "count": int(row.get("vehicle_count") or 0),
        "start": at(row["start"]),
        "clear": at(row["clear"]),
        "due": at(row["due"]),
        "late": int(row.get("late_min") or 0),
        "col": colour,
        "cp": [
            [name_id(c["name"]), round(float(c["km"]), 2), at(c["arrive"]), at(c["clear"])]
            for c in row.get("checkpoints") or []
        ],
        "halts": [
            [
                name_id(h["name"]),
                round(float(h["km"]), 2),
                at(h["start"]),
                at(h["end"]),
                str(h.get("kind", "")),
            ]
            for h in row.get("halts") or []
        ],
        "head": [[t, round(km, 3)] for t, km in track.head] if track is not None else [],
        "tail": [[t, round(km, 3)] for t, km in track.tail] if track is not None else [],
    }


@dataclass
class _Payload:
    """The parts of a plan payload, filled one movement at a time."""

    colour_by: str
    network: Network | None
    names: dict[str, int] = field(default_factory=dict)
    route_ids: dict[tuple[tuple[float, ...], ...], int] = field(default_factory=dict)
    #: Route index per route line as read (``(lon, lat)``): most movements share a line.
    line_ids: dict[tuple[tuple[float, ...], ...], int] = field(default_factory=dict)
    routes: list[dict[str, Any]] = field(default_factory=list)
    colours: dict[str, str] = field(default_factory=dict)
    groups: dict[tuple[int, str, str], dict[str, Any]] = field(default_factory=dict)
    movements: list[dict[str, Any]] = field(default_factory=list)
    tracks: list[ColumnTrack] = field(default_factory=list)

    def name_id(self, text: str) -> int:
        """Index of a checkpoint, halt or station name in the shared name list."""
        return self.names.setdefault(str(text), len(self.names))

    def route_id(self, latlngs: list[list[float]], km: float) -> int:
        """Index of a route line; a line shared by several movements is stored once."""
        key = tuple(tuple(p) for p in latlngs)
        if key not in self.route_ids:
            self.route_ids[key] = len(self.routes)
            self.routes.append({"c": latlngs, "km": km})
        return self.route_ids[key]

    def colour_of(self, row: dict[str, Any]) -> tuple[str, str, str]:
        """``(key, colour, legend label)`` of a movement's request or corridor."""
        if self.colour_by == "corridor":
            key = _corridor_of(self.network, row)
            colour = CORRIDOR_COLOURS.get(key, UNIT_PALETTE[-1])
            label = f"corridor {key}"
        else:
            key = str(row.get("request"))
            colour = self.colours.setdefault(key, PALETTE[len(self.colours) % len(PALETTE)])
            label = f"{key}: {row.get('unit', '')}"
        self.colours.setdefault(key, colour)
        return key, colour, label

    def add(self, row: dict[str, Any], view: PlanView) -> None:
        """Add one movement (a road column or a train) with its route and group."""
        mode = str(row.get("mode") or "road")
        rail = is_train(row)
        offset = road_leg_km(row) if rail else 0.0
        line = view.routes[str(row["movement"])]
        read = tuple(map(tuple, line))
        route = self.line_ids.get(read)
        if route is None:  # a line not seen yet (the same points rounded may have been)
            route = self.route_id(to_latlngs(line), offset + float(row.get("length_km") or 0.0))
            self.line_ids[read] = route
        key, colour, label = self.colour_of(row)
        track = column_track(row, view.start) if not rail or row.get("checkpoints") else None
        if track is not None:
            self.tracks.append(track)
        train = None
        if rail:
            train, moving = _train_payload(row, view.start, self.name_id)
            self.tracks.append(moving)
        group = self.groups.setdefault(
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
        group["movements"].append(len(self.movements))
        movement = _movement_payload(
            row,
            view.start,
            route=route,
            colour=colour,
            desig=group["desig"],
            track=track,
            name_id=self.name_id,
        )
        if train is not None:
            movement["train"] = train
        self.movements.append(movement)

    def segments(self, view: PlanView) -> list[dict[str, Any]]:
        """Road segments with their columns and civilian delay by hour, cut from the routes."""
        segments: list[dict[str, Any]] = []
        by_number = {m["n"]: m for m in self.movements}
        measures: dict[int, Any] = {}
        for segment in segment_loads(view.movements, view.start):
            owner = by_number[segment.movement]
            route = self.routes[owner["route"]]
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
                    "delay": [
                        [h, round(v, 2)] for h, v in sorted(segment.delay_vh_by_hour.items())
                    ],
                }
            )
        return segments


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
    parts = _Payload(colour_by=colour_by, network=network)
    for row in view.movements:
        parts.add(row, view)
    segments = parts.segments(view)
    groups = list(parts.groups.values())
    return {
        "start_ms": round(view.start.timestamp() * 1000),
        "time_zone": "Europe/Amsterdam",
        "time_zone_label": "(NL)",
        "horizon_s": view.horizon_s,
        "step_s": step_s,
        "initial_s": busiest_moment_s(parts.tracks, step_s, view.horizon_s),
        "names": list(parts.names),
        "routes": parts.routes,
        "groups": groups,
        "movements": parts.movements,
        "segments": segments,
        "max_cols": max((v for s in segments for _, v in s["cols"]), default=0),
        "max_delay": max((v for s in segments for _, v in s["delay"]), default=0.0),
        "ramp_cols": list(LOAD_COLOURS),
        "ramp_delay": list(DELAY_COLOURS),
        "train_colour": TRAIN_COLOUR,
        "legend": [
            {"label": group["label"], "colour": group["col"]}
            for group in {g["label"]: g for g in groups}.values()
        ],
    }
