"""``mobility plan``, ``validate`` and ``map``: the plan folder, its check and its errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mobility.cli import _plan, build_parser
from mobility.errors import DataError, ScenarioError
from mobility.schedule.plan_files import PLAN_FILES
from mobility.validation import Violation
from mobility.validation.self_check import INVALID_FILE

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan") / "tiny"
    args = build_parser().parse_args(
        ["plan", str(DATA / "scenario-tiny.yaml"), "--out", str(folder), "--time-limit", "5"]
    )
    assert args.func is _plan.run_plan
    assert _plan.run_plan(args) == 0
    return folder


def test_plan_checks_the_folder_once_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mobility.validation.check import validate_plan

    checked: list[Path] = []

    def counted(folder: Path, **kwargs: Any) -> list[Violation]:
        checked.append(folder)
        return validate_plan(folder, **kwargs)

    monkeypatch.setattr("mobility.validation.self_check.validate_plan", counted)
    monkeypatch.setattr("mobility.validation.validate_plan", counted)
    folder = tmp_path / "tiny"
    args = build_parser().parse_args(
        ["plan", str(DATA / "scenario-tiny.yaml"), "--out", str(folder), "--time-limit", "5"]
    )
    capsys.readouterr()
    assert _plan.run_plan(args) == 0
    assert len(checked) == 1 and checked[0].parent == tmp_path  # staged beside the target
    assert capsys.readouterr().out.splitlines()[-2:] == [
        f"wrote {folder}",
        f"{folder}: valid (every constraint re-checked against the plan's inputs)",
    ]


def test_the_plan_folder_holds_the_plan_files_and_the_extras(plan_folder: Path) -> None:
    written = {p.name for p in plan_folder.iterdir()} - {".mobility-output"}
    gpx = {name for name in written if name.startswith("route-") and name.endswith(".gpx")}
    assert gpx and written - gpx == set(PLAN_FILES) | _plan.PLAN_EXTRAS
    assert INVALID_FILE not in written  # a valid plan


def test_validate_folder_prints_valid_or_the_violations(
    plan_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert _plan.validate_folder(plan_folder) == 0
    assert capsys.readouterr().out == (
        f"{plan_folder}: valid (every constraint re-checked against the plan's inputs)\n"
    )
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in plan_folder.iterdir():
        if path.is_file():
            (copy / path.name).write_bytes(path.read_bytes())
    table = json.loads((copy / "movement_table.json").read_text())
    table[0]["restricted_elements"].append({"name": "Fake bridge", "mlc_wheeled": 5})
    (copy / "movement_table.json").write_text(json.dumps(table))
    assert _plan.validate_folder(copy) == 1
    err = capsys.readouterr().err.splitlines()
    assert any("Fake bridge: listed but not on the route" in line for line in err)
    assert err[-1].startswith(f"{copy}: ") and err[-1].endswith(" violations")


def test_a_malformed_folder_names_the_folder_and_the_field() -> None:
    error = _plan.malformed_plan(Path("plans/x"), KeyError("movement"))
    assert isinstance(error, DataError)
    assert str(error) == (
        "plan folder 'plans/x' is malformed (missing field 'movement'); "
        "expected the files 'mobility plan' writes"
    )
    long = str(_plan.malformed_plan(Path("p"), ValueError("v" * 500)))
    assert "(" + "v" * 200 + ")" in long and "v" * 201 not in long


@pytest.mark.parametrize("argv", [["map"], ["map", "some-plan", "--network"]])
def test_the_map_needs_a_plan_or_the_network(argv: list[str]) -> None:
    args = build_parser().parse_args(argv)
    assert args.func is _plan.run_map
    with pytest.raises(ScenarioError, match="needs either PLAN_DIR or --network"):
        _plan.run_map(args)


def test_no_traffic_model_without_counts_or_timetable() -> None:
    args = build_parser().parse_args(["plan"])
    assert _plan._traffic(args) is None
    counts = DATA / "traffic" / "counts-tiny.csv"
    traffic = _plan._traffic(build_parser().parse_args(["plan", "--traffic", str(counts)]))
    assert traffic is not None and traffic.counts is not None and traffic.rail_timetable is None


def test_validate_dispatches_with_its_scenario() -> None:
    args = build_parser().parse_args(["validate", "p", "--scenario", "s.yaml"])
    assert args.func is _plan.run_validate
    assert (args.plan_dir, args.scenario) == (Path("p"), Path("s.yaml"))
