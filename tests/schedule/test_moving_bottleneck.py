from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from mobility.schedule.disruption import TrafficModel
from mobility.schedule.moving_bottleneck import (
    Sections,
    _ramp,
    _rates,
    _release,
    advance_queue,
    route_delays_vh,
    section_delays_vh,
)

MODEL = TrafficModel()
PARAMS = MODEL.bottleneck()
PROFILES = np.array([*MODEL.profile(False), *MODEL.profile(True)])


def clock(hours: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Working days only: key = hour of day, boundaries on whole hours."""
    return np.floor(hours).astype(np.int64) % 24, np.floor(hours) + 1.0


def stretch(
    length_km: float,
    lanes: int,
    daily_per_lane: float = 20_000.0,
    road: int = 0,
    ramp_lanes: float = 0.0,
    vehicles: int = 24,
    column_kph: float = 60.0,
    free_kph: float = 100.0,
    interval_m: float = 100.0,
) -> Sections:
    pass_h = vehicles * interval_m / 1000 / column_kph
    pcu = MODEL.pcu_per_vehicle
    return Sections(
        time_h=np.array([length_km / column_kph]),
        road=np.array([road]),
        lanes=np.array([float(lanes)]),
        free_kph=np.array([free_kph]),
        column_kph=np.array([column_kph]),
        demand_pcu_h=(daily_per_lane * lanes * PROFILES * pcu)[None, :],
        ramp_pcu_h=(ramp_lanes * MODEL.ramp_veh_per_lane_day * PROFILES * pcu)[None, :],
        pass_h=np.array([pass_h]),
        column_pcu_h=np.array([vehicles * MODEL.column_pce_per_vehicle / pass_h]),
        extra_vh_per_h=np.zeros((1, 48)),
    )


def joined(parts: list[Sections]) -> Sections:
    return Sections(
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in Sections.__dataclass_fields__
        }
    )


def split(sections: Sections, fractions: list[float]) -> Sections:
    """Cut every stretch in two at ``fractions``; the ramp stays at the original end."""
    parts = []
    for i, fraction in enumerate(fractions):
        one = Sections(
            **{name: getattr(sections, name)[i : i + 1] for name in Sections.__dataclass_fields__}
        )
        head = Sections(
            **{
                **one.__dict__,
                "time_h": one.time_h * fraction,
                "ramp_pcu_h": np.zeros_like(one.ramp_pcu_h),
            }
        )
        tail = Sections(**{**one.__dict__, "time_h": one.time_h * (1 - fraction)})
        parts += [head, tail]
    return joined(parts)


def cost(sections: Sections, start_h: float) -> float:
    return float(route_delays_vh(sections, np.array([start_h]), clock, PARAMS)[0])


def test_cost_does_not_depend_on_how_the_road_is_cut() -> None:
    # Issue #16: 1 km of two-lane motorway at 08:00 cost 0.40 vh as one edge, 0.71 as two.
    road = stretch(1.0, 2)
    assert cost(road, 8.0) > 0
    assert cost(split(road, [0.5]), 8.0) == pytest.approx(cost(road, 8.0), rel=1e-9)


def test_the_queue_is_carried_not_counted_again_per_edge() -> None:
    whole = stretch(20.0, 2)
    tenths = joined([stretch(2.0, 2) for _ in range(10)])
    assert cost(tenths, 7.5) == pytest.approx(cost(whole, 7.5), rel=1e-9)
    # A new road (another ref) releases the queue: ten roads are not one road.
    ten_roads = joined([stretch(2.0, 2, road=i) for i in range(10)])
    assert cost(ten_roads, 7.5) != pytest.approx(cost(whole, 7.5), rel=1e-3)


def test_peak_costs_more_than_night_and_lanes_relieve() -> None:
    road = stretch(30.0, 2)
    assert cost(road, 3.0) == 0.0
    assert cost(road, 8.0) > 5 * cost(road, 12.0) > 0
    costs = [
        cost(stretch(30.0, lanes, daily_per_lane=60_000.0 / lanes), 8.0) for lanes in (2, 3, 4)
    ]
    assert costs == sorted(costs, reverse=True) and costs[0] > costs[-1]


def test_a_slower_column_delays_more() -> None:
    fast = cost(stretch(30.0, 2, column_kph=80.0), 8.0)
    slow = cost(stretch(30.0, 2, column_kph=40.0), 8.0)
    assert slow > fast > 0


def test_blocked_on_ramps_add_delay() -> None:
    plain = cost(stretch(5.0, 2, daily_per_lane=5_000.0), 8.0)
    ramps = cost(stretch(5.0, 2, daily_per_lane=5_000.0, ramp_lanes=1.0, interval_m=20.0), 8.0)
    assert ramps > plain


@given(
    queue=st.floats(0, 5_000),
    growth=st.floats(-3_000, 3_000),
    exit_h=st.floats(0.05, 2),
    first=st.floats(0, 2),
    second=st.floats(0, 2),
)
def test_queue_integration_is_additive_in_time(
    queue: float, growth: float, exit_h: float, first: float, second: float
) -> None:
    args = [np.array([v]) for v in (queue, growth, exit_h)]
    whole_end, whole_area = advance_queue(args[0], args[1], args[2], np.array([first + second]))
    mid, area_1 = advance_queue(args[0], args[1], args[2], np.array([first]))
    end, area_2 = advance_queue(mid, args[1], args[2], np.array([second]))
    assert end[0] == pytest.approx(whole_end[0], rel=1e-7, abs=1e-6)
    assert area_1[0] + area_2[0] == pytest.approx(whole_area[0], rel=1e-7, abs=1e-6)
    assert end[0] >= 0 and area_1[0] >= 0


route_stretches = st.lists(
    st.tuples(
        st.floats(0.2, 40),  # km
        st.integers(1, 4),  # lanes
        st.floats(2_000, 30_000),  # daily per lane
        st.integers(0, 1),  # road
        st.sampled_from([0.0, 0.0, 1.0, 2.0]),  # ramp lanes at the end
        st.floats(30, 80),  # column km/h
    ),
    min_size=1,
    max_size=5,
)


def build(route: list[tuple[float, int, float, int, float, float]], scale: float = 1.0) -> Sections:
    return joined(
        [
            stretch(km, lanes, daily * scale, road, ramp, column_kph=speed)
            for km, lanes, daily, road, ramp, speed in route
        ]
    )


@settings(max_examples=150, deadline=None)
@given(
    route=route_stretches,
    start=st.floats(0, 23.99),
    cuts=st.lists(st.floats(0.01, 0.99), min_size=5, max_size=5),
)
def test_splitting_every_edge_at_random_points_leaves_the_cost_unchanged(
    route: list[tuple[float, int, float, int, float, float]], start: float, cuts: list[float]
) -> None:
    sections = build(route)
    whole = cost(sections, start)
    assert cost(split(sections, cuts[: len(route)]), start) == pytest.approx(
        whole, rel=1e-6, abs=1e-9
    )


@settings(max_examples=100, deadline=None)
@given(route=route_stretches, start=st.floats(0, 23.99), more=st.floats(1.0, 3.0))
def test_cost_grows_with_demand(
    route: list[tuple[float, int, float, int, float, float]], start: float, more: float
) -> None:
    assert cost(build(route, more), start) >= cost(build(route), start) - 1e-9


@settings(max_examples=100, deadline=None)
@given(
    km=st.floats(0.5, 40),
    lanes=st.integers(1, 4),
    ramp=st.sampled_from([0.0, 1.0]),
    start=st.floats(0, 23.99),
    vehicles=st.integers(1, 60),
    extra=st.integers(0, 60),
)
def test_cost_grows_with_column_length(
    km: float, lanes: int, ramp: float, start: float, vehicles: int, extra: int
) -> None:
    short = stretch(km, lanes, ramp_lanes=ramp, vehicles=vehicles)
    long = stretch(km, lanes, ramp_lanes=ramp, vehicles=vehicles + extra)
    assert cost(long, start) >= cost(short, start) - 1e-9


def reference_delays_vh(sections: Sections, start_h: float) -> NDArray[np.float64]:
    """Per-stretch delays of one start, as the scalar loop before #15 computed them."""
    rates = _rates(sections, PARAMS)
    now = np.array([start_h])
    queue = np.zeros(1)
    result = np.zeros((len(sections.time_h), 1))
    for i in range(len(sections.time_h)):
        end = now + sections.time_h[i]
        quiet = (rates.growth[i] <= 0).all() and not sections.extra_vh_per_h[i].any()
        if not (quiet and not sections.ramp_pcu_h[i].any() and not queue.any()):
            while (now < end).any():
                key, boundary = clock(now)
                stop = np.minimum(np.maximum(boundary, now), end)
                queue, area = advance_queue(
                    queue, rates.growth[i, key], np.full_like(now, rates.exit_h[i]), stop - now
                )
                result[i] += rates.loss[i] * area / PARAMS.pcu_per_vehicle
                result[i] += sections.extra_vh_per_h[i, key] * (stop - now)
                now = np.where(stop > now, stop, end)
        key, _ = clock(np.nextafter(end, -np.inf))
        if i == len(sections.time_h) - 1 or sections.road[i + 1] != sections.road[i]:
            result[i] += (
                _release(queue, rates.spare[i, key], PARAMS.max_queue_h) / PARAMS.pcu_per_vehicle
            )
            queue = np.zeros(1)
        ramp = sections.ramp_pcu_h[i, key]
        if ramp.any():
            pass_h, column = float(sections.pass_h[i]), float(sections.column_pcu_h[i])
            result[i] += _ramp(ramp, pass_h, column, PARAMS) / PARAMS.pcu_per_vehicle
        now = end
    return result[:, 0]


@settings(max_examples=150, deadline=None)
@given(
    route=route_stretches,
    night=st.lists(st.sampled_from([0.0, 0.0, 3.5]), min_size=5, max_size=5),
    starts=st.lists(
        st.one_of(st.floats(0, 47.99), st.integers(0, 47).map(float)), min_size=1, max_size=12
    ),
)
def test_every_start_is_integrated_on_its_own_bit_for_bit(
    route: list[tuple[float, int, float, int, float, float]],
    night: list[float],
    starts: list[float],
) -> None:
    """Many starts at once give, per start, exactly the scalar loop's delays for it alone (#15)."""
    plain = build(route)
    extra = np.array(night[: len(route)])[:, None] * (np.arange(48) % 24 < 6)[None, :]
    sections = Sections(**{**plain.__dict__, "extra_vh_per_h": extra})
    together = section_delays_vh(sections, np.array(starts), clock, PARAMS)
    total = section_delays_vh(sections, np.array(starts), clock, PARAMS, by_section=False)
    for j, start in enumerate(starts):
        alone = reference_delays_vh(sections, start)
        assert np.array_equal(together[:, j], alone)
        assert total[0, j] == pytest.approx(alone.sum(), rel=1e-12, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    route=st.lists(
        st.tuples(
            st.floats(0.2, 15),  # km
            st.integers(1, 3),  # lanes
            st.sampled_from([500.0, 1_500.0, 25_000.0]),  # daily per lane: mostly quiet
            st.integers(0, 1),  # road
            st.sampled_from([0.0, 0.0, 0.0, 1.0]),  # ramp lanes at the end
            st.floats(30, 80),  # column km/h
        ),
        min_size=5,
        max_size=25,
    ),
    starts=st.lists(st.floats(0, 47.99), min_size=1, max_size=8),
)
def test_quiet_stretches_skipped_without_a_queue_change_no_bit(
    route: list[tuple[float, int, float, int, float, float]], starts: list[float]
) -> None:
    """#13: long routes of stretches where no queue forms give the scalar loop's delays exactly."""
    sections = build(route)
    together = section_delays_vh(sections, np.array(starts), clock, PARAMS)
    for j, start in enumerate(starts):
        assert np.array_equal(together[:, j], reference_delays_vh(sections, start))
