"""The optimised plan against the one-pass baselines, as ratios for the summary.

Each baseline of :data:`~mobility.schedule.greedy.BASELINES` is reported
with its own KPIs and the optimiser's civilian delay and objective over the
baseline's (below 1: the optimiser does better), so a reader sees how much
the optimiser adds to what a planner could do by hand or with a cost table.
The strongest baseline (:func:`~mobility.schedule.greedy.best_baseline`) is
marked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mobility.schedule.greedy import BASELINE_LABELS, BASELINES


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator`` rounded to 4 places; ``None`` when either is unknown or 0."""
    if numerator is None or denominator is None or not denominator:
        return None
    return round(numerator / denominator, 4)


def baseline_rows(
    plan_kpis: Mapping[str, Any], found: Mapping[str, Mapping[str, Any]], strongest: str
) -> list[dict[str, Any]]:
    """Return the ``baselines`` entry of ``summary.json``.

    Parameters
    ----------
    plan_kpis
        The optimised plan's KPIs (the ``kpis`` entry).
    found
        Each baseline's KPIs, by key of :data:`~mobility.schedule.greedy.BASELINES`.
    strongest
        Key of the strongest baseline.

    Returns
    -------
    list of dict
        In the order of :data:`~mobility.schedule.greedy.BASELINES`: ``key``,
        ``label``, ``strongest``, ``delay_ratio`` (optimiser / baseline civilian
        delay), ``objective_ratio`` and the baseline's ``kpis``.
    """
    return [
        {
            "key": key,
            "label": BASELINE_LABELS[key],
            "strongest": key == strongest,
            "delay_ratio": ratio(plan_kpis["civilian_delay_vh"], kpis["civilian_delay_vh"]),
            "objective_ratio": ratio(plan_kpis["objective"], kpis["objective"]),
            "kpis": dict(kpis),
        }
        for key in BASELINES
        if (kpis := found.get(key)) is not None
    ]


__all__ = ["baseline_rows", "ratio"]
