"""The traffic readers' CSV helpers: separator sniffing, located errors, decimal commas."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.errors import DataError
from mobility.traffic._csv import number, rows, sniff_separator

FIELDS = ("road", "hour")


@pytest.mark.parametrize("separator", [";", ","])
def test_rows_sniff_the_separator_and_number_the_lines(tmp_path: Path, separator: str) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(f"\ufeffroad{separator}hour\nA16{separator}7\n\nA2{separator}8\n")
    assert list(rows(path, FIELDS)) == [
        (2, {"road": "A16", "hour": "7"}),
        (4, {"road": "A2", "hour": "8"}),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: empty file, expected a header"),
        ("road|hour\nA16|7\n", r"line 1: header .road\|hour. does not hold the fields road, hour"),
        ("road;hour\nA16;7;9\n", "line 2: 3 fields, expected 2 separated by ';'"),
    ],
)
def test_bad_files_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=f"counts.csv: {message.replace('(', '.')}"):
        list(rows(path, FIELDS))


def test_binary_and_missing_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "counts.csv"
    binary.write_bytes(b"road;hour\n\xff\xfe\x00A16;7\n")
    with pytest.raises(DataError, match="not a UTF-8 text file"):
        list(rows(binary, FIELDS))
    with pytest.raises(DataError, match="cannot read the traffic file"):
        list(rows(tmp_path / "absent.csv", FIELDS))


def test_sniffing_prefers_the_separator_that_yields_the_fields() -> None:
    assert sniff_separator(Path("x"), '"road";"hour"', FIELDS) == ";"
    assert sniff_separator(Path("x"), "road,hour;x", ("road", "hour;x")) == ","


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_numbers_read_with_a_point_or_a_comma(value: float) -> None:
    text = repr(value)
    assert number(Path("x"), 2, "f", text) == value
    assert number(Path("x"), 2, "f", text.replace(".", ",")) == value


def test_a_field_that_is_not_a_number_is_named() -> None:
    with pytest.raises(DataError, match="x: line 7: field 'flow' is 'n/a', expected a number"):
        number(Path("x"), 7, "flow", "n/a")
