"""A road movement re-derived from the inputs: vehicles as they move, envelope, column, timing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility.model.scenario import Request, Scenario, scenario_from_dict
from mobility.model.vehicle import VehicleCatalogue, load_vehicles
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router
from mobility.validation._road import (
    column_rules,
    derive_road,
    envelope,
    moved_types,
    rail_as_carried,
    requested_as_moved,
    requirements_problems,
    row_column,
    row_types,
)
from mobility.validation.inputs import Inputs, load_inputs


@pytest.fixture(scope="module")
def catalogue() -> VehicleCatalogue:
    return load_vehicles()


def _scenario(vehicles: dict[str, int], **changes: Any) -> Scenario:
    request = {
        "id": "A",
        "unit": "A squadron",
        "origin": "spod-vlissingen",
        "destination": "bcp-venlo",
        "available_from": "2026-11-24T04:00+01:00",
        "required_by": "2026-11-24T18:00+01:00",
        "vehicles": vehicles,
        "hazmat": changes.pop("hazmat", ""),
    }
    document = {"name": "road", "start": "2026-11-24T00:00+01:00", "horizon_h": 24}
    return scenario_from_dict({**document, "requests": [request], **changes})


def test_tanks_move_on_transporters_and_trains_carry_them_as_they_are(
    catalogue: VehicleCatalogue,
) -> None:
    types = moved_types(catalogue)
    assert types["leopard-2a7"].id == "leopard-2a7"
    assert types["het-hx81-leopard-2a7"].weight_t > types["leopard-2a7"].weight_t
    request = _scenario({"leopard-2a7": 4, "Fennek": 2, "fennek": 1, "bushmaster": 0}).requests[0]
    assert requested_as_moved(request, catalogue) == {"het-hx81-leopard-2a7": 4, "fennek": 3}
    assert rail_as_carried(request, catalogue) == {"leopard-2a7": 4, "fennek": 3}


def test_the_column_rules_are_the_scenarios() -> None:
    rules = column_rules(
        _scenario({"fennek": 1}, column={"march_unit_max": 12, "march_unit_min": 8})
    )
    assert (rules.march_unit_min, rules.march_unit_max) == (8, 12)
    assert rules.formation.name == "open"


def test_the_envelope_adds_the_requests_dangerous_goods(catalogue: VehicleCatalogue) -> None:
    trucks = [catalogue.get("man-hx2-6x6")]
    plain = envelope(trucks, _scenario({"man-hx2-6x6": 2}).requests[0])
    loaded = envelope(trucks, _scenario({"man-hx2-6x6": 2}, hazmat="1.1").requests[0])
    assert plain.barred_tunnel_categories == frozenset() and not plain.hazmat
    assert {"C", "D", "E"} <= loaded.barred_tunnel_categories
    assert loaded.mlc_wheeled == plain.mlc_wheeled


def test_a_rows_vehicles_are_types_of_the_catalogue_with_whole_counts(
    catalogue: VehicleCatalogue,
) -> None:
    types = moved_types(catalogue)
    pairs, found = row_types({"vehicles": {"fennek": 3, "bushmaster": 0}}, types)
    assert ([(v.id, n) for v, n in pairs], found) == ([("fennek", 3)], [])
    _, found = row_types({"vehicles": {"hovercraft": 1, "fennek": -1, "boxer-apc": True}}, types)
    assert found == [
        ("vehicles", "vehicle type 'hovercraft' is not in the plan's catalogue"),
        ("vehicles", "fennek: -1 is not a vehicle count"),
        ("vehicles", "boxer-apc: True is not a vehicle count"),
    ]
    assert row_types({"vehicles": {"fennek": 0}}, types)[1] == [
        ("vehicles", "the row lists no vehicles")
    ]


def test_the_rows_requirements_must_be_its_vehicles_envelope(catalogue: VehicleCatalogue) -> None:
    need = Requirements.of([catalogue.get("fennek")])
    written = json.loads(json.dumps(need.to_dict()))
    written["weight_t"] = float(written["weight_t"])
    written["mlc_wheeled"] = float(written["mlc_wheeled"])  # 11.0 is 11
    written["label"] = "anything"
    assert requirements_problems({"requirements": written}, need) == []
    written["mlc_wheeled"] = 1
    assert requirements_problems({"requirements": written}, need) == [
        ("requirements", "requirements mlc_wheeled 1, but its vehicles need 11")
    ]


def test_a_march_unit_is_one_serial_and_a_large_train_load_is_cut_into_march_units(
    catalogue: VehicleCatalogue,
) -> None:
    scenario = _scenario({"fennek": 1}, column={"march_unit_max": 10, "march_unit_min": 5})
    request = scenario.requests[0]
    fennek = catalogue.get("fennek")
    column = row_column({"march_unit": "1.2"}, request, scenario, [(fennek, 8)])
    assert [(u.id, u.count) for u in column.march_units] == [("1.2", 8)]
    column = row_column({"march_unit": "T1"}, request, scenario, [(fennek, 23)])
    assert sum(u.count for u in column.march_units) == 23
    assert max(u.count for u in column.march_units) <= 10


@pytest.fixture(scope="module")
def road_inputs(road_plan: Path, atlas: mobility.Network) -> Inputs:
    return load_inputs(road_plan, network=atlas)


def _router(inputs: Inputs) -> Router:
    return Router(
        inputs.network,
        inputs.catalogue,
        speeds=inputs.speeds,
        halt_rules=inputs.halt_rules,
        clearance_margin_m=inputs.clearance_margin_m,
    )


def _rows(plan: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((plan / "movement_table.json").read_text())
    return rows


def _request(inputs: Inputs, m: dict[str, Any]) -> Request:
    return next(r for r in inputs.scenario.requests if r.id == m["request"])


def test_the_planners_road_rows_derive_again_without_findings(
    road_plan: Path, road_inputs: Inputs
) -> None:
    router = _router(road_inputs)
    types = moved_types(road_inputs.catalogue)
    for m in _rows(road_plan)[::11]:
        found: list[tuple[str, str]] = []
        derived = derive_road(
            m, _request(road_inputs, m), road_inputs.scenario, router, types, found
        )
        assert found == [], m["movement"]
        assert derived.count == m["vehicle_count"]
        assert derived.schedule is not None
        assert derived.schedule.clear <= datetime.fromisoformat(m["clear"])  # rounded up


def test_a_row_that_cannot_be_timed_says_why(road_plan: Path, road_inputs: Inputs) -> None:
    router = _router(road_inputs)
    types = moved_types(road_inputs.catalogue)
    m = _rows(road_plan)[0]
    request, scenario = _request(road_inputs, m), road_inputs.scenario
    found: list[tuple[str, str]] = []
    derived = derive_road(
        {**m, "vehicles": {"hovercraft": 2}}, request, scenario, router, types, found
    )
    assert (derived.need, derived.count, derived.schedule) == (None, 0, None)
    assert found == [("vehicles", "vehicle type 'hovercraft' is not in the plan's catalogue")]
    found = []
    derived = derive_road(
        {**m, "edges": [], "vehicle_count": 1}, request, scenario, router, types, found
    )
    assert derived.schedule is None and derived.need is not None
    assert found == [
        ("vehicle_count", f"vehicle_count 1 but the row lists {m['vehicle_count']} vehicles"),
        ("route", "the row has no edges: its route cannot be checked"),
    ]
