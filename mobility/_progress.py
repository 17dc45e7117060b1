"""Progress of long steps: the library announces them, whoever runs it may show them.

Library code never prints (see the design notes). It announces each long
step with :func:`step` (loading the network, routing the alternatives,
solving, writing, sweeps) and how far it got with :func:`advance`; an
observer installed with :func:`observe` or :func:`add_observer` (the command line's progress
display) is told. Without an observer an announcement costs a few
function calls.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Protocol

__all__ = ["Observer", "add_observer", "advance", "observe", "remove_observer", "step"]


class Observer(Protocol):
    """What is told of the steps (calls may come from a helper thread)."""

    def started(self, name: str) -> None:
        """Take note that step ``name`` began."""

    def advanced(self, name: str, detail: str) -> None:
        """Take note that step ``name`` got as far as ``detail`` (a short text)."""

    def finished(self, name: str, seconds: float, ok: bool) -> None:
        """Take note that step ``name`` ended after ``seconds`` (``ok``: not by an error)."""


_observers: list[Observer] = []
_active: list[str] = []
_lock = threading.Lock()


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    """Announce a long step for the duration of the block.

    Parameters
    ----------
    name
        What the step does, e.g. ``"solving (CP-SAT)"``.
    """
    observers = list(_observers)
    if not observers:
        yield
        return
    started = time.perf_counter()
    with _lock:
        _active.append(name)
    for observer in observers:
        observer.started(name)
    ok = False
    try:
        yield
        ok = True
    finally:
        with _lock:
            _active.remove(name)
        for observer in observers:
            observer.finished(name, time.perf_counter() - started, ok)


def advance(detail: str) -> None:
    """Say how far the innermost active step got (no-op outside any step).

    Parameters
    ----------
    detail
        A short text, e.g. ``"12/40 elements"``.
    """
    if not _observers:
        return
    with _lock:
        if not _active:
            return
        name = _active[-1]
    for observer in list(_observers):
        observer.advanced(name, detail)


def add_observer(observer: Observer) -> None:
    """Tell ``observer`` of every step announced from now on."""
    _observers.append(observer)


def remove_observer(observer: Observer) -> None:
    """Stop telling ``observer`` (no-op if it was not added)."""
    if observer in _observers:
        _observers.remove(observer)


@contextlib.contextmanager
def observe(observer: Observer) -> Iterator[None]:
    """Tell ``observer`` of every step announced while the block runs."""
    add_observer(observer)
    try:
        yield
    finally:
        remove_observer(observer)
