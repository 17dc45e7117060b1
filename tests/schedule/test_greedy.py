from __future__ import annotations

from pathlib import Path

import mobility
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.cpsat import respects_resources
from mobility.schedule.greedy import _order, cost_aware_assignment, greedy_assignment
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.plan_files import write_plan
from mobility.schedule.time_indexed import option_costs
from mobility.schedule.validate import validate_plan


def test_cost_aware_greedy_plans_validly_and_no_worse_than_first_come_first_served(
    tiny_scenario: Path, atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    fcfs = greedy_assignment(instance)
    aware = cost_aware_assignment(instance)
    assert set(aware.choices) == set(range(len(instance.tasks)))
    assert respects_resources(instance, aware.choices)
    for task, choice in aware.choices.items():
        assert instance.tasks[task].options[choice.option].allowed[choice.slot]
    assert aware.objective <= fcfs.objective
    assert cost_aware_assignment(instance).choices == aware.choices  # reproducible
    folder = write_plan(build_plan(instance, aware, fcfs), tmp_path / "plan")
    assert validate_plan(folder) == []


def test_the_first_march_unit_gets_its_cheapest_choice(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    aware = cost_aware_assignment(instance)
    first = _order(instance)[0]
    costs = option_costs(instance, first)
    chosen = aware.choices[first]
    assert costs[chosen.option, chosen.slot] == costs[costs >= 0].min()
