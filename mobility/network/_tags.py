"""Parse military-relevant OSM tag values into typed edge attributes.

Each ``parse_*`` function takes the raw tag string and returns a typed value or
raises :class:`TagValueError`. :func:`parse_way_tags` applies all of them to a
way's tags and collects failures instead of raising, so an unparseable value
never stops a load: the raw value is kept and reported.

Units follow the attribute names: ``*_kph`` km/h, ``*_t`` metric tonnes,
``*_m`` metres. A value of ``None`` means "no limit" where OSM says so
(``maxweight=none``); an absent tag gives no attribute at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

MPH_TO_KPH = 1.609344
KNOT_TO_KPH = 1.852
SHORT_TON_TO_T = 0.90718474
LONG_TON_TO_T = 1.0160469
LB_TO_T = 0.00045359237
FOOT_TO_M = 0.3048
INCH_TO_M = 0.0254

# Implicit speed limits (km/h) for zone values such as ``maxspeed=nl:motorway``.
# Sources: OSM wiki "Default speed limits"; Dutch RVV 1990 art. 19-21.
# ``math.inf`` marks a road without a general limit (German Autobahn).
IMPLICIT_MAXSPEED_KPH: dict[str, float] = {
    "nl:urban": 50,
    "nl:rural": 80,
    "nl:trunk": 100,
    "nl:motorway": 130,
    "nl:living_street": 15,
    "nl:zone30": 30,
    "nl:zone60": 60,
    "de:urban": 50,
    "de:rural": 100,
    "de:motorway": math.inf,
    "de:living_street": 7,
    "de:zone30": 30,
    "be:urban": 50,
    "be-vlg:rural": 70,
    "be-wal:rural": 90,
    "be:motorway": 120,
    "walk": 6,
}

TUNNEL_CATEGORIES = ("A", "B", "C", "D", "E")
HAZMAT_VALUES = frozenset({"yes", "no", "designated", "destination", "permissive", "delivery"})
USAGE_VALUES = frozenset({"main", "branch", "industrial", "military", "tourism", "test", "freight"})

_NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
_SPEED_RE = re.compile(rf"^\s*({_NUMBER})\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)
_WEIGHT_RE = re.compile(rf"^\s*({_NUMBER})\s*(t|st|lt|kg|lbs|lb|tons?|tonnes?)?\s*$", re.IGNORECASE)
_LENGTH_RE = re.compile(rf"^\s*({_NUMBER})\s*(m|meters?|metres?|cm|ft|feet)?\s*$", re.IGNORECASE)
_FEET_INCH_RE = re.compile(
    r"""^\s*([0-9]+)\s*(?:'|ft)\s*(?:([0-9]+(?:\.[0-9]+)?)\s*(?:"|in)?)?\s*$"""
)
_MLC_RE = re.compile(rf"^\s*(?:mlc\s*)?({_NUMBER})\s*$", re.IGNORECASE)
_INT_RE = re.compile(r"^\s*\+?([0-9]+)\s*$")
_SIGNED_INT_RE = re.compile(r"^\s*([+-]?[0-9]+)\s*$")


class TagValueError(ValueError):
    """A tag value that does not parse into the expected type."""


@dataclass(frozen=True)
class TagIssue:
    """A tag value that could not be parsed, kept raw for the load report."""

    key: str
    raw: str
    reason: str


def _number(text: str) -> float:
    value = float(text.replace(",", "."))
    if not math.isfinite(value):
        raise TagValueError(f"not a finite number: {text!r}")
    return value


def _split_multi(raw: str) -> list[str]:
    parts = [part.strip() for part in raw.split(";")]
    if not parts or any(not part for part in parts):
        raise TagValueError(f"empty value in {raw!r}")
    return parts


def parse_maxspeed_kph(raw: str) -> float:
    """Parse ``maxspeed`` into km/h.

    Accepts numbers with optional unit (``80``, ``50 mph``, ``12 knots``),
    ``none`` (no limit: ``inf``), zone values such as ``nl:motorway``, and
    several values separated by ``;`` (the lowest is kept: a convoy must obey
    the strictest limit that may apply).
    """
    speeds: list[float] = []
    for part in _split_multi(raw):
        lowered = part.lower()
        if lowered == "none":
            speeds.append(math.inf)
            continue
        if lowered in IMPLICIT_MAXSPEED_KPH:
            speeds.append(IMPLICIT_MAXSPEED_KPH[lowered])
            continue
        match = _SPEED_RE.match(part)
        if match is None:
            raise TagValueError(
                f"expected a speed such as '100', '50 mph' or 'nl:rural', got {raw!r}"
            )
        value = _number(match.group(1))
        unit = (match.group(2) or "km/h").lower()
        factor = {"mph": MPH_TO_KPH, "knots": KNOT_TO_KPH}.get(unit, 1.0)
        speeds.append(value * factor)
    speed = min(speeds)
    if speed <= 0:
        raise TagValueError(f"speed must be positive, got {raw!r}")
    return speed


