"""Column and train speeds per edge, edge times, and the validated speed and halt rules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mobility
from mobility.errors import DataError
from mobility.model.column import RoadType
from mobility.routing.edges import EdgeTable
from mobility.routing.timing import (
    HaltRules,
    MarchSpeeds,
    by_road_type,
    column_speeds_kph,
    road_type_of,
    road_types,
    train_speeds_kph,
    travel_times_s,
)


@pytest.fixture(scope="module")
def tables() -> tuple[EdgeTable, EdgeTable]:
    atlas = mobility.load_network()
    return EdgeTable.from_graph(atlas.road), EdgeTable.from_graph(atlas.rail)


@given(max_speed=st.floats(5.0, 130.0))
def test_a_column_is_never_faster_than_doctrine_posted_limit_law_or_its_slowest_vehicle(
    tables: tuple[EdgeTable, EdgeTable], max_speed: float
) -> None:
    road, _ = tables
    speeds = column_speeds_kph(road, max_speed)
    posted = np.nan_to_num(road.maxspeed_kph, nan=np.inf)
    assert (speeds <= posted).all() and (speeds <= max_speed).all() and (speeds <= 60.0).all()
    assert (speeds[road.built_up] <= 24.0).all()
    assert (speeds > 0).all()
    # One of the limits binds on every edge.
    doctrine = np.where(road.built_up, 24.0, np.where(road.expressway, 66.0, 40.0))
    limits = np.minimum(np.minimum(doctrine, posted), min(max_speed, 60.0))
    assert np.allclose(speeds, limits)


def test_road_types_and_times(tables: tuple[EdgeTable, EdgeTable]) -> None:
    road, _ = tables
    kinds = road_types(road)
    assert set(kinds.tolist()) == {"built_up", "rural", "expressway"}
    assert all(road_type_of(road, e) == kinds[e] for e in range(0, road.n_edges, 7))
    speeds = column_speeds_kph(road, 60.0)
    times = travel_times_s(road, speeds)
    assert np.allclose(times * speeds / 3.6, road.length_m)


def test_trains_run_at_the_line_limit_capped_by_the_train(
    tables: tuple[EdgeTable, EdgeTable],
) -> None:
    _, rail = tables
    speeds = train_speeds_kph(rail, 100.0)
    assert (speeds <= 80.0).all()  # no military train above MarchSpeeds.rail_kph
    posted = rail.maxspeed_kph
    assert np.allclose(speeds[np.isnan(posted)], 80.0)
    assert (train_speeds_kph(rail, 50.0) <= 50.0).all()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MarchSpeeds(rural_kph=0), "march speed rural_kph must be > 0 km/h, got 0"),
        (lambda: MarchSpeeds(rail_kph=float("nan")), "march speed rail_kph must be > 0"),
        (lambda: HaltRules(earliest_halt_s=3 * 3600.0), "earliest_halt_s <= halt_every_s"),
        (lambda: HaltRules(halt_every_s=5 * 3600.0), "halt_every_s <= break_after_s"),
        (lambda: HaltRules(daily_driving_s=4 * 3600.0), "must not exceed daily_driving_s"),
    ],
)
def test_rules_that_cannot_hold_are_refused(build: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        build()  # type: ignore[operator]


def test_values_by_road_type_follow_the_road_types(tables: tuple[EdgeTable, EdgeTable]) -> None:
    road, _ = tables
    values: dict[RoadType, float] = {"built_up": 1.0, "rural": 2.0, "expressway": 3.0}
    expected = [values[kind] for kind in road_types(road).tolist()]
    assert by_road_type(road, values).tolist() == expected
