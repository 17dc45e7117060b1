"""Trains (``"mode": "rail"`` rows) on the plan map, its payload and its charts."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mobility.errors import DataError
from mobility.maps import map_html, plan_payload, render_plan_map
from mobility.maps._geometry import cumulative_m, point_at
from mobility.maps._payload import TRAIN_COLOUR
from mobility.maps._timeline import column_track, km_at, segment_loads, train_track
from mobility.maps.charts import gantt_png, utilisation_png
from tests.maps.conftest import RAIL_LINE, START, hand_movement, hand_train, hand_view
from tests.maps.test_render import assert_offline, calls

HOSTILE = '</script><img src=x onerror="window.hacked=1">'


def _minutes(m: float) -> int:
    return round(m * 60)


def test_a_train_waits_at_its_terminal_while_loading_then_runs_to_the_border() -> None:
    payload = plan_payload(hand_view([hand_movement(), hand_train()]))
    road, rail = payload["movements"]
    assert road["mode"] == "road" and "train" not in road
    assert rail["mode"] == "rail" and rail["n"] == "24-NLD-T001"
    train = rail["train"]
    assert train["term"] == "Rail terminal" and train["border"] == "Border crossing"
    assert train["cpart"] == "Elsewhere (DE)" and train["band"] == "night"
    assert train["traction"] == "electric" and train["loco"] == "Test loco"
    assert train["wagons"] == 3 and train["len_m"] == 75.0 and train["max_len_m"] == 740.0
    assert train["gross_t"] == 341.0 and train["max_gross_t"] == 2000.0
    assert train["load"] == [_minutes(20), _minutes(55)] and train["dep"] == _minutes(55)
    assert train["arr"] == _minutes(90) and rail["late"] == 0
    assert [p[0] for p in train["path"]] == ["Havenspoorlijn", "Betuweroute"]
    assert [payload["names"][c[0]] for c in train["cp"]] == [
        "Rail terminal",
        "Station",
        "Border crossing",
    ]
    # The line is 2 km of road leg, then 30 km of rail; the train's knots run along all of it.
    route = payload["routes"][rail["route"]]
    assert train["off"] == 2.0 and route["km"] == 32.0
    (group,) = [g for g in payload["groups"] if g["mode"] == "rail"]
    assert group["road_km"] == 2.0 and group["movements"] == [1]
    head = [tuple(k) for k in train["head"]]
    assert head[0] == (_minutes(20), 2.0)  # shown from the start of loading ...
    for minute in (20, 30, 54, 55):  # ... at the terminal until departure
        assert km_at(head, _minutes(minute)) == pytest.approx(2.0)
    assert km_at(head, _minutes(70)) == pytest.approx(12.0)  # the station, 10 km of rail
    assert 12.0 < km_at(head, _minutes(80)) < 32.0
    assert km_at(head, _minutes(90)) == pytest.approx(32.0)  # the border, end of the line
    positions = [km_at(head, _minutes(m)) for m in range(55, 91, 5)]
    assert positions == sorted(positions) and positions[0] < positions[-1]
    assert train["tail"][-1][0] == _minutes(91)  # gone once its tail clears the border
    # The browser places the marker like this: at loading time it stands on the terminal.
    coords = [[lon, lat] for lat, lon in route["c"]]
    cumulative = cumulative_m(coords)
    scale = cumulative[-1] / route["km"]
    terminal = point_at(coords, cumulative, km_at(head, _minutes(30)) * scale)
    assert terminal == pytest.approx(tuple(RAIL_LINE[1]), abs=1e-4)
    # The road leg to the terminal moves as a column, as road rows do.
    assert rail["head"][0] == [0, 0.0] and rail["tail"][-1] == [_minutes(12), 2.0]
    assert payload["initial_s"] == _minutes(60)  # the road column and the train both under way


def test_a_train_adds_no_road_delay_estimate_and_a_local_transfer_has_no_road_leg() -> None:
    segments = segment_loads([hand_train()], START)
    (leg,) = segments
    assert leg.name == "Depot - Rail terminal" and leg.columns_by_hour == {0: 1}
    assert set(leg.delay_vh_by_hour.values()) == {0.0}
    local = hand_train()
    local.update(checkpoints=[], halts=[])
    (rail,) = plan_payload(hand_view([local]))["movements"]
    assert rail["head"] == [] and rail["tail"] == [] and rail["train"]["off"] == 0.0
    assert rail["train"]["head"][0] == [_minutes(20), 0.0]
    track = train_track(local, START)
    assert track.length_km == 30.0 and track.start_s == _minutes(20)
    assert track.end_s == _minutes(91)
    assert column_track(hand_train(), START).length_km == 2.0  # the road leg alone
    view = hand_view([hand_movement(), local])
    assert utilisation_png(view).startswith(b"\x89PNG") and gantt_png(view).startswith(b"\x89PNG")


def test_a_rail_row_without_its_train_is_named() -> None:
    broken: dict[str, Any] = hand_train("24-NLD-T009")
    del broken["train"]
    with pytest.raises(DataError, match="movement '24-NLD-T009' is a rail movement without"):
        plan_payload(hand_view([broken]))
    late = hand_train("24-NLD-T010")
    late["train"]["depart"] = "soon"
    with pytest.raises(DataError, match=r"movement '24-NLD-T010': 'soon' is not an ISO 8601"):
        plan_payload(hand_view([late]))


def test_the_map_shows_trains_in_legend_and_title_only_when_there_are_some() -> None:
    view = hand_view([hand_movement(), hand_train()])
    view.summary["kpis"].update(rail_movements=1, rail_vehicles=3, road_vehicles=1234)
    page = map_html(render_plan_map(view))
    assert_offline(page)
    (title,) = calls(page, "title")
    assert "trains 1, vehicles by rail 3, vehicles by road 1,234" in title["lines"]
    sections = {c["section"]: c["items"] for c in calls(page, "legend")}
    assert sections["Trains"][0] == {"label": "rail path", "colour": TRAIN_COLOUR, "dash": True}
    assert {item.get("kind") for item in sections["Trains"]} >= {"train", "train-loading"}
    (plan,) = calls(page, "plan")
    assert plan["train_colour"] == TRAIN_COLOUR
    road_only = map_html(render_plan_map(hand_view()))
    assert '"Trains"' not in road_only
    (title,) = calls(road_only, "title")
    assert not any("trains" in line for line in title["lines"])


def test_names_of_lines_terminals_and_borders_cannot_inject_markup() -> None:
    train = hand_train(unit=HOSTILE)
    train["train"]["path"][0]["line"] = f"Havenspoorlijn {HOSTILE}"
    train["train"]["terminal"]["name"] = HOSTILE
    train["train"]["border"]["counterpart"] = HOSTILE
    train["train"]["checkpoints"][1]["name"] = HOSTILE
    train["train"]["band"] = HOSTILE
    page = map_html(render_plan_map(hand_view([hand_movement(), copy.deepcopy(train)])))
    assert "window.hacked" in page  # the text is there ...
    assert "<img" not in page and "</script><img" not in page  # ... but never as markup
    assert page.count("</script>") == page.count("<script>") == page.lower().count("<script")
    (plan,) = calls(page, "plan")
    shown = plan["movements"][1]
    assert shown["unit"] == HOSTILE  # decoded back to the same text for textContent
    assert shown["train"]["path"][0][0] == f"Havenspoorlijn {HOSTILE}"
    assert shown["train"]["term"] == shown["train"]["cpart"] == shown["train"]["band"] == HOSTILE
    assert HOSTILE in plan["names"]
