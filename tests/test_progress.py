"""Announced steps (mobility._progress) and their display on stderr (mobility._cli_progress)."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from rich.console import Console

from mobility import _progress
from mobility._cli_progress import LineDisplay, LiveDisplay, show_progress
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


def test_lines_are_throttled_per_step() -> None:
    stream = io.StringIO()
    now = [100.0]
    display = LineDisplay(Console(file=stream, width=200), interval_s=2.0, clock=lambda: now[0])
    display.started("solving")
    for t, detail in [(100.5, "a"), (102.1, "b"), (103.0, "c"), (104.2, "d")]:
        now[0] = t
        display.advanced("solving", detail)
    display.finished("solving", 4.3, True)
    display.started("writing")
    display.finished("writing", 0.1, False)
    assert stream.getvalue().splitlines() == [
        "progress: solving ...",
        "progress: solving: b (2 s)",
        "progress: solving: d (4 s)",
        "progress: solving: done in 4.3 s",
        "progress: writing ...",
    ]


@pytest.mark.parametrize(
    ("terminal", "progress", "quiet", "expected"),
    [
        (False, False, False, None),  # a pipe or a log: nothing unless asked
        (False, True, False, LineDisplay),
        (True, False, False, LiveDisplay),
        (True, True, False, LiveDisplay),
        (True, False, True, None),
        (False, False, True, None),
    ],
)
def test_the_display_follows_the_terminal_and_the_options(
    terminal: bool, progress: bool, quiet: bool, expected: type | None
) -> None:
    console = Console(file=io.StringIO(), force_terminal=terminal)
    close = show_progress(argparse.Namespace(progress=progress, quiet=quiet), console)
    try:
        shown = list(_progress._observers)
        assert [type(o) for o in shown] == ([expected] if expected else [])
    finally:
        close()
    assert _progress._observers == []


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
