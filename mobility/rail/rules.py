"""Rail rules: rolling stock, loading rules, hour bands and line capacities.

Read from ``mobility/data/rail.yaml`` (schema ``mobility-rail/1``) or a user file of
the same schema. Every figure there carries a source or an assumption.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from mobility import settings
from mobility.errors import DataError
from mobility.model import _fields
from mobility.model._yaml import build_checked, number, read_yaml, require
from mobility.model.clock import LOCAL_TIME, is_day_off

SCHEMA = "mobility-rail/1"
BANDS = ("night", "day", "peak")
Band = Literal["night", "day", "peak"]
Traction = Literal["electric", "diesel"]


@dataclass(frozen=True)
class Locomotive:
    """A locomotive of one traction with the gross weight it may haul (t)."""

    traction: str
    name: str
    length_m: float
    weight_t: float
    max_gross_t: float


@dataclass(frozen=True)
class WagonType:
    """A flat wagon: length over buffers, tare, payload and usable deck length."""

    id: str
    name: str
    length_m: float
    tare_t: float
    payload_t: float
    deck_length_m: float


@dataclass(frozen=True)
class LineRules:
    """Military train limits and capacity of one line.

    Attributes
    ----------
    match
        Case-folded substring of the line name (``""`` for the default).
    max_length_m
        Longest train allowed.
    paths_per_h
        Military paths per hour in each band (0: none).
    passenger_per_h, freight_per_h
        Regular trains per hour that a military path displaces.
    """

    match: str
    max_length_m: float
    paths_per_h: Mapping[str, int]
    passenger_per_h: float
    freight_per_h: float

    def headway_min(self, band: str) -> int | None:
        """Minutes between military paths in ``band``; ``None`` when there is no path."""
        paths = self.paths_per_h.get(band, 0)
        return None if paths <= 0 else max(1, 60 // paths)


@dataclass(frozen=True)
class CrossingRules:
    """Limits of one rail border crossing (handover yards on either side).

    Attributes
    ----------
    match
        Place id of the crossing, or a case-folded substring of its name.
    max_length_m
        Longest train accepted across the border.
    """

    match: str
    max_length_m: float

    def applies_to(self, place_id: str, name: str) -> bool:
        """Whether the rule is the crossing's (by id, or by part of its name)."""
        return self.match == place_id.casefold() or self.match in name.casefold()


