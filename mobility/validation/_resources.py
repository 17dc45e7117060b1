"""Shared resources re-derived from the inputs, their occupations and capacities.

Each resource's capacity comes from the scenario (``capacities``) and the
corridor places, never from ``constraints.json``; each occupation comes from
the re-derived timing of a movement (:mod:`mobility.validation._road`):

- a bridge or tunnel in one direction: from the head entering it until the
  tail leaves its last edge (``structure_columns`` columns at once);
- a junction where the routes of different march units merge (they arrive
  on different edges and leave on the same one): ``checkpoint_columns``;
- a border crossing: ``border_columns``, arrivals inside its windows;
- a port gate: one march unit at a time for its vehicles over the gate rate;
- a support centre: vehicles parked during halts, overnight during daily
  rests, against the place's (or the scenario's) capacity.

``constraints.json`` is then checked against this derivation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from mobility.model.clock import local_iso
from mobility.model.corridor import Place
from mobility.model.scenario import Scenario, in_windows, local_clock_min
from mobility.routing.column_timing import ColumnSchedule

Span = tuple[datetime, datetime, int, str]


@dataclass
class Resources:
    """Derived resources: capacity, name and windows by id, with occupations."""

    capacity: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    windows: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=lambda: defaultdict(list))

    def add(
        self, rid: str, name: str, capacity: int, windows: tuple[tuple[int, int], ...] = ()
    ) -> str:
        """Declare a resource (first declaration wins) and return its id."""
        if rid not in self.capacity:
            self.capacity[rid], self.names[rid], self.windows[rid] = capacity, name, windows
        return rid


def centre_capacity(scenario: Scenario, place: Place, key: str) -> int | None:
    """Return a support centre's capacity: the scenario's override, else the corridor file's."""
    override = scenario.capacities.support_centres
    for name in (place.id, place.name):
        if name in override and key in override[name]:
            return int(override[name][key])
    value = place.capacity.get(key)
    return None if value is None else int(value)


def road_occupations(
    resources: Resources,
    number: str,
    schedule: ColumnSchedule,
    count: int,
    scenario: Scenario,
    places: dict[str, Place],
    origin: str,
    destination: str,
) -> list[tuple[int, datetime, datetime]]:
    """Add one road movement's occupations; return its junction passages.

    A junction passage is ``(node, arrive, clear)``; merges are decided once
    every movement is known (:func:`junction_occupations`).
    """
    caps = scenario.capacities
    by_name = {p.name: p for p in places.values()}
    own: dict[str, tuple[datetime, datetime]] = {}
    junctions: list[tuple[int, datetime, datetime]] = []
    for point in schedule.checkpoints:
        if point.kind in ("bridge", "tunnel"):
            element = point.element or point.name
            direction = element.rpartition("/")[2] if point.element else ""
            rid = resources.add(
                f"structure:{element}", f"{point.name} {direction}".strip(), caps.structure_columns
            )
            begin, end = point.arrive, point.occupied_until
            old = own.get(rid)
            own[rid] = (min(begin, old[0]), max(end, old[1])) if old else (begin, end)
        elif point.kind == "junction":
            junctions.append((point.node, point.arrive, point.clear))
        place = places.get(destination) if point.kind == "destination" else by_name.get(point.name)
        if place is not None and place.kind == "bcp" and point.kind in ("border", "destination"):
            rid = resources.add(
                f"border:{place.id}",
                place.name,
                caps.border_columns,
                caps.windows(place.id, place.name),
            )
            resources.spans[rid].append((point.arrive, point.clear, 1, number))
    for rid, (begin, end) in own.items():
        resources.spans[rid].append((begin, end, 1, number))
    port = places.get(origin)
    if port is not None and port.kind == "spod":
        rate = caps.port_rate(port.id, port.name)
        rid = resources.add(f"port:{port.id}", port.name, 1)
        start = schedule.start
        resources.spans[rid].append((start, start + timedelta(hours=count / rate), 1, number))
    for halt in schedule.halts:
        place = by_name.get(halt.name)
        if not halt.at_support_centre or place is None:
            continue
        night = halt.kind == "daily_rest"
        capacity = centre_capacity(
            scenario, place, "vehicles_overnight" if night else "vehicles_parked"
        )
        if capacity is None:
            continue
        kind = "csc_night" if night else "csc"
        rid = resources.add(f"{kind}:{place.id}", place.name, capacity)
        resources.spans[rid].append((halt.start, halt.end, count, number))
    return junctions


