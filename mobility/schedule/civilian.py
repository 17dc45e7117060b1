"""Where a planned column's civilian delay falls: by road, direction and hour, with its source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mobility.schedule.instance import Instance, Task


def civilian_delay_rows(
    instance: Instance, task: Task, option_index: int, slot: int
) -> list[dict[str, object]]:
    """Civilian delay of a task's road option started in ``slot``, by road, direction and hour.

    Each row: ``road``, ``direction``, ``hour`` (local, ``HH:00``), ``day``
    (``working day`` or ``day off``), ``delay_vh``, ``demand`` (``measured``
    where a traffic file gave the road's counts, else ``default``) and
    ``source`` (the file and line, or the defaults' source). Rows of no delay
    are left out; the rows sum to the option's disruption for that slot
    (less built-up night penalties on edges without a road).
    """
    option = task.options[option_index]
    costs, clock, route = instance.road_costs, instance.hour_clock, option.route
    if costs is None or clock is None or route is None or option.pass_h is None:
        return []
    index = costs.table.key_index
    edges = np.array([index[key] for key in route.edges], dtype=np.int64)
    start_h = slot * instance.slot_min / 60
    rows = costs.breakdown(
        edges, np.asarray(route.edge_times_s), option.pass_h, task.march_unit.count, start_h, clock
    )
    total: dict[tuple[str, str, int, str, str], float] = defaultdict(float)
    for row in rows:
        key = (
            str(row["road"]) or "(no ref)",
            str(row["direction"]),
            int(str(row["hour_key"])),
            str(row["demand"]),
            str(row["source"]),
        )
        total[key] += float(str(row["delay_vh"]))
    return [
        {
            "road": road,
            "direction": direction,
            "hour": f"{hour_key % 24:02d}:00",
            "day": "day off" if hour_key >= 24 else "working day",
            "delay_vh": round(delay, 3),
            "demand": demand,
            "source": source,
        }
        for (road, direction, hour_key, demand, source), delay in total.items()
        if delay >= 0.0005
    ]


@dataclass(frozen=True)
class SectionDelay:
    """Civilian delay on one road section (road and direction) in one local hour.

    Attributes
    ----------
    road, direction, day, hour
        The road section and when: ``day`` is ``working day`` or ``day
        off``, ``hour`` the local hour ``HH:00``.
    delay_vh
        Vehicle-hours of delay, summed over the movements.
    movements
        How many movements add to it.
    demand
        ``measured`` where a traffic file gave the road's counts, else
        ``default`` (both when movements differ).
    source
        Where the demand comes from (the file and line, or the defaults).
    """

    road: str
    direction: str
    day: str
    hour: str
    delay_vh: float
    movements: int
    demand: str
    source: str


def delay_by_section(movements: Iterable[Mapping[str, Any]]) -> list[SectionDelay]:
    """Sum the movements' ``civilian_delay`` rows by road section and hour, largest first.

    ``movements`` are movement-table rows (``movement_table.json``); rows
    without a ``civilian_delay`` list (trains, older plans) add nothing.
    """
    total: dict[tuple[str, str, str, str], float] = defaultdict(float)
    users: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    demands: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    sources: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for row in movements:
        for item in row.get("civilian_delay") or ():
            key = (str(item["road"]), str(item["direction"]), str(item["day"]), str(item["hour"]))
            total[key] += float(item["delay_vh"])
            users[key].add(str(row.get("movement", "")))
            demands[key].add(str(item["demand"]))
            sources[key].add(str(item["source"]))
    found = [
        SectionDelay(
            *key,
            delay_vh=round(delay, 3),
            movements=len(users[key]),
            demand=" and ".join(sorted(demands[key])),
            source="; ".join(sorted(sources[key])),
        )
        for key, delay in total.items()
    ]
    return sorted(found, key=lambda s: (-s.delay_vh, s.road, s.direction, s.day, s.hour))
