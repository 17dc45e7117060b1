"""Halt sites: places off the road where a column can stand, and what a column needs there.

A site fits a column when its capacity in vehicles (overnight capacity for a
daily rest) holds the column's vehicles, or, where only its area is known,
when its area holds the column's parking footprint
(:func:`~mobility.model.column.parking_area_m2`). A site of unknown size
fits nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from mobility.errors import DataError

#: Site kinds, best first when several fit at one point of a route.
SITE_KINDS = ("support_centre", "staging", "services", "rest_area", "truck_parking")
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class HaltSite:
    """A place off the road where a column can stand.

    Attributes
    ----------
    id
        Unique id (corridor place id, ``osm_way_123``, ...).
    name
        Human name.
    kind
        One of :data:`SITE_KINDS`.
    lon, lat
        WGS84 position (a polygon's representative point).
    vehicles, vehicles_overnight
        Capacity in vehicles by day and overnight, where known.
    area_m2
        Paved area, where known (used when no capacity in vehicles is).
    source
        Where the site comes from.
    """

    id: str
    name: str
    kind: str
    lon: float
    lat: float
    vehicles: int | None = None
    vehicles_overnight: int | None = None
    area_m2: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SITE_KINDS:
            raise DataError(f"halt site {self.id!r}: kind {self.kind!r} is not one of {SITE_KINDS}")
        if not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90):
            raise DataError(f"halt site {self.id!r}: position {self.lon}, {self.lat} is not WGS84")

    @property
    def label(self) -> str:
        """Name and kind, e.g. ``Venlo Trade Port (support centre)``."""
        return f"{self.name} ({self.kind.replace('_', ' ')})"

    def misfit(self, footprint: ColumnFootprint, overnight: bool) -> str:
        """Why the column does not fit here; ``""`` when it does."""
        capacity = self.vehicles
        if overnight and self.vehicles_overnight is not None:
            capacity = self.vehicles_overnight
        if capacity is not None:
            if footprint.vehicles <= capacity:
                return ""
            night = " overnight" if overnight and self.vehicles_overnight is not None else ""
            return f"{footprint.vehicles} vehicles exceed its {capacity} places{night}"
        if self.area_m2 is not None:
            if footprint.area_m2 <= self.area_m2:
                return ""
            return f"the column needs {footprint.area_m2:,.0f} m2, it has {self.area_m2:,.0f} m2"
        return "its size is unknown"


@dataclass(frozen=True)
class ColumnFootprint:
    """What a halted column needs: its vehicles and the ground they park on (m2)."""

    vehicles: int
    area_m2: float


def site_from_tags(
    site_id: str, tags: Mapping[str, str], lon: float, lat: float, area_m2: float | None
) -> HaltSite | None:
    """Return a halt site from OSM tags, or ``None`` where the tags do not describe one.

    ``highway=services`` and ``highway=rest_area`` are service and rest areas;
    ``amenity=parking`` counts only with ``hgv`` = ``yes`` or ``designated``
    (a truck park). ``capacity:hgv`` gives the places for trucks.
    """
    hgv = tags.get("hgv", "")
    if tags.get("highway") == "services":
        kind = "services"
    elif tags.get("highway") == "rest_area":
        kind = "rest_area"
    elif tags.get("amenity") == "parking" and hgv in ("yes", "designated"):
        kind = "truck_parking"
    else:
        return None
    if hgv == "no":
        return None
    spots = count_places(tags.get("capacity:hgv"))
    name = tags.get("name") or f"{kind.replace('_', ' ')} {site_id}"
    # The embedded atlas says where its facts come from, or that they are assumed.
    source = tags.get("mobility:source") or (
        f"assumed: {tags['mobility:assumption']}"
        if "mobility:assumption" in tags
        else "OpenStreetMap"
    )
    return HaltSite(site_id, name, kind, lon, lat, spots, spots, area_m2, source)


def count_places(value: Any) -> int | None:
    """Return a count from a number or numeric text; ``None`` when absent or not a count."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def polygon_area_m2(geometry: shapely.Geometry) -> float:
    """Area of a WGS84 polygon in square metres (local equirectangular projection)."""
    lat0 = math.radians(geometry.centroid.y)
    scaled = shapely.transform(
        geometry,
        lambda xy: xy * np.array([_METRES_PER_DEGREE * math.cos(lat0), _METRES_PER_DEGREE]),
    )
    return float(scaled.area)
