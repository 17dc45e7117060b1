"""Resolve a place name typed by a user to a place of the network.

A name that matches nothing gets hints: the ids and names nearest to it by
edit distance (:mod:`mobility._names`; ports, crossings, support centres and
terminals before junctions and stations at equal distance), and, when it
names a place of the other mode (``Rotterdam`` asked of the rail network
names the road port), the corridor places of the asked mode nearest to that
place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mobility._names import distance, quoted
from mobility.errors import DataError
from mobility.network.places import NetworkPlace

#: Kinds preferred when a name matches several places (corridor places first).
_KIND_RANK = {"spod": 0, "bcp": 1, "csc": 2, "rail_terminal": 3, "junction": 4, "station": 5}
#: Corridor places of the asked mode within this distance of a place of the
#: other mode that the query names are offered.
NEAR_OTHER_MODE_KM = 60.0


def _label(place: NetworkPlace) -> str:
    return f"{place.place_id!r} ({place.name})" if place.place_id else repr(place.name)


def _km(a: NetworkPlace, b: NetworkPlace) -> float:
    lat = math.radians((a.lat + b.lat) / 2)
    dx = (a.lon - b.lon) * math.cos(lat) * 111.32
    dy = (a.lat - b.lat) * 111.32
    return math.hypot(dx, dy)


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("\u2013", "-").split())


class PlaceIndex:
    """Places of one mode with their folded names, for repeated lookups.

    Parameters
    ----------
    places
        All places of the network.
    mode
        ``road`` or ``rail``.
    """

    def __init__(self, places: Sequence[NetworkPlace], mode: str) -> None:
        self.mode = mode
        self.others = [p for p in places if p.mode != mode]
        self.places = [p for p in places if p.mode == mode]
        self._folded = [(_fold(p.name), p.place_id.casefold()) for p in self.places]
        self._cache: dict[str, NetworkPlace] = {}

    def resolve(self, query: str) -> NetworkPlace:
        """Return the place named ``query`` (see :func:`resolve_place`)."""
        if query not in self._cache:
            self._cache[query] = self._resolve(query)
        return self._cache[query]

    def _resolve(self, query: str) -> NetworkPlace:
        mode = self.mode
        wanted = _fold(query)
        if not wanted:
            raise DataError("place name is empty")
        pairs = list(zip(self.places, self._folded, strict=True))
        exact = _matching(pairs, wanted)
        if exact:
            best_rank = min(_KIND_RANK.get(p.kind, 9) for p in exact)
            best = list(
                {p.name: p for p in exact if _KIND_RANK.get(p.kind, 9) == best_rank}.values()
            )
            if len(best) > 1:
                matches = ", ".join(repr(p.name) for p in best[:8])
                raise DataError(f"{mode} place {query!r} is ambiguous: it matches {matches}")
            place = best[0]
            if place.node is None:
                raise DataError(
                    f"{mode} place {place.name!r} is not on the loaded network "
                    f"(nearest {mode} is {place.distance_to_node_m / 1000:.1f} km away)"
                )
            return place
        raise DataError(
            f"unknown {mode} place {query!r}{self._hints(query, wanted)} "
            "(`mobility network export` lists places)"
        )

    def _hints(self, query: str, wanted: str) -> str:
        """``; did you mean ...?``: nearest ids and names, or places near the other mode's."""
        scored: dict[int, tuple[float, int, int]] = {}
        for index, place in enumerate(self.places):
            rank = _KIND_RANK.get(place.kind, 9)
            for is_name, text in enumerate((place.place_id, place.name)):
                if text:
                    score = (distance(query, text), rank, is_name)
                    scored[index] = min(scored.get(index, score), score)
        near = sorted((s, i) for i, s in scored.items() if s[0] != math.inf)
        labels = [_label(self.places[i]) for _, i in near[:5]]
        other_pairs = [(p, (_fold(p.name), p.place_id.casefold())) for p in self.others]
        named = _matching(other_pairs, wanted)
        if named and (not near or near[0][0][0] > 0):
            there = min(named, key=lambda p: _KIND_RANK.get(p.kind, 9))
            close = sorted(
                (_km(there, p), _label(p))
                for p in self.places
                if _KIND_RANK.get(p.kind, 9) < 4 and _km(there, p) <= NEAR_OTHER_MODE_KM
            )[:3]
            if close:
                listed = ", ".join(f"{label} ({km:.0f} km)" for km, label in close)
                return (
                    f"; it names the {there.mode} place {there.name!r}: the {self.mode} places "
                    f"nearest to it are {listed}"
                )
        return quoted(labels)


def _matching(
    pairs: Sequence[tuple[NetworkPlace, tuple[str, str]]], wanted: str
) -> list[NetworkPlace]:
    """Places named or id'd ``wanted``, else those whose name or id holds all its words."""
    exact = [p for p, (name, pid) in pairs if wanted in (name, pid)]
    if not exact:
        words = wanted.replace("(", " ").replace(")", " ").split()
        exact = [p for p, (name, pid) in pairs if all(w in name or w in pid for w in words)]
    return exact


def resolve_place(places: Sequence[NetworkPlace], query: str, mode: str = "road") -> NetworkPlace:
    """Return the place of ``mode`` named ``query``.

    Matching is case-insensitive: an exact name or corridor-file id first;
    then places whose name contains every word of the query, preferring
    ports, border crossings, support centres and terminals over junctions
    and stations; a tie between equally ranked places is an error.

    Raises
    ------
    DataError
        If nothing matches (listing near matches), the match is ambiguous
        (listing the candidates), or the place is not on the loaded network.
    """
    return PlaceIndex(places, mode).resolve(query)