@dataclass(frozen=True)
class RailRules:
    """Everything the rail mode needs besides the rail graph and the places."""

    locomotives: Mapping[str, Locomotive]
    wagons: Mapping[str, WagonType]
    heavy_from_t: float
    gap_m: float
    transfer_min: int
    local_km: float
    max_road_leg_km: float
    terminals_per_request: int
    night: tuple[int, int]
    peaks: tuple[tuple[int, int], ...]
    freight_train_vh: float
    knock_on_share: Mapping[str, float]
    default_line: LineRules
    lines: tuple[LineRules, ...]
    border_trains_per_h: int
    crossings: tuple[CrossingRules, ...] = ()

    def line(self, name: str) -> LineRules:
        """Rules of the line called ``name`` (first matching entry, else the default)."""
        folded = name.casefold()
        for rules in self.lines:
            if rules.match in folded:
                return rules
        return self.default_line

    def crossing(self, place_id: str, name: str = "") -> CrossingRules | None:
        """Rules of a rail border crossing (first matching entry), or ``None``."""
        for rules in self.crossings:
            if rules.applies_to(place_id, name):
                return rules
        return None

    def band(self, moment: datetime) -> str:
        """Hour band of ``moment``: ``night``, ``peak`` (weekdays) or ``day``."""
        return band_at(moment, self.night, self.peaks)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``constraints.json`` (what the validator re-checks against)."""
        return {
            "locomotives": {k: asdict(v) for k, v in self.locomotives.items()},
            "wagons": {k: asdict(v) for k, v in self.wagons.items()},
            "heavy_from_t": self.heavy_from_t,
            "gap_m": self.gap_m,
            "night": list(self.night),
            "peaks": [list(p) for p in self.peaks],
            "border_trains_per_h": self.border_trains_per_h,
            "crossings": [asdict(c) for c in self.crossings],
        }


def band_at(moment: datetime, night: Sequence[int], peaks: Sequence[Sequence[int]]) -> str:
    """Hour band of ``moment`` given the night and weekday-peak windows (local clock minutes)."""
    local = moment.astimezone(LOCAL_TIME)
    clock = local.hour * 60 + local.minute
    start, end = night
    if (start <= clock or clock < end) if start > end else (start <= clock < end):
        return "night"
    if not is_day_off(local.date()) and any(a <= clock < b for a, b in peaks):
        return "peak"
    return "day"


def _clock(text: Any, where: str) -> int:
    return _fields.clock(text, where, DataError)


def _positive(raw: Mapping[str, Any], key: str, where: str) -> float:
    return _fields.number(require(raw, key, where), f"{where} {key}", positive=True)


def _line(raw: Any, where: str) -> LineRules:
    if not isinstance(raw, Mapping):
        raise DataError(f"{where}: expected a mapping, got {raw!r}")
    paths = require(raw, "paths_per_h", where)
    if not isinstance(paths, Mapping) or set(paths) != set(BANDS):
        raise DataError(f"{where} paths_per_h: expected night, day and peak, got {paths!r}")
    counts = {
        band: _fields.whole(paths[band], f"{where} paths_per_h {band}", minimum=0) for band in BANDS
    }
    return LineRules(
        match=str(raw.get("match", "")).casefold(),
        max_length_m=_positive(raw, "max_length_m", where),
        paths_per_h=counts,
        passenger_per_h=number(raw.get("passenger_per_h", 0.0), f"{where} passenger_per_h"),
        freight_per_h=number(raw.get("freight_per_h", 0.0), f"{where} freight_per_h"),
    )


def _shares(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, Mapping) or set(raw) != set(BANDS):
        raise DataError(f"{where}: expected night, day and peak, got {raw!r}")
    return {band: _fields.share(raw[band], f"{where} {band}") for band in BANDS}


def default_rail_path() -> Path:
    """Path of the embedded rail rules."""
    return settings.data_dir / "rail.yaml"


def load_rail_rules(path: str | Path | None = None) -> RailRules:
    """Read and validate rail rules.

    Raises
    ------
    DataError
        Naming the file and field, on a missing or bad value.
    """
    path = Path(path) if path is not None else default_rail_path()
    raw = read_yaml(path, "rail rules")
    return build_checked(_rail_rules_from_dict, raw, str(path), "rail rules")


def _rail_rules_from_dict(raw: Any, origin: str) -> RailRules:
    where = f"rail rules {origin!r}"
    if not isinstance(raw, Mapping) or raw.get("schema") != SCHEMA:
        raise DataError(f"{where}: expected a mapping with schema: {SCHEMA}")
    locomotives = {}
    for traction in ("electric", "diesel"):
        item = require(require(raw, "locomotives", where), traction, f"{where} locomotives")
        at = f"{where} locomotives.{traction}"
        locomotives[traction] = Locomotive(
            traction,
            str(require(item, "name", at)),
            _positive(item, "length_m", at),
            _positive(item, "weight_t", at),
            _positive(item, "max_gross_t", at),
        )
    wagons = {}
    for key in ("heavy", "flat"):
        item = require(require(raw, "wagons", where), key, f"{where} wagons")
        at = f"{where} wagons.{key}"
        wagons[key] = WagonType(
            key,
            str(require(item, "name", at)),
            _positive(item, "length_m", at),
            _positive(item, "tare_t", at),
            _positive(item, "payload_t", at),
            _positive(item, "deck_length_m", at),
        )
        if wagons[key].deck_length_m > wagons[key].length_m:
            raise DataError(f"{at}: deck_length_m exceeds length_m")
    loading = require(raw, "loading", where)
    at = f"{where} loading"
    bands = require(raw, "bands", where)
    night = require(bands, "night", f"{where} bands")
    peaks = require(bands, "peak", f"{where} bands")
    if not isinstance(peaks, list):
        raise DataError(f"{where} bands.peak: expected a list of from/to windows")
    lines = require(raw, "lines", where)
    by_name = lines.get("by_name") or []
    if not isinstance(by_name, list):
        raise DataError(f"{where} lines.by_name: expected a list")
    return RailRules(
        locomotives=locomotives,
        wagons=wagons,
        heavy_from_t=_positive(loading, "heavy_from_t", at),
        gap_m=number(require(loading, "gap_m", at), f"{at} gap_m"),
        transfer_min=round(_positive(loading, "transfer_min", at)),
        local_km=_positive(loading, "local_km", at),
        max_road_leg_km=_positive(loading, "max_road_leg_km", at),
        terminals_per_request=round(_positive(loading, "terminals_per_request", at)),
        night=(
            _clock(require(night, "from", f"{where} bands.night"), f"{where} bands.night from"),
            _clock(require(night, "to", f"{where} bands.night"), f"{where} bands.night to"),
        ),
        peaks=tuple(
            (
                _clock(require(p, "from", f"{where} bands.peak[{i}]"), f"{where} bands.peak[{i}]"),
                _clock(require(p, "to", f"{where} bands.peak[{i}]"), f"{where} bands.peak[{i}]"),
            )
            for i, p in enumerate(peaks)
        ),
        freight_train_vh=number(
            require(raw, "freight_train_vh", where), f"{where} freight_train_vh"
        ),
        knock_on_share=_shares(require(raw, "knock_on_share", where), f"{where} knock_on_share"),
        default_line=_line(require(lines, "default", f"{where} lines"), f"{where} lines.default"),
        lines=tuple(_line(item, f"{where} lines.by_name[{i}]") for i, item in enumerate(by_name)),
        border_trains_per_h=round(_positive(raw, "border_trains_per_h", where)),
        crossings=tuple(
            _crossing(item, f"{where} crossings[{i}]")
            for i, item in enumerate(_list(raw.get("crossings") or [], f"{where} crossings"))
        ),
    )


def _list(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise DataError(f"{where}: expected a list")
    return raw


def _crossing(raw: Any, where: str) -> CrossingRules:
    if not isinstance(raw, Mapping):
        raise DataError(f"{where}: expected a mapping, got {raw!r}")
    match = str(require(raw, "match", where)).casefold().strip()
    if not match:
        raise DataError(f"{where} match: expected a crossing id or part of its name")
    return CrossingRules(match, _positive(raw, "max_length_m", where))
