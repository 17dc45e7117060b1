"""A row's times on their own (order, speed, halts, driver hours) and the rules against EU law."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from mobility.routing.timing import HaltRules, MarchSpeeds
from mobility.validation._times import rule_problems, time_problems

T0 = datetime.fromisoformat("2026-11-24T04:00:00+01:00")


def _at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def _row(
    points: Sequence[tuple[str, float, float]], halts: Sequence[tuple[str, float, float]]
) -> dict[str, Any]:
    """A row from ``(name, km, minute)`` checkpoints and ``(kind, from, to)`` halts (minutes)."""
    return {
        "start": _at(points[0][2]),
        "arrive": _at(points[-1][2]),
        "checkpoints": [
            {"name": name, "km": km, "arrive": _at(minute), "clear": _at(minute + 10)}
            for name, km, minute in points
        ],
        "halts": [
            {"kind": kind, "name": f"halt {i}", "start": _at(a), "end": _at(b)}
            for i, (kind, a, b) in enumerate(halts)
        ],
    }


def _found(row: dict[str, Any], rules: HaltRules | None = None) -> list[tuple[str, str]]:
    return time_problems(row, rules or HaltRules(), MarchSpeeds())


def test_the_default_rules_meet_eu_561_and_the_dutch_limit() -> None:
    assert rule_problems(HaltRules(), MarchSpeeds()) == []


@pytest.mark.parametrize(
    ("rules", "speeds", "text"),
    [
        (HaltRules(break_s=20 * 60), MarchSpeeds(), "a 20-min break after 4.5 h"),
        (HaltRules(break_after_s=6 * 3600), MarchSpeeds(), "a 45-min break after 6 h"),
        (HaltRules(daily_rest_s=8 * 3600), MarchSpeeds(), "a 8-h rest after 9 h"),
        (HaltRules(daily_driving_s=11 * 3600), MarchSpeeds(), "a 11-h rest after 11 h"),
        (HaltRules(), MarchSpeeds(national_max_kph=80), "80 km/h over the 60 km/h"),
    ],
)
def test_rules_softer_than_the_law_are_named(
    rules: HaltRules, speeds: MarchSpeeds, text: str
) -> None:
    (found,) = rule_problems(rules, speeds)
    assert text in found


def test_a_row_driven_at_column_speed_with_its_halts_passes() -> None:
    # 100 km at 50 km/h with a 15-min halt after 1.5 h of driving.
    row = _row(
        [("Rotterdam", 0, 0), ("Gorinchem", 75, 90), ("Venlo", 100, 135)], [("short", 90, 105)]
    )
    assert _found(row) == []


def test_a_stretch_driven_faster_than_the_fastest_column_is_named() -> None:
    # 60 km in 30 min of driving (the halt in between is not driving) is 120 km/h.
    row = _row([("A", 0, 0), ("B", 60, 45)], [("short", 10, 25)])
    assert _found(row) == [("travel", "A -> B: 60.0 km in 30.0 min (faster than 60 km/h)")]


def test_times_out_of_order_are_named() -> None:
    row = _row([("A", 0, 0), ("B", 10, 30), ("C", 20, 20)], [])
    row["checkpoints"][0]["clear"] = _at(-5)
    found = _found(row)
    assert ("travel", "tail clears A before the head arrives") in found
    assert ("travel", "arrives at C before B") in found


def test_halts_shorter_than_their_kind_or_of_no_kind_are_named() -> None:
    row = _row([("A", 0, 0), ("B", 40, 120)], [("break", 50, 60), ("lunch", 70, 80)])
    assert _found(row) == [
        ("driver_hours", "break at halt 0 lasts 10 min, the rules need 45 min"),
        ("driver_hours", "halt at halt 1: unknown kind 'lunch'"),
    ]


def test_driving_too_long_without_a_halt_a_break_or_a_rest_is_named() -> None:
    # 3 h without a halt: over the 2 h (+ 30 min grace at the end).
    row = _row([("A", 0, 0), ("B", 150, 180)], [])
    assert _found(row) == [("driver_hours", "drives 3.00 h without a halt")]
    # 5 h of driving in stretches of 1 h 40 with short halts only: no 45-min break.
    halts = [("short", 100, 115), ("short", 215, 230)]
    row = _row([("A", 0, 0), ("B", 250, 330)], halts)
    assert _found(row) == [("driver_hours", "5.00 h without a 45-min break")]
    # A break resets the count; a daily rest resets the day.
    row = _row([("A", 0, 0), ("B", 250, 345)], [("short", 100, 115), ("break", 215, 260)])
    assert _found(row) == []


def test_a_long_day_needs_a_daily_rest() -> None:
    rules = HaltRules(break_after_s=3 * 3600, daily_driving_s=3 * 3600)
    row = _row([("A", 0, 0), ("B", 250, 345)], [("short", 100, 115), ("break", 215, 260)])
    found = _found(row, rules)
    assert ("driver_hours", "3.33 h driving without a daily rest") in found
    assert ("driver_hours", "4.75 h driving without a daily rest") in found  # a break is no rest
    rested = _row([("A", 0, 0), ("B", 160, 860)], [("daily_rest", 100, 760)])
    assert _found(rested, rules) == []


def test_a_trains_road_leg_ends_at_its_last_checkpoint() -> None:
    row = _row([("A", 0, 0), ("Terminal", 50, 60)], [])
    row["mode"] = "rail"
    row["arrive"] = _at(60 * 20)  # the train arrives at the rail border much later
    assert _found(row) == []
    row["mode"] = "road"
    assert ("driver_hours", "drives 20.00 h without a halt") in _found(row)
