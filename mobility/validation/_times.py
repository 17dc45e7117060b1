"""Times of a row checked on their own: order, speed, driver hours and halt durations.

These checks need no network: checkpoint times never decrease, the tail
clears after the head arrives, no stretch is driven faster than the fastest
column speed, halts come at most every ``halt_every_s`` of driving (plus the
grace to finish), a break before ``break_after_s`` and a daily rest before
``daily_driving_s``; and every halt lasts as long as its kind requires. The
rules are the plan's recorded halt rules, themselves checked against the
floor of EU 561/2006 (a 45-min break after at most 4.5 h, an 11-h rest after
at most 9 h).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from mobility.routing.timing import HaltRules, MarchSpeeds

_TOLERANCE = timedelta(seconds=1)
Finding = tuple[str, str]


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def rule_problems(rules: HaltRules, speeds: MarchSpeeds) -> list[str]:
    """Check the recorded march rules against EU 561/2006 and the Dutch limit for columns."""
    found = []
    if rules.break_s < 45 * 60 or rules.break_after_s > 4.5 * 3600:
        found.append(
            f"halt rules: a {rules.break_s / 60:g}-min break after "
            f"{rules.break_after_s / 3600:g} h; EU 561/2006 needs 45 min after 4.5 h"
        )
    if rules.daily_rest_s < 11 * 3600 or rules.daily_driving_s > 10 * 3600:
        found.append(
            f"halt rules: a {rules.daily_rest_s / 3600:g}-h rest after "
            f"{rules.daily_driving_s / 3600:g} h; EU 561/2006 needs 11 h after 9 (10) h"
        )
    if speeds.national_max_kph > 60:
        found.append(
            f"march speeds: {speeds.national_max_kph:g} km/h over the 60 km/h "
            "of military columns on Dutch roads"
        )
    return found


def time_problems(m: Mapping[str, Any], rules: HaltRules, speeds: MarchSpeeds) -> list[Finding]:
    """Order, speed, driver hours and halt durations of one row."""
    found: list[Finding] = []
    points = m["checkpoints"]
    halts = [(_t(h["start"]), _t(h["end"]), h["kind"], h.get("name", "")) for h in m["halts"]]
    fastest = max(speeds.expressway_kph, speeds.rural_kph, speeds.built_up_kph)
    speed_ms = min(fastest, speeds.national_max_kph) / 3.6
    arrivals = [_t(point["arrive"]) for point in points]  # each parsed once
    for point, arrive in zip(points, arrivals, strict=True):
        if _t(point["clear"]) < arrive:
            found.append(("travel", f"tail clears {point['name']} before the head arrives"))
    for (a, arrive_a), (b, arrive_b) in itertools.pairwise(zip(points, arrivals, strict=True)):
        if arrive_b + _TOLERANCE < arrive_a:
            found.append(("travel", f"arrives at {b['name']} before {a['name']}"))
            continue
        halted = timedelta()
        for start, end, _, _ in halts:
            if start < arrive_b and end > arrive_a:
                halted += min(end, arrive_b) - max(start, arrive_a)
        driven = (arrive_b - arrive_a - halted).total_seconds()
        needed = (b["km"] - a["km"]) * 1000 / speed_ms
        if driven + 1.0 < needed:
            found.append(
                (
                    "travel",
                    f"{a['name']} -> {b['name']}: {b['km'] - a['km']:.1f} km in "
                    f"{driven / 60:.1f} min (faster than {speed_ms * 3.6:g} km/h)",
                )
            )
    minimum = {
        "short": rules.short_halt_s,
        "break": rules.break_s,
        "daily_rest": rules.daily_rest_s,
    }
    for start, end, kind, name in halts:
        if kind not in minimum:
            found.append(("driver_hours", f"halt at {name}: unknown kind {kind!r}"))
        elif (end - start).total_seconds() + 1 < minimum[kind]:
            found.append(
                (
                    "driver_hours",
                    f"{kind} at {name} lasts "
                    f"{(end - start).total_seconds() / 60:.0f} min, the rules need "
                    f"{minimum[kind] / 60:.0f} min",
                )
            )
    if not points:
        return found
    moments = [_t(m["start"])]
    kinds = []
    for start, end, kind, _ in halts:
        moments.extend([start, end])
        kinds.append(kind)
    # A train's row arrives at the rail border; its road leg ends at its last checkpoint.
    moments.append(_t(points[-1]["arrive"] if m.get("mode") == "rail" else m["arrive"]))
    since_break = today = 0.0
    for index in range(0, len(moments), 2):
        stretch = (moments[index + 1] - moments[index]).total_seconds()
        since_break += stretch
        today += stretch
        last = index + 2 >= len(moments)
        limit = rules.halt_every_s + (rules.finish_grace_s if last else 0)
        if stretch > limit + 60:
            found.append(("driver_hours", f"drives {stretch / 3600:.2f} h without a halt"))
        if since_break > rules.break_after_s + 60:
            found.append(("driver_hours", f"{since_break / 3600:.2f} h without a 45-min break"))
        if today > rules.daily_driving_s + 60:
            found.append(("driver_hours", f"{today / 3600:.2f} h driving without a daily rest"))
        if index // 2 < len(kinds):
            kind = kinds[index // 2]
            if kind in ("break", "daily_rest"):
                since_break = 0.0
            if kind == "daily_rest":
                today = 0.0
    return found
