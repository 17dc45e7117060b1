"""Planned columns halt only where they fit; a march unit with no such site is explained."""

from __future__ import annotations

from pathlib import Path

import mobility
from mobility.model.column import parking_area_m2
from mobility.model.scenario import load_scenario
from mobility.routing.halt_sites import ColumnFootprint
from mobility.routing.router import Router
from mobility.routing.timing import HaltRules
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import build_plan


def test_every_halt_of_every_planned_column_is_at_a_site_that_fits(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    plan = build_plan(instance, greedy_assignment(instance))
    sites = {site.id: site for site in router.halt_sites}
    units = {task.id: task.march_unit for task in instance.tasks}
    halts = 0
    for movement in plan.movements:
        row = movement.data
        unit = units[f"{row['request']}/{row['march_unit']}"]
        footprint = ColumnFootprint(unit.count, parking_area_m2(unit.vehicles))
        for halt in row["halts"]:
            halts += 1
            site = sites[halt["site_id"]]
            assert halt["site_kind"] == site.kind and halt["name"] == site.name
            assert site.misfit(footprint, halt["kind"] == "daily_rest") == ""
    assert halts > 0


def test_a_march_unit_with_no_site_to_halt_at_is_explained(
    tiny_scenario: Path, atlas: mobility.Network
) -> None:
    # Sites must lie on the route itself: none of the corridor's does, so no halt fits.
    strict = Router(atlas, halt_rules=HaltRules(max_off_route_m=0.0))
    instance = build_instance(load_scenario(tiny_scenario), atlas, strict)
    assert instance.tasks == [] or all(t.options for t in instance.tasks)
    assert instance.unplannable
    for item in instance.unplannable:
        assert "a halt has no site that fits the march unit (no site fits" in item.reason


def test_service_area_places_are_shared_by_the_march_units_halting_there(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    sites = {site.id: site for site in router.halt_sites}
    shared = {
        rid: resource
        for rid, resource in instance.resources.items()
        if rid.startswith("csc:") and rid.split(":", 1)[1] in sites
    }
    assert shared, "expected halts at a support centre or service area"
    for rid, resource in shared.items():
        assert resource.capacity == sites[rid.split(":", 1)[1]].vehicles
