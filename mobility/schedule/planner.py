"""Plan a scenario end to end: instance, greedy baseline, CP-SAT, plan."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mobility.model.scenario import Scenario
from mobility.network.load import Network
from mobility.routing.router import Router
from mobility.schedule.cpsat import Progress, SolverOptions, solve
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import Instance, build_instance
from mobility.schedule.plan import Plan, build_plan
from mobility.schedule.solution import Assignment

logger = logging.getLogger(__name__)


@dataclass
class PlanResult:
    """A plan with what produced it."""

    plan: Plan
    instance: Instance
    assignment: Assignment
    baseline: Assignment


def plan_scenario(
    scenario: Scenario,
    network: Network,
    *,
    options: SolverOptions | None = None,
    router: Router | None = None,
    progress: Progress | None = None,
    traffic: TrafficModel | None = None,
) -> PlanResult:
    """Build the instance, the greedy baseline, optimise, and return the plan.

    The optimiser starts from the baseline as a hint; should it stop (time
    limit) with a worse objective than the baseline, the baseline is kept.
    ``traffic`` sets the civilian disruption model (default: class defaults).
    """
    instance = build_instance(scenario, network, router, traffic=traffic)
    baseline = greedy_assignment(instance)
    best = solve(instance, options, hint=baseline, progress=progress)
    if best.objective > baseline.objective:
        logger.warning("CP-SAT stopped above the greedy baseline; the baseline is kept")
        best = Assignment(
            dict(baseline.choices), "greedy (solver stopped above it)", best.status,
            baseline.objective, best.bound, best.solve_time_s,
        )  # fmt: skip
    return PlanResult(build_plan(instance, best, baseline), instance, best, baseline)
