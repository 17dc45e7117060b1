"""Halt sites: reading a truck-parking file, snapping to a route, halts only where a column fits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mobility
from mobility.errors import DataError
from mobility.model.column import parking_area_m2
from mobility.model.vehicle import VehicleCatalogue
from mobility.routing.halt_sites import (
    ColumnFootprint,
    HaltSite,
    load_halt_sites,
    polygon_area_m2,
    snap_sites,
)
from mobility.routing.router import Router

START = "2026-11-24T06:00+01:00"
TRUCK_PARKING = Path("nl-truck-parking-2025") / "truck_parking_facilities.geojson"


def _write(path: Path, features: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_a_truck_park_file_is_read_with_kinds_capacities_and_areas(tmp_path: Path) -> None:
    square = [[[5.0, 52.0], [5.001, 52.0], [5.001, 52.001], [5.0, 52.001], [5.0, 52.0]]]
    path = _write(
        tmp_path / "parks.geojson",
        [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.1, 52.1]},
             "properties": {"id": "a", "name": "Unnamed", "is_truck_parking": True,
                            "truck_spots": "35", "road": "A2", "municipality": "Weert"}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": square},
             "properties": {"id": "b", "name": "De Kempen", "is_service_area": True}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.2, 52.2]},
             "properties": {"id": "c", "highway": "rest_area", "hgv": "no"}},
        ],
    )  # fmt: skip
    parks, services = load_halt_sites(path)
    assert (parks.kind, parks.vehicles, parks.name) == (
        "truck_parking",
        35,
        "truck parking a (A2, Weert)",
    )
    assert services.kind == "services" and services.vehicles is None
    # 0.001 degree square at 52 N: about 68.5 m x 111.3 m.
    assert services.area_m2 == pytest.approx(68.5 * 111.3, rel=0.01)
    assert polygon_area_m2(__import__("shapely").box(5.0, 52.0, 5.001, 52.001)) == pytest.approx(
        services.area_m2
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not a readable GeoJSON file"),
        ('{"type": "Feature"}', "expected a GeoJSON FeatureCollection"),
        ('{"features": [{"geometry": {"type": "LineString", "coordinates": [[5, 52], [6, 52]]}}]}',
         "feature 0: geometry must be a Point, Polygon or MultiPolygon"),
        ('{"features": [{"geometry": {"type": "Point", "coordinates": [500, 52]}}]}',
         "feature 0: coordinates 500.0, 52.0 are not WGS84"),
    ],
)  # fmt: skip
def test_a_bad_halt_site_file_names_the_file_and_feature(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    with pytest.raises(DataError, match=message) as caught:
        load_halt_sites(path)
    assert str(path) in str(caught.value)


def test_sites_snap_to_the_nearest_node_within_reach() -> None:
    lon = np.array([5.0, 5.1, 5.2, 5.3])
    lat = np.full(4, 52.0)
    near = HaltSite("near", "Near", "truck_parking", 5.16, 52.01, 40)  # ~1.1 km north
    far = HaltSite("far", "Far", "truck_parking", 5.1, 52.05, 40)  # ~5.6 km north
    found = snap_sites([near, far], lon, lat, max_off_route_m=3000.0, detour_kph=30.0)
    assert [(s.site.id, s.position) for s in found] == [("near", 2)]
    assert found[0].off_route_m == pytest.approx(1113, rel=0.01)
    assert found[0].detour_s == round(2 * found[0].off_route_m / (30 / 3.6))


def _fits(router: Router, plan: object) -> None:
    """Every halt is at a site that fits the routed column, else flagged and explained."""
    by_id = {site.id: site for site in router.halt_sites}
    column = plan.column  # type: ignore[attr-defined]
    footprint = ColumnFootprint(
        column.count, parking_area_m2(v for unit in column.march_units for v in unit.vehicles)
    )
    for route in plan.routes:  # type: ignore[attr-defined]
        for halt in route.schedule.halts:
            if halt.site_kind:
                assert by_id[halt.site_id].misfit(footprint, halt.kind == "daily_rest") == ""
                assert halt.name == by_id[halt.site_id].name
            else:
                assert halt.note.startswith(f"no site fits {column.count} vehicles")
                assert any(route.designation in note for note in plan.notes)  # type: ignore[attr-defined]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.integers(1, 900),
    vehicle=st.sampled_from(["man-hx2-6x6", "boxer-apc", "fuel-tanker", "fennek"]),
    ends=st.sampled_from(
        [("Vlissingen", "bcp-venlo-a67"), ("Port of Rotterdam", "bcp-zevenaar-emmerich"),
         ("Eemshaven", "bcp-oldenzaal-gildehaus"), ("Vlissingen", "bcp-zevenaar-emmerich")]
    ),
)  # fmt: skip
def test_every_halt_is_at_a_site_that_fits_the_column(
    router: Router, count: int, vehicle: str, ends: tuple[str, str]
) -> None:
    plan = router.route(*ends, vehicle, count=count, start=START)
    _fits(router, plan)


@pytest.mark.realdata
def test_columns_halt_at_real_truck_parks(
    shared_osm: Path, atlas: mobility.Network, catalogue: VehicleCatalogue
) -> None:
    sites = load_halt_sites(shared_osm / TRUCK_PARKING)
    assert len(sites) == 1421  # 1,422 features, one with hgv=no
    assert {s.kind for s in sites} == {"truck_parking", "services", "rest_area"}
    router = Router(atlas, catalogue, halt_sites=sites)
    plan = router.route("Vlissingen", "bcp-zevenaar-emmerich", "man-hx2-6x6", count=40, start=START)
    _fits(router, plan)
    kinds = {h.site_kind for r in plan.routes for h in r.schedule.halts}
    assert kinds & {"truck_parking", "services", "rest_area"}, kinds
    # Without the file the same column has fewer places to stand.
    bare = Router(atlas, catalogue).route(
        "Vlissingen", "bcp-zevenaar-emmerich", "man-hx2-6x6", count=40, start=START
    )
    assert sum(len(r.schedule.unsited_halts) for r in bare.routes) >= sum(
        len(r.schedule.unsited_halts) for r in plan.routes
    )
