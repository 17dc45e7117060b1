"""Stress sweeps: 1,000 single-element failure scenarios, serial and in a process pool.

Every scenario closes one element of the embedded atlas (road and rail
elements in turn, round-robin, until ``--scenarios`` are reached) and
measures it in full: road, rail and per-class road throughput (max-flow with
the minimum cut named) and the re-routing of every port-crossing pair and
vehicle class (4 road classes, one military train). Timed:

- ``in-process``: the loop on a context already built (the pure work);
- ``process`` with 1 and 2 workers: :func:`run_sweep` end to end, pool
  start-up (spawn, imports, loading the network from the cache, building
  the context in each worker's initializer) included;
- ``dask`` (2 workers, local cluster) when the ``[cluster]`` extra is
  installed, cluster start-up included.

All runs must return identical results (the script exits non-zero
otherwise). Target: 1,000 scenarios within 60 s on 2 cores.

Run: ``python -m benchmarks.stress [--scenarios 1000] [--out benchmarks/results/stress.json]``
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

from benchmarks._machine import machine, timed, write_json
from mobility.stress.sweep import ContextSpec, SweepTask, evaluate_task, run_sweep


def tasks_for(spec: ContextSpec, count: int) -> list[SweepTask]:
    """``count`` single-element closures, cycling through every element."""
    elements = spec.build().elements()
    return [
        SweepTask(
            id=f"{i:05d}-{elements[i % len(elements)].mode}:{elements[i % len(elements)].id}",
            elements=((elements[i % len(elements)].mode, elements[i % len(elements)].id),),
        )
        for i in range(count)
    ]


def sweep_timed(
    tasks: list[SweepTask], spec: ContextSpec, backend: str, workers: int
) -> tuple[list[dict[str, Any]], float]:
    """Results and seconds of one sweep, pool or cluster start-up included."""
    results: list[dict[str, Any]]
    results, seconds = timed(lambda: run_sweep(tasks, spec, backend=backend, workers=workers))
    return results, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/stress.json"))
    args = parser.parse_args()
    spec = ContextSpec()
    info = machine(("numpy", "scipy", "networkx", "mobility"))
    print(f"{info['cpu']} x {info['cpu_count']}, Python {info['python']}")
    (context, build_s) = timed(spec.build)
    tasks = tasks_for(spec, args.scenarios)
    print(
        f"{len(tasks)} scenarios over {len(context.elements())} elements; "
        f"context built in {build_s:.2f} s"
    )
    reference, serial_s = timed(lambda: [evaluate_task(context, t) for t in tasks])
    rows: list[dict[str, Any]] = [
        {"backend": "in-process (context built)", "workers": 1, "seconds": serial_s}
    ]
    runs = [("process", 1), ("process", 2)]
    if importlib.util.find_spec("distributed") is not None:
        runs.append(("dask", 2))
    identical = True
    for backend, workers in runs:
        results, seconds = sweep_timed(tasks, spec, backend, workers)
        same = results == reference
        identical &= same
        rows.append({"backend": backend, "workers": workers, "seconds": seconds, "identical": same})
    one = next(r["seconds"] for r in rows if r["backend"] == "process" and r["workers"] == 1)
    print(
        f"{'backend':<28} {'workers':>7} {'seconds':>8} {'per scenario':>13} "
        f"{'speed-up':>9} identical"
    )
    for row in rows:
        row["ms_per_scenario"] = 1000 * row["seconds"] / len(tasks)
        row["speed_up_vs_1_worker"] = one / row["seconds"]
        print(
            f"{row['backend']:<28} {row['workers']:>7} {row['seconds']:>8.2f} "
            f"{row['ms_per_scenario']:>10.2f} ms {row['speed_up_vs_1_worker']:>8.2f}x "
            f"{row.get('identical', '-')}"
        )
    write_json(
        args.out, {"machine": info, "scenarios": len(tasks), "rows": rows, "identical": identical}
    )
    print(f"wrote {args.out}")
    if not identical:
        print("results differ between backends", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
