from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobility import BuildOptions, load_network
from mobility.errors import DataError
from mobility.model.column import Column, ColumnRules, Serial, build_column
from mobility.model.mlc import weight_t_of_class
from mobility.model.vehicle import VehicleCatalogue, VehicleType
from mobility.network.load import Network
from mobility.routing.requirements import Requirements
from mobility.routing.router import NoRouteError, Route, RoutePlan, Router, parse_time
from mobility.routing.timing import HaltRules

START = "2026-11-24T06:00+01:00"
VENLO = "bcp-venlo-a67"
LATER = "2026-11-24T14:30+01:00"


def _crosses(route: Route, name: str) -> bool:
    return any(c.name == name for c in route.schedule.checkpoints)


def test_ammunition_column_avoids_the_vlaketunnel(router: Router) -> None:
    # ADR 1.9.5: ammunition of division 1.1 may not use category C tunnels.
    trucks = router.route("Vlissingen", VENLO, "man-hx2-6x6", count=20, start=START)
    ammo = router.route("Vlissingen", VENLO, "ammunition-truck-1-1", count=20, start=START)
    assert _crosses(trucks.routes[0], "Vlaketunnel")
    assert all(not _crosses(r, "Vlaketunnel") for r in ammo.routes)
    assert _crosses(ammo.routes[0], "Vlakebrug")  # the detour over the N289
    assert ammo.routes[0].driving_s > trucks.routes[0].driving_s
    assert "C" in ammo.requirements.barred_tunnel_categories


def test_hazmat_option_applies_to_any_vehicle(router: Router) -> None:
    plan = router.route("Vlissingen", VENLO, "man-hx2-6x6", hazmat="1.1", start=START, k=1)
    assert not _crosses(plan.routes[0], "Vlaketunnel")
    with pytest.raises(DataError, match="neither an ADR class"):
        router.route("Vlissingen", VENLO, "man-hx2-6x6", hazmat="dynamite")


def test_tall_load_avoids_low_tunnels(router: Router, catalogue: VehicleCatalogue) -> None:
    tall = replace(catalogue.get("container-truck"), id="tall-load", name="Tall load", height_m=4.6)
    plan = router.route("Vlissingen", VENLO, tall, start=START, k=2)
    for route in plan.routes:
        for checkpoint in route.schedule.checkpoints:
            if "clearance" in checkpoint.detail:
                clearance = float(checkpoint.detail.split("clearance ")[1].split(" m")[0])
                assert clearance >= 4.6
        assert route.classification is not None
        assert route.classification.clearance_m >= 4.6


def test_heavy_transport_without_route_is_explained(router: Router) -> None:
    with pytest.raises(NoRouteError) as caught:
        router.route("Vlissingen", VENLO, "M1A2 SEPv3", start=START)
    message = str(caught.value)
    assert message.startswith("no road route for 'M1A2 SEPv3 Abrams' on 'HET M1070A1")
    assert "every route crosses Maasbrug Venlo (A67) (MLC 100)" in message
    assert "(vehicle: MLC 106 wheeled)" in message and "options: rail" in message
    assert [b.name for b in caught.value.blocking] == ["Maasbrug Venlo (A67)"]


def test_self_propelled_tank_uses_only_bridges_of_its_class(router: Router) -> None:
    plan = router.route(
        "Port of Rotterdam", "Zevenaar - Emmerich", "m1a2-sepv3", self_propelled=True, start=START
    )
    assert plan.moved_as.id == "m1a2-sepv3" and plan.requirements.mlc_tracked == 74  # 66.8 t
    for route in plan.routes:
        assert route.classification is not None and route.classification.mlc is not None
        assert route.classification.mlc >= 74
        assert not _crosses(route, "Andrej Sacharovbrug")


def test_het_vehicle_rides_its_transporter_by_default(router: Router) -> None:
    plan = router.route("Rotterdam", "Zevenaar - Emmerich", "CV9035NL", start=START, k=1)
    assert plan.moved_as.carries == "cv90-35nl"
    assert "rides a heavy equipment transporter" in plan.notes[0]


