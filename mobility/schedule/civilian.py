"""Where a planned column's civilian delay falls: by road, direction and hour, with its source."""

from __future__ import annotations

from collections import defaultdict

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
