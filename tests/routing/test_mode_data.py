from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

import mobility
from mobility.errors import DataError
from mobility.routing._mode_data import mode_data, reverse_nodes, structure_details
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router
from mobility.routing.turns import RAIL_TURNS


def test_named_points_are_the_places_with_corridor_places_first(router: Router) -> None:
    data = router._mode("road")
    points = data.points
    table = data.table
    for place in router.network.places:
        if place.mode == "road" and place.node is not None and place.place_id:
            index = table.index(place.node)
            assert points.names[index] == place.name
            expected = "border" if place.role == "border_crossing" else None
            assert expected is None or points.kinds[index] == expected
    kinds = {"junction", "border", "support_centre", "port", "terminal", "station"}
    assert set(points.kinds.values()) <= kinds


def test_structure_details_give_every_bridge_and_tunnel_its_limits(router: Router) -> None:
    table = router.table("road")
    details = structure_details(table)
    structures = np.flatnonzero(table.bridge | table.tunnel)
    assert {int(table.element[e]) for e in structures.tolist()} == set(details)
    for edge in structures.tolist():
        mlc = table.limits["mlc_wheeled"][edge]
        text = details[int(table.element[edge])]
        if not np.isnan(mlc):
            assert f"MLC {mlc:g}" in text
        if table.tunnel_category[edge]:
            assert "ADR category" in text


def test_edges_out_of_service_are_computed_once_per_service_period(router: Router) -> None:
    data = router._mode("rail")
    # The Friesenbrücke is out of service from 2015-12-03.
    before = data.out_of_service(date(2015, 6, 1))
    assert data.out_of_service(date(2015, 11, 30)) is before
    after = data.out_of_service(date(2026, 11, 24))
    assert after is not before and after is data.out_of_service(date(2030, 1, 1))
    table = data.table
    assert after.mask.tolist() == table.closed_on(date(2026, 11, 24)).tolist()
    assert before.mask.tolist() == table.closed_on(date(2015, 6, 1)).tolist()
    assert after.key and not set(before.key) & set(after.key)
    assert not data.out_of_service(None).mask.any()


def test_reversal_nodes_follow_the_turn_rules(atlas: mobility.Network) -> None:
    data = mode_data(atlas, "rail", RAIL_TURNS)
    assert data.arcs is not None and data.reversal_arcs
    terminals = {p.node for p in atlas.places if p.mode == "rail" and p.kind == "rail_terminal"}
    nodes = reverse_nodes(atlas, "rail", data.table, RAIL_TURNS)
    assert {data.table.index(n) for n in terminals if n is not None} <= set(nodes)
    assert mode_data(atlas, "rail", None).arcs is None
    bad = replace(RAIL_TURNS, reverse_at=frozenset({"node:1"}))
    with pytest.raises(DataError, match="reverse_at 'node:1' is not a node of the rail graph"):
        reverse_nodes(atlas, "rail", data.table, bad)


def test_column_times_are_a_road_class_speeds_and_edge_times_made_once(router: Router) -> None:
    data = router._mode("road")
    slow = router.moved_as(router.catalogue.get("m109a7"))
    need = Requirements.of([slow])
    vehicle_class = router.vehicle_class(need, "road")
    speeds_kph, travel_s = data.column_times(need.max_speed_kph, router.speeds)
    assert np.array_equal(speeds_kph, vehicle_class.speeds_kph)
    assert np.array_equal(travel_s, vehicle_class.weights)
    assert data.column_times(need.max_speed_kph, router.speeds)[1] is travel_s
    fast_kph, _ = data.column_times(need.max_speed_kph + 40, router.speeds)
    assert (fast_kph >= speeds_kph).all() and (fast_kph > speeds_kph).any()


def test_routers_on_one_network_share_its_tables_not_their_caches(
    atlas: mobility.Network,
) -> None:
    # (#13, speed only) The planner's router and its self-check's build the edge
    # table and turn arcs of a network once; vehicle classes stay each router's own.
    first, second = Router(atlas), Router(atlas)
    one, two = first._mode("road"), second._mode("road")
    assert one is not two and one.classes is not two.classes
    assert one.table is two.table and one.arcs is two.arcs
    assert one.points is two.points and one.place_index is two.place_index
    first.vehicle_class(Requirements.of([first.catalogue.get("m109a7")]), "road")
    assert one.classes and not two.classes
    assert mode_data(atlas, "road", None).arcs is None  # other rules: built for them
    other = replace(atlas, road=atlas.road.copy())
    copied = Router(other).table("road")
    assert copied is not one.table and copied.keys == one.table.keys
    other.road = other.road.copy()  # the same network with another graph: built anew
    assert Router(other).table("road") is not copied
