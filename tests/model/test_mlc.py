from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.model.mlc import class_of_weight, weight_t_of_class


@pytest.mark.parametrize(
    ("mlc", "tracked_t", "wheeled_t"),
    [(40, 36.3, 42.6), (50, 45.4, 52.6), (80, 72.6, 83.5), (100, 90.7, 104.3), (120, 108.9, 125.2)],
)
def test_class_weights_of_stanag_2021(mlc: int, tracked_t: float, wheeled_t: float) -> None:
    assert weight_t_of_class(mlc, "tracked") == pytest.approx(tracked_t)
    assert weight_t_of_class(mlc, "wheeled") == pytest.approx(wheeled_t)
    assert class_of_weight(tracked_t, "tracked") == mlc
    assert class_of_weight(wheeled_t, "wheeled") == mlc


def test_tracked_class_is_about_short_tons() -> None:
    # 64.5 t is 71.1 short tons.
    assert class_of_weight(64.5, "tracked") == 72


@given(st.floats(0.1, 300), st.sampled_from(["tracked", "wheeled"]))
def test_class_of_weight_is_the_smallest_class_that_holds(weight: float, gear: str) -> None:
    mlc = class_of_weight(weight, gear)  # type: ignore[arg-type]
    assert weight_t_of_class(mlc, gear) >= weight - 1e-6  # type: ignore[arg-type]
    assert weight_t_of_class(mlc - 1, gear) < weight  # type: ignore[arg-type]


@given(st.floats(0, 250), st.floats(0, 250))
def test_weight_grows_with_class(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert weight_t_of_class(low, "wheeled") <= weight_t_of_class(high, "wheeled")
