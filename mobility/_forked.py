"""Compute files in a forked child process while this process goes on.

Writing a plan draws its map and charts (pure Python, a third of the
writing time) and checks its files; the two do not depend on each other,
so on a machine with two cores the map is drawn in a child made with
``fork`` (it shares the plan and network in memory, nothing is pickled)
while this process writes and checks the rest. The child hands back its
files as bytes through a pipe, framed (a name and a length before each),
never as a pickle. Whatever goes wrong in the child (an error, a signal,
a short read), :meth:`Forked.result` computes the files again here, so
the caller gets the same files, or the same exception, as without a child.
Where ``fork`` is missing or unsafe (not Linux), or only one core is
usable, :func:`start_forked` runs nothing early and :meth:`Forked.result`
computes in this process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import struct
import sys
import warnings
from collections.abc import Callable, Iterator

__all__ = ["Forked", "start_forked"]

logger = logging.getLogger(__name__)

Files = dict[str, bytes]

#: Frame header: the name's length in bytes and the content's length in bytes.
_HEADER = struct.Struct("<IQ")
#: Written after the last file: the child got to the end.
_END = _HEADER.pack(0, 0)
#: Seconds without a byte from the child after which it is taken for hung,
#: stopped, and its files computed here (a safeguard; the map of the
#: country-size network takes under a minute).
SILENT_CHILD_S = 900.0


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether :func:`start_forked` runs its function in a child here."""
    return sys.platform == "linux" and hasattr(os, "fork") and _usable_cores() >= 2


class Forked:
    """Files computed by a child process, or here when there is none.

    Parameters
    ----------
    compute
        Returns the files; run in the child, and here again if the child fails.
    pid, reader
        The child and the read end of its pipe (``None``: no child).
    """

    def __init__(self, compute: Callable[[], Files], pid: int | None, reader: int | None) -> None:
        self._compute = compute
        self._pid = pid
        self._reader = reader

    def result(self) -> Files:
        """Return the child's files once it is done (computed here if it failed or is absent)."""
        files = self._collect()
        if files is None:
            return self._compute()
        return files

    def cancel(self) -> None:
        """Stop the child, if it still runs, and forget it (idempotent)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None

    def _collect(self) -> Files | None:
        if self._pid is None or self._reader is None:
            return None
        try:
            data = _read_until_end(self._reader, SILENT_CHILD_S)
            if data is None:
                logger.warning("the child drawing the files gave nothing for %g s", SILENT_CHILD_S)
                return None
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
        finally:
            self.cancel()
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            logger.info("the child that drew the files ended with status %d; drawn here", status)
            return None
        return _unframe(data)


def _read_until_end(reader: int, silent_s: float) -> bytes | None:
    """Read ``reader`` to its end; ``None`` if nothing comes for ``silent_s`` seconds."""
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([reader], [], [], silent_s)
        if not ready:
            return None
        chunk = os.read(reader, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def start_forked(compute: Callable[[], Files]) -> Forked:
    """Start computing ``compute()`` in a forked child (see the module notes).

    The caller must call :meth:`Forked.result` or :meth:`Forked.cancel`
    (e.g. in a ``try``/``finally``) so that no child outlives it. Ctrl-C is
    held back while the child is made: it stops this process (here, or in
    the caller) and the child alike, which also ends when this process does.
    """
    if not can_fork():
        return Forked(compute, None, None)
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    reader, writer = os.pipe()
    parent = os.getpid()
    with warnings.catch_warnings():
        # Python 3.12+ warns that a multi-threaded process forks: the child
        # only runs ``compute`` (pure Python) and ends with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns
        _child(compute, reader, writer, parent, held)
    os.close(writer)
    forked = Forked(compute, pid, reader)
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held Ctrl-C is raised here
    except BaseException:
        forked.cancel()
        raise
    return forked


def _child(
    compute: Callable[[], Files], reader: int, writer: int, parent: int, held: set[int]
) -> None:
    """Run ``compute`` and write its files to ``writer``; then end the process."""
    code = 1
    try:
        os.close(reader)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        _end_with_parent()
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        if os.getppid() == parent:
            files = compute()
            with os.fdopen(writer, "wb") as stream:
                for chunk in _frame(files):
                    stream.write(chunk)
            code = 0
    except BaseException:  # the parent computes again and meets the same error
        code = 1
    finally:
        os._exit(code)


def _end_with_parent() -> None:
    """Have the kernel kill this process when its parent ends (Linux ``PR_SET_PDEATHSIG``)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1


def _frame(files: Files) -> Iterator[bytes]:
    """Yield ``files`` framed: per file a header, its name and content; then the end mark."""
    for name, content in files.items():
        encoded = name.encode("utf-8")
        yield _HEADER.pack(len(encoded), len(content))
        yield encoded
        yield content
    yield _END


def _unframe(data: bytes) -> Files | None:
    """Return the files framed in ``data``; ``None`` if it is cut short or malformed."""
    files: Files = {}
    at = 0
    while at + _HEADER.size <= len(data):
        name_size, size = _HEADER.unpack_from(data, at)
        at += _HEADER.size
        if name_size == 0:
            return files if size == 0 and at == len(data) else None
        end = at + name_size + size
        if end > len(data):
            return None
        files[data[at : at + name_size].decode("utf-8")] = data[at + name_size : end]
        at = end
    return None
