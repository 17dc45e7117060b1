"""Read NDW "Dexter" loop-detector exports as they are downloaded.

An export has one row per minute, measurement site (``naam_meetlocatie_mst``)
and lane: ``gem_intensiteit`` is the flow in that minute in vehicles per hour,
``gem_snelheid`` the mean speed in km/h (``-1`` when no vehicle passed) and
``gebruikte_minuten_intensiteit`` the minutes of valid data (0: none). Lanes
are named in ``rijstrook_rijbaan`` where the export has that field; otherwise
each lane is one row per minute. Files are semicolon- or comma-separated.

A site name such as ``0131hrl0122ra`` holds the road (``013``: A13), the
carriageway (``hrl``/``hrr``: left/right main carriageway) and the
hectometre (``0122``: km 12.2). Hourly volumes per lane are the mean of the
per-minute flows of each lane over the hour, averaged over the lanes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np

from mobility.errors import DataError
from mobility.traffic._csv import number, rows

#: Fields every Dexter export has.
NDW_FIELDS = ("start_meetperiode", "gem_intensiteit", "gem_snelheid", "naam_meetlocatie_mst")
#: Physical bound of one lane's flow in one minute, in vehicles per hour (100 vehicles a
#: minute, a 0.6 s headway). Single minutes above a lane's hourly capacity (about 2,400)
#: do occur in the exports (e.g. 3,840 on the A20 on 2019-02-12) and are kept.
MAX_LANE_FLOW_VEH_H = 6000.0
_SITE = re.compile(r"^(\d{3})\d(hr[lr])(\d{4})", re.IGNORECASE)
_DIRECTION = {
    "northbound": "north",
    "southbound": "south",
    "eastbound": "east",
    "westbound": "west",
}


@dataclass(frozen=True)
class SiteDay:
    """One measurement site's day of counts.

    Attributes
    ----------
    site
        NDW site name, e.g. ``0131hrl0122ra``.
    road
        Road number, e.g. ``A13``.
    carriageway
        ``hrl`` or ``hrr``.
    hectometre_km
        Position along the road.
    direction
        ``north``/``east``/``south``/``west`` where the export names it
        (``rijrichting``), else ``both``.
    day
        Date of the counts.
    lanes
        Lanes measured.
    veh_h_per_lane
        24 hourly volumes per lane (vehicles per hour), local hours 0-23.
    speed_kph
        24 flow-weighted mean speeds (NaN in an hour without a vehicle).
    latitude, longitude
        Site position where the export has it (NaN otherwise).
    """

    site: str
    road: str
    carriageway: str
    hectometre_km: float
    direction: str
    day: date
    lanes: int
    veh_h_per_lane: tuple[float, ...]
    speed_kph: tuple[float, ...]
    latitude: float = float("nan")
    longitude: float = float("nan")

    @property
    def daily_per_lane(self) -> float:
        """Vehicles per lane in the day."""
        return float(sum(self.veh_h_per_lane))


@dataclass
class _Site:
    flows: dict[tuple[date, int, str], list[float]]
    speeds: dict[tuple[date, int], list[tuple[float, float]]]
    lanes_per_minute: dict[tuple[date, int, int], int]
    direction: str = "both"
    latitude: float = float("nan")
    longitude: float = float("nan")


def parse_site(path: Path, line: int, name: str) -> tuple[str, str, float]:
    """Road, carriageway and hectometre of an NDW site name.

    Raises
    ------
    DataError
        For a name that is not an NDW main-carriageway site.
    """
    match = _SITE.match(name)
    if match is None:
        raise DataError(
            f"{path}: line {line}: field 'naam_meetlocatie_mst' is {name!r}, an unknown site: "
            "expected an NDW main-carriageway site such as '0131hrl0122ra'"
        )
    road, carriageway, hectometre = match.groups()
    return f"A{int(road)}", carriageway.lower(), int(hectometre) / 10


def read_ndw(path: str | Path) -> list[SiteDay]:
    """Read a Dexter export into one :class:`SiteDay` per site and date.

    Raises
    ------
    DataError
        Naming the file, line and field, for a missing field, an unknown site,
        a negative or impossible flow or speed, or a site missing an hour.
    """
    path = Path(path)
    sites: dict[str, _Site] = {}
    for line, row in rows(path, NDW_FIELDS):
        if row.get("gebruikte_minuten_intensiteit", "1") in ("0", "0.0"):
            continue
        if row.get("data_error_intensiteit", "0") not in ("0", "", "0.0"):
            continue
        name = row["naam_meetlocatie_mst"]
        parse_site(path, line, name)
        try:
            moment = datetime.fromisoformat(row["start_meetperiode"])
        except ValueError:
            raise DataError(
                f"{path}: line {line}: field 'start_meetperiode' is "
                f"{row['start_meetperiode']!r}, expected a time such as '2019-10-10 07:00:00'"
            ) from None
        flow = number(path, line, "gem_intensiteit", row["gem_intensiteit"])
        if not 0 <= flow <= MAX_LANE_FLOW_VEH_H:
            raise DataError(
                f"{path}: line {line}: field 'gem_intensiteit' is {flow:g} vehicles per hour, "
                f"expected 0-{MAX_LANE_FLOW_VEH_H:g} on one lane"
            )
        speed = number(path, line, "gem_snelheid", row["gem_snelheid"])
        if speed != -1 and not 0 <= speed <= 300:
            raise DataError(
                f"{path}: line {line}: field 'gem_snelheid' is {speed:g} km/h, "
                "expected 0-300 or -1 (no vehicle)"
            )
        site = sites.setdefault(name, _Site(defaultdict(list), defaultdict(list), defaultdict(int)))
        direction = row.get("rijrichting", "").casefold()
        site.direction = _DIRECTION.get(direction, site.direction)
        site.latitude = _optional(row.get("start_locatie_latitude"), site.latitude)
        site.longitude = _optional(row.get("start_locatie_longitude"), site.longitude)
        minute = moment.hour * 60 + moment.minute
        lane = row.get("rijstrook_rijbaan") or str(site.lanes_per_minute[moment.date(), minute, 0])
        site.lanes_per_minute[moment.date(), minute, 0] += 1
        site.flows[moment.date(), moment.hour, lane].append(flow)
        if speed > 0 and flow > 0:
            site.speeds[moment.date(), moment.hour].append((flow, speed))
    if not sites:
        raise DataError(f"{path}: no counts with valid data (gebruikte_minuten_intensiteit > 0)")
    return [day for name, site in sorted(sites.items()) for day in _days(path, name, site)]


def _optional(text: str | None, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default


def _days(path: Path, name: str, site: _Site) -> list[SiteDay]:
    road, carriageway, hectometre = parse_site(path, 0, name)
    days = sorted({key[0] for key in site.flows})
    result = []
    for day in days:
        lanes = sorted({key[2] for key in site.flows if key[0] == day})
        volumes, speeds = [], []
        for hour in range(24):
            lane_means = [
                float(np.mean(site.flows[day, hour, lane]))
                for lane in lanes
                if site.flows.get((day, hour, lane))
            ]
            if not lane_means:
                raise DataError(
                    f"{path}: site {name!r} on {day}: no counts in hour {hour:02d}:00 "
                    "(field 'start_meetperiode'): a traffic file needs all 24 hours"
                )
            volumes.append(sum(lane_means) / len(lanes))
            pairs = site.speeds.get((day, hour), [])
            weight = sum(f for f, _ in pairs)
            speeds.append(sum(f * s for f, s in pairs) / weight if weight else float("nan"))
        result.append(
            SiteDay(
                site=name,
                road=road,
                carriageway=carriageway,
                hectometre_km=hectometre,
                direction=site.direction,
                day=day,
                lanes=len(lanes),
                veh_h_per_lane=tuple(volumes),
                speed_kph=tuple(speeds),
                latitude=site.latitude,
                longitude=site.longitude,
            )
        )
    return result
