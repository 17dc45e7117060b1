"""The command line's progress display (mobility._cli_progress): options, lines, live display."""

from __future__ import annotations

import argparse
import io

import pytest
from rich.console import Console

from mobility import _progress
from mobility._cli_progress import LineDisplay, LiveDisplay, add_options, show_progress


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="p")
    add_options(parser, top=True)
    sub = parser.add_subparsers(dest="command").add_parser("sub")
    add_options(sub)
    return parser


@pytest.mark.parametrize(
    ("argv", "progress", "quiet"),
    [
        (["sub"], False, False),
        (["--progress", "sub"], True, False),  # the subcommand does not reset the top's
        (["-q", "sub"], False, True),
        (["sub", "--progress"], True, False),
        (["sub", "--quiet"], False, True),
    ],
)
def test_the_options_work_before_and_after_the_command(
    argv: list[str], progress: bool, quiet: bool
) -> None:
    args = _parser().parse_args(argv)
    assert (args.progress, args.quiet) == (progress, quiet)


def test_progress_and_quiet_are_a_usage_error_together(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        _parser().parse_args(["sub", "--progress", "-q"])
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


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


def test_the_live_display_shows_one_line_per_active_step() -> None:
    display = LiveDisplay(Console(file=io.StringIO(), force_terminal=True))
    try:
        display.started("solving")
        display.started("writing")
        display.advanced("solving", "1/2")
        display.advanced("unknown", "ignored")
        assert [t.description for t in display._progress.tasks] == ["solving: 1/2", "writing"]
        display.finished("solving", 1.0, True)
        display.finished("solving", 1.0, True)  # twice: no error
        assert [t.description for t in display._progress.tasks] == ["writing"]
    finally:
        display.close()
    assert not display._progress.live.is_started


def test_steps_reach_the_installed_display_until_it_is_closed() -> None:
    stream = io.StringIO()
    console = Console(file=stream, width=200)
    close = show_progress(argparse.Namespace(progress=True, quiet=False), console)
    with _progress.step("loading"):
        pass
    close()
    with _progress.step("after"):
        pass
    lines = stream.getvalue().splitlines()
    assert lines[0] == "progress: loading ..."
    assert lines[1].startswith("progress: loading: done in ") and len(lines) == 2
