from __future__ import annotations

from datetime import date

import numpy as np

from mobility.model.vehicle import VehicleCatalogue
from mobility.network.places import NetworkPlace
from mobility.routing._mode_data import ModeData
from mobility.routing._no_route import (
    NoRouteError,
    describe_turns,
    no_route_error,
    out_of_service_on_route,
)
from mobility.routing.closed import closed_edges
from mobility.routing.column_timing import RoutePoints
from mobility.routing.edges import EdgeTable
from mobility.routing.feasibility import feasible_edges
from mobility.routing.requirements import Requirements
from mobility.routing.resolve import PlaceIndex
from mobility.routing.turns import RAIL_TURNS, ROAD_TURNS, turn_arcs
from tests.routing.conftest import make_graph


def _place(name: str, node: int) -> NetworkPlace:
    return NetworkPlace("junction", name, (), 4.0, 52.0, "road", node, 0.0)


def _data(*edges: tuple[int, int, dict[str, object]]) -> ModeData:
    table = EdgeTable.from_graph(make_graph(edges))
    return ModeData("road", table, RoutePoints({}, {}), PlaceIndex([], "road"))


def _error(data: ModeData, need: Requirements, catalogue: VehicleCatalogue, **kwargs):  # type: ignore[no-untyped-def]
    truck = catalogue.get("man-hx2-6x6")
    asked: list[bool] = []

    def options() -> list[str]:
        asked.append(True)
        return ["rail", "a bridge or tunnel exemption from the road authority"]

    settings = {"rules": None, "clearance_margin_m": 0.0, "one_way_places": (), **kwargs}
    error = no_route_error(
        data,
        feasible_edges(data.table, need),
        need,
        vehicles=(truck, truck),
        ends=(_place("West", 1), _place("East", 3)),
        mode="road",
        options=options,
        **settings,
    )
    return error, asked


def test_a_weak_bridge_on_every_route_is_named_with_the_options(
    catalogue: VehicleCatalogue,
) -> None:
    data = _data((1, 2, {}), (2, 3, {"bridge": True, "mlc_wheeled": 20, "name": "Smalle brug"}))
    need = Requirements(label="column", mlc_wheeled=30)
    error, asked = _error(data, need, catalogue)
    assert isinstance(error, NoRouteError) and asked == [True]
    assert str(error) == (
        "no road route for column from West to East: every route crosses Smalle brug (MLC 20) "
        "(vehicle: MLC 30 wheeled); options: rail, a bridge or tunnel exemption from the road "
        "authority"
    )
    assert [b.name for b in error.blocking] == ["Smalle brug"]


def test_closures_on_every_route_suggest_lifting_one(catalogue: VehicleCatalogue) -> None:
    data = _data((1, 2, {}), (2, 3, {"name": "Dijk"}))
    closed = closed_edges(data.table, ["Dijk"])
    error, _ = _error(data, Requirements(label="column"), catalogue, closed=closed)
    assert "every route crosses Dijk (closed)" in str(error)
    assert str(error).endswith("options: rail, lifting a closure")


def test_places_the_network_does_not_join_say_so_without_options(
    catalogue: VehicleCatalogue,
) -> None:
    data = _data((1, 2, {}), (3, 4, {}))
    one_way = ("East (entry at node 3)",)
    error, asked = _error(data, Requirements(label="column"), catalogue, one_way_places=one_way)
    assert asked == [] and error.blocking == []
    assert "the loaded road network does not connect them" in str(error)
    assert "East (entry at node 3): attached at a one-way end of the extract" in str(error)


def test_a_route_that_needs_a_forbidden_turn_blames_the_turn_rules(
    catalogue: VehicleCatalogue,
) -> None:
    # East (3) lies back beside West (1): from 1 -> 2 only a U-turn at 2 leads to it.
    graph = make_graph([(1, 2, {}), (2, 3, {"oneway": True})])
    graph.remove_edge(3, 2)
    graph.nodes[3]["x"], graph.nodes[3]["y"] = 4.012, 52.0005
    table = EdgeTable.from_graph(graph)
    arcs = turn_arcs(table, ROAD_TURNS, [])
    data = ModeData("road", table, RoutePoints({}, {}), PlaceIndex([], "road"), arcs)
    error, asked = _error(data, Requirements(label="column"), catalogue, rules=ROAD_TURNS)
    assert asked == [] and error.blocking == []
    assert "every route needs a turn the turn rules forbid (no U-turn" in str(error)
    assert "turning at node 2 " in str(error) and "add 'node:2'" in str(error)


def test_the_turn_rules_are_described_for_each_mode() -> None:
    assert describe_turns("road", ROAD_TURNS).startswith("no U-turn (turn over ")
    assert describe_turns("road", ROAD_TURNS).endswith("anywhere, OSM turn restrictions")
    rail = describe_turns("rail", RAIL_TURNS)
    assert rail.startswith("no reversal") and "except at " in rail
    assert "OSM turn restrictions" not in rail


def test_elements_out_of_service_on_the_route_are_named_with_their_dates() -> None:
    data = _data(
        (1, 2, {}),
        (2, 3, {"name": "Oude brug", "valid_to": "2020-01-01"}),
        (3, 4, {"name": "Nieuwe brug", "valid_from": "2030-01-01"}),
    )
    table = data.table
    closed = table.closed_on(date(2026, 1, 1))
    feasible = ~closed
    text = out_of_service_on_route(table, feasible, closed, table.index(1), table.index(4))
    assert text == (
        "Oude brug (out of service from 2020-01-01), Nieuwe brug (in service from 2030-01-01)"
    )
    assert out_of_service_on_route(table, feasible, np.zeros_like(closed), 0, 3) == ""
