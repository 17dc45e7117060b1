"""A road row's times against a hand-made re-timed column: checkpoints, halts and ends."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from mobility.model.clock import local_iso
from mobility.routing.column_timing import Checkpoint, ColumnSchedule, Halt
from mobility.validation._road_times import (
    checkpoint_problems,
    end_problems,
    halt_problems,
    time_match_problems,
    unsited_problems,
)

T0 = datetime.fromisoformat("2026-11-24T04:00:00+01:00")


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


SCHEDULE = ColumnSchedule(
    start=_at(0),
    arrive=_at(170),
    clear=_at(175),
    driving_s=125 * 60,
    checkpoints=(
        Checkpoint("Rotterdam", "origin", 1, 0.0, _at(0), _at(5)),
        Checkpoint("Moerdijkbrug", "bridge", 2, 30e3, _at(30), _at(35), leave=_at(37)),
        Checkpoint("Venlo", "destination", 9, 150e3, _at(170), _at(175)),
    ),
    halts=(
        Halt("CSC Venlo", "break", 5, 90e3, _at(90), _at(135), True, site_kind="support_centre"),
    ),
)


def _row() -> dict[str, Any]:
    """The row as the planner writes it for ``SCHEDULE``."""
    return {
        "arrive": local_iso(SCHEDULE.arrive),
        "clear": local_iso(SCHEDULE.clear),
        "checkpoints": [
            {"name": c.name, "kind": c.kind, "node": c.node, "arrive": local_iso(c.arrive)}
            | {"clear": local_iso(c.clear)}
            | ({"leave": local_iso(c.leave)} if c.leave else {})
            for c in SCHEDULE.checkpoints
        ],
        "halts": [
            {"kind": h.kind, "name": h.name, "start": local_iso(h.start), "end": local_iso(h.end)}
            | {"at_support_centre": h.at_support_centre}
            for h in SCHEDULE.halts
        ],
    }


def _shift(text: str, seconds: float) -> str:
    return (datetime.fromisoformat(text) + timedelta(seconds=seconds)).isoformat()


def test_a_row_as_the_route_gives_it_passes_to_the_second() -> None:
    row = _row()
    assert time_match_problems(row, SCHEDULE) == []
    row["checkpoints"][1]["arrive"] = _shift(row["checkpoints"][1]["arrive"], 1)
    assert time_match_problems(row, SCHEDULE) == []


def test_checkpoints_missing_foreign_or_off_time_are_named() -> None:
    row = _row()
    bridge = row["checkpoints"][1]
    bridge["leave"] = _shift(bridge["leave"], -120)
    row["checkpoints"][0]["name"] = "Europoort"
    late = "leave 2026-11-24T04:35:00+01:00, the route gives 2026-11-24T04:37:00+01:00"
    assert checkpoint_problems(row["checkpoints"], SCHEDULE) == [
        ("checkpoint", "origin Rotterdam (node 1) is on the route but missing from the row"),
        ("timing", f"Moerdijkbrug: {late}"),
        ("checkpoint", "Europoort is not a checkpoint of the route"),
    ]


def test_halts_are_compared_in_order_kind_place_times_and_site() -> None:
    rows = _row()["halts"]
    assert halt_problems([], SCHEDULE) == [("halts", "0 halts in the row, the route needs 1")]
    rows[0].update(kind="short", at_support_centre=False)
    rows[0]["end"] = _shift(rows[0]["end"], -30 * 60)
    assert [text for _, text in halt_problems(rows, SCHEDULE)] == [
        "row has short at CSC Venlo, the route needs a break at CSC Venlo",
        "break at CSC Venlo: 2026-11-24T05:30:00+01:00 - 2026-11-24T05:45:00+01:00, "
        "the route gives 2026-11-24T05:30:00+01:00 - 2026-11-24T06:15:00+01:00",
        "break at CSC Venlo: at_support_centre False, but it is at a support centre",
    ]


def test_the_clearance_may_be_rounded_up_to_the_minute_but_not_earlier() -> None:
    row = _row()
    row["clear"] = _shift(row["clear"], 60)
    assert end_problems(row, SCHEDULE) == []
    row["clear"] = _shift(row["clear"], -62)
    row["arrive"] = _shift(row["arrive"], 5)
    assert end_problems(row, SCHEDULE) == [
        ("timing", "arrives 2026-11-24T06:50:05+01:00, the route gives 2026-11-24T06:50:00+01:00"),
        ("timing", "clears 2026-11-24T06:54:58+01:00, the route gives 2026-11-24T06:55:00+01:00"),
    ]


def test_a_trains_road_leg_is_not_held_to_the_rows_arrival() -> None:
    row = _row()
    row["arrive"] = row["clear"] = "2026-11-25T12:00:00+01:00"  # the train's, at the rail border
    assert time_match_problems(row, SCHEDULE, ends=False) == []
    assert len(time_match_problems(row, SCHEDULE)) == 2


def test_a_halt_where_no_site_fits_is_named_whatever_the_row_says() -> None:
    roadside = Halt(
        "no halt site (roadside at km 120.0)",
        "short",
        7,
        120e3,
        _at(120),
        _at(135),
        False,
        note="no site fits 20 vehicles (1,226 m2) within 2h00 of driving after the last halt",
    )
    assert unsited_problems(SCHEDULE) == []
    schedule = replace(SCHEDULE, halts=(*SCHEDULE.halts, roadside))
    row = _row()
    row["halts"].append(
        {
            "kind": "short",
            "name": roadside.name,
            "start": local_iso(roadside.start),
            "end": local_iso(roadside.end),
            "at_support_centre": False,
        }
    )
    named = [
        (
            "halts",
            "short at no halt site (roadside at km 120.0): no site fits 20 vehicles "
            "(1,226 m2) within 2h00 of driving after the last halt",
        )
    ]
    assert unsited_problems(schedule) == named
    # The row matches the timing halt for halt: the halt is still no plan.
    assert time_match_problems(row, schedule) == named
