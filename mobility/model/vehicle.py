"""Vehicle types and the vehicle catalogue (``mobility/data/vehicles.yaml``).

A vehicle type holds what a road must bear and clear: weight, Military Load
Class, dimensions, axle load, speed, whether it must ride a heavy equipment
transporter (HET) on public roads, and its dangerous goods. Users add types
in a YAML file of the same format (``--vehicles-file``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mobility import settings
from mobility._names import distance, quoted
from mobility.errors import DataError
from mobility.model._yaml import build_checked, number, read_yaml, require
from mobility.model.adr import barred_categories
from mobility.model.mlc import RunningGear, class_of_weight

SCHEMA = "mobility-vehicles/1"
CATEGORIES = (
    "main_battle_tank",
    "infantry_fighting_vehicle",
    "armoured_personnel_carrier",
    "reconnaissance_vehicle",
    "self_propelled_artillery",
    "heavy_equipment_transporter",
    "cargo_truck",
    "fuel_tanker",
    "ammunition_truck",
    "container_truck",
    "utility_vehicle",
    "air_defence",
    "engineer_vehicle",
    "armoured_recovery_vehicle",
    "bus",
    "car",
)
ASSUMABLE_FIELDS = (
    "weight_t",
    "mlc",
    "height_m",
    "width_m",
    "length_m",
    "max_axle_load_t",
    "max_speed_kph",
    "het_required",
    "hazmat",
    "carrier",
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Hazmat:
    """Dangerous goods carried by a vehicle (ADR).

    Attributes
    ----------
    adr_class
        ADR class or division, e.g. ``"1.1"`` or ``"3"``.
    tunnel_code
        ADR tunnel restriction code, e.g. ``"B1000C"``.
    un_number
        UN number, if known.
    net_explosive_mass_kg
        Net explosive mass of a class 1 load, if known.
    """

    adr_class: str
    tunnel_code: str
    un_number: str = ""
    net_explosive_mass_kg: float | None = None

    def __post_init__(self) -> None:
        barred_categories(self.tunnel_code)  # raises on an unknown code

    @property
    def barred_tunnel_categories(self) -> frozenset[str]:
        """Tunnel categories (A-E) this load may not enter."""
        return barred_categories(self.tunnel_code, self.net_explosive_mass_kg)

    def describe(self) -> str:
        """Short text such as ``ADR 1.1 (tunnel code B1000C)``."""
        return f"ADR {self.adr_class} (tunnel code {self.tunnel_code})"


@dataclass(frozen=True)
class Carrier:
    """What a transporter (HET) can carry."""

    payload_t: float
    deck_height_m: float
    deck_length_m: float
    axles: int
    loaded_max_speed_kph: float


@dataclass(frozen=True)
class VehicleType:
    """One vehicle type of the catalogue.

    Attributes
    ----------
    id, name
        Slug and display name.
    category
        One of :data:`CATEGORIES`.
    running_gear
        ``tracked`` or ``wheeled``: which bridge class applies.
    weight_t, mlc
        Gross weight and the vehicle's own Military Load Class.
    height_m, width_m, length_m
        Overall dimensions.
    max_axle_load_t
        Heaviest axle (``None`` for tracked vehicles).
    max_speed_kph
        Road speed.
    het_required
        Must ride a heavy equipment transporter on public roads.
    hazmat
        Dangerous goods carried, if any.
    carrier
        Transport capacity, for an empty transporter.
    carries
        Id of the load, for a loaded transporter entry.
    source, assumed
        Where the figures come from; which fields are assumptions.
    mlc_note
        Why ``mlc`` differs from the class its weight gives
        (:func:`~mobility.model.mlc.class_of_weight`), e.g. a published class.
    """

    id: str
    name: str
    category: str
    running_gear: RunningGear
    weight_t: float
    mlc: int
    height_m: float
    width_m: float
    length_m: float
    max_speed_kph: float
    max_axle_load_t: float | None = None
    het_required: bool = False
    hazmat: Hazmat | None = None
    carrier: Carrier | None = None
    carries: str = ""
    nations: tuple[str, ...] = ()
    source: str = ""
    assumed: tuple[str, ...] = ()
    mlc_note: str = ""

    def __post_init__(self) -> None:
        where = f"vehicle {self.id!r}"
        if not _ID_RE.match(self.id):
            raise DataError(f"{where}: id must be a lowercase slug of letters, digits and '-'")
        if self.category not in CATEGORIES:
            raise DataError(
                f"{where}: category {self.category!r} is not one of {', '.join(CATEGORIES)}"
            )
        if self.running_gear not in ("tracked", "wheeled"):
            raise DataError(
                f"{where}: running_gear {self.running_gear!r} is not tracked or wheeled"
            )
        for name in ("weight_t", "height_m", "width_m", "length_m", "max_speed_kph"):
            value = getattr(self, name)
            if not value > 0:
                raise DataError(f"{where}: {name} must be > 0, got {value!r}")
        if self.mlc < 0:
            raise DataError(f"{where}: mlc must be >= 0, got {self.mlc!r}")
        if self.max_axle_load_t is not None and not self.max_axle_load_t > 0:
            raise DataError(f"{where}: max_axle_load_t must be > 0 or null")
        unknown = [name for name in self.assumed if name not in ASSUMABLE_FIELDS]
        if unknown:
            raise DataError(
                f"{where}: assumed field {unknown[0]!r} is not one of {', '.join(ASSUMABLE_FIELDS)}"
            )
        if not self.source and len(self.assumed) < len(ASSUMABLE_FIELDS):
            raise DataError(f"{where}: expected a 'source' for the figures not assumed")

    @property
    def tracked(self) -> bool:
        """Whether the vehicle runs on tracks."""
        return self.running_gear == "tracked"

    def describe(self) -> str:
        """Short text such as ``'Leopard 2A7' (MLC 70 tracked)``."""
        return f"{self.name!r} (MLC {self.mlc} {self.running_gear})"

    def loaded_on(self, transporter: VehicleType) -> VehicleType:
        """Return this vehicle riding ``transporter`` (an empty HET) as one combination.

        Weight adds up; height is the deck height plus the load's height;
        the combination's class is estimated from its weight as a wheeled
        vehicle and its axle load as the gross weight over the axles.

        Raises
        ------
        DataError
            If ``transporter`` is not a carrier or the load is too heavy or long.
        """
        carrier = transporter.carrier
        if carrier is None:
            raise DataError(f"vehicle {transporter.name!r} is not a transporter (no 'carrier')")
        if self.weight_t > carrier.payload_t:
            raise DataError(
                f"{self.name!r} ({self.weight_t:g} t) exceeds the payload of "
                f"{transporter.name!r} ({carrier.payload_t:g} t)"
            )
        gross_t = transporter.weight_t + self.weight_t
        return VehicleType(
            id=f"{transporter.id}-{self.id}",
            name=f"{transporter.name.removesuffix(' (empty)')} with {self.name}",
            category="heavy_equipment_transporter",
            running_gear="wheeled",
            weight_t=gross_t,
            mlc=class_of_weight(gross_t, "wheeled"),
            height_m=max(transporter.height_m, carrier.deck_height_m + self.height_m),
            width_m=max(transporter.width_m, self.width_m),
            length_m=transporter.length_m,
            max_speed_kph=carrier.loaded_max_speed_kph,
            max_axle_load_t=gross_t / carrier.axles,
            hazmat=self.hazmat,
            carries=self.id,
            nations=transporter.nations,
            source=f"combination of {transporter.id} and {self.id}",
            assumed=("mlc", "max_axle_load_t"),
        )


@dataclass(frozen=True)
class VehicleCatalogue:
    """Vehicle types by id, looked up by id or name (case-insensitive)."""

    types: Mapping[str, VehicleType] = field(default_factory=dict)
    #: Files the catalogue was read from, in order (empty for one built in code);
    #: plan folders record them (:mod:`mobility.validation.inputs`).
    sources: tuple[str, ...] = field(default=(), compare=False)

    def __iter__(self) -> Iterator[VehicleType]:
        return iter(self.types.values())

    def __len__(self) -> int:
        return len(self.types)

    def get(self, key: str) -> VehicleType:
        """Return the type with this id or name (case-insensitive).

        A name that is part of exactly one type's name (every word of it)
        also matches, or the one name it starts, so ``M1A2 SEPv3`` finds
        ``M1A2 SEPv3 Abrams``.

        Raises
        ------
        DataError
            Naming the unknown type and the closest known names.
        """
        wanted = key.strip().casefold()
        for vehicle in self.types.values():
            if wanted in (vehicle.id, vehicle.name.casefold()):
                return vehicle
        words = wanted.split()
        partial = [v for v in self.types.values() if all(w in v.name.casefold() for w in words)]
        starting = [v for v in partial if v.name.casefold().startswith(wanted)]
        if words and (len(partial) == 1 or len(starting) == 1):
            return partial[0] if len(partial) == 1 else starting[0]
        if len(partial) > 1:
            matches = ", ".join(repr(v.name) for v in partial[:8])
            raise DataError(f"vehicle type {key!r} is ambiguous: it matches {matches}")
        scored = sorted(
            (min(distance(key, v.id), distance(key, v.name) + 0.25), index, v)
            for index, v in enumerate(self.types.values())
        )
        close = [f"{v.id!r} ({v.name})" for d, _, v in scored if d != float("inf")][:5]
        hint = quoted(close) or "; `mobility vehicles` lists the catalogue"
        raise DataError(f"unknown vehicle type {key!r}{hint}")

    def loaded(self, vehicle: VehicleType) -> VehicleType:
        """Return the transporter combination ``vehicle`` rides on public roads.

        A catalogued loaded entry (``carries: <id>``) is preferred; otherwise the
        first empty transporter whose payload suffices carries it.

        Raises
        ------
        DataError
            If no transporter of the catalogue can carry the vehicle.
        """
        for entry in self.types.values():
            if entry.carries == vehicle.id:
                return entry
        carriers = [v for v in self.types.values() if v.carrier is not None]
        for transporter in sorted(carriers, key=lambda v: v.carrier.payload_t if v.carrier else 0):
            if (
                transporter.carrier is not None
                and transporter.carrier.payload_t >= vehicle.weight_t
            ):
                return vehicle.loaded_on(transporter)
        raise DataError(
            f"no transporter in the catalogue can carry {vehicle.name!r} ({vehicle.weight_t:g} t)"
        )

    def merged(self, other: VehicleCatalogue) -> VehicleCatalogue:
        """Return a catalogue with the types of ``other`` added (same id: ``other`` wins).

        Raises
        ------
        DataError
            If a new type reuses the name of a different known type.
        """
        types = {**self.types, **other.types}
        owners: dict[str, str] = {}
        for vehicle in types.values():
            owner = owners.setdefault(vehicle.name.casefold(), vehicle.id)
            if owner != vehicle.id:
                raise DataError(
                    f"vehicle {vehicle.id!r} reuses the name {vehicle.name!r} of {owner!r}"
                )
        return VehicleCatalogue(types, (*self.sources, *other.sources))


def _hazmat(raw: Any, where: str) -> Hazmat | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise DataError(f"{where}: 'hazmat' must be a mapping or null")
    mass = raw.get("net_explosive_mass_kg")
    return Hazmat(
        adr_class=str(require(raw, "adr_class", f"{where} hazmat")),
        tunnel_code=str(require(raw, "tunnel_code", f"{where} hazmat")),
        un_number=str(raw.get("un_number") or ""),
        net_explosive_mass_kg=None if mass is None else number(mass, f"{where} hazmat"),
    )


def _carrier(raw: Any, where: str) -> Carrier | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise DataError(f"{where}: 'carrier' must be a mapping or null")
    where = f"{where} carrier"
    axles = number(require(raw, "axles", where), f"{where} axles")
    if axles < 1 or axles != int(axles):
        raise DataError(f"{where}: axles must be a whole number >= 1, got {axles:g}")
    return Carrier(
        payload_t=number(require(raw, "payload_t", where), f"{where} payload_t"),
        deck_height_m=number(require(raw, "deck_height_m", where), f"{where} deck_height_m"),
        deck_length_m=number(require(raw, "deck_length_m", where), f"{where} deck_length_m"),
        axles=int(axles),
        loaded_max_speed_kph=number(
            require(raw, "loaded_max_speed_kph", where), f"{where} loaded_max_speed_kph"
        ),
    )


def _names(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise DataError(f"{where}: expected a list")
    return tuple(str(item) for item in raw)


def vehicle_from_dict(raw: Mapping[str, Any], where: str) -> VehicleType:
    """Build one :class:`VehicleType` from a parsed YAML mapping.

    Raises
    ------
    DataError
        Naming the entry and the field, on any invalid value.
    """
    if not isinstance(raw, Mapping):
        raise DataError(f"{where}: expected a mapping")
    vehicle_id = str(require(raw, "id", where))
    where = f"{where} ({vehicle_id!r})"
    mlc = number(require(raw, "mlc", where), f"{where} mlc")
    if mlc != int(mlc):
        raise DataError(f"{where}: mlc must be a whole class number, got {mlc:g}")
    axle = raw.get("max_axle_load_t")
    het_required = raw.get("het_required", False)
    if not isinstance(het_required, bool):
        raise DataError(f"{where}: het_required must be true or false, got {het_required!r}")
    return VehicleType(
        id=vehicle_id,
        name=str(require(raw, "name", where)),
        category=str(require(raw, "category", where)),
        running_gear=require(raw, "running_gear", where),
        weight_t=number(require(raw, "weight_t", where), f"{where} weight_t"),
        mlc=int(mlc),
        height_m=number(require(raw, "height_m", where), f"{where} height_m"),
        width_m=number(require(raw, "width_m", where), f"{where} width_m"),
        length_m=number(require(raw, "length_m", where), f"{where} length_m"),
        max_speed_kph=number(require(raw, "max_speed_kph", where), f"{where} max_speed_kph"),
        max_axle_load_t=None if axle is None else number(axle, f"{where} max_axle_load_t"),
        het_required=het_required,
        hazmat=_hazmat(raw.get("hazmat"), where),
        carrier=_carrier(raw.get("carrier"), where),
        carries=str(raw.get("carries") or ""),
        nations=_names(raw.get("nations"), f"{where} nations"),
        source=str(raw.get("source") or ""),
        assumed=_names(raw.get("assumed"), f"{where} assumed"),
        mlc_note=str(raw.get("mlc_note") or ""),
    )


def catalogue_from_dict(document: Any, origin: str = "<dict>") -> VehicleCatalogue:
    """Build a :class:`VehicleCatalogue` from a parsed YAML document.

    Raises
    ------
    DataError
        Naming the file, the entry and the field, on any invalid value.
    """
    if not isinstance(document, Mapping):
        raise DataError(f"{origin}: expected a mapping with 'schema' and 'vehicles'")
    schema = document.get("schema")
    if schema != SCHEMA:
        raise DataError(f"{origin}: schema {schema!r} is not {SCHEMA!r}")
    raw_vehicles = require(document, "vehicles", origin)
    if not isinstance(raw_vehicles, Sequence) or isinstance(raw_vehicles, str):
        raise DataError(f"{origin}: 'vehicles' must be a list")
    types: dict[str, VehicleType] = {}
    names: dict[str, str] = {}
    for index, raw in enumerate(raw_vehicles):
        vehicle = vehicle_from_dict(raw, f"{origin}: vehicles[{index}]")
        if vehicle.id in types:
            raise DataError(f"{origin}: vehicle id {vehicle.id!r} appears twice")
        if vehicle.name.casefold() in names:
            raise DataError(f"{origin}: vehicle name {vehicle.name!r} appears twice")
        types[vehicle.id] = vehicle
        names[vehicle.name.casefold()] = vehicle.id
    for vehicle in types.values():
        if vehicle.carries and vehicle.carries not in types:
            raise DataError(
                f"{origin}: vehicle {vehicle.id!r} carries unknown vehicle {vehicle.carries!r}"
            )
    return VehicleCatalogue(types)


def default_vehicles_path() -> Path:
    """Path of the embedded vehicle catalogue."""
    return settings.data_dir / "vehicles.yaml"


def load_vehicles(*paths: str | Path) -> VehicleCatalogue:
    """Load the embedded catalogue, extended by user files of the same format.

    Parameters
    ----------
    *paths
        Extra catalogue files; a type with an id already known replaces it.

    Raises
    ------
    DataError
        If a file is missing, not YAML, or invalid.
    """
    catalogue = catalogue_from_dict(
        read_yaml(default_vehicles_path(), "vehicle catalogue"), str(default_vehicles_path())
    )
    catalogue = VehicleCatalogue(catalogue.types, (str(default_vehicles_path()),))
    for path in paths:
        document = read_yaml(Path(path), "vehicle file")
        extra = build_checked(catalogue_from_dict, document, str(path), "vehicle file")
        catalogue = catalogue.merged(VehicleCatalogue(extra.types, (str(Path(path).resolve()),)))
    return catalogue


__all__ = [
    "Carrier",
    "Hazmat",
    "VehicleCatalogue",
    "VehicleType",
    "load_vehicles",
]
