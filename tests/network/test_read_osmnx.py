from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
import pytest
from shapely.geometry import LineString, Point

from mobility import BuildOptions, load_network
from mobility.errors import DataError
from mobility.network._osm_data import OsmWays
from mobility.network._read_osmnx import (
    find_geopackage_layers,
    read_osmnx_geopackage,
    read_osmnx_graphml,
)
from mobility.network.load import detect_format

DATA = Path(__file__).parent.parent / "data"
RAW = BuildOptions(clip=False, consolidate_tolerance_m=0, fragments="keep")


def small_graph() -> nx.MultiDiGraph:
    """A motorway (one way, simplified from two OSM ways) and a two-way primary road."""
    graph = nx.MultiDiGraph(crs="epsg:4326")
    graph.add_node(1, x=5.0, y=52.0, highway="motorway_junction", ref="12", street_count=1)
    graph.add_node(2, x=5.01, y=52.0, street_count=3)
    graph.add_node(3, x=5.02, y=52.001, street_count=2)
    graph.add_edge(
        1,
        2,
        osmid=[10, 11],
        highway="motorway",
        oneway=True,
        reversed=False,
        length=686.0,
        lanes=["3", "2"],
        maxspeed=["100", "130"],
        ref="A1",
    )
    there = LineString([(5.01, 52.0), (5.015, 52.002), (5.02, 52.001)])
    for u, v, geometry, backward in ((2, 3, there, False), (3, 2, there.reverse(), True)):
        graph.add_edge(
            u,
            v,
            osmid=12,
            highway="primary",
            oneway=False,
            reversed=backward,
            length=700.0,
            lanes="2",
            name="Dorpsweg",
            geometry=geometry,
        )
    return graph


def way_refs(ways: OsmWays) -> list[list[int]]:
    return [ways.refs[ways.offsets[i] : ways.offsets[i + 1]].tolist() for i in range(ways.n_ways)]


def check_small_graph_ways(ways: OsmWays) -> None:
    assert ways.ways_read == 2 and ways.modes == ["road", "road"]
    motorway, primary = sorted(range(2), key=lambda i: ways.way_tags[i]["highway"])
    assert ways.way_ids[motorway] == 10
    assert ways.way_tags[motorway] == {
        "highway": "motorway",
        "oneway": "yes",
        "lanes": "3;2",
        "maxspeed": "100;130",
        "ref": "A1",
    }
    assert ways.way_tags[primary]["oneway"] == "no"
    refs = way_refs(ways)
    assert refs[motorway] == [1, 2]
    assert refs[primary][0] in (2, 3) and refs[primary][-1] in (2, 3) and len(refs[primary]) == 3
    assert refs[primary][1] < 0  # the inner vertex gets a synthetic id
    assert ways.node_tags[1] == {"highway": "motorway_junction", "ref": "12"}


def test_graphml_becomes_ways(tmp_path: Path) -> None:
    ox.save_graphml(small_graph(), tmp_path / "g.graphml")
    check_small_graph_ways(read_osmnx_graphml(tmp_path / "g.graphml"))


def test_geopackage_becomes_ways(tmp_path: Path) -> None:
    ox.save_graph_geopackage(small_graph(), tmp_path / "g.gpkg")
    check_small_graph_ways(read_osmnx_geopackage(tmp_path / "g.gpkg"))


def test_nodes_tagged_as_rest_areas_are_halt_sites(tmp_path: Path) -> None:
    graph = small_graph()
    graph.nodes[3].update(highway="services", name="De Kempen")
    graph.nodes[2].update(amenity="parking")  # no hgv: a car park, no halt site
    ox.save_graphml(graph, tmp_path / "g.graphml")
    ox.save_graph_geopackage(graph, tmp_path / "g.gpkg")
    for ways in (read_osmnx_graphml(tmp_path / "g.graphml"), read_osmnx_geopackage(tmp_path)):
        (site,) = ways.halt_sites
        assert (site.id, site.kind, site.name) == ("osm_node_3", "services", "De Kempen")
        assert (site.lon, site.lat) == pytest.approx((5.02, 52.001))
        assert ways.node_tags[3]["highway"] == "services"


def test_projected_graphml_is_read_in_wgs84(tmp_path: Path) -> None:
    ox.save_graphml(ox.project_graph(small_graph(), to_crs="EPSG:28992"), tmp_path / "g.graphml")
    ways = read_osmnx_graphml(tmp_path / "g.graphml")
    index = {int(n): i for i, n in enumerate(ways.node_ids)}
    assert ways.node_lon[index[3]] == pytest.approx(5.02, abs=1e-7)
    assert ways.node_lat[index[3]] == pytest.approx(52.001, abs=1e-7)


