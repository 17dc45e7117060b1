"""Solver settings (a light module: no solver is imported to build them)."""

from __future__ import annotations

from dataclasses import dataclass

from mobility.errors import ScenarioError
from mobility.model import _fields


@dataclass(frozen=True)
class SolverOptions:
    """Solver settings, validated on construction.

    Attributes
    ----------
    time_limit_s
        Search limit (> 0). In deterministic mode it is a budget of work,
        never of wall time: CP-SAT's deterministic time (about a second of
        wall time per unit on an idle 2-core machine); the LP relaxation
        has an iteration budget from the model's size
        (:func:`~mobility.schedule.cpsat.lp_iterations`), not from the
        limit; a loaded machine takes longer and gives the same plan. Otherwise
        wall-clock seconds, of which the LP may take ``LP_SHARE``.
    workers
        CP-SAT workers (non-deterministic mode), at least 1.
    seed
        Random seed (>= 0).
    deterministic
        Reproducible search (see :mod:`mobility.schedule.cpsat`).

    Raises
    ------
    ScenarioError
        On a limit that is not a finite number > 0, fewer than one worker, a
        negative seed or a non-boolean ``deterministic``.
    """

    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = True

    def __post_init__(self) -> None:
        _fields.number(
            self.time_limit_s, "solver options time_limit_s", positive=True, error=ScenarioError
        )
        _fields.whole(self.workers, "solver options workers", minimum=1, error=ScenarioError)
        _fields.whole(self.seed, "solver options seed", minimum=0, error=ScenarioError)
        if not isinstance(self.deterministic, bool):
            raise ScenarioError(
                f"solver options deterministic: expected True or False, got {self.deterministic!r}"
            )


__all__ = ["SolverOptions"]
