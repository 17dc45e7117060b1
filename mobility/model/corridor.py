"""Corridor definitions: the three military transit corridors and their places.

Corridors are configuration, not code (``mobility/data/corridors.yaml``): the real
routes are not public, so every entry carries a source or an assumption that a
user can edit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from mobility import settings
from mobility.errors import DataError
from mobility.model._yaml import build_checked, read_yaml
from mobility.model._yaml import number as _number
from mobility.model._yaml import require as _require

#: ``station``: a rail station where trains may reverse (no loading, no capacity).
PLACE_KINDS = ("spod", "bcp", "csc", "staging", "rail_terminal", "ramp", "station")
PLACE_MODES = ("road", "rail")
CAPACITY_KEYS = {
    "csc": ("vehicles_parked", "vehicles_overnight"),
    "staging": ("vehicles_parked", "vehicles_overnight"),
    "rail_terminal": ("ramps", "trains_per_day", "hours_per_train"),
    "ramp": ("ramps", "trains_per_day", "hours_per_train"),
}


def _check_lonlat(owner: str, lon: float, lat: float) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
        raise DataError(f"{owner}: lon/lat ({lon}, {lat}) is not a WGS84 position")


@dataclass(frozen=True)
class Terminal:
    """A terminal of an entry port (SPOD)."""

    name: str
    lon: float
    lat: float
    role: str = ""

    def __post_init__(self) -> None:
        _check_lonlat(f"terminal {self.name!r}", self.lon, self.lat)


@dataclass(frozen=True)
class Place:
    """A point of a corridor: port, border crossing, support centre, rail terminal.

    Attributes
    ----------
    id
        Unique slug, e.g. ``"spod-rotterdam"``.
    kind
        One of :data:`PLACE_KINDS`.
    name
        Human name.
    corridors
        Ids of the corridors the place serves.
    lon, lat
        WGS84 position.
    mode
        ``"road"`` or ``"rail"``: the graph the place attaches to.
    capacity
        Kind-specific capacities (vehicles parked/overnight; ramps, trains per
        day, hours per train).
    source, assumption
        Where the facts come from, or what is assumed (at least one is set).
    valid_from, valid_to
        The place is usable from ``valid_from`` and no longer from ``valid_to``
        (ISO dates, e.g. a rail crossing whose onward line is cut); ``""``:
        open-ended.
    """

    id: str
    kind: str
    name: str
    corridors: tuple[str, ...]
    lon: float
    lat: float
    mode: str = "road"
    counterpart: str = ""
    terminals: tuple[Terminal, ...] = ()
    capacity: Mapping[str, float] = field(default_factory=dict)
    source: str = ""
    assumption: str = ""
    valid_from: str = ""
    valid_to: str = ""

    def open_on(self, day: date) -> bool:
        """Whether the place is usable on ``day``."""
        text = day.isoformat()  # ISO dates order as text
        return (not self.valid_from or self.valid_from <= text) and (
            not self.valid_to or text < self.valid_to
        )

    def __post_init__(self) -> None:
        where = f"place {self.id!r}"
        if self.kind not in PLACE_KINDS:
            raise DataError(f"{where}: kind {self.kind!r} is not one of {', '.join(PLACE_KINDS)}")
        if self.mode not in PLACE_MODES:
            raise DataError(f"{where}: mode {self.mode!r} is not one of road, rail")
        if not self.corridors:
            raise DataError(f"{where}: expected at least one corridor")
        if self.kind == "station" and self.mode != "rail":
            raise DataError(f"{where}: a station is a rail place, expected mode: rail")
        if not (self.source or self.assumption):
            raise DataError(f"{where}: expected a 'source' or an 'assumption'")
        _check_lonlat(where, self.lon, self.lat)
        for key, value in self.capacity.items():
            allowed = CAPACITY_KEYS.get(self.kind, ())
            if key not in allowed:
                raise DataError(
                    f"{where}: capacity {key!r} is not allowed for kind {self.kind!r}; "
                    f"expected {', '.join(allowed) or 'none'}"
                )
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0 <= value < math.inf
            ):
                raise DataError(f"{where}: capacity {key!r} must be a number >= 0, got {value!r}")


@dataclass(frozen=True)
class Corridor:
    """A military transit corridor: spine polylines buffered into a polygon."""

    id: str
    name: str
    buffer_m: float
    spines: tuple[tuple[tuple[float, float], ...], ...]
    description: str = ""
    source: str = ""
    assumption: str = ""

    def __post_init__(self) -> None:
        where = f"corridor {self.id!r}"
        if not self.buffer_m > 0:
            raise DataError(f"{where}: buffer_m must be > 0, got {self.buffer_m!r}")
        if not self.spines or any(len(spine) < 2 for spine in self.spines):
            raise DataError(f"{where}: expected spines of at least two [lon, lat] points each")
        for spine in self.spines:
            for lon, lat in spine:
                _check_lonlat(where, lon, lat)
        if not (self.source or self.assumption):
            raise DataError(f"{where}: expected a 'source' or an 'assumption'")


@dataclass(frozen=True)
class CorridorSet:
    """All corridors and places of one configuration file."""

    corridors: Mapping[str, Corridor]
    places: tuple[Place, ...]

    def select(self, names: Iterable[str] | None) -> CorridorSet:
        """Return the subset with the named corridors and their places.

        Raises
        ------
        DataError
            If a name is not a known corridor.
        """
        if names is None:
            return self
        wanted = list(dict.fromkeys(names))
        unknown = [name for name in wanted if name not in self.corridors]
        if unknown:
            raise DataError(
                f"unknown corridor {', '.join(map(repr, unknown))}; expected one of "
                f"{', '.join(self.corridors)}"
            )
        return CorridorSet(
            corridors={name: self.corridors[name] for name in wanted},
            places=tuple(p for p in self.places if set(p.corridors) & set(wanted)),
        )


def _points(raw: Any, where: str) -> tuple[tuple[float, float], ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise DataError(f"{where}: expected a list of [lon, lat] points")
    points = []
    for point in raw:
        if not isinstance(point, Sequence) or len(point) != 2:
            raise DataError(f"{where}: expected [lon, lat], got {point!r}")
        points.append((_number(point[0], where), _number(point[1], where)))
    return tuple(points)


def corridors_from_dict(document: Mapping[str, Any], origin: str = "<dict>") -> CorridorSet:
    """Build a :class:`CorridorSet` from a parsed YAML document.

    Raises
    ------
    DataError
        Naming the file, the entry and the field, on any invalid value.
    """
    if not isinstance(document, Mapping):
        raise DataError(f"{origin}: expected a mapping with 'corridors' and 'places'")
    raw_corridors = _require(document, "corridors", origin)
    if not isinstance(raw_corridors, Mapping) or not raw_corridors:
        raise DataError(f"{origin}: 'corridors' must map corridor ids to definitions")
    corridors: dict[str, Corridor] = {}
    for corridor_id, raw in raw_corridors.items():
        where = f"{origin}: corridor {corridor_id!r}"
        if not isinstance(raw, Mapping):
            raise DataError(f"{where}: expected a mapping")
        spines = _require(raw, "spines", where)
        if not isinstance(spines, Sequence):
            raise DataError(f"{where}: 'spines' must be a list of polylines")
        corridors[str(corridor_id)] = Corridor(
            id=str(corridor_id),
            name=str(raw.get("name", corridor_id)),
            buffer_m=_number(_require(raw, "buffer_m", where), f"{where} buffer_m"),
            spines=tuple(_points(spine, f"{where} spine") for spine in spines),
            description=str(raw.get("description", "")),
            source=str(raw.get("source", "") or ""),
            assumption=str(raw.get("assumption", "") or ""),
        )
    places: list[Place] = []
    seen: set[str] = set()
    for index, raw in enumerate(document.get("places") or []):
        where = f"{origin}: places[{index}]"
        if not isinstance(raw, Mapping):
            raise DataError(f"{where}: expected a mapping")
        place_id = str(_require(raw, "id", where))
        where = f"{origin}: place {place_id!r}"
        if place_id in seen:
            raise DataError(f"{where}: duplicate id")
        seen.add(place_id)
        place_corridors = tuple(str(c) for c in _require(raw, "corridors", where))
        unknown = [c for c in place_corridors if c not in corridors]
        if unknown:
            raise DataError(
                f"{where}: unknown corridor {unknown[0]!r}; expected one of {', '.join(corridors)}"
            )
        terminals = tuple(
            Terminal(
                name=str(_require(t, "name", f"{where} terminal")),
                lon=_number(_require(t, "lon", f"{where} terminal"), f"{where} terminal lon"),
                lat=_number(_require(t, "lat", f"{where} terminal"), f"{where} terminal lat"),
                role=str(t.get("role", "")),
            )
            for t in raw.get("terminals") or []
        )
        capacity = raw.get("capacity") or {}
        if not isinstance(capacity, Mapping):
            raise DataError(f"{where}: 'capacity' must be a mapping")
        places.append(
            Place(
                id=place_id,
                kind=str(_require(raw, "kind", where)),
                name=str(_require(raw, "name", where)),
                corridors=place_corridors,
                lon=_number(_require(raw, "lon", where), f"{where} lon"),
                lat=_number(_require(raw, "lat", where), f"{where} lat"),
                mode=str(raw.get("mode", "road")),
                counterpart=str(raw.get("counterpart", "") or ""),
                terminals=terminals,
                capacity=dict(capacity),
                source=str(raw.get("source", "") or ""),
                assumption=str(raw.get("assumption", "") or ""),
                valid_from=_date(raw.get("valid_from"), f"{where} valid_from"),
                valid_to=_date(raw.get("valid_to"), f"{where} valid_to"),
            )
        )
    return CorridorSet(corridors=corridors, places=tuple(places))


def _date(value: Any, where: str) -> str:
    """Return an ISO date as text (``""`` when absent): the cache stores plain values."""
    if value is None:
        return ""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise DataError(f"{where}: expected an ISO date YYYY-MM-DD, got {value!r}") from None


def default_corridors_path() -> Path:
    """Path of the embedded corridor definitions."""
    return settings.data_dir / "corridors.yaml"


def load_corridors(path: str | Path | None = None) -> CorridorSet:
    """Load corridor definitions from YAML (safe loading; no code execution).

    Parameters
    ----------
    path
        A corridors YAML file; by default the embedded ``mobility/data/corridors.yaml``.

    Raises
    ------
    DataError
        If the file is missing, not YAML, or invalid.
    """
    path = Path(path) if path is not None else default_corridors_path()
    document = read_yaml(path, "corridor file")
    return build_checked(corridors_from_dict, document, str(path), "corridor file")
