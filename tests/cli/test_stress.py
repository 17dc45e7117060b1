"""``mobility stress`` and ``mobility criticality``: options, context spec and dispatch."""

from __future__ import annotations

import pytest

from mobility.cli import _stress, build_parser
from mobility.cli._options import build_options
from mobility.errors import ScenarioError
from mobility.network.load import Network
from mobility.stress.impact import DEFAULT_VEHICLES
from tests.stress.conftest import diamond


@pytest.fixture
def tiny() -> Network:
    return diamond()


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, []), ("", []), ("8,0,2,2", [0, 2, 8]), (" 1, 4 ,", [1, 4])],
)
def test_resilience_counts_are_sorted_and_distinct(text: str | None, expected: list[int]) -> None:
    assert _stress.resilience_failures(text) == expected


def test_a_resilience_count_that_is_not_whole_is_refused() -> None:
    with pytest.raises(ScenarioError, match="whole numbers separated by commas, got '1,x'"):
        _stress.resilience_failures("1,x")


def test_the_workers_rebuild_the_context_from_the_same_options(tiny: Network) -> None:
    args = build_parser().parse_args(
        ["criticality", "--corridor", "tiny", "--consolidate-m", "5", "--vehicle", "fennek"]
    )
    assert args.func is _stress.run_criticality
    context, spec = _stress.stress_context(args, tiny)
    assert spec.options == build_options(args) and spec.options.consolidate_tolerance_m == 5.0
    assert spec.corridors == ("tiny",) and spec.source is None and spec.corridor_file is None
    assert spec.vehicles == ("fennek",) == tuple(context.vehicles)
    _, default = _stress.stress_context(build_parser().parse_args(["criticality"]), tiny)
    assert default.vehicles == tuple(DEFAULT_VEHICLES) and default.corridors is None


def test_stress_needs_a_perturbation(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["stress"])
    assert "--perturbation/-p" in capsys.readouterr().err
    args = build_parser().parse_args(["stress", "-p", "a.yaml", "-p", "b.yaml"])
    assert args.func is _stress.run_stress and len(args.perturbation) == 2
