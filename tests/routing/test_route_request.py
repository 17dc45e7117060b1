from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mobility import settings
from mobility.errors import DataError
from mobility.model.clock import LOCAL_TIME
from mobility.routing._route_request import check_count_and_k, parse_time, start_time


def test_times_without_an_offset_are_dutch_local_time() -> None:
    assert parse_time("2026-11-24T06:00") == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    assert parse_time(" 2026-07-01T06:00 ") == datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
    assert parse_time("2026-11-24T06:00+00:00") == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    assert start_time("2026-11-24T06:00") == parse_time("2026-11-24T06:00")
    local = datetime(2026, 11, 24, 6, 0, tzinfo=LOCAL_TIME)
    assert start_time(local) == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "is not an ISO 8601 date and time"),
        ("1850-01-01T06:00", "expected a year from"),
    ],
)
def test_a_bad_start_time_is_named(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as caught:
        parse_time(text)
    assert repr(text) in str(caught.value)


def test_without_a_start_the_column_leaves_at_the_next_quarter_hour() -> None:
    before = datetime.now(UTC)
    start = start_time(None)
    assert start.tzinfo is not None and start.minute % 15 == 0 and start.second == 0
    assert timedelta(0) <= start - before.replace(second=0, microsecond=0) < timedelta(minutes=15)


@pytest.mark.parametrize(
    ("count", "k", "message"),
    [
        (0, 1, "vehicle count must be a whole number from 1 to"),
        (True, 1, "vehicle count"),
        (2.5, 1, "vehicle count"),
        (settings.max_vehicles + 1, 1, "MOBILITY_MAX_VEHICLES"),
        (1, 0, "number of alternatives must be a whole number >= 1, got 0"),
        (1, False, "number of alternatives"),
    ],
)
def test_counts_and_alternatives_must_be_whole_numbers_in_range(
    count: object, k: object, message: str
) -> None:
    with pytest.raises(DataError, match=message):
        check_count_and_k(count, k)  # type: ignore[arg-type]
    check_count_and_k(1, 1)
    check_count_and_k(settings.max_vehicles, 5)
