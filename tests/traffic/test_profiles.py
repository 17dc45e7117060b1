from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from mobility import settings
from mobility.errors import DataError
from mobility.model.clock import LOCAL_TIME
from mobility.traffic.ndw import SiteDay
from mobility.traffic.profiles import (
    ASSUMED_DAILY_PER_LANE,
    ASSUMED_WEEKEND_PROFILE,
    ASSUMED_WEEKEND_SCALE,
    calibrate,
    default_traffic,
    load_defaults,
    render_defaults,
)

FLAT = [1.0] * 24


def site_day(site: str, road: str, day: date, lanes: int, per_hour: list[float]) -> SiteDay:
    return SiteDay(site, road, "hrr", 1.0, "south", day, lanes, tuple(per_hour), tuple(FLAT))


def test_the_embedded_defaults_hold_shares_and_a_fallback_class() -> None:
    defaults = default_traffic()
    assert len(defaults.weekday_profile) == len(defaults.weekend_profile) == 24
    assert sum(defaults.weekday_profile) == pytest.approx(1.0)
    assert sum(defaults.weekend_profile) == pytest.approx(1.0)
    assert defaults.daily("motorway_link") == defaults.daily("motorway") > defaults.daily("trunk")
    assert defaults.daily("living_street") == defaults.daily("tertiary") == 2500.0
    assert defaults.weekend_scale == ASSUMED_WEEKEND_SCALE
    assert "NDW" in defaults.sources["weekday_profile"]
    assert defaults.sources["daily_per_lane.trunk"].startswith("no counts for this class")
    assert default_traffic() is defaults  # read once


def test_hourly_share_follows_the_local_day_type() -> None:
    defaults = default_traffic()
    tuesday = datetime(2026, 11, 24, 8, 30, tzinfo=LOCAL_TIME)
    saturday = datetime(2026, 11, 28, 8, 30, tzinfo=LOCAL_TIME)
    christmas = datetime(2026, 12, 25, 8, 30, tzinfo=LOCAL_TIME)  # a Friday, a public holiday
    assert defaults.hourly_share(tuesday) == defaults.weekday_profile[8]
    assert defaults.hourly_share(saturday) == defaults.weekend_profile[8]
    assert defaults.hourly_share(christmas) == defaults.weekend_profile[8]
    # 07:30 UTC is 08:30 in Amsterdam in November: the local hour counts.
    assert (
        defaults.hourly_share(datetime.fromisoformat("2026-11-24T07:30+00:00"))
        == (defaults.weekday_profile[8])
    )


def test_calibration_averages_sites_of_one_road_and_day() -> None:
    day = date(2026, 11, 24)
    morning = [0.0] * 24
    morning[8] = 100.0
    evening = [0.0] * 24
    evening[17] = 300.0
    days = [
        site_day("a", "A13", day, 2, morning),
        site_day("b", "A13", day, 4, [2 * v for v in morning]),
        site_day("c", "A4", day, 3, evening),
    ]
    calibration = calibrate(days)
    assert calibration.groups["A13 hrr 2026-11-24"][:3] == (2, 3, 150.0)
    assert calibration.groups["A4 hrr 2026-11-24"][:3] == (1, 3, 300.0)
    assert calibration.daily_per_lane == 225.0  # median of the two groups, not of the sites
    assert calibration.daily_range == (100.0, 300.0)
    assert calibration.profile[8] == calibration.profile[17] == 0.5
    with pytest.raises(DataError, match="at least one NDW site-day"):
        calibrate([])


def test_the_defaults_are_read_from_the_data_folder_in_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kept per data folder (#13, speed only): another folder gives its own defaults.
    embedded = default_traffic()
    hump = [float(h + 1) for h in range(24)]
    calibration = calibrate([site_day("a", "A2", date(2026, 11, 24), 2, hump)])
    (tmp_path / "traffic-profiles.yaml").write_text(
        render_defaults(calibration, "test counts"), encoding="utf-8"
    )
    monkeypatch.setattr(settings, "data_dir", tmp_path)
    other = default_traffic()
    assert other.daily("motorway") == 300.0 != embedded.daily("motorway")
    assert default_traffic() is other
    monkeypatch.undo()
    assert default_traffic() is embedded


def test_rendered_defaults_read_back(tmp_path: Path) -> None:
    hump = [float(h + 1) for h in range(24)]
    calibration = calibrate([site_day("a", "A2", date(2026, 11, 24), 2, hump)])
    path = tmp_path / "traffic-profiles.yaml"
    path.write_text(render_defaults(calibration, "test counts"), encoding="utf-8")
    defaults = load_defaults(path)
    assert defaults.daily("motorway") == 300.0  # 1 + 2 + ... + 24
    assert {k: defaults.daily(k) for k in ASSUMED_DAILY_PER_LANE} == ASSUMED_DAILY_PER_LANE
    assert defaults.weekday_profile == pytest.approx([h / 300 for h in hump], abs=1e-5)
    total = sum(ASSUMED_WEEKEND_PROFILE)
    assert defaults.weekend_profile == pytest.approx([s / total for s in ASSUMED_WEEKEND_PROFILE])
    assert defaults.weekend_scale == ASSUMED_WEEKEND_SCALE
    assert "test counts" in defaults.sources["daily_per_lane.motorway"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("  tertiary:\n", "  quaternary:\n"), "needs a 'tertiary' class"),
        (lambda t: t.replace("shares: [0.012, ", "shares: ["), "expected a list of 24 hourly"),
        (lambda t: t.replace("shares: [0.012, ", "shares: [-0.5, "), "must be non-negative"),
        (lambda t: t.replace("daily_scale: 0.75", "daily_scale: lots"), "daily_scale"),
        (lambda t: "- a list\n", "expected a mapping"),
    ],
)
def test_bad_defaults_name_the_file_and_field(
    tmp_path: Path, change: Callable[[str], str], message: str
) -> None:
    calibration = calibrate([site_day("a", "A2", date(2026, 11, 24), 2, FLAT)])
    text = render_defaults(calibration, "test counts")
    path = tmp_path / "bad.yaml"
    path.write_text(change(text), encoding="utf-8")
    with pytest.raises(DataError, match=message) as error:
        load_defaults(path)
    assert str(path) in str(error.value)