def test_alternatives_are_designated_and_diverse(router: Router) -> None:
    plan = router.route("Port of Rotterdam", "Zevenaar - Emmerich", "boxer-apc", k=3, start=START)
    assert [r.designation for r in plan.routes] == ["MSR", "ASR 1", "ASR 2"]
    assert plan.routes[0].shared_with_msr == 1.0
    for route in plan.routes[1:]:
        assert route.max_shared <= router.diversity.max_shared
        assert route.driving_s <= router.diversity.max_stretch * plan.routes[0].driving_s
        assert route.driving_s >= plan.routes[0].driving_s


def test_column_schedule_accounts_for_pass_time(router: Router) -> None:
    plan = router.route(
        "Eemshaven", "Nieuweschans - Bunde", "boxer-apc", count=100, start=START, k=1
    )
    assert plan.column is not None and len(plan.column.march_units) == 4
    route = plan.routes[0]
    assert route.schedule.start == parse_time(START)
    # 100 vehicles at 100 m and 60 km/h pass in 10 min, plus three 5-minute gaps.
    last = route.schedule.checkpoints[-1]
    assert last.clear - last.arrive >= timedelta(minutes=24)


def test_a_path_is_scheduled_once_per_column_size(
    atlas: Network, catalogue: VehicleCatalogue
) -> None:
    """#15: equal march units share their paths' schedules; another size gets its own."""
    router = Router(atlas, catalogue)
    first = router.route("Vlissingen", VENLO, "man-hx2-6x6", count=20, start=START, k=2)
    again = router.route("Vlissingen", VENLO, "man-hx2-6x6", count=20, start=START, k=2)
    assert [r.schedule for r in again.routes] == [r.schedule for r in first.routes]
    assert all(a.schedule is b.schedule for a, b in zip(again.routes, first.routes, strict=True))
    longer = router.route("Vlissingen", VENLO, "man-hx2-6x6", count=30, start=START, k=2)
    assert longer.routes[0].edges == first.routes[0].edges
    assert longer.routes[0].schedule.clear > first.routes[0].schedule.clear
    later = router.route("Vlissingen", VENLO, "man-hx2-6x6", count=20, start=LATER, k=2)
    assert later.routes[0].schedule.start == parse_time(LATER)
    # What a router without anything kept gives: the same schedules.
    fresh = Router(atlas, catalogue).route(
        "Vlissingen", VENLO, "man-hx2-6x6", count=20, start=START, k=2
    )
    assert [r.schedule for r in fresh.routes] == [r.schedule for r in first.routes]


def test_rail_route_between_terminals(router: Router) -> None:
    plan = router.route(
        "Maasvlakte rail terminal", "Zevenaar Oost", "leopard-2a7", mode="rail", start=START
    )
    route = plan.routes[0]
    assert route.mode == "rail" and route.schedule.halts == ()
    assert route.classification is None and plan.column is None
    assert 100_000 < route.length_m < 250_000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"origin": "Vlisingen"}, "unknown road place 'Vlisingen'; did you mean"),
        ({"origin": "Venlo"}, "is ambiguous"),
        ({"vehicle": "Leopard 3"}, "unknown vehicle type 'Leopard 3'"),
        ({"count": -5}, "vehicle count must be a whole number from 1 to .*, got -5"),
        ({"count": 10**9}, "vehicle count must be a whole number from 1 to"),
        ({"start": "9999-12-31T23:00"}, "expected a year from 1970 to 2200"),
        ({"k": 0}, "number of alternatives must be a whole number >= 1"),
        ({"start": "2026-13-45T25:00"}, "is not an ISO 8601 date and time"),
        ({"destination": "Port of Vlissingen"}, "origin and destination are the same"),
    ],
)
def test_bad_inputs_are_named(router: Router, kwargs: dict[str, object], message: str) -> None:
    call: dict[str, object] = {
        "origin": "Port of Vlissingen",
        "destination": VENLO,
        "vehicle": "fennek",
        "start": START,
    }
    call.update(kwargs)
    origin, destination, vehicle = call.pop("origin"), call.pop("destination"), call.pop("vehicle")
    with pytest.raises(DataError, match=message):
        router.route(str(origin), str(destination), vehicle, **call)  # type: ignore[arg-type]


