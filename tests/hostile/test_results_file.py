"""Hostile sweep results files: foreign, edited, merged or shared files are refused untouched."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.stress.sweep import ResultsFile, SweepTask

TASKS = [SweepTask(f"t{i}", elements=(("road", 100 + i),)) for i in range(3)]


def _written(path: Path, spec: str = "spec-a") -> ResultsFile:
    store = ResultsFile(path, spec)
    store.load()
    store.open()
    for task in TASKS[:2]:
        store.append(task, {"id": task.id, "stranded": 1, "loss": 2.5})
    store.close()
    return store


def _refused(path: Path, spec: str = "spec-a", match: str = "results file") -> None:
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(DataError, match=match):
        ResultsFile(path, spec).load()
    if before is not None:
        assert path.read_bytes() == before


@pytest.mark.parametrize(
    "text",
    ["my one-line notes", "my notes\n", "line one\nline two cut", '{"type": "result"}\n', "[]\n"],
)
def test_a_users_text_file_is_refused_untouched(tmp_path: Path, text: str) -> None:
    """Issue 19: --results notes.txt truncated a user's file and appended results."""
    path = tmp_path / "notes.txt"
    path.write_text(text)
    _refused(path, match="results")


def test_header_removed(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    _written(path)
    path.write_text("\n".join(path.read_text().splitlines()[1:]) + "\n")
    _refused(path, match="no mobility results header")


def test_result_edited(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    _written(path)
    path.write_text(path.read_text().replace('"stranded": 1', '"stranded": 0'))
    _refused(path, match="edited")


def test_results_of_another_sweep_merged(tmp_path: Path) -> None:
    path, other = tmp_path / "r.jsonl", tmp_path / "other.jsonl"
    _written(path)
    _written(other, "spec-b")
    last = other.read_text().splitlines()[-1]
    path.write_text(path.read_text() + last.replace('"t1"', '"t2"') + "\n")
    _refused(path, match="merged")


def test_file_of_another_sweep(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    _written(path, "spec-b")
    _refused(path, match="another sweep")


def test_a_result_twice(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    _written(path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[-1]]) + "\n")
    _refused(path, match="a second time")


@pytest.mark.parametrize("line", ["not json", "[1, 2]", "[" * 100_000])
def test_garbage_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "r.jsonl"
    _written(path)
    path.write_text(path.read_text() + line + "\n")
    _refused(path)


def test_non_utf8_results(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage\n")
    _refused(path, match="UTF-8")


def test_folder_as_results(tmp_path: Path) -> None:
    _refused(tmp_path, match="not a file")


def test_cut_short_line_of_our_own_file_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    _written(path)
    path.write_text(path.read_text() + '{"type": "result", "id": "t2"')
    store = ResultsFile(path, "spec-a")
    assert sorted(store.load()) == ["t0", "t1"]
    store.open()
    store.append(TASKS[2], {"id": "t2"})
    store.close()
    assert sorted(ResultsFile(path, "spec-a").load()) == ["t0", "t1", "t2"]
    assert all(json.loads(line) for line in path.read_text().splitlines())


def test_no_bare_infinity_in_results(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    store = ResultsFile(path, "spec-a")
    store.open()
    store.append(TASKS[0], {"capacity": float("inf"), "x": float("nan")})
    store.close()
    text = path.read_text()
    assert "Infinity" not in text and "NaN" not in text
    assert ResultsFile(path, "spec-a").load()["t0"][1] == {"capacity": None, "x": None}


def test_two_sweeps_on_one_file(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    _written(path)
    code = (
        "import fcntl, time\n"
        f"handle = open({str(path)!r}, 'a')\n"
        "fcntl.flock(handle.fileno(), fcntl.LOCK_EX)\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        store = ResultsFile(path, "spec-a")
        store.load()
        before = path.read_bytes()
        with pytest.raises(DataError, match="being written by another sweep"):
            store.open()
        assert path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
