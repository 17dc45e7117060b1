"""The readers' common form: which ways are kept, and how collected ways become arrays."""

from __future__ import annotations

import pytest

from mobility.errors import DataError
from mobility.network._osm_data import WayCollector, classify_way


@pytest.mark.parametrize(
    ("tags", "mode"),
    [
        ({"highway": "motorway"}, "road"),
        ({"highway": "tertiary_link"}, "road"),
        ({"highway": "residential"}, None),
        ({"railway": "rail"}, "rail"),
        ({"railway": "rail", "service": "spur"}, "rail"),
        ({"railway": "rail", "service": "yard"}, None),
        ({"railway": "tram"}, None),
        ({"highway": "services"}, None),
    ],
)
def test_classify_way(tags: dict[str, str], mode: str | None) -> None:
    assert classify_way(tags) == mode


def _collector() -> WayCollector:
    collector = WayCollector()
    for node, lon in ((30, 5.2), (10, 5.0), (20, 5.1), (99, 9.0)):
        collector.add_node(node, lon, 52.0, {"name": f"n{node}"} if node in (20, 99) else None)
    collector.add_way(2, [10, 20, 30], {"highway": "primary"}, "road")
    collector.add_way(1, [30, 40], {"railway": "rail"}, "rail")  # node 40 has no location
    collector.add_way(3, [10], {"highway": "primary"}, "road")  # too short: dropped
    return collector


def test_finish_sorts_nodes_and_keeps_only_referenced_ones() -> None:
    ways = _collector().finish()
    assert ways.way_ids.tolist() == [2, 1]
    assert ways.offsets.tolist() == [0, 3, 5]
    assert ways.refs.tolist() == [10, 20, 30, 30, 40]
    assert ways.modes == ["road", "rail"] and ways.n_ways == 2
    assert ways.node_ids.tolist() == [10, 20, 30]  # 99 is used by no way
    assert ways.node_lon.tolist() == [5.0, 5.1, 5.2]
    assert ways.node_tags == {20: {"name": "n20"}}


def test_repeated_ids_are_refused_unless_ways_may_repeat() -> None:
    collector = _collector()
    collector.add_way(2, [20, 30], {"highway": "primary"}, "road")
    with pytest.raises(DataError, match=r"way id 2 appears twice.*osmium merge"):
        collector.finish()
    assert collector.finish(unique_ways=False).n_ways == 3  # osmnx edges share way ids
    collector.add_node(10, 5.0, 52.0, None)
    with pytest.raises(DataError, match="node id 10 appears twice"):
        collector.finish(unique_ways=False)


def test_sites_from_nodes_and_outlines() -> None:
    collector = _collector()
    services = {"highway": "services", "name": "De Kempen"}
    collector.add_site_node(500, 5.05, 52.01, services)
    collector.add_site_node(501, 5.06, 52.01, {"amenity": "parking"})  # no hgv: no site
    outline = [61, 62, 63, 64, 61]
    for node, (lon, lat) in zip(
        outline[:4], [(5.0, 52.02), (5.002, 52.02), (5.002, 52.021), (5.0, 52.021)], strict=True
    ):
        collector.add_node(node, lon, lat, None)
    collector.add_site_area(600, outline, {"highway": "rest_area"})
    collector.add_site_area(601, [61, 62], {"highway": "rest_area"})  # two nodes: no area
    assert collector.site_refs() == outline
    ways = collector.finish()
    sites = {site.id: site for site in ways.halt_sites}
    assert set(sites) == {"osm_node_500", "osm_way_600"}
    assert (sites["osm_node_500"].lon, sites["osm_node_500"].name) == (5.05, "De Kempen")
    assert sites["osm_way_600"].area_m2 == pytest.approx(137 * 111.3, rel=0.02)
    assert 61 not in ways.node_ids.tolist()  # outline nodes are no network nodes


def test_an_outline_missing_nodes_is_skipped() -> None:
    collector = WayCollector()
    collector.add_node(1, 5.0, 52.0, None)
    collector.add_node(2, 5.1, 52.0, None)
    collector.add_way(9, [1, 2], {"highway": "primary"}, "road")
    collector.add_site_area(600, [1, 70, 71, 1], {"highway": "rest_area"})
    assert collector.finish().halt_sites == []


def test_is_in_equals_numpy_isin() -> None:
    import numpy as np

    from mobility.network._osm_data import _is_in

    rng = np.random.default_rng(5)
    for size in (0, 1, 7, 300):
        distinct = np.unique(rng.integers(0, 500, size))
        ids = rng.integers(-5, 505, 200)
        assert np.array_equal(_is_in(ids, distinct), np.isin(ids, distinct))
