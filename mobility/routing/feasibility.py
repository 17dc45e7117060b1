"""Which edges a vehicle group may use, and why not where it may not.

Rules (see the design notes for sources):

- Bridge class (STANAG 2021): the group's tracked class against the edge's
  tracked class, its wheeled class against the wheeled class. Where a
  structure has no class but a legal weight limit (``maxweight``), the
  heaviest vehicle's weight is compared with it.
- Axle load, height (``maxheight``, tunnels included), width: the largest
  value of the group against the tagged limit, plus a clearance margin.
- Dangerous goods (ADR 1.9.5): tunnels of a barred category, and roads
  tagged ``hazmat=no``, are closed to a group carrying them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mobility.routing.edges import TUNNEL_CATEGORY_CODE, EdgeTable
from mobility.routing.requirements import Requirements

_CATEGORY_OF_CODE = {code: letter for letter, code in TUNNEL_CATEGORY_CODE.items()}


@dataclass(frozen=True)
class LimitBreach:
    """One limit of one element that a vehicle group exceeds.

    Attributes
    ----------
    rule
        ``mlc_tracked``, ``mlc_wheeled``, ``weight``, ``axle_load``, ``height``,
        ``width``, ``tunnel_category`` or ``hazmat``.
    limit
        The element's limit as text, e.g. ``MLC 60``.
    vehicle
        The group's value as text, e.g. ``MLC 80 tracked``.
    """

    rule: str
    limit: str
    vehicle: str


def _exceeds(value: float, limit: NDArray[np.float64], margin: float = 0.0) -> NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):
        return np.asarray(value + margin > limit) & ~np.isnan(limit)


def blocked_by_rule(
    table: EdgeTable, need: Requirements, clearance_margin_m: float = 0.0
) -> dict[str, NDArray[np.bool_]]:
    """Per rule, the edges whose limit the group exceeds."""
    limits = table.limits
    has_class = ~np.isnan(limits["mlc_wheeled"]) | ~np.isnan(limits["mlc_tracked"])
    rules = {
        "mlc_tracked": _exceeds(need.mlc_tracked, limits["mlc_tracked"])
        if need.mlc_tracked
        else np.zeros(table.n_edges, dtype=bool),
        "mlc_wheeled": _exceeds(need.mlc_wheeled, limits["mlc_wheeled"])
        if need.mlc_wheeled
        else np.zeros(table.n_edges, dtype=bool),
        "weight": _exceeds(need.weight_t, limits["maxweight_t"]) & ~has_class,
        "axle_load": _exceeds(need.max_axle_load_t, limits["maxaxleload_t"])
        if need.max_axle_load_t
        else np.zeros(table.n_edges, dtype=bool),
        "height": _exceeds(need.height_m, limits["maxheight_m"], clearance_margin_m),
        "width": _exceeds(need.width_m, limits["maxwidth_m"]),
    }
    barred = [TUNNEL_CATEGORY_CODE[c] for c in need.barred_tunnel_categories]
    rules["tunnel_category"] = np.isin(table.tunnel_category, barred)
    rules["hazmat"] = table.hazmat_no & bool(need.hazmat)
    return rules


def feasible_edges(
    table: EdgeTable, need: Requirements, clearance_margin_m: float = 0.0
) -> NDArray[np.bool_]:
    """Boolean mask of the edges the group may use."""
    blocked = np.zeros(table.n_edges, dtype=bool)
    for mask in blocked_by_rule(table, need, clearance_margin_m).values():
        blocked |= mask
    return ~blocked


def violations(
    table: EdgeTable,
    edge: int,
    need: Requirements,
    clearance_margin_m: float = 0.0,
    rules: dict[str, NDArray[np.bool_]] | None = None,
) -> list[LimitBreach]:
    """Return the limits of edge ``edge`` that the group exceeds, as text.

    ``rules`` is :func:`blocked_by_rule`'s result, when already computed.
    """
    found: list[LimitBreach] = []
    limits = {name: float(values[edge]) for name, values in table.limits.items()}
    rules = rules if rules is not None else blocked_by_rule(table, need, clearance_margin_m)
    blocked = {rule: bool(mask[edge]) for rule, mask in rules.items()}
    if blocked["mlc_tracked"]:
        found.append(
            LimitBreach(
                "mlc_tracked", f"MLC {limits['mlc_tracked']:g}", f"MLC {need.mlc_tracked} tracked"
            )
        )
    if blocked["mlc_wheeled"]:
        found.append(
            LimitBreach(
                "mlc_wheeled", f"MLC {limits['mlc_wheeled']:g}", f"MLC {need.mlc_wheeled} wheeled"
            )
        )
    if blocked["weight"]:
        found.append(
            LimitBreach("weight", f"max {limits['maxweight_t']:g} t", f"{need.weight_t:g} t")
        )
    if blocked["axle_load"]:
        found.append(
            LimitBreach(
                "axle_load",
                f"max axle {limits['maxaxleload_t']:g} t",
                f"axle {need.max_axle_load_t:g} t",
            )
        )
    if blocked["height"]:
        found.append(
            LimitBreach(
                "height", f"clearance {limits['maxheight_m']:g} m", f"{need.height_m:g} m high"
            )
        )
    if blocked["width"]:
        found.append(
            LimitBreach(
                "width", f"max width {limits['maxwidth_m']:g} m", f"{need.width_m:g} m wide"
            )
        )
    if blocked["tunnel_category"]:
        letter = _CATEGORY_OF_CODE[int(table.tunnel_category[edge])]
        found.append(LimitBreach("tunnel_category", f"ADR tunnel category {letter}", need.hazmat))
    if blocked["hazmat"]:
        found.append(LimitBreach("hazmat", "no dangerous goods", need.hazmat))
    return found
