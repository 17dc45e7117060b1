"""A serial of march units as one task: offsets, shared resources, slots and costs."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import mobility
from mobility.model.column import Column, ColumnRules, MarchUnit, build_column
from mobility.model.scenario import Scenario, load_scenario
from mobility.routing.router import Route, Router
from mobility.schedule._road_options import OptionContext
from mobility.schedule._serial_options import _offset_min, _shifted, _uses, serial_option
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.instance import Option, Resource, SerialPart, Use, _option_context
from tests.schedule.tiny import VEHICLE

DATA = Path(__file__).parent.parent / "data"


def _option(uses: list[tuple[str, int, int, int]], clear_min: int = 60) -> Option:
    n = 8
    return Option(
        route=None,
        uses=tuple(Use(*use) for use in uses),
        arrive_min=clear_min,
        clear_min=clear_min,
        allowed=np.ones(n, dtype=bool),
        disruption=np.zeros(n, dtype=np.int64),
        peak_column_min=np.zeros(n, dtype=np.int64),
    )


def test_shifted_reads_values_later_and_pads_with_zero() -> None:
    values = np.array([1, 2, 3, 4], dtype=np.int64)
    assert _shifted(values, 0).tolist() == [1, 2, 3, 4]
    assert _shifted(values, 1).tolist() == [2, 3, 4, 0]
    assert _shifted(values, 9).tolist() == [0, 0, 0, 0]


def test_the_next_march_unit_waits_until_the_column_resources_are_free() -> None:
    before = _option([("structure:brug", 10, 40, 1), ("csc:centre", 50, 80, 20)])
    after = _option([("structure:brug", 10, 40, 1), ("csc:centre", 50, 80, 20)])
    # The bridge is free for it 30 min later; a whole number of 15-min slots: 30.
    assert _offset_min(before, 0, after, 15) == 30
    assert _offset_min(before, 30, after, 15) == 60
    # Nothing shared: one slot later (a serial never starts together).
    assert _offset_min(_option([("structure:other", 0, 90, 1)]), 0, after, 15) == 15


def test_serial_uses_span_all_march_units_and_add_vehicles_at_centres() -> None:
    first = _option([("structure:brug", 10, 40, 1), ("csc:centre", 50, 80, 20)])
    second = _option([("structure:brug", 10, 40, 1), ("csc:centre", 50, 80, 15)])
    uses = _uses([SerialPart(_unit(), first, 0), SerialPart(_unit(), second, 30)])
    by_resource = {u.resource: u for u in uses}
    assert by_resource["structure:brug"] == Use("structure:brug", 10, 70, 1)
    assert by_resource["csc:centre"] == Use("csc:centre", 50, 110, 35)


def _unit() -> MarchUnit:
    return MarchUnit("1.1", ((VEHICLE, 1),))


@pytest.fixture(scope="module")
def serial(
    atlas: mobility.Network, router: Router
) -> tuple[Scenario, OptionContext, dict[str, Resource], Route, Column]:
    scenario = load_scenario(DATA / "scenario-tiny.yaml")
    resources: dict[str, Resource] = {}
    context = _option_context(scenario, atlas, router, TrafficModel(), resources)
    rules = ColumnRules(march_unit_min=10, march_unit_max=10)
    column = build_column("Recce", {"fennek": 30}, router.catalogue, rules)
    assert len(column.march_units) == 3
    plan = router.route(
        origin="Port of Vlissingen",
        destination="bcp-venlo-a67",
        vehicle=column.march_units[0].types[0],
        k=1,
        start=scenario.start,
        column=column,
    )
    return scenario, context, resources, plan.routes[0], column


def test_a_serial_option_runs_its_march_units_one_after_another(
    serial: tuple[Scenario, OptionContext, dict[str, Resource], Route, Column], router: Router
) -> None:
    scenario, context, resources, route, column = serial
    option, reason = serial_option(
        context, router, route, column, "spod-vlissingen", "bcp-venlo-a67", 4 * 60
    )
    assert option is not None, reason
    parts = option.parts
    assert [p.march_unit.id for p in parts] == [u.id for u in column.march_units]
    offsets = [p.offset_min for p in parts]
    assert offsets[0] == 0 and all(b > a for a, b in itertools.pairwise(offsets))
    assert all(o % scenario.slot_min == 0 for o in offsets)
    assert option.clear_min == parts[-1].offset_min + parts[-1].option.clear_min
    # No two march units of the serial hold a bridge, tunnel or port gate at once.
    for a, b in itertools.pairwise(parts):
        held = {u.resource: u for u in a.option.uses if u.resource.startswith("structure:")}
        for use in b.option.uses:
            if use.resource in held:
                assert b.offset_min + use.start_min >= a.offset_min + held[use.resource].end_min
    assert {u.resource for u in option.uses} <= set(resources)
    # A start is allowed only where every march unit may start at its offset.
    for slot in np.flatnonzero(option.allowed):
        for part in parts:
            assert part.option.allowed[slot + part.offset_min // scenario.slot_min]
    assert not option.allowed[: 4 * 60 // scenario.slot_min].any()  # released at 04:00
    first = int(np.flatnonzero(option.allowed)[0])
    assert option.disruption[first] == sum(
        p.option.disruption[first + p.offset_min // scenario.slot_min] for p in parts
    )


def test_a_serial_that_cannot_move_names_its_march_unit(
    serial: tuple[Scenario, OptionContext, dict[str, Resource], Route, Column], router: Router
) -> None:
    scenario, context, _, route, column = serial
    late = round(scenario.horizon_h * 60)
    option, reason = serial_option(
        context, router, route, column, "spod-vlissingen", "bcp-venlo-a67", late
    )
    assert option is None
    assert reason == "march unit 1.1: cannot arrive within the horizon after its release"
