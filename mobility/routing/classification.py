"""Route classification in STANAG 2174 notation: ``width / type / MLC / clearance (OB)``.

- Width: narrowest traveled way. OSM rarely tags road width, so it is
  estimated from lanes (3.5 m per lane on expressways, 3.0 m elsewhere; a
  two-way road counts both directions); a tagged ``maxwidth`` limits it.
- Type: ``X`` (all-weather). Every road class the network keeps (motorway
  to tertiary) is paved in the Netherlands; ``Y``/``Z`` would need surface data.
- MLC: lowest bridge class for the vehicle's running gear; a structure with
  only a weight limit counts with the class of a vehicle of that weight.
- Clearance: lowest ``maxheight`` (``∞`` where nothing limits it).
- ``(OB)``: obstructions: clearance under 4.3 m, or a traveled way narrower
  than 3.5 m one-way / 7.3 m two-way (4.0 / 8.0 m for tracked vehicles).
  Gradients and curve radii are not in the data and are not checked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mobility.model.mlc import RunningGear, class_of_weight, weight_t_of_class
from mobility.routing.edges import EdgeTable
from mobility.routing.requirements import Requirements

LANE_WIDTH_EXPRESSWAY_M = 3.5
LANE_WIDTH_OTHER_M = 3.0
MIN_CLEARANCE_M = 4.3
MIN_WIDTH_M = {("wheeled", True): 3.5, ("wheeled", False): 7.3,
               ("tracked", True): 4.0, ("tracked", False): 8.0}  # fmt: skip


@dataclass(frozen=True)
class Classification:
    """STANAG 2174 route classification with the limiting element of each field.

    Attributes
    ----------
    width_m, width_element
        Narrowest traveled way (estimated) and where it is.
    route_type
        ``X``, ``Y`` or ``Z``.
    mlc, mlc_element
        Lowest class on the route (``None``: no classified structure).
    clearance_m, clearance_element
        Lowest overhead clearance (``inf``: none tagged).
    obstructions
        Texts of the obstructions found.
    """

    width_m: float
    width_element: str
    route_type: str
    mlc: int | None
    mlc_element: str
    clearance_m: float
    clearance_element: str
    obstructions: tuple[str, ...]

    @property
    def notation(self) -> str:
        """E.g. ``7/X/60/4.5 (OB)``."""
        mlc = "∞" if self.mlc is None else str(self.mlc)
        clearance = "∞" if math.isinf(self.clearance_m) else f"{self.clearance_m:g}"
        text = f"{self.width_m:g}/{self.route_type}/{mlc}/{clearance}"
        return text + (" (OB)" if self.obstructions else "")


def _structure_class(table: EdgeTable, edge: int, running_gear: RunningGear) -> float:
    limits = table.limits
    tagged = limits[f"mlc_{running_gear}"][edge]
    if not np.isnan(tagged):
        return float(tagged)
    weight = limits["maxweight_t"][edge]
    if np.isnan(weight):
        return math.inf
    # The highest class whose hypothetical vehicle stays within the weight limit.
    estimate = class_of_weight(float(weight), running_gear)
    return float(estimate if weight_t_of_class(estimate, running_gear) <= weight else estimate - 1)


def classify(table: EdgeTable, edges: Sequence[int], need: Requirements) -> Classification:
    """Classify the route made of ``edges`` for the vehicle group ``need``."""
    running_gear: RunningGear = "tracked" if need.mlc_tracked else "wheeled"
    width_m, width_element = math.inf, ""
    mlc, mlc_element = math.inf, ""
    clearance_m, clearance_element = math.inf, ""
    obstructions: list[str] = []
    for edge in edges:
        label = table.label(edge)
        one_way = bool(table.oneway[edge] or table.expressway[edge])
        lane_m = LANE_WIDTH_EXPRESSWAY_M if table.expressway[edge] else LANE_WIDTH_OTHER_M
        lanes = table.lanes[edge]
        lanes = 1.0 if np.isnan(lanes) else float(lanes)
        width = lanes * lane_m * (1 if one_way else 2)
        maxwidth = table.limits["maxwidth_m"][edge]
        if not np.isnan(maxwidth):
            width = min(width, float(maxwidth))
        if width < width_m:
            width_m, width_element = width, label
        minimum = MIN_WIDTH_M[(running_gear, one_way)]
        if width < minimum:
            text = f"{label}: {width:g} m {'one' if one_way else 'two'}-way (< {minimum:g} m)"
            obstructions.append(text)
        structure = _structure_class(table, edge, running_gear)
        if structure < mlc:
            mlc, mlc_element = structure, label
        height = table.limits["maxheight_m"][edge]
        if not np.isnan(height):
            if height < clearance_m:
                clearance_m, clearance_element = float(height), label
            if height < MIN_CLEARANCE_M:
                obstructions.append(f"{label}: clearance {height:g} m (< {MIN_CLEARANCE_M:g} m)")
    return Classification(
        width_m=round(width_m, 1) if not math.isinf(width_m) else 0.0,
        width_element=width_element,
        route_type="X",
        mlc=None if math.isinf(mlc) else int(mlc),
        mlc_element=mlc_element,
        clearance_m=clearance_m,
        clearance_element=clearance_element,
        obstructions=tuple(dict.fromkeys(obstructions)),
    )
