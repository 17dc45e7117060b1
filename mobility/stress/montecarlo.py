"""Monte Carlo: random failures, their spread, and resilience curves.

Two questions, both answered with seeded draws that any backend repeats
exactly (a run draws with ``(seed, run)`` or ``(seed, k, run)``):

- :func:`monte_carlo`: with every element failing independently with its
  probability (a perturbation's ``random_failures``), how are throughput,
  stranded pairs and added time distributed, and which elements fail most
  often among the worst runs?
- :func:`resilience_curve`: with ``k`` elements failing at random
  (uniformly, or weighted by the failure probabilities), how do the metrics
  fall as ``k`` grows? Each point is the mean and spread (standard
  deviation, 10th, 50th and 90th percentiles, minimum and maximum) over the
  runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mobility.errors import DataError
from mobility.stress.impact import StressContext
from mobility.stress.perturbation import Perturbation
from mobility.stress.sweep import SweepOptions, SweepProgress, SweepTask, run_sweep, sweep_kwargs

#: Metrics of a run, read from its result: name to (what, unit).
METRICS = {
    "road_share": "road throughput (share of baseline)",
    "rail_share": "rail throughput (share of baseline)",
    "stranded_share": "pairs stranded (share of pairs)",
    "extra_time_h": "travel time added over all pairs (h)",
}


def run_metrics(result: dict[str, Any]) -> dict[str, float]:
    """Return the :data:`METRICS` of one result."""
    shares = result["throughput_share"]
    pairs = max(int(result["pairs"]), 1)
    return {
        "road_share": float(shares.get("road", 1.0)),
        "rail_share": float(shares.get("rail", 1.0)),
        "stranded_share": int(result["stranded"]) / pairs,
        "extra_time_h": float(result["extra_time_h_total"]),
    }


def spread(values: Sequence[float]) -> dict[str, float]:
    """Mean, standard deviation, min, 10th/50th/90th percentiles and max."""
    data = np.asarray(values, dtype=np.float64)
    if not len(data):
        return {k: float("nan") for k in ("mean", "std", "min", "p10", "p50", "p90", "max")}
    return {
        "mean": round(float(data.mean()), 6),
        "std": round(float(data.std()), 6),
        "min": round(float(data.min()), 6),
        "p10": round(float(np.percentile(data, 10)), 6),
        "p50": round(float(np.percentile(data, 50)), 6),
        "p90": round(float(np.percentile(data, 90)), 6),
        "max": round(float(data.max()), 6),
    }


@dataclass(frozen=True)
class MonteCarloSummary:
    """Distribution of the metrics over Monte Carlo runs.

    Attributes
    ----------
    runs
        Number of runs.
    metrics
        Metric name to its :func:`spread`.
    failures
        Mean number of failed elements per run.
    most_failed_in_worst
        Elements failing most often in the worst tenth of runs (by road
        throughput, then stranded pairs), with their counts.
    results
        The per-run results.
    """

    runs: int
    metrics: dict[str, dict[str, float]]
    failures: float
    most_failed_in_worst: list[tuple[str, int]]
    results: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (without the per-run results)."""
        return {
            "runs": self.runs,
            "metrics": self.metrics,
            "mean_failures": self.failures,
            "most_failed_in_worst": [list(x) for x in self.most_failed_in_worst],
        }


def monte_carlo_tasks(perturbation: Perturbation, runs: int) -> list[SweepTask]:
    """One task per run of ``perturbation`` (which must have random failures)."""
    if perturbation.random_failures is None:
        raise DataError(f"perturbation {perturbation.name!r} has no random_failures to draw")
    if runs < 1:
        raise DataError(f"Monte Carlo runs must be >= 1, got {runs}")
    return [
        SweepTask(id=f"mc-{run:05d}", perturbation=perturbation, run=run) for run in range(runs)
    ]


def summarise_monte_carlo(results: Sequence[dict[str, Any]]) -> MonteCarloSummary:
    """Spread of the metrics and the elements behind the worst runs."""
    metrics = [run_metrics(r) for r in results]
    summary = {name: spread([m[name] for m in metrics]) for name in METRICS}
    failures = [len([c for c in r["closed"] if "random failure" in c]) for r in results]
    order = sorted(
        range(len(results)),
        key=lambda i: (
            metrics[i]["road_share"] + metrics[i]["rail_share"],
            -metrics[i]["stranded_share"],
            i,
        ),
    )
    worst = order[: max(1, len(order) // 10)] if order else []
    counts: dict[str, int] = {}
    for i in worst:
        for text in results[i]["closed"]:
            if "random failure" in text:
                counts[text.split(" [")[0]] = counts.get(text.split(" [")[0], 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return MonteCarloSummary(
        runs=len(results),
        metrics=summary,
        failures=float(np.mean(failures)) if failures else 0.0,
        most_failed_in_worst=ranked,
        results=list(results),
    )


def monte_carlo(
    context: StressContext,
    perturbation: Perturbation,
    runs: int,
    *,
    sweep: SweepOptions | None = None,
    results: str | None = None,
    progress: SweepProgress | None = None,
) -> MonteCarloSummary:
    """Run ``runs`` Monte Carlo draws of ``perturbation``'s random failures."""
    found = run_sweep(
        monte_carlo_tasks(perturbation, runs),
        **sweep_kwargs(sweep),
        results=results,
        progress=progress,
        context=context,
    )
    return summarise_monte_carlo(found)


def resilience_tasks(
    failures: Sequence[int],
    runs: int,
    seed: int = 0,
    *,
    mode: str | None = None,
    weights: Perturbation | None = None,
) -> list[SweepTask]:
    """Tasks of a resilience curve: ``runs`` draws of ``k`` failures for each ``k``."""
    if runs < 1 or any(k < 0 for k in failures):
        raise DataError("resilience curve: runs must be >= 1 and failure counts >= 0")
    return [
        SweepTask(
            id=f"k{k:03d}-r{run:04d}",
            random_k=k,
            seed=seed,
            run=run,
            mode=mode,
            perturbation=weights,
        )
        for k in failures
        for run in range(runs)
    ]


def curve_points(
    tasks: Sequence[SweepTask], results: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per number of failures, the spread of every metric over the runs."""
    by_k: dict[int, list[dict[str, float]]] = {}
    for task, result in zip(tasks, results, strict=True):
        by_k.setdefault(int(task.random_k or 0), []).append(run_metrics(result))
    return [
        {
            "failures": k,
            "runs": len(rows),
            **{name: spread([r[name] for r in rows]) for name in METRICS},
        }
        for k, rows in sorted(by_k.items())
    ]


def resilience_curve(
    context: StressContext,
    failures: Sequence[int],
    runs: int,
    *,
    seed: int = 0,
    mode: str | None = None,
    weights: Perturbation | None = None,
    sweep: SweepOptions | None = None,
    results: str | None = None,
    progress: SweepProgress | None = None,
) -> list[dict[str, Any]]:
    """Metrics against the number of random failures, with their spread over runs."""
    tasks = resilience_tasks(failures, runs, seed, mode=mode, weights=weights)
    found = run_sweep(
        tasks, **sweep_kwargs(sweep), results=results, progress=progress, context=context
    )
    return curve_points(tasks, found)
