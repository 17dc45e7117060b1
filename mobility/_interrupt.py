"""Ctrl-C during long calls into C++: stop them and raise ``KeyboardInterrupt`` at once.

Python runs its SIGINT handler in the main thread only, between bytecodes: a
long call into C++ (a CP-SAT search, a HiGHS LP) would hold Ctrl-C back
until it returns, for as long as its time limit. :func:`call_interruptibly`
runs such a call in a helper thread (both libraries release the GIL) while
the main thread waits in Python, where Ctrl-C raises at once; ``stop`` (for
CP-SAT, ``stop_search``) ends the call. CP-SAT's own SIGINT handler is turned
off (``catch_sigint_signal``): it would end the search as if its time limit
had come, so an interrupted plan would pass for a finished one, and it
leaves SIGINT at its default action (the next Ctrl-C kills the process
without any clean-up).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["call_interruptibly"]

T = TypeVar("T")

#: Seconds a stopped call may take to return before it is abandoned.
STOP_WAIT_S = 5.0


def call_interruptibly(function: Callable[[], T], *, stop: Callable[[], None] | None = None) -> T:
    """Return ``function()``, letting Ctrl-C interrupt it at once.

    Parameters
    ----------
    function
        A long call that releases the GIL (run in a helper thread; in the
        caller's thread when that is not the main thread, which receives no
        signals anyway).
    stop
        Ends the call early (thread-safe); called on Ctrl-C. Without it, an
        interrupted call is abandoned and finishes in the background.

    Raises
    ------
    KeyboardInterrupt
        On Ctrl-C, after ``stop``; what ``function`` raised, otherwise.
    """
    if threading.current_thread() is not threading.main_thread():
        return function()
    outcome: list[tuple[bool, object]] = []

    def target() -> None:
        try:
            outcome.append((True, function()))
        except BaseException as error:  # handed to the waiting thread
            outcome.append((False, error))

    thread = threading.Thread(target=target, name="mobility-long-call", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.1)
    except KeyboardInterrupt:
        if stop is not None:
            stop()
            thread.join(STOP_WAIT_S)
        raise
    ok, value = outcome[0]
    if not ok:
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[return-value]
