from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString

from mobility import BuildOptions, load_network
from mobility.errors import DataError
from mobility.network._osm_data import OsmWays
from mobility.network._read_shapefile import read_geofabrik_shapefile
from mobility.network.load import Network


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


# --- snapping through the reader -------------------------------------------------------------


def way_refs(ways: OsmWays) -> list[list[int]]:
    return [ways.refs[ways.offsets[i] : ways.offsets[i + 1]].tolist() for i in range(ways.n_ways)]


def write_rail(folder: Path, lines: list[LineString], crs: int | None = 4326) -> Path:
    frame = gpd.GeoDataFrame(
        {"osm_id": list(range(1, len(lines) + 1)), "type": ["rail"] * len(lines)},
        geometry=lines,
        crs=4326,
    )
    if crs is not None and crs != 4326:
        frame = frame.to_crs(crs)
    frame.to_file(folder / "railways.shp")
    if crs is None:
        (folder / "railways.prj").unlink()
    return folder


# Near 52N: 1 m is about 1.46e-5 degrees of longitude and 9e-6 of latitude.
T_JUNCTION = [
    LineString([(5.0, 52.0), (5.01, 52.0)]),
    LineString([(5.005, 52.000027), (5.005, 52.01)]),  # ends 3 m north of the first line
]


def test_t_junction_gap_splits_the_line(tmp_path: Path) -> None:
    main, branch = way_refs(read_geofabrik_shapefile(write_rail(tmp_path, T_JUNCTION)))
    assert len(main) == 3 and branch[0] == main[1]


def test_short_connecting_shapefile_line_is_kept(tmp_path: Path) -> None:
    lines = [
        LineString([(5.0, 52.0), (5.01, 52.0)]),
        LineString([(5.010015, 52.0), (5.01006, 52.0)]),  # 3 m long, 1 m gaps
        LineString([(5.010075, 52.0), (5.02, 52.0)]),
    ]
    ways = read_geofabrik_shapefile(write_rail(tmp_path, lines))
    assert ways.n_ways == 3
    a, connector, b = way_refs(ways)
    assert a[-1] == connector[0] and connector[-1] == b[0] and connector[0] != connector[-1]


# --- CRS and damaged files ---------------------------------------------------------------------


def test_shapefile_in_rd_new_is_reprojected(tmp_path: Path) -> None:
    (tmp_path / "wgs84").mkdir()
    (tmp_path / "rd").mkdir()
    wgs84 = read_geofabrik_shapefile(write_rail(tmp_path / "wgs84", T_JUNCTION))
    rd = read_geofabrik_shapefile(write_rail(tmp_path / "rd", T_JUNCTION, crs=28992))
    assert "Amersfoort" in (tmp_path / "rd" / "railways.prj").read_text()
    assert np.allclose(rd.node_lon, wgs84.node_lon, atol=1e-7)
    assert np.allclose(rd.node_lat, wgs84.node_lat, atol=1e-7)
    assert rd.notes == [] and way_refs(rd) == way_refs(wgs84)


def test_missing_prj_is_read_as_wgs84_with_a_note(tmp_path: Path) -> None:
    ways = read_geofabrik_shapefile(write_rail(tmp_path, T_JUNCTION, crs=None))
    assert ways.n_ways == 2
    assert ways.notes == [
        "railways.shp has no .prj: its coordinates were read as WGS84 longitude/latitude"
    ]


def test_rd_numbers_without_prj_are_refused(tmp_path: Path) -> None:
    write_rail(tmp_path, T_JUNCTION, crs=28992)
    (tmp_path / "railways.prj").unlink()
    with pytest.raises(DataError, match=r"railways\.shp.*impossible for 'WGS 84'"):
        read_geofabrik_shapefile(tmp_path)


def test_degrees_in_a_file_labelled_rd_new_are_refused(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"osm_id": [1, 2], "type": ["rail", "rail"]}, geometry=T_JUNCTION)
    frame = frame.set_crs(28992)  # WGS84 numbers, RD New label
    frame.to_file(tmp_path / "railways.shp")
    with pytest.raises(DataError, match=r"railways\.shp.*look like longitude/latitude.*RD New"):
        read_geofabrik_shapefile(tmp_path)


def test_prj_that_is_not_a_crs_is_refused(tmp_path: Path) -> None:
    write_rail(tmp_path, T_JUNCTION)
    (tmp_path / "railways.prj").write_text("this is not a projection")
    with pytest.raises(DataError, match=r"railways\.prj.*not a coordinate reference system"):
        read_geofabrik_shapefile(tmp_path)


def test_truncated_shp_is_refused(tmp_path: Path) -> None:
    write_rail(tmp_path, T_JUNCTION)
    shp = tmp_path / "railways.shp"
    shp.write_bytes(shp.read_bytes()[:-40])
    with pytest.raises(DataError, match=r"railways\.shp.*truncated.*declares \d+ bytes"):
        read_geofabrik_shapefile(tmp_path)


def test_missing_dbf_is_refused(tmp_path: Path) -> None:
    write_rail(tmp_path, T_JUNCTION)
    (tmp_path / "railways.dbf").unlink()
    with pytest.raises(DataError, match=r"railways\.shp.*no attribute table.*railways\.dbf"):
        read_geofabrik_shapefile(tmp_path)


def test_missing_dbf_exits_2_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mobility.cli import main

    write_rail(tmp_path, T_JUNCTION)
    (tmp_path / "railways.dbf").unlink()
    assert main(["network", "--osm", str(tmp_path)]) == 2
    assert "railways.dbf" in capsys.readouterr().err


