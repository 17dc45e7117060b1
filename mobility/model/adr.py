"""ADR tunnel restriction codes and tunnel categories (ADR 1.9.5 and 8.6).

Road tunnels are categorised A (no restriction) to E (most restrictive). A
transport of dangerous goods carries a tunnel restriction code (ADR 3.2 Table
A, column 15) that names the first category it may not enter; the goods are
barred from that category and every more restrictive one. Codes of the form
``B1000C`` bar category B only above 1,000 kg net explosive mass and C, D, E
always. Codes with a slash (``D/E``) name the first barred category for
transport in tanks, then for other transport; military fuel moves in tanks,
so the first letter is used (see :func:`barred_categories`).
"""

from __future__ import annotations

import re

from mobility.errors import DataError

TUNNEL_CATEGORIES = ("A", "B", "C", "D", "E")
TUNNEL_CODES = ("B", "B1000C", "B/D", "B/E", "C", "C5000D", "C/D", "C/E", "D", "D/E", "E")
_THRESHOLD_RE = re.compile(r"^([BC])(\d+)([CD])$")

#: Tunnel restriction code of common military loads, by ADR class/division,
#: where a planner gives only the class (``--hazmat 1.1``). Taken from ADR 3.2
#: Table A for typical entries (ammunition UN 0168/0167/0328 for 1.1-1.2,
#: UN 0242 propellant 1.3, UN 0012 small-arms 1.4S, F-34/diesel UN 1863/1202
#: in tanks for class 3); a specific UN number may differ.
DEFAULT_CODE_BY_CLASS = {
    "1.1": "B1000C",
    "1.2": "B1000C",
    "1.3": "C5000D",
    "1.4": "E",
    "1.5": "B1000C",
    "1.6": "E",
    "2": "C/D",
    "3": "D/E",
}


def _after(category: str) -> set[str]:
    return set(TUNNEL_CATEGORIES[TUNNEL_CATEGORIES.index(category) :])


def barred_categories(code: str, net_explosive_mass_kg: float | None = None) -> frozenset[str]:
    """Tunnel categories a transport with this tunnel restriction code may not enter.

    Parameters
    ----------
    code
        ADR tunnel restriction code, e.g. ``"B1000C"``, ``"D/E"``, ``"E"``.
    net_explosive_mass_kg
        Net explosive mass of a class 1 load; ``None`` reads the threshold
        codes at their stricter side (mass above the threshold).

    Raises
    ------
    DataError
        If ``code`` is not an ADR tunnel restriction code.
    """
    code = code.strip().upper()
    if code in ("", "-", "NONE"):
        return frozenset()
    threshold = _THRESHOLD_RE.match(code)
    if threshold:
        first, limit_kg, then = threshold.group(1), float(threshold.group(2)), threshold.group(3)
        above = net_explosive_mass_kg is None or net_explosive_mass_kg > limit_kg
        return frozenset(_after(first) if above else _after(then))
    if code in TUNNEL_CATEGORIES[1:]:
        return frozenset(_after(code))
    if "/" in code:
        tank, other = code.split("/", 1)
        if tank in TUNNEL_CATEGORIES and other in TUNNEL_CATEGORIES:
            # Carried in tanks the first letter applies; otherwise the second.
            # Military fuel moves in tanks, so the stricter letter is used.
            return frozenset(_after(tank))
    raise DataError(f"ADR tunnel restriction code {code!r} is not one of {', '.join(TUNNEL_CODES)}")


def code_for(hazmat: str) -> str:
    """Tunnel restriction code for a ``--hazmat`` value: an ADR class or a code.

    Raises
    ------
    DataError
        If the value is neither a known ADR class nor a tunnel restriction code.
    """
    value = hazmat.strip().upper()
    if value in DEFAULT_CODE_BY_CLASS:
        return DEFAULT_CODE_BY_CLASS[value]
    try:
        barred_categories(value)
    except DataError:
        raise DataError(
            f"hazmat {hazmat!r} is neither an ADR class ({', '.join(DEFAULT_CODE_BY_CLASS)}) "
            f"nor a tunnel restriction code ({', '.join(TUNNEL_CODES)})"
        ) from None
    return value
