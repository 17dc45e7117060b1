"""Where each column is over time, and how loaded each route segment is per hour.

Times are integer seconds since the start of the plan horizon. A column's
*head* passes each checkpoint at its ``arrive`` time and stands still during
a halt; its *tail* clears each checkpoint at its ``clear`` time. Both are
piecewise-linear, non-decreasing functions from time to kilometres along the
route; at any moment the column occupies the route between them, which
draws it with its length. ``mobility.js`` evaluates the same knots in the
browser.

A train (a row with ``"mode": "rail"``) is tracked the same way along its
rail path by :func:`train_track`: it stands at its terminal from the start
of loading until departure, then its head passes each station of
``train.checkpoints`` at ``arrive`` and its tail at ``clear``. The row's own
``checkpoints`` then hold only the road leg to the terminal (maybe none).
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from mobility.errors import DataError

Knot = tuple[int, float]


@dataclass(frozen=True)
class ColumnTrack:
    """Head and tail of one column as knots ``(t_s, km)``, both non-decreasing.

    Attributes
    ----------
    head, tail
        Knots sorted by time; kilometres never decrease along them.
    length_km
        Route length.
    """

    head: tuple[Knot, ...]
    tail: tuple[Knot, ...]
    length_km: float

    @property
    def start_s(self) -> int:
        """When the head leaves the start point."""
        return self.head[0][0]

    @property
    def end_s(self) -> int:
        """When the tail clears the last checkpoint."""
        return self.tail[-1][0]


def seconds_since(start: datetime, text: str, where: str) -> int:
    """Whole seconds from ``start`` to the ISO 8601 time ``text``."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise DataError(f"{where}: {text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise DataError(f"{where}: time {text!r} has no UTC offset")
    return round((moment - start).total_seconds())


def _monotone(knots: list[tuple[float, int]]) -> tuple[Knot, ...]:
    """``(km, t_s)`` pairs sorted by kilometre, times made non-decreasing."""
    out: list[Knot] = []
    latest = None
    for km, t in sorted(knots, key=lambda k: (k[0], k[1])):
        latest = t if latest is None else max(latest, t)
        out.append((latest, km))
    return tuple(out)


def _pass_s(checkpoints: list[tuple[float, int, int]], km: float) -> float:
    """Pass time (clear - arrive) at ``km``, interpolated between checkpoints."""
    kms = [c[0] for c in checkpoints]
    index = bisect.bisect_left(kms, km)
    if index <= 0:
        return float(checkpoints[0][2] - checkpoints[0][1])
    if index >= len(checkpoints):
        return float(checkpoints[-1][2] - checkpoints[-1][1])
    (k0, a0, c0), (k1, a1, c1) = checkpoints[index - 1], checkpoints[index]
    share = 0.0 if k1 <= k0 else (km - k0) / (k1 - k0)
    return (c0 - a0) + share * ((c1 - a1) - (c0 - a0))


def is_train(movement: dict[str, Any]) -> bool:
    """Whether a movement-table row is a train (``"mode": "rail"``)."""
    return str(movement.get("mode") or "road") == "rail"


def road_leg_km(movement: dict[str, Any]) -> float:
    """Length of the road leg of a train (0 without one); where its rail path begins."""
    return max((float(c["km"]) for c in movement.get("checkpoints") or []), default=0.0)


def column_track(movement: dict[str, Any], start: datetime) -> ColumnTrack:
    """Head and tail knots of a movement-table row (of a train: of its road leg).

    Raises
    ------
    DataError
        If the row has no checkpoints or a time is not ISO 8601 with an offset.
    """
    number = movement.get("movement", "?")
    where = f"movement {number!r}"
    raw = movement.get("checkpoints") or []
    if not raw:
        raise DataError(f"{where} has no checkpoints")
    checkpoints = sorted(
        (
            float(c["km"]),
            seconds_since(start, c["arrive"], where),
            seconds_since(start, c["clear"], where),
        )
        for c in raw
    )
    head = [(km, arrive) for km, arrive, _ in checkpoints]
    tail = [(km, clear) for km, _, clear in checkpoints]
    for halt in movement.get("halts") or []:
        km = float(halt["km"])
        lag = _pass_s(checkpoints, km)
        for text in (halt["start"], halt["end"]):
            moment = seconds_since(start, text, where)
            head.append((km, moment))
            tail.append((km, round(moment + lag)))
    length_km = 0.0 if is_train(movement) else float(movement.get("length_km") or 0.0)
    return ColumnTrack(_monotone(head), _monotone(tail), max(length_km, checkpoints[-1][0]))


def train_of(movement: dict[str, Any]) -> dict[str, Any]:
    """Return the ``train`` object of a rail row.

    Raises
    ------
    DataError
        If the row has none.
    """
    train = movement.get("train")
    if not isinstance(train, dict):
        number = movement.get("movement", "?")
        raise DataError(f"movement {number!r} is a rail movement without a 'train' object")
    return train


def train_track(movement: dict[str, Any], start: datetime) -> ColumnTrack:
    """Head and tail knots of a train along its rail path, from the start of loading.

    Kilometres run from the loading terminal. The train stands at 0 km from
    ``train.loading_start`` until ``train.depart``; its head reaches the
    border crossing at the row's ``arrive`` and its tail clears it at ``clear``.

    Raises
    ------
    DataError
        If the row has no ``train`` or a time is not ISO 8601 with an offset.
    """
    where = f"movement {movement.get('movement', '?')!r}"
    train = train_of(movement)
    loading = seconds_since(start, train["loading_start"], where)
    depart = seconds_since(start, train["depart"], where)
    length_km = float(movement.get("length_km") or 0.0)
    head = [(0.0, loading), (0.0, depart)]
    tail = [(0.0, loading), (0.0, depart)]
    for c in train.get("checkpoints") or []:
        head.append((float(c["km"]), seconds_since(start, c["arrive"], where)))
        tail.append((float(c["km"]), seconds_since(start, c["clear"], where)))
    length_km = max([length_km, *(km for km, _ in head)])
    head.append((length_km, seconds_since(start, movement["arrive"], where)))
    tail.append((length_km, seconds_since(start, movement["clear"], where)))
    return ColumnTrack(_monotone(head), _monotone(tail), length_km)


def km_at(knots: Sequence[Knot], t_s: float) -> float:
    """Kilometre reached at ``t_s``: linear between knots, clamped outside them."""
    if t_s <= knots[0][0]:
        return knots[0][1]
    if t_s >= knots[-1][0]:
        return knots[-1][1]
    index = bisect.bisect_right([k[0] for k in knots], t_s)
    (t0, km0), (t1, km1) = knots[index - 1], knots[index]
    if t1 <= t0:
        return km1
    return km0 + (km1 - km0) * (t_s - t0) / (t1 - t0)


def column_at(track: ColumnTrack, t_s: float) -> tuple[float, float] | None:
    """``(tail_km, head_km)`` of the column at ``t_s``, or None when it is not on the road."""
    if t_s < track.start_s or t_s > track.end_s:
        return None
    head = km_at(track.head, t_s)
    tail = min(km_at(track.tail, t_s), head)
    return tail, head


@dataclass(frozen=True)
class Segment:
    """A stretch of route between two consecutive checkpoints, shared by movements.

    Attributes
    ----------
    key
        ``(from node, to node)`` of the checkpoints.
    name
        ``"from - to"``.
    movement, from_km, to_km
        A movement whose route holds the stretch, and where (to draw it).
    columns_by_hour
        Hour index to the number of columns using the stretch during that hour.
    delay_vh_by_hour
        Hour index to civilian delay in vehicle-hours: each movement's
        ``disruption_vh`` spread over its stretches and hours by the time it
        spends on each (an estimate; the plan files hold only totals).
    """

    key: tuple[str, str]
    name: str
    movement: str
    from_km: float
    to_km: float
    columns_by_hour: dict[int, int]
    delay_vh_by_hour: dict[int, float]


def _spread(begin: int, end: int) -> list[tuple[int, float]]:
    """Hours overlapped by ``[begin, end)`` and the share of the interval in each."""
    if end <= begin:
        return [(begin // 3600, 1.0)]
    out = []
    hour = begin // 3600
    while hour * 3600 < end:
        overlap = min(end, (hour + 1) * 3600) - max(begin, hour * 3600)
        if overlap > 0:
            out.append((hour, overlap / (end - begin)))
        hour += 1
    return out


def segment_loads(movements: Sequence[dict[str, Any]], start: datetime) -> list[Segment]:
    """Stretches between consecutive checkpoints with their load per hour.

    A column uses a stretch from when its head passes the first checkpoint
    until its tail clears the second. Only road checkpoints count (of a
    train, those of its road leg), and a train's ``disruption_vh`` is not
    spread over road stretches: it is not a road delay estimate.
    """
    found: dict[tuple[str, str], Segment] = {}
    for movement in movements:
        number = str(movement.get("movement", "?"))
        where = f"movement {number!r}"
        points = sorted(movement.get("checkpoints") or [], key=lambda c: float(c["km"]))
        pieces = []
        for a, b in itertools.pairwise(points):
            begin = seconds_since(start, a["arrive"], where)
            end = seconds_since(start, b["clear"], where)
            pieces.append((a, b, begin, max(begin, end)))
        busy_s = sum(end - begin for *_, begin, end in pieces) or 1
        delay_vh = 0.0 if is_train(movement) else float(movement.get("disruption_vh") or 0.0)
        for a, b, begin, end in pieces:
            key = (str(a.get("node", a["name"])), str(b.get("node", b["name"])))
            segment = found.get(key)
            if segment is None:
                segment = Segment(
                    key,
                    f"{a['name']} - {b['name']}",
                    number,
                    float(a["km"]),
                    float(b["km"]),
                    defaultdict(int),
                    defaultdict(float),
                )
                found[key] = segment
            for hour, share in _spread(begin, end):
                segment.columns_by_hour[hour] += 1
                segment.delay_vh_by_hour[hour] += delay_vh * share * (end - begin) / busy_s
    return [
        Segment(
            s.key,
            s.name,
            s.movement,
            s.from_km,
            s.to_km,
            dict(s.columns_by_hour),
            dict(s.delay_vh_by_hour),
        )
        for s in found.values()
    ]


def columns_on_road(tracks: Sequence[ColumnTrack], times_s: Sequence[int]) -> list[int]:
    """Return how many columns are on the road (start to clearance, inclusive) at each time."""
    starts = np.array([t.start_s for t in tracks], dtype=np.int64)
    ends = np.array([t.end_s for t in tracks], dtype=np.int64)
    moments = np.array(times_s, dtype=np.int64)[:, np.newaxis]
    return [int(n) for n in ((starts <= moments) & (moments <= ends)).sum(axis=1)]


def busiest_moment_s(tracks: Sequence[ColumnTrack], step_s: int, horizon_s: int) -> int:
    """Return the first time on the ``step_s`` grid with the most columns on the road."""
    if not tracks:
        return 0
    times = range(0, max(horizon_s, 1), step_s)
    counts = columns_on_road(tracks, times)
    return times[counts.index(max(counts))]
