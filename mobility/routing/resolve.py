"""Resolve a place name typed by a user to a place of the network."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from mobility.errors import DataError
from mobility.network.places import NetworkPlace

#: Kinds preferred when a name matches several places (corridor places first).
_KIND_RANK = {"spod": 0, "bcp": 1, "csc": 2, "rail_terminal": 3, "junction": 4, "station": 5}


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
        exact = [p for p, (name, pid) in pairs if wanted in (name, pid)]
        if not exact:
            words = wanted.replace("(", " ").replace(")", " ").split()
            exact = [p for p, (name, pid) in pairs if all(w in name or w in pid for w in words)]
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
        names = {name: p.name for p, (name, _) in pairs}
        close = difflib.get_close_matches(wanted, list(names), n=5, cutoff=0.4)
        hint = f"; did you mean {', '.join(repr(names[c]) for c in close)}?" if close else ""
        raise DataError(
            f"unknown {mode} place {query!r}{hint} (`mobility network export` lists places)"
        )


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
