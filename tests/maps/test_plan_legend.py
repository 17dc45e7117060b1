"""The plan map's title lines and legend sections."""

from __future__ import annotations

import folium

from mobility.maps import PlanView, map_html, render_plan_map
from mobility.maps._plan_legend import (
    LEGEND_OPEN_MAX,
    SECTION_DELAYS_SHOWN,
    add_plan_legends,
    add_section_delays,
    kpi_lines,
)
from tests.maps.conftest import XSS, hand_movement, hand_view
from tests.maps.test_render import calls


def test_the_map_lists_civilian_delay_by_road_section_with_its_source(
    tiny_view: PlanView,
) -> None:
    page = map_html(render_plan_map(tiny_view))
    [table] = [c for c in calls(page, "legend") if c["section"].startswith("Civilian delay by")]
    rows = [row for m in tiny_view.movements for row in m.get("civilian_delay") or ()]
    assert rows and table["open"] is False
    largest = max(rows, key=lambda r: r["delay_vh"])
    first = table["items"][0]["label"]
    assert first.startswith(f"{largest['road']} {largest['direction']}, {largest['day']}")
    assert f"demand {largest['demand']} ({largest['source']})" in first
    # Text from the traffic file is data for textContent, never markup.
    movement = hand_movement()
    movement["civilian_delay"] = [
        {"road": "A1", "direction": "east", "hour": "08:00", "day": "working day",
         "delay_vh": 2.5, "demand": "measured", "source": f"counts.csv line 2 {XSS}"}
    ]  # fmt: skip
    page = map_html(render_plan_map(hand_view([movement])))
    assert XSS not in page
    [table] = [c for c in calls(page, "legend") if c["section"].startswith("Civilian delay by")]
    assert table["items"][0]["label"] == (
        f"A1 east, working day 08:00: 2.5 veh-h, 1 movement; demand measured "
        f"(counts.csv line 2 {XSS})"
    )


def test_kpi_lines_tell_the_headline_kpis_and_modes() -> None:
    view = hand_view([hand_movement()])
    view.summary["kpis"].update(
        {"total_lateness_min": 0, "max_lateness_min": 0, "method": "cp-sat",
         "solver_status": "OPTIMAL", "gap": 0.0, "makespan": "2 h",
         "rail_movements": 2, "road_vehicles": 1200}
    )  # fmt: skip
    lines = kpi_lines(view)
    assert "1 movements" in lines[0] and "Tue 24 Nov 2026 00:00" in lines[0] and "6 h" in lines[0]
    assert "on time 100%, lateness 0 min (max 0)" in lines
    assert "cp-sat OPTIMAL, gap 0.0%, makespan 2 h" in lines
    assert lines[-1] == "trains 2, vehicles by road 1,200"


def test_legends_open_the_routes_only_when_short_and_list_trains_only_with_trains() -> None:
    view = hand_view([hand_movement()])
    routes = [{"label": f"REQ-{i}", "colour": "#000000"} for i in range(LEGEND_OPEN_MAX + 1)]
    for items, trains in ((routes[:LEGEND_OPEN_MAX], False), (routes, True)):
        fmap = folium.Map(tiles=None)
        add_plan_legends(
            fmap, view, routes=items, colour_by="request", max_cols=3, max_delay=1.25, trains=trains
        )
        legends = calls(map_html(fmap), "legend")
        sections = [c["section"] for c in legends]
        assert sections[:2] == [
            "Routes and columns by request",
            "Segment load (hour of the chosen time)",
        ]
        assert legends[0]["open"] is (len(items) <= LEGEND_OPEN_MAX)
        assert ("Trains" in sections) is trains
        ramps = [item["label"] for item in legends[1]["items"]]
        assert ramps == ["columns per hour, 1 to 3", "civilian delay, up to 1.2 veh-h (est.)"]


def test_the_delay_table_keeps_the_largest_and_sums_the_rest() -> None:
    movement = hand_movement()
    movement["civilian_delay"] = [
        {"road": f"A{i}", "direction": "east", "hour": "08:00", "day": "working day",
         "delay_vh": float(i), "demand": "default", "source": "default"}
        for i in range(1, SECTION_DELAYS_SHOWN + 4)
    ]  # fmt: skip
    fmap = folium.Map(tiles=None)
    add_section_delays(fmap, hand_view([movement]))
    (table,) = calls(map_html(fmap), "legend")
    assert len(table["items"]) == SECTION_DELAYS_SHOWN + 1
    assert table["items"][0]["label"].startswith(f"A{SECTION_DELAYS_SHOWN + 3} east")
    assert table["items"][-1]["label"].startswith("3 more road sections and hours: 6.0 veh-h")
    # No delay, no table.
    fmap = folium.Map(tiles=None)
    add_section_delays(fmap, hand_view([hand_movement()]))
    assert calls(map_html(fmap), "legend") == []
