from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from mobility.errors import DataError
from mobility.routing.edges import EdgeTable
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.moving_bottleneck import Clock
from mobility.schedule.road_costs import RoadCosts, compass, merge_sections, minute_clock
from mobility.traffic.counts import HourlyCounts, TrafficCounts

DEG_PER_KM = 1 / 69.0  # longitude degrees per km at 51.5 N (about)
SPEED_MS = 60 / 3.6


def motorway(cuts: int, length_km: float = 1.0, ramp: bool = False) -> nx.MultiDiGraph:
    """A two-lane eastbound motorway A16 cut into ``cuts`` edges (+ a road beyond)."""
    graph = nx.MultiDiGraph()
    points = np.linspace(0, length_km, cuts + 1)
    for i, km in enumerate([*points, length_km + 1]):
        graph.add_node(i + 1, x=4.0 + km * DEG_PER_KM, y=51.5)
    tags = {"highway": "motorway", "ref": "A16", "lanes": 2, "maxspeed_kph": 100.0}
    for i in range(cuts):
        graph.add_edge(i + 1, i + 2, length_m=(points[i + 1] - points[i]) * 1000, **tags)
    graph.add_edge(cuts + 1, cuts + 2, length_m=1000.0, **{**tags, "ref": "A58"})
    if ramp:
        graph.add_node(99, x=4.0, y=51.49)
        graph.add_edge(99, cuts + 1, length_m=300.0, highway="motorway_link", lanes=1)
    return graph