def junction_occupations(
    resources: Resources,
    scenario: Scenario,
    passages: dict[str, tuple[list[tuple[int, int, int]], list[tuple[int, datetime, datetime]]]],
    names: dict[int, str],
) -> None:
    """Junctions where routes of different movements merge, with their occupations.

    ``passages`` maps a movement to its edges and its junction checkpoints.
    """
    seen: dict[int, dict[Any, dict[Any, set[str]]]] = defaultdict(dict)
    spans: dict[int, list[Span]] = defaultdict(list)
    for number, (edges, points) in passages.items():
        position = {edge[0]: i for i, edge in reversed(list(enumerate(edges)))}
        own: dict[int, tuple[datetime, datetime]] = {}
        for node, arrive, clear in points:
            at = position.get(node)
            if at is None:
                continue
            incoming = tuple(edges[at - 1]) if at > 0 else None
            seen[node].setdefault(tuple(edges[at]), {}).setdefault(incoming, set()).add(number)
            old = own.get(node)
            own[node] = (min(arrive, old[0]), max(clear, old[1])) if old else (arrive, clear)
        for node, (arrive, clear) in own.items():
            spans[node].append((arrive, clear, 1, number))
    for node, exits in seen.items():
        merge = any(
            len(arrivals) >= 2 and len(set().union(*arrivals.values())) >= 2
            for arrivals in exits.values()
        )
        if merge:
            rid = resources.add(
                f"junction:{node}",
                names.get(node, str(node)),
                scenario.capacities.checkpoint_columns,
            )
            resources.spans[rid].extend(spans[node])


def capacity_problems(resources: Resources) -> list[tuple[str, str, str]]:
    """``(rule, movement, message)`` for every resource over capacity or outside its windows."""
    found = []
    for rid, spans in resources.spans.items():
        capacity, name = resources.capacity[rid], resources.names[rid]
        events = sorted(
            [(a, 1, d, n) for a, _, d, n in spans] + [(b, 0, -d, n) for _, b, d, n in spans]
        )  # ends sort before starts at the same moment
        load = 0
        for moment, _, change, number in events:
            load += change
            if load > capacity:
                found.append(
                    (
                        "capacity",
                        number,
                        f"{name} ({rid}) holds {load} > capacity {capacity} at {local_iso(moment)}",
                    )
                )
                break
        windows = resources.windows.get(rid) or ()
        if rid.startswith("border:") and windows:
            for start, _, _, number in spans:
                if not in_windows(local_clock_min(start), windows):
                    found.append(
                        (
                            "window",
                            number,
                            f"arrives at {name} at {local_iso(start)}, "
                            "outside its acceptance windows",
                        )
                    )
    return found


def constraints_problems(
    resources: Resources, constraints: dict[str, Any], scenario: Scenario
) -> list[tuple[str, str, str]]:
    """``constraints.json`` checked against the derivation: resources, capacities, times."""
    found = []
    written = {r.get("id"): r for r in constraints.get("resources") or () if isinstance(r, dict)}
    for rid, capacity in resources.capacity.items():
        row = written.get(rid)
        if row is None:
            found.append(
                (
                    "constraints",
                    "",
                    f"resource {rid} ({resources.names[rid]}) is used "
                    "by the plan but missing from constraints.json",
                )
            )
        elif row.get("capacity") != capacity:
            found.append(
                (
                    "constraints",
                    "",
                    f"resource {rid}: capacity {row.get('capacity')} in "
                    f"constraints.json, the inputs give {capacity}",
                )
            )
        elif [tuple(w) for w in row.get("windows") or ()] != list(resources.windows[rid]):
            found.append(
                (
                    "constraints",
                    "",
                    f"resource {rid}: windows {row.get('windows')} in "
                    "constraints.json differ from the scenario's",
                )
            )
    requests = constraints.get("requests") or {}
    for request in scenario.requests:
        row = requests.get(request.id) or {}
        for key, moment in (("release", request.available_from), ("due", request.required_by)):
            text = row.get(key)
            if text is None or datetime.fromisoformat(text) != moment:
                found.append(
                    (
                        "constraints",
                        "",
                        f"request {request.id}: {key} {text} in "
                        f"constraints.json, the scenario gives {moment.isoformat()}",
                    )
                )
    for key, moment in (("start", scenario.start), ("end", scenario.end)):
        text = constraints.get(key)
        if text is None or datetime.fromisoformat(text) != moment:
            found.append(
                (
                    "constraints",
                    "",
                    f"horizon {key} {text} in constraints.json, the "
                    f"scenario gives {moment.isoformat()}",
                )
            )
    return found


__all__ = [
    "Resources",
    "capacity_problems",
    "centre_capacity",
    "constraints_problems",
    "junction_occupations",
    "road_occupations",
]
