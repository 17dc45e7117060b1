"""March units listed as unplannable, planned again: the halt rule decides, not the reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import mobility
from mobility.planning import write_plan
from mobility.routing.router import Router
from mobility.routing.timing import HaltRules
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.planner import plan_scenario
from mobility.validation import Violation, validate_plan
from mobility.validation._unplannable import route_reasons, unplannable_problems
from mobility.validation.inputs import load_inputs
from tests.validation.tamper import Folder

#: Two requests from Vlissingen to Venlo: some 200 km, a halt after two hours of driving.
TINY = Path(__file__).parent.parent / "data" / "scenario-tiny.yaml"
HALT_REASON = "a halt has no site that fits the march unit (no site fits"


def _tiny_plan(atlas: mobility.Network, folder: Path, halt_rules: HaltRules) -> Path:
    router = Router(atlas, halt_rules=halt_rules)
    result = plan_scenario(TINY, atlas, options=SolverOptions(time_limit_s=2), router=router)
    return write_plan(result, folder / "plan", maps=False)


@pytest.fixture(scope="module")
def tiny_plan(atlas: mobility.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny scenario with the default halt rules: every march unit halts at a site."""
    return _tiny_plan(atlas, tmp_path_factory.mktemp("tiny"), HaltRules())


@pytest.fixture(scope="module")
def siteless_plan(atlas: mobility.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny scenario where a halt site must lie on the route itself: none of them does."""
    return _tiny_plan(atlas, tmp_path_factory.mktemp("siteless"), HaltRules(max_off_route_m=0.0))


def _summary(folder: Path) -> dict[str, object]:
    summary: dict[str, object] = json.loads((folder / "summary.json").read_text())
    return summary


def test_a_planners_reason_is_split_by_route() -> None:
    halt = f"{HALT_REASON} 20 vehicles (1,226 m2) within 2h00; none further on fits)"
    reason = f"MSR: {halt}; ASR 1: 20 vehicles exceed vehicles parked of CSC Venlo (10)"
    assert route_reasons(reason) == {
        "MSR": halt,
        "ASR 1": "20 vehicles exceed vehicles parked of CSC Venlo (10)",
    }
    assert route_reasons("ASR 2 (around closures): closures block every start time") == {
        "ASR 2 (around closures)": "closures block every start time"
    }
    assert route_reasons("no road route: every route crosses a bridge below its class") == {}


def test_a_march_unit_with_no_site_to_halt_at_is_unplannable_and_the_validator_agrees(
    siteless_plan: Path, atlas: mobility.Network
) -> None:
    listed = _summary(siteless_plan)["unplannable"]
    assert isinstance(listed, list) and len(listed) == 3
    assert all(HALT_REASON in item["reason"] for item in listed)
    assert validate_plan(siteless_plan, network=atlas) == []
    # The validator finds the halts itself: a reason that names no halt changes nothing.
    inputs = load_inputs(siteless_plan, network=atlas)
    router = Router(inputs.network, inputs.catalogue, halt_rules=inputs.halt_rules)
    other = {"unplannable": [{**item, "reason": "no road route"} for item in listed]}
    assert unplannable_problems(other, inputs, router) == []


def test_a_march_unit_listed_for_its_halts_where_a_site_fits_is_named(
    tiny_plan: Path, siteless_plan: Path, atlas: mobility.Network, tmp_path: Path
) -> None:
    folder = Folder(Path(shutil.copytree(tiny_plan, tmp_path / "plan")))
    (row,) = folder.of_request("R2")
    folder.drop(row)
    # The very reason of the plan where no site fits, in the plan where one does.
    listed = _summary(siteless_plan)["unplannable"]
    assert isinstance(listed, list)
    (item,) = [item for item in listed if item["request"] == "R2/1.1"]
    folder.summary["unplannable"].append(item)
    folder.resummarise()
    folder.save()
    found = validate_plan(folder.path, network=atlas)
    assert [(v.rule, v.movement) for v in found] == [("completeness", "")]
    assert found[0].message.startswith(
        f"R2/1.1 is listed as unplannable ({item['reason'][:80]}) but has a route (MSR, "
    )
    assert "every halt at a site that fits) that clears by" in found[0].message


def test_a_march_unit_listed_unplannable_that_has_a_route_is_named(
    road_plan: Path, atlas: mobility.Network
) -> None:
    inputs = load_inputs(road_plan, network=atlas)
    router = Router(inputs.network, inputs.catalogue)
    m = json.loads((road_plan / "movement_table.json").read_text())[-1]
    key = f"{m['request']}/{m['march_unit']}"
    summary = {"unplannable": [{"request": key, "reason": "no road route"}]}
    (found,) = [Violation(*item) for item in unplannable_problems(summary, inputs, router)]
    assert (found.rule, found.movement) == ("completeness", "")
    assert found.message.startswith(
        f"{key} is listed as unplannable (no road route) but has a route"
    )
    # Capacities and windows are reasons a route alone does not disprove ...
    for reason in ("20 vehicles exceed the 10 places of CSC Venlo", "outside the border window"):
        summary = {"unplannable": [{"request": key, "reason": reason}]}
        assert unplannable_problems(summary, inputs, router) == []
    # ... but only for the route they are given for: the MSR's halts all fit a site.
    reason = f"MSR: {HALT_REASON} 9 vehicles); ASR 1: 9 vehicles exceed the 5 places of CSC Venlo"
    summary = {"unplannable": [{"request": key, "reason": reason}]}
    (found,) = [Violation(*item) for item in unplannable_problems(summary, inputs, router)]
    assert "but has a route (MSR, " in found.message
