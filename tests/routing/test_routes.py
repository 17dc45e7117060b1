from __future__ import annotations

import numpy as np
import pytest

from mobility.network.build import haversine_m
from mobility.routing._routes import Route, RoutePlan
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
