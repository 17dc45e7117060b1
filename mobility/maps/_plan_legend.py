"""The title lines and legend sections of a plan map.

The title box tells what was planned and how well (the headline, KPIs and
the split by mode); the legend explains the route colours, the segment load
ramps, the trains and lists the largest civilian delays by road section.
"""

from __future__ import annotations

from typing import Any

import folium

from mobility.maps._elements import JsCall
from mobility.maps._payload import DELAY_COLOURS, LOAD_COLOURS, TRAIN_COLOUR
from mobility.maps.plan_view import PlanView
from mobility.model.clock import LOCAL_TIME
from mobility.schedule.civilian import delay_by_section
from mobility.schedule.headline import headline, validity_line

#: Route legends with at most this many entries open when the page opens.
LEGEND_OPEN_MAX = 12
MODE_KPIS = (
    ("rail_movements", "trains"),
    ("rail_vehicles", "vehicles by rail"),
    ("road_vehicles", "vehicles by road"),
)
#: Road sections and hours listed in the map's civilian delay table (largest first).
SECTION_DELAYS_SHOWN = 20


def _count(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def kpi_lines(view: PlanView) -> list[str]:
    """Lines of the plan map's title box: validity, headline, KPIs, modes, baseline."""
    summary = view.summary
    kpis = summary.get("kpis") or {}
    invalid = validity_line(summary)
    lines = [
        *([invalid] if invalid else []),
        f"{headline(summary)}; {len(view.movements):,} movements, "
        f"start {view.start.astimezone(LOCAL_TIME):%a %d %b %Y %H:%M}, "
        f"{view.horizon_s / 3600:g} h",
    ]
    if kpis:
        share = kpis.get("on_time_share")
        lines.append(
            f"on time {'-' if share is None else f'{float(share):.0%}'}, lateness "
            f"{kpis.get('total_lateness_min', '-')} min (max {kpis.get('max_lateness_min', '-')})"
        )
        lines.append(
            f"civilian delay {kpis.get('civilian_delay_vh', '-')} veh-h, peak column-hours "
            f"{kpis.get('peak_column_h', '-')}"
        )
        gap = kpis.get("gap")
        lines.append(
            f"{kpis.get('method', '?')} {kpis.get('solver_status', '')}"
            + ("" if gap is None else f", gap {float(gap):.1%}")
            + f", makespan {kpis.get('makespan', '-')}"
        )
    split = [f"{label} {_count(kpis[key])}" for key, label in MODE_KPIS if key in kpis]
    if split:
        lines.append(", ".join(split))
    baseline = summary.get("baseline")
    if baseline:
        lines.append(f"greedy baseline: civilian delay {baseline.get('civilian_delay_vh')} veh-h")
    return lines


def _section(fmap: folium.Map, section: str, items: list[dict[str, Any]], **extra: Any) -> None:
    JsCall("legend", fmap, data={"section": section, "items": items, **extra}).add_to(fmap)


def add_plan_legends(
    fmap: folium.Map,
    view: PlanView,
    *,
    routes: list[dict[str, Any]],
    colour_by: str,
    max_cols: int,
    max_delay: float,
    trains: bool,
) -> None:
    """Add the legend sections of a plan map.

    Parameters
    ----------
    fmap
        The map.
    view
        The plan (for the civilian delay table).
    routes
        Legend entries of the route colours (``label``, ``colour``).
    colour_by
        What the route colours stand for.
    max_cols, max_delay
        Top of the segment load ramps (columns per hour, vehicle-hours).
    trains
        Whether the plan moves anything by train (adds the trains section).
    """
    _section(
        fmap,
        f"Routes and columns by {colour_by}",
        routes,
        open=len(routes) <= LEGEND_OPEN_MAX,
    )
    _section(
        fmap,
        "Segment load (hour of the chosen time)",
        [
            {
                "label": f"columns per hour, 1 to {max_cols}",
                "kind": "ramp",
                "colours": list(LOAD_COLOURS),
            },
            {
                "label": f"civilian delay, up to {max_delay:.1f} veh-h (est.)",
                "kind": "ramp",
                "colours": list(DELAY_COLOURS),
            },
        ],
    )
    add_section_delays(fmap, view)
    if trains:
        _section(
            fmap,
            "Trains",
            [
                {"label": "rail path", "colour": TRAIN_COLOUR, "dash": True},
                {"label": "train under way (ring: its colour)", "kind": "train"},
                {"label": "train loading at its terminal", "kind": "train-loading"},
            ],
        )


def add_section_delays(fmap: folium.Map, view: PlanView) -> None:
    """Add a legend section listing the largest civilian delays by road section and hour.

    Each row names the road, direction, day type and local hour, the delay
    and the demand's source (``measured`` with its file, or ``default``),
    so that a road authority can see where the number comes from.
    """
    sections = delay_by_section(view.movements)
    if not sections:
        return
    top = sections[0].delay_vh or 1.0
    items: list[dict[str, Any]] = [
        {
            "label": (
                f"{s.road} {s.direction}, {s.day} {s.hour}: {s.delay_vh:.1f} veh-h, "
                f"{s.movements} movement{'s' if s.movements != 1 else ''}; demand {s.demand} "
                f"({s.source})"
            ),
            "kind": "point",
            "colour": DELAY_COLOURS[
                min(len(DELAY_COLOURS) - 1, int(s.delay_vh / top * len(DELAY_COLOURS)))
            ],
        }
        for s in sections[:SECTION_DELAYS_SHOWN]
    ]
    if len(sections) > SECTION_DELAYS_SHOWN:
        rest = sum(s.delay_vh for s in sections[SECTION_DELAYS_SHOWN:])
        items.append(
            {
                "label": f"{len(sections) - SECTION_DELAYS_SHOWN} more road sections and "
                f"hours: {rest:.1f} veh-h (movement_table.json, civilian_delay)",
                "kind": "point",
                "colour": DELAY_COLOURS[0],
            }
        )
    _section(fmap, "Civilian delay by road section and hour", items, open=False)
