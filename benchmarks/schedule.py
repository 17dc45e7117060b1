"""Scheduling: the CP-SAT optimiser against the first-come-first-served greedy.

Part 1, the armoured brigade (``examples/scenarios/armoured-brigade.yaml``):
instance build time; the greedy (objective, civilian delay, on-time share);
CP-SAT with ``--workers`` workers, hinted with the greedy, limited to
``--brigade-limit`` seconds, once in non-deterministic mode (a wall-clock
limit) and once in deterministic mode (the limit is CP-SAT deterministic time,
one worker; a guard stops at twenty times as much wall time). Reported: status, objective,
bound, gap = (objective - bound) / objective, wall time. Target: proven
optimal within 10 s on 2 cores.

Part 2, Defender surge (``examples/scenarios/defender-surge.yaml``): the same
with ``--defender-limit`` (non-deterministic; ``--defender-deterministic``
adds a deterministic run). The CP-SAT plan is written to a temporary folder
and re-checked with ``validate_plan`` (must have no violation). Targets: gap
<= 5 %, civilian delay at least 30 % below the greedy's, on-time share equal
or better.

Part 3, scaling: the first N march units of the Defender instance, in request
order (the instance's task order), for each N of ``--sizes``; resources stay
the full set. Per size: the greedy, then CP-SAT (non-deterministic,
``--scale-limit`` s) hinted with it; status, objective, bound, gap, wall time,
and civilian delay CP-SAT / greedy.

Baseline, same run: the greedy on the same instance. Any validation violation
makes the script exit non-zero.

Run: ``python -m benchmarks.schedule [--brigade-limit 10] [--defender-limit 40]
[--scale-limit 20] [--sizes 50,100,200,500,1000] [--workers 2] [--seed 0]``
"""

from __future__ import annotations

import argparse
import json
import logging
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
from mobility.schedule.greedy import cost_aware_assignment, greedy_assignment
from mobility.schedule.instance import Instance, build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.plan_files import write_plan
from mobility.schedule.solution import Assignment, costs
from mobility.schedule.validate import validate_plan

RESULTS = Path(__file__).parent / "results"
SCENARIOS = Path(__file__).parent.parent / "examples" / "scenarios"
BRIGADE = SCENARIOS / "armoured-brigade.yaml"
DEFENDER = SCENARIOS / "defender-surge.yaml"
GAP_TARGET = 0.05
DELAY_RATIO_TARGET = 0.70


def gap(objective: float, bound: float) -> float | None:
    """Relative gap (objective - bound) / objective; 0 for a zero objective."""
    if objective != objective or bound != bound:  # NaN
        return None
    if objective == 0:
        return 0.0
    return (objective - bound) / abs(objective)


def described(instance: Instance, assignment: Assignment, wall_s: float) -> dict[str, Any]:
    """Status, objective, bound, gap, wall time and costs of an assignment."""
    cost = costs(instance, assignment.choices)
    return {
        "method": assignment.method,
        "status": assignment.status,
        "objective": assignment.objective,
        "bound": assignment.bound,
        "gap": gap(assignment.objective, assignment.bound),
        "wall_s": wall_s,
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
    greedy: Assignment,
    limit_s: float,
    deterministic: bool,
    args: Any,
    aware: dict[str, Any] | None = None,
) -> tuple[Assignment, dict[str, Any]]:
    """CP-SAT hinted with the greedy; the assignment and its description.

    ``aware``: the cost-aware greedy's description, the strongest simple baseline.
    """
    options = SolverOptions(
        time_limit_s=limit_s, workers=args.workers, seed=args.seed, deterministic=deterministic
    )
    assignment, wall_s = timed(lambda: solve(instance, options, hint=greedy))
    row = described(instance, assignment, wall_s)
    row["mode"] = "deterministic" if deterministic else "non-deterministic"
    row["limit_s"] = limit_s
    row["versus_greedy"] = compared(described(instance, greedy, 0.0), row)
    if aware is not None:
        row["versus_cost_aware"] = compared(aware, row)
    return assignment, row


def fmt(value: float | None, spec: str = ".1f") -> str:
    """Format a number or ``-`` for None."""
    return "-" if value is None else format(value, spec)


