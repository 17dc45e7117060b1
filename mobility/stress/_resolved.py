"""A perturbation resolved to masks over a stress context's edge tables.

:func:`mobility.stress._apply.resolve` builds a :class:`Resolved` from a
perturbation, :func:`mobility.stress._apply.close_elements` from a list of
elements; :meth:`mobility.stress.impact.StressContext.measure` measures it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray


@dataclass
class Resolved:
    """A perturbation as masks over the context's edge tables.

    Attributes
    ----------
    removed
        Per mode, edges out of use while the perturbation is in force.
    removed_always
        Per mode, edges out of use for the whole horizon (removed from the
        network copy for replanning).
    factor
        Per mode, the share of every edge's capacity left.
    source_factor, sink_factor
        Share of a port's (or terminal's) gate, or a crossing's capacity, left.
    lost_places
        Place id to the reason it serves no route (a lost port, a closed crossing).
    closed
        Descriptions of the elements out of use.
    notes
        Remarks for the report.
    """

    removed: dict[str, NDArray[np.bool_]]
    removed_always: dict[str, NDArray[np.bool_]]
    factor: dict[str, NDArray[np.float64]]
    source_factor: dict[str, float] = field(default_factory=dict)
    sink_factor: dict[str, float] = field(default_factory=dict)
    lost_places: dict[str, str] = field(default_factory=dict)
    closed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def nothing(cls, n_edges: Mapping[str, int]) -> Resolved:
        """Return masks that change nothing, for ``n_edges`` edges per mode."""
        return cls(
            removed={m: np.zeros(n, dtype=bool) for m, n in n_edges.items()},
            removed_always={m: np.zeros(n, dtype=bool) for m, n in n_edges.items()},
            factor={m: np.ones(n, dtype=np.float64) for m, n in n_edges.items()},
        )

    def close(self, mode: str, edges: NDArray[np.int64]) -> None:
        """Take ``edges`` of ``mode`` out of use for the whole horizon."""
        self.removed[mode][edges] = True
        self.removed_always[mode][edges] = True

    def place_reason(self, origin: str, destination: str) -> str:
        """Why a pair has no route because of its places (empty if none)."""
        return self.lost_places.get(origin) or self.lost_places.get(destination) or ""
