"""Civilian demand from counts: a simple documented CSV, and the table the model looks up.

The simple format (comma- or semicolon-separated, one header line)::

    road,direction,day_type,hour,veh_h_per_lane
    A16,south,weekday,0,310
    A16,south,weekday,1,190
    ...

- ``road``: the road's reference as tagged in the network (``A16``, ``N59``);
- ``direction``: ``north``, ``east``, ``south``, ``west`` (the compass
  direction of travel, the nearest of the four) or ``both``;
- ``day_type``: ``weekday`` (working days) or ``weekend`` (weekends and
  Dutch public holidays);
- ``hour``: local hour 0-23; every road, direction and day type needs all 24;
- ``veh_h_per_lane``: vehicles per hour per lane in that direction
  (0-3,000; above a lane's capacity is not a measured hourly flow).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mobility.errors import DataError
from mobility.traffic._csv import number, rows

COUNT_FIELDS = ("road", "direction", "day_type", "hour", "veh_h_per_lane")
DIRECTIONS = ("north", "east", "south", "west", "both")
DAY_TYPES = ("weekday", "weekend")
#: Highest hourly flow per lane accepted from a count file (vehicles per hour).
MAX_HOURLY_VEH_H_LANE = 3000.0


def normalise_road(ref: str) -> str:
    """Normalise a road ref: ``A 16``, ``a16`` -> ``A16``."""
    return re.sub(r"\s+", "", ref).upper()


@dataclass(frozen=True)
class HourlyCounts:
    """24 hourly volumes per lane of one road, direction and day type.

    Attributes
    ----------
    veh_h_per_lane
        Vehicles per hour per lane, local hours 0-23.
    source
        Where they come from (file and line, or NDW sites).
    """

    veh_h_per_lane: tuple[float, ...]
    source: str


@dataclass(frozen=True)
class TrafficCounts:
    """Measured demand by ``(road, direction, day type)``.

    Attributes
    ----------
    counts
        Hourly volumes per lane.
    path
        The file read (for messages).
    """

    counts: Mapping[tuple[str, str, str], HourlyCounts] = field(default_factory=dict)
    path: Path | None = None

    def lookup(self, road: str, direction: str, day_type: str) -> HourlyCounts | None:
        """Find counts for a road in a direction (falling back to ``both``), or ``None``."""
        road = normalise_road(road)
        found = self.counts.get((road, direction, day_type))
        return found or self.counts.get((road, "both", day_type))

    def roads(self) -> set[str]:
        """Roads with counts."""
        return {road for road, _, _ in self.counts}

    def check_roads(self, known: Iterable[str]) -> None:
        """Refuse counts for roads the network does not have.

        Raises
        ------
        DataError
            Naming the file and the first line of the unknown road.
        """
        network = {normalise_road(ref) for ref in known}
        for (road, _, _), hourly in sorted(self.counts.items()):
            if road not in network:
                raise DataError(
                    f"{hourly.source}: field 'road' is {road!r}, a road the network does not "
                    "have: expected a ref tagged on its roads (e.g. 'A16')"
                )


def read_counts(path: str | Path) -> TrafficCounts:
    """Read a simple count file (format in the module docstring).

    Raises
    ------
    DataError
        Naming the file, line and field: unknown direction or day type, an
        hour outside 0-23 or given twice, a negative or impossible flow, a
        road, direction and day type missing an hour.
    """
    path = Path(path)
    hours: dict[tuple[str, str, str], dict[int, float]] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    for line, row in rows(path, COUNT_FIELDS):
        road = normalise_road(row["road"])
        if not road:
            raise DataError(f"{path}: line {line}: field 'road' is empty, expected e.g. 'A16'")
        direction = row["direction"].casefold()
        if direction not in DIRECTIONS:
            raise DataError(
                f"{path}: line {line}: field 'direction' is {row['direction']!r}, "
                f"expected one of {', '.join(DIRECTIONS)}"
            )
        day_type = row["day_type"].casefold()
        if day_type not in DAY_TYPES:
            raise DataError(
                f"{path}: line {line}: field 'day_type' is {row['day_type']!r}, "
                f"expected one of {', '.join(DAY_TYPES)}"
            )
        hour_value = number(path, line, "hour", row["hour"])
        if hour_value != int(hour_value) or not 0 <= hour_value <= 23:
            raise DataError(
                f"{path}: line {line}: field 'hour' is {row['hour']!r}, expected a whole hour 0-23"
            )
        flow = number(path, line, "veh_h_per_lane", row["veh_h_per_lane"])
        if not 0 <= flow <= MAX_HOURLY_VEH_H_LANE:
            raise DataError(
                f"{path}: line {line}: field 'veh_h_per_lane' is {flow:g}, expected "
                f"0-{MAX_HOURLY_VEH_H_LANE:g} vehicles per hour per lane"
            )
        key = (road, direction, day_type)
        first_line.setdefault(key, line)
        group = hours.setdefault(key, {})
        if int(hour_value) in group:
            raise DataError(
                f"{path}: line {line}: field 'hour' {int(hour_value)} is given twice for "
                f"{road} {direction} {day_type}"
            )
        group[int(hour_value)] = flow
    if not hours:
        raise DataError(f"{path}: no counts below the header")
    counts = {}
    for key, group in hours.items():
        missing = sorted(set(range(24)) - set(group))
        if missing:
            raise DataError(
                f"{path}: line {first_line[key]}: field 'hour': {' '.join(key)} lacks hours "
                f"{', '.join(str(h) for h in missing)}; every road, direction and day type "
                "needs all 24"
            )
        counts[key] = HourlyCounts(
            tuple(group[h] for h in range(24)), f"{path}: line {first_line[key]}"
        )
    return TrafficCounts(counts, path)
