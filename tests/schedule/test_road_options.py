"""Road options of a march unit: local clock keys, resources used, allowed slots, reasons."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

import mobility
from mobility.model.column import Column, MarchUnit, Serial
from mobility.model.scenario import Scenario, load_scenario
from mobility.routing.router import Route, Router
from mobility.schedule._closures import ClosureRule
from mobility.schedule._road_options import (
    OptionContext,
    _merged,
    _window_table,
    hour_keys,
    make_option,
    route_knowing_closures,
)
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.instance import Resource, Use, _option_context

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CET = timezone(timedelta(hours=1))
DATA = Path(__file__).parent.parent / "data"


def _scenario_at(start: datetime) -> Scenario:
    return replace(load_scenario(DATA / "scenario-tiny.yaml"), start=start)


def test_hour_keys_follow_the_local_clock_weekends_holidays_and_summer_time() -> None:
    # Tuesday 24 November 2026: working day.
    keys, clock = hour_keys(_scenario_at(datetime(2026, 11, 24, tzinfo=AMSTERDAM)), 600)
    assert (keys[0], clock[0]) == (0, 0)
    assert (keys[450], clock[450]) == (7, 450)
    # Christmas Eve (a Thursday) into Christmas Day (a public holiday).
    keys, clock = hour_keys(_scenario_at(datetime(2026, 12, 24, 22, 30, tzinfo=AMSTERDAM)), 180)
    assert (keys[0], clock[0]) == (22, 22 * 60 + 30)
    assert (keys[90], clock[90]) == (24 + 0, 0)
    # Sunday 29 March 2026, 01:00 (+01:00, as a scenario file gives it): an hour
    # later the clock jumps from 02:00 to 03:00.
    keys, clock = hour_keys(_scenario_at(datetime(2026, 3, 29, 1, tzinfo=CET)), 120)
    assert (keys[59], clock[59]) == (24 + 1, 119)
    assert (keys[60], clock[60]) == (24 + 3, 180)


def test_window_table_knows_windows_across_midnight() -> None:
    table = _window_table(((22 * 60, 6 * 60),))
    assert table.shape == (24 * 60,)
    assert table[22 * 60] and table[0] and table[6 * 60 - 1]
    assert not table[6 * 60] and not table[12 * 60] and not table[22 * 60 - 1]


def test_merged_uses_keep_one_span_per_resource() -> None:
    uses = [Use("structure:X/eastbound", 3, 5, 1), Use("structure:X/eastbound", 8, 9, 1)]
    assert _merged(uses) == (Use("structure:X/eastbound", 3, 9, 1),)
    two = [Use("csc:a", 0, 5, 10), Use("csc:b", 1, 2, 10), Use("csc:a", 4, 7, 12)]
    assert _merged(two) == (Use("csc:a", 0, 7, 12), Use("csc:b", 1, 2, 10))


@pytest.fixture(scope="module")
def road(
    atlas: mobility.Network, router: Router
) -> tuple[OptionContext, dict[str, Resource], Route, Column]:
    scenario = load_scenario(DATA / "scenario-tiny.yaml")
    resources: dict[str, Resource] = {}
    context = _option_context(scenario, atlas, router, TrafficModel(), resources)
    vehicle = router.catalogue.get("fennek")
    column = Column(unit="Recce", serials=(Serial("1", ()),))
    plan = router.route(
        origin="Port of Vlissingen",
        destination="bcp-venlo-a67",
        vehicle=vehicle,
        count=20,
        k=1,
        start=scenario.start,
    )
    return context, resources, plan.routes[0], column


def _unit(router: Router) -> MarchUnit:
    return MarchUnit("1.1", ((router.catalogue.get("fennek"), 20),))


def test_an_option_uses_the_port_gate_and_the_structures_it_passes(
    road: tuple[OptionContext, dict[str, Resource], Route, Column], router: Router
) -> None:
    context, resources, route, _ = road
    option, reason = make_option(
        context, route, "spod-vlissingen", "bcp-venlo-a67", _unit(router), 4 * 60
    )
    assert option is not None, reason
    by_resource = {u.resource: u for u in option.uses}
    assert len(by_resource) == len(option.uses)  # one use per resource
    assert set(by_resource) <= set(resources)
    rate = context.scenario.capacities.port_rate("spod-vlissingen", "Port of Vlissingen")
    assert by_resource["port:spod-vlissingen"] == Use(
        "port:spod-vlissingen", 0, math.ceil(20 * 60 / rate), 1
    )
    tunnels = [u for rid, u in by_resource.items() if rid.startswith("structure:Vlaketunnel")]
    assert tunnels and all(0 < u.start_min < u.end_min <= option.clear_min for u in tunnels)
    slots = context.slot_starts
    assert not option.allowed[slots < 4 * 60].any()
    assert (slots[option.allowed] + option.clear_min <= context.horizon_min).all()
    assert (option.disruption[~option.allowed] == 0).all()
    assert option.disruption[7 * 4] > option.disruption[4 * 4]  # 07:00 peak over 04:00
    assert option.pass_h is not None and len(option.pass_h) == len(route.edges)
    assert option.closure_spans == ()  # the scenario closes nothing


def test_equal_march_units_on_a_route_share_its_slot_costs(
    road: tuple[OptionContext, dict[str, Resource], Route, Column], router: Router
) -> None:
    """#15: the route's costs for every slot are worked out once per column size."""
    context, _, route, _ = road
    ends = ("spod-vlissingen", "bcp-venlo-a67")
    fresh = replace(context)
    assert fresh.slot_costs == {}  # not copied by replace
    early, _ = make_option(fresh, route, *ends, _unit(router), 4 * 60)
    late, _ = make_option(fresh, route, *ends, _unit(router), 9 * 60)
    assert early is not None and late is not None and len(fresh.slot_costs) == 1
    assert late.peak_column_min is early.peak_column_min and late.pass_h is early.pass_h
    assert not early.peak_column_min.flags.writeable
    # The costs of a start do not depend on which other starts are allowed.
    both = early.allowed & late.allowed
    assert both.any() and np.array_equal(early.disruption[both], late.disruption[both])
    assert (late.disruption[~late.allowed] == 0).all()
    bigger = MarchUnit("1.2", ((router.catalogue.get("fennek"), 25),))
    other, _ = make_option(fresh, route, *ends, bigger, 4 * 60)
    assert other is not None and len(fresh.slot_costs) == 2
    assert (other.disruption >= early.disruption).all()
    # The same as a context that has kept nothing.
    alone, _ = make_option(replace(context), route, *ends, _unit(router), 9 * 60)
    assert alone is not None and np.array_equal(alone.disruption, late.disruption)


