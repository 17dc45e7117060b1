from __future__ import annotations

import io

from matplotlib import image

from mobility.maps import PlanView
from mobility.maps.charts import CHART_FILES, gantt_png, plan_charts, utilisation_png
from tests.maps.conftest import hand_movement, hand_view

PNG = b"\x89PNG\r\n\x1a\n"


def test_plan_charts_are_pngs_with_content(tiny_view: PlanView) -> None:
    charts = plan_charts(tiny_view)
    assert tuple(charts) == CHART_FILES
    for content in charts.values():
        assert content.startswith(PNG)
        pixels = image.imread(io.BytesIO(content))
        assert pixels.shape[0] > 200 and pixels.shape[1] > 600
        assert pixels.std() > 0.05  # not a blank canvas


def test_charts_of_a_late_movement_and_of_a_plan_without_utilisation() -> None:
    late = hand_movement()
    late["late_min"] = 5
    view = hand_view([late])
    assert gantt_png(view).startswith(PNG)
    empty = PlanView(view.scenario, view.start, view.horizon_s, [], {}, view.summary, [])
    assert utilisation_png(empty).startswith(PNG) and gantt_png(empty).startswith(PNG)
