from __future__ import annotations

import enum
import json
import math
from typing import Any

import numpy as np
import pytest
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


_VALUES = st.recursive(
    st.floats()
    | st.integers()
    | st.booleans()
    | st.none()
    | st.text(max_size=4)
    | st.sampled_from(["caf\u00e9 \u2026", 'quote " and \\ slash', "\u0000\n\t"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=25,
)


@given(_VALUES, st.sampled_from([None, 0, 1, 2, "\t"]), st.booleans())
def test_the_text_is_what_json_writes_of_the_cleaned_value(
    value: Any, indent: int | str | None, ensure_ascii: bool
) -> None:
    expected = json.dumps(_json.finite(value), indent=indent, ensure_ascii=ensure_ascii)
    assert _json.dumps(value, indent=indent, ensure_ascii=ensure_ascii) == expected


class _Level(enum.IntEnum):
    HIGH = 2


class _Name(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"inf": math.inf, "nested": [{"x": -math.inf}, (math.nan, 1.5)]},
        {3: "int key", 2.5: "float key", None: "null key", True: "bool key"},
        {_Name("key"): _Name("text"), "level": _Level.HIGH, "float64": np.float64(0.1)},
        {"nan": np.float64("nan"), "int64": [np.int64(3)]},
        [[], {}, [[]], {"a": {}}, 1e-07, 1e16, -0.0, 10**20],
        math.inf,
        "top",
    ],
)
@pytest.mark.parametrize("indent", [None, 1, 2])
def test_unusual_values_are_written_as_json_writes_them(value: Any, indent: int | None) -> None:
    def default(o: Any) -> Any:
        return int(o)

    cleaned = _json.finite(json.loads(json.dumps(value, default=default)))
    assert _json.dumps(value, indent=indent, default=default) == json.dumps(cleaned, indent=indent)
    try:
        plain = json.dumps(_json.finite(value), indent=indent, allow_nan=False)
    except TypeError:
        with pytest.raises(TypeError):
            _json.dumps(value, indent=indent)
    else:
        assert _json.dumps(value, indent=indent) == plain


@pytest.mark.parametrize("indent", [None, 2])
def test_infinity_and_nan_become_null(indent: int | None) -> None:
    text = _json.dumps({"a": [math.inf, -math.inf, math.nan, 1.0]}, indent=indent)
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text) == {"a": [None, None, None, 1.0]}
