"""mobility: host-nation-support military mobility planner for the Netherlands."""

from __future__ import annotations

__version__ = "0.1.0"

from mobility.errors import DataError, FetchError, InfeasibleError, MobilityError, ScenarioError
from mobility.model.corridor import Corridor, CorridorSet, Place, load_corridors
from mobility.network.build import BuildOptions
from mobility.network.load import Network, load_network
from mobility.network.report import LoadReport

__all__ = [
    "BuildOptions",
    "Corridor",
    "CorridorSet",
    "DataError",
    "FetchError",
    "InfeasibleError",
    "LoadReport",
    "MobilityError",
    "Network",
    "Place",
    "ScenarioError",
    "__version__",
    "load_corridors",
    "load_network",
]
