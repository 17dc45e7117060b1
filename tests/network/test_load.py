from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from mobility import BuildOptions, DataError, load_network
from mobility.network import cache
from mobility.network._summary import network_summary
from mobility.network.load import collector_paused

DATA = Path(__file__).parent.parent / "data"
TINY = DATA / "tiny.osm"
KEEP_ALL = BuildOptions(clip=False, fragments="keep")


def test_loads_tiny_extract_with_places(tiny_corridors: Path) -> None:
    network = load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    assert network.road.graph["crs"] == "EPSG:4326"
    assert network.road.number_of_edges() > 0 and network.rail.number_of_edges() > 0
    places = {place.name: place for place in network.places}
    assert places["Tiny border <crossing>"].kind == "bcp"
    assert places["Tiny border <crossing>"].node == 3  # nearest road node
    assert places["Tiny ramp"].kind == "rail_terminal" and places["Tiny ramp"].role == "ramp"
    assert places["Tiny ramp"].node == 12
    assert places["Teststation"].kind == "station"
    assert places["Knooppunt Test & <Co>"].kind == "junction"
    for _, _, data in network.road.edges(data=True):
        assert data["corridors"] == ["tiny"]


def test_summary_counts_structures(tiny_corridors: Path) -> None:
    network = load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    summary = network_summary(network)["tiny"]
    assert summary["bridges"] == ["Testbrug"]
    assert summary["border_crossings"] == ["Tiny border <crossing>"]
    # 1-2-3 motorway (one way, ~1.37 km) + 2-5 (2.22 km) + 5-6 bridge (1.11 km)
    assert sum(summary["road_km_by_class"].values()) == pytest.approx(4.7, abs=0.05)
    assert summary["rail_km"] == pytest.approx(4.1, abs=0.05)


def test_unknown_corridor(tiny_corridors: Path) -> None:
    with pytest.raises(
        DataError, match=r"unknown corridor 'nort'; expected one of west, east, tiny"
    ):
        load_network(TINY, corridor_file=tiny_corridors, corridors=["nort"])


def test_extract_outside_the_corridors(tiny_corridors: Path) -> None:
    with pytest.raises(DataError, match=r"no road .* or rail ways inside corridors west"):
        load_network(TINY, corridor_file=tiny_corridors, corridors=["west"])


def test_empty_extract(tmp_path: Path, tiny_corridors: Path) -> None:
    empty = tmp_path / "empty.osm"
    empty.write_text("<osm version='0.6'></osm>")
    with pytest.raises(DataError, match=r"empty\.osm.*has no road"):
        load_network(empty, corridor_file=tiny_corridors)


def test_unknown_format(tmp_path: Path) -> None:
    odd = tmp_path / "data.csv"
    odd.write_text("a,b")
    with pytest.raises(DataError, match="unknown format"):
        load_network(odd)


def test_second_load_comes_from_cache(tmp_path: Path, tiny_corridors: Path) -> None:
    source = tmp_path / "tiny.osm"
    source.write_bytes(TINY.read_bytes())
    first = load_network(source, corridor_file=tiny_corridors, corridors=["tiny"])
    started = time.perf_counter()
    second = load_network(source, corridor_file=tiny_corridors, corridors=["tiny"])
    assert time.perf_counter() - started < 0.5
    assert sorted(second.road.edges) == sorted(first.road.edges)
    assert second is not first


def test_cache_is_keyed_by_content_and_options(tmp_path: Path, tiny_corridors: Path) -> None:
    source = tmp_path / "tiny.osm"
    source.write_bytes(TINY.read_bytes())
    first = load_network(source, corridor_file=tiny_corridors, corridors=["tiny"])
    other = load_network(
        source,
        corridor_file=tiny_corridors,
        corridors=["tiny"],
        options=BuildOptions(consolidate_tolerance_m=0, fragments="keep"),
    )
    assert other.report.fragments["road"].policy == "keep"
    # Change the content: the bridge gets a lower weight limit; the cache must miss.
    source.write_text(TINY.read_text().replace('v="30"', 'v="12"'))
    changed = load_network(source, corridor_file=tiny_corridors, corridors=["tiny"])
    assert first.road.edges[5, 6, 0]["maxweight_t"] == 30
    assert changed.road.edges[5, 6, 0]["maxweight_t"] == 12


def test_corrupt_cache_is_rebuilt(
    tmp_path: Path, tiny_corridors: Path, isolated_cache: Path
) -> None:
    load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    files = list(isolated_cache.glob("network-*.npz"))
    assert len(files) == 1
    data = bytearray(files[0].read_bytes())
    data[-10] ^= 0xFF
    files[0].write_bytes(bytes(data))
    assert cache.load_cached(files[0].stem.removeprefix("network-")) is None
    assert not files[0].exists()  # the corrupt file is removed...
    network = load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    assert network.road.number_of_edges() > 0
    assert files[0].exists()  # ...and written anew


def test_truncated_cache_file_is_rebuilt(isolated_cache: Path, tiny_corridors: Path) -> None:
    load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    (path,) = isolated_cache.glob("network-*.npz")
    path.write_bytes(path.read_bytes()[:50])
    network = load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    assert network.rail.number_of_edges() == 4


