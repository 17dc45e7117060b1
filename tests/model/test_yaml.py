from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.errors import DataError
from mobility.model._yaml import check_expansion, number, read_yaml


def _naive(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_naive(k) + _naive(v) for k, v in value.items())
    if isinstance(value, list):
        return 1 + sum(_naive(item) for item in value)
    return 1


@given(st.lists(st.integers(0, 5), max_size=6), st.integers(1, 4))
def test_expansion_counts_shared_values_each_time_they_appear(
    shape: list[int], copies: int
) -> None:
    leaf: list[Any] = list(range(3))
    document: Any = leaf
    for width in shape:
        document = {"a": [document] * (width or 1), "b": leaf}
    document = [document] * copies
    assert check_expansion(document, "x", limit=10**12) == _naive(document)


def test_alias_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    lines = ["l0: &l0 [1, 1, 1, 1, 1, 1, 1, 1]"]
    for i in range(1, 9):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 8) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match="alias bomb"):
        read_yaml(path, "test file")


def test_self_reference(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("x: &x [1, *x]\n")
    with pytest.raises(DataError, match="refers to itself"):
        read_yaml(path, "test file")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), "1", True, None])
def test_number_refuses_non_finite_and_non_numbers(value: Any) -> None:
    with pytest.raises(DataError, match="field"):
        number(value, "field")


def test_non_utf8_names_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"name: ok\nother: caf\xe9\n")
    with pytest.raises(DataError, match="byte 0xe9 at offset 19"):
        read_yaml(path, "test file")
