"""Static companions of a plan map: a Gantt chart of the movement table and utilisation charts.

Drawn with matplotlib's Agg backend (no display needed) and returned as PNG
bytes, so that :func:`mobility.schedule.plan_files.write_plan` writes them
atomically with the plan folder.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from mobility.maps.plan_view import PlanView
from mobility.maps.render import PALETTE
from mobility.maps.timeline import column_track, is_train
from mobility.model.clock import LOCAL_TIME

CHART_FILES = ("gantt.png", "utilisation.png")
DPI = 100
TOP_RESOURCES = 25


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(LOCAL_TIME)


def _num(moment: datetime) -> float:
    """Matplotlib's date number of an aware time."""
    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def _days(span: timedelta) -> float:
    return span.total_seconds() / 86400


def _time_axis(axis: Any) -> None:
    formatter = mdates.DateFormatter("%a %d %H:%M", tz=LOCAL_TIME)  # type: ignore[no-untyped-call]
    axis.xaxis.set_major_formatter(formatter)
    axis.tick_params(axis="x", labelrotation=30)


def gantt_png(view: PlanView) -> bytes:
    """Gantt chart: one bar per movement from start to clearance, grouped by request.

    Bars are coloured by request; halts are drawn lighter and the due time
    of a late movement as a black tick.
    """
    colours: dict[str, str] = {}
    for row in view.movements:  # the map's colours: by first departure
        colours.setdefault(str(row.get("request")), PALETTE[len(colours) % len(PALETTE)])
    rows = sorted(view.movements, key=lambda m: (str(m.get("request")), m["start"]))
    height_in = min(40.0, 2.0 + 0.12 * len(rows))
    figure, axis = plt.subplots(figsize=(12, height_in))
    request_rows: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        request = str(row.get("request"))
        colour = colours[request]
        request_rows[request].append(index)
        start, clear = _time(row["start"]), _time(row["clear"])
        axis.barh(index, _days(clear - start), left=_num(start), height=0.8, color=colour, lw=0)
        for halt in row.get("halts") or []:
            begin, end = _time(halt["start"]), _time(halt["end"])
            axis.barh(index, _days(end - begin), left=_num(begin), height=0.8, color="w", alpha=0.5)
        if int(row.get("late_min") or 0) > 0:
            axis.plot([_num(_time(row["due"]))], [index], marker="|", color="black", markersize=8)
    axis.set_yticks(
        [sum(i) / len(i) for i in request_rows.values()], list(request_rows), fontsize=8
    )
    axis.invert_yaxis()
    axis.set_xlim(_num(view.start), _num(view.start + timedelta(seconds=view.horizon_s)))
    _time_axis(axis)
    axis.grid(axis="x", alpha=0.3)
    axis.set_title(f"{view.scenario}: {len(rows)} movements, start to clearance (Dutch time)")
    return _png(figure)


def utilisation_png(view: PlanView) -> bytes:
    """Columns on the road per 15 minutes, and peak use / capacity of the busiest resources."""
    step_s = 900
    tracks = [
        column_track(row, view.start)
        for row in view.movements
        if not is_train(row) or row.get("checkpoints")  # a train's road leg, if any
    ]
    times = list(range(0, max(view.horizon_s, step_s), step_s))
    on_road = [sum(1 for t in tracks if t.start_s <= moment <= t.end_s) for moment in times]
    ratio: dict[str, dict[datetime, float]] = defaultdict(dict)
    for row in view.utilisation:
        if int(row["capacity"]) > 0:
            ratio[str(row["name"])][_time(str(row["hour"]))] = int(row["peak"]) / int(
                row["capacity"]
            )
    busiest = sorted(ratio, key=lambda name: (-max(ratio[name].values()), name))[:TOP_RESOURCES]
    figure, (top, bottom) = plt.subplots(
        2, 1, figsize=(12, 3 + 0.25 * max(len(busiest), 4)), sharex=True,
        gridspec_kw={"height_ratios": [1, max(1.0, len(busiest) / 8)]},
    )  # fmt: skip
    moments = [view.start + timedelta(seconds=t) for t in times]
    top.step(moments, on_road, where="post", color="#1f77b4")
    top.set_ylabel("columns on the road")
    top.grid(alpha=0.3)
    top.set_title(f"{view.scenario}: columns on the road and resource utilisation")
    hours = [view.start + timedelta(hours=h) for h in range(view.horizon_s // 3600 + 1)]
    if busiest:
        grid = [
            [ratio[name].get(hour.astimezone(LOCAL_TIME), 0.0) for hour in hours[:-1]]
            for name in busiest
        ]
        image = bottom.pcolormesh(
            hours, range(len(busiest) + 1), grid, cmap="YlOrRd", vmin=0, vmax=1, shading="flat"
        )
        bottom.set_yticks([i + 0.5 for i in range(len(busiest))], busiest, fontsize=7)
        bottom.invert_yaxis()
        figure.colorbar(image, ax=bottom, label="peak / capacity", pad=0.01)
    else:
        bottom.text(
            0.5, 0.5, "no resource utilisation in the plan", ha="center", transform=bottom.transAxes
        )
    _time_axis(bottom)
    return _png(figure)


def plan_charts(view: PlanView) -> dict[str, bytes]:
    """``gantt.png`` and ``utilisation.png`` of a plan."""
    return {"gantt.png": gantt_png(view), "utilisation.png": utilisation_png(view)}
