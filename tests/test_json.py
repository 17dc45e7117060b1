from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mobility import _json


@given(
    st.recursive(
        st.floats() | st.integers() | st.text(max_size=4) | st.none(),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_output_is_standard_json_and_keeps_finite_values(value: Any) -> None:
    text = _json.dumps(value)  # parse_constant below fails on bare NaN/Infinity

    def strict(constant: str) -> Any:
        raise AssertionError(f"non-standard constant {constant}")

    back = json.loads(text, parse_constant=strict)

    def same(a: Any, b: Any) -> None:
        if isinstance(a, float) and not math.isfinite(a):
            assert b is None
        elif isinstance(a, (list, tuple)):
            assert len(a) == len(b)
            for x, y in zip(a, b, strict=True):
                same(x, y)
        elif isinstance(a, dict):
            for key in a:
                same(a[key], b[key])
        else:
            assert a == b

    same(value, back)


def test_default_values_are_cleaned_too() -> None:
    class Odd:
        pass

    assert json.loads(_json.dumps({"x": Odd(), "y": float("inf")}, default=lambda o: "odd")) == {
        "x": "odd",
        "y": None,
    }
