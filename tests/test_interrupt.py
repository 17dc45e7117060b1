"""Long calls into C++ stop at Ctrl-C (mobility._interrupt), CP-SAT included."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mobility._interrupt import call_interruptibly

ROOT = Path(__file__).resolve().parents[1]


def test_the_value_and_the_errors_come_back() -> None:
    assert call_interruptibly(lambda: 6 * 7) == 42
    with pytest.raises(ZeroDivisionError):
        call_interruptibly(lambda: 1 / 0)


def test_off_the_main_thread_it_is_a_plain_call() -> None:
    seen: list[str] = []
    thread = threading.Thread(
        target=lambda: seen.append(call_interruptibly(lambda: threading.current_thread().name))
    )
    thread.start()
    thread.join()
    assert seen == [thread.name]


#: A CP-SAT search that runs for its whole time limit (60 s), with the project's settings.
SEARCH = """
import os, signal, threading, time
from functools import partial
from ortools.sat.python import cp_model
from mobility._interrupt import call_interruptibly
from mobility.schedule.cpsat import _solver
from mobility.schedule.options import SolverOptions

def model():
    m = cp_model.CpModel()
    x = [m.new_int_var(0, 10_000, f"x{i}") for i in range(80)]
    m.add_all_different(x)
    for i in range(79):
        m.add(x[i] + x[i + 1] <= 10_000 - i)
    m.maximize(sum((i % 7 + 1) * v for i, v in enumerate(x)))
    return m

def search(limit_s):
    solver = _solver(SolverOptions(time_limit_s=limit_s, workers=1), limit_s)
    return call_interruptibly(partial(solver.solve, model()), stop=solver.stop_search)

threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
started = time.monotonic()
try:
    search(60)
    print("finished without interruption", flush=True)
except KeyboardInterrupt:
    print(f"interrupted after {time.monotonic() - started:.1f} s", flush=True)
search(0.2)  # after a search, Ctrl-C must still reach Python (CP-SAT used to reset it)
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(2)
    print("no KeyboardInterrupt", flush=True)
except KeyboardInterrupt:
    print("still interruptible", flush=True)
"""


def test_ctrl_c_stops_a_cp_sat_search_at_once() -> None:
    completed = subprocess.run(
        [sys.executable, "-c", SEARCH],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    lines = completed.stdout.split("\n")
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert lines[0].startswith("interrupted after "), completed.stdout
    assert float(lines[0].split()[2]) < 5
    assert lines[1] == "still interruptible"
