"""Nearest names for "did you mean" hints: ids and names compared by edit distance.

A typo is usually one edit away from what was meant: a letter dropped,
doubled, swapped with its neighbour or mistyped. :func:`nearest` ranks
candidates by the optimal-string-alignment distance (Damerau-Levenshtein
without repeated edits of one substring) between their compact forms
(lowercase letters and digits only, so ``spod-vlisingen`` is one edit from
``spod-vlissingen`` and ``MAN HX 8x8`` none from ``man-hx-8x8``), and a
query against a run of words of a longer name (``Vlisingen`` against
``Port of Vlissingen``) at a half-edit penalty.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _plain(text: str) -> str:
    """Casefolded, accents removed (``Büffel`` -> ``buffel``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=4096)
def compact(text: str) -> str:
    """Lowercase letters and digits of ``text`` (``'Leopard 2A7'`` -> ``'leopard2a7'``)."""
    return _NOT_ALNUM.sub("", _plain(text))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _NOT_ALNUM.split(_plain(text)) if w)


@lru_cache(maxsize=4096)
def _letters(text: str) -> Counter[str]:
    return Counter(text)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` if above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # Each edit changes the letters the two strings share by at most one.
    if max(len(a), len(b)) - sum((_letters(a) & _letters(b)).values()) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1] if previous[-1] <= limit else limit + 1


def distance(query: str, candidate: str) -> float:
    """Edits from ``query`` to ``candidate``, or to a run of its words plus one half.

    Results above :func:`cutoff` of the query are ``inf``.
    """
    q = compact(query)
    limit = cutoff(query)
    whole = edit_distance(q, compact(candidate), limit)
    if whole <= limit:
        return float(whole)
    words, size = _words(candidate), len(_words(query)) or 1
    best = float("inf")
    for start in range(0, max(0, len(words) - size) + 1):
        part = edit_distance(q, "".join(words[start : start + size]), limit)
        if part <= limit:
            best = min(best, part + 0.5)
    return best


def cutoff(query: str) -> int:
    """Most edits a hint may be away: a third of the query's letters, at least one."""
    return max(1, len(compact(query)) // 3)


def quoted(labels: Sequence[str]) -> str:
    """``; did you mean 'a', 'b'?`` (empty without labels)."""
    return f"; did you mean {', '.join(labels)}?" if labels else ""
