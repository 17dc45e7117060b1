from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

import mobility
from mobility.errors import DataError
from mobility.model.clock import LOCAL_TIME
from mobility.routing.column_timing import Halting, RoutePoints, column_schedule
from mobility.routing.edges import EdgeTable
from mobility.routing.halt_sites import ColumnFootprint, HaltSite, RouteSite
from mobility.routing.output import plan_lines
from mobility.routing.router import Router
from mobility.routing.timing import HaltRules, MarchSpeeds, column_speeds_kph, travel_times_s
from tests.routing.conftest import make_graph
from tests.routing.test_elements import DATA

START = datetime(2026, 11, 24, 6, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def _line(edges: int, **data: object) -> EdgeTable:
    graph = make_graph(
        [(i, i + 1, {"length_m": 10_000.0, "highway": "motorway", **data}) for i in range(edges)],
        two_way=False,
    )
    return EdgeTable.from_graph(graph)


def _site(position: int, vehicles: int | None = 300, **fields: object) -> RouteSite:
    site = HaltSite(
        id=f"site-{position}",
        name=f"CSC {position}",
        kind="support_centre",
        lon=4.0,
        lat=52.0,
        vehicles=vehicles,
        vehicles_overnight=vehicles,
        **fields,  # type: ignore[arg-type]
    )
    return RouteSite(position, site, 0.0, 0.0)


def _schedule(  # type: ignore[no-untyped-def]
    table: EdgeTable,
    halt_places: frozenset[int] = frozenset(),
    pass_s: float = 0.0,
    sites: tuple[RouteSite, ...] = (),
    footprint: ColumnFootprint | None = None,
):
    times = travel_times_s(table, column_speeds_kph(table, 80.0))
    return column_schedule(
        table,
        list(range(table.n_edges)),
        times,
        np.full(table.n_edges, pass_s),
        START,
        RoutePoints({}, {}),
        origin_name="A",
        destination_name="B",
        halting=Halting(
            sites=sites or tuple(_site(i) for i in sorted(halt_places)),
            footprint=footprint or ColumnFootprint(1, 0.0),
        ),
    )


def test_speeds_follow_doctrine() -> None:
    table = _line(1)
    assert column_speeds_kph(table, 80.0)[0] == 60.0  # expressway 66, Dutch cap 60
    assert column_speeds_kph(table, 40.0)[0] == 40.0  # slowest vehicle
    built_up = _line(1, maxspeed_kph=50.0)
    assert column_speeds_kph(built_up, 80.0)[0] == 24.0
    rural = _line(1, highway="secondary", maxspeed_kph=80.0)
    assert column_speeds_kph(rural, 80.0, MarchSpeeds(rural_kph=45))[0] == 45.0


def test_halts_every_two_hours_and_a_break_before_four_and_a_half() -> None:
    # 30 x 10 km at 60 km/h: five hours of driving.
    schedule = _schedule(_line(30))
    assert schedule.driving_s == pytest.approx(5 * 3600)
    assert [(h.kind, h.distance_m) for h in schedule.halts] == [
        ("short", 120_000.0),
        ("break", 240_000.0),
    ]
    assert schedule.arrive - schedule.start == timedelta(hours=6)
    # No site anywhere: the halts stand where the limit falls, flagged and explained.
    assert schedule.unsited_halts == schedule.halts
    for halt in schedule.halts:
        assert not halt.at_support_centre and halt.name.startswith("no halt site (roadside")
        assert "no site fits 1 vehicles" in halt.note and "none further on fits" in halt.note


def test_a_site_too_small_for_the_column_is_passed_by() -> None:
    # A 120-vehicle column: the truck park at 2 h holds 100, the centre at 1 h 40 holds 300.
    sites = (_site(10, 300), _site(12, 100))
    big = _schedule(_line(30), sites=sites, footprint=ColumnFootprint(120, 15_000.0))
    small = _schedule(_line(30), sites=sites, footprint=ColumnFootprint(80, 10_000.0))
    assert [h.name for h in big.halts][:1] == ["CSC 10"]
    assert [h.name for h in small.halts][:1] == ["CSC 12"]
    # By area where no capacity in vehicles is known: 120 trucks need more than 12,000 m2.
    by_area = (_site(10, None, area_m2=20_000.0), _site(12, None, area_m2=12_000.0))
    assert (
        _schedule(_line(30), sites=by_area, footprint=ColumnFootprint(120, 15_000.0)).halts[0].name
        == "CSC 10"
    )


def test_halt_moved_earlier_when_the_next_site_is_too_far() -> None:
    # Sites after 50 min and 2 h 50 min of driving: the 2 h limit falls between them.
    schedule = _schedule(_line(30), sites=(_site(5), _site(17)))
    first, second = schedule.halts
    assert (first.name, first.distance_m, first.site_kind) == ("CSC 5", 50_000.0, "support_centre")
    assert first.note.startswith("moved earlier (after 0h50 of driving)")
    assert "the next site that fits, CSC 17 (support centre), is 2h00 further" in first.note
    assert (second.name, second.kind) == ("CSC 17", "break")
    assert schedule.unsited_halts == ()


def test_no_site_that_fits_is_explained() -> None:
    schedule = _schedule(
        _line(30), sites=(_site(10, 50),), footprint=ColumnFootprint(120, 15_000.0)
    )
    halt = schedule.halts[0]
    assert halt in schedule.unsited_halts and halt.site_kind == ""
    assert halt.distance_m == 120_000.0
    assert "no site fits 120 vehicles (15,000 m2) within 2h00 of driving" in halt.note
    assert "CSC 10 (support centre): 120 vehicles exceed its 50 places" in halt.note


def test_the_drive_to_a_site_and_back_is_part_of_the_halt() -> None:
    site = _site(12)
    off = RouteSite(12, site.site, 1500.0, 2 * 1500.0 / (30 / 3.6))
    schedule = _schedule(_line(30), sites=(off,))
    halt = schedule.halts[0]
    assert halt.end - halt.start == timedelta(minutes=15 + 6)
    assert halt.detour_s == pytest.approx(360.0) and "1.5 km off the route" in halt.note


def test_halt_moves_to_a_support_centre_passed_after_ninety_minutes() -> None:
    schedule = _schedule(_line(30), halt_places=frozenset({10}))
    first = schedule.halts[0]
    assert (first.name, first.at_support_centre, first.distance_m) == ("CSC 10", True, 100_000.0)
    assert first.end - first.start == timedelta(minutes=15)


def test_daily_rest_after_nine_hours() -> None:
    schedule = _schedule(_line(66))  # 11 h of driving
    kinds = [h.kind for h in schedule.halts]
    assert "daily_rest" in kinds
    driving_before_rest = 0.0
    previous_end = schedule.start
    for halt in schedule.halts:
        driving_before_rest += (halt.start - previous_end).total_seconds()
        previous_end = halt.end
        if halt.kind == "daily_rest":
            assert driving_before_rest <= 9 * 3600
            assert halt.end - halt.start == timedelta(hours=11)
            break


def test_short_trip_has_no_halt_and_clear_follows_pass_time() -> None:
    schedule = _schedule(_line(12), pass_s=600.0)  # exactly two hours
    assert schedule.halts == ()
    assert schedule.clear - schedule.arrive == timedelta(minutes=10)
    assert [c.kind for c in schedule.checkpoints] == ["origin", "destination"]


def test_rules_are_validated() -> None:
    with pytest.raises(DataError, match="halt rules must satisfy"):
        HaltRules(halt_every_s=6 * 3600)
    with pytest.raises(DataError, match="march speed rural_kph must be > 0"):
        MarchSpeeds(rural_kph=0)


def test_a_structure_of_many_ways_is_one_checkpoint_occupied_until_the_tail_leaves() -> None:
    network = mobility.load_network(
        DATA / "structures.osm", corridor_file=DATA / "corridors-structures.yaml", use_cache=False
    )
    router = Router(network)
    route = router.route("West port", "East crossing", "boxer-apc", count=20, k=1).routes[0]
    table = router.table("road")
    bridges = [c for c in route.schedule.checkpoints if c.kind == "bridge"]
    assert [(c.name, c.element) for c in bridges] == [("Testbrug", "Testbrug/eastbound")]
    # The three bridge edges are crossed before the tail leaves.
    edges = [table.key_index[key] for key in route.edges]
    on_bridge = [i for i, e in enumerate(edges) if table.bridge[e]]
    assert len(on_bridge) == 3
    crossing_s = sum(route.edge_times_s[i] for i in on_bridge)
    point = bridges[0]
    assert point.leave is not None and point.occupied_until == point.leave
    pass_s = (point.clear - point.arrive).total_seconds()
    held_s = (point.leave - point.arrive).total_seconds()
    assert held_s >= crossing_s + pass_s - 1.0
    assert [c.name for c in route.schedule.checkpoints] == [
        "West port",
        "Aansluiting Test",
        "Testbrug",
        "East crossing",
    ]


@pytest.mark.parametrize("start", ["2026-10-25T01:30", "2026-03-29T01:30"])
def test_route_times_are_elapsed_time_across_a_clock_change(start: str) -> None:
    """Issue #14: across the end of summer time a 5.9 km leg took 66 min, arriving an hour late."""
    router = Router(mobility.load_network())
    plan = router.route("Vlissingen", "bcp-venlo-a67", "boxer-apc", start=start, k=1)
    route = plan.routes[0]
    points = route.schedule.checkpoints
    halts_s = sum((h.end - h.start).total_seconds() for h in route.schedule.halts)
    assert (route.schedule.arrive - points[0].arrive).total_seconds() == pytest.approx(
        route.driving_s + halts_s, abs=1
    )
    for earlier, later in itertools.pairwise(points):
        assert later.arrive >= earlier.arrive
        assert (later.arrive - earlier.arrive).total_seconds() < 3 * 3600
    text = "\n".join(plan_lines(plan))
    arrive_local = route.schedule.arrive.astimezone(LOCAL_TIME)
    assert f"arrive {arrive_local:%a %H:%M}" in text
