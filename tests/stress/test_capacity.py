from __future__ import annotations

import numpy as np
import pytest

from mobility.errors import DataError
from mobility.routing.edges import EdgeTable
from mobility.stress.capacity import (
    CapacityModel,
    rail_capacity_veh_per_day,
    road_capacity_veh_per_day,
)
from tests.stress.conftest import graph_of


def test_open_column_on_a_motorway_matches_the_documented_figure() -> None:
    model = CapacityModel()
    # 25 vehicles at 100 m and 60 km/h: 150 s, plus (3 x 300 + 600) / 4 = 375 s of gap.
    assert model.mean_gap_s == 375.0
    assert model.lane_flow_veh_per_h(100.0, 60.0) == pytest.approx(3600 * 25 / 525)
    assert model.lane_flow_veh_per_h(100.0, 60.0) * model.road_hours_per_day == pytest.approx(
        3428.57, abs=0.01
    )


def test_lane_capacity_caps_close_columns_and_lanes_count_up_to_column_lanes() -> None:
    graph = graph_of(
        [(1, 2, {"highway": "motorway", "lanes": 3, "maxspeed_kph": 100.0}), (2, 3, {"lanes": 1})]
    )
    table = EdgeTable.from_graph(graph)
    one = road_capacity_veh_per_day(table, CapacityModel())
    two = road_capacity_veh_per_day(table, CapacityModel(column_lanes=2))
    motorway = [i for i, k in enumerate(table.keys) if {k[0], k[1]} == {1, 2}]
    single = [i for i, k in enumerate(table.keys) if {k[0], k[1]} == {2, 3}]
    assert np.allclose(two[motorway], 2 * one[motorway])
    assert np.allclose(two[single], one[single])  # one lane: no second column lane
    tight = CapacityModel(lane_capacity_veh_per_h=50.0)
    assert np.allclose(road_capacity_veh_per_day(table, tight)[single], 50.0 * 20)
    slow = road_capacity_veh_per_day(table, CapacityModel(), max_speed_kph=20.0)
    assert (slow < one).all()


def test_rail_paths_by_tracks() -> None:
    graph = graph_of(
        [(1, 2, {"tracks": 2}), (2, 3, {"tracks": 1}), (3, 4, {"tracks": 4})], rail=True
    )
    table = EdgeTable.from_graph(graph)
    capacity = rail_capacity_veh_per_day(table, CapacityModel())
    by_pair = {frozenset(k[:2]): capacity[i] for i, k in enumerate(table.keys)}
    assert by_pair[frozenset({1, 2})] == 24 * 35
    assert by_pair[frozenset({2, 3})] == 12 * 35
    assert by_pair[frozenset({3, 4})] == 2 * 24 * 35


@pytest.mark.parametrize(
    "kwargs",
    [
        {"formation": "tight"},
        {"column_lanes": 0},
        {"road_hours_per_day": 25},
        {"vehicles_per_train": 0},
        {"port_exit_veh_per_h": {"default": -1}},
    ],
)
def test_bad_assumptions_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(DataError, match="capacity model"):
        CapacityModel(**kwargs)  # type: ignore[arg-type]
