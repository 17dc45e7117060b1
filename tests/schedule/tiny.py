"""Tiny scheduling instances built directly (no network)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from mobility.model.column import MarchUnit
from mobility.model.scenario import Request, Scenario, Weights
from mobility.model.vehicle import VehicleType
from mobility.schedule.instance import Instance, Option, Resource, Task, Use

START = datetime(2026, 11, 24, tzinfo=ZoneInfo("Europe/Amsterdam"))
VEHICLE = VehicleType(
    "truck", "Truck", "cargo_truck", "wheeled", 20, 20, 3.5, 2.55, 10, 80, 9, source="test"
)


def tiny_task(
    name: str,
    uses: list[tuple[str, int, int]] | list[tuple[str, int, int, int]],
    disruption: list[int],
    due_min: int = 10_000,
    release_min: int = 0,
    clear_min: int = 30,
    priority: int = 3,
) -> Task:
    n = len(disruption)
    allowed = np.arange(n) * 15 >= release_min
    request = Request(
        name, name, "a", "b", START, START + timedelta(hours=9), priority, {"truck": 1}
    )
    option = Option(
        route=None,
        uses=tuple(Use(*use) if len(use) == 4 else Use(*use, 1) for use in uses),
        arrive_min=clear_min,
        clear_min=clear_min,
        allowed=allowed,
        disruption=np.array(disruption, dtype=np.int64),
        peak_column_min=np.zeros(n, dtype=np.int64),
    )
    return Task(name, request, MarchUnit("1.1", ((VEHICLE, 1),)), release_min, due_min, (option,))


def tiny_instance(
    tasks: list[Task], capacity: int | dict[str, int] = 1, mode: str = "weighted"
) -> Instance:
    """An instance over the tasks' resources (a capacity for all, or per resource)."""
    n = len(tasks[0].options[0].disruption)
    scenario = Scenario(
        "tiny", START, 8.0, tuple(t.request for t in tasks), weights=Weights(mode=mode)
    )
    resources = {
        rid: Resource(
            rid,
            "port" if rid == "port" else "structure",
            rid,
            capacity if isinstance(capacity, int) else capacity[rid],
        )
        for t in tasks
        for rid in {u.resource for u in t.options[0].uses}
    }
    return Instance(scenario, tasks, resources, n, 15, 8 * 60)
