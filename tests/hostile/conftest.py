"""Shared helpers of the hostile-input catalogue (issue 19).

Every case feeds one hostile input or fault to one input or output path and
asserts the same contract: a clear error naming the input (exit status 2 for
the command line), no Python traceback, nothing left behind and no user file
touched. Command-line cases that could exhaust the machine run in a
subprocess under ``resource`` limits (address space, CPU time) and a
wall-clock timeout; cheap cases run in-process through ``mobility.cli.main``.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mobility import settings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
#: Address-space limit of a subprocess case: far below what the bombs reached (5-22 GB).
MEMORY_LIMIT_BYTES = 4 << 30
CPU_LIMIT_S = 60


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the whole catalogue: the atlas is built once."""
    return tmp_path_factory.mktemp("hostile-cache")


@pytest.fixture(autouse=True)
def isolated_cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Override of the suite's per-test cache: share one across the catalogue."""
    monkeypatch.setattr(settings, "cache_dir", shared_cache)
    yield shared_cache


@pytest.fixture(autouse=True)
def time_bound() -> Iterator[None]:
    """Fail an in-process case that runs longer than 60 s instead of hanging the suite."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError("hostile case ran longer than 60 s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    """What a command did: exit status and its two streams."""

    code: int
    out: str
    err: str

    def assert_clear_error(self, *fragments: str) -> None:
        """Exit 2, ``error:`` on stderr with every fragment, and no traceback."""
        assert "Traceback" not in self.err + self.out, self.err[-2000:]
        assert self.code == 2, (self.code, self.err[-2000:])
        assert "error:" in self.err, self.err[-2000:]
        for fragment in fragments:
            assert fragment in self.err, (fragment, self.err[-2000:])


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))


@pytest.fixture
def run_cli(shared_cache: Path, tmp_path: Path) -> Callable[..., Outcome]:
    """Run ``python -m mobility ARGS`` (the entry point) in ``tmp_path`` under limits."""

    def run(*args: str, env: dict[str, str] | None = None, timeout_s: float = 90) -> Outcome:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "MOBILITY_CACHE_DIR": str(shared_cache),
            "COLUMNS": "200",
            **(env or {}),
        }
        completed = subprocess.run(
            [sys.executable, "-m", "mobility", *args],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            preexec_fn=_limits,
            check=False,
        )
        return Outcome(completed.returncode, completed.stdout, completed.stderr)

    return run


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Callable[..., Outcome]:
    """Run ``mobility.cli.main(ARGS)`` in-process, in ``tmp_path``."""
    from mobility.cli import main

    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Outcome:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (hidden ones included) with a content hash."""
    state: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            state[key] = "link:" + os.readlink(path)
        elif path.is_dir():
            state[key] = "dir"
        else:
            state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def user_folder(parent: Path, name: str = "thesis") -> Path:
    """A user's folder that no tool may delete: a text file and a photo folder."""
    folder = parent / name
    (folder / "photos").mkdir(parents=True)
    (folder / "thesis.txt").write_text("four years of work\n")
    (folder / "photos" / "a.jpg").write_bytes(b"\xff\xd8\xff jpeg")
    return folder
