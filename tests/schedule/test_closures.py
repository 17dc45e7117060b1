"""Closures for the instance: in solver minutes, checked against the network, for routing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

import mobility
from mobility.errors import ScenarioError
from mobility.model.scenario import Closure, Scenario, load_scenario
from mobility.routing.router import Router
from mobility.schedule._closures import (
    ClosureRule,
    check_closures,
    closed_for_routing,
    closure_rules,
)


def _closed(tiny_scenario: Path, *closures: tuple[str, float, float]) -> Scenario:
    scenario = load_scenario(tiny_scenario)
    hours = [
        Closure(
            element,
            scenario.start + timedelta(hours=begin),
            scenario.start + timedelta(hours=end),
        )
        for element, begin, end in closures
    ]
    return replace(scenario, closures=tuple(hours))


def test_closure_rules_are_folded_and_in_minutes_never_ending_before_the_start(
    tiny_scenario: Path,
) -> None:
    scenario = _closed(tiny_scenario, ("  Vlaketunnel ", 2, 3.5), ("A58", -5, -1))
    assert closure_rules(scenario) == [
        ClosureRule(text="vlaketunnel", start_min=120, end_min=210),
        ClosureRule(text="a58", start_min=-300, end_min=0),
    ]


def test_unknown_elements_are_refused_with_near_names_and_rail_names_are_known(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    road, rail = router.table("road"), router.table("rail")
    check_closures(_closed(tiny_scenario, ("Betuweroute", 1, 2)), atlas, road, rail)
    check_closures(_closed(tiny_scenario, ("vlaketunnel", 1, 2)), atlas, road, rail)
    with pytest.raises(ScenarioError, match=r"closures\[1\] element 'Vlaaktunnel'.*Vlaketunnel"):
        check_closures(
            _closed(tiny_scenario, ("A58", 1, 2), ("Vlaaktunnel", 1, 2)), atlas, road, rail
        )


def test_a_closure_for_the_whole_horizon_leaves_the_graph_a_timed_one_gets_a_way_around(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    table = router.table("road")
    horizon = 24 * 60
    assert closed_for_routing(load_scenario(tiny_scenario), atlas, table, horizon) == (
        None,
        None,
        None,
    )
    whole = _closed(tiny_scenario, ("Vlaketunnel", -1, 30))
    closed, around, timed = closed_for_routing(whole, atlas, table, horizon)
    assert closed is not None and closed.mask.any()
    assert around is None and timed is None
    for_a_while = _closed(tiny_scenario, ("Vlaketunnel", 2, 4))
    closed, around, timed = closed_for_routing(for_a_while, atlas, table, horizon)
    assert closed is None
    assert around is not None and timed is not None
    assert (around.mask == timed).all() and timed.any()
    both = _closed(tiny_scenario, ("Vlaketunnel", -1, 30), ("A58", 2, 4))
    closed, around, timed = closed_for_routing(both, atlas, table, horizon)
    assert closed is not None and around is not None and timed is not None
    assert (around.mask == (closed.mask | timed)).all()
