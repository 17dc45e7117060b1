from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from mobility.maps._geometry import cumulative_m, haversine_m, point_at, slice_line


def test_haversine_of_one_degree_of_latitude() -> None:
    assert math.isclose(haversine_m((5.0, 52.0), (5.0, 53.0)), 111_195, rel_tol=1e-3)


def test_point_at_and_slice_on_a_two_segment_line() -> None:
    coords = [(5.0, 52.0), (5.0, 52.01), (5.01, 52.01)]
    cumulative = cumulative_m(coords)
    assert cumulative[0] == 0 and cumulative[1] < cumulative[2]
    assert point_at(coords, cumulative, -5) == coords[0]
    assert point_at(coords, cumulative, 1e9) == coords[-1]
    middle = point_at(coords, cumulative, cumulative[1] / 2)
    assert math.isclose(middle[1], 52.005) and middle[0] == 5.0
    piece = slice_line(coords, cumulative, cumulative[1] / 2, cumulative[2] - 1)
    assert piece[0] == middle and piece[1] == coords[1] and len(piece) == 3


lines = st.lists(st.tuples(st.floats(3.0, 7.5), st.floats(50.5, 53.7)), min_size=2, max_size=8)


@given(lines, st.floats(0, 1), st.floats(0, 1))
def test_points_along_a_line_stay_on_it_and_in_order(
    coords: list[tuple[float, float]], a: float, b: float
) -> None:
    cumulative = cumulative_m(coords)
    low, high = sorted((a, b))
    first = point_at(coords, cumulative, low * cumulative[-1])
    second = point_at(coords, cumulative, high * cumulative[-1])
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    for point in (first, second):
        assert min(lons) - 1e-9 <= point[0] <= max(lons) + 1e-9
        assert min(lats) - 1e-9 <= point[1] <= max(lats) + 1e-9
    piece = slice_line(coords, cumulative, low * cumulative[-1], high * cumulative[-1])
    assert piece[0] == first and piece[-1] == second
    # The piece is as long as the stretch it stands for (lon/lat interpolation: within 1 %).
    assert (
        abs(cumulative_m(piece)[-1] - (high - low) * cumulative[-1]) <= 0.01 * cumulative[-1] + 1e-6
    )
