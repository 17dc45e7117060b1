"""March units, serials and columns; road space and pass time.

Doctrine (NATO AMovP-1 / STANAG 2454, US FM 55-30 and FM 11-43, Dutch
*Handleiding wegverkeer*): a march unit is 10-25 vehicles under one leader, a
serial several march units, a column several serials. A column occupies road
space (vehicles times the vehicle interval, plus the gaps between march units
and serials) and takes pass time to go by a point (road space over speed).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from mobility.errors import DataError
from mobility.model.vehicle import VehicleCatalogue, VehicleType

RoadType = Literal["built_up", "rural", "expressway"]
ROAD_TYPES: tuple[RoadType, ...] = ("built_up", "rural", "expressway")


@dataclass(frozen=True)
class Formation:
    """Vehicle interval (front to front) per road type.

    Attributes
    ----------
    name
        ``close``, ``open`` or ``extended``.
    interval_m
        Distance per vehicle in metres on each road type.
    """

    name: str
    interval_m: Mapping[RoadType, float]

    def __post_init__(self) -> None:
        for road_type in ROAD_TYPES:
            value = self.interval_m.get(road_type)
            if value is None or not value > 0:
                raise DataError(
                    f"formation {self.name!r}: interval_m[{road_type!r}] must be > 0, got {value!r}"
                )

    def density_veh_per_km(self, road_type: RoadType) -> float:
        """Vehicles per kilometre of road."""
        return 1000.0 / self.interval_m[road_type]


#: Close column: 20-25 m between vehicles (40-50 vehicles/km).
CLOSE = Formation("close", {"built_up": 25.0, "rural": 25.0, "expressway": 25.0})
#: Open column: 50-100 m between vehicles; 50 m in built-up areas.
OPEN = Formation("open", {"built_up": 50.0, "rural": 100.0, "expressway": 100.0})
#: FM 11-43 intervals: urban 50 m, rural 150 m, expressway 200 m.
EXTENDED = Formation("extended", {"built_up": 50.0, "rural": 150.0, "expressway": 200.0})
FORMATIONS = {f.name: f for f in (CLOSE, OPEN, EXTENDED)}


def road_space_m(vehicles: int, interval_m: float, gaps_m: float = 0.0) -> float:
    """Length of road a column occupies: vehicles times interval plus gaps.

    25,000 vehicles at 100 m intervals occupy 2,500 km of road.

    Raises
    ------
    DataError
        If a count or distance is negative or the interval is not positive.
    """
    if vehicles < 0:
        raise DataError(f"vehicle count must be >= 0, got {vehicles}")
    if not interval_m > 0:
        raise DataError(f"vehicle interval must be > 0 m, got {interval_m}")
    if gaps_m < 0:
        raise DataError(f"gaps must be >= 0 m, got {gaps_m}")
    return vehicles * interval_m + gaps_m


def pass_time_s(road_space: float, speed_kph: float, time_gaps_s: float = 0.0) -> float:
    """Time for a column of ``road_space`` metres to pass a point at ``speed_kph``.

    Raises
    ------
    DataError
        If the speed is not positive or a length or gap is negative.
    """
    if not speed_kph > 0:
        raise DataError(f"speed must be > 0 km/h, got {speed_kph}")
    if road_space < 0 or time_gaps_s < 0:
        raise DataError("road space and time gaps must be >= 0")
    return road_space / (speed_kph / 3.6) + time_gaps_s


@dataclass(frozen=True)
class ColumnRules:
    """How a unit's vehicles are organised for a road march.

    Attributes
    ----------
    march_unit_min, march_unit_max
        Vehicles per march unit (doctrine: 10-25).
    march_units_per_serial
        March units grouped in one serial.
    formation
        Vehicle intervals per road type.
    march_unit_gap_s, serial_gap_s
        Time gaps between march units and between serials (assumptions:
        5 and 10 minutes, typical planning values of FM 55-30).
    """

    march_unit_min: int = 10
    march_unit_max: int = 25
    march_units_per_serial: int = 4
    formation: Formation = OPEN
    march_unit_gap_s: float = 300.0
    serial_gap_s: float = 600.0

    def __post_init__(self) -> None:
        if not 1 <= self.march_unit_min <= self.march_unit_max:
            raise DataError(
                f"march unit size must satisfy 1 <= min <= max, got "
                f"{self.march_unit_min}..{self.march_unit_max}"
            )
        if self.march_units_per_serial < 1:
            raise DataError("march_units_per_serial must be >= 1")
        if self.march_unit_gap_s < 0 or self.serial_gap_s < 0:
            raise DataError("gaps between march units and serials must be >= 0 s")


@dataclass(frozen=True)
class MarchUnit:
    """Vehicles moving under one leader.

    Attributes
    ----------
    id
        ``<serial>.<march unit>``, e.g. ``"2.3"``.
    vehicles
        ``(vehicle type, count)`` pairs in march order.
    """

    id: str
    vehicles: tuple[tuple[VehicleType, int], ...]

    @property
    def count(self) -> int:
        """Number of vehicles."""
        return sum(n for _, n in self.vehicles)

    @property
    def types(self) -> tuple[VehicleType, ...]:
        """Vehicle types present."""
        return tuple(v for v, _ in self.vehicles)

    @property
    def max_speed_kph(self) -> float:
        """Speed of the slowest vehicle."""
        return min(v.max_speed_kph for v in self.types)


@dataclass(frozen=True)
class Serial:
    """Several march units under one commander."""

    id: str
    march_units: tuple[MarchUnit, ...]

    @property
    def count(self) -> int:
        """Number of vehicles."""
        return sum(m.count for m in self.march_units)


@dataclass(frozen=True)
class Column:
    """A unit's road movement: serials of march units.

    Attributes
    ----------
    unit
        Name of the moving unit.
    serials
        Serials in march order.
    rules
        The rules the column was built with.
    """

    unit: str
    serials: tuple[Serial, ...]
    rules: ColumnRules = field(default_factory=ColumnRules)

    @property
    def march_units(self) -> tuple[MarchUnit, ...]:
        """All march units in march order."""
        return tuple(m for s in self.serials for m in s.march_units)

    @property
    def count(self) -> int:
        """Number of vehicles."""
        return sum(s.count for s in self.serials)

    @property
    def max_speed_kph(self) -> float:
        """Speed of the slowest vehicle."""
        return min(m.max_speed_kph for m in self.march_units)

    @property
    def time_gaps_s(self) -> float:
        """Sum of the time gaps between march units and between serials."""
        units = len(self.march_units)
        serials = len(self.serials)
        return (units - serials) * self.rules.march_unit_gap_s + max(
            0, serials - 1
        ) * self.rules.serial_gap_s

    def road_space_m(self, road_type: RoadType, speed_kph: float) -> float:
        """Road space on ``road_type`` at ``speed_kph`` (time gaps as distance)."""
        gaps_m = self.time_gaps_s * speed_kph / 3.6
        return road_space_m(self.count, self.rules.formation.interval_m[road_type], gaps_m)

    def pass_time_s(self, road_type: RoadType, speed_kph: float) -> float:
        """Time for the whole column to pass a point of ``road_type`` at ``speed_kph``."""
        vehicles_m = road_space_m(self.count, self.rules.formation.interval_m[road_type])
        return pass_time_s(vehicles_m, speed_kph, self.time_gaps_s)


#: Width of a parking bay for one military vehicle, metres (truck-park design practice:
#: 3.5-4 m bays; an assumption, like the two below).
PARKING_BAY_WIDTH_M = 3.5
#: Clearance added to a vehicle's length in its bay, metres.
PARKING_LENGTH_MARGIN_M = 2.0
#: Factor for aisles and the way in and out (a truck park needs about twice its bays' area).
PARKING_CIRCULATION = 2.0


def parking_area_m2(vehicles: Iterable[tuple[VehicleType, int]]) -> float:
    """Ground a halted group of ``(type, count)`` vehicles needs off the road (m2).

    Each vehicle takes a bay of its length plus :data:`PARKING_LENGTH_MARGIN_M`
    by :data:`PARKING_BAY_WIDTH_M` (or its own width if wider), times
    :data:`PARKING_CIRCULATION` for aisles: about 130 m2 for a 16.5 m truck,
    the usual design figure of a truck parking space.
    """
    bays = sum(
        count
        * (vehicle.length_m + PARKING_LENGTH_MARGIN_M)
        * max(PARKING_BAY_WIDTH_M, vehicle.width_m)
        for vehicle, count in vehicles
    )
    return bays * PARKING_CIRCULATION


def _restriction_group(vehicle: VehicleType) -> tuple[str, bool]:
    # Dangerous goods and heavy transports limit a route in different ways
    # (tunnels, bridges); kept in separate march units, neither is held to
    # both limits.
    tunnel_code = vehicle.hazmat.tunnel_code if vehicle.hazmat is not None else ""
    heavy = vehicle.het_required or vehicle.category == "heavy_equipment_transporter"
    return (tunnel_code, heavy)


def _march_order(vehicle: VehicleType) -> tuple[bool, int, float, str]:
    restricted = vehicle.hazmat is not None or vehicle.het_required
    return (not restricted, -vehicle.mlc, vehicle.max_speed_kph, vehicle.id)


def build_column(
    unit: str,
    vehicles: Mapping[str, int],
    catalogue: VehicleCatalogue,
    rules: ColumnRules | None = None,
) -> Column:
    """Organise a unit's vehicle list into march units and serials.

    Vehicles carrying dangerous goods, heavy transports and the others form
    separate groups (so that no march unit is held to both tunnel and bridge
    limits); each group is cut into the fewest march units of at most
    ``march_unit_max`` vehicles, of sizes that differ by at most one.

    Parameters
    ----------
    unit
        Name of the unit.
    vehicles
        Vehicle type (id or name) to count.
    catalogue
        Where the types are looked up.
    rules
        Sizes, formation and gaps; defaults to :class:`ColumnRules`.

    Raises
    ------
    DataError
        On an unknown type, a negative or non-integer count, or no vehicles.
    """
    rules = rules or ColumnRules()
    ordered: list[VehicleType] = []
    for key, count in vehicles.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise DataError(
                f"unit {unit!r}: count of {key!r} must be a whole number >= 0, got {count!r}"
            )
        ordered.extend([catalogue.get(key)] * count)
    if not ordered:
        raise DataError(f"unit {unit!r}: expected at least one vehicle")
    ordered.sort(key=_march_order)
    groups: dict[tuple[str, bool], list[VehicleType]] = {}
    for vehicle in ordered:
        groups.setdefault(_restriction_group(vehicle), []).append(vehicle)
    march_units: list[list[VehicleType]] = []
    for group in groups.values():
        units_needed = math.ceil(len(group) / rules.march_unit_max)
        base, extra = divmod(len(group), units_needed)
        start = 0
        for index in range(units_needed):
            size = base + (1 if index < extra else 0)
            march_units.append(group[start : start + size])
            start += size
    serials = []
    for serial_index in range(0, len(march_units), rules.march_units_per_serial):
        members = march_units[serial_index : serial_index + rules.march_units_per_serial]
        number = serial_index // rules.march_units_per_serial + 1
        serials.append(
            Serial(
                id=str(number),
                march_units=tuple(
                    MarchUnit(id=f"{number}.{i + 1}", vehicles=_run_lengths(members_i))
                    for i, members_i in enumerate(members)
                ),
            )
        )
    return Column(unit=unit, serials=tuple(serials), rules=rules)


def _run_lengths(vehicles: list[VehicleType]) -> tuple[tuple[VehicleType, int], ...]:
    runs: list[tuple[VehicleType, int]] = []
    for vehicle in vehicles:
        if runs and runs[-1][0].id == vehicle.id:
            runs[-1] = (vehicle, runs[-1][1] + 1)
        else:
            runs.append((vehicle, 1))
    return tuple(runs)
