"""Trains in the plan: their movement rows, the road/rail split and the rail constraints."""

from __future__ import annotations

from datetime import datetime, timedelta

from mobility.schedule.instance import Instance
from mobility.schedule.plan import Plan
from mobility.schedule.rail_rows import mode_split, rail_constraints, rail_row
from mobility.schedule.solution import Choice


def _first_train(instance: Instance) -> tuple[int, int]:
    return next(
        (t, o)
        for t, task in enumerate(instance.tasks)
        for o, option in enumerate(task.options)
        if option.rail is not None
    )


def test_a_train_row_shows_its_path_times_consist_and_band(
    rail_built: tuple[Instance, Plan],
) -> None:
    instance, _ = rail_built
    t, o = _first_train(instance)
    task = instance.tasks[t]
    leg = task.options[o].rail
    assert leg is not None
    start = instance.scenario.start + timedelta(hours=6)
    row = rail_row(leg, start, task, rules=instance.rail_rules)
    train = row["train"]
    assert row["mode"] == "rail"
    assert row["vehicle_count"] == sum(row["vehicles"].values()) == task.vehicles
    assert row["refs"] == [s["line"] for s in train["path"]]
    assert row["route"].startswith(leg.terminal.name) and row["route"].endswith(leg.border.name)
    depart = datetime.fromisoformat(train["depart"])
    assert depart == start + timedelta(minutes=leg.depart_min)
    assert datetime.fromisoformat(train["loading_start"]) < depart
    assert datetime.fromisoformat(row["arrive"]) == start + timedelta(minutes=leg.arrive_min)
    assert [s["headway_min"] for s in train["path"]] == list(leg.headways_min)
    assert train["band"] == leg.band and train["border_min"] == leg.border_min
    # With the rules, each section carries its civilian delay and its source.
    assert all("civilian_delay_vh" in s and s["passenger_source"] for s in train["path"])
    assert "civilian_delay_vh" not in rail_row(leg, start, task)["train"]["path"][0]


def test_mode_split_counts_trains_and_vehicles_by_mode(rail_built: tuple[Instance, Plan]) -> None:
    instance, _ = rail_built
    t, o = _first_train(instance)
    option = instance.tasks[t].options[o]
    slot = int(option.allowed.nonzero()[0][0])
    split = mode_split(instance, {t: Choice(o, slot)})
    assert split["rail_movements"] == 1
    assert split["rail_vehicles"] == instance.tasks[t].vehicles
    assert split["road_vehicles"] == 0
    assert split["rail_civilian_delay_vh"] == round(int(option.disruption[slot]) / 100, 2)
    assert mode_split(instance, {})["rail_movements"] == 0


def test_rail_constraints_list_the_terminals_and_lines_of_every_option(
    rail_built: tuple[Instance, Plan], tiny_built: tuple[Instance, Plan]
) -> None:
    instance, _ = rail_built
    found = rail_constraints(instance)
    assert found is not None
    legs = [o.rail for task in instance.tasks for o in task.options if o.rail is not None]
    assert set(found["terminals"]) == {leg.terminal.id for leg in legs}
    assert set(found["lines"]) == {s.line for leg in legs for s in leg.path.sections}
    assert found["border_trains_per_h"] == instance.rail_rules.border_trains_per_h  # type: ignore[union-attr]
    assert rail_constraints(tiny_built[0]) is None  # a road-only scenario has no rail rules
