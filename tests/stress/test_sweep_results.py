from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.stress._sweep_results import RESULTS_TOOL, ResultsFile
from mobility.stress._sweep_tasks import SweepTask

TASKS = [SweepTask(f"t{i}", elements=(("road", i),)) for i in range(3)]


def test_results_round_trip_with_header_and_checksums(tmp_path: Path) -> None:
    path = tmp_path / "sweep" / "results.jsonl"
    store = ResultsFile(path, "spec-1")
    assert store.load() == {}
    store.open()
    store.append(TASKS[0], {"id": "t0", "share": float("inf")})
    store.close()
    header, line = (json.loads(x) for x in path.read_text().splitlines())
    assert header == {"type": "header", "tool": RESULTS_TOOL, "spec": "spec-1"}
    assert line["id"] == "t0" and line["task"] == TASKS[0].fingerprint() and len(line["sum"]) == 32
    assert ResultsFile(path, "spec-1").load() == {
        "t0": (TASKS[0].fingerprint(), {"id": "t0", "share": None})
    }
    with pytest.raises(DataError, match="belongs to another sweep"):
        ResultsFile(path, "spec-2").load()


def test_an_interrupted_line_is_dropped_and_the_file_locked(tmp_path: Path) -> None:
    path = tmp_path / "results.jsonl"
    store = ResultsFile(path, "spec-1")
    store.open()
    store.append(TASKS[0], {"id": "t0"})
    store.close()
    with path.open("a") as handle:
        handle.write('{"type": "result", "id": "t1"')  # cut short by a kill
    again = ResultsFile(path, "spec-1")
    assert list(again.load()) == ["t0"]
    again.open()
    with pytest.raises(DataError, match="being written by another sweep"):
        ResultsFile(path, "spec-1").open()
    again.append(TASKS[1], {"id": "t1"})
    again.close()
    assert sorted(ResultsFile(path, "spec-1").load()) == ["t0", "t1"]
    assert len(path.read_text().splitlines()) == 3
