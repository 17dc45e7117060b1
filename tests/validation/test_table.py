"""Completeness of a small hand-made movement table, and its CSV against its JSON."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from mobility.model.column import build_column
from mobility.model.scenario import Scenario, scenario_from_dict
from mobility.model.vehicle import VehicleCatalogue, load_vehicles
from mobility.schedule.plan_files import CSV_COLUMNS, movement_csv_row
from mobility.validation._road import column_rules
from mobility.validation._table import completeness_problems, csv_problems


def _request(request_id: str, vehicles: dict[str, int], mode: str = "road") -> dict[str, Any]:
    return {
        "id": request_id,
        "unit": f"{request_id} company",
        "origin": "spod-rotterdam",
        "destination": "bcp-zevenaar-emmerich",
        "available_from": "2026-11-24T04:00+01:00",
        "required_by": "2026-11-24T18:00+01:00",
        "mode": mode,
        "vehicles": vehicles,
    }


@pytest.fixture(scope="module")
def catalogue() -> VehicleCatalogue:
    return load_vehicles()


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return scenario_from_dict(
        {
            "name": "table",
            "start": "2026-11-24T00:00+01:00",
            "horizon_h": 24,
            "column": {"march_unit_max": 20, "march_unit_min": 10},
            "requests": [
                _request("TRUCKS", {"man-hx2-6x6": 30}),
                _request("TANKS", {"leopard-2a7": 12}, mode="rail"),
            ],
        }
    )


def _table(scenario: Scenario, catalogue: VehicleCatalogue) -> list[dict[str, Any]]:
    """One row per march unit of the road request, and the tanks on two trains."""
    trucks = scenario.requests[0]
    column = build_column(trucks.unit, dict(trucks.vehicles), catalogue, column_rules(scenario))
    rows = [
        {
            "movement": f"26-NLD-00{i}",
            "request": "TRUCKS",
            "march_unit": unit.id,
            "vehicles": {v.id: n for v, n in unit.vehicles},
        }
        for i, unit in enumerate(column.march_units, 1)
    ]
    for number, count in (("26-NLD-T01", 7), ("26-NLD-T02", 5)):
        rows.append(
            {"movement": number, "request": "TANKS", "march_unit": number[-1], "mode": "rail"}
            | {"vehicles": {"leopard-2a7": count}}
        )
    return rows


def _found(
    table: list[dict[str, Any]], scenario: Scenario, catalogue: VehicleCatalogue, **summary: Any
) -> list[str]:
    problems = completeness_problems(table, summary, scenario, catalogue)
    assert {rule for rule, _, _ in problems} <= {"completeness"}
    return [f"{number}|{text}" for _, number, text in problems]


def test_a_complete_table_passes(scenario: Scenario, catalogue: VehicleCatalogue) -> None:
    table = _table(scenario, catalogue)
    assert len([m for m in table if m["request"] == "TRUCKS"]) == 2  # 30 trucks, at most 20 each
    assert _found(table, scenario, catalogue) == []


def test_a_march_unit_left_out_must_be_explained_with_a_reason(
    scenario: Scenario, catalogue: VehicleCatalogue
) -> None:
    table = _table(scenario, catalogue)
    gone = table.pop(0)
    key = f"TRUCKS/{gone['march_unit']}"
    found = _found(table, scenario, catalogue)
    assert found == [
        f"|march unit {key} ({sum(gone['vehicles'].values())} vehicles) "
        "is neither in a movement nor listed as unplannable"
    ]
    explained = {"unplannable": [{"request": key, "reason": "no route under MLC 30"}]}
    assert _found(table, scenario, catalogue, **explained) == []
    assert _found(table, scenario, catalogue, unscheduled=[key]) == []
    unexplained = {"unplannable": [{"request": key, "reason": " "}]}
    assert _found(table, scenario, catalogue, **unexplained) == [
        f"|{key} is listed as unplannable without a reason"
    ]


def test_a_march_unit_both_moved_and_unplannable_is_named(
    scenario: Scenario, catalogue: VehicleCatalogue
) -> None:
    table = _table(scenario, catalogue)
    key = f"TRUCKS/{table[0]['march_unit']}"
    found = _found(table, scenario, catalogue, unscheduled=[key])
    assert found == [f"26-NLD-001|{key} is both moved and listed as unplannable"]


def test_duplicates_foreign_requests_and_foreign_march_units_are_named(
    scenario: Scenario, catalogue: VehicleCatalogue
) -> None:
    table = _table(scenario, catalogue)
    table.append(dict(table[0]))
    table.append({**table[1], "movement": "26-NLD-009", "march_unit": "9"})
    table.append({**table[1], "movement": "26-NLD-010", "request": "GHOST"})
    found = _found(table, scenario, catalogue)
    assert "26-NLD-001|movement number appears twice" in found
    assert f"|march unit TRUCKS/{table[0]['march_unit']} appears 2 times" in found
    assert "26-NLD-009|march unit TRUCKS/9 is not a march unit of the request" in found
    assert "26-NLD-010|request 'GHOST' is not in the scenario" in found


def test_a_march_unit_with_other_vehicles_is_named(
    scenario: Scenario, catalogue: VehicleCatalogue
) -> None:
    table = _table(scenario, catalogue)
    table[1]["vehicles"] = {"man-hx2-6x6": 1}
    (found,) = _found(table, scenario, catalogue)
    assert found.startswith(
        f"26-NLD-002|TRUCKS/{table[1]['march_unit']} lists {{'man-hx2-6x6': 1}}"
    )


def test_a_request_that_may_go_by_rail_is_counted_by_vehicles(
    scenario: Scenario, catalogue: VehicleCatalogue
) -> None:
    table = _table(scenario, catalogue)
    table[-1]["vehicles"] = {"leopard-2a7": 9}
    assert _found(table, scenario, catalogue) == ["|request TANKS: 16 vehicles moved, 12 requested"]
    table.pop()
    assert _found(table, scenario, catalogue) == [
        "|request TANKS: 5 of 12 vehicles neither moved nor listed as unplannable"
    ]
    left = {"unplannable": [{"request": "TANKS/2", "reason": "no ramp free"}]}
    assert _found(table, scenario, catalogue, **left) == []


def _csv_row(number: str) -> dict[str, Any]:
    return {
        "movement": number,
        "request": "TRUCKS",
        "unit": "TRUCKS company",
        "march_unit": "1",
        "mode": "road",
        "route": "MSR Tulip",
        "refs": ["A15", "A12"],
        "vehicles": {"man-hx2-6x6": 20},
        "vehicle_count": 20,
        "start": "2026-11-24T04:00:00+01:00",
        "arrive": "2026-11-24T07:00:00+01:00",
        "clear": "2026-11-24T07:20:00+01:00",
        "due": "2026-11-24T18:00:00+01:00",
        "late_min": 0,
        "halts": [],
        "checkpoints": [],
    }


def _write_csv(folder: Path, rows: list[dict[str, Any]]) -> None:
    with (folder / "movement_table.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(movement_csv_row(m) for m in rows)


def test_the_csv_must_be_what_the_json_gives(tmp_path: Path) -> None:
    table = [_csv_row("26-NLD-001"), _csv_row("26-NLD-002")]
    _write_csv(tmp_path, table)
    assert csv_problems(tmp_path, table) == []
    edited = [dict(m) for m in table]
    edited[1]["route"] = "ASR 9"
    _write_csv(tmp_path, edited)
    assert csv_problems(tmp_path, table) == [
        ("csv", "26-NLD-002", "movement_table.csv route 'ASR 9' differs from the JSON 'MSR Tulip'")
    ]


def test_rows_missing_from_or_added_to_the_csv_are_named(tmp_path: Path) -> None:
    table = [_csv_row("26-NLD-001"), _csv_row("26-NLD-002")]
    _write_csv(tmp_path, [table[0], _csv_row("26-NLD-099")])
    assert csv_problems(tmp_path, table) == [
        ("csv", "26-NLD-002", "missing from movement_table.csv"),
        ("csv", "26-NLD-099", "in movement_table.csv but not in movement_table.json"),
    ]
    _write_csv(tmp_path, table[:1])
    assert csv_problems(tmp_path, table)[0] == (
        "csv",
        "",
        "movement_table.csv has 1 rows, the JSON 2",
    )


def test_a_missing_or_unreadable_csv_is_a_problem_not_an_error(tmp_path: Path) -> None:
    assert csv_problems(tmp_path, []) == [("csv", "", "movement_table.csv is missing")]
    (tmp_path / "movement_table.csv").write_bytes(b"movement\n\xff\xfe\xfa\n")
    ((rule, number, message),) = csv_problems(tmp_path, [])
    assert (rule, number) == ("csv", "")
    assert message.startswith("movement_table.csv cannot be read:")
