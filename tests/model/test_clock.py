from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.model.clock import LOCAL_TIME, add_seconds, local_iso


@pytest.mark.parametrize(
    ("start", "seconds", "expected"),
    [
        # Summer time ends 2026-10-25 03:00 CEST -> 02:00 CET: 3 h pass, the clock shows 2.
        ("2026-10-25T01:30", 3 * 3600, "2026-10-25T03:30:00+01:00"),
        # Summer time starts 2026-03-29 02:00 CET -> 03:00 CEST: 3 h pass, the clock shows 4.
        ("2026-03-29T01:30", 3 * 3600, "2026-03-29T05:30:00+02:00"),
        ("2026-11-24T06:00", 90 * 60, "2026-11-24T07:30:00+01:00"),
    ],
)
def test_durations_are_elapsed_time_across_both_clock_changes(
    start: str, seconds: float, expected: str
) -> None:
    moment = datetime.fromisoformat(start).replace(tzinfo=LOCAL_TIME)
    later = add_seconds(moment, seconds)
    assert local_iso(later) == expected
    assert (later - moment) == timedelta(seconds=seconds)


def test_local_iso_shows_dutch_local_time_whatever_the_zone() -> None:
    moment = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert local_iso(moment) == "2026-07-01T12:00:00+02:00"
    fixed = datetime(2026, 7, 1, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    assert local_iso(fixed, timespec="minutes") == "2026-07-01T12:00+02:00"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        add_seconds(datetime(2026, 1, 1), 1)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
    st.floats(min_value=0, max_value=30 * 86400, allow_nan=False),
)
def test_elapsed_time_is_kept_in_any_zone(naive: datetime, seconds: float) -> None:
    moment = naive.replace(tzinfo=LOCAL_TIME)
    later = add_seconds(moment, seconds)
    assert abs((later - moment).total_seconds() - seconds) < 1e-3
    assert datetime.fromisoformat(local_iso(later, "microseconds")) == later
