"""Colours of the maps and charts, and how far apart two colours look.

The network and its background are drawn in greys and blue-greys (low
chroma); requests and units get strong colours of a qualitative palette, so
that a column never takes the colour of a road, a rail line or a network
point. :func:`delta_e` (CIE76, in CIELAB) measures the difference; the tests
hold every unit colour at least :data:`MIN_DELTA_E` from every network
colour.
"""

from __future__ import annotations

import math

#: Colours of requests and units: Tableau 10 without its grey, then colours
#: of ColorBrewer and Okabe-Ito picked to stay far from those already taken.
UNIT_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    "#a6761d",
    "#009e73",
    "#b2df8a",
    "#fb9a99",
    "#7a0177",
    "#dfc27d",
    "#e7298a",
    "#8c2d04",
    "#e6ab02",
    "#006d2c",
    "#56b4e9",
)
#: Corridors when routes are coloured by corridor (taken from the palette).
CORRIDOR_COLOURS = {"north": "#1f77b4", "central": "#d62728", "south": "#2ca02c"}
#: A network colour has at most this chroma; a unit colour at least ``MIN_UNIT_CHROMA``.
MAX_NETWORK_CHROMA = 15.0
MIN_UNIT_CHROMA = 25.0
MIN_DELTA_E = 25.0

_WHITE = (0.95047, 1.0, 1.08883)  # D65


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _f(t: float) -> float:
    return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29


def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB ``(L, a, b)`` of an sRGB colour ``#rrggbb``.

    Raises
    ------
    ValueError
        If ``colour`` is not ``#`` and six hex digits.
    """
    text = colour.lstrip("#")
    if not colour.startswith("#") or len(text) != 6:
        raise ValueError(f"colour {colour!r}: expected #rrggbb")
    r, g, b = (_linear(int(text[i : i + 2], 16) / 255) for i in (0, 2, 4))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / _WHITE[0]
    y = (0.2126 * r + 0.7152 * g + 0.0722 * b) / _WHITE[1]
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / _WHITE[2]
    fx, fy, fz = _f(x), _f(y), _f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def chroma(colour: str) -> float:
    """CIELCh chroma of ``colour``: 0 for a grey, 30 and more for a strong colour."""
    _, a, b = lab(colour)
    return math.hypot(a, b)


def delta_e(first: str, second: str) -> float:
    """CIE76 colour difference; about 2.3 is just noticeable, 25 plainly another colour."""
    return math.dist(lab(first), lab(second))


def unit_colour(index: int) -> str:
    """Colour of the ``index``-th request or unit (the palette repeats after 20)."""
    return UNIT_PALETTE[index % len(UNIT_PALETTE)]
