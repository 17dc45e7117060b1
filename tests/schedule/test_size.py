from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from mobility import settings
from mobility.errors import ScenarioError
from mobility.model.scenario import load_scenario
from mobility.schedule.planner import plan_scenario
from mobility.schedule.size import check_model_size, estimate_model_size

EXAMPLES = Path(__file__).parent.parent.parent / "examples" / "scenarios"


def test_the_estimate_counts_march_units_slots_from_release_and_routes(
    tiny_scenario: Path,
) -> None:
    scenario = load_scenario(tiny_scenario)
    size = estimate_model_size(scenario)
    # 40 vehicles make 2 march units of at most 25, 12 make 1; both are released at 04:00
    # of a 24 h horizon in 15 min slots (81 starts), with k_routes 2.
    assert (size.march_units, size.slots, size.route_options) == (3, 97, 2)
    assert size.columns == 3 * 81 * 2
    assert "3 march units x up to 97 start slots x 2 route options" in str(size)


def test_the_examples_are_within_the_default_limit() -> None:
    for name in ("armoured-brigade", "defender-surge", "atlantic-resolve"):
        size = check_model_size(load_scenario(EXAMPLES / f"{name}.yaml"))
        assert size.columns <= settings.max_model_columns


def test_a_model_over_the_limit_is_refused_naming_request_and_limit(
    tiny_scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = load_scenario(tiny_scenario)
    with pytest.raises(ScenarioError, match=r"about 486 model columns; at most 485 "):
        check_model_size(scenario, limit=485)
    assert check_model_size(scenario, limit=486).columns == 486
    monkeypatch.setattr(settings, "max_model_columns", 100)
    with pytest.raises(ScenarioError, match=r"tiny-south.*too large.*MOBILITY_MAX_MODEL_COLUMNS"):
        check_model_size(scenario)


def test_a_billion_vehicles_are_refused_before_anything_is_built(
    tiny_scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Even with the vehicle limit lifted, the model size stops it.
    monkeypatch.setattr(settings, "max_vehicles", 10**10)
    scenario = load_scenario(tiny_scenario)
    request = scenario.requests[0]
    huge = replace(request, vehicles={next(iter(request.vehicles)): 10**9})
    scenario = replace(scenario, requests=(huge,))
    units = math.ceil(10**9 / 25)
    assert estimate_model_size(scenario).march_units == units

    def no_network() -> None:
        raise AssertionError("the network must not be loaded")

    monkeypatch.setattr("mobility.schedule.planner.load_network", no_network)
    with pytest.raises(ScenarioError, match=f"{units:,} march units"):
        plan_scenario(scenario)
