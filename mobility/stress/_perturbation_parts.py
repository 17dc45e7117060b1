"""The parts of a perturbation: closures, reductions, ports, borders, curfews, surge, failures.

Each part is a frozen dataclass validated on construction (:mod:`mobility.model._fields`);
:class:`~mobility.stress.perturbation.Perturbation` holds them, and
:func:`~mobility.stress.perturbation.perturbation_from_dict` reads them from a
perturbation file. :func:`curfew_closures` turns a curfew's daily clock
windows into the closed spans of a horizon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from mobility.errors import DataError
from mobility.model import _fields
from mobility.model.scenario import Request

ELEMENT_MODES = ("road", "rail", "any")
FAILURE_KINDS = ("default", "bridge", "tunnel", "road", "rail")


def _check_element(element: Any, mode: Any, where: str) -> None:
    _fields.text(element, f"{where} element")
    if mode not in ELEMENT_MODES:
        raise DataError(f"{where}: mode {mode!r} is not one of {', '.join(ELEMENT_MODES)}")


def _check_window(start: datetime | None, end: datetime | None, where: str) -> None:
    for name, moment in (("from", start), ("to", end)):
        if moment is not None:
            _fields.moment(moment, f"{where} {name}")
    if start is not None and end is not None and end <= start:
        raise DataError(f"{where}: 'to' must be after 'from'")


@dataclass(frozen=True)
class ElementClosure:
    """An element closed for the whole horizon or a time window.

    Attributes
    ----------
    element
        Name, ref, ``way <id>``, place name or id, or node id.
    mode
        ``road``, ``rail`` or ``any`` (both graphs).
    start, end
        The closed window; ``None`` for the whole horizon.
    reason
        Free text.
    """

    element: str
    mode: str = "any"
    start: datetime | None = None
    end: datetime | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        _check_element(self.element, self.mode, f"closure of {self.element!r}")
        _check_window(self.start, self.end, f"closure of {self.element!r}")

    @property
    def timed(self) -> bool:
        """Whether the closure has a time window."""
        return self.start is not None or self.end is not None


@dataclass(frozen=True)
class CapacityReduction:
    """An element that keeps only a share of its capacity.

    Attributes
    ----------
    element, mode, reason
        As in :class:`ElementClosure`.
    remaining
        Share of the capacity left, 0 (closed) to 1 (unchanged).
    """

    element: str
    remaining: float
    mode: str = "any"
    reason: str = ""

    def __post_init__(self) -> None:
        where = f"capacity reduction of {self.element!r}"
        _check_element(self.element, self.mode, where)
        _fields.share(self.remaining, f"{where} remaining")


@dataclass(frozen=True)
class PortLoss:
    """An entry port lost in whole or in part.

    Attributes
    ----------
    port
        Port (place name or id).
    remaining
        Share of the gate rate left (0: lost).
    divert_to
        Port that takes the requests of a lost port (empty: they are stranded).
    reason
        Free text.
    """

    port: str
    remaining: float = 0.0
    divert_to: str = ""
    reason: str = ""

    def __post_init__(self) -> None:
        _fields.text(self.port, "port loss port")
        _fields.share(self.remaining, f"port loss of {self.port!r} remaining")


@dataclass(frozen=True)
class BorderClosure:
    """A closed border crossing.

    Attributes
    ----------
    crossing
        Border crossing (place name or id).
    start, end
        Closed window; ``None`` for the whole horizon.
    divert_to
        Crossing that takes the requests of a crossing closed for the whole
        horizon (empty: they are stranded).
    reason
        Free text.
    """

    crossing: str
    start: datetime | None = None
    end: datetime | None = None
    divert_to: str = ""
    reason: str = ""

    def __post_init__(self) -> None:
        _fields.text(self.crossing, "border closure crossing")
        _check_window(self.start, self.end, f"border closure of {self.crossing!r}")

    @property
    def timed(self) -> bool:
        """Whether the closure has a time window."""
        return self.start is not None or self.end is not None


@dataclass(frozen=True)
class Curfew:
    """An element closed every day in local clock windows.

    Attributes
    ----------
    element, mode, reason
        As in :class:`ElementClosure`.
    windows
        ``(from_min, to_min)`` local clock minutes; a window may wrap midnight.
    """

    element: str
    windows: tuple[tuple[int, int], ...]
    mode: str = "any"
    reason: str = ""

    def __post_init__(self) -> None:
        where = f"curfew on {self.element!r}"
        _check_element(self.element, self.mode, where)
        if not self.windows:
            raise DataError(f"{where} windows: expected at least one window")
        for window in self.windows:
            _fields.check_window(window, f"{where} windows")

    @property
    def closed_share(self) -> float:
        """Share of a day the element is closed (overlapping windows counted once)."""
        closed = [False] * 1440
        for start, end in self.windows:
            minutes = range(start, end) if start <= end else [*range(start, 1440), *range(end)]
            for minute in minutes:
                closed[minute] = True
        return sum(closed) / 1440


@dataclass(frozen=True)
class Surge:
    """More demand: every request scaled, and extra requests.

    Attributes
    ----------
    scale
        Factor on every request's vehicle counts (rounded up per type).
    requests
        Extra requests (ids must not clash with the scenario's).
    """

    scale: float = 1.0
    requests: tuple[Request, ...] = ()

    def __post_init__(self) -> None:
        scale = _fields.number(self.scale, "surge scale", positive=True)
        if scale > 100:
            raise DataError(f"surge scale: expected a factor > 0 and <= 100, got {scale!r}")


@dataclass(frozen=True)
class RandomFailures:
    """Random failures: each element fails independently with its probability.

    Attributes
    ----------
    seed
        Seed of the draw (a Monte Carlo run ``i`` draws with ``(seed, i)``).
    probability
        Probability by element kind: ``bridge``, ``tunnel``, ``road``,
        ``rail``, and ``default`` for kinds not listed.
    elements
        Probability by element text (name, ref, ``way <id>``); wins over kinds.
    """

    seed: int = 0
    probability: Mapping[str, float] = field(default_factory=lambda: {"default": 0.0})
    elements: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _fields.whole(self.seed, "random failures seed", minimum=0)
        for kind, value in self.probability.items():
            _fields.choice(kind, FAILURE_KINDS, "random failures probability")
            _fields.share(value, f"random failures probability {kind}")
        for name, value in self.elements.items():
            _fields.share(value, f"random failures elements {name}")

    def of_kind(self, kind: str) -> float:
        """Probability of an element of ``kind``."""
        return float(self.probability.get(kind, self.probability.get("default", 0.0)))


def curfew_closures(
    curfew: Curfew, start: datetime, end: datetime, local: tzinfo
) -> list[tuple[datetime, datetime]]:
    """Return a curfew's closed windows between ``start`` and ``end`` (clock of ``local``)."""
    spans: list[tuple[datetime, datetime]] = []
    day = start.astimezone(local).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(
        days=1
    )
    while day < end:
        for a, b in curfew.windows:
            begin = day + timedelta(minutes=a)
            finish = day + timedelta(minutes=b if b > a else b + 1440)
            # Local wall-clock arithmetic: re-attach the zone for DST days.
            begin = begin.replace(tzinfo=None).replace(tzinfo=local)
            finish = finish.replace(tzinfo=None).replace(tzinfo=local)
            if finish > start and begin < end:
                spans.append((max(begin, start), min(finish, end)))
        day = (day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=local)
    return sorted(spans)
