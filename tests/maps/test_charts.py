from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime, timedelta

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib import image
from matplotlib.figure import Figure

from mobility.maps import PlanView
from mobility.maps.charts import (
    ALWAYS_SHOWN,
    CHART_FILES,
    gantt_chart,
    gantt_png,
    plan_charts,
    ranked_resources,
    shorten,
    utilisation_chart,
    utilisation_png,
)
from mobility.model.clock import LOCAL_TIME
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


def _local_ticks(locator_values: list[float]) -> list[datetime]:
    return [mdates.num2date(v, tz=LOCAL_TIME) for v in locator_values]  # type: ignore[no-untyped-call]


def test_gantt_ticks_sit_at_local_midnight_and_regular_hours_across_a_clock_change() -> None:
    # 24 to 27 October 2026: summer time ends on the 25th (03:00 CEST -> 02:00 CET).
    start = datetime(2026, 10, 24, 6, 0, tzinfo=LOCAL_TIME)
    view = hand_view()
    view = PlanView(view.scenario, start, 3 * 86400, [], {}, view.summary, [])
    axis = gantt_chart(view)
    low, high = axis.get_xlim()
    majors = _local_ticks([t for t in axis.xaxis.get_majorticklocs() if low <= t <= high])
    minors = _local_ticks([t for t in axis.xaxis.get_minorticklocs() if low <= t <= high])
    assert [(m.day, m.hour, m.minute) for m in majors] == [(25, 0, 0), (26, 0, 0), (27, 0, 0)]
    assert minors and all(m.hour % 6 == 0 and m.minute == 0 for m in minors)
    # Every local 6-hour mark is a tick (midnight a major one), also on both sides of the change.
    # 72 h from 06:00 CEST end at 05:00 CET on the 27th (the night has 25 hours).
    marks = {(m.day, m.hour) for m in majors + minors}
    assert marks == {(24, 6), (24, 12), (24, 18), (27, 0)} | {
        (d, h) for d in (25, 26) for h in (0, 6, 12, 18)
    }
    labels = [axis.xaxis.get_major_formatter()(v) for v in axis.xaxis.get_majorticklocs()]
    assert any(label.startswith("Sun 25 Oct") and label.endswith("00:00") for label in labels)


def test_gantt_labels_movements_and_has_a_legend_for_halts_and_late_movements() -> None:
    late = hand_movement("24-NLD-002", "Late unit")
    late["late_min"] = 5
    view = hand_view([hand_movement(), late])
    axis = gantt_chart(view)
    labels = [t.get_text() for t in axis.get_yticklabels()]
    assert labels == ["24-NLD-001 Test unit", "24-NLD-002 Late unit"]
    # A long name is cut with an ellipsis, never in the middle of a word without one.
    long = hand_movement("25-NLD-001", "Logistics Battalion (first echelon)")
    (label,) = [t.get_text() for t in gantt_chart(hand_view([long])).get_yticklabels()]
    assert label == "25-NLD-001 Logistics Battalion (first e\u2026" and len(label) == 40
    assert shorten("Port of Vlissingen (Vlissingen-Oost, Sloehaven)", 38) == (
        "Port of Vlissingen (Vlissingen-Oost\u2026"
    )
    legend = axis.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["REQ-1", "halt", "due (late)"]
    hours = _local_ticks(list(axis.xaxis.get_minorticklocs()))
    assert all(h.hour % 3 == 0 and h.minute == 0 for h in hours)  # a 6 h plan: every 3 h


def test_gantt_bars_are_two_collections_with_the_corners_of_barh() -> None:
    late = hand_movement("24-NLD-002", "Late unit")
    late["late_min"] = 5
    view = hand_view([hand_movement(), late])
    axis = gantt_chart(view)
    assert not axis.patches  # no artist per bar
    bars, halts = axis.collections
    reference = Figure().add_subplot()
    for collection, height in ((bars, 0.8), (halts, 0.5)):
        assert len(collection.get_paths()) == 2
        for row, path in enumerate(collection.get_paths()):
            movement = view.movements[row]
            begin, end = (
                (movement["start"], movement["clear"])
                if collection is bars
                else (movement["halts"][0]["start"], movement["halts"][0]["end"])
            )
            left = mdates.date2num(datetime.fromisoformat(begin))  # type: ignore[no-untyped-call]
            width = (
                datetime.fromisoformat(end) - datetime.fromisoformat(begin)
            ).total_seconds() / 86400
            (rectangle,) = reference.barh(row, width, left=left, height=height)
            assert path.get_extents().get_points() == pytest.approx(
                rectangle.get_bbox().get_points(), abs=1e-12
            )
    assert halts.get_alpha() == 0.8
    (due,) = [line for line in axis.get_lines() if np.size(line.get_xdata())]
    assert np.asarray(due.get_ydata()).tolist() == [1]  # only the late movement, on its row
    assert due.get_linestyle() == "None" and due.get_marker() == "|"


