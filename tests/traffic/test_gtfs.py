"""Passenger trains counted from a GTFS timetable, and what a plan does with them."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility import settings as mobility_settings
from mobility.errors import DataError
from mobility.model.clock import LOCAL_TIME
from mobility.traffic.gtfs import bind_timetable, read_gtfs

AGENCY = "agency_id,agency_name,agency_url,agency_timezone\nNS,NS,https://ns.nl,Europe/Amsterdam\n"
#: Weekdays only, all of 2026 and 2027.
CALENDAR = (
    "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
    "WD,1,1,1,1,1,0,0,20260101,20271231\n"
    "ALL,1,1,1,1,1,1,1,20260101,20271231\n"
)
TUESDAY = datetime(2026, 11, 24, 8, 30, tzinfo=LOCAL_TIME)


def write_feed(
    folder: Path,
    stops: dict[str, tuple[float, float]],
    trips: list[tuple[str, str, list[tuple[str, str]]]],
    *,
    route_type: int = 2,
) -> Path:
    """Write a GTFS folder: ``trips`` as (trip_id, service_id, [(stop_id, time)])."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agency.txt").write_text(AGENCY)
    (folder / "calendar.txt").write_text(CALENDAR)
    (folder / "routes.txt").write_text(
        f"route_id,agency_id,route_short_name,route_type\nR1,NS,IC,{route_type}\nBUS,NS,1,3\n"
    )
    (folder / "stops.txt").write_text(
        "stop_id,stop_name,stop_lat,stop_lon\n"
        + "".join(f"{s},{s},{lat},{lon}\n" for s, (lon, lat) in stops.items())
    )
    (folder / "trips.txt").write_text(
        "route_id,service_id,trip_id\n" + "".join(f"R1,{svc},{t}\n" for t, svc, _ in trips)
    )
    lines = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    for trip, _, calls in trips:
        lines += [f"{trip},{time},{time},{stop},{n}" for n, (stop, time) in enumerate(calls)]
    (folder / "stop_times.txt").write_text("\n".join(lines) + "\n")
    return folder


def line_graph() -> nx.MultiDiGraph:
    """Four rail nodes 1 km apart along a parallel, both directions."""
    graph = nx.MultiDiGraph()
    for node in range(4):
        graph.add_node(node, x=5.0 + node * 0.0147, y=52.0)
    for u in range(3):
        graph.add_edge(u, u + 1, length_m=1000.0)
        graph.add_edge(u + 1, u, length_m=1000.0)
    return graph


STOPS = {"A": (5.0, 52.0005), "C": (5.0294, 52.0), "D": (5.0441, 51.9996)}


def test_trains_are_counted_per_edge_hour_and_service_day(tmp_path: Path) -> None:
    feed = write_feed(
        tmp_path / "feed",
        STOPS,
        [
            ("t1", "WD", [("A", "08:05:00"), ("C", "08:10:00"), ("D", "08:12:00")]),
            ("t2", "WD", [("D", "08:40:00"), ("C", "08:43:00"), ("A", "08:48:00")]),
            ("t3", "WD", [("A", "09:05:00"), ("C", "09:10:00")]),
            ("late", "WD", [("A", "24:30:00"), ("C", "24:35:00")]),
            ("every", "ALL", [("C", "08:20:00"), ("D", "08:22:00")]),
        ],
    )
    bound = bind_timetable(read_gtfs(feed), line_graph())
    assert bound.snapped == {"A": 0, "C": 2, "D": 3} and bound.unsnapped == ()
    first, last = [(0, 1)], [(3, 2)]  # a directed edge counts in both directions
    assert bound.trains_per_h(first, TUESDAY) == 2  # t1, t2
    assert bound.trains_per_h(last, TUESDAY) == 3  # t1, t2, every
    assert bound.trains_per_h(first + last, TUESDAY) == 3  # distinct trains
    assert bound.trains_per_h(first, TUESDAY.replace(hour=9)) == 1
    sunday = datetime(2026, 11, 29, 8, 30, tzinfo=LOCAL_TIME)
    assert bound.trains_per_h(first, sunday) == 0
    assert bound.trains_per_h(last, sunday) == 1  # the daily service only
    # A trip of Tuesday's service at 24:30 runs in Wednesday's first hour.
    wednesday = datetime(2026, 11, 25, 0, 40, tzinfo=LOCAL_TIME)
    assert bound.trains_per_h(first, wednesday) == 1
    monday = datetime(2026, 11, 23, 0, 40, tzinfo=LOCAL_TIME)
    assert bound.trains_per_h(first, monday) == 0  # Sunday runs no weekday service
    assert bound.covers(first) and not bound.covers([(7, 8)])
    assert bound.source == "GTFS feed"