def print_row(label: str, row: dict[str, Any]) -> None:
    """Print one schedule's figures."""
    cost = row["costs"]
    versus = row.get("versus_greedy")
    extra = ""
    if versus is not None:
        extra = (
            f"\n      vs greedy: civilian delay x{fmt(versus['delay_cpsat_over_greedy'], '.3f')}"
            f", objective x{fmt(versus['objective_cpsat_over_greedy'], '.3f')}"
            f", on-time share {versus['on_time_share_change']:+.3f}"
        )
    aware = row.get("versus_cost_aware")
    if aware is not None:
        extra += (
            f"\n      vs cost-aware greedy: civilian delay "
            f"x{fmt(aware['delay_cpsat_over_greedy'], '.3f')}"
            f", objective x{fmt(aware['objective_cpsat_over_greedy'], '.3f')}"
            f", on-time share {aware['on_time_share_change']:+.3f}"
        )
    print(
        f"  {label:<34} {row['status']:<10} objective {row['objective']:>12,.1f}  "
        f"bound {fmt(row['bound'], ',.1f'):>12}  gap {fmt(row['gap'], '.2%'):>7}  "
        f"wall {row['wall_s']:7.2f} s\n"
        f"      delay {cost['disruption_vh']:,.1f} vh, on time {cost['on_time']}/"
        f"{cost['total']} ({fmt(row['on_time_share'], '.1%')}), scheduled {cost['scheduled']}, "
        f"lateness {cost['lateness_min']:,} min (max {cost['max_lateness_min']:,}), "
        f"peak {cost['peak_column_h']:.1f} column-h{extra}",
        flush=True,
    )


def scenario_part(
    path: Path,
    network: Any,
    router: Router,
    modes: list[tuple[float, bool]],
    validate: bool,
    args: Any,
    failures: list[str],
) -> tuple[dict[str, Any], Instance]:
    """Build, greedy and CP-SAT in each (limit, deterministic) mode; optionally validate."""
    scenario = load_scenario(path)
    instance, build_s = timed(lambda: build_instance(scenario, network, router))
    vehicles = sum(t.vehicles for t in instance.tasks)
    print(
        f"\n{path.name}: {len(instance.tasks)} march units, {vehicles:,} vehicles, "
        f"{len(instance.resources)} resources, {instance.n_slots} slots of "
        f"{instance.slot_min} min, {len(instance.unplannable)} unplannable; "
        f"instance built in {build_s:.1f} s",
        flush=True,
    )
    greedy, greedy_s = timed(lambda: greedy_assignment(instance))
    greedy_row = described(instance, greedy, greedy_s)
    print_row("greedy (first come, first served)", greedy_row)
    aware, aware_s = timed(lambda: cost_aware_assignment(instance))
    aware_row = described(instance, aware, aware_s)
    print_row("cost-aware greedy", aware_row)
    runs = []
    best: tuple[Assignment, dict[str, Any]] | None = None
    for limit, deterministic in modes:
        assignment, row = run_solver(instance, greedy, limit, deterministic, args, aware_row)
        print_row(f"CP-SAT {row['mode']} {limit:g} s", row)
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
        "greedy": greedy_row,
        "cost_aware_greedy": aware_row,
        "cpsat": runs,
    }
    if validate and best is not None:
        with tempfile.TemporaryDirectory() as folder:
            plan = build_plan(instance, best[0], greedy)
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
    """Greedy and CP-SAT on the first N march units of ``instance`` for each size."""
    rows = []
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
        greedy, greedy_s = timed(lambda: greedy_assignment(sub))  # noqa: B023
        greedy_row = described(sub, greedy, greedy_s)
        aware_row = described(sub, *timed(lambda: cost_aware_assignment(sub)))  # noqa: B023
        _, row = run_solver(sub, greedy, args.scale_limit, False, args, aware_row)
        rows.append(
            {
                "march_units": size,
                "vehicles": sum(t.vehicles for t in sub.tasks),
                "greedy": greedy_row,
                "cost_aware_greedy": aware_row,
                "cpsat": row,
            }
        )
        versus = row["versus_greedy"]
        print(
            f"  N={size:>5}: CP-SAT {row['status']:<9} objective {row['objective']:>12,.1f} "
            f"bound {fmt(row['bound'], ',.1f'):>12} gap {fmt(row['gap'], '.2%'):>7} "
            f"wall {row['wall_s']:6.2f} s | greedy objective {greedy_row['objective']:>12,.1f} "
            f"({greedy_s:.2f} s) | delay CP-SAT/greedy "
            f"{fmt(versus['delay_cpsat_over_greedy'], '.3f')} | cost-aware greedy "
            f"{aware_row['objective']:,.1f}, delay CP-SAT/cost-aware "
            f"{fmt(row['versus_cost_aware']['delay_cpsat_over_greedy'], '.3f')}, on time "
            f"{row['costs']['on_time']} vs {greedy_row['costs']['on_time']}",
            flush=True,
        )
    return rows


