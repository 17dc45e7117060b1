"""Static companions of a plan map: a Gantt chart of the movement table and utilisation charts.

The charts draw on a matplotlib :class:`~matplotlib.axes.Axes` given by the
caller (``ax``) or on a new :class:`~matplotlib.figure.Figure` of their own;
nothing here selects a backend or touches pyplot's global state, so the
module is free of side effects on import. The ``*_png`` functions return PNG
bytes, which :func:`mobility.schedule.plan_files.write_plan` writes
atomically with the plan folder. Times are Dutch local time
(:data:`~mobility.model.clock.LOCAL_TIME`): the time axis has a major tick
at every local midnight and minor ticks at regular local hours.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from mobility.maps._colours import UNIT_PALETTE
from mobility.maps._timeline import column_track, columns_on_road, is_train
from mobility.maps.plan_view import PlanView
from mobility.model.clock import LOCAL_TIME, add_seconds

CHART_FILES = ("gantt.png", "utilisation.png")
DPI = 100
#: Rows of the utilisation chart besides those always shown (see ALWAYS_SHOWN).
TOP_RESOURCES = 25
#: Resource kinds (the part of a resource id before ``:``) always shown when used:
#: bridges and tunnels, ports, road and rail border crossings.
ALWAYS_SHOWN = {
    "structure": "bridge/tunnel",
    "port": "port",
    "border": "crossing",
    "rail_border": "rail crossing",
}
#: Up to this many movements, each has its own labelled row in the Gantt chart.
LABEL_ROWS_MAX = 150
HALT_COLOUR = "#ffffff"
DUE_COLOUR = "#000000"


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return buffer.getvalue()


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(LOCAL_TIME)


def _num(moment: datetime) -> float:
    """Matplotlib's date number of an aware time."""
    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis where cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,(") + "\u2026"


def _days(begin: datetime, end: datetime) -> float:
    """Elapsed days from ``begin`` to ``end`` (not wall-clock: a clock change counts)."""
    return (end.timestamp() - begin.timestamp()) / 86400


def minor_step_h(horizon_s: float) -> int:
    """Hours between minor ticks: 3 up to two days, 6 up to four, else 12."""
    days = horizon_s / 86400
    return 3 if days <= 2 else 6 if days <= 4 else 12


def time_axis(axis: Axes, horizon_s: float) -> None:
    """Ticks in Dutch local time: labelled majors at midnight, minors every few hours.

    The minor ticks are labelled with the hour while the horizon is at most
    two days.
    """
    step = minor_step_h(horizon_s)
    day = mdates.DayLocator(tz=LOCAL_TIME)  # type: ignore[no-untyped-call]
    hours = mdates.HourLocator(byhour=range(0, 24, step), tz=LOCAL_TIME)  # type: ignore[no-untyped-call]
    axis.xaxis.set_major_locator(day)
    axis.xaxis.set_major_formatter(
        mdates.DateFormatter("%a %d %b\n00:00", tz=LOCAL_TIME)  # type: ignore[no-untyped-call]
    )
    axis.xaxis.set_minor_locator(hours)
    if step <= 3:
        axis.xaxis.set_minor_formatter(
            mdates.DateFormatter("%H:%M", tz=LOCAL_TIME)  # type: ignore[no-untyped-call]
        )
    axis.tick_params(axis="x", which="major", length=8, labelsize=8)
    axis.tick_params(axis="x", which="minor", length=3, labelsize=7, colors="#555555")
    axis.grid(axis="x", which="major", alpha=0.5)
    axis.grid(axis="x", which="minor", alpha=0.15)


def _axes(ax: Axes | None, size_in: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    figure = Figure(figsize=size_in)
    return figure.add_subplot()


def request_colours(view: PlanView) -> dict[str, str]:
    """Return the map's colour of each request (palette order by first appearance)."""
    colours: dict[str, str] = {}
    for row in view.movements:
        colours.setdefault(str(row.get("request")), UNIT_PALETTE[len(colours) % len(UNIT_PALETTE)])
    return colours


def gantt_chart(view: PlanView, ax: Axes | None = None) -> Axes:
    """Gantt chart: one bar per movement from start to clearance, grouped by request.

    Bars take the request's map colour; halts are white inserts and the due
    time of a late movement a black tick (both in the legend). Up to
    :data:`LABEL_ROWS_MAX` movements, every row is labelled with its
    movement number and unit; above that, each request's rows carry its name.

    Parameters
    ----------
    view
        The plan.
    ax
        Axes to draw on (default: a new figure sized to the rows).

    Returns
    -------
    Axes
        The axes drawn on.
    """
    colours = request_colours(view)
    rows = sorted(view.movements, key=lambda m: (str(m.get("request")), m["start"]))
    axis = _axes(
        ax, (12, min(40.0, 2.5 + (0.16 if len(rows) <= LABEL_ROWS_MAX else 0.12) * len(rows)))
    )
    request_rows: dict[str, list[int]] = defaultdict(list)
    bars: list[tuple[float, float, int]] = []  # left, width in days, row
    bar_colours: list[str] = []
    halt_bars: list[tuple[float, float, int]] = []
    due: list[tuple[float, int]] = []
    for index, row in enumerate(rows):
        request = str(row.get("request"))
        request_rows[request].append(index)
        start, clear = _time(row["start"]), _time(row["clear"])
        bars.append((_num(start), _days(start, clear), index))
        bar_colours.append(colours[request])
        for halt in row.get("halts") or []:
            begin, end = _time(halt["start"]), _time(halt["end"])
            halt_bars.append((_num(begin), _days(begin, end), index))
        if int(row.get("late_min") or 0) > 0:
            due.append((_num(_time(row["due"])), index))
    # One collection per kind, not an artist per bar: a thousand bars draw in
    # a fraction of the time, and look the same (the rows do not overlap).
    axis.add_collection(_bar_collection(bars, 0.8, facecolors=bar_colours))
    halts = bool(halt_bars)
    if halts:
        axis.add_collection(_bar_collection(halt_bars, 0.5, facecolors=HALT_COLOUR, alpha=0.8))
    late = bool(due)
    if late:
        axis.plot(*zip(*due, strict=True), ls="none", marker="|", color=DUE_COLOUR, ms=9, mew=2)
    if len(rows) <= LABEL_ROWS_MAX:
        labels = [shorten(f"{row['movement']} {row.get('unit', '')}".strip(), 40) for row in rows]
        axis.set_yticks(range(len(rows)), labels, fontsize=6 if len(rows) > 60 else 7)
    else:
        centres = [sum(i) / len(i) for i in request_rows.values()]
        axis.set_yticks(centres, list(request_rows), fontsize=7)
    axis.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    axis.set_xlim(_num(view.start), _num(add_seconds(view.start, view.horizon_s)))
    time_axis(axis, view.horizon_s)
    handles = [Patch(color=colours[r], label=r) for r in list(request_rows)[:12]]
    if halts:
        handles.append(Patch(facecolor=HALT_COLOUR, edgecolor="#555555", label="halt"))
    if late:
        handles.append(
            axis.plot([], [], marker="|", ls="", color=DUE_COLOUR, ms=9, mew=2, label="due (late)")[
                0
            ]  # type: ignore[arg-type]
        )
    if handles:
        axis.legend(handles=handles, loc="upper right", fontsize=7, ncols=2, framealpha=0.9)
    axis.set_title(
        f"{view.scenario}: {len(rows)} movements, start to clearance "
        f"(Dutch time; ticks at midnight and every {minor_step_h(view.horizon_s)} h)"
    )
    return axis


def _bar_collection(
    bars: list[tuple[float, float, int]], height: float, **style: Any
) -> PolyCollection:
    """Horizontal bars (left, width, row) of ``height`` centred on their rows, as one artist.

    Each bar has the corners :meth:`~matplotlib.axes.Axes.barh` gives it.
    """
    verts = []
    for left, width, row in bars:
        bottom = row - height / 2
        right, top = left + width, bottom + height
        verts.append([(left, bottom), (right, bottom), (right, top), (left, top)])
    return PolyCollection(verts, **style)


@dataclass(frozen=True)
class ResourceUse:
    """How full one resource was over the plan.

    Attributes
    ----------
    resource, name, kind
        Resource id, its name and kind (the id before ``:``).
    full_h
        Hours in which its peak reached its capacity.
    peak_ratio
        Highest peak / capacity of any hour.
    by_hour
        Peak / capacity per hour, by the hour's POSIX timestamp.
    """

    resource: str
    name: str
    kind: str
    full_h: int
    peak_ratio: float
    by_hour: dict[int, float]


def ranked_resources(view: PlanView, top: int = TOP_RESOURCES) -> list[ResourceUse]:
    """Resources to chart, most binding first.

    Ranked by hours at capacity, then the highest peak / capacity, then
    name. Every used resource of a kind in :data:`ALWAYS_SHOWN` (bridges and
    tunnels, ports, crossings) is kept; the others fill up to ``top`` rows.
    """
    hours: dict[str, dict[int, float]] = defaultdict(dict)
    names: dict[str, str] = {}
    for row in view.utilisation:
        capacity = int(row["capacity"])
        if capacity <= 0:
            continue
        rid = str(row["resource"])
        names[rid] = str(row["name"])
        hours[rid][round(_time(str(row["hour"])).timestamp())] = int(row["peak"]) / capacity
    uses = [
        ResourceUse(
            resource=rid,
            name=names[rid],
            kind=rid.partition(":")[0],
            full_h=sum(1 for v in by_hour.values() if v >= 1.0),
            peak_ratio=max(by_hour.values()),
            by_hour=by_hour,
        )
        for rid, by_hour in hours.items()
    ]
    uses.sort(key=lambda u: (-u.full_h, -u.peak_ratio, u.name, u.resource))
    always = [u for u in uses if u.kind in ALWAYS_SHOWN]
    others = [u for u in uses if u.kind not in ALWAYS_SHOWN][: max(0, top - len(always))]
    kept = {u.resource for u in always + others}
    return [u for u in uses if u.resource in kept]


def _resource_label(use: ResourceUse) -> str:
    kind = ALWAYS_SHOWN.get(use.kind, use.kind.replace("_", " "))
    full = f"{use.full_h} h full" if use.full_h else f"peak {use.peak_ratio:.0%}"
    return f"{shorten(use.name, 38)} ({kind}; {full})"


def utilisation_chart(view: PlanView, axes: tuple[Axes, Axes] | None = None) -> tuple[Axes, Axes]:
    """Columns on the road per 15 minutes, and peak use / capacity of the binding resources.

    Parameters
    ----------
    view
        The plan.
    axes
        Two axes (top, bottom) to draw on, e.g. sharing their x axis
        (default: a new figure sized to the resources).

    Returns
    -------
    tuple of Axes
        The two axes drawn on.
    """
    step_s = 900
    tracks = [
        column_track(row, view.start)
        for row in view.movements
        if not is_train(row) or row.get("checkpoints")  # a train's road leg, if any
    ]
    times = list(range(0, max(view.horizon_s, step_s), step_s))
    on_road = columns_on_road(tracks, times)
    ranked = ranked_resources(view)
    if axes is None:
        figure = Figure(figsize=(12, 3 + 0.25 * max(len(ranked), 4)))
        top, bottom = figure.subplots(
            nrows=2,
            ncols=1,
            sharex=True,
            gridspec_kw={"height_ratios": [1, max(1.0, len(ranked) / 8)]},
        )
    else:
        top, bottom = axes
    moments = [_num(add_seconds(view.start, t)) for t in times]
    top.step(moments, on_road, where="post", color=UNIT_PALETTE[0])
    top.set_ylabel("columns on the road")
    top.grid(axis="y", alpha=0.3)
    top.set_title(
        f"{view.scenario}: columns on the road, and resources by hours at capacity "
        "(bridges, tunnels, ports and crossings always shown)"
    )
    hours = [add_seconds(view.start, 3600 * h) for h in range(view.horizon_s // 3600 + 1)]
    if ranked:
        grid = [
            [use.by_hour.get(round(hour.timestamp()), 0.0) for hour in hours[:-1]] for use in ranked
        ]
        image = bottom.pcolormesh(
            [_num(h) for h in hours],
            range(len(ranked) + 1),
            grid,
            cmap="YlOrRd",
            vmin=0,
            vmax=1,
            shading="flat",
        )
        bottom.set_yticks(
            [i + 0.5 for i in range(len(ranked))], [_resource_label(u) for u in ranked], fontsize=7
        )
        for tick, use in zip(bottom.get_yticklabels(), ranked, strict=True):
            if use.full_h:
                tick.set_fontweight("bold")
        bottom.set_ylim(len(ranked), 0)
        bottom.figure.colorbar(image, ax=bottom, label="peak / capacity", pad=0.01)
        # The colour bar narrows the heat map: the line chart above narrows with it,
        # so that a moment lies at the same x in both.
        line, heat = top.get_position(), bottom.get_position()
        top.set_position((heat.x0, line.y0, heat.width, line.height))
    else:
        bottom.text(
            0.5, 0.5, "no resource utilisation in the plan", ha="center", transform=bottom.transAxes
        )
    bottom.set_xlim(_num(view.start), _num(add_seconds(view.start, view.horizon_s)))
    time_axis(bottom, view.horizon_s)
    return top, bottom


def gantt_png(view: PlanView) -> bytes:
    """PNG of :func:`gantt_chart`."""
    axis = gantt_chart(view)
    return _png(axis.figure)  # type: ignore[arg-type]


def utilisation_png(view: PlanView) -> bytes:
    """PNG of :func:`utilisation_chart`."""
    top, _ = utilisation_chart(view)
    return _png(top.figure)  # type: ignore[arg-type]


def plan_charts(view: PlanView) -> dict[str, bytes]:
    """``gantt.png`` and ``utilisation.png`` of a plan."""
    return {"gantt.png": gantt_png(view), "utilisation.png": utilisation_png(view)}
