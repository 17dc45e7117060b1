"""Stress and criticality results as terminal lines.

What ``mobility stress`` and ``mobility criticality`` print; the report folder
holds the full account.
"""

from __future__ import annotations

from collections.abc import Sequence

from mobility.stress.critical import CriticalElement
from mobility.stress.replan import StressResult

__all__ = ["ranking_lines", "stress_lines"]


def stress_lines(result: StressResult) -> list[str]:
    """Return one line per compared KPI, then each mode's throughput and bottleneck.

    Per-vehicle-class throughputs (keys ``road/<vehicle>``) are left to the report.
    """
    lines = []
    for row in result.kpis():
        judged = f" ({row['verdict']})" if row["verdict"] else ""
        lines.append(f"{row['kpi']}: {row['baseline']} -> {row['replanned']}{judged}")
    for item in result.impact.throughput:
        if "/" not in item.key:
            lines.append(
                f"{item.key} throughput: {item.baseline_vehicles_per_day:,} -> "
                f"{item.vehicles_per_day:,} veh/day; bottleneck: "
                + "; ".join(c.name for c in item.cut)
            )
    return lines


def ranking_lines(ranked: Sequence[CriticalElement]) -> list[str]:
    """Return one line per ranked element: rank, element, mode and its three losses."""
    return [
        f"{row.rank:>3}. {row.element.describe()} [{row.element.mode}]: {row.stranded} pairs "
        f"stranded, {row.throughput_loss:,} veh/day lost, +{row.extra_time_h:.2f} h"
        for row in ranked
    ]
