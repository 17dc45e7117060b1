"""A train's path: line sections cut from a rail route, and their civilian cost."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mobility
from mobility.model.clock import LOCAL_TIME
from mobility.rail.paths import (
    ASSUMED_PASSENGER_SOURCE,
    TrainPath,
    displaced_passenger_vh,
    rail_path_cost_vh,
    train_path,
)
from mobility.rail.rules import RailRules, load_rail_rules
from mobility.routing.router import Router

TUESDAY = datetime(2026, 11, 24, tzinfo=LOCAL_TIME)


@pytest.fixture(scope="module")
def rules() -> RailRules:
    return load_rail_rules()


@pytest.fixture(scope="module")
def path(rules: RailRules) -> TrainPath:
    router = Router(mobility.load_network())
    plan = router.route(
        "rt-maasvlakte", "bcp-rail-venlo-kaldenkirchen", "leopard-2a7", mode="rail", k=1
    )
    return train_path(plan.routes[0], rules)


def test_sections_are_maximal_runs_of_one_line_covering_the_route(path: TrainPath) -> None:
    route, sections = path.route, path.sections
    assert len(sections) >= 3
    assert all(a.line != b.line for a, b in itertools.pairwise(sections))
    assert [e for s in sections for e in s.edges] == [(u, v) for u, v, _ in route.edges]
    assert sum(s.length_m for s in sections) == pytest.approx(route.length_m)
    assert sections[0].enter_s == 0.0
    for before, after in itertools.pairwise(sections):
        assert before.leave_s == pytest.approx(after.enter_s)
        assert before.end == after.start
    graph = route.graph
    for section in sections:
        assert {graph.edges[u, v, 0].get("name") for u, v in section.edges} == {section.line}
    assert path.max_length_m == min(s.rules.max_length_m for s in sections)
    assert path.traction == ("electric" if all(s.electrified for s in sections) else "diesel")


def test_the_cost_is_the_sum_of_the_sections_and_night_is_cheaper(
    path: TrainPath, rules: RailRules
) -> None:
    for band in path.bands():
        moment = TUESDAY.replace(hour=8)
        parts = path.section_costs(moment, band, rules)
        assert path.cost_vh(moment, band, rules) == pytest.approx(sum(c for c, _, _ in parts))
        assert {source for _, _, source in parts} == {ASSUMED_PASSENGER_SOURCE}
        assert [t for _, t, _ in parts] == [s.rules.passenger_per_h for s in path.sections]
    assert "night" in path.bands()
    assert path.cost_vh(TUESDAY.replace(hour=3), "night", rules) < path.cost_vh(
        TUESDAY.replace(hour=8), "day", rules
    )


def test_assumed_passenger_cost_follows_the_hourly_profile() -> None:
    assert rail_path_cost_vh(TUESDAY.replace(hour=8)) > rail_path_cost_vh(TUESDAY.replace(hour=3))
    assert rail_path_cost_vh(TUESDAY.replace(hour=8), 0.0) == 0.0


@settings(max_examples=50, deadline=None)
@given(trains=st.floats(0, 100), more=st.floats(0, 100))
def test_displaced_passengers_are_linear_in_trains(trains: float, more: float) -> None:
    assert displaced_passenger_vh(trains + more) == pytest.approx(
        displaced_passenger_vh(trains) + displaced_passenger_vh(more)
    )
    assert displaced_passenger_vh(1.0) == pytest.approx(300 * 0.25 / 1.3)


VENLO_START = "2026-11-24T22:00+01:00"
VENLO = "bcp-rail-venlo-kaldenkirchen"


@pytest.fixture(scope="module")
def venlo_route() -> mobility.Route:
    router = Router(mobility.load_network(use_cache=False))
    plan = router.route(
        "rt-vlissingen-sloe", VENLO, "boxer-apc", mode="rail", k=1, start=VENLO_START
    )
    return plan.routes[0]


def test_venlo_trains_are_650_m_by_the_border_rule_not_the_default(
    venlo_route: mobility.Route,
) -> None:
    rules = load_rail_rules()
    # Every line limit at 740 m (the default too): only the crossing rule holds 650 m.
    long_lines = replace(
        rules,
        default_line=replace(rules.default_line, max_length_m=740.0),
        lines=tuple(replace(line, max_length_m=740.0) for line in rules.lines),
    )
    assert train_path(venlo_route, long_lines).max_length_m == 740.0
    path = train_path(venlo_route, long_lines, VENLO)
    assert (path.border_max_length_m, path.max_length_m) == (650.0, 650.0)
    without_rule: RailRules = replace(long_lines, crossings=())
    assert train_path(venlo_route, without_rule, VENLO).max_length_m == 740.0