def _use(resource: str, name: str, hour: int, peak: int, capacity: int) -> dict[str, object]:
    start = datetime(2026, 11, 24, tzinfo=LOCAL_TIME)
    moment = (start + timedelta(hours=hour)).isoformat()
    return {"resource": resource, "name": name, "hour": moment, "peak": peak, "capacity": capacity}


def test_utilisation_ranks_by_hours_at_capacity_and_always_keeps_structures_ports_crossings() -> (
    None
):
    rows = [
        # 30 junctions full for one hour each: more than the chart's other rows.
        *(_use(f"junction:{i}", f"A junction {i:02d}", 1, 2, 2) for i in range(30)),
        _use("junction:99", "Z junction busy", 1, 2, 2),
        _use("junction:99", "Z junction busy", 2, 2, 2),
        _use("junction:99", "Z junction busy", 3, 2, 2),
        _use("structure:Moerdijkbrug/N", "Moerdijkbrug N", 1, 1, 2),
        _use("port:spod-rotterdam", "Port of Rotterdam", 2, 1, 1),
        _use("port:spod-rotterdam", "Port of Rotterdam", 3, 1, 1),
        _use("border:bcp-venlo", "Venlo (A67/A40)", 5, 1, 4),
        _use("rail_border:bcp-rail", "Emmerich rail", 5, 1, 1),
    ]
    base = hand_view()
    view = PlanView(base.scenario, base.start, 12 * 3600, [], {}, base.summary, rows)
    ranked = ranked_resources(view, top=10)
    names = [u.name for u in ranked]
    assert names[0] == "Z junction busy" and ranked[0].full_h == 3
    assert names[1] == "Port of Rotterdam" and ranked[1].full_h == 2
    for kept in ("Moerdijkbrug N", "Venlo (A67/A40)", "Emmerich rail"):
        assert kept in names  # not at capacity, still shown
    assert len(ranked) == 10 and {u.kind for u in ranked} >= set(ALWAYS_SHOWN)
    # Ties at capacity are broken by peak, then name: junctions 00.. come in order.
    junctions = [n for n in names if n.startswith("A junction")]
    assert junctions == sorted(junctions) and junctions[0] == "A junction 00"
    figure = Figure()
    axes = figure.subplots(2, 1, sharex=True)
    _, bottom = utilisation_chart(view, (axes[0], axes[1]))
    labels = [t.get_text() for t in bottom.get_yticklabels()]
    assert labels[0] == "Z junction busy (junction; 3 h full)"
    assert "Moerdijkbrug N (bridge/tunnel; peak 50%)" in labels
    bold = [t.get_text() for t in bottom.get_yticklabels() if t.get_fontweight() == "bold"]
    assert "Moerdijkbrug N (bridge/tunnel; peak 50%)" not in bold and labels[0] in bold


def test_importing_the_charts_selects_no_backend_and_opens_no_pyplot() -> None:
    code = (
        "import sys, matplotlib; import mobility.maps.charts; "
        "print('matplotlib.pyplot' in sys.modules, matplotlib.rcParams['backend'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"MPLBACKEND": "svg", "PATH": "", "PYTHONPATH": ":".join(sys.path)},
    ).stdout.split()  # fmt: skip
    assert out == ["False", "svg"]


def test_the_two_utilisation_panels_share_their_time_axis_to_the_pixel() -> None:
    top, bottom = utilisation_chart(hand_view([hand_movement()]))
    line, heat = top.get_position(), bottom.get_position()
    assert (line.x0, line.x1) == pytest.approx((heat.x0, heat.x1))
    assert top.get_xlim() == bottom.get_xlim()
