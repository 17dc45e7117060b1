"""The movement table as a whole: completeness, duplicates, and the CSV against the JSON.

Completeness: every vehicle requested is in exactly one movement or listed
as unplannable or unscheduled with a reason. For a road request the march
units are re-derived from the scenario and the catalogue
(:func:`~mobility.model.column.build_column`, shared domain code tested in
``tests/model``): each must appear once, with its vehicles. For a request
that may go by rail (train-loads are cut by the rail rules), the vehicles
are counted per request.

``movement_table.csv`` is what planners edit in a spreadsheet: each of its
rows must be what the JSON row gives (:func:`~mobility.schedule.plan_files.movement_csv_row`,
the file format), or the folder is refused naming the rows.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mobility.model.column import Column, build_column
from mobility.model.scenario import Request, Scenario
from mobility.model.vehicle import VehicleCatalogue
from mobility.schedule.plan_files import CSV_COLUMNS, movement_csv_row
from mobility.validation._road import column_rules, moved_types, requested_as_moved

Problem = tuple[str, str, str]  # (rule, movement, message)


def _duplicate_problems(movements: list[dict[str, Any]]) -> list[Problem]:
    """Movement numbers and march units that appear more than once."""
    numbers = Counter(m["movement"] for m in movements)
    units = Counter((m["request"], str(m.get("march_unit"))) for m in movements)
    return [
        ("completeness", n, "movement number appears twice") for n, c in numbers.items() if c > 1
    ] + [
        ("completeness", "", f"march unit {r}/{u} appears {c} times")
        for (r, u), c in units.items()
        if c > 1
    ]


def _reasons(summary: Mapping[str, Any]) -> dict[str, str]:
    """Return what the summary lists as not moved: request or march unit to its reason.

    Unplannable items keep their reason (possibly empty); unscheduled march
    units read ``unscheduled``.
    """
    reasons: dict[str, str] = {}
    for item in summary.get("unplannable") or ():
        if isinstance(item, Mapping):
            reasons[str(item.get("request"))] = str(item.get("reason") or "")
    for task in summary.get("unscheduled") or ():
        reasons.setdefault(str(task), "unscheduled")
    return reasons


def _counted_problems(
    request: Request, rows: list[dict[str, Any]], wanted: Mapping[str, int], gone: bool
) -> list[Problem]:
    """Count the vehicles of a request that may go by rail (``gone``: some are explained)."""
    moved = sum(sum(v for v in m["vehicles"].values() if isinstance(v, int)) for m in rows)
    total = sum(wanted.values())
    if moved > total:
        return [
            ("completeness", "", f"request {request.id}: {moved} vehicles moved, {total} requested")
        ]
    if moved < total and not gone:
        return [
            (
                "completeness",
                "",
                f"request {request.id}: {total - moved} of "
                f"{total} vehicles neither moved nor listed as unplannable",
            )
        ]
    return []


def _march_unit_problems(
    request: Request,
    rows: list[dict[str, Any]],
    column: Column,
    reasons: Mapping[str, str],
) -> list[Problem]:
    """Check each march unit of a road request's column: moved once, as built, or explained."""
    found: list[Problem] = []
    by_unit = {str(m.get("march_unit")): m for m in rows}
    for unit in column.march_units:
        key = f"{request.id}/{unit.id}"
        row = by_unit.pop(unit.id, None)
        vehicles = {v.id: n for v, n in unit.vehicles}
        if row is None:
            if key not in reasons and request.id not in reasons:
                found.append(
                    (
                        "completeness",
                        "",
                        f"march unit {key} ({unit.count} vehicles) "
                        "is neither in a movement nor listed as unplannable",
                    )
                )
            continue
        if key in reasons:
            found.append(
                ("completeness", row["movement"], f"{key} is both moved and listed as unplannable")
            )
        if dict(row["vehicles"]) != vehicles:
            found.append(
                (
                    "completeness",
                    row["movement"],
                    f"{key} lists {row['vehicles']}, the request's march unit is {vehicles}",
                )
            )
    for unit_id, row in by_unit.items():
        found.append(
            (
                "completeness",
                row["movement"],
                f"march unit {request.id}/{unit_id} is not a march unit of the request",
            )
        )
    return found


def completeness_problems(
    movements: list[dict[str, Any]],
    summary: Mapping[str, Any],
    scenario: Scenario,
    catalogue: VehicleCatalogue,
) -> list[Problem]:
    """Every requested vehicle in exactly one movement or explained; no duplicates."""
    found = _duplicate_problems(movements)
    reasons = _reasons(summary)
    for key, reason in reasons.items():
        if not reason.strip():
            found.append(("completeness", "", f"{key} is listed as unplannable without a reason"))
    types = moved_types(catalogue)
    requests = {r.id: r for r in scenario.requests}
    rules = column_rules(scenario)
    for m in movements:
        if m["request"] not in requests:
            found.append(
                ("completeness", m["movement"], f"request {m['request']!r} is not in the scenario")
            )
    for request in scenario.requests:
        rows = [m for m in movements if m["request"] == request.id]
        wanted = requested_as_moved(request, catalogue)
        if request.mode != "road":
            gone = any(k == request.id or k.startswith(f"{request.id}/") for k in reasons)
            found += _counted_problems(request, rows, wanted, gone)
            continue
        column = build_column(
            request.unit, wanted, VehicleCatalogue({k: types[k] for k in wanted}), rules
        )
        found += _march_unit_problems(request, rows, column, reasons)
    return found


def csv_problems(folder: Path, movements: list[dict[str, Any]]) -> list[Problem]:
    """``movement_table.csv`` against ``movement_table.json``, naming the rows that differ."""
    path = folder / "movement_table.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        return [("csv", "", "movement_table.csv is missing")]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [("csv", "", f"movement_table.csv cannot be read: {error}")]
    found: list[Problem] = []
    by_number = {r.get("movement", ""): r for r in rows}
    if len(rows) != len(movements):
        found.append(
            ("csv", "", f"movement_table.csv has {len(rows)} rows, the JSON {len(movements)}")
        )
    for m in movements:
        row = by_number.pop(m["movement"], None)
        if row is None:
            found.append(("csv", m["movement"], "missing from movement_table.csv"))
            continue
        expected = movement_csv_row(m)
        for column in CSV_COLUMNS:
            if str(expected.get(column, "")) != (row.get(column) or ""):
                found.append(
                    (
                        "csv",
                        m["movement"],
                        f"movement_table.csv {column} "
                        f"{(row.get(column) or '')[:60]!r} differs from the JSON "
                        f"{str(expected.get(column, ''))[:60]!r}",
                    )
                )
    for number in by_number:
        found.append(("csv", number, "in movement_table.csv but not in movement_table.json"))
    return found
