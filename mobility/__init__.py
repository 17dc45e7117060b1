"""mobility: host-nation-support military mobility planner for the Netherlands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from mobility.errors import (
    DataError,
    FetchError,
    InfeasibleError,
    MobilityError,
    OutputError,
    ScenarioError,
)
from mobility.model.column import Column, ColumnRules, build_column
from mobility.model.corridor import Corridor, CorridorSet, Place, load_corridors
from mobility.model.vehicle import VehicleCatalogue, VehicleType, load_vehicles
from mobility.network.build import BuildOptions
from mobility.network.load import Network, load_network
from mobility.network.report import LoadReport

if TYPE_CHECKING:
    from mobility.routing.router import NoRouteError, Route, RoutePlan, Router

# Routing pulls in scipy; it is imported on first use so that `import mobility`
# and the network commands stay fast.
_LAZY = {"NoRouteError", "Route", "RoutePlan", "Router"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from mobility.routing import router

        return getattr(router, name)
    raise AttributeError(f"module 'mobility' has no attribute {name!r}")


__all__ = [
    "BuildOptions",
    "Column",
    "ColumnRules",
    "Corridor",
    "CorridorSet",
    "DataError",
    "FetchError",
    "InfeasibleError",
    "LoadReport",
    "MobilityError",
    "Network",
    "NoRouteError",
    "OutputError",
    "Place",
    "Route",
    "RoutePlan",
    "Router",
    "ScenarioError",
    "VehicleCatalogue",
    "VehicleType",
    "__version__",
    "build_column",
    "load_corridors",
    "load_network",
    "load_vehicles",
]
