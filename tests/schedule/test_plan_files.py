"""Plan folders: the files written, the spreadsheet rows, and reading them back strictly."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from mobility.errors import DataError, OutputError
from mobility.schedule.instance import Instance
from mobility.schedule.plan import Plan
from mobility.schedule.plan_files import (
    PLAN_FILES,
    movement_csv_row,
    read_plan_file,
    read_plan_files,
    write_plan,
)


def test_a_csv_row_keeps_the_march_unit_as_text_and_joins_lists_with_semicolons() -> None:
    row = {
        "request": "R1",
        "march_unit": "1.10",
        "refs": ["A58", "A67"],
        "vehicles": {"fennek": 20, "boxer-apc": 4},
        "halts": [{"kind": "halt", "name": "Oirschot", "start": "s", "end": "e"}],
        "checkpoints": [{"name": "Vlaketunnel", "arrive": "a", "clear": "c"}],
    }
    found = movement_csv_row(row)
    assert found["march_unit"] == "R1/1.10"
    assert found["refs"] == "A58; A67"
    assert found["vehicles"] == "fennek x20; boxer-apc x4"
    assert found["halts"] == "halt Oirschot s e"
    assert found["checkpoints"] == "Vlaketunnel a c"
    assert row["march_unit"] == "1.10"  # the JSON row is left as it is


def test_write_plan_writes_every_file_and_reads_back_what_it_wrote(
    tiny_built: tuple[Instance, Plan], tmp_path: Path
) -> None:
    _, plan = tiny_built
    folder = write_plan(plan, tmp_path / "plan", extra={"map.html": b"<html></html>"})
    names = {p.name for p in folder.iterdir()}
    assert set(PLAN_FILES) <= names and "map.html" in names
    read = read_plan_files(folder)
    assert [m["movement"] for m in read["movement_table"]] == [m.number for m in plan.movements]
    assert read["summary"]["kpis"] == json.loads(json.dumps(plan.summary["kpis"]))
    assert read["constraints"]["requests"].keys() == {"R1", "R2"}
    with (folder / "movement_table.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["movement"] for r in rows] == [m.number for m in plan.movements]
    assert all(r["march_unit"].startswith(r["request"] + "/") for r in rows)
    with (folder / "utilisation.csv").open(newline="") as handle:
        used = list(csv.DictReader(handle))
    assert used and all(int(r["peak"]) <= int(r["capacity"]) for r in used)


def test_write_plan_never_replaces_a_users_folder(
    tiny_built: tuple[Instance, Plan], tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError):
        write_plan(tiny_built[1], mine)
    assert (mine / "notes.txt").read_text() == "keep me"


def _folder(tmp_path: Path, table: Any) -> Path:
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "movement_table.json").write_text(json.dumps(table))
    (folder / "summary.json").write_text("{}")
    (folder / "constraints.json").write_text("{}")
    return folder


ROW = {
    "movement": "24-NLD-001",
    "request": "R1",
    "mode": "road",
    "start": "2026-11-24T04:00:00+01:00",
    "arrive": "2026-11-24T07:00:00+01:00",
    "clear": "2026-11-24T07:30:00+01:00",
    "checkpoints": [],
}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"movement": 1}, "expected a list of movements, got dict"),
        (["row"], r"movement 0: expected an object, got 'row'"),
        ([{k: v for k, v in ROW.items() if k != "clear"}], "missing field 'clear'"),
        ([{**ROW, "checkpoints": "none"}], "checkpoints: expected list, got 'none'"),
        ([{**ROW, "start": "2026-11-24T04:00"}], "start: expected an ISO 8601 time with offset"),
        ([{**ROW, "due": "tomorrow"}], "due: expected an ISO 8601 time with offset"),
        ([{**ROW, "late_min": float("inf")}], "late_min: expected a finite number"),
    ],
)
def test_a_malformed_movement_table_is_refused_naming_the_field(
    tmp_path: Path, table: Any, message: str
) -> None:
    folder = _folder(tmp_path, table)
    with pytest.raises(DataError, match=message):
        read_plan_files(folder)


def test_missing_folders_files_and_bad_json_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        read_plan_files(tmp_path / "nowhere")
    folder = _folder(tmp_path, [ROW])
    assert read_plan_files(folder)["movement_table"] == [ROW]
    (folder / "summary.json").write_text("{not json")
    with pytest.raises(DataError, match="cannot be read as JSON"):
        read_plan_files(folder)
    (folder / "summary.json").write_text("[1, 2]")
    with pytest.raises(DataError, match="expected a JSON object, got list"):
        read_plan_file(folder, "summary.json")
    (folder / "constraints.json").unlink()
    with pytest.raises(DataError, match=r"has no constraints\.json"):
        read_plan_file(folder, "constraints.json")
