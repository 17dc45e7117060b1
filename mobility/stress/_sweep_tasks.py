"""What a sweep runs: its tasks, how workers build their context, one task's result.

A :class:`SweepTask` closes these elements, applies this perturbation in
Monte Carlo run ``i``, or fails ``k`` random elements; a
:class:`ContextSpec` says how a worker builds the :class:`StressContext`
the tasks run on. :func:`evaluate_task` is a pure function of the task and
the context, seeds included (a Monte Carlo run draws with ``(seed, run)``,
never with a worker's state), so every backend of
:func:`mobility.stress.sweep.run_sweep` gives identical results.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mobility.errors import DataError
from mobility.network.build import BuildOptions
from mobility.network.load import load_network
from mobility.stress._apply import close_elements, failure_probabilities
from mobility.stress.capacity import CapacityModel
from mobility.stress.impact import DEFAULT_VEHICLES, Element, StressContext
from mobility.stress.perturbation import Perturbation


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


def _element(context: StressContext, mode: str, number: int) -> Element | None:
    """Element ``number`` of ``mode`` (its position in the mode's list), or None.

    A lookup, not a dict of every element per task: a country-size corridor
    has some 20,000 elements and as many tasks (#13).
    """
    data = context.modes.get(mode)
    if data is None or not 0 <= number < len(data.elements):
        return None
    element = data.elements[number]
    return element if element.id == number else None


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
            found = [_element(context, mode, number) for mode, number in task.elements]
            missing = [
                f"{mode} element {number}"
                for (mode, number), element in zip(task.elements, found, strict=True)
                if element is None
            ]
            if missing:
                raise DataError(f"task {task.id!r}: no element {', '.join(missing)} in the network")
            chosen = [element for element in found if element is not None]
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
