"""Run many stress scenarios: serially, in a process pool, or on a Dask cluster.

A sweep is a list of :class:`SweepTask` (close these elements; apply this
perturbation in Monte Carlo run ``i``; fail ``k`` random elements) and a
:class:`ContextSpec` saying how to build the :class:`StressContext` they run
on. Every task is a pure function of the task and the spec, seeds included
(a Monte Carlo run draws with ``(seed, run)``, never with a worker's state),
so every backend gives identical results; :func:`run_sweep` returns them in
task order whatever order they finished in.

Backends
    ``serial``: in this process. ``process``: a ``ProcessPoolExecutor``
    whose initializer builds the context once per worker (load the network
    from the cache, build edge tables, engines and baseline routes); tasks
    travel in chunks. ``dask``: Dask distributed (the ``[cluster]`` extra),
    on a ``LocalCluster`` of ``workers`` processes or, given ``address``,
    on an existing scheduler; each worker process builds the context on its
    first task and keeps it.

Why Dask rather than Ray: Dask distributed is pure Python and installs from
PyPI with small dependencies (no large platform-specific wheels, no object
store or head-node service to run), its futures API mirrors
``concurrent.futures`` so that the same chunked code drives both backends,
and it deploys on closed networks the way planners' IT runs things (a
scheduler and workers started by SSH, a batch queue through dask-jobqueue,
or Kubernetes). The stress tasks are small independent Python calls with
small results: Ray's actors and shared-memory object store buy nothing here.

The tasks and the context spec are in :mod:`mobility.stress._sweep_tasks`,
the resumable results file in :mod:`mobility.stress._sweep_results`; both
are importable from here.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from mobility.errors import DataError
from mobility.stress._sweep_results import RESULTS_TOOL, ResultsFile
from mobility.stress._sweep_tasks import (
    ContextSpec,
    SweepOptions,
    SweepTask,
    draw_random,
    element_task,
    evaluate_task,
    sweep_kwargs,
)
from mobility.stress.impact import StressContext

__all__ = [
    "BACKENDS",
    "RESULTS_TOOL",
    "ContextSpec",
    "ResultsFile",
    "SweepOptions",
    "SweepProgress",
    "SweepTask",
    "draw_random",
    "element_task",
    "evaluate_task",
    "run_sweep",
    "sweep_kwargs",
    "watch_parent",
]

logger = logging.getLogger(__name__)

BACKENDS = ("serial", "process", "dask")
SweepProgress = Callable[[int, int], None]


# --- workers ------------------------------------------------------------------------------

#: Contexts built in this process, by spec fingerprint.
_CONTEXTS: dict[str, StressContext] = {}


def _context(spec: ContextSpec) -> StressContext:
    key = spec.fingerprint()
    if key not in _CONTEXTS:
        _CONTEXTS[key] = spec.build()
    return _CONTEXTS[key]


def watch_parent(parent_pid: int, interval_s: float = 0.5) -> None:
    """Make this worker process exit when its parent dies (even by SIGKILL).

    A killed parent cannot shut its pool down, and spawned workers would live
    on, holding memory and CPU. A daemon thread checks the parent's pid and
    exits the process once it changes (the worker was re-parented).
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, name="mobility-parent-watch", daemon=True).start()


def _init_worker(spec: ContextSpec, parent_pid: int | None = None) -> None:
    """Process-pool initializer: die with the parent; build the context once per worker."""
    # Ctrl-C reaches the whole process group: the parent handles it and ends the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_pid is not None:
        watch_parent(parent_pid)
    _context(spec)


def _run_chunk(spec: ContextSpec, tasks: list[SweepTask]) -> list[dict[str, Any]]:
    context = _context(spec)
    return [evaluate_task(context, task) for task in tasks]


# --- runner -------------------------------------------------------------------------------


def _chunks(tasks: Sequence[SweepTask], size: int) -> Iterator[list[SweepTask]]:
    for start in range(0, len(tasks), size):
        yield list(tasks[start : start + size])


