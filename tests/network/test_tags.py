from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.network import _tags as tags
from mobility.network._tags import (
    EDGE_TAG_PARSERS,
    TagValueError,
    parse_length_m,
    parse_maxspeed_kph,
    parse_mlc,
    parse_oneway,
    parse_positive_int,
    parse_tunnel_category,
    parse_way_tags,
    parse_weight_t,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("100", 100.0),
        ("100 km/h", 100.0),
        ("50 mph", 50 * 1.609344),
        ("100;80", 80.0),
        ("nl:motorway", 130.0),
        ("NL:rural", 80.0),
        ("nl:urban", 50.0),
        ("none", math.inf),
        ("12,5", 12.5),
    ],
)
def test_maxspeed_values(raw: str, expected: float) -> None:
    assert parse_maxspeed_kph(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["signals", "", "fast", "0", "-30", "100;", "nan"])
def test_maxspeed_rejects(raw: str) -> None:
    with pytest.raises(TagValueError):
        parse_maxspeed_kph(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("60", 60.0), ("7.5 t", 7.5), ("8000 kg", 8.0), ("10 st", 9.0718474), ("none", None)],
)
def test_weight_values(raw: str, expected: float | None) -> None:
    assert parse_weight_t(raw) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4.5", 4.5),
        ("4.5 m", 4.5),
        ("450 cm", 4.5),
        ("14'6\"", 14 * 0.3048 + 6 * 0.0254),
        ("default", None),
        ("none", None),
    ],
)
def test_length_values(raw: str, expected: float | None) -> None:
    assert parse_length_m(raw) == (pytest.approx(expected) if expected is not None else None)


def test_small_parsers() -> None:
    assert parse_mlc("MLC 60") == 60
    assert parse_oneway("-1") == -1
    assert parse_oneway("yes") == 1
    assert parse_oneway("no") == 0
    assert parse_positive_int("2;3") == 2
    assert parse_tunnel_category("c") == "C"
    with pytest.raises(TagValueError):
        parse_tunnel_category("F")
    with pytest.raises(TagValueError):
        parse_mlc("500")


def test_parse_way_tags_keeps_raw_and_reports() -> None:
    attributes, issues = parse_way_tags(
        {"maxspeed": "signals", "lanes": "3", "mlc": "heavy", "hazmat:adr_tunnel": "D"}
    )
    assert attributes["lanes"] == 3
    assert attributes["tunnel_category"] == "D"
    assert attributes["maxspeed_kph_raw"] == "signals"
    assert attributes["mlc_wheeled_raw"] == "heavy"
    # `mlc` feeds two attributes but is one bad value: reported once.
    assert sorted(issue.key for issue in issues) == ["maxspeed", "mlc"]


def test_specific_mlc_wins_over_general() -> None:
    attributes, _ = parse_way_tags({"mlc": "60", "mlc:tracked": "50"})
    assert attributes["mlc_wheeled"] == 60
    assert attributes["mlc_tracked"] == 50


@given(st.text(max_size=30))
def test_every_parser_returns_a_value_or_a_tag_value_error(raw: str) -> None:
    for _, parser in EDGE_TAG_PARSERS.values():
        with contextlib.suppress(TagValueError):
            parser(raw)


@given(st.dictionaries(st.sampled_from(sorted(tags.WAY_KEYS)), st.text(max_size=20), max_size=8))
def test_parse_way_tags_never_raises_and_accounts_for_every_value(raw_tags: dict[str, str]) -> None:
    attributes, issues = parse_way_tags(raw_tags)
    failed = {issue.key for issue in issues}
    for attribute, (keys, _) in EDGE_TAG_PARSERS.items():
        present = [key for key in keys if key in raw_tags]
        if not present:
            assert attribute not in attributes
            continue
        # The first present key decides: either a typed value or a raw value plus an issue.
        assert (attribute in attributes) != (f"{attribute}_raw" in attributes)
        if f"{attribute}_raw" in attributes:
            assert present[0] in failed


@given(st.floats(min_value=0.1, max_value=300, allow_nan=False))
def test_numeric_speed_round_trips(value: float) -> None:
    assert parse_maxspeed_kph(f"{value}") == pytest.approx(value)
    assert parse_maxspeed_kph(f"{value} mph") == pytest.approx(value * 1.609344)
