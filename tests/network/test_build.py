from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import box

from mobility.network._read_xml import read_osm_xml
from mobility.network.build import BuildOptions, build_graphs, haversine_m
from mobility.network.report import LoadReport

DATA = Path(__file__).parent.parent / "data"


def build(**options: object) -> tuple[dict[str, object], LoadReport]:
    report = LoadReport(source="tiny", input_format="osm-xml")
    clip = options.pop("clip_polygon", None)
    graphs = build_graphs(
        read_osm_xml(DATA / "tiny.osm"),
        clip_polygon=clip,
        options=BuildOptions(clip=clip is not None, **options),  # type: ignore[arg-type]
        report=report,
    )
    return graphs, report  # type: ignore[return-value]


def test_motorway_is_implicitly_one_way() -> None:
    graphs, _ = build()
    road = graphs["road"]
    assert road.has_edge(1, 2) and road.has_edge(2, 3)  # type: ignore[attr-defined]
    assert not road.has_edge(2, 1) and not road.has_edge(3, 2)  # type: ignore[attr-defined]
    data = road.get_edge_data(1, 2)[0]  # type: ignore[attr-defined]
    assert data["oneway"] is True and data["lanes"] == 3 and data["maxspeed_kph"] == 80
    assert data["ref"] == "A99" and data["highway"] == "motorway"


def test_two_way_road_has_lanes_per_direction_and_is_cut_at_junctions() -> None:
    graphs, report = build()
    road = graphs["road"]
    # Way 101 runs 2-4-5; node 4 is no junction, so one edge 2->5 and its reverse.
    forward = road.get_edge_data(2, 5)[0]  # type: ignore[attr-defined]
    backward = road.get_edge_data(5, 2)[0]  # type: ignore[attr-defined]
    assert 4 not in road  # type: ignore[operator]
    assert forward["lanes"] == 3 and backward["lanes"] == 2
    assert forward["reversed"] is False and backward["reversed"] is True
    assert list(forward["geometry"].coords) == list(backward["geometry"].coords)[::-1]
    assert forward["maxspeed_kph_raw"] == "signals"
    assert report.unparsed["maxspeed"] == 1


def test_lengths_follow_geometry() -> None:
    graphs, _ = build()
    data = graphs["road"].get_edge_data(2, 5)[0]  # type: ignore[attr-defined]
    expected = haversine_m(*[__import__("numpy").array([v]) for v in (4.01, 52.0, 4.01, 52.02)])[0]
    assert data["length_m"] == pytest.approx(expected)
    assert data["length"] == data["length_m"]
    assert 2200 < data["length_m"] < 2250


def test_missing_node_references_are_counted_not_fatal() -> None:
    graphs, report = build()
    assert report.refs_without_location == 1
    bridge = graphs["road"].get_edge_data(5, 6)[0]  # type: ignore[attr-defined]
    assert bridge["bridge"] is True and bridge["maxweight_t"] == 30
    assert bridge["mlc_wheeled"] == 40 and bridge["mlc_tracked"] == 40


def test_rail_is_cut_at_stations_and_two_way() -> None:
    graphs, _ = build()
    rail = graphs["rail"]
    assert set(rail.edges()) == {(10, 11), (11, 10), (11, 12), (12, 11)}  # type: ignore[attr-defined]
    assert rail.nodes[11]["name"] == "Teststation"  # type: ignore[attr-defined]
    data = rail.get_edge_data(10, 11)[0]  # type: ignore[attr-defined]
    assert data["electrified"] is True and data["voltage"] == 1500 and data["tracks"] == 2


def test_clipping_splits_ways_at_the_polygon() -> None:
    # Keep the west: node 3 (lon 4.02) and rail nodes 11 and 12 fall out.
    graphs, report = build(clip_polygon=box(3.99, 51.99, 4.015, 52.07))
    assert set(graphs["road"].nodes) == {1, 2, 5, 6}  # type: ignore[attr-defined]
    assert graphs["road"].has_edge(1, 2)  # type: ignore[attr-defined]
    # The rail line keeps a single node inside: no edge is left.
    assert graphs["rail"].number_of_edges() == 0  # type: ignore[attr-defined]
    assert report.refs_outside_corridors == 3


@pytest.mark.parametrize(
    ("policy", "min_length", "rail_edges"),
    [("keep", 2000.0, 4), ("drop_small", 10_000.0, 0), ("largest", 0.0, 4)],
)
def test_fragment_policies(policy: str, min_length: float, rail_edges: int) -> None:
    graphs, report = build(fragments=policy, min_fragment_length_m=min_length)
    assert graphs["rail"].number_of_edges() == rail_edges  # type: ignore[attr-defined]
    assert report.fragments["rail"].policy == policy
    if rail_edges == 0:
        assert report.fragments["rail"].dropped == 1
        assert report.fragments["rail"].dropped_length_m == pytest.approx(4110, rel=0.01)


def test_component_lengths_equal_the_sums_over_each_subgraph() -> None:
    import random

    import networkx as nx

    from mobility.network.build import _component_lengths_m

    rng = random.Random(3)
    graph = nx.MultiDiGraph()
    # A large component (over half the nodes: the graph's node order) and small ones
    # (their own node sets' order), nodes added in a shuffled order.
    pairs = [(i, i + 1) for i in range(250)] + [
        (rng.randrange(251, 400), rng.randrange(251, 400)) for _ in range(60)
    ]
    rng.shuffle(pairs)
    for u, v in pairs:
        graph.add_edge(u, v, length_m=rng.uniform(0, 1e4) / 3, reversed=rng.random() < 0.4)
    components = list(nx.weakly_connected_components(graph))
    assert len(components) > 5 and max(map(len, components)) * 2 >= graph.number_of_nodes()
    expected = [
        sum(
            d["length_m"] for _, _, d in graph.subgraph(c).edges(data=True) if not d.get("reversed")
        )
        for c in components
    ]
    assert _component_lengths_m(graph, components) == expected  # bit for bit


def test_ways_with_the_same_tags_keep_their_own_ids_and_issues() -> None:
    import numpy as np

    from mobility.network._osm_data import OsmWays
    from mobility.network.build import _WayAttributes

    tags = {"highway": "primary", "maxspeed": "fast", "lanes": "4", "lanes:forward": "x"}
    ways = OsmWays(
        way_ids=np.array([7, 9], dtype=np.int64),
        offsets=np.array([0, 2, 4], dtype=np.int64),
        refs=np.array([1, 2, 2, 3], dtype=np.int64),
        way_tags=[dict(tags), dict(tags)],
        modes=["road", "road"],
        node_ids=np.array([1, 2, 3], dtype=np.int64),
        node_lon=np.zeros(3),
        node_lat=np.zeros(3),
    )
    report = LoadReport(source="x", input_format="osm-xml")
    attributes = _WayAttributes(ways, "road", report)
    assert attributes.oneway(np.array([0, 1, 0])).tolist() == [0, 0, 0]
    first, second = attributes.of(0), attributes.of(1)
    assert (first[0], second[0]) == (7, 9)
    assert first[2][False]["osmid"] == 7 and second[2][True]["osmid"] == 9
    assert first[2][False]["lanes"] == 2 and first[2][True]["lanes"] == 2
    assert "lanes_forward" not in first[2][False]
    assert list(first[2][False])[-2:] == ["osmid", "highway"]  # the order of the attributes
    # Each way reports its own unparsed values once, in way order.
    assert report.unparsed == {"maxspeed": 2, "lanes:forward": 2}
    assert [e["way"] for e in report.unparsed_examples["maxspeed"]] == [7, 9]
