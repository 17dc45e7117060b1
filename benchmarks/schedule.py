"""Scheduling: the CP-SAT optimiser against three one-pass baselines, on a busy machine.

Baselines, same run and instance (:data:`mobility.schedule.greedy.BASELINES`):
first come, first served (the way it is done by hand), the off-peak
("night") rule, and the cost-aware greedy. CP-SAT is hinted with the
strongest of them, as ``mobility plan`` does; in deterministic mode a second
run hinted with FCFS measures what the hint is worth. Every row reports wall
and CPU time (``resource.getrusage`` of this process, all threads).

Part 1, the armoured brigade (``examples/scenarios/armoured-brigade.yaml``):
CP-SAT with ``--brigade-limit`` in deterministic mode (the product's default:
CP-SAT deterministic time and LP iterations, one worker) and in
non-deterministic mode (``--workers`` workers, wall-clock limit). Target:
proven optimal in <= 10 s of CPU time.

Part 2, Defender surge (``examples/scenarios/defender-surge.yaml``): the same
with ``--defender-limit``; the deterministic plan is written to a temporary
folder and re-checked with ``validate_plan`` (must have no violation).
Targets: validated plan with a bound, gap <= 2 %, instance build plus solve
within 60 s of wall time, civilian delay <= 0.75x the cost-aware greedy's at
equal or better on-time share.

Part 3, scaling: the first N march units of the Defender instance, in request
order, for each N of ``--sizes`` (``--sizes ''`` skips it); resources stay the
full set. Per size: the baselines, then CP-SAT (deterministic, budget
``--scale-limit``, so that load does not change the figures) hinted with the
strongest.

``--parts`` picks the parts to run (default ``brigade,defender,scaling``;
scaling alone builds the Defender instance without solving it).

Load: ``--burners N`` keeps N busy-loop processes (``while True: pass``) running
for the whole benchmark, so the figures hold on a loaded machine.

Any validation violation makes the script exit non-zero.

Run: ``python -m benchmarks.schedule [--brigade-limit 10] [--defender-limit 40]
[--scale-limit 20] [--sizes 50,100,200,500,1000] [--workers 2] [--seed 0]
[--burners 2]``
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import mobility
from benchmarks._machine import machine, timed, write_json
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.cpsat import SolverOptions, solve
from mobility.schedule.greedy import BASELINE_LABELS, BASELINES, best_baseline
from mobility.schedule.instance import Instance, build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.plan_files import write_plan
from mobility.schedule.solution import Assignment, costs
from mobility.validation import validate_plan

RESULTS = Path(__file__).parent / "results"
SCENARIOS = Path(__file__).parent.parent / "examples" / "scenarios"
BRIGADE = SCENARIOS / "armoured-brigade.yaml"
DEFENDER = SCENARIOS / "defender-surge.yaml"
GAP_TARGET = 0.02
DELAY_RATIO_TARGET = 0.75
WALL_TARGET_S = 60.0
BRIGADE_CPU_TARGET_S = 10.0


def cpu_s() -> float:
    """CPU seconds this process has used so far (user + system, all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(function: Any) -> tuple[Any, float, float]:
    """Result of ``function()``, its wall seconds and its CPU seconds."""
    before = cpu_s()
    result, wall = timed(function)
    return result, wall, cpu_s() - before


def gap(objective: float, bound: float) -> float | None:
    """Relative gap (objective - bound) / objective; 0 for a zero objective."""
    if objective != objective or bound != bound:  # NaN
        return None
    if objective == 0:
        return 0.0
    return (objective - bound) / abs(objective)


def described(
    instance: Instance, assignment: Assignment, wall_s: float, cpu: float | None = None
) -> dict[str, Any]:
    """Status, objective, bound, gap, wall and CPU time and costs of an assignment."""
    cost = costs(instance, assignment.choices)
    return {
        "method": assignment.method,
        "status": assignment.status,
        "objective": assignment.objective,
        "bound": assignment.bound,
        "gap": gap(assignment.objective, assignment.bound),
        "wall_s": wall_s,
        "cpu_s": cpu,
        "solve_time_s": assignment.solve_time_s,
        "on_time_share": cost.on_time / cost.total if cost.total else None,
        "costs": asdict(cost),
    }


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, None when the denominator is 0."""
    return numerator / denominator if denominator else None


def compared(greedy: dict[str, Any], solver: dict[str, Any]) -> dict[str, Any]:
    """Civilian delay and on-time share of CP-SAT against the greedy."""
    delay = ratio(solver["costs"]["disruption_vh"], greedy["costs"]["disruption_vh"])
    return {
        "delay_cpsat_over_greedy": delay,
        "delay_reduction": None if delay is None else 1 - delay,
        "objective_cpsat_over_greedy": ratio(solver["objective"], greedy["objective"]),
        "on_time_share_change": solver["on_time_share"] - greedy["on_time_share"],
    }


def run_solver(
    instance: Instance,
    hint: Assignment,
    limit_s: float,
    deterministic: bool,
    args: Any,
    baselines: dict[str, dict[str, Any]],
) -> tuple[Assignment, dict[str, Any]]:
    """CP-SAT hinted with ``hint``; the assignment and its description with ratios.

    ``baselines``: each baseline's description, by key of ``BASELINES``.
    """
    options = SolverOptions(
        time_limit_s=limit_s, workers=args.workers, seed=args.seed, deterministic=deterministic
    )
    assignment, wall_s, cpu = measured(lambda: solve(instance, options, hint=hint))
    row = described(instance, assignment, wall_s, cpu)
    row["mode"] = "deterministic" if deterministic else "non-deterministic"
    row["limit_s"] = limit_s
    row["hint"] = hint.method
    row["versus"] = {key: compared(base, row) for key, base in baselines.items()}
    return assignment, row


def fmt(value: float | None, spec: str = ".1f") -> str:
    """Format a number or ``-`` for None."""
    return "-" if value is None else format(value, spec)


def print_row(label: str, row: dict[str, Any]) -> None:
    """Print one schedule's figures."""
    cost = row["costs"]
    extra = ""
    for key, versus in row.get("versus", {}).items():
        extra += (
            f"\n      vs {BASELINE_LABELS[key]}: civilian delay "
            f"x{fmt(versus['delay_cpsat_over_greedy'], '.3f')}"
            f", objective x{fmt(versus['objective_cpsat_over_greedy'], '.3f')}"
            f", on-time share {versus['on_time_share_change']:+.3f}"
        )
    print(
        f"  {label:<40} {row['status']:<10} objective {row['objective']:>12,.1f}  "
        f"bound {fmt(row['bound'], ',.1f'):>12}  gap {fmt(row['gap'], '.2%'):>7}  "
        f"wall {row['wall_s']:7.2f} s  CPU {fmt(row['cpu_s'], '7.2f')} s\n"
        f"      delay {cost['disruption_vh']:,.1f} vh, on time {cost['on_time']}/"
        f"{cost['total']} ({fmt(row['on_time_share'], '.1%')}), scheduled {cost['scheduled']}, "
        f"lateness {cost['lateness_min']:,} min (max {cost['max_lateness_min']:,}), "
        f"peak {cost['peak_column_h']:.1f} column-h{extra}",
        flush=True,
    )


def run_baselines(instance: Instance) -> tuple[dict[str, Assignment], dict[str, dict[str, Any]]]:
    """Every one-pass baseline: assignments and descriptions, by key."""
    found: dict[str, Assignment] = {}
    rows: dict[str, dict[str, Any]] = {}
    for key, rule in BASELINES.items():
        found[key], wall, cpu = measured(lambda rule=rule: rule(instance))
        rows[key] = described(instance, found[key], wall, cpu)
    return found, rows


def scenario_part(
    path: Path,
    network: Any,
    router: Router,
    modes: list[tuple[float, bool]],
    validate: bool,
    args: Any,
    failures: list[str],
) -> tuple[dict[str, Any], Instance]:
    """Build, baselines and CP-SAT in each (limit, deterministic) mode; optionally validate.

    CP-SAT is hinted with the strongest baseline; each deterministic mode is
    run once more hinted with FCFS. The first mode's plan is validated.
    """
    scenario = load_scenario(path)
    instance, build_s, build_cpu = measured(lambda: build_instance(scenario, network, router))
    vehicles = sum(t.vehicles for t in instance.tasks)
    print(
        f"\n{path.name}: {len(instance.tasks)} march units, {vehicles:,} vehicles, "
        f"{len(instance.resources)} resources, {instance.n_slots} slots of "
        f"{instance.slot_min} min, {len(instance.unplannable)} unplannable; "
        f"instance built in {build_s:.1f} s wall, {build_cpu:.1f} s CPU",
        flush=True,
    )
    found, rows = run_baselines(instance)
    for key, row in rows.items():
        print_row(BASELINE_LABELS[key], row)
    strongest = best_baseline(found)
    print(f"  strongest baseline: {BASELINE_LABELS[strongest]} (the hint)", flush=True)
    runs = []
    best: tuple[Assignment, dict[str, Any]] | None = None
    for limit, deterministic in modes:
        hints = [strongest, "fcfs"] if deterministic and strongest != "fcfs" else [strongest]
        for key in hints:
            assignment, row = run_solver(instance, found[key], limit, deterministic, args, rows)
            print_row(f"CP-SAT {row['mode']} {limit:g}, hint {key}", row)
            runs.append(row)
            if best is None:
                best = (assignment, row)
    result: dict[str, Any] = {
        "scenario": str(path.relative_to(SCENARIOS.parent.parent)),
        "march_units": len(instance.tasks),
        "vehicles": vehicles,
        "resources": len(instance.resources),
        "n_slots": instance.n_slots,
        "slot_min": instance.slot_min,
        "unplannable": len(instance.unplannable),
        "build_instance_s": build_s,
        "build_instance_cpu_s": build_cpu,
        "baselines": rows,
        "strongest_baseline": strongest,
        "cpsat": runs,
    }
    if validate and best is not None:
        with tempfile.TemporaryDirectory() as folder:
            plan = build_plan(instance, best[0], found["fcfs"], found)
            target, write_s = timed(lambda: write_plan(plan, Path(folder) / "plan"))
            violations, validate_s = timed(lambda: validate_plan(target))
        result["validation"] = {
            "of": best[1]["mode"],
            "violations": len(violations),
            "first_violations": [str(v) for v in violations[:10]],
            "write_plan_s": write_s,
            "validate_s": validate_s,
        }
        print(
            f"  plan of CP-SAT {best[1]['mode']}: written in {write_s:.1f} s, validated in "
            f"{validate_s:.1f} s, {len(violations)} violations",
            flush=True,
        )
        failures.extend(f"{path.name}: {v}" for v in violations)
    return result, instance


def scaling(instance: Instance, sizes: list[int], args: Any) -> list[dict[str, Any]]:
    """Baselines and CP-SAT on the first N march units of ``instance`` for each size."""
    rows = []
    if sizes:
        print(f"\nscaling on the first N march units of Defender ({args.scale_limit:g} s limit)")
    for size in sizes:
        if size > len(instance.tasks):
            print(f"  N={size}: skipped, the instance has {len(instance.tasks)} march units")
            continue
        sub = Instance(
            instance.scenario,
            instance.tasks[:size],
            instance.resources,
            instance.n_slots,
            instance.slot_min,
            instance.horizon_min,
        )
        found, described_rows = run_baselines(sub)
        strongest = best_baseline(found)
        _, row = run_solver(sub, found[strongest], args.scale_limit, True, args, described_rows)
        rows.append(
            {
                "march_units": size,
                "vehicles": sum(t.vehicles for t in sub.tasks),
                "baselines": described_rows,
                "strongest_baseline": strongest,
                "cpsat": row,
            }
        )
        print(
            f"  N={size:>5}: CP-SAT {row['status']:<9} objective {row['objective']:>12,.1f} "
            f"bound {fmt(row['bound'], ',.1f'):>12} gap {fmt(row['gap'], '.2%'):>7} "
            f"wall {row['wall_s']:6.2f} s CPU {fmt(row['cpu_s'], '6.2f')} s | "
            + " | ".join(
                f"{key} {described_rows[key]['objective']:,.1f} "
                f"(x{fmt(row['versus'][key]['delay_cpsat_over_greedy'], '.3f')})"
                for key in BASELINES
            )
            + f" | on time {row['costs']['on_time']}/{row['costs']['total']}",
            flush=True,
        )
    return rows


def met(flag: bool) -> str:
    """``met`` or ``NOT met``."""
    return "met" if flag else "NOT met"


def targets(brigade: dict[str, Any], defender: dict[str, Any]) -> dict[str, Any]:
    """Whether each issue #15 target is met (on the product's run: deterministic, best hint)."""
    found: dict[str, Any] = {}
    for row in brigade["cpsat"]:
        key = f"brigade_optimal_{row['mode']}_hint_{row['hint']}"
        found[key] = row["status"] == "OPTIMAL" and row["cpu_s"] <= BRIGADE_CPU_TARGET_S
    run = defender["cpsat"][0]
    aware = run["versus"]["cost_aware"]
    found["defender_gap_le_2pct"] = run["gap"] is not None and run["gap"] <= GAP_TARGET
    found["defender_build_and_solve_le_60s_wall"] = (
        defender["build_instance_s"] + run["wall_s"] <= WALL_TARGET_S
    )
    found["defender_delay_le_075_cost_aware"] = (
        aware["delay_cpsat_over_greedy"] is not None
        and aware["delay_cpsat_over_greedy"] <= DELAY_RATIO_TARGET
    )
    found["defender_on_time_not_worse_than_cost_aware"] = aware["on_time_share_change"] >= 0
    found["defender_plan_valid"] = defender.get("validation", {}).get("violations") == 0
    return found


class Burners:
    """``count`` busy-loop processes for the duration of a ``with`` block."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Burners:
        self.processes = [
            subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.count)
        ]
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    """Run the three parts, print a summary and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--brigade-limit", type=float, default=10.0)
    parser.add_argument("--defender-limit", type=float, default=40.0)
    parser.add_argument("--scale-limit", type=float, default=20.0)
    parser.add_argument("--sizes", default="50,100,200,500,1000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--burners", type=int, default=0, help="busy-loop processes meanwhile")
    parser.add_argument("--parts", default="brigade,defender,scaling")
    parser.add_argument("--out", type=Path, default=RESULTS / "schedule.json")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    command = (
        f"python -m benchmarks.schedule --brigade-limit {args.brigade_limit:g} "
        f"--defender-limit {args.defender_limit:g} --scale-limit {args.scale_limit:g} "
        f"--sizes '{','.join(map(str, sizes))}' --workers {args.workers} --seed {args.seed} "
        f"--burners {args.burners} --parts {args.parts}"
    )
    parts = set(args.parts.split(","))
    info = machine(("ortools", "mobility"))
    print(f"{command}\n{json.dumps(info)}", flush=True)
    logging.basicConfig(level=logging.ERROR)
    failures: list[str] = []
    started = time.perf_counter()
    with Burners(args.burners):
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        network, load_s = timed(mobility.load_network)
        router = Router(network)
        print(f"network loaded in {load_s:.1f} s; {args.burners} busy processes", flush=True)
        brigade: dict[str, Any] | None = None
        defender: dict[str, Any] | None = None
        if "brigade" in parts:
            both = [(args.brigade_limit, True), (args.brigade_limit, False)]
            brigade, _ = scenario_part(BRIGADE, network, router, both, False, args, failures)
        if "defender" in parts:
            both = [(args.defender_limit, True), (args.defender_limit, False)]
            defender, instance = scenario_part(
                DEFENDER, network, router, both, True, args, failures
            )
        elif "scaling" in parts:
            instance = build_instance(load_scenario(DEFENDER), network, router)
        scale = scaling(instance, sizes, args) if "scaling" in parts else []
        load_after = Path("/proc/loadavg").read_text().split()[:3]

    print(f"\nload average before {load_before}, after {load_after}")
    found: dict[str, Any] = {}
    if brigade is not None and defender is not None:
        found = targets(brigade, defender)
        print_targets(found, brigade, defender)
    print(f"total wall time {time.perf_counter() - started:.0f} s", flush=True)
    write_json(
        args.out,
        {
            "command": command,
            "machine": info,
            "arguments": {**vars(args), "sizes": sizes},
            "load_average_before_after": [load_before, load_after],
            "network_load_s": load_s,
            "brigade": brigade,
            "defender": defender,
            "scaling": scale,
            "targets": found,
            "failures": failures,
        },
    )
    print(f"results written to {args.out}")
    if failures:
        print("\nFAILED:", *failures[:20], sep="\n  ", file=sys.stderr)
        return 1
    return 0


def print_targets(found: dict[str, Any], brigade: dict[str, Any], defender: dict[str, Any]) -> None:
    """Print whether each target is met."""
    run = defender["cpsat"][0]
    aware = run["versus"]["cost_aware"]
    print("targets:")
    for row in brigade["cpsat"]:
        flag = found[f"brigade_optimal_{row['mode']}_hint_{row['hint']}"]
        print(
            f"  brigade proven optimal in <= 10 s CPU, {row['mode']}, hint {row['hint']}: "
            f"{row['status']} in {fmt(row['cpu_s'], '.2f')} s CPU, {row['wall_s']:.2f} s wall "
            f"({met(flag)})"
        )
    print(
        f"  defender gap <= 2 %: {fmt(run['gap'], '.2%')} ({met(found['defender_gap_le_2pct'])})\n"
        f"  defender build + solve <= 60 s wall: {defender['build_instance_s']:.1f} + "
        f"{run['wall_s']:.1f} s ({met(found['defender_build_and_solve_le_60s_wall'])}; CPU "
        f"{defender['build_instance_cpu_s']:.1f} + {fmt(run['cpu_s'], '.1f')} s)\n"
        f"  defender civilian delay <= 0.75x cost-aware greedy: "
        f"x{fmt(aware['delay_cpsat_over_greedy'], '.3f')} "
        f"({met(found['defender_delay_le_075_cost_aware'])})\n"
        f"  defender on-time share equal or better: {run['on_time_share']:.1%} vs cost-aware "
        f"{defender['baselines']['cost_aware']['on_time_share']:.1%} "
        f"({met(found['defender_on_time_not_worse_than_cost_aware'])})\n"
        f"  defender plan valid: {defender['validation']['violations']} violations "
        f"({met(found['defender_plan_valid'])})",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
