from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from mobility.network._line_snapping import SnappedLines, snap_lines

LON0, LAT0 = 5.0, 52.0
M_PER_DEG_LAT = 111_250.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(LAT0))


def lonlat(points_m: list[tuple[float, float]]) -> NDArray[np.float64]:
    xy = np.array(points_m, dtype=np.float64)
    return np.column_stack([LON0 + xy[:, 0] / M_PER_DEG_LON, LAT0 + xy[:, 1] / M_PER_DEG_LAT])


def metres(result: SnappedLines, node: int) -> tuple[float, float]:
    return (
        (result.node_lon[node] - LON0) * M_PER_DEG_LON,
        (result.node_lat[node] - LAT0) * M_PER_DEG_LAT,
    )


def snap(lines_m: list[list[tuple[float, float]]], tolerance_m: float = 10.0) -> SnappedLines:
    n = len(lines_m)
    return snap_lines(
        [lonlat(line) for line in lines_m],
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        tolerance_m,
    )


def close(a: tuple[float, float], b: tuple[float, float], within_m: float = 0.1) -> bool:
    return math.dist(a, b) < within_m


def test_end_near_a_line_interior_splits_that_line() -> None:
    # The T-junction drawn with a 3 m gap, far from the main line's vertices.
    result = snap([[(0, 0), (100, 0)], [(50, 3), (50, 80)]])
    main, branch = result.refs
    assert len(main) == 3 and branch[0] == main[1]
    assert close(metres(result, main[1]), (50, 0))
    assert result.lines_split == 1


def test_without_tolerance_only_identical_vertices_join() -> None:
    result = snap([[(0, 0), (100, 0)], [(50, 3), (50, 80)], [(100, 0), (200, 0)]], 0)
    main, branch, next_line = result.refs
    assert len(main) == 2 and branch[0] not in main
    assert main[-1] == next_line[0]


def test_short_connecting_line_is_kept() -> None:
    # A 3 m connector between two lines, with 1 m gaps at both ends.
    result = snap([[(-100, 0), (100, 0)], [(101, 0), (104, 0)], [(105, 0), (200, 0)]])
    a, connector, b = result.refs
    assert len(connector) == 2 and connector[0] != connector[1]
    assert a[-1] == connector[0] and connector[1] == b[0]


def test_group_of_dead_ends_sits_at_their_centroid() -> None:
    result = snap([[(-100, 0), (0, 0)], [(4, 0), (100, 0)]])
    a, b = result.refs
    assert a[-1] == b[0]
    assert close(metres(result, a[-1]), (2, 0))


def test_joined_ends_stay_off_a_parallel_track() -> None:
    # Two track ends 2 m apart, a parallel track 4.5 m away: the ends join each other only.
    result = snap([[(-100, 0), (0, 0)], [(2, 0), (100, 0)], [(-100, 4.5), (100, 4.5)]])
    a, b, parallel = result.refs
    assert a[-1] == b[0]
    assert len(parallel) == 2 and a[-1] not in parallel


def test_groups_do_not_chain_wider_than_the_tolerance() -> None:
    # Five stubs whose ends lie 6 m apart in a row: one chain would be 24 m wide.
    stubs = [[(6.0 * i, 0.0), (6.0 * i, 100.0)] for i in range(5)]
    result = snap(stubs)
    for stub, refs in zip(stubs, result.refs, strict=True):
        assert math.dist(metres(result, refs[0]), stub[0]) <= 10.0


def test_an_end_never_joins_its_own_line() -> None:
    # A line whose end comes back 2 m from its own start stays open.
    result = snap([[(0, 0), (50, 0), (50, 50), (0, 50), (0, 2)]])
    (line,) = result.refs
    assert line[0] != line[-1]


def test_modes_and_layers_do_not_join() -> None:
    lines = [lonlat([(0, 0), (100, 0)]), lonlat([(50, 3), (50, 80)])]
    for modes, layers in (([0, 1], [0, 0]), ([0, 0], [0, 1])):
        result = snap_lines(
            lines, np.array(modes, dtype=np.int64), np.array(layers, dtype=np.int64), 10.0
        )
        assert len(result.refs[0]) == 2 and result.refs[1][0] not in result.refs[0]


def test_end_to_end_gaps_join_across_layers() -> None:
    # A bridge (layer 1) whose end stops 3 m short of the approach (layer 0).
    lines = [lonlat([(-100, 0), (0, 0)]), lonlat([(3, 0), (100, 0)])]
    result = snap_lines(lines, np.zeros(2, dtype=np.int64), np.array([0, 1], dtype=np.int64), 10)
    assert result.refs[0][-1] == result.refs[1][0]


coordinate = st.floats(min_value=0, max_value=150, allow_nan=False).map(lambda v: round(v, 1))
line_strategy = st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=4).filter(
    lambda points: all(math.dist(a, b) > 0.5 for a, b in itertools.pairwise(points))
)


@settings(max_examples=60, deadline=None)
@given(st.lists(line_strategy, min_size=1, max_size=8))
def test_snapping_moves_nothing_beyond_the_tolerance_and_drops_no_line(
    lines_m: list[list[tuple[float, float]]],
) -> None:
    tolerance_m = 10.0
    result = snap(lines_m, tolerance_m)
    assert len(result.refs) == len(lines_m)
    for line, refs in zip(lines_m, result.refs, strict=True):
        assert len(refs) >= 2
        assert all(a != b for a, b in itertools.pairwise(refs))
        # Every input vertex is still represented within the tolerance, in order.
        position = [metres(result, node) for node in refs]
        cursor = 0
        for vertex in line:
            while cursor < len(position) and math.dist(position[cursor], vertex) > tolerance_m:
                cursor += 1
            assert cursor < len(position), f"vertex {vertex} lost"
