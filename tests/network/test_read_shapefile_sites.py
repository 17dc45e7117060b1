"""Rest and service areas of Geofabrik shapefile folders, current and older layouts (#13, #18)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from mobility.errors import DataError
from mobility.network._read_shapefile import read_geofabrik_shapefile
from mobility.network._read_shapefile_sites import (
    SITE_LAYERS,
    find_site_layers,
    read_shapefile_sites,
)

#: About 137 m x 111 m at 52 N.
SQUARE = [(5.0, 52.01), (5.002, 52.01), (5.002, 52.011), (5.0, 52.011), (5.0, 52.01)]
MOTORWAY = LineString([(4.99, 52.0), (5.01, 52.0)])


def _write(
    folder: Path,
    name: str,
    records: dict[str, list[object]],
    geometry: list[object],
    crs: int | None = 4326,
) -> Path:
    frame = gpd.GeoDataFrame(records, geometry=geometry, crs=crs)
    frame.to_file(folder / name)
    return folder / name


def _motorway(folder: Path) -> Path:
    return _write(
        folder, "gis_osm_roads_free_1.shp", {"osm_id": [1], "fclass": ["motorway"]}, [MOTORWAY]
    )


def current_layout(folder: Path) -> Path:
    """Roads, traffic points and traffic areas as Geofabrik writes them today."""
    _motorway(folder)
    _write(
        folder,
        "gis_osm_traffic_free_1.shp",
        {
            "osm_id": [21, 22, 23],
            "fclass": ["service", "parking", "crossing"],
            "name": ["De Kempen", "P+R", None],
        },
        [Point(5.0, 52.001), Point(5.003, 52.0), Point(5.004, 52.0)],
    )
    _write(
        folder,
        "gis_osm_traffic_a_free_1.shp",
        {"osm_id": [31, 32], "fclass": ["service", "parking"], "name": ["Hazeldonk", None]},
        [Polygon(SQUARE), Polygon([(x + 0.01, y) for x, y in SQUARE])],
    )
    return folder


def older_layout(folder: Path) -> Path:
    """A 2014-style roads layer: a services area drawn as a closed line, a service road."""
    ring = [(x, y - 0.02) for x, y in SQUARE]
    _write(
        folder,
        "roads.shp",
        {"osm_id": [1, 2, 3], "type": ["motorway", "services", "service"], "name": ["", "", ""]},
        [MOTORWAY, LineString(ring), LineString(ring[::-1])],
    )
    return folder


def test_the_current_layout_gives_its_service_areas(tmp_path: Path) -> None:
    ways = read_geofabrik_shapefile(current_layout(tmp_path))
    sites = {site.id: site for site in ways.halt_sites}
    # Car parks have no hgv tag in these layers: none is truck parking; a crossing is no site.
    assert set(sites) == {"osm_node_21", "osm_way_31"}
    point, area = sites["osm_node_21"], sites["osm_way_31"]
    assert (point.kind, point.name, point.area_m2) == ("services", "De Kempen", None)
    assert (point.lon, point.lat) == pytest.approx((5.0, 52.001))
    assert (area.kind, area.name) == ("services", "Hazeldonk")
    assert area.area_m2 == pytest.approx(137 * 111.3, rel=0.02)
    assert not [note for note in ways.notes if "rest and service areas" in note]
    assert ways.n_ways == 1


def test_the_older_roads_layer_gives_its_areas_and_the_report_says_where(tmp_path: Path) -> None:
    ways = read_geofabrik_shapefile(older_layout(tmp_path))
    (site,) = ways.halt_sites
    assert (site.id, site.kind) == ("osm_way_2", "services")  # not the service road
    assert site.area_m2 == pytest.approx(137 * 111.3, rel=0.02)
    (note,) = [note for note in ways.notes if "rest and service areas" in note]
    assert note.startswith(f"{tmp_path.name} has no layer of rest and service areas")
    assert all(layer in note for layer in SITE_LAYERS)
    assert "1 halt sites come from the rest and service areas drawn in its roads layer" in note
    assert ways.way_tags == [{"highway": "motorway"}]


def test_a_roads_folder_without_areas_says_it_gives_no_halt_site(tmp_path: Path) -> None:
    _write(tmp_path, "roads.shp", {"osm_id": [1], "type": ["motorway"]}, [MOTORWAY])
    ways = read_geofabrik_shapefile(tmp_path)
    assert ways.halt_sites == []
    assert any("it gives no halt site" in note for note in ways.notes)


def test_a_rail_only_folder_has_no_note(tmp_path: Path) -> None:
    _write(tmp_path, "railways.shp", {"osm_id": [1], "type": ["rail"]}, [MOTORWAY])
    assert read_shapefile_sites(tmp_path, road_layers=[]) == ([], [])


def test_a_projected_layer_is_reprojected(tmp_path: Path) -> None:
    # Rijksdriehoek (EPSG:28992): a 100 m x 200 m area near Utrecht.
    _motorway(tmp_path)
    x, y = 136_000.0, 455_000.0
    rd = Polygon([(x, y), (x + 100, y), (x + 100, y + 200), (x, y + 200)])
    _write(
        tmp_path,
        "gis_osm_traffic_a_free_1.shp",
        {"osm_id": [5], "fclass": ["service"]},
        [rd],
        crs=28992,
    )
    (site,) = read_geofabrik_shapefile(tmp_path).halt_sites
    assert site.area_m2 == pytest.approx(20_000, rel=0.01)
    assert 5.0 < site.lon < 5.2 and 52.0 < site.lat < 52.15


def test_a_layer_without_a_class_field_is_refused(tmp_path: Path) -> None:
    _motorway(tmp_path)
    _write(
        tmp_path, "gis_osm_traffic_free_1.shp", {"osm_id": [1], "kind": ["service"]}, [Point(5, 52)]
    )
    with pytest.raises(DataError, match=r"traffic_free_1\.shp.*no field 'fclass' or 'type'"):
        read_geofabrik_shapefile(tmp_path)


def test_site_layers_are_found_in_folders_only(tmp_path: Path) -> None:
    current_layout(tmp_path)
    assert [p.name for p in find_site_layers(tmp_path)] == list(SITE_LAYERS[:2])
    assert find_site_layers(tmp_path / "gis_osm_roads_free_1.shp") == []


@pytest.mark.realdata
def test_real_n201_roads_hold_two_service_areas(shared_osm: Path) -> None:
    # The 2014 Haarlemmermeer roads layer has no point or area layer beside it; two of
    # its lines are highway=services areas (closed rings by the A4 near Hoofddorp).
    ways = read_geofabrik_shapefile(shared_osm / "n201-haarlemmermeer-roads-2016")
    sites = sorted(ways.halt_sites, key=lambda s: s.id)
    assert [s.id for s in sites] == ["osm_way_74983262", "osm_way_74983277"]
    assert all(s.kind == "services" for s in sites)
    assert [round(s.area_m2 or 0, -2) for s in sites] == [49_100, 65_900]
    assert all(4.68 < s.lon < 4.69 and 52.25 < s.lat < 52.27 for s in sites)
    assert any("2 halt sites come from" in note for note in ways.notes)


@pytest.mark.realdata
def test_real_railways_have_no_halt_sites_and_no_note(shared_osm: Path) -> None:
    ways = read_geofabrik_shapefile(shared_osm / "nl-railways-2014")
    assert ways.halt_sites == [] and ways.notes == []