def run_sweep(
    tasks: Sequence[SweepTask],
    spec: ContextSpec | None = None,
    *,
    backend: str = "process",
    workers: int = 2,
    results: str | os.PathLike[str] | None = None,
    progress: SweepProgress | None = None,
    context: StressContext | None = None,
    chunk_size: int | None = None,
    address: str | None = None,
) -> list[dict[str, Any]]:
    """Run every task and return the results in task order.

    Parameters
    ----------
    tasks
        The sweep (ids must be unique).
    spec
        How workers build their context (default: the embedded atlas).
    backend
        ``serial``, ``process`` or ``dask``.
    workers
        Worker processes (``process``, and ``dask`` without ``address``).
    results
        Append-only results file; tasks already in it are not run again.
    progress
        Called as ``progress(done, total)`` after every finished task.
    context
        Context for the ``serial`` backend (built from ``spec`` if not given;
        it must have been built from ``spec``).
    chunk_size
        Tasks per message to a worker (default: about 8 chunks per worker,
        at most 50 tasks).
    address
        Dask scheduler to connect to instead of starting a local cluster.

    Raises
    ------
    DataError
        On duplicate task ids, an unknown backend, or a results file of
        another sweep.
    """
    spec = spec or ContextSpec()
    _check_sweep(tasks, backend, workers)
    store = ResultsFile(results, spec.fingerprint()) if results is not None else None
    done = _resume(store, tasks) if store is not None else {}
    todo = [t for t in tasks if t.id not in done]
    total = len(tasks)
    if progress is not None:
        progress(len(done), total)
    logger.info("sweep: %d tasks, %d already done, backend %s", total, len(done), backend)

    def finished(task: SweepTask, result: dict[str, Any]) -> None:
        done[task.id] = result
        if store is not None:
            store.append(task, result)
        if progress is not None:
            progress(len(done), total)

    size = chunk_size or max(1, min(50, len(todo) // (8 * workers) or 1))
    try:
        if backend == "serial" or not todo:
            local = context or _context(spec)
            for task in todo:
                finished(task, evaluate_task(local, task))
        elif backend == "process":
            _run_process(spec, todo, workers, size, finished)
        else:
            _run_dask(spec, todo, workers, size, finished, address)
    finally:
        if store is not None:
            store.close()
    return [done[t.id] for t in tasks]


def _check_sweep(tasks: Sequence[SweepTask], backend: str, workers: int) -> None:
    """Refuse an unknown backend, no workers, or a task id used twice."""
    if backend not in BACKENDS:
        raise DataError(f"sweep backend {backend!r} is not one of {', '.join(BACKENDS)}")
    if workers < 1:
        raise DataError(f"sweep workers must be >= 1, got {workers}")
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise DataError(f"sweep task id {duplicate!r} appears twice")


def _resume(store: ResultsFile, tasks: Sequence[SweepTask]) -> dict[str, dict[str, Any]]:
    """Return the results of ``tasks`` already in ``store`` and open it for appending.

    Raises
    ------
    DataError
        If the file holds a different task under one of the ids, or is not
        this sweep's results file.
    """
    done: dict[str, dict[str, Any]] = {}
    fingerprints = {t.id: t.fingerprint() for t in tasks}
    for task_id, (fingerprint, result) in store.load().items():
        if task_id in fingerprints and fingerprints[task_id] != fingerprint:
            raise DataError(
                f"results file {str(store.path)!r} holds a different task {task_id!r}; "
                "use another file for a changed sweep"
            )
        if task_id in fingerprints:
            done[task_id] = result
    store.open()
    return done


def _run_process(
    spec: ContextSpec,
    todo: list[SweepTask],
    workers: int,
    size: int,
    finished: Callable[[SweepTask, dict[str, Any]], None],
) -> None:
    # spawn: workers never inherit the parent's threads or open files.
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(spec, os.getpid()),
    )
    try:
        with _workers_ignore_ctrl_c():  # the workers start at the first submissions
            pending: dict[Future[list[dict[str, Any]]], list[SweepTask]] = {
                executor.submit(_run_chunk, spec, chunk): chunk for chunk in _chunks(todo, size)
            }
        while pending:
            ready, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in ready:
                chunk = pending.pop(future)
                for task, result in zip(chunk, future.result(), strict=True):
                    finished(task, result)
    except KeyboardInterrupt:
        # Stop the workers now, not after their chunks (the results file keeps what is done).
        processes = list(getattr(executor, "_processes", {}).values())
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Ignore SIGINT while workers are started: they inherit it from the start.

    Their initializer ignores it too, but a Ctrl-C while a worker is still
    importing would print its traceback.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_dask(
    spec: ContextSpec,
    todo: list[SweepTask],
    workers: int,
    size: int,
    finished: Callable[[SweepTask, dict[str, Any]], None],
    address: str | None,
) -> None:
    try:
        # Imported by name: the [cluster] extra is optional and untyped.
        distributed: Any = importlib.import_module("distributed")
    except ImportError:  # pragma: no cover - depends on the environment
        raise DataError(
            "the dask backend needs Dask distributed: pip install 'mobility[cluster]'"
        ) from None
    cluster = None
    if address is None:
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    client = distributed.Client(address or cluster)
    try:
        chunks = list(_chunks(todo, size))
        futures = [client.submit(_run_chunk, spec, chunk, pure=False) for chunk in chunks]
        owner = {future.key: chunk for future, chunk in zip(futures, chunks, strict=True)}
        for future in distributed.as_completed(futures):
            chunk = owner[future.key]
            for task, result in zip(chunk, future.result(), strict=True):
                finished(task, result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
