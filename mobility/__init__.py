"""mobility: host-nation-support military mobility planner for the Netherlands.

The main job in a few lines (what ``mobility plan`` does)::

    import mobility

    result = mobility.plan_scenario()  # the embedded brigade on the embedded atlas
    print(result)  # KPIs of the plan and of the greedy baseline
    folder = mobility.write_plan(result, "out/plans/brigade")  # with map.html and charts
    assert mobility.validate_plan(folder) == []
"""

from __future__ import annotations

from importlib import import_module

from mobility.errors import (
    DataError,
    FetchError,
    InfeasibleError,
    MobilityError,
    OutputError,
    ScenarioError,
)

# typing.TYPE_CHECKING without importing typing: until mobility.__main__ runs,
# a Ctrl-C would print a traceback (see there), so the import stays minimal.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from mobility._version import __version__
    from mobility.maps import read_plan_view, render_network_map, render_plan_map, save_map
    from mobility.model.column import Column, ColumnRules, build_column
    from mobility.model.corridor import Corridor, CorridorSet, Place, load_corridors
    from mobility.model.scenario import Closure, Request, Scenario, load_scenario
    from mobility.model.vehicle import VehicleCatalogue, VehicleType, load_vehicles
    from mobility.network.build import BuildOptions
    from mobility.network.load import Network, load_network
    from mobility.network.report import LoadReport
    from mobility.planning import write_plan
    from mobility.routing.router import NoRouteError, Route, RoutePlan, Router
    from mobility.schedule.options import SolverOptions
    from mobility.schedule.planner import plan_scenario
    from mobility.schedule.result import Kpis, PlanResult
    from mobility.stress import (
        Perturbation,
        StressContext,
        StressResult,
        load_perturbation,
        load_perturbations,
        monte_carlo,
        resilience_curve,
        stress_report,
        stress_test,
        write_report,
    )
    from mobility.stress.critical import criticality
    from mobility.validation import Violation, validate_plan

# Everything but the errors is imported on first use: `import mobility` takes
# milliseconds (numpy, networkx, shapely, scipy, OR-Tools, folium and
# matplotlib come later), so the command's entry point (mobility.__main__) can
# catch Ctrl-C before any of them loads, and the network commands stay fast.
_LAZY = {
    "__version__": "mobility._version",
    **dict.fromkeys(("Column", "ColumnRules", "build_column"), "mobility.model.column"),
    **dict.fromkeys(
        ("Corridor", "CorridorSet", "Place", "load_corridors"), "mobility.model.corridor"
    ),
    **dict.fromkeys(("Closure", "Request", "Scenario", "load_scenario"), "mobility.model.scenario"),
    **dict.fromkeys(("VehicleCatalogue", "VehicleType", "load_vehicles"), "mobility.model.vehicle"),
    "BuildOptions": "mobility.network.build",
    **dict.fromkeys(("Network", "load_network"), "mobility.network.load"),
    "LoadReport": "mobility.network.report",
    "SolverOptions": "mobility.schedule.options",
    **dict.fromkeys(("NoRouteError", "Route", "RoutePlan", "Router"), "mobility.routing.router"),
    "plan_scenario": "mobility.schedule.planner",
    "Kpis": "mobility.schedule.result",
    "PlanResult": "mobility.schedule.result",
    "write_plan": "mobility.planning",
    "validate_plan": "mobility.validation",
    "Violation": "mobility.validation",
    **dict.fromkeys(
        ("read_plan_view", "render_network_map", "render_plan_map", "save_map"), "mobility.maps"
    ),
    **dict.fromkeys(
        (
            "Perturbation",
            "StressContext",
            "StressResult",
            "criticality",
            "load_perturbation",
            "load_perturbations",
            "monte_carlo",
            "resilience_curve",
            "stress_report",
            "stress_test",
            "write_report",
        ),
        "mobility.stress",
    ),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mobility' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "BuildOptions",
    "Closure",
    "Column",
    "ColumnRules",
    "Corridor",
    "CorridorSet",
    "DataError",
    "FetchError",
    "InfeasibleError",
    "Kpis",
    "LoadReport",
    "MobilityError",
    "Network",
    "NoRouteError",
    "OutputError",
    "Perturbation",
    "Place",
    "PlanResult",
    "Request",
    "Route",
    "RoutePlan",
    "Router",
    "Scenario",
    "ScenarioError",
    "SolverOptions",
    "StressContext",
    "StressResult",
    "VehicleCatalogue",
    "VehicleType",
    "Violation",
    "__version__",
    "build_column",
    "criticality",
    "load_corridors",
    "load_network",
    "load_perturbation",
    "load_perturbations",
    "load_scenario",
    "load_vehicles",
    "monte_carlo",
    "plan_scenario",
    "read_plan_view",
    "render_network_map",
    "render_plan_map",
    "resilience_curve",
    "save_map",
    "stress_report",
    "stress_test",
    "validate_plan",
    "write_plan",
    "write_report",
]
