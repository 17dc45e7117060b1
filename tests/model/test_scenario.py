from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from mobility import settings
from mobility.errors import ScenarioError
from mobility.model.scenario import (
    Capacities,
    Closure,
    Request,
    Scenario,
    Weights,
    default_scenario_path,
    in_windows,
    load_scenario,
    scenario_from_dict,
)

BASE: dict[str, Any] = {
    "name": "t",
    "start": "2026-11-24T00:00+01:00",
    "horizon_h": 24,
    "requests": [
        {
            "id": "R1",
            "unit": "u",
            "origin": "Vlissingen",
            "destination": "bcp-venlo-a67",
            "available_from": "2026-11-24T04:00+01:00",
            "required_by": "2026-11-24T12:00+01:00",
            "vehicles": {"fennek": 3},
        }
    ],
}


def _with(**changes: object) -> dict[str, object]:
    request = {**BASE["requests"][0], **changes}
    return {**BASE, "requests": [request]}


def test_examples_load() -> None:
    folder = settings.examples_dir / "scenarios"
    names = sorted(p.name for p in folder.glob("*.yaml"))
    assert "armoured-brigade.yaml" in names
    for path in folder.glob("*.yaml"):
        scenario = load_scenario(path)
        assert scenario.requests and scenario.horizon_h > 0
    assert load_scenario().name == "armoured-brigade-south"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_with(vehicles={"fennek": -2}), r"request 'R1' vehicles fennek: expected a whole number"),
        (_with(required_by="2026-11-26T00:00+01:00"), "outside the horizon"),
        (_with(available_from="2026-11-24T04:00"), "has no UTC offset"),
        (_with(available_from="noon"), "is not an ISO 8601 time"),
        (_with(mode="boat"), "'boat' is not one of road, rail, any"),
        (_with(priority=9), "priority: expected a whole number 1..5"),
        (_with(required_by="2026-11-24T03:00+01:00"), "required_by must be after"),
        ({**BASE, "capacities": {"bridges": 2}}, "unknown field 'bridges'"),
        ({**BASE, "weights": {"mode": "random"}}, "'random' is not one of"),
        ({**BASE, "requests": BASE["requests"] * 2}, "request id 'R1' appears twice"),
        ({k: v for k, v in BASE.items() if k != "start"}, "missing field 'start'"),
        (
            {
                **BASE,
                "closures": [
                    {
                        "element": "A16",
                        "from": "2026-11-24T10:00+01:00",
                        "to": "2026-11-24T09:00+01:00",
                    }
                ],
            },
            "'to' must be after",
        ),
    ],
)
def test_bad_scenarios_name_the_field(document: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(document, "s.yaml")


def test_files_load_safely(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(ScenarioError, match="is not valid YAML"):
        load_scenario(bad)
    evil = tmp_path / "evil.yaml"
    evil.write_text("name: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ScenarioError, match="is not valid YAML"):
        load_scenario(evil)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(BASE))
    assert load_scenario(good).requests[0].vehicle_count == 3
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "missing.yaml")


def test_windows_wrap_midnight() -> None:
    night = ((22 * 60, 6 * 60),)
    assert in_windows(23 * 60, night) and in_windows(60, night)
    assert not in_windows(12 * 60, night)


def _request(**changes: object) -> Request:
    fields: dict[str, Any] = {
        "id": "R1",
        "unit": "u",
        "origin": "Vlissingen",
        "destination": "bcp-venlo-a67",
        "available_from": datetime.fromisoformat("2026-11-24T04:00+01:00"),
        "required_by": datetime.fromisoformat("2026-11-24T12:00+01:00"),
        "priority": 3,
        "vehicles": {"boxer-apc": 5},
    }
    return Request(**{**fields, **changes})


def test_issue_17_request_is_validated_on_construction() -> None:
    # Issue 17: accepted before, with a lateness weight of -3.
    with pytest.raises(
        ScenarioError, match=r"request 'R1' priority: expected a whole number 1\.\.5"
    ):
        _request(priority=9, vehicles={"boxer-apc": -5}, mode="teleport")
    with pytest.raises(ScenarioError, match="vehicles boxer-apc: expected a whole number >= 0"):
        _request(vehicles={"boxer-apc": -5})
    with pytest.raises(ScenarioError, match="'teleport' is not one of road, rail, any"):
        _request(mode="teleport")
    with pytest.raises(ScenarioError, match="required_by must be after"):
        _request(required_by=datetime.fromisoformat("2026-11-24T03:00+01:00"))
    with pytest.raises(ScenarioError, match="has no UTC offset"):
        _request(available_from=datetime(2026, 11, 24, 4))
    with pytest.raises(ScenarioError, match="expected a non-empty name"):
        _request(origin=" ")
    assert _request().lateness_weight == 3


def test_value_objects_refuse_nan_and_bad_values() -> None:
    start = datetime.fromisoformat("2026-11-24T00:00+01:00")
    with pytest.raises(ScenarioError, match="weights lateness_per_min: expected a finite number"):
        Weights(lateness_per_min=math.nan)
    with pytest.raises(ScenarioError, match="weights mode"):
        Weights(mode="random")
    with pytest.raises(ScenarioError, match="structure_columns: expected a whole number >= 1"):
        Capacities(structure_columns=0)
    with pytest.raises(ScenarioError, match="port_exit_vehicles_per_hour default"):
        Capacities(port_exit_vehicles_per_hour={"default": math.inf})
    with pytest.raises(ScenarioError, match="is empty"):
        Capacities(border_windows={"default": ((360, 360),)})
    with pytest.raises(ScenarioError, match="'to' must be after 'from'"):
        Closure("A16", start, start)
    with pytest.raises(ScenarioError, match="horizon_h: expected a finite number"):
        Scenario("s", start, math.nan, (_request(),))
    with pytest.raises(ScenarioError, match="slot_min"):
        Scenario("s", start, 24, (_request(),), slot_min=0)
    with pytest.raises(ScenarioError, match="march_unit_max"):
        Scenario("s", start, 24, (_request(),), march_unit_min=10, march_unit_max=5)
    with pytest.raises(ScenarioError, match="appears twice"):
        Scenario("s", start, 24, (_request(), _request()))


def test_nan_in_a_scenario_file_names_the_field() -> None:
    document = {**BASE, "weights": {"lateness_per_min": math.nan}}
    with pytest.raises(ScenarioError, match=r"s\.yaml: weights lateness_per_min: expected a fin"):
        scenario_from_dict(document, "s.yaml")
    empty = {**BASE, "capacities": {"border_windows": {"default": [["06:00", "06:00"]]}}}
    with pytest.raises(ScenarioError, match="is empty"):
        scenario_from_dict(empty, "s.yaml")


def test_default_scenario_ships_in_the_package() -> None:
    path = default_scenario_path()
    assert path.is_relative_to(settings.data_dir)
    example = settings.examples_dir / "scenarios" / path.name
    assert path.read_bytes() == example.read_bytes(), "examples/ copy differs from the default"


def test_a_zone_start_keeps_absolute_hours_across_the_clock_change() -> None:
    """A Scenario built in Python with a zone: its horizon is absolute hours, not wall-clock."""
    from datetime import UTC, timedelta
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Amsterdam")
    start = datetime(2026, 3, 28, 22, 0, tzinfo=zone)  # CET; clocks go forward at 02:00
    scenario = Scenario(name="spring", start=start, horizon_h=24, requests=())
    assert scenario.start == start and scenario.start.utcoffset() == timedelta(hours=1)
    assert scenario.end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=24)
    later = datetime(2026, 3, 29, 12, 0, tzinfo=zone)  # CEST: 13 h after the start
    assert scenario.minutes(later) == 13 * 60