def test_an_option_without_a_usable_start_says_why(
    road: tuple[OptionContext, dict[str, Resource], Route, Column], router: Router
) -> None:
    context, _, route, _ = road
    unit = _unit(router)
    ends = ("spod-vlissingen", "bcp-venlo-a67")
    option, reason = make_option(context, route, *ends, unit, context.horizon_min)
    assert option is None
    assert reason == "cannot arrive within the horizon after its release"
    closed = replace(context, closures=[ClosureRule("vlaketunnel", -10_000, 10_000)])
    option, reason = make_option(closed, route, *ends, unit, 0)
    assert option is None and reason == "closures block every start time"
    # Closed for two hours only: the option keeps the starts that pass outside them.
    window = replace(context, closures=[ClosureRule("vlaketunnel", 600, 720)])
    option, reason = make_option(window, route, *ends, unit, 0)
    assert option is not None, reason
    [(text, begin, end)] = option.closure_spans
    assert text == "vlaketunnel"
    starts = context.slot_starts
    meets = (starts + begin < 720) & (starts + end > 600)
    assert meets.any() and not option.allowed[meets].any()
    open_option, _ = make_option(context, route, *ends, unit, 0)
    assert open_option is not None
    assert np.array_equal(option.allowed | meets, open_option.allowed)


def test_equal_march_units_share_one_route_plan(
    road: tuple[OptionContext, dict[str, Resource], Route, Column], router: Router
) -> None:
    """#13: equal march units (other names) get the same routes, found once; others their own."""
    context, _, _, _ = road
    fresh = replace(context)
    assert fresh.route_plans == {}  # not copied by replace
    request = fresh.scenario.requests[0]
    fennek = router.catalogue.get("fennek")

    def column(unit: str, unit_id: str, count: int) -> Column:
        march_unit = MarchUnit(unit_id, ((fennek, count),))
        return Column(unit=unit, serials=(Serial("1", (march_unit,)),))

    first = column("Recce 1.1", "1.1", 20)
    plan = route_knowing_closures(router, fresh, request, fennek, first, 2)
    second = column("Recce 1.2", "1.2", 20)
    again = route_knowing_closures(router, fresh, request, fennek, second, 2)
    assert len(fresh.route_plans) == 1
    assert all(a is b for a, b in zip(plan.routes, again.routes, strict=True))
    assert plan.column is first and again.column is second
    # What a fresh router finds for the second unit alone: the same routes.
    alone = route_knowing_closures(
        Router(router.network), replace(context), request, fennek, second, 2
    )
    assert [r.edges for r in alone.routes] == [r.edges for r in again.routes]
    assert [r.schedule for r in alone.routes] == [r.schedule for r in again.routes]
    # A longer column (its halts and pass times differ) and fewer routes are asked anew.
    longer = route_knowing_closures(router, fresh, request, fennek, column("Recce", "1.3", 25), 2)
    route_knowing_closures(router, fresh, request, fennek, first, 1)
    assert len(fresh.route_plans) == 3 and longer.routes[0] is not plan.routes[0]