def _edge_allows(data: dict[str, object], vehicle: VehicleType, barred: frozenset[str]) -> bool:
    """Independent re-check of one edge against one vehicle, from the graph's own attributes."""

    def limit(name: str) -> float:
        value = data.get(name)
        return math.inf if value is None else float(value)  # type: ignore[arg-type]

    gear_class = limit("mlc_tracked" if vehicle.tracked else "mlc_wheeled")
    has_class = data.get("mlc_tracked") is not None or data.get("mlc_wheeled") is not None
    if vehicle.mlc > gear_class:
        return False
    if not has_class and vehicle.weight_t > limit("maxweight_t"):
        return False
    if (vehicle.max_axle_load_t or 0) > limit("maxaxleload_t"):
        return False
    if vehicle.height_m > limit("maxheight_m") or vehicle.width_m > limit("maxwidth_m"):
        return False
    return data.get("tunnel_category") not in barred


ROAD_PAIRS = [
    ("spod-vlissingen", VENLO),
    ("spod-rotterdam", "bcp-zevenaar-emmerich"),
    ("spod-eemshaven", "bcp-oldenzaal-gildehaus"),
    ("spod-eemshaven", "bcp-nieuweschans-a7"),
    ("spod-rotterdam", "bcp-tegelen-kaldenkirchen"),
]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_every_route_is_feasible_and_times_add_up(router: Router, data: st.DataObject) -> None:
    road = router.network.road
    vehicle = data.draw(st.sampled_from(sorted(router.catalogue.types)))
    origin, destination = data.draw(st.sampled_from(ROAD_PAIRS))
    count = data.draw(st.integers(1, 300))
    hours = data.draw(st.integers(0, 23))
    start = parse_time(START) + timedelta(hours=hours)
    try:
        plan: RoutePlan = router.route(origin, destination, vehicle, count=count, start=start)
    except NoRouteError as error:
        assert error.blocking, str(error)
        return
    moved = plan.moved_as
    barred = plan.requirements.barred_tunnel_categories
    halt_rules = HaltRules()
    for route in plan.routes:
        for u, v, key in route.edges:
            assert _edge_allows(road.edges[u, v, key], moved, barred)
        assert route.length_m == pytest.approx(sum(road.edges[e]["length_m"] for e in route.edges))
        schedule = route.schedule
        halted = sum(((h.end - h.start) for h in schedule.halts), timedelta())
        assert schedule.arrive - schedule.start == timedelta(seconds=schedule.driving_s) + halted
        # Each edge takes its length over a speed no higher than the cap
        # (60 km/h on Dutch roads) and the slowest vehicle's speed.
        top_speed_ms = min(60.0, moved.max_speed_kph) / 3.6
        assert sum(route.edge_times_s) == pytest.approx(schedule.driving_s)
        for edge, seconds in zip(route.edges, route.edge_times_s, strict=True):
            assert seconds >= road.edges[edge]["length_m"] / top_speed_ms - 1e-6
        arrivals = [c.arrive for c in schedule.checkpoints]
        assert arrivals == sorted(arrivals)
        assert all(c.clear >= c.arrive for c in schedule.checkpoints)
        previous = schedule.start
        for halt in schedule.halts:
            assert (halt.start - previous).total_seconds() <= halt_rules.halt_every_s + 1e-6
            previous = halt.end
        stretch = (schedule.arrive - previous).total_seconds()
        assert stretch <= halt_rules.halt_every_s + halt_rules.finish_grace_s + 1e-6


def test_weight_class_helpers_agree_with_the_catalogue(catalogue: VehicleCatalogue) -> None:
    # Every catalogued class holds the vehicle's weight within one class step,
    # except published classes, which may differ from the weight estimate.
    for vehicle in catalogue:
        if "mlc" in vehicle.assumed:
            assert weight_t_of_class(vehicle.mlc, vehicle.running_gear) >= vehicle.weight_t - 1.2


def test_column_rules_reach_the_plan(router: Router) -> None:
    rules = ColumnRules(march_unit_max=10, march_unit_min=5)
    plan = router.route(
        "Eemshaven",
        "Nieuweschans - Bunde",
        "fennek",
        count=35,
        start=START,
        column_rules=rules,
        k=1,
    )
    assert plan.column is not None and [m.count for m in plan.column.march_units] == [9, 9, 9, 8]


