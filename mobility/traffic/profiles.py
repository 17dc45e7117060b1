"""Class defaults of civilian demand: daily volume per lane and hourly profiles.

The defaults live in ``traffic-profiles.yaml`` in the data folder
(:data:`mobility.settings.data_dir`). The motorway volume and the weekday
profile are calibrated on the NDW loop-detector days (:func:`calibrate`,
written by ``python -m benchmarks.traffic --write-profiles``); the other road
classes and the weekend profile are labelled assumptions (no counts for them
in the measured data).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mobility import settings
from mobility.errors import DataError
from mobility.model._yaml import number, read_yaml, require
from mobility.model.clock import LOCAL_TIME, is_day_off
from mobility.traffic.ndw import SiteDay

PROFILES_FILE = "traffic-profiles.yaml"


@dataclass(frozen=True)
class TrafficDefaults:
    """Demand where no count file covers a road.

    Attributes
    ----------
    daily_per_lane
        Vehicles per lane and direction in a working day, by road class.
    weekday_profile, weekend_profile
        24 shares of the daily volume per local hour (each sums to 1).
    weekend_scale
        Weekend daily volume as a share of the working-day volume.
    sources
        ``field -> source or assumption`` in words.
    """

    daily_per_lane: Mapping[str, float]
    weekday_profile: tuple[float, ...]
    weekend_profile: tuple[float, ...]
    weekend_scale: float
    sources: Mapping[str, str]

    def daily(self, highway: str) -> float:
        """Working-day vehicles per lane of a road class (links count as their road)."""
        base = highway.removesuffix("_link")
        return float(self.daily_per_lane.get(base, self.daily_per_lane["tertiary"]))

    def hourly_share(self, moment: datetime) -> float:
        """Share of that day's volume travelling in the local hour of ``moment``."""
        local = moment.astimezone(LOCAL_TIME)
        day_off = is_day_off(local.date())
        return (self.weekend_profile if day_off else self.weekday_profile)[local.hour]


@lru_cache(maxsize=8)
def _defaults_at(data_dir: Path) -> TrafficDefaults:
    return load_defaults(data_dir / PROFILES_FILE)


def default_traffic() -> TrafficDefaults:
    """Return the class defaults of the data folder (read once per folder).

    Keyed by the folder itself, not the file's path joined on every call: a
    rail path's cost asks for them once per line section (#13, speed only).
    """
    return _defaults_at(settings.data_dir)


def _profile(raw: Any, where: str) -> tuple[float, ...]:
    if not isinstance(raw, list) or len(raw) != 24:
        raise DataError(f"{where}: expected a list of 24 hourly shares")
    shares = np.array([number(v, f"{where}[{i}]") for i, v in enumerate(raw)])
    if (shares < 0).any() or shares.sum() <= 0:
        raise DataError(f"{where}: shares must be non-negative and not all zero")
    return tuple(float(s) for s in shares / shares.sum())


def load_defaults(path: Path | None = None) -> TrafficDefaults:
    """Read the class defaults (default: ``traffic-profiles.yaml`` in the data folder).

    Raises
    ------
    DataError
        Naming the file and field.
    """
    path = path or settings.data_dir / PROFILES_FILE
    raw = read_yaml(path, "traffic profiles")
    where = str(path)
    if not isinstance(raw, dict):
        raise DataError(f"{where}: expected a mapping")
    daily_raw = require(raw, "daily_per_lane", where)
    daily = {
        str(k): number(require(v, "vehicles", f"{where}: daily_per_lane.{k}"), f"{where}: {k}")
        for k, v in daily_raw.items()
    }
    if "tertiary" not in daily:
        raise DataError(f"{where}: daily_per_lane needs a 'tertiary' class (the fallback)")
    sources = {
        f"daily_per_lane.{k}": str(v.get("source") or v.get("assumption"))
        for k, v in daily_raw.items()
    }
    weekday = require(raw, "weekday_profile", where)
    weekend = require(raw, "weekend_profile", where)
    sources["weekday_profile"] = str(weekday.get("source") or weekday.get("assumption"))
    sources["weekend_profile"] = str(weekend.get("source") or weekend.get("assumption"))
    return TrafficDefaults(
        daily_per_lane=daily,
        weekday_profile=_profile(require(weekday, "shares", where), f"{where}: weekday_profile"),
        weekend_profile=_profile(require(weekend, "shares", where), f"{where}: weekend_profile"),
        weekend_scale=number(require(weekend, "daily_scale", where), f"{where}: daily_scale"),
        sources=sources,
    )


