"""Monte Carlo resilience: metrics against the number of random failures, with spread.

Draws k = 0, 1, 2, 4, 8, 16 failed elements (weighted by the failure
probabilities of examples/perturbations/random-failures.yaml) 30 times each,
and runs 200 Monte Carlo draws of those independent failure probabilities.
Seeded: the same figures on every run and every backend.
Run as-is: ``python examples/stress/monte_carlo_resilience.py``.
"""

from __future__ import annotations

from pathlib import Path

import mobility
from mobility.stress import (
    StressContext,
    criticality_report,
    load_perturbation,
    monte_carlo,
    resilience_curve,
    write_report,
)

EXAMPLES = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    network = mobility.load_network()
    context = StressContext(network)
    failures = load_perturbation(EXAMPLES / "perturbations" / "random-failures.yaml")
    curve = resilience_curve(context, [0, 1, 2, 4, 8, 16], 30, seed=7, weights=failures)
    print(" k  road share (p10-p90)   rail share (p10-p90)   pairs stranded")
    for p in curve:
        road, rail, stranded = p["road_share"], p["rail_share"], p["stranded_share"]
        print(
            f"{p['failures']:>2}  {road['mean']:.2f} ({road['p10']:.2f}-{road['p90']:.2f})       "
            f"{rail['mean']:.2f} ({rail['p10']:.2f}-{rail['p90']:.2f})       {stranded['mean']:.1%}"
        )
    summary = monte_carlo(context, failures, 200)
    print(f"Monte Carlo: {summary.runs} runs, {summary.failures:.1f} failures a run on average")
    for name, s in summary.metrics.items():
        print(f"  {name}: mean {s['mean']:.3f}, p10 {s['p10']:.3f}, p90 {s['p90']:.3f}")
    print(
        "elements failing most often in the worst runs: "
        + ", ".join(n for n, _ in summary.most_failed_in_worst[:5])
    )
    report = criticality_report(
        [],
        by="stranded",
        baseline=context.baseline,
        curve=curve,
        monte_carlo=summary,
        title="Corridor resilience (Monte Carlo)",
    )
    print(f"report: {write_report(report, Path('out') / 'stress' / 'resilience')}")
