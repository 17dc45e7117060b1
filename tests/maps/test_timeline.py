from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.errors import DataError
from mobility.maps._timeline import (
    ColumnTrack,
    busiest_moment_s,
    column_at,
    column_track,
    columns_on_road,
    km_at,
    segment_loads,
)
from tests.maps.conftest import START, hand_movement, iso


def test_column_track_of_a_hand_made_movement() -> None:
    track = column_track(hand_movement(), START)
    assert track.length_km == 10.0
    assert track.start_s == 3600 and track.end_s == 85 * 60
    # The head stands still at the halt (6 km) from 66 to 71 minutes.
    assert km_at(track.head, 66 * 60) == pytest.approx(6.0)
    assert km_at(track.head, 70 * 60) == pytest.approx(6.0)
    assert km_at(track.head, 64 * 60) == pytest.approx(4.0)
    # Before the start and after the tail clears, the column is not on the road.
    assert column_at(track, 59 * 60) is None and column_at(track, 86 * 60) is None
    assert column_at(track, 64 * 60) == pytest.approx((0.0, 4.0))  # tail still at the start
    # At 67 min the head halts at 6 km; the tail, 5 min behind, is half way to 4 km.
    tail, head = column_at(track, 67 * 60)  # type: ignore[misc]
    assert head == pytest.approx(6.0) and tail == pytest.approx(2.0)
    # Stepping the time moves the column.
    later = column_at(track, 75 * 60)
    assert later is not None and later[1] > head and later[0] > tail


def test_a_movement_without_checkpoints_or_with_a_bad_time_is_named() -> None:
    bad = hand_movement("24-NLD-009")
    bad["checkpoints"] = []
    with pytest.raises(DataError, match="movement '24-NLD-009' has no checkpoints"):
        column_track(bad, START)
    bad = hand_movement("24-NLD-010")
    bad["checkpoints"][1]["arrive"] = "noon"
    with pytest.raises(DataError, match=r"movement '24-NLD-010': 'noon' is not an ISO 8601"):
        column_track(bad, START)


@st.composite
def movements(draw: st.DrawFn) -> dict[str, Any]:
    """Random movements: checkpoints in km order, arrive/clear times rising, random halts."""
    count = draw(st.integers(2, 8))
    kms = sorted(draw(st.lists(st.floats(0, 300), min_size=count, max_size=count)))
    kms[0] = 0.0
    minute = draw(st.integers(0, 600))
    checkpoints: list[dict[str, Any]] = []
    arrive_min: list[int] = []
    for km in kms:
        minute += draw(st.integers(0, 90))
        arrive_min.append(minute)
        checkpoints.append(
            {"name": f"km {km:.1f}", "node": len(checkpoints), "km": km,
             "arrive": iso(minute), "clear": iso(minute + draw(st.integers(0, 40)))}
        )  # fmt: skip
    halts = []
    for _ in range(draw(st.integers(0, 2))):
        index = draw(st.integers(0, count - 2))
        km = (kms[index] + kms[index + 1]) / 2
        begin = arrive_min[index] + draw(st.integers(0, 5))
        halts.append({"name": "halt", "kind": "short", "km": km, "start": iso(begin),
                      "end": iso(begin + draw(st.integers(0, 45)))})  # fmt: skip
    movement = hand_movement()
    movement.update(checkpoints=checkpoints, halts=halts, length_km=kms[-1] + draw(st.floats(0, 5)))
    return movement


@given(movements(), st.lists(st.integers(0, 2400 * 60), min_size=2, max_size=12))
def test_columns_stay_on_their_route_and_only_move_forward(
    movement: dict[str, Any], moments: list[int]
) -> None:
    track = column_track(movement, START)
    for knots in (track.head, track.tail):
        times = [t for t, _ in knots]
        kms = [km for _, km in knots]
        assert times == sorted(times) and kms == sorted(kms)
    previous: tuple[float, float] | None = None
    for moment in sorted(moments):
        position = column_at(track, moment)
        if position is None:
            assert moment < track.start_s or moment > track.end_s
            continue
        tail, head = position
        assert 0.0 <= tail <= head <= track.length_km
        if previous is not None:
            assert tail >= previous[0] - 1e-9 and head >= previous[1] - 1e-9
        previous = position


def test_segment_loads_count_columns_per_hour_and_spread_the_delay() -> None:
    first = hand_movement("24-NLD-001")
    second = copy.deepcopy(first)
    second["movement"] = "24-NLD-002"
    segments = {s.key: s for s in segment_loads([first, second], START)}
    assert set(segments) == {("1", "2"), ("2", "3")}
    start_to_middle = segments[("1", "2")]
    assert start_to_middle.name == "Start - Middle" and start_to_middle.movement == "24-NLD-001"
    assert start_to_middle.columns_by_hour == {1: 2}  # both columns, 01:00-01:09
    total = sum(v for s in segments.values() for v in s.delay_vh_by_hour.values())
    assert total == pytest.approx(2 * 3.0)


def test_busiest_moment() -> None:
    one = ColumnTrack(((0, 0.0), (100, 1.0)), ((50, 0.0), (150, 1.0)), 1.0)
    two = ColumnTrack(((120, 0.0), (200, 1.0)), ((130, 0.0), (260, 1.0)), 1.0)
    assert busiest_moment_s([one, two], 60, 300) == 120
    assert busiest_moment_s([], 60, 300) == 0


def test_columns_on_the_road_count_start_and_clearance_inclusive() -> None:
    tracks = [
        ColumnTrack(head=((0, 0.0),), tail=((600, 1.0),), length_km=1.0),
        ColumnTrack(head=((300, 0.0),), tail=((900, 1.0),), length_km=1.0),
    ]
    times = [0, 299, 300, 600, 601, 900, 901]
    assert columns_on_road(tracks, times) == [
        sum(1 for t in tracks if t.start_s <= moment <= t.end_s) for moment in times
    ]
    assert columns_on_road(tracks, times) == [1, 1, 2, 2, 1, 1, 0]
    assert columns_on_road([], times) == [0] * len(times)
    assert busiest_moment_s(tracks, 300, 1200) == 300  # the first of the busiest
