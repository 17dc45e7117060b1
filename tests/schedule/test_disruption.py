from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.schedule.disruption import (
    LOCAL_TIME,
    WEEKDAY_PROFILE,
    WEEKEND_PROFILE,
    TrafficModel,
    hourly_share,
    is_day_off,
    is_peak,
    rail_path_cost_vh,
    segment_delay_vh,
)

TUESDAY = datetime(2026, 11, 24, tzinfo=LOCAL_TIME)
MODEL = TrafficModel()


def _delay(hour: int, lanes: int, day: datetime = TUESDAY) -> float:
    demand = MODEL.daily_volume("motorway") * lanes * hourly_share(day.replace(hour=hour))
    return segment_delay_vh(demand, lanes, occupied_h=0.25, travel_time_h=0.1)


def test_profiles_are_shares_of_a_day() -> None:
    assert sum(WEEKDAY_PROFILE) == pytest.approx(1.0, abs=1e-9)
    assert sum(WEEKEND_PROFILE) == pytest.approx(1.0, abs=1e-9)


def test_peak_hour_costs_more_than_three_at_night() -> None:
    assert _delay(8, 2) > 10 * _delay(3, 2)
    assert _delay(17, 3) > _delay(3, 3)


def test_more_lanes_cost_less_for_the_same_traffic() -> None:
    demand = 2500.0
    costs = [segment_delay_vh(demand, lanes, 0.25, 0.1) for lanes in (1, 2, 3, 4)]
    assert costs == sorted(costs, reverse=True)
    assert costs[0] > costs[-1]


def test_weekends_and_holidays_have_no_commuter_peak() -> None:
    saturday = datetime(2026, 11, 28, 8, tzinfo=LOCAL_TIME)
    christmas = datetime(2026, 12, 25, 8, tzinfo=LOCAL_TIME)  # a Friday
    assert is_day_off(saturday.date()) and is_day_off(christmas.date())
    assert not is_peak(saturday) and not is_peak(christmas)
    assert is_peak(TUESDAY.replace(hour=8)) and not is_peak(TUESDAY.replace(hour=11))
    assert _delay(8, 2, saturday) < _delay(8, 2)


def test_rail_path_costs_more_by_day() -> None:
    assert rail_path_cost_vh(TUESDAY.replace(hour=8)) > rail_path_cost_vh(TUESDAY.replace(hour=3))


@given(
    demand=st.floats(0, 10_000),
    extra=st.floats(0, 5_000),
    lanes=st.integers(1, 5),
    occupied=st.floats(0, 3),
)
def test_delay_is_non_negative_and_grows_with_demand(
    demand: float, extra: float, lanes: int, occupied: float
) -> None:
    low = segment_delay_vh(demand, lanes, occupied, 0.1)
    high = segment_delay_vh(demand + extra, lanes, occupied, 0.1)
    assert 0 <= low <= high + 1e-9
