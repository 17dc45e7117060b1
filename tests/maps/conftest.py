from __future__ import annotations

import copy
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility.maps.plan_view import PlanView, plan_view
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.plan import Plan
from mobility.schedule.planner import plan_scenario

DATA = Path(__file__).parent.parent / "data"
START = datetime.fromisoformat("2026-11-24T00:00:00+01:00")
XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="session")
def atlas() -> mobility.Network:
    return mobility.load_network(use_cache=False)


@pytest.fixture(scope="session")
def tiny_plan(atlas: mobility.Network) -> Plan:
    """The tiny scenario planned on the embedded atlas (two requests, three march units)."""
    scenario = load_scenario(DATA / "scenario-tiny.yaml")
    options = SolverOptions(time_limit_s=2, workers=1, deterministic=False)
    return plan_scenario(scenario, atlas, options=options, router=Router(atlas)).plan


@pytest.fixture
def tiny_view(tiny_plan: Plan) -> PlanView:
    return plan_view(copy.deepcopy(tiny_plan))


def iso(minutes: float) -> str:
    return (START + timedelta(minutes=minutes)).isoformat(timespec="seconds")


def hand_movement(number: str = "24-NLD-001", unit: str = "Test unit") -> dict[str, Any]:
    """A movement along a 10 km east-west line: checkpoints at 0, 4 and 10 km, one halt."""
    return {
        "movement": number,
        "request": "REQ-1",
        "unit": unit,
        "march_unit": "1.1",
        "mode": "road",
        "route": "MSR",
        "refs": ["A1"],
        "length_km": 10.0,
        "vehicles": {"boxer-apc": 10},
        "vehicle_count": 10,
        "start": iso(60),
        "arrive": iso(80),
        "clear": iso(85),
        "due": iso(120),
        "late_min": 0,
        "disruption_vh": 3.0,
        "checkpoints": [
            {"name": "Start", "kind": "origin", "node": 1, "km": 0.0,
             "arrive": iso(60), "clear": iso(65), "detail": ""},
            {"name": "Middle", "kind": "junction", "node": 2, "km": 4.0,
             "arrive": iso(64), "clear": iso(69), "detail": ""},
            {"name": "End", "kind": "destination", "node": 3, "km": 10.0,
             "arrive": iso(80), "clear": iso(85), "detail": ""},
        ],
        "halts": [
            {"name": "Halt", "kind": "short", "km": 6.0, "start": iso(66), "end": iso(71),
             "at_support_centre": False},
        ],
    }  # fmt: skip


# 10 km along the parallel 52 N, from 5.0 E (1 degree of longitude is about 68.7 km there).
LINE = [[5.0, 52.0], [5.0 + 4 / 68.6, 52.0], [5.0 + 10 / 68.6, 52.0]]


def hand_view(movements: list[dict[str, Any]] | None = None, scenario: str = "hand") -> PlanView:
    rows = movements if movements is not None else [hand_movement()]
    return PlanView(
        scenario=scenario,
        start=START,
        horizon_s=6 * 3600,
        movements=rows,
        routes={str(m["movement"]): [list(p) for p in LINE] for m in rows},
        summary={"scenario": scenario, "start": START.isoformat(), "horizon_h": 6,
                 "vehicles": 10, "kpis": {"on_time_share": 1.0, "civilian_delay_vh": 3.0}},
        utilisation=[{"resource": "junction:2", "name": "Middle", "hour": iso(60), "peak": 1,
                      "capacity": 2}],
    )  # fmt: skip
