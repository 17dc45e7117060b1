"""The validator's own checks: a row's start, closures, the whole plan."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility.model.scenario import Closure, Scenario, scenario_from_dict
from mobility.validation import Violation, validate_plan
from mobility.validation.check import closure_problems, start_problems

T0 = datetime.fromisoformat("2026-11-24T00:00:00+01:00")


def _at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


def test_a_violation_reads_rule_movement_and_message() -> None:
    assert str(Violation("capacity", "26-NLD-001", "too many")) == "[capacity] 26-NLD-001: too many"
    assert str(Violation("kpi", "", "no kpis")) == "[kpi] no kpis"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    request = {
        "id": "A",
        "unit": "A company",
        "origin": "spod-vlissingen",
        "destination": "bcp-venlo",
        "available_from": "2026-11-24T04:00+01:00",
        "required_by": "2026-11-24T18:00+01:00",
        "vehicles": {"fennek": 20},
    }
    document = {"name": "check", "start": _at(0), "horizon_h": 24, "slot_min": 15}
    return scenario_from_dict({**document, "requests": [request]})


def _row(start: float, clear: float) -> dict[str, Any]:
    return {"start": _at(start), "clear": _at(clear), "checkpoints": [{"arrive": _at(start)}]}


def test_a_row_starts_after_its_release_on_the_grid_inside_the_horizon(
    scenario: Scenario,
) -> None:
    request = scenario.requests[0]
    assert start_problems(_row(4.25, 8), request, scenario) == []
    early = start_problems(_row(3.5, 8), request, scenario)
    assert early == [("release", f"starts {_at(3.5)} before its release 2026-11-24T04:00:00+01:00")]
    off_grid = start_problems(_row(4 + 7 / 60, 25), request, scenario)
    assert off_grid == [
        ("slot", f"starts {_at(4 + 7 / 60)}, off the 15-min start grid of the scenario"),
        ("horizon", "moves outside the planning horizon"),
    ]
    late_first_point = {**_row(5, 8), "checkpoints": [{"arrive": _at(5.5)}]}
    assert start_problems(late_first_point, request, scenario) == [
        ("travel", "the first checkpoint is not at the start")
    ]


def _spans(m: dict[str, Any]) -> dict[str, Any]:
    return {"movement": m.pop("movement"), "checkpoints": [], **m}


def test_an_element_used_while_closed_is_named_once_per_movement() -> None:
    closures = [Closure("Moerdijkbrug", T0 + timedelta(hours=6), T0 + timedelta(hours=8))]
    rows = [
        {
            "movement": "M1",  # on the bridge from 05:50 to 06:10: during the closure
            "checkpoints": [
                {"name": "MOERDIJKBRUG", "node": 5, "arrive": _at(5.8), "clear": _at(6.1)},
                {"name": "Moerdijkbrug", "node": 6, "arrive": _at(6.5), "clear": _at(6.6)},
            ],
        },
        {
            "movement": "M2",  # clears the bridge at 06:00 exactly: before the closure
            "checkpoints": [
                {"name": "Moerdijkbrug", "node": 5, "arrive": _at(5.5), "clear": _at(5.8)}
                | {"leave": _at(6)}
            ],
        },
        _spans({"movement": "M3", "ref_spans": [{"ref": "A16", "from": _at(1), "to": _at(2)}]}),
    ]
    found = closure_problems(rows, closures)
    assert [(v.rule, v.movement) for v in found] == [("closure", "M1")]
    assert found[0].message == (
        "uses Moerdijkbrug between 2026-11-24T05:48:00+01:00 and 2026-11-24T06:06:00+01:00, "
        "during its closure"
    )


def test_a_closure_may_name_a_road_number_a_node_or_a_closed_element() -> None:
    window = (T0 + timedelta(hours=1), T0 + timedelta(hours=3))
    rows = [
        _spans({"movement": "M1", "ref_spans": [{"ref": "A16", "from": _at(2), "to": _at(4)}]}),
        {
            "movement": "M2",
            "checkpoints": [{"name": "Knooppunt", "node": 42, "arrive": _at(2), "clear": _at(2.1)}],
        },
        _spans(
            {
                "movement": "M3",
                "closure_spans": [{"element": "way 7", "from": _at(0), "to": _at(1.5)}],
            }
        ),
    ]
    named = {
        element: [v.movement for v in closure_problems(rows, [Closure(element, *window)])]
        for element in ("a16", " 42 ", "Way 7", "A2")
    }
    assert named == {"a16": ["M1"], " 42 ": ["M2"], "Way 7": ["M3"], "A2": []}


def _copy(plan: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(plan, tmp_path / "plan"))


def test_a_row_of_an_unknown_request_is_named(
    road_plan: Path, atlas: mobility.Network, tmp_path: Path
) -> None:
    folder = _copy(road_plan, tmp_path)
    path = folder / "movement_table.json"
    table = json.loads(path.read_text())
    table[0]["request"] = "GHOST"
    path.write_text(json.dumps(table))
    found = validate_plan(folder, network=atlas)
    assert Violation("release", table[0]["movement"], "unknown request 'GHOST'") in found


def test_trains_in_a_plan_that_recorded_no_rail_rules_are_named(
    rail_plan: Path, atlas: mobility.Network, tmp_path: Path
) -> None:
    folder = _copy(rail_plan, tmp_path)
    path = folder / "inputs.json"
    record = json.loads(path.read_text())
    record["rules"]["rail"] = None
    path.write_text(json.dumps(record))
    trains = [
        m["movement"]
        for m in json.loads((folder / "movement_table.json").read_text())
        if m["mode"] == "rail"
    ]
    found = validate_plan(folder, network=atlas)
    rail = [v for v in found if v.rule == "rail"]
    assert [v.movement for v in rail] == trains
    assert {v.message for v in rail} == {"a train, but the plan used no rail rules"}