def test_graphml_and_geopackage_build_the_same_graph(tmp_path: Path, tiny_corridors: Path) -> None:
    ox.save_graphml(small_graph(), tmp_path / "g.graphml")
    ox.save_graph_geopackage(small_graph(), tmp_path / "g.gpkg")
    graphs = [
        load_network(tmp_path / name, corridor_file=tiny_corridors, options=RAW).road
        for name in ("g.graphml", "g.gpkg")
    ]
    for graph in graphs:
        assert sorted((u, v) for u, v in graph.edges() if u > 0 and v > 0) == [
            (1, 2),
            (2, 3),
            (3, 2),
        ]
        motorway = graph.edges[1, 2, 0]
        assert motorway["lanes"] == 2 and motorway["maxspeed_kph"] == 100.0
        assert motorway["oneway"] and motorway["osmid"] == 10
        assert graph.edges[2, 3, 0]["lanes"] == 1  # two lanes in all, one each way
    lengths = [sorted(d["length_m"] for _, _, d in graph.edges(data=True)) for graph in graphs]
    assert np.allclose(lengths[0], lengths[1])


def test_saved_network_round_trips_through_graphml(tmp_path: Path, tiny_corridors: Path) -> None:
    first = load_network(DATA / "tiny.osm", corridor_file=tiny_corridors, options=RAW)
    ox.save_graphml(first.road, tmp_path / "road.graphml")
    again = load_network(tmp_path / "road.graphml", corridor_file=tiny_corridors, options=RAW)
    assert sorted(again.road.edges()) == sorted(first.road.edges())
    for u, v, key, data in first.road.edges(keys=True, data=True):
        assert again.road.edges[u, v, key]["length_m"] == pytest.approx(data["length_m"])
        assert again.road.edges[u, v, key]["highway"] == data["highway"]


def test_formats_are_detected(tmp_path: Path) -> None:
    ox.save_graphml(small_graph(), tmp_path / "g.graphml")
    (tmp_path / "folder").mkdir()
    ox.save_graph_geopackage(small_graph(), tmp_path / "folder" / "g.gpkg")
    assert detect_format(tmp_path / "g.graphml") == "osmnx-graphml"
    assert detect_format(tmp_path / "folder" / "g.gpkg") == "osmnx-gpkg"
    assert detect_format(tmp_path / "folder") == "osmnx-gpkg"


def test_layers_split_over_two_files_are_paired(tmp_path: Path) -> None:
    nodes, edges = ox.graph_to_gdfs(small_graph())
    nodes.reset_index().to_file(tmp_path / "base_graph_nodes.gpkg", layer="base_graph_nodes")
    edges.reset_index().to_file(tmp_path / "base_graph_edges.gpkg", layer="base_graph_edges")
    gpd.GeoDataFrame({"id": [1]}, geometry=[Point(5, 52)], crs=4326).to_file(
        tmp_path / "other.gpkg", layer="base_network"
    )
    assert find_geopackage_layers(tmp_path) == (
        (tmp_path / "base_graph_nodes.gpkg", "base_graph_nodes"),
        (tmp_path / "base_graph_edges.gpkg", "base_graph_edges"),
    )
    assert find_geopackage_layers(tmp_path / "base_graph_edges.gpkg")[0][1] == "base_graph_nodes"
    check_small_graph_ways(read_osmnx_geopackage(tmp_path))


def test_edge_direction_follows_geometry_when_u_and_v_are_swapped(tmp_path: Path) -> None:
    _, edges = ox.graph_to_gdfs(small_graph())
    nodes, _ = ox.graph_to_gdfs(small_graph())
    edges = edges.reset_index()
    edges = edges[edges["u"] == 1]  # the one-way motorway, stored v -> u
    edges[["u", "v"]] = edges[["v", "u"]].to_numpy()
    path = tmp_path / "g.gpkg"
    nodes.reset_index().to_file(path, layer="nodes")
    edges.to_file(path, layer="edges")
    assert way_refs(read_osmnx_geopackage(path)) == [[1, 2]]


# --- bad input -------------------------------------------------------------------------------


def test_geopackage_without_graph_layers(tmp_path: Path) -> None:
    path = tmp_path / "roads.gpkg"
    gpd.GeoDataFrame({"id": [1]}, geometry=[LineString([(5, 52), (5.1, 52)])], crs=4326).to_file(
        path, layer="roads"
    )
    with pytest.raises(DataError, match=r"roads\.gpkg.*no osmnx graph.*'nodes' and 'edges'"):
        read_osmnx_geopackage(path)


def test_geopackage_edges_without_u_v(tmp_path: Path) -> None:
    nodes, edges = ox.graph_to_gdfs(small_graph())
    path = tmp_path / "g.gpkg"
    nodes.reset_index().to_file(path, layer="nodes")
    edges.reset_index().drop(columns=["u", "v"]).to_file(path, layer="edges")
    with pytest.raises(DataError, match=r"g\.gpkg.*layer 'edges' lacks the field\(s\) u, v"):
        read_osmnx_geopackage(path)


