"""Replan a scenario under a perturbation and compare it with the baseline plan.

The baseline plan and the replanned one are made by the same public
function a planner uses (:func:`mobility.schedule.planner.plan_scenario`)
with the same solver options, on the unperturbed scenario and network and
on their perturbed copies (:mod:`mobility.stress._apply`). Every stress run
replans, so the default solver budget is short (:data:`STRESS_SOLVER`):
deterministic, so the comparison is reproducible.

Equal standard: both plans are solved with the same solver options (a
baseline plan made with other options is refused), and each keeps its
bound. A change of the objective or of civilian delay no larger than the
two plans' gaps together is reported as "within solver gap": a better
search could undo it (:func:`verdict`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mobility.errors import ScenarioError
from mobility.model.scenario import Scenario
from mobility.network.load import Network
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.planner import PlanResult, plan_scenario, solver_standard
from mobility.stress._apply import StrandedRequest, perturb_network, perturb_scenario, resolve
from mobility.stress._measures import Impact
from mobility.stress.impact import StressContext
from mobility.stress.perturbation import Perturbation

logger = logging.getLogger(__name__)

#: Solver budget of a stress replan: reproducible search, two deterministic
#: time units (about 2 s of wall time on 2 cores, plus the LP), one worker.
STRESS_SOLVER = SolverOptions(time_limit_s=2.0, workers=1, seed=0, deterministic=True)

#: KPIs compared between the baseline plan and the replanned one.
COMPARED_KPIS = (
    "on_time_share",
    "scheduled",
    "march_units",
    "total_lateness_min",
    "max_lateness_min",
    "civilian_delay_vh",
    "peak_column_h",
    "makespan",
    "objective",
)

#: KPIs whose change is judged against the solver gaps, and the gap's unit:
#: objective cost units, or civilian vehicle-hours (the gap over the
#: disruption weight).
GAP_JUDGED = {"objective": "cost", "civilian_delay_vh": "vh"}


def gap_of(kpis: Mapping[str, Any], weights_per_vh: float, unit: str) -> float:
    """Return a plan's objective minus its bound, in ``unit``; ``inf`` when no bound is known."""
    objective, bound = kpis.get("objective"), kpis.get("bound")
    if objective is None or bound is None:
        return math.inf
    gap = max(0.0, float(objective) - float(bound))
    if unit == "cost":
        return gap
    if not gap:
        return 0.0
    return gap / weights_per_vh if weights_per_vh > 0 else math.inf


def verdict(change: float, baseline_gap: float, replanned_gap: float) -> str:
    """Whether a change is more than the solver gaps can explain.

    ``both proven optimal``: gaps 0, any change is the perturbation's.
    ``within solver gap``: ``|change|`` is at most the two gaps together.
    ``beyond solver gap``: larger. ``no bound``: a plan has no bound, so
    nothing can be said.
    """
    if math.isinf(baseline_gap) or math.isinf(replanned_gap):
        return "no bound"
    if baseline_gap == 0 and replanned_gap == 0:
        return "both proven optimal"
    if abs(change) <= baseline_gap + replanned_gap + 1e-9:
        return "within solver gap"
    return "beyond solver gap"


