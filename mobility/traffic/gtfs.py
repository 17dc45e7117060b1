"""Passenger trains from a GTFS timetable, counted per rail edge, date and hour.

A military train displaces the regular trains that run on its line while it
and its headway occupy it. Without a timetable that number is a labelled
assumption per line (``passenger_per_h`` in ``rail.yaml``, spread by the
hourly profile). With a GTFS feed (zip or folder) it is counted: every rail
trip (``route_type`` 2 or the extended rail types 100-117) is laid on the
rail graph stop to stop (each stop snapped to the nearest rail node within
``max_snap_m``, consecutive stops joined by the shortest track between
them), and the trains on a set of edges in an hour of a date are the
distinct trips active that date (``calendar.txt`` and
``calendar_dates.txt``, read by gtfs-kit) that pass one of the edges in that
local hour.

GTFS times count from local midnight of the service day and may pass 24:00;
a trip of the day before at 25:10 is counted at 01:10. On the two days of a
clock change the feed's "noon minus 12 h" convention differs from midnight
by an hour; this is ignored.
"""

from __future__ import annotations

import itertools
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from mobility import settings
from mobility.errors import DataError
from mobility.model.clock import LOCAL_TIME

#: GTFS ``route_type`` values of trains: 2 (rail) and the extended types 100-117.
RAIL_ROUTE_TYPES = frozenset({2, *range(100, 118)})
#: Columns each table must have.
REQUIRED_COLUMNS = {
    "routes": ("route_id", "route_type"),
    "trips": ("route_id", "service_id", "trip_id"),
    "stop_times": ("trip_id", "stop_id", "stop_sequence"),
    "stops": ("stop_id", "stop_lat", "stop_lon"),
}
#: Metres per degree of latitude (for the snapping distance).
_M_PER_DEG = 111_320.0
_TIME = re.compile(r"^\s*(\d{1,2}):([0-5]\d):([0-5]\d)\s*$")

EdgeKey = tuple[int, int]


@dataclass(eq=False)
class Timetable:
    """Rail trips of a GTFS feed: where they stop and when.

    Attributes
    ----------
    path
        The feed read.
    stops
        ``stop_id`` -> (lon, lat) of every stop a rail trip calls at.
    trips
        Rail ``trip_id`` in a fixed order; a trip's index is its position.
    calls
        Per trip, its timed calls in stop order: (``stop_id``, seconds after
        the service day's midnight).
    """

    path: Path
    stops: dict[str, tuple[float, float]]
    trips: tuple[str, ...]
    calls: tuple[tuple[tuple[str, int], ...], ...]
    _feed: Any = field(repr=False)
    _active: dict[date, frozenset[int]] = field(default_factory=dict, repr=False)

    @property
    def source(self) -> str:
        """How plans name this timetable as the source of a figure."""
        return f"GTFS {self.path.name}"

    def active_trips(self, day: date) -> frozenset[int]:
        """Return the indices of the trips that run on ``day`` (service calendar of the feed)."""
        if day not in self._active:
            active = self._feed.get_trips(date=day.strftime("%Y%m%d"))
            wanted = set(active["trip_id"].astype(str)) if active is not None else set()
            self._active[day] = frozenset(i for i, t in enumerate(self.trips) if t in wanted)
        return self._active[day]


