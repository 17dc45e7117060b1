"""Stress-test reports: Markdown or HTML with tables and SVG charts, written atomically.

A report folder holds ``report.md`` (or ``report.html``), ``results.json``
(everything measured), the charts as SVG files (matplotlib, Agg backend,
reproducible: no dates or random ids in the files), and ``map.html`` when
the maps package can draw it. The folder is built under a temporary name
beside the target and renamed into place when complete, so a failed run
leaves no half-written report. Text from inputs (element and place names,
perturbation names) is escaped in HTML and in Markdown tables.
"""

from __future__ import annotations

import html
import io
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobility import _json as strict_json
from mobility._atomic import write_folder_atomic
from mobility.errors import DataError
from mobility.network.load import Network
from mobility.schedule.civilian import delay_by_section
from mobility.stress.critical import CriticalElement
from mobility.stress.impact import Impact
from mobility.stress.montecarlo import METRICS, MonteCarloSummary
from mobility.stress.replan import StressResult

logger = logging.getLogger(__name__)

FORMATS = ("md", "html")
Cell = str | int | float | None


@dataclass
class Table:
    """A titled table of cells."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""


@dataclass
class Report:
    """A report being assembled: paragraphs, tables, charts and files."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    blocks: list[Table | tuple[str, str]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def table(self, title: str, columns: list[str], rows: list[list[Cell]], note: str = "") -> None:
        """Add a table."""
        self.blocks.append(Table(title, columns, rows, note))

    def chart(self, name: str, caption: str, svg: bytes) -> None:
        """Add a chart (SVG) shown in the report."""
        self.files[name] = svg
        self.blocks.append((name, caption))


def _cell(value: Cell) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _md_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def render_markdown(report: Report) -> str:
    """Render the report as Markdown."""
    lines = [f"# {_md_text(report.title)}", ""]
    for paragraph in report.paragraphs:
        lines += [_md_text(paragraph), ""]
    for block in report.blocks:
        if isinstance(block, Table):
            lines += [f"## {_md_text(block.title)}", ""]
            if block.note:
                lines += [_md_text(block.note), ""]
            if not block.rows:
                lines += ["(none)", ""]
                continue
            lines.append("| " + " | ".join(_md_text(c) for c in block.columns) + " |")
            lines.append("|" + "|".join(" --- " for _ in block.columns) + "|")
            for row in block.rows:
                lines.append("| " + " | ".join(_md_text(_cell(c)) for c in row) + " |")
            lines.append("")
        else:
            name, caption = block
            lines += [f"![{_md_text(caption)}]({name})", "", f"*{_md_text(caption)}*", ""]
    if "map.html" in report.files:
        lines += ["Map: [map.html](map.html)", ""]
    return "\n".join(lines)


