"""Random hostile values at random places of every kind of input file.

Property: a loader either accepts the document or raises a
:class:`mobility.errors.MobilityError`; never another exception (a traceback
for the user), and never slowly.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobility.errors import MobilityError
from tests.hostile.test_yaml_inputs import BASES, LOADERS

HOSTILE_VALUES = st.one_of(
    st.sampled_from(
        [float("nan"), float("inf"), -float("inf"), 1e308, -1, 0, 2**64, -(2**63) - 1, True]
    ),
    st.sampled_from(["", "nan", "yesterday", "9999-12-31T00:00+00:00", "x" * 5000, "\u202e"]),
    st.sampled_from([None, [], {}, [1, 2, 3], {"a": None}, [[[[]]]]]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.text(max_size=20),
)


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document[:3]):
            found.extend(_paths(value, (*prefix, index)))
    return found


DOCUMENTS = {kind: yaml.safe_load(path.read_text(encoding="utf-8")) for kind, path in BASES.items()}
PATHS = {kind: _paths(document) for kind, document in DOCUMENTS.items()}


@pytest.mark.parametrize("kind", sorted(BASES))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_random_hostile_value_never_escapes(kind: str, tmp_path: Path, data: st.DataObject) -> None:
    document = copy.deepcopy(DOCUMENTS[kind])
    for _ in range(data.draw(st.integers(1, 3))):
        field = data.draw(st.sampled_from(PATHS[kind]))
        target = document
        try:
            for key in field[:-1]:
                target = target[key]
            target[field[-1]] = data.draw(HOSTILE_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced a parent of this field
    path = tmp_path / f"{kind}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    started = time.perf_counter()
    try:
        LOADERS[kind](path)
    except MobilityError as error:
        assert len(str(error)) < 10_000
    assert time.perf_counter() - started < 5