def test_layer_without_class_field_is_refused(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"osm_id": [1, 2]}, geometry=T_JUNCTION, crs=4326)
    frame.to_file(tmp_path / "railways.shp")
    with pytest.raises(DataError, match=r"railways\.shp.*no field 'fclass' or 'type'"):
        read_geofabrik_shapefile(tmp_path)


# --- real files ----------------------------------------------------------------------------------


def dead_ends_near_unjoined_lines(ways: OsmWays, distance_m: float = 10.0) -> int:
    """Dead ends within ``distance_m`` of a line of their mode that shares no node with theirs."""
    import shapely
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 28992, always_xy=True).transform(ways.node_lon, ways.node_lat)
    position = np.searchsorted(ways.node_ids, ways.refs)
    uses = np.bincount(position, minlength=len(ways.node_ids))
    refs = [position[ways.offsets[i] : ways.offsets[i + 1]] for i in range(ways.n_ways)]
    lines = [shapely.LineString(np.column_stack([x[r], y[r]])) for r in refs]
    tree = shapely.STRtree(lines)
    count = 0
    for i, line_refs in enumerate(refs):
        for end in (line_refs[0], line_refs[-1]):
            if uses[end] != 1:
                continue
            near = tree.query(shapely.Point(x[end], y[end]), "dwithin", distance=distance_m)
            if any(
                j != i
                and ways.modes[j] == ways.modes[i]
                and not set(refs[j].tolist()) & set(line_refs.tolist())
                for j in near.tolist()
            ):
                count += 1
    return count


@pytest.mark.realdata
def test_assen_gap_to_a_line_interior_is_joined(shared_osm: Path) -> None:
    source = shared_osm / "nl-railways-2014"
    ways = read_geofabrik_shapefile(source)
    refs = way_refs(ways)
    (end_line,) = [refs[i] for i in range(ways.n_ways) if ways.way_ids[i] == 6300603]
    (main_line,) = [refs[i] for i in range(ways.n_ways) if ways.way_ids[i] == 4388345]
    shared = set(end_line) & set(main_line)
    assert len(shared) == 1
    # The join is one of way 6300603's ends and lies inside way 4388345, not at its ends.
    (node,) = shared
    assert node in (end_line[0], end_line[-1]) and node not in (main_line[0], main_line[-1])
    # Unsnapped, the two lines share nothing; 43 dead ends lie near a line they are not on.
    unsnapped = read_geofabrik_shapefile(source, snap_tolerance_m=0)
    assert dead_ends_near_unjoined_lines(unsnapped) > 40
    assert dead_ends_near_unjoined_lines(ways) == 0


@pytest.mark.realdata
def test_short_lines_are_kept(shared_osm: Path) -> None:
    ways = read_geofabrik_shapefile(shared_osm / "nl-railways-2014")
    unsnapped = read_geofabrik_shapefile(shared_osm / "nl-railways-2014", snap_tolerance_m=0)
    assert ways.n_ways == unsnapped.n_ways == 10_987  # every `rail` line of the file


@pytest.mark.realdata
def test_n201_without_prj_reads_fast_with_a_note(shared_osm: Path) -> None:
    started = time.perf_counter()
    ways = read_geofabrik_shapefile(shared_osm / "n201-haarlemmermeer-roads-2016")
    assert time.perf_counter() - started < 10
    assert ways.ways_read == 30_527 and ways.n_ways > 4_000
    assert ways.notes[0] == (
        "roads.shp has no .prj: its coordinates were read as WGS84 longitude/latitude"
    )
    assert ways.notes[1].startswith("n201-haarlemmermeer-roads-2016 has no layer of rest")
    assert ways.node_lon.min() > 4.5 and ways.node_lon.max() < 4.95


EEMSHAVEN = "Eemshaven rail terminal"
BENTHEIM = "Oldenzaal \u2013 Bad Bentheim (Bentheim route border crossing)"
#: Line lengths (ProRail km posts, rounded): Eemshaven - Sauwerd - Groningen 33 km, Groningen -
#: Assen - Zwolle 102 km, Zwolle - Wierden - Almelo 48 km, Almelo - Hengelo - Oldenzaal 23 km,
#: Oldenzaal - border 7 km.
EEMSHAVEN_BENTHEIM_KM = 213.0


def rail_route(network: Network) -> tuple[float, float]:
    """Length (km) and westmost longitude of the rail route Eemshaven - Bad Bentheim."""
    import networkx as nx

    places = {place.name: place.node for place in network.places}
    path = nx.shortest_path(network.rail, places[EEMSHAVEN], places[BENTHEIM], weight="length_m")
    length_m = nx.path_weight(network.rail, path, weight="length_m")
    return length_m / 1000, min(network.rail.nodes[node]["x"] for node in path)


@pytest.mark.realdata
@pytest.mark.parametrize("clip", [True, False])
def test_eemshaven_reaches_bad_bentheim_by_rail(shared_osm: Path, clip: bool) -> None:
    network = load_network(shared_osm / "nl-railways-2014", options=BuildOptions(clip=clip))
    length_km, westmost_lon = rail_route(network)
    # Before the fix: no route with the corridors, 264.6 km via Leeuwarden (5.79 E) without.
    assert westmost_lon > 6.0
    assert abs(length_km / EEMSHAVEN_BENTHEIM_KM - 1) < 0.06
