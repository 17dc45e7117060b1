from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from shapely.geometry import LineString

from mobility.model.corridor import Corridor, CorridorSet, Place
from mobility.network._read_xml import read_osm_xml
from mobility.network.build import BuildOptions, build_graphs
from mobility.network.places import attach_places, core_nodes, one_way_places
from mobility.network.report import LoadReport

DATA = Path(__file__).parent.parent / "data"


def graphs() -> tuple[nx.MultiDiGraph, nx.MultiDiGraph]:
    built = build_graphs(
        read_osm_xml(DATA / "tiny.osm"),
        clip_polygon=None,
        options=BuildOptions(clip=False),
        report=LoadReport("t", "t"),
    )
    return built["road"], built["rail"]


def corridor_set(*places: Place) -> CorridorSet:
    corridor = Corridor(
        id="tiny", name="t", buffer_m=1000, spines=(((4.0, 52.0), (4.1, 52.1)),), assumption="test"
    )
    return CorridorSet(corridors={"tiny": corridor}, places=places)


def place(place_id: str, lon: float, lat: float, mode: str = "road", kind: str = "csc") -> Place:
    return Place(
        id=place_id,
        kind=kind,
        name=place_id,
        corridors=("tiny",),
        lon=lon,
        lat=lat,
        mode=mode,
        assumption="test",
    )


def test_place_beside_an_edge_splits_both_directions() -> None:
    road, rail = graphs()
    before_m = road.edges[2, 5, 0]["length_m"]
    (attached, *_) = attach_places(road, rail, corridor_set(place("csc-mid", 4.0105, 52.012)))
    node = attached.node
    assert node is not None and node < 0  # a new node, with an id OSM never uses
    assert attached.distance_to_node_m == pytest.approx(36, abs=2)
    assert road.nodes[node]["place"] == "csc-mid"
    assert not road.has_edge(2, 5) and not road.has_edge(5, 2)
    for a, b in ((2, node), (node, 5), (5, node), (node, 2)):
        assert road.has_edge(a, b)
    assert road.edges[2, node, 0]["length_m"] + road.edges[node, 5, 0]["length_m"] == pytest.approx(
        before_m
    )
    assert road.edges[2, node, 0]["lanes"] == 3 and road.edges[node, 2, 0]["lanes"] == 2
    end = road.edges[2, node, 0]["geometry"].coords[-1]
    assert end == pytest.approx((road.nodes[node]["x"], road.nodes[node]["y"]))
    assert nx.has_path(road, 1, node) and nx.has_path(road, node, 6)


def test_place_near_a_node_uses_it_and_far_place_stays_unattached() -> None:
    road, rail = graphs()
    near, far, ramp = attach_places(
        road,
        rail,
        corridor_set(
            place("bcp-near", 4.021, 52.0, kind="bcp"),
            place("far", 5.0, 53.0),
            place("ramp", 4.0601, 52.05, mode="rail", kind="ramp"),
        ),
    )[:3]
    assert near.node == 3
    assert far.node is None and far.distance_to_node_m > 100_000
    assert ramp.node == 12 and ramp.kind == "rail_terminal" and ramp.role == "ramp"


def test_several_places_on_one_edge_split_it_in_order() -> None:
    road, rail = graphs()
    first, second = attach_places(
        road, rail, corridor_set(place("a", 4.0105, 52.006), place("b", 4.0105, 52.014))
    )[:2]
    assert first.node is not None and second.node is not None
    path = nx.shortest_path(road, 2, 5, weight="length_m")
    assert path == [2, first.node, second.node, 5]


def one_way_graph() -> nx.MultiDiGraph:
    """A two-way square (the core) with a one-way road entering it and one leaving it.

    Node 10 starts a one-way road into the core (in-degree 0: the start of a
    carriageway entering an extract); node 20 ends a one-way road leaving it
    (a dead end). Both lie closer to the places below than any core node.
    """
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    positions = {1: (4.00, 52.00), 2: (4.02, 52.00), 3: (4.02, 52.02), 4: (4.00, 52.02)}
    positions |= {10: (3.97, 52.00), 20: (4.05, 52.02)}
    for node, (x, y) in positions.items():
        graph.add_node(node, x=x, y=y)

    def road(u: int, v: int, osmid: int, *, reverse: bool = False) -> None:
        geometry = LineString([positions[u], positions[v]])
        graph.add_edge(u, v, osmid=osmid, reversed=reverse, geometry=geometry, length_m=1.0)

    for osmid, (u, v) in enumerate(((1, 2), (2, 3), (3, 4), (4, 1)), start=100):
        road(u, v, osmid)
        road(v, u, osmid, reverse=True)
    road(10, 1, 200)  # one-way into the core
    road(3, 20, 201)  # one-way out of it
    return graph