def parse_weight_t(raw: str) -> float | None:
    """Parse a weight (``maxweight``, ``maxaxleload``) into metric tonnes.

    Bare numbers are tonnes (OSM default). ``none``/``no``/``unsigned`` means no
    limit and gives ``None``.
    """
    if raw.strip().lower() in {"none", "no", "unsigned", "default"}:
        return None
    match = _WEIGHT_RE.match(raw)
    if match is None:
        raise TagValueError(f"expected a weight such as '30', '7.5 t' or '8000 kg', got {raw!r}")
    value = _number(match.group(1))
    unit = (match.group(2) or "t").lower()
    factor = {
        "st": SHORT_TON_TO_T,
        "lt": LONG_TON_TO_T,
        "kg": 0.001,
        "lb": LB_TO_T,
        "lbs": LB_TO_T,
    }.get(unit, 1.0)
    if value <= 0:
        raise TagValueError(f"weight must be positive, got {raw!r}")
    return value * factor


def parse_length_m(raw: str) -> float | None:
    """Parse a clearance or width (``maxheight``, ``maxwidth``) into metres.

    Accepts ``4.5``, ``4.5 m``, ``450 cm``, ``14'6"`` and ``14 ft``. ``none``
    and ``no_sign`` mean no limit and give ``None``.
    """
    lowered = raw.strip().lower()
    if lowered in {"none", "no", "no_sign", "no_indications", "unsigned", "default"}:
        return None
    feet = _FEET_INCH_RE.match(raw)
    if feet is not None:
        value = int(feet.group(1)) * FOOT_TO_M + float(feet.group(2) or 0) * INCH_TO_M
    else:
        match = _LENGTH_RE.match(raw)
        if match is None:
            raise TagValueError(
                f"expected a length such as '4.5', '4.5 m' or '14\\'6\"', got {raw!r}"
            )
        unit = (match.group(2) or "m").lower()
        factor = {"cm": 0.01, "ft": FOOT_TO_M, "feet": FOOT_TO_M}.get(unit, 1.0)
        value = _number(match.group(1)) * factor
    if value <= 0:
        raise TagValueError(f"length must be positive, got {raw!r}")
    return value


def parse_mlc(raw: str) -> float:
    """Parse a Military Load Class (``60``, ``MLC 60``)."""
    match = _MLC_RE.match(raw)
    if match is None:
        raise TagValueError(f"expected a Military Load Class such as '60', got {raw!r}")
    value = _number(match.group(1))
    if not 0 < value <= 200:
        raise TagValueError(f"MLC must be in (0, 200], got {raw!r}")
    return value


def parse_positive_int(raw: str) -> int:
    """Parse a count such as ``lanes`` or ``tracks``; with ``;`` the lowest."""
    values = []
    for part in _split_multi(raw):
        match = _INT_RE.match(part)
        if match is None:
            raise TagValueError(f"expected a whole number such as '2', got {raw!r}")
        values.append(int(match.group(1)))
    value = min(values)
    if value < 1:
        raise TagValueError(f"expected at least 1, got {raw!r}")
    return value


def parse_layer(raw: str) -> int:
    """Parse ``layer`` (a small signed integer)."""
    match = _SIGNED_INT_RE.match(raw)
    if match is None or not -10 <= int(match.group(1)) <= 10:
        raise TagValueError(f"expected a layer between -10 and 10, got {raw!r}")
    return int(match.group(1))


def parse_oneway(raw: str) -> int:
    """Parse ``oneway``: 1 forward only, -1 backward only, 0 both ways."""
    lowered = raw.strip().lower()
    if lowered in {"yes", "true", "1"}:
        return 1
    if lowered in {"-1", "reverse"}:
        return -1
    if lowered in {"no", "false", "0"}:
        return 0
    raise TagValueError(f"expected 'yes', 'no' or '-1', got {raw!r}")


def parse_yes_no_structure(raw: str) -> bool:
    """Parse ``bridge``/``tunnel``: any structure type is ``True``, ``no`` is ``False``."""
    lowered = raw.strip().lower()
    if lowered in {"no", "false", "0"}:
        return False
    if not lowered or not re.fullmatch(r"[a-z_:;\-]+", lowered):
        raise TagValueError(f"expected 'yes', 'no' or a structure type, got {raw!r}")
    return True


def parse_date(raw: str) -> str:
    """Parse an ISO date (``YYYY-MM-DD``) of an element's service span; kept as ISO text."""
    try:
        return date.fromisoformat(raw.strip()).isoformat()
    except ValueError:
        raise TagValueError(f"expected an ISO date YYYY-MM-DD, got {raw!r}") from None


def parse_tunnel_category(raw: str) -> str:
    """Parse an ADR tunnel category (``A`` to ``E``)."""
    value = raw.strip().upper()
    if value not in TUNNEL_CATEGORIES:
        raise TagValueError(f"expected an ADR tunnel category A-E, got {raw!r}")
    return value


