"""The command line's progress display: what :mod:`mobility._progress` announces, on stderr.

On a terminal, a transient status line per active step with its elapsed
time (rich). Elsewhere (a pipe, a log file) nothing, unless ``--progress``
asks for plain lines: one when a step starts, one when it ends, and in
between at most one per :data:`LINE_INTERVAL_S` per step. ``--quiet`` shows
nothing.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import Progress, TaskID, TextColumn, TimeElapsedColumn

from mobility import _progress

__all__ = ["LINE_INTERVAL_S", "LineDisplay", "LiveDisplay", "add_options", "show_progress"]

#: Least seconds between two "how far" lines of one step (``--progress`` off a terminal).
LINE_INTERVAL_S = 2.0


def add_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """Add ``--progress`` and ``--quiet`` (on a subcommand too, without resetting the top's)."""
    group = parser.add_mutually_exclusive_group()
    default: Any = False if top else argparse.SUPPRESS
    group.add_argument(
        "--progress",
        action="store_true",
        default=default,
        help="show the progress of long steps on stderr even when it is not a terminal",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="show no progress"
    )


class LineDisplay:
    """Plain progress lines, throttled (``--progress`` off a terminal).

    Parameters
    ----------
    console
        Where the lines go (stderr).
    interval_s
        Least seconds between two "how far" lines of one step.
    clock
        Seconds, monotonic (a parameter for tests).
    """

    def __init__(
        self,
        console: Console,
        interval_s: float = LINE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.interval_s = interval_s
        self.clock = clock
        self._started: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def _write(self, text: str) -> None:
        with self._lock:
            self.console.print(f"progress: {text}", markup=False, highlight=False)

    def started(self, name: str) -> None:
        now = self.clock()
        self._started[name] = self._last[name] = now
        self._write(f"{name} ...")

    def advanced(self, name: str, detail: str) -> None:
        now = self.clock()
        if now - self._last.get(name, -float("inf")) < self.interval_s:
            return
        self._last[name] = now
        elapsed = now - self._started.get(name, now)
        self._write(f"{name}: {detail} ({elapsed:.0f} s)")

    def finished(self, name: str, seconds: float, ok: bool) -> None:
        self._started.pop(name, None)
        self._last.pop(name, None)
        if ok:
            self._write(f"{name}: done in {seconds:.1f} s")

    def close(self) -> None:
        """Nothing to clear."""


class LiveDisplay:
    """A transient line per active step with its elapsed time (on a terminal)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
        )
        self._tasks: dict[str, TaskID] = {}
        self._progress.start()

    def started(self, name: str) -> None:
        self._tasks[name] = self._progress.add_task(name, total=None)

    def advanced(self, name: str, detail: str) -> None:
        if name in self._tasks:
            self._progress.update(self._tasks[name], description=f"{name}: {detail}")

    def finished(self, name: str, seconds: float, ok: bool) -> None:
        task = self._tasks.pop(name, None)
        if task is not None:
            self._progress.remove_task(task)

    def close(self) -> None:
        """Clear the display."""
        self._progress.stop()


def show_progress(args: argparse.Namespace, console: Console) -> Callable[[], None]:
    """Install the display the options and the terminal call for; return what removes it.

    Parameters
    ----------
    args
        Parsed arguments (``progress``, ``quiet``).
    console
        The stderr console.
    """
    display: LineDisplay | LiveDisplay
    if getattr(args, "quiet", False):
        return lambda: None
    if console.is_terminal:
        display = LiveDisplay(console)
    elif getattr(args, "progress", False):
        display = LineDisplay(console)
    else:
        return lambda: None
    _progress.add_observer(display)

    def close() -> None:
        _progress.remove_observer(display)
        display.close()

    return close
