from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import mobility
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.cpsat import respects_resources
from mobility.schedule.greedy import (
    BASELINES,
    _order,
    baselines,
    best_baseline,
    cost_aware_assignment,
    greedy_assignment,
    off_peak_assignment,
)
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.plan_files import write_plan
from mobility.schedule.solution import costs
from mobility.schedule.time_indexed import option_costs
from mobility.validation import validate_plan
from tests.schedule.conftest import DATA


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


def test_off_peak_rule_keeps_columns_out_of_peak_hours_where_it_can(
    tiny_scenario: Path, atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    off_peak = off_peak_assignment(instance)
    assert set(off_peak.choices) == set(range(len(instance.tasks)))
    assert respects_resources(instance, off_peak.choices)
    assert off_peak_assignment(instance).choices == off_peak.choices  # reproducible
    for task, choice in off_peak.choices.items():
        assert instance.tasks[task].options[choice.option].allowed[choice.slot]
    fcfs = greedy_assignment(instance)
    assert (
        costs(instance, off_peak.choices).peak_column_h
        <= costs(instance, fcfs.choices).peak_column_h
    )
    folder = write_plan(build_plan(instance, off_peak, fcfs), tmp_path / "plan")
    assert validate_plan(folder) == []


def test_off_peak_rule_prefers_a_quiet_start(atlas: mobility.Network, router: Router) -> None:
    # One march unit released at 06:00 on a weekday, due at night: FCFS leaves at
    # once into the morning peak, the off-peak rule waits for a quiet start.
    scenario = load_scenario(DATA / "scenario-tiny.yaml")
    request = replace(
        scenario.requests[1],
        available_from=scenario.start + timedelta(hours=6),
        required_by=scenario.start + timedelta(hours=23),
    )
    instance = build_instance(replace(scenario, requests=(request,)), atlas, router)
    fcfs = greedy_assignment(instance).choices[0]
    quiet = off_peak_assignment(instance).choices[0]
    option = instance.tasks[0].options
    assert option[fcfs.option].peak_column_min[fcfs.slot] > 0
    assert option[quiet.option].peak_column_min[quiet.slot] == 0
    assert quiet.slot > fcfs.slot


def test_the_strongest_baseline_schedules_most_then_costs_least(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    instance = build_instance(load_scenario(tiny_scenario), atlas, router)
    found = baselines(instance)
    assert list(found) == list(BASELINES) == ["fcfs", "off_peak", "cost_aware"]
    strongest = best_baseline(found)
    assert found[strongest].objective == min(a.objective for a in found.values())
    # A baseline that leaves a march unit out is never the strongest, however cheap.
    dropped = dict(found)
    cheap = found["fcfs"]
    dropped["fcfs"] = type(cheap)({}, cheap.method, "FEASIBLE", 0.0)
    assert best_baseline(dropped) != "fcfs"
