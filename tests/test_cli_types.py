"""Numeric command-line options: finite, bounded, or a usage error argparse reports."""

from __future__ import annotations

import argparse
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility import settings
from mobility._cli_types import max_alternatives, max_vehicles, real, whole


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_real_accepts_exactly_the_finite_numbers_in_range(value: float) -> None:
    parse = real(0.0, 100.0, above=True)
    if math.isfinite(value) and 0.0 < value <= 100.0:
        assert parse(repr(value)) == value
    else:
        with pytest.raises(argparse.ArgumentTypeError, match=r"expected a (finite )?number"):
            parse(repr(value))


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "ten", ""])
def test_real_refuses_what_is_not_a_finite_number(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=repr(text)):
        real()(text)


def test_real_bounds_are_inclusive_unless_above() -> None:
    assert real(0.0, 5.0)("0") == 0.0 and real(0.0, 5.0)("5") == 5.0
    with pytest.raises(argparse.ArgumentTypeError, match="expected a number > 0"):
        real(0.0, 5.0, above=True)("0")


@given(st.integers(-(2**70), 2**70))
def test_whole_accepts_exactly_the_integers_in_range(value: int) -> None:
    parse = whole(1, 1000)
    if 1 <= value <= 1000:
        assert parse(str(value)) == value
    else:
        with pytest.raises(argparse.ArgumentTypeError, match="from 1 to 1,000"):
            parse(str(value))


def test_whole_reads_its_limit_from_the_settings_when_called(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parse = whole(1, max_vehicles)
    monkeypatch.setattr(settings, "max_vehicles", 10)
    assert parse("10") == 10
    with pytest.raises(argparse.ArgumentTypeError, match="from 1 to 10, got '11'"):
        parse("11")
    monkeypatch.setattr(settings, "max_alternatives", 3)
    assert max_alternatives() == 3
    with pytest.raises(argparse.ArgumentTypeError, match="whole number"):
        whole()("2.5")


def test_a_bad_option_is_a_usage_error_with_status_2() -> None:
    parser = argparse.ArgumentParser(exit_on_error=False)
    parser.add_argument("--time-limit", type=real(above=True))
    with pytest.raises(argparse.ArgumentError, match="expected a finite number, got 'nan'"):
        parser.parse_args(["--time-limit", "nan"])
