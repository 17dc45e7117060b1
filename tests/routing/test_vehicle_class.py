from __future__ import annotations

from datetime import date

import numpy as np

import mobility
from mobility.routing._vehicle_class import OutOfService, build_class, with_closures
from mobility.routing.closed import ClosedEdges
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import PathEngine
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router
from mobility.routing.timing import MarchSpeeds
from tests.routing.conftest import make_graph

HEAVY = Requirements(label="heavy", mlc_wheeled=70, weight_t=60.0, max_speed_kph=50.0)


def _table() -> EdgeTable:
    # 1 -> 2 -> 3 over a MLC 40 bridge (way 12), and 1 -> 4 -> 3 around it.
    return EdgeTable.from_graph(
        make_graph(
            [
                (1, 2, {"bridge": True, "mlc_wheeled": 40, "osmid": 12}),
                (2, 3, {}),
                (1, 4, {"length_m": 3000.0}),
                (4, 3, {"length_m": 3000.0}),
            ],
            two_way=False,
        )
    )


def _edges(table: EdgeTable, *pairs: tuple[int, int]) -> list[int]:
    return [table.key_index[(u, v, 0)] for u, v in pairs]


def _mask(table: EdgeTable, *pairs: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(table.n_edges, dtype=bool)
    mask[_edges(table, *pairs)] = True
    return mask


OVER, AROUND = ((1, 2), (2, 3)), ((1, 4), (4, 3))


def _engine(table: EdgeTable):  # type: ignore[no-untyped-def]
    return lambda edges, weights: PathEngine(table.n_nodes, table.u, table.v, edges, weights)


def _build(table: EdgeTable, need: Requirements, mode: str, out: np.ndarray):  # type: ignore[no-untyped-def]
    return build_class(
        table,
        need,
        mode=mode,
        out_of_service=out,
        speeds=MarchSpeeds(),
        clearance_margin_m=0.0,
        engine=_engine(table),
    )


def test_a_road_class_uses_only_the_edges_it_may_and_that_are_in_service() -> None:
    table = _table()
    none_out = np.zeros(table.n_edges, dtype=bool)
    heavy = _build(table, HEAVY, "road", none_out)
    assert heavy.feasible.tolist() == (~_mask(table, (1, 2))).tolist()
    light = _build(table, Requirements(label="light", mlc_wheeled=30), "road", none_out)
    assert light.feasible.all()
    assert light.engine.shortest_path(0, 2) == _edges(table, *OVER)
    assert heavy.engine.shortest_path(0, 2) == _edges(table, *AROUND)
    # The slowest vehicle caps the column speed; edge times follow from it.
    assert heavy.speeds_kph.max() <= 50.0
    assert np.allclose(heavy.weights, table.length_m / (heavy.speeds_kph / 3.6))
    out = _mask(table, (4, 3))
    assert _build(table, HEAVY, "road", out).engine.shortest_path(0, 2) is None


def test_a_rail_class_may_use_every_edge_in_service() -> None:
    table = _table()
    out = _mask(table, (4, 3))
    train = _build(table, HEAVY, "rail", out)
    assert train.feasible.tolist() == (~out).tolist()


def test_closures_take_edges_out_of_use_with_the_same_times() -> None:
    table = _table()
    base = _build(table, Requirements(label="light"), "road", np.zeros(4, dtype=bool))
    closed = ClosedEdges(("bridge",), np.where(_mask(table, (1, 2)), 0, -1))
    shut = with_closures(base, closed, _engine(table))
    assert shut.feasible.tolist() == (~_mask(table, (1, 2))).tolist()
    assert shut.weights is base.weights and shut.speeds_kph is base.speeds_kph
    assert shut.engine.shortest_path(0, 2) == _edges(table, *AROUND)
    assert base.engine.shortest_path(0, 2) == _edges(table, *OVER)


def test_out_of_service_keys_name_the_edges() -> None:
    found = OutOfService.of(np.array([False, True, False, True]))
    assert found.key == (1, 3)
    assert OutOfService.of(np.zeros(3, dtype=bool)).key == ()


def test_the_router_builds_one_class_per_envelope_and_service_state(
    router: Router, catalogue: mobility.VehicleCatalogue
) -> None:
    truck = Requirements.of([catalogue.get("man-hx2-6x6")])
    first = router.vehicle_class(truck)
    assert router.vehicle_class(Requirements.of([catalogue.get("man-hx2-6x6")], label="x")) is first
    # Nothing of the road atlas is out of service on these days: the same class.
    assert router.vehicle_class(truck, day=date(2026, 11, 24)) is first
    tank = router.vehicle_class(Requirements.of([catalogue.get("leopard-2a7")]))
    assert tank is not first and tank.feasible.sum() < first.feasible.sum()
    train = router.vehicle_class(Requirements(label="train", max_speed_kph=100.0), "rail")
    assert train.feasible.all()
    table = router.table("road")
    closed = ClosedEdges(("x",), np.where(np.arange(table.n_edges) == 0, 0, -1))
    shut = router.vehicle_class(truck, closed=closed)
    assert shut is router.vehicle_class(truck, closed=closed)
    assert not shut.feasible[0] and shut.weights is first.weights
