"""Shared resources from hand-made timings: occupations, capacities, windows, constraints.json."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from mobility.model.corridor import Place
from mobility.model.scenario import Scenario, scenario_from_dict
from mobility.routing.column_timing import Checkpoint, ColumnSchedule, Halt
from mobility.validation._resources import (
    Resources,
    capacity_problems,
    centre_capacity,
    constraints_problems,
    junction_occupations,
    road_occupations,
)

T0 = datetime.fromisoformat("2026-11-24T04:00:00+01:00")


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _place(place_id: str, kind: str, name: str, **capacity: float) -> Place:
    return Place(place_id, kind, name, ("south",), 5.0, 51.5, capacity=capacity, assumption="test")


PLACES = {
    p.id: p
    for p in (
        _place("spod-rotterdam", "spod", "Port of Rotterdam"),
        _place("bcp-venlo", "bcp", "Venlo border"),
        _place("csc-venlo", "csc", "CSC Venlo", vehicles_parked=30, vehicles_overnight=10),
    )
}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    request = {
        "id": "A",
        "unit": "A company",
        "origin": "spod-rotterdam",
        "destination": "bcp-venlo",
        "available_from": "2026-11-24T04:00+01:00",
        "required_by": "2026-11-24T18:00+01:00",
        "vehicles": {"fennek": 20},
    }
    return scenario_from_dict(
        {
            "name": "resources",
            "start": "2026-11-24T00:00+01:00",
            "horizon_h": 24,
            "requests": [request],
            "capacities": {
                "port_exit_vehicles_per_hour": {"spod-rotterdam": 60},
                "border_windows": {"bcp-venlo": [["06:00", "22:00"]]},
                "support_centres": {"CSC Venlo": {"vehicles_overnight": 40}},
            },
        }
    )


def _schedule() -> ColumnSchedule:
    def point(name: str, kind: str, node: int, minute: float, **extra: Any) -> Checkpoint:
        return Checkpoint(name, kind, node, minute * 1000, _at(minute), _at(minute + 5), **extra)

    checkpoints = (
        point("Port of Rotterdam", "origin", 1, 0),
        point("Moerdijkbrug", "bridge", 2, 30, leave=_at(37), element="Moerdijkbrug/south"),
        point("Knooppunt Zaarderheiken", "junction", 7, 150),
        point("Venlo border", "destination", 9, 170),
    )
    halts = (Halt("CSC Venlo", "break", 5, 90_000, _at(90), _at(135), True),)
    return ColumnSchedule(_at(0), _at(170), _at(175), 125 * 60, checkpoints, halts)


def test_a_resource_is_declared_once(scenario: Scenario) -> None:
    resources = Resources()
    assert resources.add("structure:x", "X", 1) == "structure:x"
    resources.add("structure:x", "X again", 5)
    assert (resources.capacity, resources.names) == ({"structure:x": 1}, {"structure:x": "X"})


def test_a_support_centre_takes_the_scenarios_capacity_else_its_own(scenario: Scenario) -> None:
    centre = PLACES["csc-venlo"]
    assert centre_capacity(scenario, centre, "vehicles_overnight") == 40  # by name, in the scenario
    assert centre_capacity(scenario, centre, "vehicles_parked") == 30  # the corridor file's
    assert centre_capacity(scenario, PLACES["bcp-venlo"], "vehicles_parked") is None


def test_a_road_movement_occupies_structures_border_port_and_support_centre(
    scenario: Scenario,
) -> None:
    resources = Resources()
    junctions = road_occupations(
        resources,
        number="26-NLD-001",
        schedule=_schedule(),
        count=20,
        scenario=scenario,
        places=PLACES,
        origin="spod-rotterdam",
        destination="bcp-venlo",
    )
    assert junctions == [(7, _at(150), _at(155))]
    assert resources.capacity == {
        "structure:Moerdijkbrug/south": 1,
        "border:bcp-venlo": 2,
        "port:spod-rotterdam": 1,
        "csc:csc-venlo": 30,
    }
    assert resources.names["structure:Moerdijkbrug/south"] == "Moerdijkbrug south"
    assert resources.windows["border:bcp-venlo"] == ((360, 1320),)
    spans = resources.spans
    # The bridge is held until the tail leaves it, the gate for 20 vehicles at 60 an hour.
    assert spans["structure:Moerdijkbrug/south"] == [(_at(30), _at(37), 1, "26-NLD-001")]
    assert spans["port:spod-rotterdam"] == [(_at(0), _at(20), 1, "26-NLD-001")]
    assert spans["border:bcp-venlo"] == [(_at(170), _at(175), 1, "26-NLD-001")]
    assert spans["csc:csc-venlo"] == [(_at(90), _at(135), 20, "26-NLD-001")]


def test_a_junction_is_a_resource_only_where_routes_of_different_movements_merge(
    scenario: Scenario,
) -> None:
    passages = {
        "M1": ([(1, 7, 0), (7, 9, 0)], [(7, _at(10), _at(15))]),
        "M2": ([(2, 7, 0), (7, 9, 0)], [(7, _at(12), _at(17))]),
        "M3": ([(3, 8, 0), (8, 9, 0)], [(8, _at(0), _at(5))]),
        "M4": ([(3, 8, 0), (8, 9, 0)], [(8, _at(30), _at(35))]),  # same way in: no merge
    }
    resources = Resources()
    junction_occupations(resources, scenario, passages, {7: "Knooppunt Zaarderheiken"})
    assert resources.capacity == {"junction:7": scenario.capacities.checkpoint_columns}
    assert resources.names == {"junction:7": "Knooppunt Zaarderheiken"}
    assert resources.spans["junction:7"] == [
        (_at(10), _at(15), 1, "M1"),
        (_at(12), _at(17), 1, "M2"),
    ]


def test_a_resource_over_capacity_names_the_movement_that_overfills_it() -> None:
    resources = Resources()
    resources.add("structure:b", "Bridge", 1)
    # Back to back is fine: an end sorts before a start at the same moment.
    resources.spans["structure:b"] += [(_at(0), _at(10), 1, "M1"), (_at(10), _at(20), 1, "M2")]
    assert capacity_problems(resources) == []
    resources.spans["structure:b"].append((_at(15), _at(25), 1, "M3"))
    ((rule, number, message),) = capacity_problems(resources)
    assert (rule, number) == ("capacity", "M3")
    assert message.startswith("Bridge (structure:b) holds 2 > capacity 1 at ")


def test_an_arrival_outside_a_borders_windows_is_named() -> None:
    resources = Resources()
    resources.add("border:bcp-venlo", "Venlo border", 5, ((360, 1320),))
    resources.spans["border:bcp-venlo"] += [
        (_at(180), _at(190), 1, "M1"),  # 07:00 local
        (_at(-60), _at(-50), 1, "M2"),  # 03:00 local
    ]
    outside = "arrives at Venlo border at 2026-11-24T03:00:00+01:00, outside its acceptance windows"
    assert capacity_problems(resources) == [("window", "M2", outside)]


def _constraints() -> dict[str, Any]:
    return {
        "start": "2026-11-24T00:00:00+01:00",
        "end": "2026-11-25T00:00:00+01:00",
        "resources": [
            {"id": "structure:b", "capacity": 1, "windows": []},
            {"id": "border:bcp-venlo", "capacity": 2, "windows": [[360, 1320]]},
        ],
        "requests": {
            "A": {"release": "2026-11-24T04:00:00+01:00", "due": "2026-11-24T18:00:00+01:00"}
        },
    }


def test_constraints_json_is_checked_against_the_derivation(scenario: Scenario) -> None:
    resources = Resources()
    resources.add("structure:b", "Bridge", 1)
    resources.add("border:bcp-venlo", "Venlo border", 2, ((360, 1320),))
    written = _constraints()
    assert constraints_problems(resources, written, scenario) == []
    written["resources"][0]["capacity"] = 3
    written["resources"][1]["windows"] = [[0, 1440]]
    written["requests"]["A"]["release"] = "2026-11-24T02:00:00+01:00"
    written["end"] = "2026-11-28T00:00:00+01:00"
    resources.add("junction:7", "Knooppunt", 2)
    assert [text for _, _, text in constraints_problems(resources, written, scenario)] == [
        "resource structure:b: capacity 3 in constraints.json, the inputs give 1",
        "resource border:bcp-venlo: windows [[0, 1440]] in constraints.json differ from the "
        "scenario's",
        "resource junction:7 (Knooppunt) is used by the plan but missing from constraints.json",
        "request A: release 2026-11-24T02:00:00+01:00 in constraints.json, the scenario gives "
        "2026-11-24T04:00:00+01:00",
        "horizon end 2026-11-28T00:00:00+01:00 in constraints.json, the scenario gives "
        "2026-11-25T00:00:00+01:00",
    ]
