"""What a road must bear and clear for a vehicle, a march unit or a train load."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mobility.errors import DataError
from mobility.model.adr import barred_categories
from mobility.model.vehicle import VehicleType


@dataclass(frozen=True)
class Requirements:
    """The envelope of a group of vehicles that move on the same roads.

    Attributes
    ----------
    label
        How the group is named in messages, e.g. ``'Leopard 2A7' (MLC 70 tracked)``.
    mlc_wheeled, mlc_tracked
        Highest class among the wheeled and among the tracked vehicles
        (0 when there is none of that running gear).
    weight_t, max_axle_load_t
        Heaviest vehicle and heaviest axle (axle 0 when unknown or tracked).
    height_m, width_m, length_m
        Largest dimensions.
    max_speed_kph
        Speed of the slowest vehicle.
    barred_tunnel_categories
        ADR tunnel categories the dangerous goods carried may not enter.
    hazmat
        Text of the dangerous goods carried (empty when none).
    """

    label: str
    mlc_wheeled: int = 0
    mlc_tracked: int = 0
    weight_t: float = 0.0
    max_axle_load_t: float = 0.0
    height_m: float = 0.0
    width_m: float = 0.0
    length_m: float = 0.0
    max_speed_kph: float = 60.0
    barred_tunnel_categories: frozenset[str] = frozenset()
    hazmat: str = ""

    def __post_init__(self) -> None:
        if not self.max_speed_kph > 0:
            raise DataError(f"{self.label}: max_speed_kph must be > 0")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the envelope."""
        return {
            "label": self.label,
            "mlc_wheeled": self.mlc_wheeled,
            "mlc_tracked": self.mlc_tracked,
            "weight_t": self.weight_t,
            "max_axle_load_t": self.max_axle_load_t,
            "height_m": self.height_m,
            "width_m": self.width_m,
            "barred_tunnel_categories": sorted(self.barred_tunnel_categories),
            "hazmat": self.hazmat,
        }

    def mlc_text(self) -> str:
        """``MLC 70 tracked``, ``MLC 40 wheeled`` or both."""
        parts = []
        if self.mlc_tracked:
            parts.append(f"MLC {self.mlc_tracked} tracked")
        if self.mlc_wheeled:
            parts.append(f"MLC {self.mlc_wheeled} wheeled")
        return ", ".join(parts) or "MLC 0"

    @classmethod
    def of(
        cls, vehicles: Iterable[VehicleType], label: str = "", hazmat_code: str = ""
    ) -> Requirements:
        """Envelope of ``vehicles`` as they drive (no transporter applied).

        Parameters
        ----------
        vehicles
            The vehicles of the group.
        label
            Name used in messages; by default the vehicle's description.
        hazmat_code
            An extra ADR tunnel restriction code for the whole group (a load
            declared on the command line), on top of the vehicles' own.

        Raises
        ------
        DataError
            If ``vehicles`` is empty.
        """
        group = list(vehicles)
        if not group:
            raise DataError("expected at least one vehicle")
        wheeled = [v.mlc for v in group if not v.tracked]
        tracked = [v.mlc for v in group if v.tracked]
        barred: set[str] = set()
        hazmat: list[str] = []
        for vehicle in group:
            if vehicle.hazmat is not None:
                barred |= vehicle.hazmat.barred_tunnel_categories
                hazmat.append(vehicle.hazmat.describe())
        if hazmat_code:
            barred |= barred_categories(hazmat_code)
            hazmat.append(f"tunnel code {hazmat_code}")
        if not label:
            label = group[0].describe() if len({v.id for v in group}) == 1 else "march unit"
            if hazmat:
                label += f" carrying {', '.join(dict.fromkeys(hazmat))}"
        return cls(
            label=label,
            mlc_wheeled=max(wheeled, default=0),
            mlc_tracked=max(tracked, default=0),
            weight_t=max(v.weight_t for v in group),
            max_axle_load_t=max((v.max_axle_load_t or 0.0) for v in group),
            height_m=max(v.height_m for v in group),
            width_m=max(v.width_m for v in group),
            length_m=max(v.length_m for v in group),
            max_speed_kph=min(v.max_speed_kph for v in group),
            barred_tunnel_categories=frozenset(barred),
            hazmat=", ".join(dict.fromkeys(hazmat)),
        )
