from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString

from mobility.network.build import haversine_m
from mobility.routing._routes import Route, RoutePlan, _geometry
from mobility.routing.router import Router


@pytest.fixture(scope="module")
def long_plan(router: Router) -> RoutePlan:
    # Far enough for halts on the way.
    return router.route("Vlissingen", "Venlo (A67", "man-hx2-6x6", count=40, k=2)


def test_the_geometry_runs_from_origin_to_destination_along_the_edges(
    long_plan: RoutePlan,
) -> None:
    route = long_plan.routes[0]
    coords = np.asarray(route.geometry.coords)
    graph = route.graph
    first, last = route.edges[0][0], route.edges[-1][1]
    assert tuple(coords[0]) == (graph.nodes[first]["x"], graph.nodes[first]["y"])
    assert tuple(coords[-1]) == (graph.nodes[last]["x"], graph.nodes[last]["y"])
    along = haversine_m(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1]).sum()
    assert along == pytest.approx(route.length_m, rel=0.02)


def test_edge_entry_times_count_the_halts_before_each_edge(long_plan: RoutePlan) -> None:
    route: Route = long_plan.routes[0]
    schedule = route.schedule
    assert schedule.halts, "the fixture route should halt"
    entry = route.edge_entry_s
    assert entry[0] == 0.0 and (np.diff(entry) > 0).all()
    halted_s = sum((h.end - h.start).total_seconds() for h in schedule.halts)
    arrive_s = (schedule.arrive - schedule.start).total_seconds()
    assert entry[-1] + route.edge_times_s[-1] == pytest.approx(arrive_s, abs=1.0)
    assert sum(route.edge_times_s) + halted_s == pytest.approx(arrive_s, abs=1.0)


def test_ref_spans_run_from_the_head_entering_to_the_tail_leaving(long_plan: RoutePlan) -> None:
    route = long_plan.routes[0]
    spans = route.ref_spans_s
    assert set(spans) == set(route.refs)
    pass_s = (route.schedule.clear - route.schedule.arrive).total_seconds()
    clear_s = (route.schedule.clear - route.schedule.start).total_seconds()
    for begin, end in spans.values():
        assert 0.0 <= begin < end <= clear_s + 1.0
        assert end - begin >= pass_s
    assert max(end for _, end in spans.values()) == pytest.approx(clear_s, abs=1.0)


def _geometry_edge_by_edge(
    graph: nx.MultiDiGraph, edges: tuple[tuple[int, int, int], ...]
) -> np.ndarray:
    """Reference: each edge's coordinates in turn, the shared first vertex dropped."""
    parts: list[np.ndarray] = []
    for u, v, key in edges:
        line = graph.edges[u, v, key].get("geometry")
        if line is None:
            nodes = graph.nodes
            line = LineString([(nodes[u]["x"], nodes[u]["y"]), (nodes[v]["x"], nodes[v]["y"])])
        coords = np.asarray(line.coords)
        parts.append(coords if not parts else coords[1:])
    return np.concatenate(parts)


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 3)), min_size=1, max_size=12))
def test_the_geometry_joins_the_edge_lines_as_edge_by_edge(
    shapes: list[tuple[bool, int]],
) -> None:
    # An edge with a geometry of `bends` interior vertices, or none (a straight line).
    graph = nx.MultiDiGraph()
    for node in range(len(shapes) + 1):
        graph.add_node(node, x=4.0 + 0.01 * node, y=52.0 + 0.001 * (node % 3))
    edges = []
    for u, (has_line, bends) in enumerate(shapes):
        start, end = (graph.nodes[n] for n in (u, u + 1))
        points = [(start["x"] + 0.002 * i, start["y"] + 0.0005 * i) for i in range(bends + 1)]
        data = {"geometry": LineString([*points, (end["x"], end["y"])])} if has_line else {}
        graph.add_edge(u, u + 1, key=0, **data)
        edges.append((u, u + 1, 0))
    joined = np.asarray(_geometry(graph, tuple(edges)).coords)
    np.testing.assert_array_equal(joined, _geometry_edge_by_edge(graph, tuple(edges)))


def test_the_geometry_of_no_edges_is_empty() -> None:
    assert _geometry(nx.MultiDiGraph(), ()).is_empty
