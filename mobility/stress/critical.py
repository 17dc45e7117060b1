"""Which elements matter most: remove each in turn, measure the loss, rank.

Single-element failure analysis, as in the single-link redundancy analysis
of flood-risk network tools (e.g. Deltares' ra2ce): every element (one OSM
way, both directions: a bridge, a tunnel, a road or rail section) is closed
on its own and the corridors are measured again
(:meth:`~mobility.stress.impact.StressContext.measure`). The loss is

- origin-destination pairs (per vehicle class) left without any route;
- corridor throughput lost (vehicles a day), road plus rail;
- travel time added over all pairs that still have a route.

The ranking sorts by these in the order chosen (``by``), the most critical
first; ties keep the element order (mode, way id), so the ranking is
reproducible. The closures run as a sweep (:mod:`mobility.stress.sweep`),
in a process pool or on a cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from mobility.errors import DataError
from mobility.stress.impact import Element, StressContext
from mobility.stress.sweep import (
    SweepOptions,
    SweepProgress,
    SweepTask,
    element_task,
    run_sweep,
    sweep_kwargs,
)

RANKINGS = {
    "stranded": ("stranded", "throughput_loss", "extra_time_h"),
    "throughput": ("throughput_loss", "stranded", "extra_time_h"),
    "time": ("extra_time_h", "stranded", "throughput_loss"),
}


@dataclass(frozen=True)
class CriticalElement:
    """One element's loss when it alone fails.

    Attributes
    ----------
    rank
        1 for the most critical.
    element
        The element.
    stranded
        Pairs (per vehicle class) left without a route.
    throughput_loss
        Vehicles a day lost, road plus rail.
    road_loss, rail_loss
        Vehicles a day lost per mode.
    extra_time_h
        Hours added over all pairs that keep a route.
    max_extra_time_h
        Largest time added to one pair.
    """

    rank: int
    element: Element
    stranded: int
    throughput_loss: int
    road_loss: int
    rail_loss: int
    extra_time_h: float
    max_extra_time_h: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "rank": self.rank,
            "element": self.element.describe(),
            "mode": self.element.mode,
            "kind": self.element.kind,
            "key": self.element.text,
            "stranded": self.stranded,
            "throughput_loss_veh_per_day": self.throughput_loss,
            "road_loss_veh_per_day": self.road_loss,
            "rail_loss_veh_per_day": self.rail_loss,
            "extra_time_h": self.extra_time_h,
            "max_extra_time_h": self.max_extra_time_h,
        }


def criticality_tasks(elements: Sequence[Element]) -> list[SweepTask]:
    """One closing task per element."""
    return [element_task(e) for e in elements]


def rank_elements(
    elements: Sequence[Element], results: Sequence[dict[str, Any]], by: str = "stranded"
) -> list[CriticalElement]:
    """Rank elements by the results of their closing tasks (same order).

    Raises
    ------
    DataError
        If ``by`` is unknown or the lists do not match.
    """
    if by not in RANKINGS:
        raise DataError(f"criticality ranking {by!r} is not one of {', '.join(RANKINGS)}")
    if len(elements) != len(results):
        raise DataError(f"{len(elements)} elements but {len(results)} results")
    rows = []
    for element, result in zip(elements, results, strict=True):
        losses = result["throughput_loss_veh_per_day"]
        road, rail = int(losses.get("road", 0)), int(losses.get("rail", 0))
        rows.append(
            CriticalElement(
                rank=0,
                element=element,
                stranded=int(result["stranded"]),
                throughput_loss=road + rail,
                road_loss=road,
                rail_loss=rail,
                extra_time_h=float(result["extra_time_h_total"]),
                max_extra_time_h=float(result["extra_time_h_max"]),
            )
        )
    order = RANKINGS[by]
    # sorted() is stable: ties keep the element order.
    rows.sort(key=lambda r: tuple(-float(getattr(r, name)) for name in order))
    return [replace(row, rank=i + 1) for i, row in enumerate(rows)]


def criticality(
    context: StressContext,
    *,
    mode: str | None = None,
    by: str = "stranded",
    top_k: int | None = None,
    sweep: SweepOptions | None = None,
    results: str | None = None,
    progress: SweepProgress | None = None,
) -> list[CriticalElement]:
    """Close every element in turn and rank them, the most critical first.

    Parameters
    ----------
    context
        The context (its elements are the candidates; ``serial`` runs on it).
    mode
        ``road`` or ``rail`` only (default both).
    by
        ``stranded``, ``throughput`` or ``time``: the first sort key.
    top_k
        Return only the first ``top_k``.
    sweep
        Where to run (default: serially on ``context``).
    results, progress
        As :func:`~mobility.stress.sweep.run_sweep`.
    """
    if by not in RANKINGS:
        raise DataError(f"criticality ranking {by!r} is not one of {', '.join(RANKINGS)}")
    elements = context.elements(mode)
    found = run_sweep(
        criticality_tasks(elements),
        **sweep_kwargs(sweep),
        results=results,
        progress=progress,
        context=context,
    )
    ranked = rank_elements(elements, found, by)
    return ranked[:top_k] if top_k is not None else ranked
