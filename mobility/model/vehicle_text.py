"""The vehicle catalogue as a text table and as JSON records (what ``mobility vehicles`` prints)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from mobility.model.vehicle import VehicleCatalogue, VehicleType

__all__ = ["catalogue_records", "catalogue_table"]

#: Column headings of :func:`catalogue_table`, aligned as its rows.
HEADER = (
    f"{'id':<22} {'name':<34} {'gear':<7} {'t':>6} {'MLC':>4} {'h m':>5} {'w m':>5} "
    f"{'l m':>6} {'axle t':>6} {'km/h':>5} {'HET':<4} hazmat"
)


def catalogue_records(catalogue: VehicleCatalogue) -> list[dict[str, Any]]:
    """Return every vehicle type as a plain dict (all fields), in catalogue order."""
    return [asdict(vehicle) for vehicle in catalogue]


def catalogue_table(catalogue: VehicleCatalogue) -> list[str]:
    """Return the heading line and one line per vehicle type (no trailing spaces)."""
    return [HEADER, *(vehicle_row(vehicle) for vehicle in catalogue)]


def vehicle_row(vehicle: VehicleType) -> str:
    """Return one vehicle type's line of :func:`catalogue_table`."""
    v = vehicle
    axle = "-" if v.max_axle_load_t is None else f"{v.max_axle_load_t:g}"
    line = (
        f"{v.id:<22} {v.name:<34} {v.running_gear:<7} {v.weight_t:>6g} {v.mlc:>4} "
        f"{v.height_m:>5g} {v.width_m:>5g} {v.length_m:>6g} {axle:>6} "
        f"{v.max_speed_kph:>5g} {'yes' if v.het_required else '':<4} "
        f"{v.hazmat.describe() if v.hazmat else ''}"
    )
    return line.rstrip()
