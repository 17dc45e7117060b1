"""Trains: rail constraints from the rail rules and places, a train's row and occupations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility.model.corridor import Place
from mobility.rail.rules import load_rail_rules
from mobility.validation._resources import Resources
from mobility.validation._trains import (
    occupy_train,
    rail_constraints,
    rail_constraints_problems,
    train_row_problems,
)
from mobility.validation.inputs import Inputs, load_inputs

TERMINAL = Place(
    "rt-test",
    "rail_terminal",
    "Test terminal",
    ("south",),
    4.1,
    51.9,
    mode="rail",
    capacity={"ramps": 3, "trains_per_day": 5},
    assumption="test",
)
PORT = Place("spod-test", "spod", "Test port", ("south",), 4.0, 51.9, assumption="test")


def test_no_rail_rules_no_rail_constraints() -> None:
    assert rail_constraints(None, [TERMINAL], []) is None


def test_the_rail_constraints_hold_the_rules_the_lines_used_and_every_places_capacity() -> None:
    rules = load_rail_rules()
    trains: list[dict[str, Any]] = [
        {"train": {"path": [{"line": "Betuweroute"}]}},
        {"mode": "road"},
    ]
    rail = rail_constraints(rules, [TERMINAL, PORT], trains, {"lines": {"Brabantroute": {}}})
    assert rail is not None
    assert rail["terminals"] == {"rt-test": {"ramps": 3, "trains_per_day": 5}, "spod-test": {}}
    assert list(rail["lines"]) == ["Betuweroute", "Brabantroute"]
    betuwe = rules.line("Betuweroute")
    assert rail["lines"]["Betuweroute"] == {
        "max_length_m": betuwe.max_length_m,
        "paths_per_h": dict(betuwe.paths_per_h),
    }
    assert rail["night"] == list(rules.night)


def _derived() -> dict[str, Any]:
    return {
        "terminals": {"rt-a": {"ramps": 2}, "rt-b": {"ramps": 1}},
        "lines": {"Betuweroute": {"max_length_m": 740}},
        "night": [22, 6],
        "peaks": [],
        "border_trains_per_h": 2,
    }


def test_constraints_json_must_agree_on_the_terminals_and_lines_it_names() -> None:
    rail = _derived()
    assert rail_constraints_problems(None, {"night": [0, 0]}) == []
    assert rail_constraints_problems(rail, None) == []
    assert rail_constraints_problems(rail, {**rail, "terminals": {"rt-a": {"ramps": 2}}}) == []
    written = {**rail, "terminals": {"rt-a": {"ramps": 9}}, "night": [20, 8]}
    differ = "in constraints.json differ from the rail rules and corridor places"
    assert rail_constraints_problems(rail, written) == [
        ("constraints", "", f"rail {key} {differ}") for key in ("terminals", "night")
    ]


@pytest.fixture(scope="module")
def rail_inputs(rail_plan: Path, atlas: mobility.Network) -> Inputs:
    return load_inputs(rail_plan, network=atlas)


def _trains(plan: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((plan / "movement_table.json").read_text())
    return [m for m in rows if m["mode"] == "rail"]


def _rail(inputs: Inputs, trains: list[dict[str, Any]]) -> dict[str, Any]:
    rail = rail_constraints(inputs.rail_rules, inputs.network.corridors.places, trains)
    assert rail is not None
    return rail


def test_a_planned_train_passes_and_a_vehicle_of_another_request_is_named(
    rail_plan: Path, rail_inputs: Inputs
) -> None:
    trains = _trains(rail_plan)
    rail = _rail(rail_inputs, trains)
    tanks = next(r for r in rail_inputs.scenario.requests if r.id == "TANKS")
    m = trains[0]
    assert train_row_problems(m, tanks, rail, rail_inputs.catalogue) == []
    m = {**m, "vehicles": {**m["vehicles"], "fennek": 0}}
    assert train_row_problems(m, tanks, rail, rail_inputs.catalogue) == [
        ("vehicles", "fennek is not a vehicle of request TANKS")
    ]


def test_a_train_holds_ramps_by_the_terminals_capacity_and_paths_alone(
    rail_plan: Path, rail_inputs: Inputs
) -> None:
    trains = _trains(rail_plan)
    rail = _rail(rail_inputs, trains)
    resources = Resources()
    for m in trains:
        occupy_train(resources, m, rail)
    terminal = trains[0]["train"]["terminal"]["id"]
    ramps = rail["terminals"][terminal]
    assert resources.capacity[f"ramp:{terminal}"] == ramps["ramps"]
    assert resources.capacity[f"ramp_day:{terminal}"] == ramps["trains_per_day"]
    paths = [rid for rid in resources.capacity if rid.startswith("path:")]
    assert paths and all(resources.capacity[rid] == 1 for rid in paths)
    numbers = {number for spans in resources.spans.values() for *_, number in spans}
    assert numbers == {m["movement"] for m in trains}