def test_graphml_without_coordinates(tmp_path: Path) -> None:
    graph = small_graph()
    for _, data in graph.nodes(data=True):
        del data["x"], data["y"]
    ox.save_graphml(graph, tmp_path / "g.graphml")
    with pytest.raises(DataError, match=r"g\.graphml.*without coordinates.*'x' and 'y'"):
        read_osmnx_graphml(tmp_path / "g.graphml")


def test_graphml_that_is_not_graphml(tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    path.write_text("<osm version='0.6'><node id='1'/>")
    with pytest.raises(DataError, match=r"g\.graphml.*cannot be read as an osmnx graph"):
        read_osmnx_graphml(path)


def test_geopackage_with_impossible_coordinates(tmp_path: Path) -> None:
    graph = small_graph()
    graph.graph["crs"] = "EPSG:28992"  # degrees labelled as RD New metres
    ox.save_graph_geopackage(graph, tmp_path / "g.gpkg")
    with pytest.raises(DataError, match=r"g\.gpkg.*look like longitude/latitude"):
        read_osmnx_geopackage(tmp_path / "g.gpkg")


# --- real file ------------------------------------------------------------------------------


@pytest.mark.realdata
def test_utrecht_geopackage(shared_osm: Path) -> None:
    source = shared_osm / "utrecht-osmnx-graph"
    ways = read_osmnx_geopackage(source)
    assert ways.ways_read == 948 and ways.n_ways == 948
    assert int((ways.node_ids > 0).sum()) == 715
    refs = {ref for tags in ways.way_tags for ref in tags.get("ref", "").split(";")}
    assert {"A2", "A12", "A27", "A28"} <= refs
    assert all(tags["highway"] != "nan" and tags.get("ref") != "nan" for tags in ways.way_tags)
    assert ways.halt_sites == []  # its tagged nodes are junctions, signals and crossings
    network = load_network(source, options=BuildOptions(clip=False, consolidate_tolerance_m=0))
    road = network.road
    assert road.number_of_nodes() == 715 and road.number_of_edges() == 904 + 2 * 44
    # Directions come from the geometry (ra2ce saved the graph undirected): most of the
    # motorway network is then one strongly connected piece, not a scatter of sinks.
    assert max(len(c) for c in nx.strongly_connected_components(road)) > 250
    assert network.report.input_format == "osmnx-gpkg"


@pytest.mark.realdata
def test_utrecht_through_the_cli(shared_osm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mobility.cli import main

    assert main(["network", "--osm", str(shared_osm / "utrecht-osmnx-graph"), "--no-clip"]) == 0
    out = capsys.readouterr().out
    assert "osmnx-gpkg" in out and "ways read: 948" in out


def test_graphml_with_entity_declarations_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "g.graphml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph>&b;</graph></graphml>'
    )
    with pytest.raises(DataError, match=r"g\.graphml' declares XML entities"):
        read_osmnx_graphml(path)


def test_cache_follows_the_geopackage_content(tmp_path: Path, tiny_corridors: Path) -> None:
    path = tmp_path / "g.gpkg"
    ox.save_graph_geopackage(small_graph(), path)
    first = load_network(path, corridor_file=tiny_corridors, options=RAW)
    graph = small_graph()
    graph.remove_edge(1, 2)
    graph.remove_node(1)
    ox.save_graph_geopackage(graph, path)
    second = load_network(path, corridor_file=tiny_corridors, options=RAW)
    assert first.road.has_node(1) and not second.road.has_node(1)


def test_geopackage_edge_without_end_node(tmp_path: Path) -> None:
    nodes, edges = ox.graph_to_gdfs(small_graph())
    edges = edges.reset_index()
    edges["v"] = edges["v"].astype("float64")
    edges.loc[0, "v"] = float("nan")
    path = tmp_path / "g.gpkg"
    nodes.reset_index().to_file(path, layer="nodes")
    edges.drop(columns=["from", "to"], errors="ignore").to_file(path, layer="edges")
    with pytest.raises(DataError, match=r"g\.gpkg' layer 'edges' field 'v'.*not node ids"):
        read_osmnx_geopackage(path)


def test_graphml_without_crs_is_read_as_wgs84_with_a_note(tmp_path: Path) -> None:
    graph = small_graph()
    del graph.graph["crs"]
    ox.save_graphml(graph, tmp_path / "g.graphml")
    ways = read_osmnx_graphml(tmp_path / "g.graphml")
    assert ways.n_ways == 2
    assert ways.notes == [
        "g.graphml declares no CRS: its coordinates were read as WGS84 longitude/latitude"
    ]
