"""Typed results of planning a scenario: the KPIs of a plan and the plan with what produced it.

The plan folder's ``summary.json`` stays the plain-file contract (the
validator and the maps read it); :class:`Kpis` and :class:`PlanResult` are
the typed views a Python caller works with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobility.schedule.headline import headline, validity_line

if TYPE_CHECKING:
    from mobility.network.load import Network
    from mobility.schedule.instance import Instance
    from mobility.schedule.plan import Plan
    from mobility.schedule.solution import Assignment
    from mobility.validation import Violation

#: Solver statuses under which a plan exists (CP-SAT's, and the greedy baseline's).
FEASIBLE_STATUSES = frozenset({"OPTIMAL", "FEASIBLE"})


@dataclass(frozen=True)
class Kpis:
    """Key figures of one plan (the optimised plan or the greedy baseline).

    Attributes
    ----------
    method
        ``cp-sat``; a baseline's (``greedy``, ``off-peak rule``,
        ``cost-aware greedy``); or the hint that replaced the solver's result.
    on_time_share
        Share of all requested march units that clear by their request's due
        time (unscheduled and unplannable ones count as not on time).
    scheduled, march_units
        March units with a start time, and all requested march units.
    total_lateness_min, max_lateness_min
        Lateness summed over march units, and the largest.
    civilian_delay_vh
        Civilian vehicle-hours of delay (road, plus rail knock-on).
    peak_column_h
        Column-hours on the road in peak time.
    makespan
        When the last march unit clears (ISO 8601).
    solver_status
        ``OPTIMAL``, ``FEASIBLE``, ``INFEASIBLE``, ``UNKNOWN`` ...
    objective, bound, gap
        Objective value, lower bound and relative gap (``None``: not known).
    solve_time_s
        Solver time.
    rail_movements, rail_vehicles, road_vehicles, rail_civilian_delay_vh
        The split between road and rail.
    requested_vehicles, planned_vehicles
        Vehicles requested (routable or not) and vehicles with a start time.
    """

    method: str
    on_time_share: float
    scheduled: int
    march_units: int
    total_lateness_min: int
    max_lateness_min: int
    civilian_delay_vh: float
    peak_column_h: float
    makespan: str
    solver_status: str
    objective: float | None
    bound: float | None
    gap: float | None
    solve_time_s: float
    rail_movements: int = 0
    rail_vehicles: int = 0
    road_vehicles: int = 0
    rail_civilian_delay_vh: float = 0.0
    requested_vehicles: int = 0
    planned_vehicles: int = 0

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Kpis:
        """Return the KPIs of a summary's ``kpis`` or ``baseline`` entry (extra keys ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in raw.items() if key in names})

    def to_dict(self) -> dict[str, Any]:
        """Return the KPIs as in ``summary.json``."""
        return asdict(self)

    def is_feasible(self) -> bool:
        """Whether the plan is a feasible schedule of every march unit."""
        return self.solver_status in FEASIBLE_STATUSES and self.scheduled == self.march_units

    def __str__(self) -> str:
        bound = "no bound" if self.bound is None else f"bound {self.bound}"
        gap = "" if self.gap is None else f", gap {self.gap:.1%}"
        text = (
            f"on time {self.on_time_share:.0%} of {self.march_units} march units, "
            f"lateness {self.total_lateness_min} min (max {self.max_lateness_min}), "
            f"civilian delay {self.civilian_delay_vh} veh-h, "
            f"peak column-hours {self.peak_column_h}, status {self.solver_status}, "
            f"objective {self.objective}, {bound}{gap}, {self.solve_time_s} s"
        )
        if self.rail_movements:
            text += (
                f"; {self.rail_movements} trains carry {self.rail_vehicles} vehicles, "
                f"{self.road_vehicles} go by road"
            )
        return text


