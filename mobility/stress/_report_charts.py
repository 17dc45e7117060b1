"""The stress reports' charts as SVG (matplotlib).

The charts draw on a :class:`~matplotlib.figure.Figure` of their own:
nothing here selects a backend or touches pyplot's global state. The SVG
files are reproducible: no dates or random ids in them.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mobility.stress._measures import Impact
from mobility.stress.critical import CriticalElement
from mobility.stress.montecarlo import METRICS

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _svg(draw: Callable[[Axes], None], width_in: float = 7.0, height_in: float = 3.6) -> bytes:
    """Draw on a new figure and return it as SVG: no backend chosen, no pyplot state."""
    # Imported here: matplotlib loads only when a report draws a chart.
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.hashsalt": "mobility", "svg.fonttype": "none"}):
        figure = Figure(figsize=(width_in, height_in))
        draw(figure.add_subplot())
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def throughput_chart(impact: Impact) -> bytes:
    """Bars of baseline and perturbed throughput per mode and vehicle class."""
    keys = [t.key for t in impact.throughput]
    base = [t.baseline_vehicles_per_day for t in impact.throughput]
    now = [t.vehicles_per_day for t in impact.throughput]

    def draw(axis: Axes) -> None:
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

    def draw(axis: Axes) -> None:
        axis.barh(range(len(values)), values, color="#c0392b")
        axis.set_yticks(range(len(labels)), labels, fontsize=7)
        axis.set_xlabel(metric.replace("_", " "))

    return _svg(draw, height_in=max(2.5, 0.3 * len(labels) + 1))


def resilience_chart(points: Sequence[dict[str, Any]]) -> bytes:
    """Metric shares against the number of failures: mean line, 10-90 % band."""
    ks = [p["failures"] for p in points]

    def draw(axis: Axes) -> None:
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
