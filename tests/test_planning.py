"""The main job through the public API, as a notebook does it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility._atomic import MARKER
from mobility.errors import ScenarioError
from mobility.schedule.plan_files import PLAN_FILES
from mobility.validation.self_check import INVALID_FILE

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def result() -> mobility.PlanResult:
    options = mobility.SolverOptions(time_limit_s=2, workers=1)
    return mobility.plan_scenario(DATA / "scenario-tiny.yaml", options=options)


def test_plan_scenario_takes_a_path_and_loads_the_embedded_atlas(
    result: mobility.PlanResult,
) -> None:
    assert result.scenario == "tiny-south"
    assert result.network is not None and result.network.report.source == "embedded atlas"
    assert isinstance(result.kpis, mobility.Kpis)
    assert result.kpis.march_units == result.plan.summary["march_units"]
    assert result.is_feasible()
    baseline = result.baseline_kpis
    assert baseline is not None and baseline.method == "greedy"
    assert result.kpis.civilian_delay_vh <= baseline.civilian_delay_vh


def test_summary_is_what_the_cli_prints(result: mobility.PlanResult) -> None:
    lines = str(result).splitlines()
    assert lines[0] == ("tiny-south: vehicles planned 52 of 52 (100%) in 3 of 3 march units")
    assert lines[1] == f"plan: {result.kpis}"
    assert lines[2].startswith("greedy baseline: on time")


def test_write_and_validate_a_plan_folder(result: mobility.PlanResult, tmp_path: Path) -> None:
    folder = mobility.write_plan(result, tmp_path / "plan")
    names = {p.name for p in folder.iterdir()}
    gpx = {n for n in names if n.startswith("route-") and n.endswith(".gpx")}
    assert gpx  # one GPX file per distinct route
    assert names - gpx == {*PLAN_FILES, "map.html", "gantt.png", "utilisation.png", MARKER}
    assert mobility.validate_plan(folder) == []
    bare = mobility.write_plan(result.plan, tmp_path / "bare", maps=False)
    assert {p.name for p in bare.iterdir()} == {*PLAN_FILES, MARKER} | gpx
    with pytest.raises(ScenarioError, match="the map needs the network"):
        mobility.write_plan(result.plan, tmp_path / "nomap")
    assert not (tmp_path / "nomap").exists()


def test_render_plan_map_takes_a_result_a_plan_or_a_folder(
    result: mobility.PlanResult, tmp_path: Path
) -> None:
    folder = mobility.write_plan(result, tmp_path / "plan", maps=False)
    for source in (result, result.plan, folder):
        fmap = mobility.render_plan_map(source, result.network)
        assert "tiny-south" in fmap.get_root().render()


def test_the_default_output_folder_is_named_after_the_scenario(
    result: mobility.PlanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = mobility.write_plan(result, maps=False)
    assert folder.resolve() == (tmp_path / "out" / "plans" / "tiny-south").resolve()


def _without_halts(result: mobility.PlanResult) -> mobility.PlanResult:
    """A copy of the plan whose columns drive on through their halts (invalid)."""
    plan = copy.deepcopy(result.plan)
    for movement in plan.movements:
        movement.data["halts"] = []
    return mobility.PlanResult(plan, result.instance, result.assignment, result.baseline,
                               result.network)  # fmt: skip


def test_a_valid_plan_says_so(result: mobility.PlanResult, tmp_path: Path) -> None:
    assert result.is_valid() and result.validate() == []
    folder = mobility.write_plan(result, tmp_path / "plan", maps=False)
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["valid"] is True and summary["violations"] == []
    assert not (folder / INVALID_FILE).exists()
    assert not str(result).startswith("INVALID")


def test_a_plan_failing_its_own_check_is_marked_invalid(
    result: mobility.PlanResult, tmp_path: Path
) -> None:
    broken = _without_halts(result)
    assert not broken.is_valid() and not broken.is_feasible()
    rules = {v.rule for v in broken.validate()}
    # The independent validator re-times the route: the halts it finds are missing
    # from the row, and the drive runs too long without them.
    assert rules == {"driver_hours", "halts"}
    count = len(broken.validate())
    assert str(broken).splitlines()[0].startswith(f"INVALID: {count} violations")
    folder = mobility.write_plan(broken, tmp_path / "plan")
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["valid"] is False and len(summary["violations"]) == count
    assert {v["rule"] for v in summary["violations"]} == rules
    listed = (folder / INVALID_FILE).read_text()
    assert listed.startswith("INVALID PLAN: tiny-south") and "[driver_hours]" in listed
    # What the folder now says about itself does not change its check.
    assert mobility.validate_plan(folder) == broken.validate()
    assert "INVALID mobility plan: tiny-south" in (folder / "map.html").read_text()
    # A bare plan is checked too.
    bare = mobility.write_plan(_without_halts(result).plan, tmp_path / "bare", maps=False)
    assert (bare / INVALID_FILE).exists()


def test_the_folder_is_written_once_and_what_was_checked_is_what_is_delivered(
    result: mobility.PlanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mobility._atomic import write_folder_atomic as write_folder
    from mobility.validation.check import validate_plan

    plan = copy.deepcopy(result.plan)
    plan.summary.pop("valid", None)
    plan.summary.pop("violations", None)
    fresh = mobility.PlanResult(plan, result.instance, result.assignment, result.baseline,
                                result.network)  # fmt: skip
    writes: list[Path] = []
    checked: list[dict[str, bytes]] = []

    def counted_write(path: Path, *args: Any, **kwargs: Any) -> Path:
        writes.append(path)
        return write_folder(path, *args, **kwargs)

    def counted_check(folder: Path, **kwargs: Any) -> list[mobility.Violation]:
        checked.append({p.name: p.read_bytes() for p in folder.iterdir() if p.name != MARKER})
        return validate_plan(folder, **kwargs)

    monkeypatch.setattr("mobility.schedule.plan_files.write_folder_atomic", counted_write)
    monkeypatch.setattr("mobility.validation.self_check.validate_plan", counted_check)
    folder = mobility.write_plan(fresh, tmp_path / "plan")
    assert writes == [tmp_path / "plan"] and len(checked) == 1
    assert fresh.validate() == [] and len(checked) == 1  # the outcome is kept
    staged = checked[0]
    final = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != MARKER}
    # The map and charts show the outcome, so they are drawn after the check.
    assert set(final) - set(staged) == {"map.html", "gantt.png", "utilisation.png"}
    assert {n for n in staged if staged[n] != final[n]} == {"summary.json"}
    before = json.loads(staged["summary.json"])
    assert "valid" not in before
    assert json.loads(final["summary.json"]) == {**before, "valid": True, "violations": []}


def test_the_map_drawn_in_a_child_is_the_map_drawn_here(
    result: mobility.PlanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re

    from mobility import _forked

    drawn: dict[bool, dict[str, bytes]] = {}
    for fork in (True, False):
        monkeypatch.setattr(_forked, "can_fork", lambda fork=fork: fork)
        folder = mobility.write_plan(result, tmp_path / f"fork-{fork}")
        names = ("map.html", "gantt.png", "utilisation.png")
        drawn[fork] = {n: (folder / n).read_bytes() for n in names}
    ids = re.compile(rb"_[0-9a-f]{32}")
    assert ids.sub(b"", drawn[True]["map.html"]) == ids.sub(b"", drawn[False]["map.html"])
    assert drawn[True]["gantt.png"] == drawn[False]["gantt.png"]
    assert drawn[True]["utilisation.png"] == drawn[False]["utilisation.png"]
