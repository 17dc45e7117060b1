"""Rail rules of the independent plan validator: consists, train times, rail occupations.

From a train's row alone (and the rail rules, lines and terminals that
:mod:`mobility.validation.check` derives from the plan's inputs) it
checks the consist (:func:`~mobility.rail.consist.consist_problems`: deck
length, payload, one heavy vehicle per wagon, train length against every
line of the path, gross weight against the locomotive), the vehicles carried
against the row, the traction (diesel where a section has no contact line),
the times (loading after the road leg, loading at least the terminal's hours
per train, departure after loading, sections in order and no faster than
their line speed, the band of the departure and its headways), and derives
the occupations of ramps, trains per day, line paths and border crossings.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from mobility.rail.consist import consist_problems
from mobility.rail.rules import band_at

Span = tuple[datetime, datetime, int, str]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def train_problems(m: dict[str, Any], rail: dict[str, Any]) -> list[tuple[str, str]]:
    """``(rule, message)`` for everything wrong with a train's row."""
    found: list[tuple[str, str]] = []
    train = m["train"]
    consist = train["consist"]
    found += [("consist", text) for text in consist_problems(consist, rail)]
    carried: Counter[str] = Counter()
    for wagon in consist["wagons"]:
        carried.update(wagon["vehicles"])
    if dict(carried) != {k: v for k, v in m["vehicles"].items() if v}:
        found.append(("consist", f"wagons carry {dict(carried)} but the row lists {m['vehicles']}"))
    path = train["path"]
    lines = rail["lines"]
    for section in path:
        limit = lines.get(section["line"], {}).get("max_length_m", section["max_length_m"])
        if consist["length_m"] > limit + 1e-6:
            found.append(
                ("consist", f"{consist['length_m']:g} m train on {section['line']} ({limit:g} m)")
            )
        if not section["electrified"] and consist["locomotive"]["traction"] != "diesel":
            found.append(("rail", f"electric traction on {section['line']}, not electrified"))
    border = train.get("border") or {}
    for crossing in rail.get("crossings") or []:
        if (
            crossing["match"] == str(border.get("id", "")).casefold()
            or crossing["match"] in str(border.get("name", "")).casefold()
        ):
            if consist["length_m"] > crossing["max_length_m"] + 1e-6:
                where = f"across {border.get('name')} ({crossing['max_length_m']:g} m)"
                found.append(("consist", f"{consist['length_m']:g} m train {where}"))
            break
    road_end = _t(m["checkpoints"][-1]["clear"]) if m["checkpoints"] else _t(m["start"])
    loading_start, loading_end = _t(train["loading_start"]), _t(train["loading_end"])
    depart = _t(train["depart"])
    terminal = rail["terminals"].get(train["terminal"]["id"], {})
    hours = float(terminal.get("hours_per_train", 0))
    if loading_start < road_end:
        found.append(("rail", f"loading starts {train['loading_start']} before arriving"))
    if loading_end - loading_start < timedelta(hours=hours) - timedelta(seconds=1):
        found.append(("rail", f"loading shorter than the terminal's {hours:g} h per train"))
    if depart < loading_end:
        found.append(("rail", "departs before loading ends"))
    band = band_at(depart, rail["night"], rail["peaks"])
    if train["band"] != band:
        found.append(
            ("rail", f"departs at {train['depart']} in the {band} band, not {train['band']}")
        )
    previous = depart
    for section in path:
        enter, leave = _t(section["enter"]), _t(section["leave"])
        if enter + timedelta(seconds=1) < previous or leave < enter:
            found.append(("rail", f"{section['line']}: section times out of order"))
        previous = leave
        needed_s = section["km"] * 1000 / (section["maxspeed_kph"] / 3.6)
        if (leave - enter).total_seconds() + 1 < needed_s:
            found.append(
                ("rail", f"{section['line']}: faster than {section['maxspeed_kph']:g} km/h")
            )
        paths = lines.get(section["line"], {}).get("paths_per_h", {}).get(band, 0)
        if paths <= 0:
            found.append(("rail", f"{section['line']} has no military path in the {band} band"))
        elif section["headway_min"] < 60 // paths:
            headway = f"headway {section['headway_min']} min"
            found.append(
                ("rail", f"{section['line']}: {headway}, {paths} paths an hour allow {60 // paths}")
            )
    arrive, clear = _t(m["arrive"]), _t(m["clear"])
    if path and arrive + timedelta(seconds=60) < _t(path[-1]["leave"]):
        found.append(("rail", "arrives at the border before leaving the last section"))
    if clear < arrive:
        found.append(("rail", "clears the border before arriving"))
    for a, b in itertools.pairwise(train["checkpoints"]):
        if _t(b["arrive"]) + timedelta(seconds=1) < _t(a["arrive"]):
            found.append(("rail", f"arrives at {b['name']} before {a['name']}"))
    return found


def train_occupations(m: dict[str, Any], rail: dict[str, Any]) -> dict[str, list[Span]]:
    """Occupations of ramps, trains per day, line paths and the crossing by one train."""
    number = m["movement"]
    train = m["train"]
    terminal = train["terminal"]["id"]
    start = _t(train["loading_start"])
    found: dict[str, list[Span]] = {
        f"ramp:{terminal}": [(start, _t(train["loading_end"]), 1, number)],
        f"ramp_day:{terminal}": [(start, start + timedelta(hours=24), 1, number)],
    }
    seen: set[str] = set()
    for section in train["path"]:
        if section["line"] in seen:
            continue
        seen.add(section["line"])
        # Paths are booked by the minute.
        enter = _t(section["enter"]).replace(second=0, microsecond=0)
        found[f"path:{section['line']}"] = [
            (enter, enter + timedelta(minutes=section["headway_min"]), 1, number)
        ]
    arrive = _t(m["arrive"])
    border_min = 60 // int(rail["border_trains_per_h"])
    found[f"rail_border:{train['border']['id']}"] = [
        (arrive, arrive + timedelta(minutes=border_min), 1, number)
    ]
    return found


def rail_spans(m: dict[str, Any], element: str) -> list[tuple[datetime, datetime]]:
    """When a train occupies a line, station, terminal or crossing named ``element`` (folded)."""
    train = m.get("train")
    if m.get("mode") != "rail" or not train:
        return []
    spans = [
        (_t(s["enter"]), _t(s["leave"])) for s in train["path"] if s["line"].casefold() == element
    ]
    spans += [
        (_t(c["arrive"]), _t(c["clear"]))
        for c in train["checkpoints"]
        if c["name"].casefold() == element
    ]
    if element in (train["terminal"]["id"].casefold(), train["terminal"]["name"].casefold()):
        spans.append((_t(train["loading_start"]), _t(train["loading_end"])))
    if element in (train["border"]["id"].casefold(), train["border"]["name"].casefold()):
        spans.append((_t(m["arrive"]), _t(m["clear"])))
    return spans
