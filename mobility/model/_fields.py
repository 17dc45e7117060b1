"""Field validation shared by the loaders and the value objects' ``__post_init__``.

One rule per kind of field, so that scenario files, perturbation files, rail
rules and objects built in Python agree: ``None`` counts as missing; numbers
are real ``int``/``float`` values (not booleans, not text), finite (no NaN or
infinity); times carry a UTC offset; clock times are ``HH:MM`` from
``00:00`` to ``24:00``; a window from a clock time to the same clock time is
empty and refused. Every message starts with ``where`` (the input, entry and
field) and says what was expected. ``error`` is the class raised:
:class:`~mobility.errors.DataError` for data files,
:class:`~mobility.errors.ScenarioError` for scenarios and options.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from mobility.errors import DataError, MobilityError

ErrorClass = type[MobilityError]


def require(raw: Mapping[str, Any], key: str, where: str, error: ErrorClass = DataError) -> Any:
    """Return ``raw[key]``; a missing key or ``None`` is an error naming the field."""
    value = raw.get(key)
    if value is None:
        raise error(f"{where}: missing field {key!r}")
    return value


def number(
    value: Any,
    where: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    positive: bool = False,
    error: ErrorClass = DataError,
) -> float:
    """Return a finite number as a float, within the bounds given.

    ``positive`` refuses 0 as well (``> 0``); ``minimum`` and ``maximum`` are inclusive.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise error(f"{where}: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise error(f"{where}: expected a finite number, got {value!r}")
    if positive and value <= 0:
        raise error(f"{where}: expected a number > 0, got {value!r}")
    if minimum is not None and value < minimum:
        raise error(f"{where}: must be >= {minimum:g}, got {value!r}")
    if maximum is not None and value > maximum:
        raise error(f"{where}: must be <= {maximum:g}, got {value!r}")
    return float(value)


def whole(
    value: Any,
    where: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    error: ErrorClass = DataError,
) -> int:
    """Return a whole number (``int``, not ``bool``) within the inclusive bounds given."""
    low = "" if minimum is None else f"{minimum}"
    high = "" if maximum is None else f"{maximum}"
    expected = (
        f"a whole number {low}..{high}"
        if low and high
        else f"a whole number >= {low}"
        if low
        else f"a whole number <= {high}"
        if high
        else "a whole number"
    )
    if isinstance(value, bool) or not isinstance(value, int):
        raise error(f"{where}: expected {expected}, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise error(f"{where}: expected {expected}, got {value!r}")
    return value


def share(value: Any, where: str, error: ErrorClass = DataError) -> float:
    """Return a share from 0 to 1."""
    result = number(value, where, error=error)
    if not 0.0 <= result <= 1.0:
        raise error(f"{where}: expected a share from 0 to 1, got {value!r}")
    return result


def text(value: Any, where: str, error: ErrorClass = DataError) -> str:
    """Return a non-empty name, ref or id (stripped); numbers are taken as text."""
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        raise error(f"{where}: expected a non-empty name, ref or id, got {value!r}")
    result = str(value).strip()
    if not result:
        raise error(f"{where}: expected a non-empty name, ref or id, got {value!r}")
    return result


def choice(value: Any, options: Collection[str], where: str, error: ErrorClass = DataError) -> str:
    """Return ``value`` if it is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise error(f"{where}: {value!r} is not one of {', '.join(options)}")
    return value


def moment(value: Any, where: str, error: ErrorClass = DataError) -> datetime:
    """Return an ISO 8601 time with a UTC offset (YAML may already have parsed it)."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, str):
        try:
            result = datetime.fromisoformat(value.strip())
        except ValueError:
            raise error(
                f"{where}: {value!r} is not an ISO 8601 time (e.g. 2026-11-24T06:00+01:00)"
            ) from None
    else:
        raise error(f"{where}: expected an ISO 8601 time with offset, got {value!r}")
    if result.tzinfo is None or result.utcoffset() is None:
        raise error(f"{where}: {value!r} has no UTC offset (e.g. +01:00)")
    return result


def clock(value: Any, where: str, error: ErrorClass = DataError) -> int:
    """Return ``HH:MM`` (``24:00`` allowed) as minutes after midnight."""
    if not isinstance(value, str):
        raise error(f"{where}: expected a clock time HH:MM in quotes, got {value!r}")
    try:
        hours, minutes = (int(part) for part in value.strip().split(":"))
    except ValueError:
        raise error(f"{where}: expected a clock time HH:MM, got {value!r}") from None
    if not (0 <= minutes < 60 and (0 <= hours < 24 or (hours == 24 and minutes == 0))):
        raise error(f"{where}: expected a clock time HH:MM, got {value!r}")
    return hours * 60 + minutes


def windows(raw: Any, where: str, error: ErrorClass = DataError) -> tuple[tuple[int, int], ...]:
    """Return ``[["HH:MM", "HH:MM"], ...]`` as clock-minute pairs (a pair may wrap midnight)."""
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise error(f'{where}: expected a list of ["HH:MM", "HH:MM"] windows, got {raw!r}')
    result = []
    for window in raw:
        if not isinstance(window, Sequence) or isinstance(window, str) or len(window) != 2:
            raise error(f'{where}: expected ["HH:MM", "HH:MM"], got {window!r}')
        start, end = clock(window[0], where, error), clock(window[1], where, error)
        check_window((start, end), where, error)
        result.append((start, end))
    return tuple(result)


def check_window(window: Any, where: str, error: ErrorClass = DataError) -> tuple[int, int]:
    """Check a clock-minute window ``(from_min, to_min)``: 0..1440 each, not empty."""
    if not isinstance(window, tuple) or len(window) != 2:
        raise error(f"{where}: expected a (from_min, to_min) pair, got {window!r}")
    start, end = (whole(m, where, minimum=0, maximum=1440, error=error) for m in window)
    if start == end or ({start, end} == {0, 1440} and start > end):
        raise error(f"{where}: window {window!r} is empty")
    return start, end


__all__ = [
    "check_window",
    "choice",
    "clock",
    "moment",
    "number",
    "require",
    "share",
    "text",
    "whole",
    "windows",
]
