"""Issue #14: a plan folder records its inputs; the validator refuses changed or missing ones."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

import mobility
from mobility.errors import DataError
from mobility.model.scenario import Closure, load_scenario, scenario_from_dict
from mobility.model.vehicle import default_vehicles_path, load_vehicles
from mobility.validation import validate_plan
from mobility.validation.inputs import digest_bytes, digest_files, load_inputs, scenario_to_dict

DATA = Path(__file__).parent.parent / "data"


def test_a_scenario_written_out_loads_back_the_same() -> None:
    scenario = load_scenario()
    changed = replace(
        scenario,
        requests=scenario.requests[:2],
        closures=(
            Closure(
                "Moerdijkbrug", scenario.start, scenario.start + timedelta(hours=5), "inspection"
            ),
        ),
    )
    for original in (scenario, changed):
        text = yaml.safe_dump(scenario_to_dict(original))
        again = scenario_from_dict(yaml.safe_load(text), original.source)
        assert again == original


def test_digests_change_with_content(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("x: 1\n")
    b.write_text("x: 2\n")
    assert digest_files([a]) == digest_files([a]) != digest_files([b])
    assert digest_bytes(b"x") != digest_bytes(b"y")


def test_the_catalogue_and_the_network_know_their_files() -> None:
    extra = DATA / "vehicles-tiny.yaml"
    catalogue = load_vehicles(extra)
    assert catalogue.sources == (str(default_vehicles_path()), str(extra.resolve()))
    network = mobility.load_network(use_cache=False)
    assert network.load_args is not None and network.load_args["source"] is None


def test_a_vehicles_file_travels_with_the_plan(atlas: mobility.Network, tmp_path: Path) -> None:
    from mobility.planning import write_plan
    from mobility.schedule.cpsat import SolverOptions
    from mobility.schedule.planner import plan_scenario

    result = plan_scenario(
        DATA / "scenario-tiny.yaml",
        atlas,
        catalogue=load_vehicles(DATA / "vehicles-tiny.yaml"),
        options=SolverOptions(time_limit_s=1),
    )
    folder = write_plan(result, tmp_path / "plan", maps=False)
    assert (folder / "vehicles-1.yaml").read_bytes() == (DATA / "vehicles-tiny.yaml").read_bytes()
    assert validate_plan(folder, network=atlas) == []
    (folder / "vehicles-1.yaml").write_text("schema: mobility-vehicles/1\nvehicles: []\n")
    with pytest.raises(DataError, match=r"vehicles-1\.yaml changed"):
        validate_plan(folder, network=atlas)


def test_the_plan_records_its_inputs_and_a_vehicles_file_travels_with_it(
    road_plan: Path, atlas: mobility.Network
) -> None:
    record = json.loads((road_plan / "inputs.json").read_text())
    assert record["network"]["label"] == "embedded atlas"
    assert record["rules"]["halt_rules"]["break_s"] == 2700
    assert (road_plan / "scenario.yaml").read_bytes() == (
        Path(mobility.settings.data_dir) / "scenarios" / "armoured-brigade.yaml"
    ).read_bytes()
    inputs = load_inputs(road_plan, network=atlas)
    assert inputs.scenario.name == "armoured-brigade-south"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: (p / "inputs.json").unlink(), "has no inputs.json"),
        (lambda p: (p / "scenario.yaml").unlink(), "has no scenario.yaml"),
        (lambda p: (p / "inputs.json").write_text("{"), "cannot be read as JSON"),
        (
            lambda p: (p / "inputs.json").write_text(
                json.dumps(
                    {
                        **json.loads((p / "inputs.json").read_text()),
                        "network": {"missing": "the network was built in code"},
                    }
                )
            ),
            "built in code",
        ),
        (
            lambda p: (p / "inputs.json").write_text(
                (p / "inputs.json")
                .read_text()
                .replace('"source": null', '"source": "/nowhere.osm"', 1)
            ),
            "does not exist",
        ),
    ],
    ids=["no-inputs", "no-scenario", "bad-json", "built-in-code", "network-gone"],
)
def test_missing_or_unusable_inputs_are_refused(
    road_plan: Path,
    tmp_path: Path,
    damage: Callable[[Path], object],
    message: str,
) -> None:
    folder = Path(shutil.copytree(road_plan, tmp_path / "plan"))
    damage(folder)
    with pytest.raises(DataError, match=message):
        validate_plan(folder)


def test_a_scenario_that_is_not_the_plans_is_refused(road_plan: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text((DATA / "scenario-tiny.yaml").read_text())
    with pytest.raises(DataError, match="is not the scenario of this plan"):
        validate_plan(road_plan, scenario_file=other)


def test_validate_on_the_command_line(road_plan: Path, tmp_path: Path) -> None:
    from mobility.cli import main

    assert main(["validate", str(road_plan), "--scenario", str(road_plan / "scenario.yaml")]) == 0
    folder = Path(shutil.copytree(road_plan, tmp_path / "plan"))
    (folder / "inputs.json").unlink()
    assert main(["validate", str(folder)]) == 2


def test_the_validator_imports_no_solver_code() -> None:
    """Issue #14: the validator shares domain code only; the solver stays out of it."""
    import subprocess
    import sys

    code = (
        "import sys, mobility.validation; "
        "print(' '.join(m for m in sys.modules if m.startswith(('ortools', 'mobility.schedule'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    for name in ("cpsat", "instance", "greedy", "time_indexed", "solution", "plan"):
        assert f"mobility.schedule.{name}" not in loaded
    assert not [m for m in loaded if m.startswith("ortools")]
