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

Results file
    With ``results=PATH`` every finished task is appended to a JSON-lines
    file at once (flushed and fsynced per line). The first line records the
    spec's fingerprint; each result line carries its task's id and
    fingerprint and a checksum bound to the spec. A sweep started again on
    the same file skips the tasks already there, so an interrupted sweep
    resumes without losing or repeating work; a line cut short by the
    interruption is dropped. A file without the header (a user's notes), a
    file written for another spec, a record edited or merged from another
    sweep, or a different task under the same id is refused and never
    changed. A lock keeps two sweeps from appending to one file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from mobility import _json as strict_json
from mobility.errors import DataError
from mobility.network.build import BuildOptions
from mobility.network.load import load_network
from mobility.stress.apply import close_elements, failure_probabilities
from mobility.stress.capacity import CapacityModel
from mobility.stress.impact import DEFAULT_VEHICLES, Element, StressContext
from mobility.stress.perturbation import Perturbation

logger = logging.getLogger(__name__)

BACKENDS = ("serial", "process", "dask")
#: ``tool`` of a results file's header line.
RESULTS_TOOL = "mobility-sweep-results/2"
SweepProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class ContextSpec:
    """How a worker builds its :class:`StressContext` (picklable).

    Attributes
    ----------
    source
        Network input (``None``: the embedded atlas).
    corridors, corridor_file, options
        Network loading options (as :func:`mobility.load_network`).
    focus
        Corridors to measure (see :class:`StressContext`).
    vehicles
        Vehicle classes measured on the road.
    capacity
        Capacity assumptions.
    """

    source: str | None = None
    corridors: tuple[str, ...] | None = None
    corridor_file: str | None = None
    options: BuildOptions | None = None
    focus: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = DEFAULT_VEHICLES
    capacity: CapacityModel = field(default_factory=CapacityModel)

    def build(self) -> StressContext:
        """Load the network and build the context."""
        network = load_network(
            self.source,
            corridors=self.corridors,
            corridor_file=self.corridor_file,
            options=self.options,
        )
        return StressContext(
            network, vehicles=self.vehicles, capacity=self.capacity, corridors=self.focus
        )

    def fingerprint(self) -> str:
        """Digest of everything that changes results."""
        return _digest(asdict(self))


@dataclass(frozen=True)
class SweepTask:
    """One stress scenario of a sweep.

    Attributes
    ----------
    id
        Unique within the sweep.
    elements
        ``(mode, element id)`` of elements to close (kind ``elements``; see
        :class:`~mobility.stress.impact.Element`).
    perturbation
        A perturbation to apply (kind ``perturbation``), in Monte Carlo run ``run``.
    random_k
        Number of elements to fail at random (kind ``random``), drawn with
        ``(seed, random_k, run)``, weighted by ``perturbation``'s failure
        probabilities when it has any, else uniformly; ``mode`` limits the draw.
    seed, run, mode
        See above.
    """

    id: str
    elements: tuple[tuple[str, int], ...] = ()
    perturbation: Perturbation | None = None
    random_k: int | None = None
    seed: int = 0
    run: int = 0
    mode: str | None = None

    @property
    def kind(self) -> str:
        """``elements``, ``perturbation`` or ``random``."""
        if self.random_k is not None:
            return "random"
        return "perturbation" if self.perturbation is not None else "elements"

    def fingerprint(self) -> str:
        """Digest of the task's definition."""
        return _digest(
            {
                "id": self.id,
                "elements": [list(e) for e in self.elements],
                "perturbation": None if self.perturbation is None else self.perturbation.to_dict(),
                "random_k": self.random_k,
                "seed": self.seed,
                "run": self.run,
                "mode": self.mode,
            }
        )


@dataclass(frozen=True)
class SweepOptions:
    """Where a sweep runs (see :func:`run_sweep`).

    Attributes
    ----------
    backend
        ``serial``, ``process`` or ``dask``.
    workers
        Worker processes.
    spec
        How workers build their context (it must describe the caller's context).
    address
        Dask scheduler address (default: a local cluster).
    """

    backend: str = "serial"
    workers: int = 2
    spec: ContextSpec | None = None
    address: str | None = None


def sweep_kwargs(sweep: SweepOptions | None) -> dict[str, Any]:
    """Keyword arguments of :func:`run_sweep` for ``sweep`` (serial by default)."""
    sweep = sweep or SweepOptions()
    return {
        "spec": sweep.spec,
        "backend": sweep.backend,
        "workers": sweep.workers,
        "address": sweep.address,
    }


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def element_task(element: Element) -> SweepTask:
    """Return the task closing one element."""
    return SweepTask(id=f"{element.mode}:{element.id}", elements=((element.mode, element.id),))


def draw_random(context: StressContext, task: SweepTask) -> list[Element]:
    """Return the elements a ``random`` task fails (deterministic in the task)."""
    elements = context.elements(task.mode)
    k = min(int(task.random_k or 0), len(elements))
    rng = np.random.default_rng([task.seed, int(task.random_k or 0), task.run])
    weights = None
    if task.perturbation is not None and task.perturbation.random_failures is not None:
        every = context.elements()
        probability = failure_probabilities(context, task.perturbation)
        by_key = {(e.mode, e.id): p for e, p in zip(every, probability.tolist(), strict=True)}
        raw = np.array([by_key[(e.mode, e.id)] for e in elements], dtype=np.float64)
        if raw.sum() > 0 and np.count_nonzero(raw) >= k:
            weights = raw / raw.sum()
    chosen = rng.choice(len(elements), size=k, replace=False, p=weights)
    return [elements[i] for i in sorted(chosen.tolist())]


def evaluate_task(context: StressContext, task: SweepTask) -> dict[str, Any]:
    """Run one task on ``context``; a JSON-able result with the task's id and kind."""
    if task.kind == "perturbation":
        assert task.perturbation is not None
        impact = context.evaluate(task.perturbation, run=task.run)
        failed: list[str] = []
    else:
        if task.kind == "random":
            chosen = draw_random(context, task)
        else:
            index = {(e.mode, e.id): e for e in context.elements()}
            missing = [
                f"{mode} element {number}"
                for mode, number in task.elements
                if (mode, number) not in index
            ]
            if missing:
                raise DataError(f"task {task.id!r}: no element {', '.join(missing)} in the network")
            chosen = [index[key] for key in task.elements]
        impact = context.measure(close_elements(context, chosen), task.id)
        failed = [f"{e.mode}:{e.id}" for e in chosen]
    return {
        "id": task.id,
        "kind": task.kind,
        "run": task.run,
        "random_k": task.random_k,
        "failed": failed,
        **impact.to_dict(),
    }


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


# --- results file -------------------------------------------------------------------------


class ResultsFile:
    """Append-only JSON-lines results of a sweep (see the module notes).

    Parameters
    ----------
    path
        The file (created with its folder when missing).
    spec_fingerprint
        Fingerprint of the sweep's :class:`ContextSpec`.
    """

    def __init__(self, path: str | os.PathLike[str], spec_fingerprint: str) -> None:
        self.path = Path(path)
        self.spec_fingerprint = spec_fingerprint
        self._handle: IO[str] | None = None

    def _sum(self, record: dict[str, Any]) -> str:
        """Checksum of a result line, bound to this sweep's spec: edits and merges show."""
        body = {k: v for k, v in record.items() if k != "sum"}
        text = json.dumps([self.spec_fingerprint, body], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _refuse(self, number: int, what: str) -> DataError:
        return DataError(
            f"results file {str(self.path)!r} line {number}: {what}; it is not this sweep's "
            "untouched results file, so it was not used or changed: use another file"
        )

    def load(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Results already in the file: task id to (task fingerprint, result).

        Raises
        ------
        DataError
            If the file is not a results file of this sweep: no header on its
            first line, another sweep's header, a line that is not JSON, or a
            result edited or merged from elsewhere (its checksum fails).
        """
        if not self.path.exists():
            return {}
        if not self.path.is_file():
            raise DataError(f"results file {str(self.path)!r} is not a file")
        try:
            text = self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(f"results file {str(self.path)!r} is not UTF-8 text") from None
        if not text:
            return {}
        lines = text.split("\n")
        complete = lines[:-1]  # the part after the last newline is cut short, or empty
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for number, line in enumerate(complete, start=1):
            record = self._record(number, line)
            if number == 1:
                if record.get("type") != "header" or record.get("tool") != RESULTS_TOOL:
                    raise self._refuse(1, "no mobility results header")
                if record.get("spec") != self.spec_fingerprint:
                    raise DataError(
                        f"results file {str(self.path)!r} belongs to another sweep (network, "
                        "corridors, vehicles or capacity assumptions differ); use another file"
                    )
                continue
            if record.get("type") != "result" or record.get("sum") != self._sum(record):
                raise self._refuse(number, "a record edited, or merged from another file")
            task_id = str(record.get("id"))
            if task_id in found:
                raise self._refuse(number, f"task {task_id!r} a second time")
            found[task_id] = (str(record["task"]), record["result"])
        if not complete:  # one line without a newline: a header cut short, or a user's file
            raise self._refuse(1, "no complete mobility results header")
        return found

    def _record(self, number: int, line: str) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            raise self._refuse(number, "not a JSON record") from None
        if not isinstance(record, dict):
            raise self._refuse(number, "not a JSON object")
        return record

    def open(self) -> None:
        """Open for appending: drop a cut-short last line and write the header if new.

        Call :meth:`load` first: only a file it accepted is ever cut or appended to.

        Raises
        ------
        DataError
            If another sweep is writing the same file.
        """
        exists = self.path.exists() and self.path.stat().st_size > 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DataError(
                f"results file {str(self.path)!r} is being written by another sweep"
            ) from None
        self._handle = handle
        if exists:
            data = self.path.read_bytes()
            keep = data.rfind(b"\n") + 1
            if keep < len(data):
                logger.warning("results file %s: dropping a cut-short last line", self.path)
                os.truncate(self.path, keep)
        else:
            self._write({"type": "header", "tool": RESULTS_TOOL, "spec": self.spec_fingerprint})

    def append(self, task: SweepTask, result: dict[str, Any]) -> None:
        """Append one result and make it durable."""
        record = {"type": "result", "id": task.id, "task": task.fingerprint(), "result": result}
        record = strict_json.finite(record)  # standard JSON: what is read back is what was summed
        self._write({**record, "sum": self._sum(record)})

    def _write(self, record: dict[str, Any]) -> None:
        assert self._handle is not None
        line = strict_json.dumps(record, sort_keys=True, ensure_ascii=False)
        self._handle.write(line + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


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
    if backend not in BACKENDS:
        raise DataError(f"sweep backend {backend!r} is not one of {', '.join(BACKENDS)}")
    if workers < 1:
        raise DataError(f"sweep workers must be >= 1, got {workers}")
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise DataError(f"sweep task id {duplicate!r} appears twice")
    done: dict[str, dict[str, Any]] = {}
    store = ResultsFile(results, spec.fingerprint()) if results is not None else None
    if store is not None:
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