def read_gtfs(path: str | Path) -> Timetable:
    """Read the rail trips of a GTFS feed (a zip file or a folder of ``.txt`` files).

    Raises
    ------
    DataError
        Naming the feed, the file, the line and the field of the first
        problem: not a feed, a required file or column missing, no rail
        route, a stop without valid coordinates, a time that is not
        ``HH:MM:SS``, a feed larger than ``settings.max_gtfs_bytes``.
    """
    path = Path(path)
    feed = _read_feed(path)
    for table, columns in REQUIRED_COLUMNS.items():
        frame = getattr(feed, table)
        if frame is None:
            raise DataError(f"{path}: {table}.txt is missing or empty (a GTFS feed needs it)")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise DataError(f"{path}: {table}.txt: column {missing[0]!r} is missing")
    if feed.calendar is None and feed.calendar_dates is None:
        raise DataError(f"{path}: neither calendar.txt nor calendar_dates.txt (no service dates)")
    routes = feed.routes
    types = routes["route_type"]
    rail_routes = set(routes.loc[types.isin(list(RAIL_ROUTE_TYPES)), "route_id"].astype(str))
    if not rail_routes:
        raise DataError(f"{path}: routes.txt: no rail route (route_type 2 or 100-117)")
    trips = feed.trips.loc[feed.trips["route_id"].astype(str).isin(rail_routes)]
    trip_ids = tuple(sorted(set(trips["trip_id"].astype(str))))
    stop_times = feed.stop_times.loc[feed.stop_times["trip_id"].astype(str).isin(set(trip_ids))]
    stop_times = stop_times.sort_values(["trip_id", "stop_sequence"], kind="stable")
    calls: dict[str, list[tuple[str, int]]] = defaultdict(list)
    used: set[str] = set()
    departures = stop_times.get("departure_time")
    arrivals = stop_times.get("arrival_time")
    for line, trip, stop, depart, arrive in zip(
        stop_times.index,
        stop_times["trip_id"].astype(str),
        stop_times["stop_id"].astype(str),
        departures if departures is not None else [None] * len(stop_times),
        arrivals if arrivals is not None else [None] * len(stop_times),
        strict=True,
    ):
        text = depart if _given(depart) else arrive
        if not _given(text):
            continue  # an untimed call: the hop takes the previous timed call's time
        seconds = _seconds(str(text), path, int(line) + 2)
        calls[trip].append((stop, seconds))
        used.add(stop)
    stops = _stops(feed.stops, used, path)
    return Timetable(
        path=path,
        stops=stops,
        trips=trip_ids,
        calls=tuple(tuple(calls[t]) for t in trip_ids),
        _feed=feed,
    )


def _read_feed(path: Path) -> Any:
    import gtfs_kit  # deferred: only plans given a timetable need it

    if not path.exists():
        raise DataError(f"{path}: the GTFS feed does not exist")
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise DataError(f"{path}: not a GTFS feed (expected a zip file or a folder)")
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
            nested = [i.filename for i in archive.infolist() if "/" in i.filename.strip("/")]
        if nested:
            raise DataError(
                f"{path}: {nested[0]} lies in a folder inside the zip "
                "(GTFS files must be at the top of the archive)"
            )
    else:
        inflated = sum(p.stat().st_size for p in path.glob("*.txt") if p.is_file())
    if inflated > settings.max_gtfs_bytes:
        raise DataError(
            f"{path}: the feed holds {inflated:,} bytes, more than the limit of "
            f"{settings.max_gtfs_bytes:,} (MOBILITY_MAX_GTFS_MB)"
        )
    try:
        return gtfs_kit.read_feed(path, dist_units="km")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path}: not a readable GTFS feed ({exc})") from exc


def _given(value: object) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and math.isnan(value))
        and (str(value).strip() not in {"", "<NA>", "nan"})
    )


def _seconds(text: str, path: Path, line: int) -> int:
    match = _TIME.match(text)
    if match is None or int(match.group(1)) >= 48:
        raise DataError(
            f"{path}: stop_times.txt line {line}: departure_time {text[:40]!r} "
            "is not a time HH:MM:SS (hours below 48)"
        )
    hours, minutes, seconds = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _stops(frame: Any, used: set[str], path: Path) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    ids = frame["stop_id"].astype(str)
    for line, stop, lat, lon in zip(
        frame.index,
        ids,
        frame["stop_lat"],
        frame["stop_lon"],
        strict=True,
    ):
        if stop not in used:
            continue
        try:
            lat_deg, lon_deg = float(lat), float(lon)
        except (TypeError, ValueError):
            lat_deg = lon_deg = math.nan
        if not (-90 <= lat_deg <= 90 and -180 <= lon_deg <= 180):
            raise DataError(
                f"{path}: stops.txt line {int(line) + 2}: stop {stop!r} has no valid "
                f"stop_lat/stop_lon ({lat!r}, {lon!r}); expected degrees WGS84"
            )
        out[stop] = (lon_deg, lat_deg)
    missing = sorted(used - out.keys())
    if missing:
        raise DataError(
            f"{path}: stop_times.txt calls at stop {missing[0]!r}, which stops.txt lacks"
        )
    return out