@dataclass
class StressResult:
    """A scenario's baseline plan against its replan under a perturbation.

    Attributes
    ----------
    perturbation
        What was changed.
    scenario, perturbed_scenario
        The scenario and its perturbed copy.
    impact
        Network metrics (throughput, re-routing, stranded pairs).
    baseline, replanned
        The plans (``replanned`` is ``None`` when no request was left to plan).
    stranded
        Requests without a port or crossing, and requests or march units the
        replan could not route or schedule, with the reason.
    """

    perturbation: Perturbation
    scenario: Scenario
    perturbed_scenario: Scenario
    impact: Impact
    baseline: PlanResult
    replanned: PlanResult | None
    stranded: list[StrandedRequest]

    def kpis(self) -> list[dict[str, Any]]:
        """Rows of (kpi, baseline, replanned, change, verdict).

        ``verdict`` (see :func:`verdict`) judges the objective's and civilian
        delay's change against the two plans' solver gaps; ``None`` for the
        other KPIs.
        """
        base = self.baseline.plan.summary["kpis"]
        new = self.replanned.plan.summary["kpis"] if self.replanned else {}
        per_vh = self.scenario.weights.disruption_per_vehicle_hour
        rows = []
        for name in COMPARED_KPIS:
            before, after = base.get(name), new.get(name)
            change: Any = None
            judged = None
            if isinstance(before, (int, float)) and isinstance(after, (int, float)):
                change = round(after - before, 4)
                if name in GAP_JUDGED:
                    unit = GAP_JUDGED[name]
                    judged = verdict(change, gap_of(base, per_vh, unit), gap_of(new, per_vh, unit))
            rows.append(
                {
                    "kpi": name,
                    "baseline": before,
                    "replanned": after,
                    "change": change,
                    "verdict": judged,
                }
            )
        # Vehicles with a start time (the summary's ``vehicles`` counts all requested).
        before = self.baseline.plan.summary["planned_vehicles"]
        after = self.replanned.plan.summary["planned_vehicles"] if self.replanned else 0
        rows.append(
            {
                "kpi": "vehicles",
                "baseline": before,
                "replanned": after,
                "change": after - before,
                "verdict": None,
            }
        )
        rows.append(
            {
                "kpi": "stranded_requests",
                "baseline": len(_unserved(self.baseline)),
                "replanned": len(self.stranded),
                "change": len(self.stranded) - len(_unserved(self.baseline)),
                "verdict": None,
            }
        )
        return rows

    def standard(self) -> list[dict[str, Any]]:
        """Both plans' solver standard: options, status, objective, bound and gap."""
        rows = []
        for label, result in (("baseline", self.baseline), ("replanned", self.replanned)):
            if result is None:
                continue
            kpis = result.plan.summary["kpis"]
            rows.append(
                {
                    "plan": label,
                    "solver": result.plan.summary.get("solver"),
                    **{k: kpis.get(k) for k in ("solver_status", "objective", "bound", "gap")},
                }
            )
        return rows

    def demand_veh_per_day(self) -> float:
        """Vehicles a day the perturbed scenario asks to move (over its horizon)."""
        vehicles = sum(r.vehicle_count for r in self.perturbed_scenario.requests)
        return vehicles / max(self.perturbed_scenario.horizon_h / 24, 1e-9)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "scenario": self.scenario.name,
            "perturbation": self.perturbation.to_dict(),
            "kpis": self.kpis(),
            "standard": self.standard(),
            "stranded": [{"request": s.request, "reason": s.reason} for s in self.stranded],
            "demand_veh_per_day": round(self.demand_veh_per_day(), 1),
            "impact": self.impact.to_dict(),
        }


def _unserved(result: PlanResult) -> list[StrandedRequest]:
    summary = result.plan.summary
    found = [StrandedRequest(u["request"], u["reason"]) for u in summary.get("unplannable", [])]
    found += [
        StrandedRequest(task, "could not be scheduled in the horizon")
        for task in summary.get("unscheduled", [])
    ]
    return found


def stress_test(
    scenario: Scenario,
    network: Network,
    perturbation: Perturbation,
    *,
    context: StressContext | None = None,
    options: SolverOptions | None = None,
    baseline: PlanResult | None = None,
    run: int = 0,
) -> StressResult:
    """Measure and replan ``scenario`` under ``perturbation``; compare with the baseline plan.

    Parameters
    ----------
    scenario, network
        The base scenario and network (never modified).
    perturbation
        What to change.
    context
        Network metrics context (built from ``network`` if not given).
    options
        Solver options of both plans (default :data:`STRESS_SOLVER`).
    baseline
        The baseline plan, if already made with the same options.
    run
        Monte Carlo run for random failures.

    Raises
    ------
    ScenarioError
        If the perturbation names unknown elements or clashes with the
        scenario, or ``baseline`` was solved with other options.
    """
    options = options or STRESS_SOLVER
    if baseline is not None and baseline.plan.summary.get("solver") != solver_standard(options):
        raise ScenarioError(
            f"baseline plan solved with {baseline.plan.summary.get('solver')}, the replan with "
            f"{solver_standard(options)}: both plans must be solved to the same standard"
        )
    context = context or StressContext(network)
    resolved = resolve(perturbation, context, run=run)
    impact = context.measure(resolved, perturbation.name)
    perturbed_scenario, stranded = perturb_scenario(scenario, perturbation, context)
    perturbed_network = perturb_network(network, context, resolved)
    if baseline is None:
        baseline = plan_scenario(scenario, network, options=options)
    replanned = None
    if perturbed_scenario.requests:
        replanned = plan_scenario(perturbed_scenario, perturbed_network, options=options)
        stranded = stranded + _unserved(replanned)
    logger.info(
        "stress %s: %d stranded, on time %s",
        perturbation.name,
        len(stranded),
        "-" if replanned is None else f"{replanned.plan.summary['kpis']['on_time_share']:.0%}",
    )
    return StressResult(
        perturbation, scenario, perturbed_scenario, impact, baseline, replanned, stranded
    )
