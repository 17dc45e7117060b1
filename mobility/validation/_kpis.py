"""The summary's KPIs recomputed from the movement table and the scenario.

Lateness per row from the scenario's due time; totals, the largest, the
on-time share, the civilian delay (the sum of the rows' ``disruption_vh``,
each the sum of its ``civilian_delay`` rows), the makespan, the objective
(weighted mode: the solver's documented sum, see
:func:`mobility.schedule.solution.objective_of`), and the solver figures'
plausibility: a bound never above the objective, the gap recomputed, an
``OPTIMAL`` status only with the bound at the objective, no plan under
``INFEASIBLE``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mobility.model.clock import local_iso
from mobility.model.scenario import Request, Scenario

Problem = tuple[str, str, str]
_STATUSES = {"OPTIMAL", "FEASIBLE", "UNKNOWN", "INFEASIBLE", "MODEL_INVALID"}


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _close(a: Any, b: float, tolerance: float) -> bool:
    return isinstance(a, int | float) and not isinstance(a, bool) and abs(a - b) <= tolerance


def _count(m: Mapping[str, Any]) -> int:
    vehicles = m.get("vehicles") or {}
    return sum(v for v in vehicles.values() if isinstance(v, int) and not isinstance(v, bool))


@dataclass
class _Totals:
    """The KPIs as the table gives them."""

    makespan: datetime
    late_total: int = 0
    late_max: int = 0
    on_time: int = 0
    weighted: float = 0.0  # lateness cost, weighted mode
    delay: float = 0.0


def _row_problems(
    m: Mapping[str, Any], request: Request, scenario: Scenario, totals: _Totals
) -> list[Problem]:
    """One row's release, due, lateness and civilian delay; its figures added to ``totals``."""
    found: list[Problem] = []
    for key, moment in (("release", request.available_from), ("due", request.required_by)):
        if key in m and _t(m[key]) != moment:
            found.append(
                ("kpi", m["movement"], f"{key} {m[key]}, the scenario gives {moment.isoformat()}")
            )
    clear = _t(m["clear"])
    late = max(0, math.ceil((clear - request.required_by).total_seconds() / 60))
    if m.get("late_min") != late:
        found.append(
            ("kpi", m["movement"], f"late_min {m.get('late_min')} but it clears {late} min late")
        )
    due_min = scenario.minutes(request.required_by)
    clear_min = math.ceil((clear - scenario.start).total_seconds() / 60)
    weights = scenario.weights
    totals.weighted += (
        weights.lateness_per_min * request.lateness_weight * max(0, clear_min - due_min)
    )
    totals.late_total += late
    totals.late_max = max(totals.late_max, late)
    totals.on_time += late == 0
    totals.makespan = max(totals.makespan, clear)
    rows = m.get("civilian_delay") or []
    own = float(m.get("disruption_vh") or 0.0)
    parts = sum(float(r.get("delay_vh") or 0.0) for r in rows if isinstance(r, Mapping))
    if rows and abs(parts - own) > 0.01 * len(rows) + 0.01:
        found.append(
            (
                "kpi",
                m["movement"],
                f"civilian_delay rows add up to {parts:.2f} vh, disruption_vh says {own:.2f}",
            )
        )
    totals.delay += own
    return found


def _count_problems(
    kpis: Mapping[str, Any],
    movements: list[dict[str, Any]],
    unscheduled: list[Any],
    totals: _Totals,
) -> list[Problem]:
    """Scheduled and march units, on-time share, lateness, civilian delay and makespan."""
    found: list[Problem] = []
    units = kpis.get("march_units")
    if kpis.get("scheduled") != len(movements):
        found.append(
            (
                "kpi",
                "",
                f"summary scheduled {kpis.get('scheduled')}, the table has "
                f"{len(movements)} movements",
            )
        )
    if not isinstance(units, int) or units < len(movements) + len(unscheduled):
        found.append(
            (
                "kpi",
                "",
                f"summary march_units {units}, the table and the unscheduled "
                f"list give {len(movements) + len(unscheduled)}",
            )
        )
    elif not _close(
        kpis.get("on_time_share"), totals.on_time / units if units else 0.0, 1e-6
    ) and not (units == 0 and kpis.get("on_time_share") in (0.0, 1.0, None)):
        found.append(
            (
                "kpi",
                "",
                f"summary on-time share {kpis.get('on_time_share')}, the table "
                f"gives {totals.on_time}/{units}",
            )
        )
    for key, what, value in (
        ("total_lateness_min", "lateness", totals.late_total),
        ("max_lateness_min", "max lateness", totals.late_max),
    ):
        if kpis.get(key) != value:
            found.append(
                ("kpi", "", f"summary {what} {kpis.get(key)} min, the table gives {value}")
            )
    if not _close(kpis.get("civilian_delay_vh"), totals.delay, 0.01 * len(movements) + 0.01):
        found.append(
            (
                "kpi",
                "",
                f"summary civilian delay {kpis.get('civilian_delay_vh')} vh, "
                f"the table gives {totals.delay:.2f}",
            )
        )
    makespan = totals.makespan
    if movements and kpis.get("makespan") and _t(kpis["makespan"]) != makespan:
        found.append(
            (
                "kpi",
                "",
                f"summary makespan {kpis['makespan']}, the table gives {local_iso(makespan)}",
            )
        )
    return found


