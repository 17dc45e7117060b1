"""Plan a scenario end to end: instance, one-pass baselines, CP-SAT, plan."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mobility._progress import advance, step
from mobility.model.scenario import Scenario, load_scenario
from mobility.model.vehicle import VehicleCatalogue
from mobility.network.load import Network, load_network
from mobility.routing.router import Router
from mobility.schedule.cpsat import SolverOptions, SolverProgress, solve
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.greedy import baselines, best_baseline
from mobility.schedule.instance import build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.result import Kpis, PlanResult
from mobility.schedule.size import check_model_size
from mobility.schedule.solution import Assignment

logger = logging.getLogger(__name__)


def solver_standard(options: SolverOptions) -> dict[str, Any]:
    """Return the solver standard a plan is made to (its summary's ``solver``).

    Two plans compare at equal standard when these are equal: the same
    deterministic budget and seed, or the same wall-clock limit and workers.
    """
    standard: dict[str, Any] = {
        "deterministic": options.deterministic,
        "time_limit_s": options.time_limit_s,
        "seed": options.seed,
    }
    if not options.deterministic:
        standard["workers"] = options.workers
    return standard


def plan_scenario(
    scenario: Scenario | str | Path | None = None,
    network: Network | None = None,
    *,
    options: SolverOptions | None = None,
    router: Router | None = None,
    catalogue: VehicleCatalogue | None = None,
    progress: SolverProgress | None = None,
    traffic: TrafficModel | None = None,
) -> PlanResult:
    """Build the instance and the baselines, optimise, and return the plan.

    The one-pass baselines (:data:`~mobility.schedule.greedy.BASELINES`: first
    come first served, the off-peak rule, the cost-aware greedy) are reported
    beside the plan; the strongest is the optimiser's hint, and should the
    optimiser stop (time limit) above it, the hint is kept.

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
        If the scenario file is invalid, names an unknown place or vehicle, or
        is too large to plan (checked before anything is built).
    DataError
        If the network's input is missing or malformed.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    check_model_size(scenario)
    if network is None:
        network = router.network if router is not None else load_network()
    if router is None and catalogue is not None:
        router = Router(network, catalogue)
    with step(f"building the instance of {scenario.name} (routing the alternatives)"):
        instance = build_instance(scenario, network, router, traffic=traffic)
    with step("one-pass baselines (FCFS, off-peak, cost-aware)"):
        found = baselines(instance)
    baseline = found["fcfs"]
    hint = found[best_baseline(found)]

    def report(objective: float, bound: float, seconds: float) -> None:
        advance(f"objective {objective:,.1f}, bound {bound:,.1f}")
        if progress is not None:
            progress(objective, bound, seconds)

    limit = (options or SolverOptions()).time_limit_s
    with step(f"solving {len(instance.tasks):,} march units (LP and CP-SAT, limit {limit:g} s)"):
        best = solve(instance, options, hint=hint, progress=report)
    if best.objective > hint.objective:
        logger.warning("CP-SAT stopped above the %s; it is kept", hint.method)
        best = Assignment(
            choices=dict(hint.choices),
            method=f"{hint.method} (solver stopped above it)",
            status=best.status,
            objective=hint.objective,
            bound=best.bound,
            solve_time_s=best.solve_time_s,
        )
    plan = build_plan(instance, best, baseline, found)
    plan.summary["solver"] = solver_standard(options or SolverOptions())
    return PlanResult(plan, instance, best, baseline, network, found)


__all__ = ["Kpis", "PlanResult", "plan_scenario"]
