"""Train paths: line sections and the length limits of lines and border crossings."""

from __future__ import annotations

from dataclasses import replace

import pytest

import mobility
from mobility.rail.paths import train_path
from mobility.rail.rules import RailRules, load_rail_rules
from mobility.routing.router import Router

START = "2026-11-24T22:00+01:00"
VENLO = "bcp-rail-venlo-kaldenkirchen"


@pytest.fixture(scope="module")
def venlo_route() -> mobility.Route:
    router = Router(mobility.load_network(use_cache=False))
    plan = router.route("rt-vlissingen-sloe", VENLO, "boxer-apc", mode="rail", k=1, start=START)
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
