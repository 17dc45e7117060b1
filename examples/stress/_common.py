"""Shared by the stress examples: run one perturbation file against a scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

import mobility
from mobility.model.scenario import load_scenario
from mobility.stress import (
    StressContext,
    load_perturbation,
    stress_report,
    stress_test,
    write_report,
)

EXAMPLES = Path(__file__).resolve().parent.parent


def run(perturbation_file: str, scenario_file: str = "armoured-brigade.yaml") -> None:
    """Replan ``scenario_file`` under ``perturbation_file`` and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", type=Path, default=EXAMPLES / "scenarios" / scenario_file)
    parser.add_argument(
        "--out", type=Path, default=Path("out") / "stress" / Path(perturbation_file).stem
    )
    args = parser.parse_args()
    network = mobility.load_network()
    perturbation = load_perturbation(EXAMPLES / "perturbations" / perturbation_file)
    result = stress_test(
        load_scenario(args.scenario), network, perturbation, context=StressContext(network)
    )
    print(f"== {perturbation.name}: {perturbation.description}")
    for item in result.impact.throughput:
        cut = "; ".join(c.name for c in item.cut)
        before, after = item.baseline_vehicles_per_day, item.vehicles_per_day
        print(f"{item.key:>28}: {before:>6,} -> {after:>6,} veh/day  (cut: {cut})")
    for change in result.impact.routes:
        if change.stranded or change.extra_time_s > 1:
            after = "stranded" if change.stranded else f"+{change.extra_time_s / 60:.0f} min"
            pair = f"{change.origin} -> {change.destination}"
            print(f"  {change.mode} {change.vehicle}: {pair}: {after}")
    for row in result.kpis():
        judged = f" ({row['verdict']})" if row["verdict"] else ""
        print(f"  plan {row['kpi']}: {row['baseline']} -> {row['replanned']}{judged}")
    print(f"report: {write_report(stress_report(result, network), args.out)}")
