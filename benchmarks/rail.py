"""Rail mode: the road/rail split of the Defender surge and its effect.

The Defender surge (``examples/scenarios/defender-surge.yaml``) has eight
``mode: any`` requests (four of armour, four mixed). It is planned twice on
the same run, each with the greedy and then CP-SAT (``--limit`` s,
``--workers`` workers, hinted with the greedy):

- **with rail**: the scenario as written;
- **road only** (the baseline): the same scenario with every request set to
  ``mode: road``.

Reported per run: vehicles planned and unplannable, march units / train-loads
scheduled, trains, vehicles by road and by rail, civilian delay (of which
rail paths), on-time share, objective, bound, gap and wall time; and the
ratios with rail / road only. Both CP-SAT plans are written and re-checked
by the validator; a violation makes the script exit non-zero.

Run: ``python -m benchmarks.rail [--limit 40] [--workers 2] [--seed 0]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import mobility
from benchmarks._machine import machine, timed, write_json
from benchmarks.schedule import gap, ratio
from mobility.model.scenario import Scenario, load_scenario
from mobility.routing.router import Router
from mobility.schedule.cpsat import SolverOptions, solve
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.plan_files import write_plan
from mobility.schedule.rail_rows import mode_split
from mobility.schedule.solution import costs
from mobility.validation import validate_plan

RESULTS = Path(__file__).parent / "results"
DEFENDER = Path(__file__).parent.parent / "examples" / "scenarios" / "defender-surge.yaml"


def run(label: str, scenario: Scenario, network: Any, router: Router, args: Any) -> dict[str, Any]:
    """Build, greedy, CP-SAT, validate; the figures of one variant."""
    instance, build_s = timed(lambda: build_instance(scenario, network, router))
    greedy = greedy_assignment(instance)
    options = SolverOptions(time_limit_s=args.limit, workers=args.workers, seed=args.seed)
    best, wall_s = timed(lambda: solve(instance, options, hint=greedy))
    cost = costs(instance, best.choices)
    with tempfile.TemporaryDirectory() as folder:
        target = write_plan(build_plan(instance, best, greedy), Path(folder) / "plan")
        violations = validate_plan(target)
    planned = sum(t.vehicles for t in instance.tasks)
    asked = sum(sum(r.vehicles.values()) for r in scenario.requests)
    row = {
        "variant": label,
        "vehicles_requested": asked,
        "vehicles_planned": planned,
        "unplannable": [
            {"part": u.request, "reason": u.reason[:200]} for u in instance.unplannable
        ],
        "tasks": len(instance.tasks),
        "scheduled": cost.scheduled,
        "on_time_share": cost.on_time / cost.total if cost.total else None,
        "civilian_delay_vh": cost.disruption_vh,
        "lateness_min": cost.lateness_min,
        "status": best.status,
        "objective": best.objective,
        "bound": best.bound,
        "gap": gap(best.objective, best.bound),
        "build_instance_s": build_s,
        "wall_s": wall_s,
        "violations": len(violations),
        **mode_split(instance, best.choices),
    }
    print(
        f"  {label:<10} planned {planned:,}/{asked:,} vehicles ({len(instance.unplannable)} "
        f"unplannable parts); {row['rail_movements']} trains carry {row['rail_vehicles']:,} "
        f"vehicles, {row['road_vehicles']:,} by road\n"
        f"             civilian delay {cost.disruption_vh:,.1f} vh (rail paths "
        f"{row['rail_civilian_delay_vh']:,.1f}), on time {row['on_time_share']:.1%}, "
        f"{best.status} gap {row['gap']:.2%}, build {build_s:.1f} s, solve {wall_s:.1f} s, "
        f"{len(violations)} violations",
        flush=True,
    )
    return row


def main(argv: list[str] | None = None) -> int:
    """Run both variants and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=40.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    network = mobility.load_network()
    router = Router(network)
    scenario = load_scenario(DEFENDER)
    road_only = replace(
        scenario, requests=tuple(replace(r, mode="road") for r in scenario.requests)
    )
    print(f"Defender surge, CP-SAT {args.limit:g} s, {args.workers} workers", flush=True)
    with_rail = run("with rail", scenario, network, router, args)
    baseline = run("road only", road_only, network, router, args)
    effect = {
        "vehicles_planned_ratio": ratio(
            with_rail["vehicles_planned"], baseline["vehicles_planned"]
        ),
        "civilian_delay_ratio": ratio(
            with_rail["civilian_delay_vh"], baseline["civilian_delay_vh"]
        ),
        "on_time_share_change": with_rail["on_time_share"] - baseline["on_time_share"],
        "rail_vehicle_share": ratio(
            with_rail["rail_vehicles"], with_rail["rail_vehicles"] + with_rail["road_vehicles"]
        ),
    }
    print(
        f"  with rail / road only: vehicles planned x{effect['vehicles_planned_ratio']:.4f}, "
        f"civilian delay x{effect['civilian_delay_ratio']:.3f}, on-time share "
        f"{effect['on_time_share_change']:+.3f}; rail share {effect['rail_vehicle_share']:.2%}",
        flush=True,
    )
    write_json(
        RESULTS / "rail.json",
        {
            "machine": machine(["ortools", "scipy", "networkx"]),
            "command": "python -m benchmarks.rail " + " ".join(sys.argv[1:]),
            "runs": [with_rail, baseline],
            "effect": effect,
        },
    )
    return 1 if with_rail["violations"] or baseline["violations"] else 0


if __name__ == "__main__":
    sys.exit(main())
