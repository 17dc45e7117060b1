from __future__ import annotations

import subprocess
import sys

from mobility.stress._report_charts import criticality_chart, resilience_chart, throughput_chart
from mobility.stress.critical import criticality
from mobility.stress.impact import StressContext
from mobility.stress.montecarlo import METRICS
from mobility.stress.perturbation import Perturbation


def test_throughput_chart_is_a_reproducible_svg(tiny_context: StressContext) -> None:
    impact = tiny_context.evaluate(Perturbation("bridge down").with_closures(["Short bridge"]))
    svg = throughput_chart(impact)
    assert svg.startswith(b"<?xml") and b"<svg" in svg
    text = svg.decode("utf-8")
    # Text stays text (svg.fonttype none): the bars' labels can be read and searched.
    assert all(key in text for key in ("road/man-hx2-6x6", "bridge down", "vehicles per day"))
    assert throughput_chart(impact) == svg  # no dates or random ids


def test_criticality_and_resilience_charts_name_what_they_show(
    tiny_context: StressContext,
) -> None:
    ranked = criticality(tiny_context, mode="road")
    text = criticality_chart(ranked, "extra_time_h").decode("utf-8")
    assert "Short bridge (bridge, A1, way 204)" in text and "extra time h" in text
    spread = {"mean": 0.5, "p10": 0.25, "p90": 0.75}
    points = [{"failures": k, **dict.fromkeys(METRICS, spread)} for k in (0, 1, 2)]
    curve = resilience_chart(points).decode("utf-8")
    assert METRICS["road_share"] in curve and "elements failed at random" in curve


def test_drawing_a_chart_selects_no_backend_and_opens_no_pyplot() -> None:
    # A notebook's backend stays as it was (the charts used to switch it to Agg).
    code = (
        "import sys, matplotlib\n"
        "from mobility.stress._report_charts import resilience_chart\n"
        "point = {'failures': 0, **dict.fromkeys(\n"
        "    ('road_share', 'rail_share', 'stranded_share'), {'mean': 1, 'p10': 1, 'p90': 1})}\n"
        "assert resilience_chart([point]).startswith(b'<?xml')\n"
        "print('matplotlib.pyplot' in sys.modules, matplotlib.get_backend())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"MPLBACKEND": "pdf", "PATH": "", "PYTHONPATH": ":".join(sys.path)},
    ).stdout.split()
    assert out == ["False", "pdf"]