def route_cost(
    graph: nx.MultiDiGraph, hour: float, model: TrafficModel | None = None, interval_m: float = 100
) -> float:
    table = EdgeTable.from_graph(graph)
    costs = RoadCosts(table, model or TrafficModel())
    path = [k for k in table.keys if graph.edges[k]["highway"] == "motorway"]
    edges = np.array([table.key_index[k] for k in path])
    edge_s = table.length_m[edges] / SPEED_MS
    pass_h = np.full(len(edges), 24 * interval_m / SPEED_MS / 3600)
    minutes = 48 * 60
    keys = (np.arange(minutes) // 60) % 24
    clock = minute_clock(keys, np.arange(minutes) % (24 * 60))
    return float(costs.route_costs(edges, edge_s, pass_h, 24, np.array([hour]), clock)[0])


@pytest.mark.parametrize("cuts", [2, 3, 7])
def test_cutting_the_road_into_more_edges_changes_nothing(cuts: int) -> None:
    # Issue #16: 1 km of two-lane motorway at 08:00 cost 0.40 vh as one edge, 0.71 as two.
    for hour in (7.95, 8.0, 17.5):
        one = route_cost(motorway(1, 12.0), hour)
        assert one > 0
        assert route_cost(motorway(cuts, 12.0), hour) == pytest.approx(one, rel=1e-6)


def test_on_ramps_merge_into_an_open_column_but_wait_for_a_close_one() -> None:
    assert route_cost(motorway(2, ramp=True), 8.0) == route_cost(motorway(2), 8.0)
    close = route_cost(motorway(2, ramp=True), 8.0, interval_m=20)
    assert close > route_cost(motorway(2), 8.0, interval_m=20)


def test_measured_counts_replace_the_default_and_say_so() -> None:
    graph = motorway(2, 12.0)
    table = EdgeTable.from_graph(graph)
    assert compass(table)[0] == "east"
    # Asked per route edge, the directions are those of the whole table.
    edges = [2, 0, 2, 1]
    assert RoadCosts(table, TrafficModel()).directions(edges) == [compass(table)[e] for e in edges]
    busy = HourlyCounts(tuple([2000.0] * 24), "counts.csv: line 2")
    counts = TrafficCounts({("A16", "east", "weekday"): busy})
    model = TrafficModel(counts=counts)
    costs = RoadCosts(table, model)
    a16 = [i for i, ref in enumerate(table.refs) if ref == "A16"]
    assert costs.measured[a16].all() and not costs.measured[[table.refs.index("A58")]].any()
    assert costs.demand_veh_h[a16[0], 3] == pytest.approx(4000.0)
    assert costs.source[a16[0]] == "counts.csv: line 2"
    # Counts of 2,000 per lane around the clock cost at night what the default costs nowhere.
    assert route_cost(graph, 3.0, model) > 0 == route_cost(graph, 3.0)


def test_merging_equal_stretches_is_exact() -> None:
    graph = motorway(5, 12.0)
    table = EdgeTable.from_graph(graph)
    costs = RoadCosts(table, TrafficModel())
    edges = np.array([table.key_index[k] for k in table.keys])
    sections = costs.sections(edges, table.length_m[edges] / SPEED_MS, np.full(len(edges), 0.1), 24)
    merged = merge_sections(sections)
    assert len(merged.time_h) == 2  # the A16 run, then the A58
    assert merged.time_h.sum() == pytest.approx(sections.time_h.sum())


def test_counts_for_roads_the_network_lacks_are_refused() -> None:
    table = EdgeTable.from_graph(motorway(1))
    counts = TrafficCounts({("A99", "both", "weekday"): HourlyCounts((1.0,) * 24, "x.csv: line 2")})
    with pytest.raises(DataError, match=r"x\.csv: line 2: field 'road' is 'A99'"):
        RoadCosts(table, TrafficModel(counts=counts))


def test_breakdown_per_edge_sums_to_the_route_and_names_its_source() -> None:
    graph = motorway(3, 12.0)
    table = EdgeTable.from_graph(graph)
    busy = HourlyCounts(tuple([1500.0] * 24), "counts.csv: line 2")
    costs = RoadCosts(table, TrafficModel(counts=TrafficCounts({("A58", "both", "weekday"): busy})))
    edges = np.array([table.key_index[k] for k in table.keys])
    edge_s = table.length_m[edges] / SPEED_MS
    pass_h = np.full(len(edges), 24 * 100 / SPEED_MS / 3600)
    keys = (np.arange(2880) // 60) % 24
    clock = minute_clock(keys, np.arange(2880) % 1440)
    rows = costs.breakdown(edges, edge_s, pass_h, 24, 7.9, clock)
    total = costs.route_costs(edges, edge_s, pass_h, 24, np.array([7.9]), clock)[0]
    assert sum(float(str(r["delay_vh"])) for r in rows) == pytest.approx(total, rel=1e-9)
    assert [r["demand"] for r in rows] == ["default"] * 3 + ["measured"]
    assert rows[-1]["source"] == "counts.csv: line 2" and rows[0]["hour_key"] == 7
    assert all(r["direction"] == "east" for r in rows)


def _grid() -> tuple[RoadCosts, np.ndarray, np.ndarray, np.ndarray, Clock]:
    """A busy 12 km motorway in four edges, with a two-day clock."""
    table = EdgeTable.from_graph(motorway(3, 12.0, ramp=True))
    costs = RoadCosts(table, TrafficModel())
    edges = np.array([table.key_index[k] for k in table.keys if table.refs[table.key_index[k]]])
    edge_s = table.length_m[edges] / SPEED_MS
    pass_h = np.full(len(edges), 24 * 100 / SPEED_MS / 3600)
    keys = (np.arange(2880) // 60) % 24
    return costs, edges, edge_s, pass_h, minute_clock(keys, np.arange(2880) % 1440)


def test_route_costs_of_a_grid_of_starts_are_those_of_each_start_alone() -> None:
    """#15: a start costs the same alone or among others, so a grid may be costed once."""
    costs, edges, edge_s, pass_h, clock = _grid()
    starts = np.arange(0, 24, 0.25)
    grid = costs.route_costs(edges, edge_s, pass_h, 24, starts, clock)
    alone = [
        costs.route_costs(edges, edge_s, pass_h, 24, starts[i : i + 1], clock)[0]
        for i in range(len(starts))
    ]
    assert np.array_equal(grid, alone) and grid.max() > 0
    longer = costs.route_costs(edges, edge_s, pass_h, 30, starts, clock)
    assert (longer >= grid).all() and (longer > grid).any()


def test_edge_delays_of_many_starts_are_the_breakdowns_of_each() -> None:
    costs, edges, edge_s, pass_h, clock = _grid()
    starts = np.array([7.9, 3.0, 7.9, 16.25, 8.5])
    delays, keys = costs.edge_delays(edges, edge_s, pass_h, 24, starts, clock)
    assert delays.shape == (len(edges), 5) and keys.shape == (5, len(edges))
    for j, start in enumerate(starts.tolist()):
        rows = costs.breakdown(edges, edge_s, pass_h, 24, start, clock)
        assert [r["delay_vh"] for r in rows] == delays[:, j].tolist()
        assert [r["hour_key"] for r in rows] == keys[j].tolist()
    assert delays[:, 0].sum() > 0 and delays[:, 1].sum() == 0.0


def _clock_before_13(
    keys: NDArray[np.int64], clock_min: NDArray[np.int64], hours: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """:func:`minute_clock` as written before #13 (with ``np.clip``)."""
    last = len(keys) - 1
    to_boundary_h = (60 - clock_min % 60).astype(np.float64) / 60
    minutes = np.clip(hours * 60, 0, last)
    index = minutes.astype(np.int64)
    boundary = hours + to_boundary_h[index] - (minutes - index) / 60
    boundary = np.where(hours * 60 >= last, hours + 1.0, boundary)
    return keys[index], np.maximum(boundary, hours + 1e-9)


@settings(max_examples=100, deadline=None)
@given(
    hours=st.lists(
        st.one_of(st.floats(-2, 60), st.integers(0, 60).map(float), st.just(-0.0)),
        min_size=1,
        max_size=20,
    ),
    offset=st.integers(0, 59),
)
def test_minute_clock_is_bit_identical_to_the_clipping_one(hours: list[float], offset: int) -> None:
    """#13: the clock without ``np.clip`` gives the same keys and boundaries, bit for bit."""
    minutes = 48 * 60
    keys = (np.arange(minutes) // 60) % 24
    clock_min = (np.arange(minutes) + offset) % (24 * 60)
    given_h = np.array(hours)
    key, boundary = minute_clock(keys, clock_min)(given_h)
    old_key, old_boundary = _clock_before_13(keys, clock_min, given_h)
    assert np.array_equal(key, old_key)
    assert boundary.tobytes() == old_boundary.tobytes()