def test_ammunition_column_avoids_the_ketheltunnel(catalogue: VehicleCatalogue) -> None:
    # Ketheltunnel (A4 Midden-Delfland): ADR category C on the ILenT list (#18). The
    # A4 north of Schiedam lies outside the corridors: the whole atlas is loaded.
    whole = Router(load_network(options=BuildOptions(clip=False), use_cache=False), catalogue)
    ends = ("Knooppunt Kethelplein", "Knooppunt Ypenburg")
    trucks = whole.route(*ends, "man-hx2-6x6", k=1, start=START)
    ammo = whole.route(*ends, "ammunition-truck-1-1", start=START)
    assert _crosses(trucks.routes[0], "Ketheltunnel")
    assert "ADR category C" in next(
        c.detail for c in trucks.routes[0].schedule.checkpoints if c.name == "Ketheltunnel"
    )
    assert ammo.routes and all(not _crosses(r, "Ketheltunnel") for r in ammo.routes)
    assert "A13" in ammo.routes[0].refs  # round by the Kleinpolderplein


@pytest.mark.parametrize(
    ("start", "open_"), [("2015-06-01T22:00", True), ("2026-11-24T22:00", False)]
)
def test_the_friesenbruecke_carries_trains_only_before_december_2015(
    router: Router, start: str, open_: bool
) -> None:
    # Dated atlas elements (valid_from/valid_to) follow the plan's date (#18).
    if open_:
        plan = router.route("Groningen", "Ihrhove", "boxer-apc", mode="rail", k=1, start=start)
        assert any("Friesenbrücke" in c.name for c in plan.routes[0].schedule.checkpoints)
        return
    with pytest.raises(NoRouteError) as caught:
        router.route("Groningen", "Ihrhove", "boxer-apc", mode="rail", k=1, start=start)
    assert "on 2026-11-24: every route crosses an element out of service that day" in str(
        caught.value
    )
    assert "Friesenbrücke (out of service from 2015-12-03)" in str(caught.value)


def test_retime_gives_back_the_schedule_of_the_route(router: Router) -> None:
    """Issue #14: the validator re-times a plan's route; the same rules give the same times."""
    plan = router.route(
        "Vlissingen", "Venlo (A67", "man-hx2-6x6", count=40, k=2, start="2026-11-24T05:00"
    )
    assert plan.column is not None
    for route in plan.routes:
        again = router.retime(
            route.edges,
            plan.column,
            plan.requirements,
            start=route.schedule.start,
            origin="Vlissingen",
            destination="Venlo (A67",
        )
        assert again == route.schedule
    first = plan.routes[0].schedule
    later_start = first.start + timedelta(hours=3)
    later = router.retime(
        plan.routes[0].edges,
        plan.column,
        plan.requirements,
        start=later_start,
        origin="Vlissingen",
        destination="Venlo (A67",
    )
    assert later.arrive - first.arrive == timedelta(hours=3)
    assert [h.kind for h in later.halts] == [h.kind for h in first.halts]
    with pytest.raises(DataError, match="is not in the road graph"):
        router.retime(
            ((1, 2, 0),),
            plan.column,
            plan.requirements,
            start=first.start,
            origin="Vlissingen",
            destination="Venlo (A67",
        )
    assert router.place("road", "Venlo (A67").node == first.checkpoints[-1].node


def test_a_march_unit_on_its_serials_route_drives_at_its_own_speed(router: Router) -> None:
    """Issue #13: reschedule gives a march unit the times retime (the validator) gives its row.

    A serial of slow transporters and fast trucks is routed as one column; each
    march unit then keeps its own top speed on that route, not the serial's.
    """
    rules = ColumnRules(march_unit_min=1, march_unit_max=2)
    het = router.moved_as(router.catalogue.get("m109a7"))
    truck = router.catalogue.get("man-hx2-6x6")
    catalogue = VehicleCatalogue({het.id: het, truck.id: truck})
    column = build_column("Mixed", {het.id: 2, truck.id: 2}, catalogue, rules)
    plan = router.route(
        "Vlissingen", "Venlo (A67", column.march_units[0].types[0], k=1, start=START, column=column
    )
    route = plan.routes[0]
    driving_s = {}
    for unit in column.march_units:
        alone = Column(unit=f"Mixed {unit.id}", serials=(Serial("1", (unit,)),), rules=rules)
        again = router.reschedule(route, alone)
        expected = router.retime(
            route.edges,
            alone,
            Requirements.of(list(unit.types)),
            start=route.schedule.start,
            origin="Vlissingen",
            destination="Venlo (A67",
        )
        assert again.schedule == expected
        driving_s[unit.types[0].id] = again.driving_s
    assert len(driving_s) == 2
    assert driving_s[truck.id] < driving_s[het.id]
