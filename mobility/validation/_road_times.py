"""A road row's times against its column timed again along its route.

The column re-timed from the row's start (:meth:`~mobility.routing.router.Router.retime`,
see :mod:`mobility.validation._road`) gives every checkpoint (arrival of the
head, clearance of the tail, when it leaves a structure), every halt (kind,
place, times, at a support centre or not), the arrival and the clearance.
The row must give the same, to the second; a clearance is rounded up to the
minute. Every halt of the timing must also be at a site that fits the column
within the driving limits (:attr:`~mobility.routing.column_timing.ColumnSchedule.unsited_halts`):
a timing with a halt where no site fits is no plan, whatever the row says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from mobility.model.clock import local_iso
from mobility.routing.column_timing import ColumnSchedule

#: Times are written to the second; a clearance is rounded up to the minute.
_SECOND = timedelta(seconds=1.5)
_MINUTE = timedelta(seconds=61)

Finding = tuple[str, str]  # (rule, message)


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def checkpoint_problems(
    rows: Sequence[Mapping[str, Any]], schedule: ColumnSchedule
) -> list[Finding]:
    """Check the row's checkpoints: each of the route's present, on time, and no other."""
    found: list[Finding] = []
    by_key = {(r.get("name"), r.get("kind"), r.get("node")): r for r in rows}
    for point in schedule.checkpoints:
        row = by_key.get((point.name, point.kind, point.node))
        if row is None:
            found.append(
                (
                    "checkpoint",
                    f"{point.kind} {point.name} (node {point.node}) is on the route "
                    "but missing from the row",
                )
            )
            continue
        for key, moment in (
            ("arrive", point.arrive),
            ("clear", point.clear),
            ("leave", point.leave),
        ):
            if moment is None:
                continue
            text = row.get(key)
            if text is None or abs(_t(text) - moment) > _SECOND:
                found.append(
                    ("timing", f"{point.name}: {key} {text}, the route gives {local_iso(moment)}")
                )
    known = {(p.name, p.kind, p.node) for p in schedule.checkpoints}
    for row in rows:
        if (row.get("name"), row.get("kind"), row.get("node")) not in known:
            found.append(("checkpoint", f"{row.get('name')} is not a checkpoint of the route"))
    return found


def halt_problems(rows: Sequence[Mapping[str, Any]], schedule: ColumnSchedule) -> list[Finding]:
    """Check the row's halts, in order: as many as the route needs, each where and when due."""
    found: list[Finding] = []
    if len(rows) != len(schedule.halts):
        found.append(
            ("halts", f"{len(rows)} halts in the row, the route needs {len(schedule.halts)}")
        )
    for row, halt in zip(rows, schedule.halts, strict=False):
        where = f"{halt.kind} at {halt.name}"
        if (row.get("kind"), row.get("name")) != (halt.kind, halt.name):
            found.append(
                (
                    "halts",
                    f"row has {row.get('kind')} at {row.get('name')}, the route needs a {where}",
                )
            )
        if abs(_t(row["start"]) - halt.start) > _SECOND or abs(_t(row["end"]) - halt.end) > _SECOND:
            found.append(
                (
                    "halts",
                    f"{where}: {row['start']} - {row['end']}, the route gives "
                    f"{local_iso(halt.start)} - "
                    f"{local_iso(halt.end)}",
                )
            )
        if row.get("at_support_centre") != halt.at_support_centre:
            found.append(
                (
                    "halts",
                    f"{where}: at_support_centre {row.get('at_support_centre')}, "
                    f"but it is {'' if halt.at_support_centre else 'not '}at a support "
                    "centre",
                )
            )
    return found


def unsited_problems(schedule: ColumnSchedule) -> list[Finding]:
    """Name the timing's halts for which no site fits the column (such a route is no plan)."""
    return [("halts", f"{h.kind} at {h.name}: {h.note}") for h in schedule.unsited_halts]


def end_problems(m: Mapping[str, Any], schedule: ColumnSchedule) -> list[Finding]:
    """Check the row's arrival and clearance at its destination."""
    found: list[Finding] = []
    if abs(_t(m["arrive"]) - schedule.arrive) > _SECOND:
        found.append(
            ("timing", f"arrives {m['arrive']}, the route gives {local_iso(schedule.arrive)}")
        )
    if not timedelta(0) - _SECOND <= _t(m["clear"]) - schedule.clear <= _MINUTE:
        found.append(
            ("timing", f"clears {m['clear']}, the route gives {local_iso(schedule.clear)}")
        )
    return found


def time_match_problems(
    m: Mapping[str, Any], schedule: ColumnSchedule, *, ends: bool = True
) -> list[Finding]:
    """Check the row's times against the re-derived timing (``ends``: its arrival and clearance)."""
    found = checkpoint_problems(list(m["checkpoints"]), schedule)
    found += halt_problems(list(m["halts"]), schedule)
    found += unsited_problems(schedule)
    if ends:
        found += end_problems(m, schedule)
    return found


__all__ = [
    "checkpoint_problems",
    "end_problems",
    "halt_problems",
    "time_match_problems",
    "unsited_problems",
]
