"""Betuweroute cut: rail throughput and re-routing of military trains on the rail graph.

Rail scheduling is not built yet, so this measures the rail graph directly:
the maximum flow of military trains (vehicles a day) from the port rail
terminals to the rail border crossings, with its bottleneck, and the
fastest train route of every terminal-crossing pair before and after.
Run as-is: ``python examples/stress/rail_cut.py``.
"""

from __future__ import annotations

from pathlib import Path

import mobility
from mobility.stress import StressContext, impact_report, load_perturbation, write_report

EXAMPLES = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    context = StressContext(mobility.load_network())
    perturbation = load_perturbation(EXAMPLES / "perturbations" / "betuweroute-cut.yaml")
    impact = context.evaluate(perturbation)
    rail = impact.flow("rail")
    print(
        f"rail throughput: {rail.baseline_vehicles_per_day:,} -> {rail.vehicles_per_day:,} veh/day"
    )
    print("baseline bottleneck: " + "; ".join(c.name for c in context.baseline.flow("rail").cut))
    print("bottleneck now:      " + "; ".join(c.name for c in rail.cut))
    for change in impact.routes:
        if change.mode != "rail" or change.base_time_s is None:
            continue
        if change.stranded:
            state = "no rail route left"
        else:
            km = (change.length_m or 0) / 1000
            extra_km, extra_min = change.extra_length_m / 1000, change.extra_time_s / 60
            state = f"{km:.0f} km (+{extra_km:.0f} km, +{extra_min:.0f} min)"
        print(f"  {change.origin} -> {change.destination}: {state}")
    print(
        f"report: {write_report(impact_report(impact), Path('out') / 'stress' / 'betuweroute-cut')}"
    )