def met(flag: bool) -> str:
    """``met`` or ``NOT met``."""
    return "met" if flag else "NOT met"


def targets(brigade: dict[str, Any], defender: dict[str, Any]) -> dict[str, Any]:
    """Whether each issue target is met."""
    found: dict[str, Any] = {}
    for row in brigade["cpsat"]:
        found[f"brigade_optimal_{row['mode']}"] = (
            row["status"] == "OPTIMAL" and row["wall_s"] <= 10 and row["limit_s"] <= 10
        )
    run = defender["cpsat"][0]
    versus = run["versus_greedy"]
    found["defender_gap_le_5pct"] = run["gap"] is not None and run["gap"] <= GAP_TARGET
    found["defender_delay_30pct_less"] = (
        versus["delay_cpsat_over_greedy"] is not None
        and versus["delay_cpsat_over_greedy"] <= DELAY_RATIO_TARGET
    )
    found["defender_on_time_not_worse"] = versus["on_time_share_change"] >= 0
    found["defender_plan_valid"] = defender.get("validation", {}).get("violations") == 0
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the three parts, print a summary and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--brigade-limit", type=float, default=10.0)
    parser.add_argument("--defender-limit", type=float, default=40.0)
    parser.add_argument("--defender-deterministic", action="store_true")
    parser.add_argument("--scale-limit", type=float, default=20.0)
    parser.add_argument("--sizes", default="50,100,200,500,1000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "schedule.json")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    command = (
        f"python -m benchmarks.schedule --brigade-limit {args.brigade_limit:g} "
        f"--defender-limit {args.defender_limit:g} --scale-limit {args.scale_limit:g} "
        f"--sizes {','.join(map(str, sizes))} --workers {args.workers} --seed {args.seed}"
        + (" --defender-deterministic" if args.defender_deterministic else "")
    )
    info = machine(("ortools", "mobility"))
    print(f"{command}\n{json.dumps(info)}", flush=True)
    logging.basicConfig(level=logging.ERROR)
    failures: list[str] = []
    started = time.perf_counter()

    network, load_s = timed(mobility.load_network)
    router = Router(network)
    print(f"network loaded in {load_s:.1f} s", flush=True)

    brigade, _ = scenario_part(
        BRIGADE,
        network,
        router,
        [(args.brigade_limit, False), (args.brigade_limit, True)],
        False,
        args,
        failures,
    )
    defender_modes = [(args.defender_limit, False)]
    if args.defender_deterministic:
        defender_modes.append((args.defender_limit, True))
    defender, instance = scenario_part(
        DEFENDER, network, router, defender_modes, True, args, failures
    )
    scale = scaling(instance, sizes, args)

    found = targets(brigade, defender)
    run = defender["cpsat"][0]
    versus = run["versus_greedy"]
    print("\ntargets:")
    for row in brigade["cpsat"]:
        flag = found["brigade_optimal_" + row["mode"]]
        print(
            f"  brigade proven optimal within 10 s on {args.workers} cores, {row['mode']}: "
            f"{row['status']} in {row['wall_s']:.2f} s wall ({met(flag)})"
        )
    print(
        f"  defender gap <= 5 %: {fmt(run['gap'], '.2%')} ({met(found['defender_gap_le_5pct'])})\n"
        f"  defender civilian delay >= 30 % below greedy: CP-SAT/greedy "
        f"{fmt(versus['delay_cpsat_over_greedy'], '.3f')} "
        f"({met(found['defender_delay_30pct_less'])})\n"
        f"  defender on-time share equal or better: {run['on_time_share']:.1%} vs greedy "
        f"{defender['greedy']['on_time_share']:.1%} "
        f"({met(found['defender_on_time_not_worse'])})\n"
        f"  defender plan valid: {defender['validation']['violations']} violations "
        f"({met(found['defender_plan_valid'])})\n"
        f"total wall time {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    write_json(
        args.out,
        {
            "command": command,
            "machine": info,
            "arguments": {**vars(args), "sizes": sizes},
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


if __name__ == "__main__":
    sys.exit(main())