def render_html(report: Report) -> str:
    """Render the report as one HTML page (charts as linked SVG files; text escaped)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(report.title)}</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;"
        "padding:.2em .5em;text-align:left}th{background:#eee}td.n{text-align:right}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>{e(report.title)}</h1>",
    ]
    parts += [f"<p>{e(p)}</p>" for p in report.paragraphs]
    for block in report.blocks:
        if isinstance(block, Table):
            parts.append(f"<h2>{e(block.title)}</h2>")
            if block.note:
                parts.append(f"<p>{e(block.note)}</p>")
            if not block.rows:
                parts.append("<p>(none)</p>")
                continue
            parts.append(
                "<table><thead><tr>"
                + "".join(f"<th>{e(c)}</th>" for c in block.columns)
                + "</tr></thead><tbody>"
            )
            for row in block.rows:
                cells = "".join(
                    f'<td class="n">{e(_cell(c))}</td>'
                    if isinstance(c, (int, float))
                    else f"<td>{e(_cell(c))}</td>"
                    for c in row
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody></table>")
        else:
            name, caption = block
            parts.append(
                f'<figure><img src="{e(name)}" alt="{e(caption)}">'
                f"<figcaption>{e(caption)}</figcaption></figure>"
            )
    if "map.html" in report.files:
        parts.append('<p><a href="map.html">Map of the affected elements</a></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


#: Every file a report folder may hold: an older folder of only these may be replaced.
REPORT_FILES = frozenset(
    {
        "report.md",
        "report.html",
        "results.json",
        "map.html",
        "throughput.svg",
        "criticality.svg",
        "resilience.svg",
    }
)


def write_report(report: Report, out_dir: str | os.PathLike[str], fmt: str = "md") -> Path:
    """Write the report folder atomically and return its path.

    Raises
    ------
    DataError
        If ``fmt`` is not ``md`` or ``html``.
    """
    if fmt not in FORMATS:
        raise DataError(f"report format {fmt!r} is not one of {', '.join(FORMATS)}")
    text = render_markdown(report) if fmt == "md" else render_html(report)
    files = {
        f"report.{fmt}": text.encode("utf-8"),
        "results.json": strict_json.dumps(
            report.data, indent=1, ensure_ascii=False, default=str
        ).encode("utf-8"),
        **report.files,
    }
    return write_folder_atomic(out_dir, files, kind="report")


# --- charts -------------------------------------------------------------------------------


def _svg(draw: Callable[[Any], None], width_in: float = 7.0, height_in: float = 3.6) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context({"svg.hashsalt": "mobility", "svg.fonttype": "none"}):
        figure, axis = plt.subplots(figsize=(width_in, height_in))
        try:
            draw(axis)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        finally:
            plt.close(figure)
    return buffer.getvalue()


def throughput_chart(impact: Impact) -> bytes:
    """Bars of baseline and perturbed throughput per mode and vehicle class."""
    keys = [t.key for t in impact.throughput]
    base = [t.baseline_vehicles_per_day for t in impact.throughput]
    now = [t.vehicles_per_day for t in impact.throughput]

    def draw(axis: Any) -> None:
        positions = range(len(keys))
        axis.bar([p - 0.2 for p in positions], base, width=0.4, label="baseline", color="#9aa9b8")
        axis.bar(
            [p + 0.2 for p in positions], now, width=0.4, label=impact.perturbation, color="#c0392b"
        )
        axis.set_xticks(list(positions), keys, rotation=20, ha="right", fontsize=8)
        axis.set_ylabel("vehicles per day")
        axis.legend(fontsize=8)

    return _svg(draw)


def criticality_chart(ranked: Sequence[CriticalElement], metric: str) -> bytes:
    """Draw horizontal bars of the top elements by ``metric`` (a :class:`CriticalElement` field)."""
    labels = [r.element.describe() for r in ranked][::-1]
    values = [float(getattr(r, metric)) for r in ranked][::-1]

    def draw(axis: Any) -> None:
        axis.barh(range(len(values)), values, color="#c0392b")
        axis.set_yticks(range(len(labels)), labels, fontsize=7)
        axis.set_xlabel(metric.replace("_", " "))

    return _svg(draw, height_in=max(2.5, 0.3 * len(labels) + 1))


def resilience_chart(points: Sequence[dict[str, Any]]) -> bytes:
    """Metric shares against the number of failures: mean line, 10-90 % band."""
    ks = [p["failures"] for p in points]

    def draw(axis: Any) -> None:
        for name, colour in (
            ("road_share", "#2c7fb8"),
            ("rail_share", "#7b3294"),
            ("stranded_share", "#c0392b"),
        ):
            mean = [p[name]["mean"] for p in points]
            axis.plot(ks, mean, marker="o", color=colour, label=METRICS[name])
            axis.fill_between(
                ks,
                [p[name]["p10"] for p in points],
                [p[name]["p90"] for p in points],
                color=colour,
                alpha=0.15,
            )
        axis.set_xlabel("elements failed at random")
        axis.set_ylabel("share")
        axis.set_ylim(-0.02, 1.05)
        axis.legend(fontsize=7)

    return _svg(draw)


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
    metric = {"stranded": "stranded", "throughput": "throughput_loss", "time": "extra_time_h"}[by]
    if ranked:
        report.chart(
            "criticality.svg",
            f"Top elements by {metric.replace('_', ' ')}",
            criticality_chart(ranked, metric),
        )
    report.data = {
        "by": by,
        "ranking": [r.to_dict() for r in ranked],
        "baseline": baseline.summary(),
    }
    if curve:
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
    if monte_carlo is not None:
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
    if network is not None and ranked:
        _criticality_map(report, network, ranked, metric)
    return report


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
