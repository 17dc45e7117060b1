"""The trains of a plan: the rail rules derived from the inputs, and each train held to them.

The rail part of the constraints (rail rules, lines on the trains' paths and
terminal capacities) is derived from the embedded rail rules and the corridor
places, never taken from ``constraints.json``, which is checked against it.
Each train's row is checked by :func:`~mobility.schedule.validate_rail.train_problems`
(consist, traction, times, band), its vehicles against its request, and its
occupations (ramps, trains per day, line paths, border crossings) are added
to the plan's shared resources (:mod:`mobility.validation._resources`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mobility.model.corridor import Place
from mobility.model.scenario import Request
from mobility.model.vehicle import VehicleCatalogue
from mobility.rail.rules import RailRules
from mobility.schedule.validate_rail import train_occupations, train_problems
from mobility.validation._resources import Resources
from mobility.validation._road import rail_as_carried

Finding = tuple[str, str]  # (rule, message)
Problem = tuple[str, str, str]  # (rule, movement, message)

#: The derived rail constraints compared with those of ``constraints.json``.
_COMPARED = ("terminals", "lines", "night", "peaks", "border_trains_per_h")


def rail_constraints(
    rules: RailRules | None,
    places: Iterable[Place],
    movements: list[dict[str, Any]],
    written: Mapping[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Derive the rail part of the constraints from the rail rules and the corridor places.

    The lines are those on the trains' paths and those ``written`` (the
    rail part of ``constraints.json``) names; ``None`` when the plan used no
    rail rules.
    """
    if rules is None:
        return None
    names = [s["line"] for m in movements for s in (m.get("train") or {}).get("path") or ()]
    names += list(((written or {}).get("lines") or {}).keys())
    lines: dict[str, Any] = {}
    for name in names:
        line = rules.line(name)
        lines[name] = {"max_length_m": line.max_length_m, "paths_per_h": dict(line.paths_per_h)}
    terminals = {p.id: dict(p.capacity) for p in places}
    return {**rules.to_dict(), "terminals": terminals, "lines": lines}


def train_row_problems(
    m: dict[str, Any], request: Request, rail: dict[str, Any], catalogue: VehicleCatalogue
) -> list[Finding]:
    """Check a train's row against the rail constraints, and its vehicles against its request."""
    found = train_problems(m, rail)
    carried = rail_as_carried(request, catalogue)
    unknown = [k for k in m["vehicles"] if k not in carried]
    return found + [("vehicles", f"{k} is not a vehicle of request {request.id}") for k in unknown]


def occupy_train(resources: Resources, m: dict[str, Any], rail: dict[str, Any]) -> None:
    """Add a train's occupations to the resources, with the capacities of its terminals.

    A loading ramp holds as many trains as the terminal has ``ramps``, a
    terminal's day as many as its ``trains_per_day``; a line path or a
    border crossing holds one train.
    """
    for rid, spans in train_occupations(m, rail).items():
        capacity = 1
        if rid.startswith(("ramp:", "ramp_day:")):
            terminal = rail["terminals"].get(rid.split(":", 1)[1], {})
            key = "ramps" if rid.startswith("ramp:") else "trains_per_day"
            capacity = int(terminal.get(key, 1))
        resources.add(rid, rid, capacity)
        resources.spans[rid].extend(spans)


def rail_constraints_problems(
    rail: Mapping[str, Any] | None, written: Mapping[str, Any] | None
) -> list[Problem]:
    """Check the rail part of ``constraints.json`` against the derived rail constraints.

    Of terminals and lines, only those written must agree (the plan names
    those it used).
    """
    if rail is None or not written:
        return []
    found: list[Problem] = []
    for key in _COMPARED:
        if key in written and written[key] != rail.get(key):
            if key in ("terminals", "lines"):
                used = {k: rail[key].get(k) for k in written[key]}
                if used == written[key]:
                    continue
            found.append(
                (
                    "constraints",
                    "",
                    f"rail {key} in constraints.json "
                    "differ from the rail rules and corridor places",
                )
            )
    return found


__all__ = ["occupy_train", "rail_constraints", "rail_constraints_problems", "train_row_problems"]