@pytest.mark.realdata
def test_real_sources_build(shared_osm: Path, tiny_corridors: Path) -> None:
    hague = load_network(
        shared_osm / "nl332-the-hague-main-roads.osm",
        corridor_file=tiny_corridors,
        corridors=["west"],
    )
    assert hague.road.number_of_edges() > 1000
    assert hague.report.consolidated_nodes["road"][1] < hague.report.consolidated_nodes["road"][0]
    amsterdam = load_network(
        shared_osm / "amsterdam-east.osm.pbf",
        corridor_file=tiny_corridors,
        options=BuildOptions(clip=False, fragments="keep"),
    )
    assert amsterdam.road.number_of_edges() > 0
    rail = load_network(
        shared_osm / "nl-railways-2014",
        corridor_file=tiny_corridors,
        options=BuildOptions(clip=False),
    )
    assert rail.rail.number_of_edges() > 10_000
    assert rail.road.number_of_edges() == 0


def test_code_change_misses_the_cache(
    isolated_cache: Path, tiny_corridors: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    monkeypatch.setattr(cache, "code_digest", lambda: "a newer version of the code")
    load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    assert len(list(isolated_cache.glob("network-*.npz"))) == 2


def test_graphs_follow_osmnx_conventions(tiny_corridors: Path) -> None:
    import osmnx as ox

    network = load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    nodes, edges = ox.graph_to_gdfs(network.road)
    assert str(nodes.crs) == "EPSG:4326" and {"x", "y"} <= set(nodes.columns)
    assert {"osmid", "length", "geometry", "oneway", "reversed"} <= set(edges.columns)
    projected = ox.project_graph(network.road, to_crs="EPSG:28992")
    assert projected.graph["crs"] == "EPSG:28992"
    route = ox.shortest_path(network.road, 1, 6, weight="length")
    assert route == [1, 2, 5, 6]


def _sites_in_every_format(folder: Path) -> dict[str, Path]:
    """The same services area (node 3 of ``write_sites_osm``) in each supported format."""
    import osmnx as ox

    from tests.network.test_read_osmnx import small_graph
    from tests.network.test_read_pbf import to_pbf
    from tests.network.test_read_shapefile_sites import current_layout
    from tests.network.test_read_xml import write_sites_osm

    xml = write_sites_osm(folder)
    graph = small_graph()
    graph.nodes[3].update(highway="services")
    (folder / "shp").mkdir()
    ox.save_graphml(graph, folder / "g.graphml")
    ox.save_graph_geopackage(graph, folder / "g.gpkg")
    return {
        "osm-xml": xml,
        "osm-pbf": to_pbf(xml, folder / "sites.osm.pbf"),
        "shapefile": current_layout(folder / "shp"),
        "osmnx-graphml": folder / "g.graphml",
        "osmnx-gpkg": folder / "g.gpkg",
    }


def test_every_format_gives_its_halt_sites(tmp_path: Path, tiny_corridors: Path) -> None:
    # A user of any supported format gets halts at the input's rest areas (#13, #18).
    expected = {
        "osm-xml": {"osm_node_3", "osm_node_21", "osm_way_200"},
        "osm-pbf": {"osm_node_3", "osm_node_21", "osm_way_200"},
        "shapefile": {"osm_node_21", "osm_way_31"},
        "osmnx-graphml": {"osm_node_3"},
        "osmnx-gpkg": {"osm_node_3"},
    }
    for input_format, path in _sites_in_every_format(tmp_path).items():
        network = load_network(path, corridor_file=tiny_corridors, options=KEEP_ALL)
        assert network.report.input_format == input_format
        assert {site.id for site in network.halt_sites} == expected[input_format], input_format
        count = len(expected[input_format])
        assert f"{count:,} halt sites read (rest and service areas, HGV parking)" in (
            network.report.notes
        )


def test_site_layers_are_inputs_of_the_cache(tmp_path: Path) -> None:
    from mobility.network.load import network_input_files
    from tests.network.test_read_shapefile_sites import current_layout

    files = {p.name for p in network_input_files(current_layout(tmp_path), None)}
    assert {"gis_osm_traffic_free_1.dbf", "gis_osm_traffic_a_free_1.shp"} <= files


@pytest.mark.realdata
def test_real_n201_folder_gives_its_service_areas(shared_osm: Path, tiny_corridors: Path) -> None:
    network = load_network(
        shared_osm / "n201-haarlemmermeer-roads-2016",
        corridor_file=tiny_corridors,
        options=BuildOptions(clip=False),
    )
    assert sorted(site.id for site in network.halt_sites) == [
        "osm_way_74983262",
        "osm_way_74983277",
    ]
    notes = network.report.notes
    assert "2 halt sites read (rest and service areas, HGV parking)" in notes
    assert any(note.startswith("n201-haarlemmermeer-roads-2016 has no layer") for note in notes)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_during_a_load_and_restored_after(enabled: bool) -> None:
    # (#13, speed only) No full collection walks a load's objects while it builds them.
    seen: list[bool] = []
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with collector_paused():
            seen.append(gc.isenabled())
        assert seen == [False] and gc.isenabled() is enabled
        with pytest.raises(ValueError), collector_paused():
            raise ValueError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
