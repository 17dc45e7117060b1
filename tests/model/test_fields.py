from __future__ import annotations

import math
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.errors import DataError, ScenarioError
from mobility.model import _fields


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_numbers_refuse_nan_and_infinity(value: float) -> None:
    with pytest.raises(DataError, match="x: expected a finite number"):
        _fields.number(value, "x")


@pytest.mark.parametrize("value", [True, "3", None, [1]])
def test_numbers_refuse_other_types(value: object) -> None:
    with pytest.raises(ScenarioError, match="x: expected a number"):
        _fields.number(value, "x", error=ScenarioError)


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(-1e6, 1e6))
def test_number_bounds_are_inclusive(value: float, minimum: float) -> None:
    if value >= minimum:
        assert _fields.number(value, "x", minimum=minimum) == value
    else:
        with pytest.raises(DataError, match="must be >="):
            _fields.number(value, "x", minimum=minimum)


def test_positive_refuses_zero() -> None:
    with pytest.raises(DataError, match="expected a number > 0"):
        _fields.number(0, "x", positive=True)


@given(st.integers(-50, 50))
def test_whole_numbers_in_range(value: int) -> None:
    if 1 <= value <= 5:
        assert _fields.whole(value, "p", minimum=1, maximum=5) == value
    else:
        with pytest.raises(DataError, match=r"p: expected a whole number 1\.\.5"):
            _fields.whole(value, "p", minimum=1, maximum=5)


@pytest.mark.parametrize("value", [True, 1.0, "1"])
def test_whole_numbers_refuse_other_types(value: object) -> None:
    with pytest.raises(DataError, match="expected a whole number"):
        _fields.whole(value, "p")


def test_none_counts_as_missing() -> None:
    with pytest.raises(DataError, match="x: missing field 'a'"):
        _fields.require({"a": None}, "a", "x")
    assert _fields.require({"a": 0}, "a", "x") == 0


@given(st.integers(0, 23), st.integers(0, 59))
def test_clock_times_round_trip(hours: int, minutes: int) -> None:
    assert _fields.clock(f"{hours:02d}:{minutes:02d}", "c") == hours * 60 + minutes


@pytest.mark.parametrize("value", ["24:01", "25:00", "12:60", "noon", "12", 750, None])
def test_bad_clock_times(value: object) -> None:
    with pytest.raises(DataError, match="expected a clock time HH:MM"):
        _fields.clock(value, "c")


def test_windows_wrap_midnight_and_empty_ones_are_refused() -> None:
    assert _fields.windows([["22:00", "06:00"], ["00:00", "24:00"]], "w") == (
        (1320, 360),
        (0, 1440),
    )
    for empty in (["06:00", "06:00"], ["24:00", "00:00"]):
        with pytest.raises(DataError, match="is empty"):
            _fields.windows([empty], "w")
    with pytest.raises(DataError, match="expected a list"):
        _fields.windows([], "w")


def test_times_need_an_offset() -> None:
    assert _fields.moment("2026-11-24T06:00+01:00", "t").utcoffset() is not None
    with pytest.raises(DataError, match="has no UTC offset"):
        _fields.moment(datetime(2026, 11, 24, 6), "t")
    with pytest.raises(DataError, match="is not an ISO 8601 time"):
        _fields.moment("tomorrow", "t")


@pytest.mark.parametrize("value", ["", "  ", None, True, ["a"]])
def test_names_are_non_empty_text(value: object) -> None:
    with pytest.raises(DataError, match="expected a non-empty name"):
        _fields.text(value, "n")
    assert _fields.text(" A16 ", "n") == "A16"
    assert _fields.text(12345, "n") == "12345"
