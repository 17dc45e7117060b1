"""Files computed in a forked child: the same files or the same error as without one."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility import _forked
from mobility._forked import _frame, _unframe, start_forked

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the child is forked on Linux only")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even on a machine with one usable core."""
    monkeypatch.setattr(_forked, "can_fork", lambda: True)


def _pid_files() -> dict[str, bytes]:
    return {"pid": str(os.getpid()).encode(), "empty": b"", "große": bytes(range(256)) * 300}


@linux_only
def test_the_files_are_computed_in_another_process(forking: None) -> None:
    files = start_forked(_pid_files).result()
    assert int(files["pid"]) != os.getpid()
    assert files["empty"] == b"" and files["große"] == bytes(range(256)) * 300


@linux_only
def test_a_failing_child_is_computed_again_here(forking: None) -> None:
    parent = os.getpid()

    def fails_in_the_child() -> dict[str, bytes]:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return {"here": b"1"}

    assert start_forked(fails_in_the_child).result() == {"here": b"1"}


@linux_only
def test_an_error_reaches_the_caller_as_without_a_child(forking: None) -> None:
    def fails() -> dict[str, bytes]:
        raise ValueError("bad outlines")

    with pytest.raises(ValueError, match="bad outlines"):
        start_forked(fails).result()


@linux_only
def test_a_killed_child_is_computed_again_here(forking: None) -> None:
    parent = os.getpid()

    def killed_in_the_child() -> dict[str, bytes]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return {"here": b"2"}

    assert start_forked(killed_in_the_child).result() == {"here": b"2"}


@linux_only
def test_cancel_stops_the_child_and_leaves_no_zombie(forking: None) -> None:
    def slow() -> dict[str, bytes]:
        time.sleep(60)
        return {}

    forked = start_forked(slow)
    pid = forked._pid
    assert pid is not None
    started = time.perf_counter()
    forked.cancel()
    forked.cancel()  # idempotent
    assert time.perf_counter() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_without_fork_the_files_are_computed_on_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_forked, "can_fork", lambda: False)
    calls: list[int] = []

    def compute() -> dict[str, bytes]:
        calls.append(os.getpid())
        return {"a": b"x"}

    forked = start_forked(compute)
    assert calls == []
    assert forked.result() == {"a": b"x"} and calls == [os.getpid()]


names = st.text(min_size=1, max_size=20)


@given(st.dictionaries(names, st.binary(max_size=300), max_size=6))
def test_framing_round_trips(files: dict[str, bytes]) -> None:
    assert _unframe(b"".join(_frame(files))) == files


@given(st.dictionaries(names, st.binary(max_size=50), max_size=4), st.data())
def test_cut_framing_is_refused(files: dict[str, bytes], data: st.DataObject) -> None:
    framed = b"".join(_frame(files))
    cut = data.draw(st.integers(min_value=0, max_value=len(framed) - 1))
    assert _unframe(framed[:cut]) is None
    assert _unframe(framed + b"x") is None


@linux_only
def test_a_child_that_inherits_a_ctrl_c_ends_silently_with_130() -> None:
    from mobility.__main__ import INTERRUPTED, _interrupt

    pid = os.fork()
    if pid == 0:
        try:
            _interrupt(signal.SIGINT, None)
        finally:
            os._exit(1)  # only if the handler returned or raised
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == INTERRUPTED


@linux_only
def test_a_hung_child_is_stopped_and_computed_again_here(
    forking: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_forked, "SILENT_CHILD_S", 0.5)
    parent = os.getpid()

    def hangs_in_the_child() -> dict[str, bytes]:
        if os.getpid() != parent:
            time.sleep(60)
        return {"here": b"3"}

    forked = start_forked(hangs_in_the_child)
    pid = forked._pid
    assert pid is not None
    started = time.perf_counter()
    assert forked.result() == {"here": b"3"}
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
