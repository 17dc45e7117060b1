"""Rest areas, service areas and truck parks in any input: what marks one, where it is, how big.

Every reader keeps the halt sites of its input (see
:mod:`mobility.routing.halt_sites`): OSM XML and PBF (tagged nodes and
closed ways), Geofabrik shapefiles (:mod:`mobility.network._read_shapefile_sites`)
and osmnx graphs (tagged nodes). This module holds what they share: the tags
that may mark a site, and how an outline or a shape becomes a
:class:`~mobility.model.halt_site.HaltSite` (a polygon's representative point
and its area; a point has no area). Which tags make a site is
:func:`~mobility.model.halt_site.site_from_tags`'s rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import shapely

from mobility.model.halt_site import HaltSite, polygon_area_m2, site_from_tags

#: ``highway`` values of rest and service areas.
SITE_HIGHWAYS: tuple[str, ...] = ("rest_area", "services")
#: ``(key, value)`` pairs that may mark a halt site (pyosmium's tag filter takes them).
SITE_TAG_PAIRS: tuple[tuple[str, str], ...] = (
    *(("highway", value) for value in SITE_HIGHWAYS),
    ("amenity", "parking"),
)


def may_be_site(tags: Mapping[str, str]) -> bool:
    """Whether tags may mark a halt site (:func:`site_from_tags` decides)."""
    return tags.get("highway") in SITE_HIGHWAYS or tags.get("amenity") == "parking"


def site_from_outline(
    site_id: str, tags: Mapping[str, str], coords: Sequence[tuple[float, float]]
) -> HaltSite | None:
    """Return the site of a closed way's outline (WGS84 ``(lon, lat)`` of its nodes).

    Four or more positions make a polygon (its area counts); three, a line
    (no area). ``None`` for fewer, or where the tags describe no site.
    """
    if len(coords) < 3:
        return None
    outline = shapely.Polygon(coords) if len(coords) >= 4 else shapely.LineString(coords)
    point = outline.representative_point()
    area = polygon_area_m2(outline) if outline.area > 0 else None
    return site_from_tags(site_id, tags, point.x, point.y, area)


def site_from_shape(
    site_id: str, tags: Mapping[str, str], geometry: shapely.Geometry
) -> HaltSite | None:
    """Return the site of a WGS84 point, polygon or closed line; ``None`` if none.

    A closed line (an area drawn as a ring, as Geofabrik's older roads layer
    keeps ``highway=services``) counts as its polygon; an open line or an empty
    geometry is no site.
    """
    if geometry is None or geometry.is_empty:
        return None
    kind = geometry.geom_type
    if kind in ("Point", "MultiPoint"):
        point = shapely.get_geometry(geometry, 0) if kind == "MultiPoint" else geometry
        return site_from_tags(site_id, tags, point.x, point.y, None)
    if kind == "LineString" and geometry.is_closed:
        return site_from_outline(site_id, tags, [(x, y) for x, y, *_ in geometry.coords])
    if kind in ("Polygon", "MultiPolygon"):
        point = geometry.representative_point()
        area = polygon_area_m2(geometry) if geometry.area > 0 else None
        return site_from_tags(site_id, tags, point.x, point.y, area)
    return None
