from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from mobility.errors import DataError
from mobility.network.read_shapefile import read_geofabrik_shapefile


def write_layer(folder: Path) -> Path:
    # Two rail lines with a 3 m gap between their ends, and a tram line (dropped);
    # one road with the current Geofabrik fields.
    rail = gpd.GeoDataFrame(
        {"osm_id": [1, 2, 3], "name": ["A", "B", "T"], "type": ["rail", "rail", "tram"]},
        geometry=[
            LineString([(5.0, 52.0), (5.01, 52.0)]),
            LineString([(5.01004, 52.0), (5.02, 52.0)]),
            LineString([(5.0, 52.1), (5.01, 52.1)]),
        ],
        crs=4326,
    )
    rail.to_file(folder / "railways.shp")
    roads = gpd.GeoDataFrame(
        {
            "osm_id": [7],
            "fclass": ["motorway"],
            "name": ["A1"],
            "ref": ["A1"],
            "oneway": ["B"],
            "maxspeed": [100],
            "layer": [1],
            "bridge": ["T"],
            "tunnel": ["F"],
        },
        geometry=[LineString([(5.0, 52.2), (5.01, 52.2)])],
        crs=4326,
    )
    roads.to_file(folder / "gis_osm_roads_free_1.shp")
    return folder


def test_layers_are_read_and_gaps_snapped(tmp_path: Path) -> None:
    ways = read_geofabrik_shapefile(write_layer(tmp_path), snap_tolerance_m=5)
    assert ways.ways_read == 4
    assert sorted(ways.modes) == ["rail", "rail", "road"]
    rail_refs = [
        ways.refs[ways.offsets[i] : ways.offsets[i + 1]].tolist()
        for i, mode in enumerate(ways.modes)
        if mode == "rail"
    ]
    # The end of line A and the start of line B (3 m apart) became one node.
    assert rail_refs[0][-1] == rail_refs[1][0]
    road = ways.way_tags[ways.modes.index("road")]
    assert road == {
        "highway": "motorway",
        "name": "A1",
        "ref": "A1",
        "oneway": "no",
        "maxspeed": "100",
        "bridge": "yes",
        "layer": "1",
    }


def test_no_snap_keeps_gap(tmp_path: Path) -> None:
    ways = read_geofabrik_shapefile(write_layer(tmp_path), snap_tolerance_m=0)
    ends = [
        ways.refs[ways.offsets[i] : ways.offsets[i + 1]].tolist()
        for i, mode in enumerate(ways.modes)
        if mode == "rail"
    ]
    assert ends[0][-1] != ends[1][0]


def test_folder_without_layers(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no Geofabrik road or railway shapefile"):
        read_geofabrik_shapefile(tmp_path)


@pytest.mark.realdata
def test_real_railways_2014(shared_osm: Path) -> None:
    ways = read_geofabrik_shapefile(shared_osm / "nl-railways-2014")
    assert ways.ways_read == 12394
    assert set(ways.modes) == {"rail"}
    assert ways.n_ways > 10_000
