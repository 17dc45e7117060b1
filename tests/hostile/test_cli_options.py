"""Hostile command-line options: NaN, infinities, negatives, huge and malformed values.

argparse refuses them (exit 2, ``error:`` naming the option and what was
expected) before anything is loaded, solved or written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import Outcome, snapshot

ROUTE = ["route", "--from", "Vlissingen", "--to", "Venlo (A67", "--vehicle", "fennek"]
PLAN = ["plan", "tests/data/scenario-tiny.yaml"]
STRESS = ["stress", "--perturbation", "p.yaml"]
CRIT = ["criticality"]
NET = ["network"]

#: (command line, option named in the error)
OPTIONS: list[tuple[list[str], str]] = [
    *[
        ([*NET, "--consolidate-m", v], "--consolidate-m")
        for v in ("nan", "inf", "-5", "1e300", "x")
    ],
    *[([*NET, "--min-fragment-m", v], "--min-fragment-m") for v in ("nan", "-1", "-inf")],
    *[([*NET, "export", "out", "--consolidate-m", v], "--consolidate-m") for v in ("nan", "-0.5")],
    *[([*ROUTE, "--count", v], "--count") for v in ("0", "-3", "1000000000", "nan", "1e3", "")],
    *[([*ROUTE, "-k", v], "-k") for v in ("0", "1000000", "nan", "-1")],
    *[([*ROUTE, "--consolidate-m", v], "--consolidate-m") for v in ("nan", "-5")],
    *[([*PLAN, "--time-limit", v], "--time-limit") for v in ("nan", "inf", "-1", "0", "1e12")],
    *[([*PLAN, "--workers", v], "--workers") for v in ("0", "-1", "100000", "two")],
    *[([*PLAN, "--seed", v], "--seed") for v in ("-1", "x", "1e400")],
    *[([*STRESS, "--time-limit", v], "--time-limit") for v in ("nan", "0", "-inf")],
    *[([*STRESS, "--run", v], "--run") for v in ("-1", "nan")],
    *[([*CRIT, "--top", v], "--top") for v in ("0", "nan")],
    *[([*CRIT, "--runs", v], "--runs") for v in ("0", "-5", "10000000000")],
    *[([*CRIT, "--workers", v], "--workers") for v in ("0", "nan")],
    ([*CRIT, "--seed", "-1"], "--seed"),
    ([*CRIT, "--min-fragment-m", "nan"], "--min-fragment-m"),
]


@pytest.mark.parametrize(("args", "option"), OPTIONS, ids=[" ".join(a[-3:]) for a, _ in OPTIONS])
def test_bad_option_is_a_usage_error(
    cli: Callable[..., Outcome], tmp_path: Path, args: list[str], option: str
) -> None:
    before = snapshot(tmp_path)
    outcome = cli(*args)
    outcome.assert_clear_error(f"argument {option}")
    assert "expected" in outcome.err
    assert snapshot(tmp_path) == before


#: Values argparse accepts but the library refuses, with the fragment of the message.
LIBRARY: list[tuple[list[str], str]] = [
    ([*ROUTE, "--start", "9999-12-31T23:00"], "expected a year from 1970 to 2200"),
    ([*ROUTE, "--start", "0001-01-01T00:00"], "expected a year from 1970 to 2200"),
    ([*ROUTE, "--start", "yesterday"], "is not an ISO 8601"),
    ([*ROUTE, "--start", "2026-02-30T10:00"], "is not an ISO 8601"),
    ([*ROUTE, "--hazmat", "x" * 10_000], "hazmat"),
    ([*CRIT, "--resilience", "a,b"], "--resilience expects whole numbers"),
    ([*CRIT, "--resilience", "nan"], "--resilience expects whole numbers"),
    (["map"], "needs either PLAN_DIR or --network"),
]


@pytest.mark.parametrize(("args", "fragment"), LIBRARY, ids=[a[-1][:30] for a, _ in LIBRARY])
def test_bad_value_is_an_input_error(
    cli: Callable[..., Outcome], tmp_path: Path, args: list[str], fragment: str
) -> None:
    before = snapshot(tmp_path)
    outcome = cli(*args)
    outcome.assert_clear_error(fragment)
    assert snapshot(tmp_path) == before
