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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from shapely.geometry import shape

from mobility.errors import DataError
from mobility.model.corridor import Place
from mobility.model.halt_site import (
    SITE_KINDS,
    ColumnFootprint,
    HaltSite,
    count_places,
    polygon_area_m2,
    site_from_tags,
)

__all__ = [
    "SITE_KINDS",
    "ColumnFootprint",
    "HaltSite",
    "RouteSite",
    "corridor_sites",
    "load_halt_sites",
    "polygon_area_m2",
    "snap_sites",
]

_CORRIDOR_KINDS = {"csc": "support_centre", "staging": "staging"}
_METRES_PER_DEGREE = 111_320.0


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
    spots = count_places(properties.get("truck_spots"))
    if spots is None:
        spots = count_places(properties.get("capacity:hgv"))
    site_id = str(properties.get("id") or f"feature-{index}")
    name = str(properties.get("name") or "").strip()
    if not name or name.casefold() == "unnamed":
        road = str(properties.get("road") or properties.get("highway") or "").strip()
        town = str(properties.get("municipality") or "").strip()
        near = ", ".join(part for part in (road, town) if part)
        name = f"{kind.replace('_', ' ')} {site_id}" + (f" ({near})" if near else "")
    return HaltSite(
        id=site_id,
        name=name,
        kind=kind,
        lon=lon,
        lat=lat,
        vehicles=spots,
        vehicles_overnight=spots,
        area_m2=None if area is None else float(area),
        source=str(properties.get("data_source") or "user file"),
    )


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
