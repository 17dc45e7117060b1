"""The size of a scenario's scheduling model, estimated before anything is built.

The time-indexed model (:mod:`mobility.schedule.time_indexed`) has a column
per march unit, route option and start slot; its memory and solve time grow
with that count. :func:`estimate_model_size` counts it from the scenario
alone (no network, no routing): per request, the fewest march units its
vehicles make (``ceil(vehicles / march_unit_max)``), times the start slots
from its release to the end of the horizon, times ``k_routes`` route options.
It is an estimate: vehicles that cannot share a march unit make more march
units, closures and border windows remove slots, and a request with fewer
routes than ``k_routes`` has fewer options. :func:`check_model_size` refuses
a scenario whose estimate exceeds :data:`mobility.settings.max_model_columns`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mobility import settings
from mobility.errors import ScenarioError
from mobility.model.scenario import Scenario


@dataclass(frozen=True)
class ModelSize:
    """Estimated size of a scenario's scheduling model.

    Attributes
    ----------
    march_units
        The fewest march units the requests' vehicles make.
    slots
        Start slots of the horizon.
    route_options
        Route options per march unit (``k_routes``).
    columns
        Sum over requests of march units x start slots from the release to
        the horizon's end x route options.
    """

    march_units: int
    slots: int
    route_options: int
    columns: int

    def __str__(self) -> str:
        return (
            f"{self.march_units:,} march units x up to {self.slots:,} start slots x "
            f"{self.route_options} route options = about {self.columns:,} model columns"
        )


def estimate_model_size(scenario: Scenario) -> ModelSize:
    """Estimate the scheduling model's size from the scenario alone."""
    per_unit = max(scenario.march_unit_max, scenario.march_unit_min)
    horizon_min = round(scenario.horizon_h * 60)
    slots = horizon_min // scenario.slot_min + 1
    march_units = columns = 0
    for request in scenario.requests:
        units = math.ceil(request.vehicle_count / per_unit)
        release = max(0, scenario.minutes(request.available_from))
        usable = max(0, horizon_min - release) // scenario.slot_min + 1
        march_units += units
        columns += units * usable * scenario.k_routes
    return ModelSize(march_units, slots, scenario.k_routes, columns)


def check_model_size(scenario: Scenario, limit: int | None = None) -> ModelSize:
    """Return the scenario's estimated model size, or refuse it when over the limit.

    Parameters
    ----------
    scenario
        The scenario to plan.
    limit
        Most model columns (default :data:`mobility.settings.max_model_columns`,
        environment ``MOBILITY_MAX_MODEL_COLUMNS``).

    Raises
    ------
    ScenarioError
        Naming the scenario, its estimated size and the limit.
    """
    top = settings.max_model_columns if limit is None else limit
    size = estimate_model_size(scenario)
    if size.columns > top:
        raise ScenarioError(
            f"{scenario.source}: scenario {scenario.name!r} is too large to plan on this "
            f"machine: {size}; at most {top:,} (MOBILITY_MAX_MODEL_COLUMNS). Split it into "
            "shorter horizons or fewer requests, or use larger slots (slot_min) or fewer "
            "routes (k_routes)"
        )
    return size


__all__ = ["ModelSize", "check_model_size", "estimate_model_size"]
