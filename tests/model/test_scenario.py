from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mobility import settings
from mobility.errors import ScenarioError
from mobility.model.scenario import in_windows, load_scenario, scenario_from_dict

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
