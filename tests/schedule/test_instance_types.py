"""The instance's types: march-unit tasks and the solver's minute clock."""

from __future__ import annotations

from datetime import timedelta

from mobility.schedule import instance as instance_module
from mobility.schedule._instance_types import Instance, Task
from tests.schedule.tiny import START, tiny_instance, tiny_task


def test_instance_time_is_minutes_after_the_scenario_start() -> None:
    instance = tiny_instance([tiny_task("A", [("bridge", 0, 10)], [0, 0])])
    assert instance.time(0) == START
    assert instance.time(90.5) == START + timedelta(minutes=90, seconds=30)


def test_a_task_counts_the_vehicles_of_its_march_unit() -> None:
    task = tiny_task("A", [("bridge", 0, 10)], [0, 0])
    assert task.vehicles == task.march_unit.count == 1


def test_the_types_are_importable_from_the_instance_module() -> None:
    assert instance_module.Instance is Instance
    assert instance_module.Task is Task
    for name in instance_module.__all__:
        assert hasattr(instance_module, name)
