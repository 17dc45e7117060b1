"""The plan's headline counts against what was requested (issue #14)."""

from __future__ import annotations

from pathlib import Path

import mobility
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.headline import headline
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import Plan, build_plan
from mobility.schedule.result import Kpis

#: Two loaded heavy equipment transporters (about 105 t each) fit no wagon: unplannable by rail.
HET = """  - id: HET
    unit: Transporters
    origin: spod-rotterdam
    destination: bcp-zevenaar-emmerich
    available_from: 2026-11-24T04:00+01:00
    required_by: 2026-11-24T20:00+01:00
    priority: 1
    mode: rail
    vehicles: {het-m1070-m1000-m1a2: 2}
"""


def _plan(path: Path, atlas: mobility.Network, router: Router) -> Plan:
    instance = build_instance(load_scenario(path), atlas, router)
    baseline = greedy_assignment(instance)
    return build_plan(instance, baseline, baseline)


def test_unplannable_vehicles_stay_in_the_denominator(
    tiny_scenario: Path, atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text(tiny_scenario.read_text() + HET)
    summary = _plan(path, atlas, router).summary
    assert summary["vehicles"] == 52 + 2 and summary["planned_vehicles"] == 52
    assert summary["unplannable"][0]["vehicles"] == 2
    kpis = Kpis.from_dict(summary["kpis"])
    assert kpis.march_units == 3 + 1 and kpis.scheduled == 3
    assert kpis.requested_vehicles == 54 and kpis.planned_vehicles == 52
    assert kpis.on_time_share <= 3 / 4 and not kpis.is_feasible()
    assert headline(summary) == (
        "vehicles planned 52 of 54 (96%) in 3 of 4 march units; 2 unplannable: HET"
    )


def test_a_plan_of_nothing_is_not_on_time(
    tiny_scenario: Path, atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    path = tmp_path / "scenario.yaml"
    text = tiny_scenario.read_text()
    path.write_text(text[: text.index("requests:")] + "requests:\n" + HET)
    summary = _plan(path, atlas, router).summary
    kpis = Kpis.from_dict(summary["kpis"])
    assert kpis.on_time_share == 0.0 and kpis.march_units == 1 and kpis.scheduled == 0
    assert str(kpis).startswith("on time 0% of 1 march units")
    assert headline(summary).startswith("vehicles planned 0 of 2 (0%) in 0 of 1 march units")


def test_unscheduled_march_units_are_named_with_their_vehicles() -> None:
    summary = {
        "vehicles": 270,
        "planned_vehicles": 232,
        "march_units": 20,
        "planned_march_units": 17,
        "unplannable": [{"request": "HO-2/1.1", "vehicles": 22, "march_units": 2}],
        "unscheduled": ["A/1.1"],
    }
    assert headline(summary) == (
        "vehicles planned 232 of 270 (86%) in 17 of 20 march units; "
        "22 unplannable: HO-2/1.1; 16 unscheduled: A/1.1"
    )
    many = {**summary, "unscheduled": [f"B/1.{i}" for i in range(7)]}
    assert headline(many).endswith("B/1.0, B/1.1, B/1.2, B/1.3, B/1.4 and 2 more")