def _mode_problems(kpis: Mapping[str, Any], movements: list[dict[str, Any]]) -> list[Problem]:
    """Movements and vehicles by rail and by road."""
    rail = [m for m in movements if m.get("mode") == "rail"]
    split = {
        "rail_movements": len(rail),
        "rail_vehicles": sum(_count(m) for m in rail),
        "road_vehicles": sum(_count(m) for m in movements if m.get("mode") != "rail"),
    }
    return [
        ("kpi", "", f"summary {key} {kpis[key]}, the table gives {value}")
        for key, value in split.items()
        if key in kpis and kpis[key] != value
    ]


def _objective_problems(
    kpis: Mapping[str, Any],
    movements: list[dict[str, Any]],
    unscheduled: list[Any],
    scenario: Scenario,
    totals: _Totals,
) -> list[Problem]:
    """Check the weighted objective: lateness, disruption, unscheduled penalty and makespan."""
    weights = scenario.weights
    objective = kpis.get("objective")
    if weights.mode != "weighted" or objective is None:
        return []
    requests = {r.id: r for r in scenario.requests}
    horizon_min = round(scenario.horizon_h * 60)
    penalty = sum(
        weights.lateness_per_min * requests[t.split("/")[0]].lateness_weight * 2 * horizon_min
        for t in unscheduled
        if t.split("/")[0] in requests
    )
    span_min = (
        math.ceil((totals.makespan - scenario.start).total_seconds() / 60) if movements else 0
    )
    expected = totals.weighted + weights.disruption_per_vehicle_hour * totals.delay + penalty
    expected += weights.makespan_per_min * span_min
    if not _close(objective, expected, 1e-3 * abs(expected) + 0.01 * len(movements) + 0.01):
        return [("kpi", "", f"summary objective {objective}, the table gives {expected:.3f}")]
    return []


def _solver_problems(kpis: Mapping[str, Any], movements: list[dict[str, Any]]) -> list[Problem]:
    """Check the solver's status, bound and gap: plausible together and with the table."""
    found: list[Problem] = []
    objective, bound = kpis.get("objective"), kpis.get("bound")
    status = kpis.get("solver_status")
    if status not in _STATUSES:
        found.append(("kpi", "", f"solver status {status!r} is not a solver status"))
    if status in ("INFEASIBLE", "MODEL_INVALID") and movements:
        found.append(("kpi", "", f"solver status {status} but the table has movements"))
    if isinstance(objective, int | float) and isinstance(bound, int | float):
        if bound > objective + 1e-6 * max(1.0, abs(objective)):
            found.append(("kpi", "", f"bound {bound} above the objective {objective}"))
        if status == "OPTIMAL" and objective - bound > 1e-3 * max(1.0, abs(objective)):
            found.append(
                (
                    "kpi",
                    "",
                    f"status OPTIMAL but the bound {bound} is below the objective {objective}",
                )
            )
        gap = kpis.get("gap")
        if objective and gap is not None:
            real = max(0.0, (objective - bound) / abs(objective))
            if not _close(gap, real, 1e-3):
                found.append(("kpi", "", f"gap {gap}, objective and bound give {real:.4f}"))
    elif status == "OPTIMAL" and movements:
        found.append(("kpi", "", "status OPTIMAL without an objective and a bound"))
    return found


def kpi_problems(
    movements: list[dict[str, Any]], summary: Mapping[str, Any], scenario: Scenario
) -> list[Problem]:
    """Every KPI of ``summary.json`` against the table."""
    found: list[Problem] = []
    requests = {r.id: r for r in scenario.requests}
    totals = _Totals(makespan=scenario.start)
    for m in movements:
        request = requests.get(m["request"])
        if request is not None:
            found += _row_problems(m, request, scenario, totals)
    kpis = summary.get("kpis") or {}
    if not kpis:
        return [*found, ("kpi", "", "summary.json has no kpis")]
    unscheduled = list(summary.get("unscheduled") or ())
    found += _count_problems(kpis, movements, unscheduled, totals)
    found += _mode_problems(kpis, movements)
    found += _objective_problems(kpis, movements, unscheduled, scenario, totals)
    found += _solver_problems(kpis, movements)
    return found
