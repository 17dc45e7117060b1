"""Which elements matter most? Close every road and rail element in turn, in parallel.

Runs the single-element failures in a process pool (2 workers), appending
each result to out/stress/criticality.jsonl: interrupt it (Ctrl-C) and run
it again, and it resumes where it stopped.
Run as-is: ``python examples/stress/criticality_sweep.py [--by throughput] [--top 15]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import mobility
from mobility.stress import (
    ContextSpec,
    StressContext,
    SweepOptions,
    criticality,
    criticality_report,
    write_report,
)

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--by", choices=("stranded", "throughput", "time"), default="stranded")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    network = mobility.load_network()
    context = StressContext(network)
    ranked = criticality(
        context,
        by=args.by,
        top_k=args.top,
        sweep=SweepOptions("process", args.workers, ContextSpec()),
        results="out/stress/criticality.jsonl",
    )
    for row in ranked:
        print(
            f"{row.rank:>3}. {row.element.describe():<55} {row.element.mode:<4} "
            f"stranded {row.stranded:>3}  lost {row.throughput_loss:>6,} veh/day  "
            f"+{row.extra_time_h:.2f} h"
        )
    report = criticality_report(ranked, by=args.by, baseline=context.baseline, network=network)
    print(f"report: {write_report(report, Path('out') / 'stress' / 'criticality')}")
