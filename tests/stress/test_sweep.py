from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

from mobility.errors import DataError
from mobility.stress.impact import StressContext
from mobility.stress.montecarlo import monte_carlo_tasks, resilience_tasks
from mobility.stress.perturbation import load_perturbation
from mobility.stress.sweep import ContextSpec, SweepTask, element_task, run_sweep
from tests.stress.conftest import EXAMPLES

SPEC = ContextSpec(vehicles=("man-hx2-6x6", "leopard-2a7"))


@pytest.fixture(autouse=True)
def worker_cache(isolated_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Spawned workers read settings from the environment: keep them off the user's cache.
    monkeypatch.setenv("MOBILITY_CACHE_DIR", str(isolated_cache))


@pytest.fixture(scope="module")
def context() -> StressContext:
    return SPEC.build()


def sweep_tasks(context: StressContext) -> list[SweepTask]:
    elements = context.elements()
    random = load_perturbation(EXAMPLES / "perturbations" / "random-failures.yaml")
    return (
        [element_task(e) for e in elements[::12]]
        + monte_carlo_tasks(random, 3)
        + resilience_tasks([2, 5], 2, seed=4, mode="road")
        + [
            SweepTask(
                "moerdijk",
                perturbation=load_perturbation(
                    EXAMPLES / "perturbations" / "moerdijk-bridges.yaml"
                ),
            )
        ]
    )


def test_process_pool_gives_the_serial_results(context: StressContext) -> None:
    tasks = sweep_tasks(context)
    serial = run_sweep(tasks, SPEC, backend="serial", context=context)
    assert [r["id"] for r in serial] == [t.id for t in tasks]
    assert len({json.dumps(r["closed"]) for r in serial}) > 5  # the tasks differ
    seen: list[tuple[int, int]] = []
    pooled = run_sweep(
        tasks,
        SPEC,
        backend="process",
        workers=2,
        chunk_size=3,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert pooled == serial
    assert seen[0] == (0, len(tasks)) and seen[-1] == (len(tasks), len(tasks))


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="the [cluster] extra (Dask distributed) is not installed",
)
def test_dask_local_cluster_gives_the_serial_results(context: StressContext) -> None:
    tasks = sweep_tasks(context)[:8]
    serial = run_sweep(tasks, SPEC, backend="serial", context=context)
    assert run_sweep(tasks, SPEC, backend="dask", workers=2, chunk_size=2) == serial


class InterruptError(Exception):
    pass


@pytest.mark.parametrize("backend", ["serial", "process"])
def test_interrupted_sweep_resumes_without_losing_or_repeating(
    context: StressContext, tmp_path: Path, backend: str
) -> None:
    tasks = sweep_tasks(context)
    expected = run_sweep(tasks, SPEC, backend="serial", context=context)
    path = tmp_path / "results.jsonl"

    def stop_after_five(done: int, total: int) -> None:
        if done >= 5:
            raise InterruptError

    with pytest.raises(InterruptError):
        run_sweep(
            tasks,
            SPEC,
            backend=backend,
            context=context,
            results=path,
            progress=stop_after_five,
            chunk_size=2,
        )
    written = [json.loads(line) for line in path.read_text().splitlines()]
    assert written[0]["type"] == "header" and 5 <= len(written) - 1 < len(tasks)
    with path.open("a") as handle:  # a line cut short by a kill
        handle.write('{"type": "result", "id": "k002-r0000", "task"')
    ran: list[int] = []
    resumed = run_sweep(
        tasks,
        SPEC,
        backend=backend,
        context=context,
        results=path,
        progress=lambda d, t: ran.append(d),
    )
    assert resumed == expected
    assert ran[0] == len(written) - 1  # resumed from what was on disk
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    ids = [r["id"] for r in lines if r["type"] == "result"]
    assert sorted(ids) == sorted(t.id for t in tasks)  # every task once
    again = run_sweep(tasks, SPEC, backend=backend, context=context, results=path)
    assert again == expected and path.read_text().count("\n") == len(lines)


def test_results_file_of_another_sweep_is_refused(context: StressContext, tmp_path: Path) -> None:
    tasks = sweep_tasks(context)[:2]
    path = tmp_path / "r.jsonl"
    run_sweep(tasks, SPEC, backend="serial", context=context, results=path)
    with pytest.raises(DataError, match="belongs to another sweep"):
        run_sweep(tasks, ContextSpec(vehicles=("boxer-apc",)), backend="serial", results=path)
    changed = [SweepTask(tasks[0].id, elements=tasks[1].elements), tasks[1]]
    with pytest.raises(DataError, match="holds a different task"):
        run_sweep(changed, SPEC, backend="serial", context=context, results=path)


def test_bad_sweeps(context: StressContext) -> None:
    task = element_task(context.elements()[0])
    with pytest.raises(DataError, match="appears twice"):
        run_sweep([task, task], SPEC, backend="serial", context=context)
    with pytest.raises(DataError, match="backend 'spark'"):
        run_sweep([task], SPEC, backend="spark")
    with pytest.raises(DataError, match="no element road element 999999"):
        run_sweep(
            [SweepTask("x", elements=(("road", 999999),))], SPEC, backend="serial", context=context
        )


def result_ids(results: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in results]


WORKER_SCRIPT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from mobility.stress.sweep import watch_parent
if __name__ == "__main__":
    pool = ProcessPoolExecutor(
        2, mp_context=multiprocessing.get_context("spawn"),
        initializer=watch_parent, initargs=(os.getpid(), 0.1),
    )
    futures = [pool.submit(time.sleep, 120) for _ in range(2)]
    while len(pool._processes) < 2:
        time.sleep(0.05)
    time.sleep(1.0)
    print(" ".join(str(pid) for pid in pool._processes), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """Issue 19: after a SIGKILL of the parent, its pool workers lived on."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "pool.py"
    script.write_text(WORKER_SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=env)
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30  # generous: a loaded 2-core machine schedules late
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
