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


def hand_train(number: str = "24-NLD-T001", unit: str = "Rail unit") -> dict[str, Any]:
    """A train as in /work/rail-spec.md: a 2 km road leg, then 30 km of rail in two lines.

    The road leg runs from 0 to 12 minutes; the train loads from 20 to 55 minutes,
    passes the station (10 km of rail) at 70 and reaches the border (30 km) at 90.
    """
    terminal = "Rail terminal"
    border = "Border crossing"
    return {
        **hand_movement(number, unit),
        "mode": "rail",
        "request": "REQ-2",
        "march_unit": "L1",
        "task": "REQ-2/L1",
        "route": f"{terminal} / Havenspoorlijn / Betuweroute / {border}",
        "refs": ["Havenspoorlijn", "Betuweroute"],
        "length_km": 30.0,
        "vehicles": {"leopard-2a7": 2, "boxer-apc": 1},
        "vehicle_count": 3,
        "start": iso(0), "arrive": iso(90), "clear": iso(91), "due": iso(120),
        "disruption_vh": 7.0,
        "checkpoints": [
            {"name": "Depot", "kind": "origin", "node": 11, "km": 0.0,
             "arrive": iso(0), "clear": iso(8), "detail": ""},
            {"name": terminal, "kind": "destination", "node": 12, "km": 2.0,
             "arrive": iso(4), "clear": iso(12), "detail": ""},
        ],
        "halts": [],
        "train": {
            "terminal": {"id": "rail-test", "name": terminal},
            "loading_start": iso(20), "loading_end": iso(55), "depart": iso(55),
            "border": {"id": "bcp-rail-test", "name": border, "counterpart": "Elsewhere (DE)"},
            "band": "night",
            "traction": "electric",
            "consist": {
                "locomotive": {"traction": "electric", "name": "Test loco", "length_m": 19.0,
                               "weight_t": 90.0},
                "wagons": [
                    {"type": "heavy", "vehicles": {"leopard-2a7": 1}, "length_m": 18.0,
                     "tare_t": 30.0, "payload_t": 75.0, "deck_length_m": 16.0, "load_t": 65.0},
                    {"type": "heavy", "vehicles": {"leopard-2a7": 1}, "length_m": 18.0,
                     "tare_t": 30.0, "payload_t": 75.0, "deck_length_m": 16.0, "load_t": 65.0},
                    {"type": "flat", "vehicles": {"boxer-apc": 1}, "length_m": 20.0,
                     "tare_t": 25.0, "payload_t": 60.0, "deck_length_m": 18.0, "load_t": 36.0},
                ],
                "length_m": 75.0, "gross_t": 341.0, "max_length_m": 740.0, "max_gross_t": 2000.0,
            },
            "path": [
                {"line": "Havenspoorlijn", "from": terminal, "to": "Station", "km": 10.0,
                 "enter": iso(55), "leave": iso(71), "maxspeed_kph": 80.0, "electrified": True,
                 "max_length_m": 740.0, "headway_min": 20},
                {"line": "Betuweroute", "from": "Station", "to": border, "km": 20.0,
                 "enter": iso(70), "leave": iso(91), "maxspeed_kph": 100.0, "electrified": True,
                 "max_length_m": 740.0, "headway_min": 10},
            ],
            "checkpoints": [
                {"name": terminal, "kind": "station", "km": 0.0, "arrive": iso(55),
                 "clear": iso(57)},
                {"name": "Station", "kind": "station", "km": 10.0, "arrive": iso(70),
                 "clear": iso(71)},
                {"name": border, "kind": "station", "km": 30.0, "arrive": iso(90),
                 "clear": iso(91)},
            ],
        },
    }  # fmt: skip


# 10 km along the parallel 52 N, from 5.0 E (1 degree of longitude is about 68.7 km there).
LINE = [[5.0, 52.0], [5.0 + 4 / 68.6, 52.0], [5.0 + 10 / 68.6, 52.0]]
# A train's line along 52.1 N (about 68.3 km a degree): 2 km of road, then 10 + 20 km of rail.
RAIL_LINE = [[5.0, 52.1], [5.0 + 2 / 68.3, 52.1], [5.0 + 12 / 68.3, 52.1], [5.0 + 32 / 68.3, 52.1]]


def hand_view(movements: list[dict[str, Any]] | None = None, scenario: str = "hand") -> PlanView:
    rows = movements if movements is not None else [hand_movement()]
    return PlanView(
        scenario=scenario,
        start=START,
        horizon_s=6 * 3600,
        movements=rows,
        routes={
            str(m["movement"]): [list(p) for p in (RAIL_LINE if m["mode"] == "rail" else LINE)]
            for m in rows
        },
        summary={"scenario": scenario, "start": START.isoformat(), "horizon_h": 6,
                 "vehicles": 10, "kpis": {"on_time_share": 1.0, "civilian_delay_vh": 3.0}},
        utilisation=[{"resource": "junction:2", "name": "Middle", "hour": iso(60), "peak": 1,
                      "capacity": 2}],
    )  # fmt: skip
