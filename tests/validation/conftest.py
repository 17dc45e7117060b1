"""Plans made once per test session for the validator's tests (deterministic, short limit)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mobility
from mobility.planning import write_plan
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.planner import plan_scenario

RAIL_SCENARIO = """name: rail-and-road
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
    mode: rail
    vehicles: {m1a2-sepv3: 30}
  - id: TRUCKS
    unit: Supply company
    origin: spod-rotterdam
    destination: bcp-zevenaar-emmerich
    available_from: 2026-11-24T04:00+01:00
    required_by: 2026-11-25T18:00+01:00
    priority: 2
    vehicles: {man-hx2-6x6: 30}
"""


EEMSHAVEN_SCENARIO = """name: rail-from-eemshaven
start: 2026-11-24T00:00+01:00
horizon_h: 72
slot_min: 15
k_routes: 2
requests:
  - id: TANKS-N
    unit: Tank battalion north
    origin: spod-eemshaven
    destination: bcp-rail-oldenzaal-bentheim
    available_from: 2026-11-24T04:00+01:00
    required_by: 2026-11-26T18:00+01:00
    priority: 1
    mode: rail
    vehicles: {leopard-2a7: 20}
"""


@pytest.fixture(scope="session")
def atlas() -> mobility.Network:
    return mobility.load_network(use_cache=False)


@pytest.fixture(scope="session")
def road_plan(atlas: mobility.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded armoured brigade (89 march units, breaks, support centres, ammunition)."""
    result = plan_scenario(None, atlas, options=SolverOptions(time_limit_s=2))
    return write_plan(result, tmp_path_factory.mktemp("road") / "plan", maps=False)


@pytest.fixture(scope="session")
def rail_plan(atlas: mobility.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tanks by train and trucks by road from Rotterdam to Emmerich."""
    folder = tmp_path_factory.mktemp("rail")
    path = folder / "rail-and-road.yaml"
    path.write_text(RAIL_SCENARIO, encoding="utf-8")
    result = plan_scenario(path, atlas, options=SolverOptions(time_limit_s=3))
    return write_plan(result, folder / "plan", maps=False)


@pytest.fixture(scope="session")
def rail_leg_plan(atlas: mobility.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tanks from Eemshaven by train, with a road leg to a military ramp (issue #14)."""
    folder = tmp_path_factory.mktemp("rail-leg")
    path = folder / "rail-from-eemshaven.yaml"
    path.write_text(EEMSHAVEN_SCENARIO, encoding="utf-8")
    result = plan_scenario(path, atlas, options=SolverOptions(time_limit_s=3))
    return write_plan(result, folder / "plan", maps=False)
