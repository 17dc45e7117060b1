"""Hostile output locations for every writer: never replace a user's files.

Writers: plan folders, network export, ``map --out``, stress and criticality
report folders, and ``fetch --out``. Each is pointed at a user's folder, a
user's file, a read-only place, a path under a file, a full disk, a link, and
an output another run is writing; each must refuse before any long work, with
exit 2, and leave everything as it was.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mobility import settings
from mobility._atomic import MARKER, write_folder_atomic
from mobility.errors import OutputError
from tests.hostile.conftest import DATA, ROOT, Outcome, snapshot, user_folder

PERTURBATION = str(ROOT / "examples" / "perturbations" / "moerdijk-bridges.yaml")


def _closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/x.osm.pbf"


#: Writer name to (command line before the output, after it, kind of output).
WRITERS: dict[str, tuple[list[str], list[str], str]] = {
    "plan": (["plan", str(DATA / "scenario-tiny.yaml"), "--out"], [], "folder"),
    "export": (["network", "export"], [], "folder"),
    "map": (["map", "--network", "--out"], [], "file"),
    "stress": (["stress", "--perturbation", PERTURBATION, "--out"], [], "folder"),
    "criticality": (["criticality", "--out"], [], "folder"),
    "fetch": (["fetch", "geofabrik", "--out"], ["--url", _closed_url()], "file"),
}


def _command(writer: str, out: str) -> list[str]:
    before, after, _ = WRITERS[writer]
    return [*before, out, *after]


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_users_folder_is_never_replaced(
    cli: Callable[..., Outcome], tmp_path: Path, writer: str
) -> None:
    """Issue 19: --out naming a user's folder deleted thesis.txt and photos/."""
    folder = user_folder(tmp_path)
    before = snapshot(tmp_path)
    outcome = cli(*_command(writer, str(folder)))
    expected = "was not written by mobility" if WRITERS[writer][2] == "folder" else "folder"
    outcome.assert_clear_error(str(folder), expected)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_users_file_is_never_replaced(
    cli: Callable[..., Outcome], tmp_path: Path, writer: str
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n")
    before = snapshot(tmp_path)
    outcome = cli(*_command(writer, str(target)))
    outcome.assert_clear_error(str(target))
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_read_only_location(cli: Callable[..., Outcome], tmp_path: Path, writer: str) -> None:
    target = "/sys/mobility-hostile-output"
    outcome = cli(*_command(writer, target))
    outcome.assert_clear_error(target, "cannot be written")
    assert not Path(target).exists()


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_output_under_a_file(cli: Callable[..., Outcome], tmp_path: Path, writer: str) -> None:
    (tmp_path / "a-file").write_text("x")
    before = snapshot(tmp_path)
    outcome = cli(*_command(writer, str(tmp_path / "a-file" / "out")))
    outcome.assert_clear_error("a-file")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_full_disk_is_found_before_the_work(
    cli: Callable[..., Outcome], tmp_path: Path, writer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "min_free_disk_mb", 1e12)
    before = snapshot(tmp_path)
    outcome = cli(*_command(writer, str(tmp_path / "out")))
    outcome.assert_clear_error("MB free", "MOBILITY_MIN_FREE_DISK_MB")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_link_as_output(cli: Callable[..., Outcome], tmp_path: Path, writer: str) -> None:
    victim = user_folder(tmp_path, "victim")
    link = tmp_path / "link"
    link.symlink_to(victim)
    before = snapshot(tmp_path)
    outcome = cli(*_command(writer, str(link)))
    outcome.assert_clear_error("link")
    assert snapshot(tmp_path) == before


@pytest.fixture
def other_run() -> Iterator[Callable[[Path], None]]:
    """Hold an output's lock from another process, as a concurrent run would."""
    holders: list[tuple[subprocess.Popen[str], Path]] = []

    def hold(target: Path) -> None:
        lock = target.with_name(f".{target.name}.mobility-lock")
        code = (
            "import fcntl, sys, time\n"
            f"handle = open({str(lock)!r}, 'ab')\n"
            "fcntl.flock(handle.fileno(), fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n"
        )
        process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        holders.append((process, lock))

    yield hold
    for process, lock in holders:
        process.kill()
        process.wait()
        lock.unlink(missing_ok=True)


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_concurrent_run_on_the_same_output(
    cli: Callable[..., Outcome],
    tmp_path: Path,
    writer: str,
    other_run: Callable[[Path], None],
) -> None:
    target = tmp_path / "out"
    other_run(target)
    before = snapshot(tmp_path)
    outcome = cli(*_command(writer, str(target)))
    outcome.assert_clear_error("being written by another mobility run")
    assert snapshot(tmp_path) == before


# --- recovery of writes a kill interrupted ---------------------------------------------------


def _complete_staging(target: Path, content: bytes) -> Path:
    staging = target.with_name(f".{target.name}.mobility-staging-abc123")
    staging.mkdir()
    (staging / "a.txt").write_bytes(content)
    (staging / MARKER).write_text(json.dumps({"tool": "mobility", "complete": True}))
    return staging


def test_kill_between_the_renames_is_recovered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 19: a kill between the two renames left no plan folder at all."""
    target = tmp_path / "plan"
    old = tmp_path / ".plan.mobility-old"
    old.mkdir()
    (old / MARKER).write_text("{}")
    _complete_staging(target, b"new")
    with caplog.at_level(logging.WARNING):
        write_folder_atomic(target, {"a.txt": b"newer"})
    assert (target / "a.txt").read_bytes() == b"newer"
    assert "recovered" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_kill_after_the_first_rename_restores_the_old_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "plan"
    old = tmp_path / ".plan.mobility-old"
    old.mkdir()
    (old / MARKER).write_text("{}")
    (old / "a.txt").write_bytes(b"old")
    incomplete = target.with_name(".plan.mobility-staging-xyz")
    incomplete.mkdir()
    (incomplete / MARKER).write_text(json.dumps({"complete": False}))
    with caplog.at_level(logging.WARNING):
        write_folder_atomic(target, {"a.txt": b"new"})
    assert "restored the previous" in caplog.text and "removed" in caplog.text
    assert (target / "a.txt").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_staging_leftovers_are_cleaned_by_the_next_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 19: a kill at the rename left a hidden staging folder no run cleaned."""
    target = tmp_path / "plan"
    write_folder_atomic(target, {"a.txt": b"1"})
    _complete_staging(target, b"stale")
    with caplog.at_level(logging.WARNING):
        write_folder_atomic(target, {"a.txt": b"2"})
    assert (target / "a.txt").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_users_hidden_folder_that_looks_like_staging_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    lookalike = tmp_path / ".plan.mobility-staging-mine"
    lookalike.mkdir()
    (lookalike / "diary.txt").write_text("mine")
    write_folder_atomic(target, {"a.txt": b"1"})
    assert (lookalike / "diary.txt").read_text() == "mine"


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Path.write_bytes

    def fail(self: Path, data: bytes) -> int:
        if self.name == "b.txt":
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", fail)
    with pytest.raises(OutputError, match="No space left"):
        write_folder_atomic(tmp_path / "plan", {"a.txt": b"1", "b.txt": b"2"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape.txt", "sub/x.txt", "", MARKER, ".."])
def test_file_names_cannot_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutputError, match="not a plain file name"):
        write_folder_atomic(tmp_path / "plan", {name: b"x"})
    assert list(tmp_path.iterdir()) == []


def test_own_folder_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    write_folder_atomic(target, {"a.txt": b"1"})
    write_folder_atomic(target, {"b.txt": b"2"})
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "b.txt"]
    assert os.access(target, os.W_OK)
