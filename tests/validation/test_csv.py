"""Issue #14: the movement table CSV is spreadsheet-friendly and must agree with the JSON."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime
from pathlib import Path

import mobility
from mobility.validation import validate_plan


def test_csv_cells_stay_text_times_are_iso_and_lists_have_one_separator(road_plan: Path) -> None:
    with (road_plan / "movement_table.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = json.loads((road_plan / "movement_table.json").read_text())
    assert len(rows) == len(table)
    for row, data in zip(rows, table, strict=True):
        # "1.10" would become the number 1.1 in a spreadsheet; "MED/1.10" stays text.
        assert row["march_unit"] == f"{data['request']}/{data['march_unit']}"
        for key in ("start", "arrive", "clear", "due"):
            assert datetime.fromisoformat(row[key]).utcoffset() is not None
        items = row["checkpoints"].split("; ")
        assert len(items) == len(data["checkpoints"])
        for item, point in zip(items, data["checkpoints"], strict=True):
            name, arrive, clear = item.rsplit(" ", 2)
            assert (name, arrive, clear) == (point["name"], point["arrive"], point["clear"])
        assert row["refs"].split("; ") == data["refs"]
        assert len(row["vehicles"].split("; ")) == len(data["vehicles"])


def test_a_folder_whose_csv_and_json_disagree_is_refused_naming_the_rows(
    road_plan: Path, tmp_path: Path, atlas: mobility.Network
) -> None:
    folder = Path(shutil.copytree(road_plan, tmp_path / "plan"))
    path = folder / "movement_table.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    rows[2]["late_min"] = "0" if rows[2]["late_min"] != "0" else "5"
    rows[7]["route"] = "ASR 9"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or [])
        writer.writeheader()
        writer.writerows(rows)
    found = [v for v in validate_plan(folder, network=atlas) if v.rule == "csv"]
    assert {v.movement for v in found} == {rows[2]["movement"], rows[7]["movement"]}
    assert any("late_min" in v.message for v in found)
    assert any("route" in v.message for v in found)
