"""Entry point of the ``mobility`` command (and of ``python -m mobility``).

Ctrl-C may come at any moment, also in the first second, while the heavy
libraries are still being imported. This module imports none of them before
it can catch the interrupt: whatever step it stops, the command prints one
line and exits with status 130 (128 + SIGINT), never a traceback. A second
Ctrl-C during the clean-up is ignored, so that the clean-up (removing a
staging folder, releasing a lock) completes.
"""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False  # without importing typing (see mobility/__init__.py)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType

#: Exit status of an interrupted command (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130
#: The one line an interrupted command prints on stderr.
MESSAGE = "interrupted: nothing half-written was left"


#: The process whose Ctrl-C :func:`_interrupt` turns into ``KeyboardInterrupt``.
_MAIN_PID = os.getpid()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT handler: raise ``KeyboardInterrupt`` once; ignore further Ctrl-C.

    A child forked by the command (:mod:`mobility._forked`) that inherits a
    Ctrl-C not yet handled ends at once, silently: the command reports it.
    """
    if os.getpid() != _MAIN_PID:
        os._exit(INTERRUPTED)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mobility`` command; return its exit status (130 if interrupted)."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
    try:
        from mobility.cli import main as run

        return run(argv)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sys.stderr.write(MESSAGE + "\n")
        return INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
