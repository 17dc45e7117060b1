"""The corridor network as few, light lines: pieces of a road joined, simplified and packed.

A country's road network has hundreds of thousands of edges, most of them
pieces of longer roads cut at every junction and every way end. Drawn one by
one, each with its own popup, they make a page of tens of megabytes that a
browser is slow to draw. :func:`join_pieces` joins the pieces of one kind that
have the same popup (name, ref, class and tags) into chains wherever exactly
two of them meet, simplifies each chain to :data:`SIMPLIFY_M` metres and
writes its points as whole steps of 1e-5 degree (about 1 m) from the point
before; each distinct popup is written once. ``mobility.network`` in
``mobility.js`` draws the result.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

#: Simplification tolerance: about a pixel and a half at zoom 14, well below a
#: road's drawn width at the zooms a corridor is read at.
SIMPLIFY_M = 10.0
#: Coordinate units per degree: 1e-5 degree, about 1 m.
UNITS_PER_DEGREE = 100_000
METRES_PER_DEGREE = 111_195.0


@dataclass(frozen=True)
class Piece:
    """One edge to draw (one direction of a two-way edge).

    Attributes
    ----------
    kind
        Style key (road class or ``rail``).
    rows
        Popup rows other than the edge's identity: pieces with the same kind
        and rows may be joined.
    title
        Popup title of the piece alone.
    edge
        The edge's identity shown when it is drawn alone (``u-v-key (way N)``).
    way
        OSM way id (``None`` if unknown).
    u, v
        Graph nodes at the start and end of ``coords``.
    coords
        ``(lon, lat)`` points from ``u`` to ``v`` (a sequence or an ``(n, 2+)`` array).
    """

    kind: str
    rows: tuple[tuple[str, str], ...]
    title: str
    edge: str
    way: Any
    u: Hashable
    v: Hashable
    coords: Sequence[Sequence[float]] | NDArray[np.float64]


def chains(ends: Sequence[tuple[Hashable, Hashable]]) -> list[list[tuple[int, bool]]]:
    """Join pieces end to end where exactly two of them meet.

    Parameters
    ----------
    ends
        ``(start node, end node)`` of each piece.

    Returns
    -------
    list of list of (int, bool)
        Each chain as ``(piece index, forward)`` in drawing order; every piece
        is in exactly one chain. A closed loop is one chain.
    """
    at: dict[Hashable, list[int]] = defaultdict(list)
    for index, (u, v) in enumerate(ends):
        at[u].append(index)
        at[v].append(index)

    def beyond(node: Hashable, piece: int) -> int | None:
        pieces = at[node]
        if len(pieces) != 2 or pieces[0] == pieces[1]:
            return None
        return pieces[1] if pieces[0] == piece else pieces[0]

    used = [False] * len(ends)

    def walk(start: int, forward: bool) -> list[tuple[int, bool]]:
        chain = [(start, forward)]
        used[start] = True
        node = ends[start][1] if forward else ends[start][0]
        while (after := beyond(node, chain[-1][0])) is not None and not used[after]:
            forward = ends[after][0] == node
            chain.append((after, forward))
            used[after] = True
            node = ends[after][1] if forward else ends[after][0]
        return chain

    found = []
    for index, (u, v) in enumerate(ends):
        if used[index]:
            continue
        if beyond(u, index) is None:
            found.append(walk(index, True))
        elif beyond(v, index) is None:
            found.append(walk(index, False))
    found += [walk(index, True) for index in range(len(ends)) if not used[index]]  # loops
    return found


def simplify_m(coords: Sequence[Sequence[float]], tolerance_m: float) -> list[list[float]]:
    """Douglas-Peucker simplification of ``(lon, lat)`` points, tolerance in metres.

    The points are scaled to metres around their mean latitude (exact enough
    for a tolerance of metres); the ends are always kept.
    """
    points = np.asarray(coords, dtype=float)[:, :2]
    if len(points) <= 2 or tolerance_m <= 0:
        return points.tolist()  # type: ignore[no-any-return]
    scale = np.array([math.cos(math.radians(points[:, 1].mean())), 1.0]) * METRES_PER_DEGREE
    kept = shapely.simplify(shapely.linestrings(points * scale), tolerance_m)
    return (shapely.get_coordinates(kept) / scale).tolist()  # type: ignore[no-any-return]


def pack(coords: Sequence[Sequence[float]]) -> list[int]:
    """``(lon, lat)`` points as ``[lat, lon, dlat, dlon, ...]`` in 1e-5 degree.

    The first pair is the first point, each next pair the step from the point
    before; points that round to the one before are dropped.
    """
    out: list[int] = []
    last_lat = last_lon = 0
    for point in coords:
        lat = round(float(point[1]) * UNITS_PER_DEGREE)
        lon = round(float(point[0]) * UNITS_PER_DEGREE)
        if out and lat == last_lat and lon == last_lon:
            continue
        out += [lat - last_lat, lon - last_lon]
        last_lat, last_lon = lat, lon
    return out


def unpack(steps: Sequence[int]) -> list[list[float]]:
    """``[lat, lon]`` points of :func:`pack` output (what ``mobility.js`` does)."""
    lat = lon = 0
    out = []
    for index in range(0, len(steps), 2):
        lat += steps[index]
        lon += steps[index + 1]
        out.append([lat / UNITS_PER_DEGREE, lon / UNITS_PER_DEGREE])
    return out


def _chain_points(
    pieces: Sequence[Piece], found: list[list[tuple[int, bool]]]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Gather the points of every chain at once: pieces in chain order, shared ends once.

    Returns the ``(lon, lat)`` points and, per point, its chain's index (in
    increasing order). A piece's first point is left out where it repeats
    the point before it in its chain.
    """
    arrays = [np.asarray(piece.coords, dtype=float)[:, :2] for piece in pieces]
    points = np.concatenate(arrays) if arrays else np.empty((0, 2))
    starts = np.cumsum([0, *(len(a) for a in arrays)])[:-1]
    piece = np.array([i for chain in found for i, _ in chain], dtype=np.int64)
    forward = np.array([f for chain in found for _, f in chain], dtype=bool)
    chain_of = np.repeat(np.arange(len(found)), [len(chain) for chain in found])
    first = np.r_[True, chain_of[1:] != chain_of[:-1]] if len(piece) else np.empty(0, bool)
    lengths = np.asarray([len(a) for a in arrays], dtype=np.int64)[piece]
    at = np.repeat(np.arange(len(piece)), lengths)
    within = np.arange(len(at)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    index = starts[piece][at] + np.where(forward[at], within, lengths[at] - 1 - within)
    out = points[index]
    repeated = np.zeros(len(out), dtype=bool)
    repeated[1:] = (out[1:] == out[:-1]).all(axis=1)
    keep = ~((within == 0) & ~first[at] & repeated)
    return out[keep], chain_of[at][keep]


def _simplified(
    points: NDArray[np.float64], chain: NDArray[np.int64], n_chains: int, tolerance_m: float
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Apply :func:`simplify_m` to every chain at once (the same points, to the bit)."""
    counts = np.bincount(chain, minlength=n_chains)
    if tolerance_m <= 0 or not (counts > 2).any():
        return points, chain
    bounds = np.cumsum(np.r_[0, counts])
    long_ = np.flatnonzero(counts > 2)
    scale_x = np.array(
        [
            math.cos(math.radians(points[bounds[c] : bounds[c + 1], 1].mean()))
            for c in long_.tolist()
        ]
    )
    scales = np.column_stack([scale_x, np.ones(len(long_))]) * METRES_PER_DEGREE
    rank = np.full(n_chains, -1)
    rank[long_] = np.arange(len(long_))
    selected = rank[chain] >= 0
    lines = shapely.linestrings(
        points[selected] * scales[rank[chain[selected]]], indices=rank[chain[selected]]
    )
    kept, which = shapely.get_coordinates(shapely.simplify(lines, tolerance_m), return_index=True)
    all_points = np.concatenate([points[~selected], kept / scales[which]])
    all_chains = np.concatenate([chain[~selected], long_[which]])
    order = np.argsort(all_chains, kind="stable")
    return all_points[order], all_chains[order]


def _packed(
    points: NDArray[np.float64], chain: NDArray[np.int64], n_chains: int
) -> list[list[int]]:
    """Apply :func:`pack` to every chain at once."""
    units = np.rint(points[:, ::-1] * UNITS_PER_DEGREE).astype(np.int64)  # [lat, lon]
    same_chain = np.r_[False, chain[1:] == chain[:-1]]
    repeat = same_chain & np.r_[False, (units[1:] == units[:-1]).all(axis=1)]
    units, chain, same_chain = units[~repeat], chain[~repeat], same_chain[~repeat]
    steps = units.copy()
    steps[1:] -= units[:-1]
    steps[~same_chain] = units[~same_chain]
    flat = steps.ravel().tolist()
    bounds = (2 * np.cumsum(np.r_[0, np.bincount(chain, minlength=n_chains)])).tolist()
    return [flat[bounds[i] : bounds[i + 1]] for i in range(n_chains)]


def packed_chains(
    pieces: Sequence[Piece], found: list[list[tuple[int, bool]]], tolerance_m: float
) -> list[list[int]]:
    """Return ``pack(simplify_m(points of chain, tolerance_m))`` of every chain in ``found``.

    The chains' points are gathered, simplified and packed as arrays, in one go
    for all of them (a country's network has some 100,000 chains); the result
    is that of :func:`simplify_m` and :func:`pack` on each chain.
    """
    if not found:
        return []
    points, chain = _chain_points(pieces, found)
    points, chain = _simplified(points, chain, len(found), tolerance_m)
    return _packed(points, chain, len(found))


def _chain_title(pieces: list[Piece], named: bool) -> str | None:
    """Title of a chain when it is not the group's: an unnamed road of one way keeps it."""
    if named:
        return None
    ways = {p.way for p in pieces}
    return pieces[0].title if len(ways) == 1 else None


def join_pieces(
    pieces: Sequence[Piece], *, order: Sequence[str], tolerance_m: float = SIMPLIFY_M
) -> list[dict[str, Any]]:
    """Join, simplify and pack pieces for ``mobility.network``.

    Parameters
    ----------
    pieces
        What to draw, one piece per way piece (one direction of two-way edges).
    order
        Kinds from the one drawn on top to the one drawn first.
    tolerance_m
        Simplification tolerance in metres.

    Returns
    -------
    list of dict
        One group per distinct popup, the kind drawn first first:
        ``{"k": kind, "t": title, "p": rows, "lines": lines}``, each line
        ``[edge, steps]`` or ``[edge, steps, title]``, where ``edge`` is the
        edge's identity for a line of one piece and the number of pieces
        otherwise, ``steps`` the packed points (:func:`pack`) and ``title``
        the line's own title.
    """
    by_popup: dict[tuple[str, tuple[tuple[str, str], ...]], list[Piece]] = defaultdict(list)
    for piece in pieces:
        by_popup[(piece.kind, piece.rows)].append(piece)
    groups: list[dict[str, Any]] = []
    for (kind, rows), members in by_popup.items():
        named = any(label in ("Name", "Ref") for label, _ in rows)
        title = members[0].title if named else f"unnamed {dict(rows).get('Class', kind)}"
        lines = []
        found = chains([(piece.u, piece.v) for piece in members])
        for chain, steps in zip(found, packed_chains(members, found, tolerance_m), strict=True):
            chained = [members[i] for i, _ in chain]
            edge: str | int = chained[0].edge if len(chain) == 1 else len(chain)
            line: list[Any] = [edge, steps]
            if (own := _chain_title(chained, named)) is not None:
                line.append(own)
            lines.append(line)
        groups.append({"k": kind, "t": title, "p": [list(row) for row in rows], "lines": lines})
    rank = {kind: position for position, kind in enumerate(order)}
    groups.sort(key=lambda group: -rank.get(group["k"], len(order)))  # stable: top kind last
    return groups
