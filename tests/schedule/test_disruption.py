from __future__ import annotations

from datetime import datetime

import pytest

from mobility.schedule.disruption import (
    LOCAL_TIME,
    TrafficModel,
    default_traffic,
    hourly_share,
    is_day_off,
    is_peak,
)

TUESDAY = datetime(2026, 11, 24, tzinfo=LOCAL_TIME)


def test_profiles_are_shares_of_a_day() -> None:
    defaults = default_traffic()
    assert sum(defaults.weekday_profile) == pytest.approx(1.0, abs=1e-9)
    assert sum(defaults.weekend_profile) == pytest.approx(1.0, abs=1e-9)


def test_calibrated_weekday_profile_has_the_measured_peaks() -> None:
    profile = default_traffic().weekday_profile
    morning = max(range(5, 11), key=lambda h: profile[h])
    evening = max(range(14, 20), key=lambda h: profile[h])
    assert 7 <= morning <= 8 and 15 <= evening <= 17
    assert profile[8] > 10 * profile[3]


def test_weekends_and_holidays_have_no_commuter_peak() -> None:
    saturday = datetime(2026, 11, 28, 8, tzinfo=LOCAL_TIME)
    christmas = datetime(2026, 12, 25, 8, tzinfo=LOCAL_TIME)  # a Friday
    assert is_day_off(saturday.date()) and is_day_off(christmas.date())
    assert not is_peak(saturday) and not is_peak(christmas)
    assert is_peak(TUESDAY.replace(hour=8)) and not is_peak(TUESDAY.replace(hour=11))
    model = TrafficModel()
    assert model.profile(True)[8] < model.profile(False)[8]


def test_pcu_and_capacity_are_consistent_with_roa() -> None:
    model = TrafficModel()
    assert model.pcu_per_vehicle == pytest.approx(1.15)
    assert model.bottleneck().lane_capacity_pcu_h == pytest.approx(2100 * 1.15)


def test_rail_path_costs_more_by_day() -> None:
    assert hourly_share(TUESDAY.replace(hour=8)) > hourly_share(TUESDAY.replace(hour=3))