def test_a_zipped_feed_reads_like_its_folder(tmp_path: Path) -> None:
    folder = write_feed(
        tmp_path / "feed", STOPS, [("t1", "WD", [("A", "08:05:00"), ("C", "08:10:00")])]
    )
    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in folder.iterdir():
            out.write(path, path.name)
    zipped, plain = read_gtfs(archive), read_gtfs(folder)
    assert zipped.calls == plain.calls and zipped.stops == plain.stops


def test_stops_far_from_the_track_are_reported_not_snapped(tmp_path: Path) -> None:
    stops = {**STOPS, "FAR": (5.0, 52.1)}
    feed = write_feed(
        tmp_path / "feed", stops, [("t1", "WD", [("A", "08:05:00"), ("FAR", "08:30:00")])]
    )
    bound = bind_timetable(read_gtfs(feed), line_graph())
    assert bound.unsnapped == ("FAR",) and bound.passages == {}


@settings(max_examples=30, deadline=None)
@given(
    departures=st.lists(
        st.tuples(st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=12, unique=True
    ),
    hour=st.integers(0, 23),
)
def test_property_counts_are_the_trips_departing_in_that_hour(
    tmp_path_factory: pytest.TempPathFactory, departures: list[tuple[int, int]], hour: int
) -> None:
    trips = [
        (f"t{n}", "WD", [("A", f"{h:02d}:{m:02d}:00"), ("C", f"{h:02d}:{m:02d}:30")])
        for n, (h, m) in enumerate(departures)
    ]
    feed = write_feed(tmp_path_factory.mktemp("feed"), STOPS, trips)
    bound = bind_timetable(read_gtfs(feed), line_graph())
    expected = sum(1 for h, _ in departures if h == hour)
    assert bound.trains_per_h([(1, 2)], TUESDAY.replace(hour=hour)) == expected


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "stop_times.txt").unlink(), "stop_times.txt is missing"),
        (lambda f: (f / "calendar.txt").unlink(), "neither calendar.txt nor calendar_dates.txt"),
        (
            lambda f: (f / "stop_times.txt").write_text(
                "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                "t1,08:05:00,08:05:00,A,0\nt1,08:61:00,08:61:00,C,1\n"
            ),
            "stop_times.txt line 3: departure_time '08:61:00' is not a time HH:MM:SS",
        ),
        (
            lambda f: (f / "stops.txt").write_text(
                "stop_id,stop_name,stop_lat,stop_lon\nA,A,52.0,5.0\nC,C,952.0,5.03\n"
            ),
            "stops.txt line 3: stop 'C' has no valid stop_lat/stop_lon",
        ),
        (
            lambda f: (f / "stops.txt").write_text(
                "stop_id,stop_name,stop_lat,stop_lon\nA,A,52,5\n"
            ),
            "calls at stop 'C', which stops.txt lacks",
        ),
        (
            lambda f: (f / "trips.txt").write_text("route_id,trip_id\nR1,t1\n"),
            "trips.txt: column 'service_id' is missing",
        ),
    ],
)
def test_a_damaged_feed_is_refused_naming_file_line_and_field(
    tmp_path: Path, damage: object, message: str
) -> None:
    feed = write_feed(
        tmp_path / "feed", STOPS, [("t1", "WD", [("A", "08:05:00"), ("C", "08:10:00")])]
    )
    damage(feed)  # type: ignore[operator]
    with pytest.raises(
        DataError, match="feed: .*" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        read_gtfs(feed)


def test_a_feed_without_rail_or_not_a_feed_is_refused(tmp_path: Path) -> None:
    buses = write_feed(
        tmp_path / "buses",
        STOPS,
        [("t1", "WD", [("A", "08:05:00"), ("C", "08:10:00")])],
        route_type=3,
    )
    with pytest.raises(DataError, match="no rail route"):
        read_gtfs(buses)
    text = tmp_path / "feed.zip"
    text.write_text("<html>captive portal</html>")
    with pytest.raises(DataError, match="not a GTFS feed"):
        read_gtfs(text)
    with pytest.raises(DataError, match="does not exist"):
        read_gtfs(tmp_path / "absent")
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(nested, "w") as out:
        out.writestr("gtfs/stops.txt", "stop_id\n")
    with pytest.raises(DataError, match="inside the zip"):
        read_gtfs(nested)


def test_a_feed_beyond_the_size_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = write_feed(
        tmp_path / "feed", STOPS, [("t1", "WD", [("A", "08:05:00"), ("C", "08:10:00")])]
    )
    monkeypatch.setattr(mobility_settings, "max_gtfs_bytes", 100)
    with pytest.raises(DataError, match=r"more than the limit of 100 \(MOBILITY_MAX_GTFS_MB\)"):
        read_gtfs(feed)


def test_a_plan_counts_the_trains_its_paths_displace_from_the_timetable(tmp_path: Path) -> None:
    import mobility
    from mobility.model.scenario import load_scenario
    from mobility.schedule.cpsat import SolverOptions
    from mobility.schedule.disruption import TrafficModel
    from mobility.schedule.planner import plan_scenario
    from tests.schedule.test_rail_options import request, scenario_file

    atlas = mobility.load_network()
    names = {str(d.get("name")) for _, _, d in atlas.rail.edges(data=True)}
    [line] = [
        n for n in names if n.startswith("Zevenaar") and "Emmerich" in n
    ]  # the border section
    [(u, v)] = {
        (min(a, b), max(a, b)) for a, b, d in atlas.rail.edges(data=True) if d.get("name") == line
    }
    ends = {n: (atlas.rail.nodes[n]["x"], atlas.rail.nodes[n]["y"]) for n in (u, v)}
    stops = {f"S{n}": xy for n, xy in ends.items()}
    # Six trains an hour, every day, around the clock, across the border section.
    trips = [
        (
            f"t{h}-{m}",
            "ALL",
            [(f"S{u}", f"{h:02d}:{m:02d}:00"), (f"S{v}", f"{h:02d}:{m + 3:02d}:00")],
        )
        for h in range(24)
        for m in range(0, 60, 10)
    ]
    feed = write_feed(tmp_path / "feed", stops, trips)
    scenario = load_scenario(
        scenario_file(tmp_path, request("TANKS", "m1a2-sepv3: 30", mode="rail"))
    )
    options = SolverOptions(time_limit_s=10)
    plain = plan_scenario(scenario, atlas, options=options)
    counted = plan_scenario(
        scenario, atlas, options=options, traffic=TrafficModel(rail_timetable=read_gtfs(feed))
    )
    for result, trains, source in (
        (plain, 1.0, "rail.yaml passenger_per_h (assumption) x hourly profile"),
        (counted, 6, "GTFS feed"),
    ):
        rows = [m.data for m in result.plan.movements]
        assert rows and all(r["mode"] == "rail" for r in rows)
        for row in rows:
            border = [s for s in row["train"]["path"] if s["line"] == line]
            assert border and all(s["passenger_trains_per_h"] == trains for s in border)
            assert all(s["passenger_source"] == source for s in border)
            others = [s for s in row["train"]["path"] if s["line"] != line]
            assert all(s["passenger_source"].startswith("rail.yaml") for s in others)
            delays = sum(s["civilian_delay_vh"] for s in row["train"]["path"])
            assert delays > 0
    # More trains displaced than assumed: the rail delay grows.
    kpis = [r.plan.summary["kpis"]["rail_civilian_delay_vh"] for r in (plain, counted)]
    assert kpis[1] > kpis[0]