def parse_hazmat(raw: str) -> str:
    """Parse ``hazmat`` access into one of the OSM access values."""
    value = raw.strip().lower()
    if value not in HAZMAT_VALUES:
        raise TagValueError(f"expected one of {sorted(HAZMAT_VALUES)}, got {raw!r}")
    return value


def parse_electrified(raw: str) -> bool:
    """Parse ``electrified``: ``no`` is ``False``, any supply system is ``True``."""
    lowered = raw.strip().lower()
    if lowered == "no":
        return False
    if lowered in {"contact_line", "rail", "yes", "4th_rail", "ground-level_power_supply"}:
        return True
    raise TagValueError(f"expected 'contact_line', 'rail', 'yes' or 'no', got {raw!r}")


def parse_voltage_v(raw: str) -> int:
    """Parse ``voltage`` in volts; with ``;`` (multi-system) the lowest."""
    return parse_positive_int(raw)


def parse_usage(raw: str) -> str:
    """Parse rail ``usage``."""
    value = raw.strip().lower()
    if value not in USAGE_VALUES:
        raise TagValueError(f"expected one of {sorted(USAGE_VALUES)}, got {raw!r}")
    return value


def _text(raw: str) -> str:
    value = raw.strip()
    if not value:
        raise TagValueError("empty text")
    return value


# attribute -> (OSM keys in order of preference, parser)
_Parser = Callable[[str], Any]
EDGE_TAG_PARSERS: dict[str, tuple[tuple[str, ...], _Parser]] = {
    "ref": (("ref",), _text),
    "name": (("name",), _text),
    "lanes": (("lanes",), parse_positive_int),
    "maxspeed_kph": (("maxspeed",), parse_maxspeed_kph),
    "bridge": (("bridge",), parse_yes_no_structure),
    "tunnel": (("tunnel",), parse_yes_no_structure),
    "bridge_name": (("bridge:name",), _text),
    "tunnel_name": (("tunnel:name",), _text),
    "layer": (("layer",), parse_layer),
    "tunnel_category": (("hazmat:adr_tunnel", "tunnel:category"), parse_tunnel_category),
    "maxweight_t": (("maxweight",), parse_weight_t),
    "maxaxleload_t": (("maxaxleload",), parse_weight_t),
    "maxheight_m": (("maxheight", "maxheight:physical"), parse_length_m),
    "maxwidth_m": (("maxwidth", "maxwidth:physical"), parse_length_m),
    "mlc_wheeled": (("mlc:wheeled", "mlc"), parse_mlc),
    "mlc_tracked": (("mlc:tracked", "mlc"), parse_mlc),
    "hazmat": (("hazmat",), parse_hazmat),
    "usage": (("usage",), parse_usage),
    "electrified": (("electrified",), parse_electrified),
    "voltage": (("voltage",), parse_voltage_v),
    "tracks": (("tracks",), parse_positive_int),
    "gauge": (("gauge",), parse_positive_int),
    "valid_from": (("mobility:valid_from",), parse_date),
    "valid_to": (("mobility:valid_to",), parse_date),
}

# Every OSM key any reader must keep for the parsers above and the builder.
WAY_KEYS: frozenset[str] = frozenset(
    {key for keys, _ in EDGE_TAG_PARSERS.values() for key in keys}
    | {
        "highway",
        "railway",
        "oneway",
        "junction",
        "service",
        "lanes:forward",
        "lanes:backward",
        "frequency",
    }
)
NODE_KEYS: frozenset[str] = frozenset(
    {"name", "ref", "highway", "railway", "barrier", "public_transport"}
)
#: Keys of rest areas, service areas and HGV parking (halt sites), nodes or areas.
SITE_KEYS: frozenset[str] = frozenset(
    {"name", "highway", "amenity", "hgv", "capacity:hgv", "mobility:source", "mobility:assumption"}
)


def parse_way_tags(tags: Mapping[str, str]) -> tuple[dict[str, Any], list[TagIssue]]:
    """Parse a way's tags into typed attributes.

    Parameters
    ----------
    tags
        Raw OSM tags of one way.

    Returns
    -------
    attributes
        Typed attributes for the keys that are present and parse. For each
        attribute only the first present OSM key is used (``mlc:wheeled``
        before ``mlc``).
    issues
        One :class:`TagIssue` per present value that did not parse; its raw
        value is also kept in ``attributes`` under ``<key>_raw``.
    """
    attributes: dict[str, Any] = {}
    issues: list[TagIssue] = []
    failed_keys: set[str] = set()
    for attribute, (keys, parser) in EDGE_TAG_PARSERS.items():
        for key in keys:
            raw = tags.get(key)
            if raw is None:
                continue
            try:
                attributes[attribute] = parser(raw)
            except (TagValueError, ValueError, OverflowError) as error:
                if key not in failed_keys:  # `mlc` feeds two attributes; report it once
                    issues.append(TagIssue(key=key, raw=raw, reason=str(error)))
                    failed_keys.add(key)
                attributes[f"{attribute}_raw"] = raw
            break
    return attributes, issues
