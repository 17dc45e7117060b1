"""The array helpers of graph building equal, bit for bit, the per-way computations they replace."""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from mobility.network._build_arrays import (
    edge_linestrings,
    kept_runs,
    run_cumulative,
    segment_index,
)
from mobility.network.build import haversine_m

lengths_lists = st.lists(st.integers(min_value=0, max_value=12), max_size=30)


def _runs_one_way(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, stop) of the runs of True (the per-way code the helpers replace)."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    return list(zip(changes[::2].tolist(), changes[1::2].tolist(), strict=True))


@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(0, 9)), max_size=20))
def test_segment_index_concatenates_ranges(pairs: list[tuple[int, int]]) -> None:
    starts = np.array([s for s, _ in pairs], dtype=np.int64)
    counts = np.array([c for _, c in pairs], dtype=np.int64)
    expected = [i for s, c in pairs for i in range(s, s + c)]
    assert segment_index(starts, counts).tolist() == expected


@given(lengths_lists, st.data())
def test_kept_runs_equal_the_runs_of_each_way(lengths: list[int], data: st.DataObject) -> None:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    keep = np.array(
        data.draw(st.lists(st.booleans(), min_size=int(offsets[-1]), max_size=int(offsets[-1]))),
        dtype=bool,
    )
    ways = np.array(
        sorted(data.draw(st.sets(st.integers(0, max(len(lengths) - 1, 0))))) if lengths else [],
        dtype=np.int64,
    )
    expected_way, expected_refs = [], []
    for way in ways.tolist():
        start, stop = int(offsets[way]), int(offsets[way + 1])
        for a, b in _runs_one_way(keep[start:stop]):
            if b - a >= 2:
                expected_way.append(way)
                expected_refs.append(list(range(start + a, start + b)))
    runs = kept_runs(offsets, ways, keep)
    assert runs.way.tolist() == expected_way
    got = [runs.refs[a:b].tolist() for a, b in itertools.pairwise(runs.offsets.tolist())]
    assert got == expected_refs


@settings(max_examples=200)
@given(
    st.lists(
        st.lists(st.floats(0, 1e5, allow_nan=False), min_size=1, max_size=40),
        max_size=15,
    )
)
def test_run_cumulative_is_each_runs_cumsum(runs: list[list[float]]) -> None:
    # Each run of n elements has n - 1 steps; one junk step joins consecutive runs.
    lengths = [len(steps) + 1 for steps in runs]
    offsets = np.zeros(len(runs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    joined = [np.array([*steps, 123.0]) for steps in runs]
    step = np.concatenate(joined)[:-1] if runs else np.zeros(0)
    cumulative = run_cumulative(step, offsets)
    for steps, a, b in zip(runs, offsets[:-1], offsets[1:], strict=True):
        expected = np.concatenate([[0.0], np.cumsum(np.array(steps))])
        assert np.array_equal(cumulative[a:b], expected)  # bit for bit, not approx


@given(
    st.lists(
        st.tuples(st.floats(3.0, 7.0), st.floats(50.5, 53.5)),
        min_size=2,
        max_size=60,
    ),
    st.integers(1, 7),
)
def test_steps_over_all_ways_equal_the_steps_of_each_way(
    points: list[tuple[float, float]], pieces: int
) -> None:
    lon = np.array([p[0] for p in points])
    lat = np.array([p[1] for p in points])
    all_steps = haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
    bounds = np.linspace(0, len(points), pieces + 1).astype(int)
    for a, b in itertools.pairwise(bounds.tolist()):
        if b - a >= 2:
            one = haversine_m(lon[a : b - 1], lat[a : b - 1], lon[a + 1 : b], lat[a + 1 : b])
            assert np.array_equal(all_steps[a : b - 1], one)


def test_edge_linestrings_follow_the_elements_both_ways() -> None:
    lon = np.arange(10, dtype=float)
    lat = np.arange(10, dtype=float) * 2
    first = np.array([0, 3, 7])
    last = np.array([3, 7, 9])
    forward = edge_linestrings(lon, lat, first, last)
    backward = edge_linestrings(lon, lat, first, last, backward=True)
    for line, back, a, b in zip(forward, backward, first, last, strict=True):
        expected = np.column_stack([lon[a : b + 1], lat[a : b + 1]])
        assert np.array_equal(shapely.get_coordinates(line), expected)
        assert np.array_equal(shapely.get_coordinates(back), expected[::-1])
    assert len(edge_linestrings(lon, lat, first[:0], last[:0])) == 0