@dataclass(frozen=True)
class Calibration:
    """Aggregate figures of NDW working days.

    Attributes
    ----------
    groups
        ``road carriageway date -> (sites, lanes, daily per lane, 24 shares)``.
    daily_per_lane
        Median over groups of the daily vehicles per lane.
    daily_range
        Lowest and highest site daily volume per lane.
    profile
        Mean over groups of the hourly shares.
    """

    groups: Mapping[str, tuple[int, int, float, tuple[float, ...]]]
    daily_per_lane: float
    daily_range: tuple[float, float]
    profile: tuple[float, ...]


def calibrate(days: Sequence[SiteDay]) -> Calibration:
    """Motorway daily volume per lane and weekday profile from NDW site-days.

    Sites of one road, carriageway and date are averaged into one group (they
    are a few hundred metres apart and count mostly the same vehicles), so
    that each measured road and day weighs the same.
    """
    if not days:
        raise DataError("calibration needs at least one NDW site-day")
    grouped: dict[str, list[SiteDay]] = defaultdict(list)
    for day in days:
        grouped[f"{day.road} {day.carriageway} {day.day.isoformat()}"].append(day)
    groups = {}
    for key, members in sorted(grouped.items()):
        volumes = np.mean([m.veh_h_per_lane for m in members], axis=0)
        groups[key] = (
            len(members),
            round(float(np.mean([m.lanes for m in members]))),
            float(volumes.sum()),
            tuple(float(v) for v in volumes / volumes.sum()),
        )
    dailies = [d.daily_per_lane for d in days]
    mean_profile = np.mean([g[3] for g in groups.values()], axis=0)
    return Calibration(
        groups=groups,
        daily_per_lane=float(np.median([g[2] for g in groups.values()])),
        daily_range=(min(dailies), max(dailies)),
        profile=tuple(float(v) for v in mean_profile / mean_profile.sum()),
    )


#: Road classes without counts in the measured data: labelled assumptions.
ASSUMED_DAILY_PER_LANE = {
    "trunk": 10_000.0,
    "primary": 7_000.0,
    "secondary": 4_000.0,
    "tertiary": 2_500.0,
}
#: Weekends and holidays: no counts yet (every NDW day here is a working day).
#: Shares of the local hours 00-11, then 12-23.
_WEEKEND_AM = (0.012, 0.009, 0.007, 0.005, 0.005, 0.008, 0.014, 0.024, 0.040, 0.055, 0.066, 0.073)
_WEEKEND_PM = (0.076, 0.076, 0.075, 0.073, 0.070, 0.065, 0.056, 0.047, 0.040, 0.033, 0.025, 0.016)
ASSUMED_WEEKEND_PROFILE = _WEEKEND_AM + _WEEKEND_PM
ASSUMED_WEEKEND_SCALE = 0.75


def render_defaults(calibration: Calibration, source: str) -> str:
    """Write the text of ``traffic-profiles.yaml`` for a calibration (aggregates only)."""
    low, high = calibration.daily_range
    groups = "\n".join(
        f"#   {key}: {sites} sites, {lanes} lanes, {daily:,.0f} veh/lane/day"
        for key, (sites, lanes, daily, _) in calibration.groups.items()
    )
    shares = ", ".join(f"{s:.5f}" for s in calibration.profile)
    weekend = ", ".join(f"{s:.3f}" for s in ASSUMED_WEEKEND_PROFILE)
    assumed = "\n".join(
        f"  {name}:\n    vehicles: {value:.0f}\n    assumption: no counts for this class in the "
        "measured data; a planning figure, edit it or give a traffic file"
        for name, value in ASSUMED_DAILY_PER_LANE.items()
    )
    return f"""# Civilian demand defaults of the disruption model.
# Written by `python -m benchmarks.traffic --write-profiles` from {source}.
# Aggregate figures only (no raw counts). Working-day groups (road, carriageway, date):
{groups}
# Site daily volumes per lane range from {low:,.0f} to {high:,.0f}.
schema: mobility-traffic-profiles/1
daily_per_lane:
  motorway:
    vehicles: {calibration.daily_per_lane:.0f}
    source: "median over the NDW working-day groups above ({source}); Randstad motorways
      (A2, A4, A13, A20), so likely high for rural motorways such as the A7 or A37"
{assumed}
weekday_profile:
  source: "mean hourly shares of the NDW working-day groups above ({source})"
  shares: [{shares}]
weekend_profile:
  assumption: "no weekend or holiday counts in the measured data: hand-typed midday hump,
    the daily volume scaled by daily_scale; replace when weekend counts exist"
  daily_scale: {ASSUMED_WEEKEND_SCALE}
  shares: [{weekend}]
"""
