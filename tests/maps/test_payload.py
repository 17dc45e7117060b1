"""The plan map's data: routes once, groups, movements, names and segment loads."""

from __future__ import annotations

import pytest

import mobility
from mobility.errors import DataError
from mobility.maps import PlanView, plan_payload
from mobility.maps._payload import DELAY_COLOURS, LOAD_COLOURS, PALETTE
from tests.maps.conftest import hand_movement, hand_view


def test_routes_sharing_a_line_are_stored_once_and_grouped_by_request() -> None:
    movements = [hand_movement("24-NLD-001"), hand_movement("24-NLD-002")]
    movements[1]["request"] = "REQ-2"
    payload = plan_payload(hand_view(movements))
    assert len(payload["routes"]) == 1
    assert [g["movements"] for g in payload["groups"]] == [[0], [1]]
    assert payload["groups"][0]["col"] != payload["groups"][1]["col"]
    with pytest.raises(DataError, match="colour_by 'unit'"):
        plan_payload(hand_view(movements), colour_by="unit")


def test_corridor_colours_need_the_places(tiny_view: PlanView, atlas: mobility.Network) -> None:
    payload = plan_payload(tiny_view, network=atlas, colour_by="corridor")
    assert {g["label"] for g in payload["groups"]} == {"corridor south"}


def test_times_are_seconds_from_the_plan_start_and_names_are_shared() -> None:
    movements = [hand_movement("24-NLD-001"), hand_movement("24-NLD-002")]
    payload = plan_payload(hand_view(movements), step_s=300)
    first, second = payload["movements"]
    # hand_movement starts at 60 min, clears at 85 and is due at 120 after the plan start.
    assert (first["start"], first["clear"], first["due"]) == (3600, 5100, 7200)
    assert payload["names"] == ["Start", "Middle", "End", "Halt"]
    assert [c[0] for c in first["cp"]] == [c[0] for c in second["cp"]] == [0, 1, 2]
    assert first["cp"][1] == [1, 4.0, 3840, 4140]
    assert first["halts"] == [[3, 6.0, 3960, 4260, "short"]]
    assert first["head"][0][0] == 3600 and first["tail"][-1] == [5100, 10.0]
    assert payload["step_s"] == 300 and 0 <= payload["initial_s"] <= payload["horizon_s"]
    # One request: one group, one colour, one legend entry.
    assert len(payload["groups"]) == 1 and payload["groups"][0]["movements"] == [0, 1]
    assert payload["legend"] == [{"label": "REQ-1: Test unit", "colour": PALETTE[0]}]


def test_long_vehicle_lists_get_a_short_form() -> None:
    movement = hand_movement()
    movement["vehicles"] = {"fennek-recce": 4, "boxer-apc": 10, "leopard-2a7": 14}
    (shown,) = plan_payload(hand_view([movement]))["movements"]
    assert shown["veh"] == "fennek-recce x4; boxer-apc x10; leopard-2a7 x14"
    assert len(shown["veh_short"]) == 40 and shown["veh_short"].endswith("...")
    assert shown["veh"].startswith(shown["veh_short"][:-3])


def test_segments_carry_columns_and_civilian_delay_by_hour() -> None:
    payload = plan_payload(hand_view([hand_movement("24-NLD-001"), hand_movement("24-NLD-002")]))
    assert payload["segments"]
    for segment in payload["segments"]:
        assert len(segment["c"]) >= 2 and all(len(p) == 2 for p in segment["c"])
        assert all(isinstance(hour, int) for hour, _ in segment["cols"])
    # Two columns on the same line in the same hour.
    assert payload["max_cols"] == 2
    assert payload["ramp_cols"] == list(LOAD_COLOURS)
    assert payload["ramp_delay"] == list(DELAY_COLOURS)


def test_a_plan_without_movements_has_an_empty_payload() -> None:
    payload = plan_payload(hand_view([]))
    assert payload["movements"] == payload["routes"] == payload["segments"] == []
    assert payload["max_cols"] == 0 and payload["max_delay"] == 0.0
