"""Tests of the sort-based unique of integer arrays."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mobility.routing._unique import sorted_unique


@given(st.lists(st.integers(min_value=-(2**62), max_value=2**62), max_size=200))
def test_equals_numpy_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    found = sorted_unique(array)
    expected = np.unique(array)
    assert found.dtype == expected.dtype
    np.testing.assert_array_equal(found, expected)


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=200))
def test_equals_numpy_unique_on_sorted_input_with_repeats(values: list[int]) -> None:
    array = np.sort(np.array(values, dtype=np.int64))
    np.testing.assert_array_equal(sorted_unique(array), np.unique(array))


def test_large_random_and_two_dimensional_input() -> None:
    generator = np.random.default_rng(13)
    array = generator.integers(0, 10_000, size=(300, 100))
    np.testing.assert_array_equal(sorted_unique(array), np.unique(array))
    assert sorted_unique(array).ndim == 1


def test_does_not_modify_its_input() -> None:
    array = np.array([3, 1, 3, 2], dtype=np.int64)
    sorted_unique(array)
    np.testing.assert_array_equal(array, [3, 1, 3, 2])
