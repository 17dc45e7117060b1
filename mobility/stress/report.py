"""Stress-test reports: the impact, stress and criticality reports with tables and charts.

A report folder holds ``report.md`` (or ``report.html``), ``results.json``
(everything measured), the charts as SVG files
(:mod:`mobility.stress._report_charts`), and ``map.html`` when the maps
package can draw it. The builders here assemble a
:class:`~mobility.stress._report_document.Report`;
:func:`~mobility.stress._report_document.write_report` (importable from
here) writes it atomically. Text from inputs (element and place names,
perturbation names) is escaped in HTML and in Markdown tables.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from mobility.network.load import Network
from mobility.schedule.civilian import delay_by_section
from mobility.stress._measures import Impact
from mobility.stress._report_charts import criticality_chart, resilience_chart, throughput_chart
from mobility.stress._report_document import (
    FORMATS,
    REPORT_FILES,
    Cell,
    Report,
    render_html,
    render_markdown,
    write_report,
)
from mobility.stress.critical import CriticalElement
from mobility.stress.montecarlo import METRICS, MonteCarloSummary
from mobility.stress.replan import StressResult

__all__ = [
    "FORMATS",
    "REPORT_FILES",
    "SECTION_DELAY_ROWS",
    "Report",
    "criticality_report",
    "impact_report",
    "render_html",
    "render_markdown",
    "stress_report",
    "write_report",
]

logger = logging.getLogger(__name__)


# --- report builders ----------------------------------------------------------------------


def _throughput_rows(impact: Impact) -> list[list[Cell]]:
    return [
        [
            t.key,
            t.baseline_vehicles_per_day,
            t.vehicles_per_day,
            t.loss_veh_per_day,
            round(t.share, 4),
            "; ".join(f"{c.name} ({c.capacity_veh_per_day:,})" for c in t.cut),
        ]
        for t in impact.throughput
    ]


def _route_rows(impact: Impact) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r in impact.routes:
        if not (r.stranded or abs(r.extra_time_s) > 1e-6 or r.reason):
            continue
        d = r.to_dict()
        rows.append(
            [
                r.mode,
                r.vehicle,
                f"{r.origin} to {r.destination}",
                d["base_length_km"],
                d["base_time_h"],
                d["length_km"],
                d["time_h"],
                d["extra_time_h"],
                r.reason or ("stranded" if r.stranded else ""),
            ]
        )
    return rows


def impact_report(impact: Impact, title: str | None = None) -> Report:
    """Build a report of network metrics alone (throughput, routes)."""
    report = Report(title or f"Corridor stress test: {impact.perturbation}")
    _add_impact(report, impact)
    report.data["impact"] = impact.to_dict(all_routes=True)
    return report


def _add_impact(report: Report, impact: Impact) -> None:
    summary = impact.summary()
    report.paragraphs.append(
        f"{summary['stranded']} of {summary['pairs']} origin-destination pairs (per vehicle class) "
        f"stranded, {summary['rerouted']} re-routed, "
        f"{summary['extra_time_h_total']:.2f} h added in "
        f"all (at most {summary['extra_time_h_max']:.2f} h on one pair)."
    )
    report.table("Out of use", ["element"], [[c] for c in impact.closed])
    if impact.notes:
        report.table("Notes", ["note"], [[n] for n in impact.notes])
    report.table(
        "Corridor throughput (vehicles per day, max-flow from ports to border crossings)",
        ["mode / class", "baseline", "perturbed", "loss", "share", "minimum cut (capacity)"],
        _throughput_rows(impact),
        note="Capacity model: mobility.stress.capacity (open columns, one lane, 20 h a day; "
        "rail paths per hour).",
    )
    report.chart("throughput.svg", "Throughput, baseline and perturbed", throughput_chart(impact))
    report.table(
        "Re-routed and stranded pairs",
        ["mode", "vehicle", "pair", "base km", "base h", "km", "h", "extra h", "reason"],
        _route_rows(impact),
    )


def _standard_text(solver: dict[str, Any] | None) -> str:
    """Return the solver options of a plan in words."""
    if not solver:
        return "unknown"
    if solver.get("deterministic"):
        return f"deterministic, budget {solver['time_limit_s']:g}, seed {solver['seed']}"
    return (
        f"wall-clock limit {solver['time_limit_s']:g} s, {solver.get('workers')} workers "
        "(not reproducible)"
    )


#: Road sections and hours listed in the stress report's civilian delay table.
SECTION_DELAY_ROWS = 15


def _section_delay_table(report: Report, result: StressResult) -> None:
    """Civilian delay by road section and hour: the replanned plan against the baseline."""
    before = {
        (s.road, s.direction, s.day, s.hour): s.delay_vh
        for s in delay_by_section(m.data for m in result.baseline.plan.movements)
    }
    after = (
        delay_by_section(m.data for m in result.replanned.plan.movements)
        if result.replanned is not None
        else []
    )
    if not after and not before:
        return
    rows: list[list[Cell]] = [
        [
            f"{s.road} {s.direction}",
            f"{s.day} {s.hour}",
            before.get((s.road, s.direction, s.day, s.hour), 0.0),
            s.delay_vh,
            f"{s.demand}: {s.source}",
        ]
        for s in after[:SECTION_DELAY_ROWS]
    ]
    report.table(
        "Civilian delay by road section and hour (replanned, largest first)",
        ["road section", "when", "baseline veh-h", "replanned veh-h", "demand and its source"],
        rows,
        note=f"The {min(len(after), SECTION_DELAY_ROWS)} largest of {len(after)} road sections "
        "and hours of the replanned plan; every one is in its movement table "
        "(civilian_delay). Demand is measured where a traffic file gave the road's counts, "
        "else the calibrated class default.",
    )


def stress_report(result: StressResult, network: Network | None = None) -> Report:
    """Build the report of a scenario stress test: network metrics, replan against baseline."""
    perturbation = result.perturbation
    report = Report(f"Stress test of {result.scenario.name}: {perturbation.name}")
    if perturbation.description:
        report.paragraphs.append(perturbation.description)
    _add_impact(report, result.impact)
    demand = result.demand_veh_per_day()
    road = result.impact.flow("road").vehicles_per_day
    report.paragraphs.append(
        f"Demand of the perturbed scenario: {demand:,.0f} vehicles a day over its horizon, "
        "against a "
        f"road throughput of {road:,} vehicles a day ({demand / road:.0%} of it)."
        if road
        else f"Demand of the perturbed scenario: {demand:,.0f} vehicles a day; "
        "no road throughput is left."
    )
    report.table(
        "Plan KPIs: baseline against replanned",
        ["KPI", "baseline", "replanned", "change", "against the solver gaps"],
        [
            [r["kpi"], r["baseline"], r["replanned"], r["change"], r["verdict"]]
            for r in result.kpis()
        ],
        note="Both plans by plan_scenario with the same solver options. A change of the "
        "objective or civilian delay no larger than the two plans' gaps (objective - bound; "
        "for civilian delay, over its weight) together is within solver gap: a longer search "
        "could undo it.",
    )
    report.table(
        "Solver standard of both plans",
        ["plan", "solver", "status", "objective", "bound", "gap"],
        [
            [
                r["plan"],
                _standard_text(r["solver"]),
                r["solver_status"],
                r["objective"],
                r["bound"],
                r["gap"],
            ]
            for r in result.standard()
        ],
    )
    _section_delay_table(report, result)
    report.table(
        "Stranded requests and march units",
        ["request", "reason"],
        [[s.request, s.reason] for s in result.stranded],
    )
    report.data = result.to_dict()
    report.data["impact"] = result.impact.to_dict(all_routes=True)
    if network is not None:
        _closures_map(report, network, result.impact)
    return report


def criticality_report(
    ranked: Sequence[CriticalElement],
    *,
    by: str,
    baseline: Impact,
    curve: Sequence[dict[str, Any]] | None = None,
    monte_carlo: MonteCarloSummary | None = None,
    network: Network | None = None,
    title: str = "Corridor criticality",
) -> Report:
    """Build the criticality report, with optional resilience curve and Monte Carlo summary."""
    report = Report(title)
    report.paragraphs.append(
        f"Each element (one OSM way, both directions) was closed on its own; ranked by {by} first. "
        f"Baseline throughput: "
        + ", ".join(
            f"{t.key} {t.vehicles_per_day:,} veh/day"
            for t in baseline.throughput
            if "/" not in t.key
        )
        + "."
    )
    metric = {"stranded": "stranded", "throughput": "throughput_loss", "time": "extra_time_h"}[by]
    _add_ranking(report, ranked, metric)
    report.data = {
        "by": by,
        "ranking": [r.to_dict() for r in ranked],
        "baseline": baseline.summary(),
    }
    if curve:
        _add_resilience(report, curve)
    if monte_carlo is not None:
        _add_monte_carlo(report, monte_carlo)
    if network is not None and ranked:
        _criticality_map(report, network, ranked, metric)
    return report


def _add_ranking(report: Report, ranked: Sequence[CriticalElement], metric: str) -> None:
    report.table(
        "Most critical elements",
        [
            "rank",
            "element",
            "mode",
            "pairs stranded",
            "throughput loss veh/day",
            "road loss",
            "rail loss",
            "extra h (all pairs)",
            "max extra h",
        ],
        [
            [
                r.rank,
                r.element.describe(),
                r.element.mode,
                r.stranded,
                r.throughput_loss,
                r.road_loss,
                r.rail_loss,
                r.extra_time_h,
                r.max_extra_time_h,
            ]
            for r in ranked
        ],
    )
    if ranked:
        report.chart(
            "criticality.svg",
            f"Top elements by {metric.replace('_', ' ')}",
            criticality_chart(ranked, metric),
        )


def _add_resilience(report: Report, curve: Sequence[dict[str, Any]]) -> None:
    report.table(
        "Resilience curve (mean and 10-90 % spread over Monte Carlo runs)",
        [
            "failures",
            "runs",
            "road share",
            "road p10-p90",
            "rail share",
            "rail p10-p90",
            "stranded share",
            "extra h",
        ],
        [
            [
                p["failures"],
                p["runs"],
                p["road_share"]["mean"],
                f"{p['road_share']['p10']:.3f}-{p['road_share']['p90']:.3f}",
                p["rail_share"]["mean"],
                f"{p['rail_share']['p10']:.3f}-{p['rail_share']['p90']:.3f}",
                p["stranded_share"]["mean"],
                p["extra_time_h"]["mean"],
            ]
            for p in curve
        ],
    )
    report.chart(
        "resilience.svg", "Resilience: metrics against random failures", resilience_chart(curve)
    )
    report.data["resilience_curve"] = list(curve)


def _add_monte_carlo(report: Report, monte_carlo: MonteCarloSummary) -> None:
    report.table(
        f"Monte Carlo ({monte_carlo.runs} runs, "
        f"{monte_carlo.failures:.1f} failures a run on average)",
        ["metric", "mean", "std", "p10", "p50", "p90", "min", "max"],
        [
            [
                METRICS[name],
                s["mean"],
                s["std"],
                s["p10"],
                s["p50"],
                s["p90"],
                s["min"],
                s["max"],
            ]
            for name, s in monte_carlo.metrics.items()
        ],
    )
    report.table(
        "Elements failing most often in the worst tenth of runs",
        ["element", "runs"],
        [[name, count] for name, count in monte_carlo.most_failed_in_worst],
    )
    report.data["monte_carlo"] = monte_carlo.to_dict()


# --- maps (mobility.maps, when installed) -------------------------------------------------


def _closures_map(report: Report, network: Network, impact: Impact) -> None:
    names: list[str] = []
    for text in impact.closed:
        way = re.search(r"\bway (-?\d+)\)", text)
        if way:
            names.append(f"way {way.group(1)}")
        elif text.endswith(("[port lost]", "[crossing closed]")):
            names.append(text.split(" [")[0])
    try:
        from mobility.maps import add_closures_layer, map_html, render_network_map
    except ImportError:  # pragma: no cover - maps are optional for reports
        logger.info("mobility.maps is not available; the report has no map")
        return
    fmap = render_network_map(network)
    if names:
        add_closures_layer(fmap, network, list(dict.fromkeys(names)))
    report.files["map.html"] = map_html(fmap).encode("utf-8")


def _criticality_map(
    report: Report, network: Network, ranked: Sequence[CriticalElement], metric: str
) -> None:
    try:
        from mobility.maps import add_criticality_layer, map_html, render_network_map
    except ImportError:  # pragma: no cover - maps are optional for reports
        logger.info("mobility.maps is not available; the report has no map")
        return
    fmap = render_network_map(network)
    scores: dict[str | tuple[int, int, int], float] = {
        r.element.text: float(getattr(r, metric)) for r in ranked
    }
    add_criticality_layer(fmap, network, scores)
    report.files["map.html"] = map_html(fmap).encode("utf-8")