@dataclass
class RailTimetable:
    """A timetable laid on a rail graph: which trips pass which edge, and when.

    Attributes
    ----------
    timetable
        The feed's rail trips.
    passages
        Undirected edge ``(min(u, v), max(u, v))`` -> (trip index, seconds
        after the trip's service-day midnight) of every trip passing it.
    snapped
        ``stop_id`` -> the rail node it was snapped to.
    unsnapped
        Stops farther than ``max_snap_m`` from every rail node.
    hops_unrouted
        Consecutive snapped stops with no track between them in the graph.
    """

    timetable: Timetable
    passages: dict[EdgeKey, list[tuple[int, int]]]
    snapped: dict[str, int]
    unsnapped: tuple[str, ...]
    hops_unrouted: int

    @property
    def source(self) -> str:
        """How plans name this timetable as the source of a figure."""
        return self.timetable.source

    def covers(self, edges: Iterable[EdgeKey]) -> bool:
        """Whether some trip of the feed uses one of ``edges`` (else the feed says nothing)."""
        return any(_key(*edge) in self.passages for edge in edges)

    def trains_per_h(self, edges: Sequence[EdgeKey], moment: datetime) -> int:
        """Distinct trains passing one of ``edges`` in the local hour of ``moment``."""
        local = moment.astimezone(LOCAL_TIME)
        start_s = local.hour * 3600
        today = self.timetable.active_trips(local.date())
        yesterday = self.timetable.active_trips(local.date() - timedelta(days=1))
        seen: set[int] = set()
        for edge in edges:
            for trip, seconds in self.passages.get(_key(*edge), ()):
                if trip in seen:
                    continue
                if (trip in today and start_s <= seconds < start_s + 3600) or (
                    trip in yesterday and start_s + 86_400 <= seconds < start_s + 90_000
                ):
                    seen.add(trip)
        return len(seen)


def _key(u: int, v: int) -> EdgeKey:
    return (u, v) if u <= v else (v, u)


def bind_timetable(
    timetable: Timetable, rail: nx.MultiDiGraph, max_snap_m: float = 500.0
) -> RailTimetable:
    """Lay the timetable's trips on the rail graph ``rail`` (WGS84 ``x``/``y`` nodes).

    Each stop is snapped to the nearest rail node within ``max_snap_m``;
    consecutive snapped calls of a trip are joined by the shortest track
    (``length_m``, direction ignored), and every edge on it records the trip
    at the time of the earlier call. Hops whose track is more than three
    times the straight distance plus 5 km are taken as mis-snapped and left out.
    """
    nodes = list(rail.nodes)
    if not nodes or not timetable.stops:
        return RailTimetable(timetable, {}, {}, tuple(timetable.stops), 0)
    lat0 = float(np.mean([rail.nodes[n]["y"] for n in nodes]))
    scale = math.cos(math.radians(lat0)) * _M_PER_DEG
    points = np.array(
        [(rail.nodes[n]["x"] * scale, rail.nodes[n]["y"] * _M_PER_DEG) for n in nodes]
    )
    tree = cKDTree(points)
    stop_ids = list(timetable.stops)
    queries = np.array([(lon * scale, lat * _M_PER_DEG) for lon, lat in timetable.stops.values()])
    distances, index = tree.query(queries)
    snapped = {
        stop: nodes[int(i)]
        for stop, d, i in zip(stop_ids, distances, index, strict=True)
        if d <= max_snap_m
    }
    unsnapped = tuple(s for s in stop_ids if s not in snapped)
    track = nx.Graph()
    for u, v, data in rail.edges(data=True):
        length = float(data.get("length_m", 0.0))
        if not track.has_edge(u, v) or track.edges[u, v]["length_m"] > length:
            track.add_edge(u, v, length_m=length)
    paths: dict[tuple[int, int], list[int] | None] = {}
    passages: dict[EdgeKey, list[tuple[int, int]]] = defaultdict(list)
    unrouted = 0
    for trip, calls in enumerate(timetable.calls):
        timed = [(snapped[s], t, timetable.stops[s]) for s, t in calls if s in snapped]
        for (a, seconds, here), (b, _, there) in itertools.pairwise(timed):
            if a == b:
                continue
            if (a, b) not in paths:
                paths[a, b] = _track(track, a, b, here, there, scale)
            path = paths[a, b]
            if path is None:
                unrouted += 1
                continue
            for u, v in itertools.pairwise(path):
                passages[_key(u, v)].append((trip, seconds))
    return RailTimetable(timetable, dict(passages), snapped, unsnapped, unrouted)


def _track(
    track: nx.Graph,
    a: int,
    b: int,
    here: tuple[float, float],
    there: tuple[float, float],
    scale: float,
) -> list[int] | None:
    try:
        length, path = nx.single_source_dijkstra(track, a, b, weight="length_m")
    except nx.NetworkXNoPath:
        return None
    straight_m = math.hypot((here[0] - there[0]) * scale, (here[1] - there[1]) * _M_PER_DEG)
    if length > 3 * straight_m + 5_000:
        return None
    return list(path)
