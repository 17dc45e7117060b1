"""Plan a scenario end to end: instance, greedy baseline, CP-SAT, plan."""

from __future__ import annotations

import logging
from pathlib import Path

from mobility._progress import advance, step
from mobility.model.scenario import Scenario, load_scenario
from mobility.model.vehicle import VehicleCatalogue
from mobility.network.load import Network, load_network
from mobility.routing.router import Router
from mobility.schedule.cpsat import Progress, SolverOptions, solve
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.result import Kpis, PlanResult
from mobility.schedule.solution import Assignment

logger = logging.getLogger(__name__)


def plan_scenario(
    scenario: Scenario | str | Path | None = None,
    network: Network | None = None,
    *,
    options: SolverOptions | None = None,
    router: Router | None = None,
    catalogue: VehicleCatalogue | None = None,
    progress: Progress | None = None,
    traffic: TrafficModel | None = None,
) -> PlanResult:
    """Build the instance, the greedy baseline, optimise, and return the plan.

    The optimiser starts from the baseline as a hint; should it stop (time
    limit) with a worse objective than the baseline, the baseline is kept.

    Parameters
    ----------
    scenario
        A scenario, the path of a scenario file, or ``None`` for the embedded
        example (the armoured brigade).
    network
        The network to plan on (default: the embedded corridor atlas).
    options
        Solver settings (default: :class:`SolverOptions`, reproducible).
    router
        A router on ``network`` (default: one with ``catalogue``).
    catalogue
        Vehicle catalogue (default: the embedded one); ignored with ``router``.
    progress
        Called as ``progress(objective, bound, seconds)`` on each improvement.
    traffic
        The civilian disruption model (default: calibrated class defaults;
        measured counts from a traffic file where given).

    Raises
    ------
    ScenarioError
        If the scenario file is invalid, or names an unknown place or vehicle.
    DataError
        If the network's input is missing or malformed.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if network is None:
        network = router.network if router is not None else load_network()
    if router is None and catalogue is not None:
        router = Router(network, catalogue)
    with step(f"building the instance of {scenario.name} (routing the alternatives)"):
        instance = build_instance(scenario, network, router, traffic=traffic)
    with step("greedy baseline"):
        baseline = greedy_assignment(instance)

    def report(objective: float, bound: float, seconds: float) -> None:
        advance(f"objective {objective:,.1f}, bound {bound:,.1f}")
        if progress is not None:
            progress(objective, bound, seconds)

    limit = (options or SolverOptions()).time_limit_s
    with step(f"solving {len(instance.tasks):,} march units (LP and CP-SAT, limit {limit:g} s)"):
        best = solve(instance, options, hint=baseline, progress=report)
    if best.objective > baseline.objective:
        logger.warning("CP-SAT stopped above the greedy baseline; the baseline is kept")
        best = Assignment(
            dict(baseline.choices), "greedy (solver stopped above it)", best.status,
            baseline.objective, best.bound, best.solve_time_s,
        )  # fmt: skip
    plan = build_plan(instance, best, baseline)
    return PlanResult(plan, instance, best, baseline, network)


__all__ = ["Kpis", "PlanResult", "plan_scenario"]
