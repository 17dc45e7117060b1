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
from numpy.typing import NDArray

from mobility.model.mlc import RunningGear, class_of_weight, weight_t_of_class
from mobility.routing.edges import EdgeTable
from mobility.routing.requirements import Requirements

LANE_WIDTH_EXPRESSWAY_M = 3.5
LANE_WIDTH_OTHER_M = 3.0
MIN_CLEARANCE_M = 4.3
#: Least carriageway width (m) by running gear and one-way flow (True) or two-way.
MIN_WIDTH_M = {
    ("wheeled", True): 3.5,
    ("wheeled", False): 7.3,
    ("tracked", True): 4.0,
    ("tracked", False): 8.0,
}


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


def _structure_classes(
    table: EdgeTable, edges: NDArray[np.int64], gear: RunningGear
) -> NDArray[np.float64]:
    """Class of every edge for ``gear``: tagged, else from the weight limit, else inf."""
    limits = table.limits
    tagged = limits[f"mlc_{gear}"][edges]
    weights = limits["maxweight_t"][edges]
    classes = np.where(np.isnan(tagged), np.inf, tagged)
    for i in np.flatnonzero(np.isnan(tagged) & ~np.isnan(weights)).tolist():
        # The highest class whose hypothetical vehicle stays within the weight limit.
        estimate = class_of_weight(float(weights[i]), gear)
        if weight_t_of_class(estimate, gear) > weights[i]:
            estimate -= 1
        classes[i] = estimate
    return classes


def classify(table: EdgeTable, edges: Sequence[int], need: Requirements) -> Classification:
    """Classify the route made of ``edges`` for the vehicle group ``need``."""
    gear: RunningGear = "tracked" if need.mlc_tracked else "wheeled"
    index = np.asarray(edges, dtype=np.int64)
    one_way = table.oneway[index] | table.expressway[index]
    lane_m = np.where(table.expressway[index], LANE_WIDTH_EXPRESSWAY_M, LANE_WIDTH_OTHER_M)
    lanes = np.nan_to_num(table.lanes[index], nan=1.0)
    width = lanes * lane_m * np.where(one_way, 1, 2)
    width = np.fmin(width, table.limits["maxwidth_m"][index])
    minimum = np.where(one_way, MIN_WIDTH_M[(gear, True)], MIN_WIDTH_M[(gear, False)])
    classes = _structure_classes(table, index, gear)
    heights = table.limits["maxheight_m"][index]
    obstructions: list[str] = []
    with np.errstate(invalid="ignore"):
        low = heights < MIN_CLEARANCE_M
    for i in np.flatnonzero((width < minimum) | low).tolist():
        label = table.label(int(index[i]))
        if width[i] < minimum[i]:
            obstructions.append(
                f"{label}: {width[i]:g} m {'one' if one_way[i] else 'two'}-way (< {minimum[i]:g} m)"
            )
        if low[i]:
            obstructions.append(f"{label}: clearance {heights[i]:g} m (< {MIN_CLEARANCE_M:g} m)")
    narrowest = int(np.argmin(width))
    lowest_class = int(np.argmin(classes))
    has_height = ~np.isnan(heights)
    lowest = (
        int(np.flatnonzero(has_height)[np.argmin(heights[has_height])]) if has_height.any() else -1
    )
    return Classification(
        width_m=round(float(width[narrowest]), 1),
        width_element=table.label(int(index[narrowest])),
        route_type="X",
        mlc=None if np.isinf(classes[lowest_class]) else int(classes[lowest_class]),
        mlc_element=""
        if np.isinf(classes[lowest_class])
        else table.label(int(index[lowest_class])),
        clearance_m=float(heights[lowest]) if lowest >= 0 else math.inf,
        clearance_element=table.label(int(index[lowest])) if lowest >= 0 else "",
        obstructions=tuple(dict.fromkeys(obstructions)),
    )
