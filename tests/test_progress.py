"""Announced steps (mobility._progress) and the command line's display of them.

The displays themselves are tested in tests/test_cli_progress.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mobility import _progress
from mobility.cli import main

DATA = Path(__file__).parent / "data"
CORRIDORS = ["--corridor-file", str(DATA / "corridors-tiny.yaml"), "--corridor", "tiny"]


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def started(self, name: str) -> None:
        self.events.append(("started", name))

    def advanced(self, name: str, detail: str) -> None:
        self.events.append(("advanced", name, detail))

    def finished(self, name: str, seconds: float, ok: bool) -> None:
        assert seconds >= 0
        self.events.append(("finished", name, str(ok)))


def test_steps_reach_the_observer_innermost_first() -> None:
    recorder = Recorder()
    _progress.advance("outside any step")  # nobody listens: nothing happens
    with _progress.observe(recorder):
        _progress.advance("outside any step")
        with _progress.step("outer"):
            _progress.advance("1/2")
            with _progress.step("inner"):
                _progress.advance("half")
            _progress.advance("2/2")
    with _progress.step("after"):  # no longer observed
        _progress.advance("unseen")
    assert recorder.events == [
        ("started", "outer"),
        ("advanced", "outer", "1/2"),
        ("started", "inner"),
        ("advanced", "inner", "half"),
        ("finished", "inner", "True"),
        ("advanced", "outer", "2/2"),
        ("finished", "outer", "True"),
    ]


def test_a_failed_step_is_not_reported_done() -> None:
    recorder = Recorder()
    with (
        _progress.observe(recorder),
        pytest.raises(KeyboardInterrupt),
        _progress.step("solving"),
    ):
        raise KeyboardInterrupt
    assert recorder.events == [("started", "solving"), ("finished", "solving", "False")]


def _progress_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("progress: ")]


def test_a_plan_with_progress_shows_every_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: every long step shows progress (here on a pipe, asked for with --progress)."""
    out = tmp_path / "plan"
    scenario = str(DATA / "scenario-tiny.yaml")
    assert main(["plan", scenario, "--out", str(out), "--time-limit", "5", "--progress"]) == 0
    lines = _progress_lines(capsys.readouterr().err)
    for step in (
        "loading the network from the embedded atlas",
        "reading corridor-atlas.osm",
        "building the road and rail graphs",
        "planning tiny-south",
        "building the instance of tiny-south (routing the alternatives)",
        "one-pass baselines (FCFS, off-peak, cost-aware)",
        "solving 3 march units (LP and CP-SAT, limit 5 s)",
        f"writing {out} (map and charts)",
    ):
        assert f"progress: {step} ..." in lines, (step, lines)
        assert any(line.startswith(f"progress: {step}: done in ") for line in lines), step


@pytest.mark.parametrize(
    ("options", "shown"),
    [([], False), (["--progress"], True), (["--quiet"], False), (["-q"], False)],
)
def test_progress_only_when_asked_off_a_terminal(
    capsys: pytest.CaptureFixture[str], options: list[str], shown: bool
) -> None:
    args = ["network", "--osm", str(DATA / "tiny.osm"), "--no-cache", *CORRIDORS]
    for placed in ([*options, *args], [*args, *options]):  # before or after the command
        assert main(placed) == 0
        lines = _progress_lines(capsys.readouterr().err)
        assert bool(lines) == shown, (placed, lines)
        if shown:
            assert "progress: reading tiny.osm ..." in lines


def test_progress_and_quiet_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "--progress", "--quiet"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err
