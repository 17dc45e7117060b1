"""Where a planned column's civilian delay falls: by road, direction and hour, with its source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mobility.schedule.instance import Instance, Task
from mobility.schedule.road_costs import FloatArray, RoadCosts

#: A route's edges, edge times (s) and pass times (h).
_Route = tuple[NDArray[np.int64], FloatArray, FloatArray]


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
    return civilian_delay_rows_many(instance, [(task, option_index, slot)])[0]


def civilian_delay_rows_many(
    instance: Instance, starts: Sequence[tuple[Task, int, int]]
) -> list[list[dict[str, object]]]:
    """:func:`civilian_delay_rows` of many ``(task, option index, slot)``, in their order.

    Starts of one route with one column (the equal march units of a request)
    are integrated in one pass; each gets exactly the rows it gets alone.
    """
    costs, clock = instance.road_costs, instance.hour_clock
    found: list[list[dict[str, object]]] = [[] for _ in starts]
    if costs is None or clock is None:
        return found
    groups: dict[tuple[int, bytes, bytes, bytes], list[int]] = defaultdict(list)
    inputs: dict[tuple[int, bytes, bytes, bytes], _Route] = {}
    for at, (task, option_index, _) in enumerate(starts):
        option = task.options[option_index]
        if option.route is None or option.pass_h is None:
            continue
        index = costs.table.key_index
        edges = np.array([index[edge] for edge in option.route.edges], dtype=np.int64)
        edge_s = np.asarray(option.route.edge_times_s, dtype=np.float64)
        pass_h = np.asarray(option.pass_h, dtype=np.float64)
        same = (task.march_unit.count, edges.tobytes(), edge_s.tobytes(), pass_h.tobytes())
        groups[same].append(at)
        inputs[same] = (edges, edge_s, pass_h)
    for same, members in groups.items():
        edges, edge_s, pass_h = inputs[same]
        start_h = np.array([starts[at][2] * instance.slot_min / 60 for at in members])
        delays, hour_keys = costs.edge_delays(edges, edge_s, pass_h, same[0], start_h, clock)
        for column, at in enumerate(members):
            found[at] = _rows(costs, edges, delays[:, column], hour_keys[column])
    return found


def _rows(
    costs: RoadCosts, edges: NDArray[np.int64], delays: FloatArray, hour_keys: NDArray[np.int64]
) -> list[dict[str, object]]:
    """Sum one start's edge delays by road, direction, hour and demand source."""
    total: dict[tuple[str, str, int, str, str], float] = defaultdict(float)
    refs, edge_list = costs.table.refs, edges.tolist()
    directions = costs.directions(edge_list)
    for i, edge in enumerate(edge_list):
        key = (
            refs[edge] or "(no ref)",
            directions[i],
            int(hour_keys[i]),
            "measured" if costs.measured[edge] else "default",
            costs.source[edge],
        )
        total[key] += float(delays[i])
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
