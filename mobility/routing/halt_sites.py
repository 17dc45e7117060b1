"""Where a column can halt: support centres, staging areas, rest, service and truck parks.

A column halts off the carriageway, at a site big enough for it. Sites come
from the corridor file (convoy support centres and staging areas, with
capacities in vehicles), from the rest and service areas and HGV parking of
the loaded network (OSM ``highway=rest_area``/``services``, ``amenity=parking``
with ``hgv``) and from a user's file of truck parking (GeoJSON points or
polygons, the layout of OSM-derived truck-parking databases; see
:func:`load_halt_sites`).

A site fits a column when its capacity in vehicles (overnight capacity for a
daily rest) holds the column's vehicles, or, where only its area is known,
when its area holds the column's parking footprint
(:func:`~mobility.model.column.parking_area_m2`). A site of unknown size
fits nothing. Sites are snapped to a route where they lie within
``max_off_route_m`` of it; the drive there and back is added to the halt.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import shape

from mobility.errors import DataError
from mobility.model.corridor import Place

#: Site kinds, best first when several fit at one point of a route.
SITE_KINDS = ("support_centre", "staging", "services", "rest_area", "truck_parking")
_CORRIDOR_KINDS = {"csc": "support_centre", "staging": "staging"}
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


@dataclass(frozen=True)
class RouteSite:
    """A halt site snapped to a route.

    Attributes
    ----------
    position
        Index of the route edge at whose start node the column leaves for the site.
    site
        The site.
    off_route_m
        Distance from the route to the site.
    detour_s
        Time to drive there and back.
    """

    position: int
    site: HaltSite
    off_route_m: float
    detour_s: float


def corridor_sites(places: Iterable[Place]) -> list[HaltSite]:
    """Convoy support centres and staging areas of the corridor file as halt sites."""
    sites = []
    for place in places:
        kind = _CORRIDOR_KINDS.get(place.kind)
        if kind is None or place.mode != "road":
            continue
        parked = place.capacity.get("vehicles_parked")
        overnight = place.capacity.get("vehicles_overnight")
        sites.append(
            HaltSite(
                id=place.id,
                name=place.name,
                kind=kind,
                lon=place.lon,
                lat=place.lat,
                vehicles=None if parked is None else int(parked),
                vehicles_overnight=None if overnight is None else int(overnight),
                source=place.source or place.assumption,
            )
        )
    return sites


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
    spots = _count(tags.get("capacity:hgv"))
    name = tags.get("name") or f"{kind.replace('_', ' ')} {site_id}"
    return HaltSite(site_id, name, kind, lon, lat, spots, spots, area_m2, "OpenStreetMap")


def _count(value: Any) -> int | None:
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


def load_halt_sites(path: str | Path) -> list[HaltSite]:
    """Read a GeoJSON file of truck parking, rest and service areas.

    Each feature is a Point, Polygon or MultiPolygon (WGS84). Properties read:
    ``id`` (else the feature's index), ``name``; the kind from
    ``is_truck_parking``, ``is_service_area`` or ``is_rest_area`` (true/false),
    else from OSM tags ``highway=services|rest_area`` or ``amenity=parking``
    (else ``truck_parking``); capacity from ``truck_spots`` (or
    ``capacity:hgv``); area from ``area_m2`` (else the polygon's). Features with
    ``hgv=no`` are skipped. A site of unknown size is kept but fits no column.

    Raises
    ------
    DataError
        Naming the file, the feature and the field, when the file is not
        GeoJSON or a feature has no usable position.
    """
    path = Path(path)
    where = f"halt sites {str(path)!r}"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{where}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DataError(f"{where}: not a readable GeoJSON file ({error})") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise DataError(f"{where}: expected a GeoJSON FeatureCollection with a 'features' list")
    sites: list[HaltSite] = []
    seen: set[str] = set()
    for index, feature in enumerate(features):
        at = f"{where} feature {index}"
        if not isinstance(feature, dict):
            raise DataError(f"{at}: expected a GeoJSON Feature object")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise DataError(f"{at}: 'properties' must be an object")
        site = _feature_site(feature.get("geometry"), properties, index, at)
        if site is None:
            continue
        if site.id in seen:
            raise DataError(f"{at}: id {site.id!r} appears twice; expected unique ids")
        seen.add(site.id)
        sites.append(site)
    return sites


def _feature_site(
    geometry: Any, properties: dict[str, Any], index: int, at: str
) -> HaltSite | None:
    if not isinstance(geometry, dict) or geometry.get("type") not in (
        "Point",
        "Polygon",
        "MultiPolygon",
    ):
        raise DataError(f"{at}: geometry must be a Point, Polygon or MultiPolygon")
    try:
        shaped = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as error:
        raise DataError(f"{at}: geometry does not parse ({error})") from None
    if shaped.is_empty:
        raise DataError(f"{at}: geometry is empty")
    point = shaped if geometry["type"] == "Point" else shaped.representative_point()
    lon, lat = float(point.x), float(point.y)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise DataError(f"{at}: coordinates {lon}, {lat} are not WGS84 longitude, latitude")
    if str(properties.get("hgv", "")).strip() == "no":
        return None
    tags = {str(k): str(v) for k, v in properties.items() if isinstance(v, str)}
    if properties.get("is_truck_parking") is True:
        kind = "truck_parking"
    elif properties.get("is_service_area") is True:
        kind = "services"
    elif properties.get("is_rest_area") is True:
        kind = "rest_area"
    else:
        tagged = site_from_tags("-", {**tags, "hgv": "yes"}, lon, lat, None)
        kind = tagged.kind if tagged is not None else "truck_parking"
    area = properties.get("area_m2")
    if isinstance(area, bool) or not isinstance(area, (int, float)) or not area > 0:
        area = polygon_area_m2(shaped) if geometry["type"] != "Point" else None
    spots = _count(properties.get("truck_spots"))
    if spots is None:
        spots = _count(properties.get("capacity:hgv"))
    site_id = str(properties.get("id") or f"feature-{index}")
    name = str(properties.get("name") or "").strip()
    if not name or name.casefold() == "unnamed":
        road = str(properties.get("road") or properties.get("highway") or "").strip()
        town = str(properties.get("municipality") or "").strip()
        near = ", ".join(part for part in (road, town) if part)
        name = f"{kind.replace('_', ' ')} {site_id}" + (f" ({near})" if near else "")
    return HaltSite(
        site_id, name, kind, lon, lat, spots, spots, None if area is None else float(area),
        str(properties.get("data_source") or "user file"),
    )  # fmt: skip


def snap_sites(
    sites: Sequence[HaltSite],
    node_lon: NDArray[np.float64],
    node_lat: NDArray[np.float64],
    max_off_route_m: float,
    detour_kph: float,
) -> list[RouteSite]:
    """Sites within ``max_off_route_m`` of a route, at the route node nearest their access.

    The route is the polyline through its nodes (``n_edges + 1`` of them).
    Each site is projected on the nearest segment; it belongs to the segment's
    start or end node, whichever is nearer the projection. Sites at the
    origin or destination are left out (no halt is taken there).
    """
    if not sites or node_lon.size < 3:
        return []
    lat0 = math.radians(float(np.mean(node_lat)))
    scale = np.array([_METRES_PER_DEGREE * math.cos(lat0), _METRES_PER_DEGREE])
    route = np.column_stack([node_lon, node_lat]) * scale
    points = np.array([[s.lon, s.lat] for s in sites]) * scale
    low, high = route.min(axis=0) - max_off_route_m, route.max(axis=0) + max_off_route_m
    near = np.flatnonzero(np.all((points >= low) & (points <= high), axis=1))
    if near.size == 0:
        return []
    a, b = route[:-1], route[1:]
    d = b - a
    length2 = np.maximum((d * d).sum(axis=1), 1e-9)
    found: list[RouteSite] = []
    for i in near.tolist():
        p = points[i]
        t = np.clip(((p - a) * d).sum(axis=1) / length2, 0.0, 1.0)
        gap = np.hypot(*(a + t[:, None] * d - p).T)
        segment = int(np.argmin(gap))
        off_m = float(gap[segment])
        position = segment if t[segment] < 0.5 else segment + 1
        if off_m > max_off_route_m or not 0 < position < node_lon.size - 1:
            continue
        # Whole seconds: halts stay whole-second spans of the schedule.
        detour_s = float(round(2 * off_m / (detour_kph / 3.6)))
        found.append(RouteSite(position, sites[i], off_m, detour_s))
    found.sort(key=lambda r: (r.position, SITE_KINDS.index(r.site.kind), r.detour_s, r.site.id))
    return found
