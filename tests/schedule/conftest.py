from __future__ import annotations

from pathlib import Path

import pytest

import mobility
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import Instance, build_instance
from mobility.schedule.plan import Plan, build_plan

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="session")
def atlas() -> mobility.Network:
    return mobility.load_network(use_cache=False)


@pytest.fixture(scope="session")
def router(atlas: mobility.Network) -> Router:
    return Router(atlas)


@pytest.fixture
def tiny_scenario() -> Path:
    return DATA / "scenario-tiny.yaml"


#: Thirty tanks from Rotterdam to Zevenaar: too heavy for the roads, they go by train.
RAIL_SCENARIO = """name: rail-tiny
start: 2026-11-24T00:00+01:00
horizon_h: 48
slot_min: 15
k_routes: 2
requests:
  - id: TANKS
    unit: Tank battalion
    origin: spod-rotterdam
    destination: bcp-zevenaar-emmerich
    available_from: 2026-11-24T04:00+01:00
    required_by: 2026-11-25T18:00+01:00
    priority: 1
    mode: any
    vehicles: {m1a2-sepv3: 30}
"""


@pytest.fixture(scope="session")
def tiny_built(atlas: mobility.Network, router: Router) -> tuple[Instance, Plan]:
    """The tiny road scenario's instance and its first-come-first-served plan."""
    instance = build_instance(load_scenario(DATA / "scenario-tiny.yaml"), atlas, router)
    return instance, build_plan(instance, greedy_assignment(instance))


@pytest.fixture(scope="session")
def rail_built(
    atlas: mobility.Network, router: Router, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Instance, Plan]:
    """A train-load scenario's instance and its first-come-first-served plan."""
    path = tmp_path_factory.mktemp("rail") / "scenario.yaml"
    path.write_text(RAIL_SCENARIO)
    instance = build_instance(load_scenario(path), atlas, router)
    return instance, build_plan(instance, greedy_assignment(instance))