@dataclass
class PlanResult:
    """A plan with what produced it (what :func:`~mobility.plan_scenario` returns).

    Attributes
    ----------
    plan
        The movement plan (what :func:`~mobility.write_plan` writes).
    instance
        The scheduling instance: march units, route options, resources.
    assignment, baseline
        The chosen assignment and the greedy baseline's.
    network
        The network planned on (the map's background), when known.
    baselines
        Every one-pass baseline's assignment, by key of
        :data:`~mobility.schedule.greedy.BASELINES`.
    """

    plan: Plan
    instance: Instance
    assignment: Assignment
    baseline: Assignment
    network: Network | None = None
    baselines: dict[str, Assignment] = field(default_factory=dict)
    _violations: list[Violation] | None = field(default=None, repr=False, compare=False)

    def validate(self, *, folder: str | Path | None = None) -> list[Violation]:
        """Check the plan with the independent validator, as its folder would be.

        Checked once; the outcome is recorded in the summary (``valid`` and
        ``violations``), so the printout and ``summary.json`` say it.
        ``folder``: the plan's files as written, if at hand (default: they
        are written to a temporary folder and checked there).
        """
        if self._violations is None:
            from mobility.validation.self_check import check_plan, record_validity

            self._violations = check_plan(self.plan, self.network, folder=folder)
            record_validity(self.plan.summary, self._violations)
        return list(self._violations)

    def is_valid(self) -> bool:
        """Whether the plan passes its own check (validates it if not done yet)."""
        return not self.validate()

    @property
    def scenario(self) -> str:
        """Scenario name."""
        return self.plan.scenario

    @property
    def kpis(self) -> Kpis:
        """KPIs of the plan."""
        return Kpis.from_dict(self.plan.summary["kpis"])

    @property
    def baseline_kpis(self) -> Kpis | None:
        """KPIs of the greedy baseline, when it was computed."""
        raw = self.plan.summary.get("baseline")
        return None if raw is None else Kpis.from_dict(raw)

    @property
    def baselines_compared(self) -> list[BaselineComparison]:
        """The plan against each one-pass baseline (empty when they were not computed)."""
        return [BaselineComparison.from_dict(raw) for raw in self.plan.summary.get("baselines", [])]

    @property
    def explanations(self) -> list[str]:
        """Why march units are late, unscheduled or unroutable, with what binds."""
        return list(self.plan.summary.get("explanations") or [])

    def is_feasible(self) -> bool:
        """Whether every requested vehicle is in a feasible schedule.

        False when the solver found no plan, a march unit has no start time,
        part of a request has no route at all, or the plan failed its own
        check (:meth:`validate`).
        """
        summary = self.plan.summary
        return (
            self.kpis.is_feasible()
            and not summary.get("unplannable")
            and summary.get("valid") is not False
        )

    def summary(self) -> str:
        """Return the plan's summary as ``mobility plan`` prints it (several lines)."""
        summary = self.plan.summary
        invalid = validity_line(summary)
        lines = [
            *([invalid] if invalid else []),
            f"{summary['scenario']}: {headline(summary)}",
            f"plan: {self.kpis}",
        ]
        if self.baseline_kpis is not None:
            lines.append(f"greedy baseline: {self.baseline_kpis}")
        compared = self.baselines_compared
        if compared:
            lines.append(
                f"against one-pass rules (the plan: civilian delay "
                f"{self.kpis.civilian_delay_vh:,} veh-h, on time {self.kpis.on_time_share:.1%}):"
            )
            lines.extend(f"  {row}" for row in compared)
        lines.extend(f"  {text}" for text in self.explanations)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True)
class BaselineComparison:
    """The optimised plan against one one-pass baseline (``summary.json``: ``baselines``).

    Attributes
    ----------
    key, label
        The baseline's key in :data:`~mobility.schedule.greedy.BASELINES` and its name.
    strongest
        Whether it is the strongest baseline (most march units scheduled,
        then lowest objective): the optimiser's hint.
    delay_ratio, objective_ratio
        Optimiser / baseline civilian delay and objective (``None`` when the
        baseline's is 0).
    kpis
        The baseline's KPIs.
    """

    key: str
    label: str
    strongest: bool
    delay_ratio: float | None
    objective_ratio: float | None
    kpis: Kpis

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BaselineComparison:
        """Return the comparison of a ``baselines`` entry."""
        return cls(
            key=str(raw["key"]),
            label=str(raw["label"]),
            strongest=bool(raw["strongest"]),
            delay_ratio=raw.get("delay_ratio"),
            objective_ratio=raw.get("objective_ratio"),
            kpis=Kpis.from_dict(raw["kpis"]),
        )

    def __str__(self) -> str:
        ratio = "-" if self.delay_ratio is None else f"x{self.delay_ratio:.3f}"
        return (
            f"{self.label}: civilian delay {self.kpis.civilian_delay_vh:,} veh-h "
            f"(the plan {ratio}), on time {self.kpis.on_time_share:.1%}"
            + ("; the strongest rule, the optimiser's hint" if self.strongest else "")
        )


__all__ = ["BaselineComparison", "Kpis", "PlanResult"]