@pytest.mark.parametrize(
    ("kind", "lon", "lat", "expected"),
    [
        ("csc", 3.969, 52.0, 1),  # both ways: never the one-way start, the core node instead
        ("csc", 4.051, 52.02, 3),  # ... nor the dead end
        ("spod", 3.969, 52.0, 10),  # an entry port may sit where a carriageway enters
        ("spod", 4.051, 52.02, 3),  # ... but not at a dead end
        ("bcp", 4.051, 52.02, 20),  # an exit may sit where a carriageway leaves
        ("bcp", 3.969, 52.0, 1),  # ... but not at a node nothing reaches
    ],
)
def test_places_attach_where_they_can_be_reached(
    kind: str, lon: float, lat: float, expected: int
) -> None:
    graph = one_way_graph()
    (attached, *_) = attach_places(
        graph, nx.MultiDiGraph(), corridor_set(place("p", lon, lat, kind=kind))
    )
    assert attached.node == expected
    node = attached.node
    if kind != "bcp":
        assert nx.has_path(graph, node, 2)
    if kind != "spod":
        assert nx.has_path(graph, 2, node)


def test_one_way_places_are_reported() -> None:
    graph = one_way_graph()
    places = attach_places(
        graph,
        nx.MultiDiGraph(),
        corridor_set(
            place("entry", 3.969, 52.0, kind="spod"),
            place("exit", 4.051, 52.02, kind="bcp"),
            place("centre", 4.0, 52.0),
        ),
    )
    assert one_way_places(graph, nx.MultiDiGraph(), places) == [
        "entry (entry only)",
        "exit (exit only)",
    ]


def test_core_keeps_large_components_apart_and_drops_small_loops() -> None:
    graph = one_way_graph()
    offset = 1000
    for u, v, data in list(one_way_graph().edges(data=True)):
        graph.add_edge(u + offset, v + offset, **data)
    for node, data in one_way_graph().nodes(data=True):
        graph.add_node(node + offset, **data)
    graph.add_edge(1, 2000, osmid=1)  # a one-node "component" reached from the core
    graph.add_node(2000, x=4.0, y=52.0)
    assert core_nodes(graph) == {1, 2, 3, 4, 1001, 1002, 1003, 1004}


EXAMPLES = Path(__file__).parent.parent.parent / "examples" / "real"


@pytest.mark.realdata
def test_hague_places_are_reachable_on_real_osm(shared_osm: Path) -> None:
    """Issue #13 failure 1: on the real Hague file both exits attached to one-way starts."""
    from mobility.network.load import load_network

    network = load_network(
        shared_osm / "nl332-the-hague-main-roads.osm",
        corridor_file=EXAMPLES / "hague-corridors.yaml",
        use_cache=False,
    )
    road = network.road
    core = core_nodes(road)
    assert len(core) > 0.8 * road.number_of_nodes()  # the real file has hundreds of tiny SCCs
    by_id = {p.place_id: p for p in network.places if p.place_id}
    assert set(by_id) == {"spod-scheveningen", "exit-a12-gouda", "exit-a4-leiden"}
    port = by_id["spod-scheveningen"].node
    probe = next(iter(sorted(core)))
    for place in by_id.values():
        assert place.node is not None, place.name
        if place.kind != "spod":
            assert nx.has_path(road, probe, place.node), place.name
        if place.kind != "bcp":
            assert nx.has_path(road, place.node, probe), place.name
    for exit_id in ("exit-a12-gouda", "exit-a4-leiden"):
        assert nx.has_path(road, port, by_id[exit_id].node)
    assert all(
        name.endswith(("(entry only)", "(exit only)")) for name in network.report.one_way_places
    )
