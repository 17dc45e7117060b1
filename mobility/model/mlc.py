"""Military Load Classification (STANAG 2021): classes and weights.

A bridge's class limits the vehicles that may cross it: a vehicle of class
*n* crosses a bridge of class *m* when ``n <= m``, reading the bridge's
tracked class for tracked vehicles and its wheeled class for wheeled ones.
Where a structure only carries a legal weight limit (``maxweight``), the limit
is compared with the vehicle's weight instead.

The hypothetical-vehicle weights per class (STANAG 2021 / FM 3-34.343 Table
B-1, as quoted in the design notes) give the conversion between a weight and
its class: tracked class is the weight in short tons; the wheeled column is
interpolated between the quoted classes.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

RunningGear = Literal["tracked", "wheeled"]

#: Metric tonnes per US short ton.
TONNES_PER_SHORT_TON = 0.90718474

#: Quoted hypothetical-vehicle weights (t) per class: (class, tracked, wheeled).
_CLASS_WEIGHTS_T = np.array(
    [
        (0.0, 0.0, 0.0),
        (40.0, 36.3, 42.6),
        (50.0, 45.4, 52.6),
        (80.0, 72.6, 83.5),
        (100.0, 90.7, 104.3),
        (120.0, 108.9, 125.2),
    ]
)


def weight_t_of_class(mlc: float, running_gear: RunningGear) -> float:
    """Weight in tonnes of a hypothetical vehicle of class ``mlc``.

    Linear between the quoted classes and beyond the last one.
    """
    column = 1 if running_gear == "tracked" else 2
    classes, weights = _CLASS_WEIGHTS_T[:, 0], _CLASS_WEIGHTS_T[:, column]
    if mlc > classes[-1]:
        return float(weights[-1] / classes[-1] * mlc)
    return float(np.interp(mlc, classes, weights))


def class_of_weight(weight_t: float, running_gear: RunningGear) -> int:
    """Smallest whole class whose hypothetical vehicle weighs at least ``weight_t``.

    This is an estimate for vehicles without a published class (axle layout
    and spacing matter for the real classification).
    """
    if weight_t <= 0:
        return 0
    column = 1 if running_gear == "tracked" else 2
    classes, weights = _CLASS_WEIGHTS_T[:, 0], _CLASS_WEIGHTS_T[:, column]
    if weight_t > weights[-1]:
        estimate = float(classes[-1] * weight_t / weights[-1])
    else:
        estimate = float(np.interp(weight_t, weights, classes))
    return math.ceil(round(estimate, 6))
