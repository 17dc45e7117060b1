from __future__ import annotations

import numpy as np
import pytest

from mobility.model.vehicle import VehicleCatalogue
from mobility.routing._explain import blocking_elements
from mobility.routing.edges import EdgeTable
from mobility.routing.feasibility import feasible_edges, violations
from mobility.routing.requirements import Requirements
from tests.routing.conftest import make_graph

# 1 -> 2 -> 5 over a class-60 bridge; 1 -> 3 -> 5 through a category C tunnel
# of 4.2 m; 1 -> 4 -> 5 over a road with a 30 t weight limit and a 9 t axle limit.
GRAPH = make_graph(
    [
        (1, 2, {}),
        (2, 5, {"bridge": True, "mlc_wheeled": 60.0, "mlc_tracked": 60.0, "name": "Brug A"}),
        (1, 3, {}),
        (3, 5, {"tunnel": True, "tunnel_category": "C", "maxheight_m": 4.2, "name": "Tunnel B"}),
        (1, 4, {}),
        (4, 5, {"maxweight_t": 30.0, "maxaxleload_t": 9.0, "name": "Weg C"}),
    ]
)


def _open(need: Requirements) -> set[str]:
    table = EdgeTable.from_graph(GRAPH)
    mask = feasible_edges(table, need)
    return {
        table.label(e)
        for e in range(table.n_edges)
        if mask[e] and table.label(e) != f"way {table.element[e]}"
    }


def test_each_rule_closes_its_element() -> None:
    assert _open(Requirements("car")) == {"Brug A", "Tunnel B", "Weg C"}
    assert _open(Requirements("tank", mlc_tracked=70, weight_t=64)) == {"Tunnel B"}
    assert _open(Requirements("truck", mlc_wheeled=30, weight_t=28, max_axle_load_t=8)) == {
        "Brug A",
        "Tunnel B",
        "Weg C",
    }
    assert "Weg C" not in _open(Requirements("axle", max_axle_load_t=11))
    assert _open(Requirements("tall", height_m=4.3)) == {"Brug A", "Weg C"}
    ammo = Requirements("ammo", barred_tunnel_categories=frozenset("BCDE"), hazmat="ADR 1.1")
    assert _open(ammo) == {"Brug A", "Weg C"}
    fuel = Requirements("fuel", barred_tunnel_categories=frozenset("DE"), hazmat="ADR 3")
    assert "Tunnel B" in _open(fuel)


def test_clearance_margin() -> None:
    table = EdgeTable.from_graph(GRAPH)
    need = Requirements("truck", height_m=4.1)
    assert feasible_edges(table, need).all()
    assert not feasible_edges(table, need, clearance_margin_m=0.2).all()


def test_mlc_governs_where_a_bridge_has_both_class_and_weight() -> None:
    graph = make_graph([(1, 2, {"mlc_wheeled": 70.0, "mlc_tracked": 70.0, "maxweight_t": 60.0})])
    table = EdgeTable.from_graph(graph)
    assert feasible_edges(table, Requirements("tank", mlc_tracked=70, weight_t=64)).all()


def test_violations_and_minimum_cut_name_the_elements(catalogue: VehicleCatalogue) -> None:
    table = EdgeTable.from_graph(GRAPH)
    tank = Requirements.of([catalogue.get("m1a2-sepv3")])
    mask = feasible_edges(table, tank)
    tall_tank = Requirements(tank.label, mlc_tracked=80, weight_t=67, height_m=4.5)
    mask = feasible_edges(table, tall_tank)
    blocking = blocking_elements(table, mask, tall_tank, table.index(1), table.index(5))
    assert [b.name for b in blocking] == ["Brug A", "Tunnel B", "Weg C"]
    brug = blocking[0]
    assert brug.kind == "bridge" and brug.describe() == "Brug A (MLC 60)"
    assert [(v.rule, v.vehicle) for v in brug.violations] == [("mlc_tracked", "MLC 80 tracked")]
    tunnel = blocking[1]
    assert tunnel.describe() == "Tunnel B (clearance 4.2 m)"
    weg = blocking[2]
    assert {v.rule for v in weg.violations} == {"weight"}
    edge = int(np.flatnonzero([table.label(e) == "Weg C" for e in range(table.n_edges)])[0])
    assert violations(table, edge, tall_tank)[0].limit == "max 30 t"


def test_minimum_cut_is_the_smallest_set() -> None:
    # Two bridges in series on one branch, one on the other: the cut needs
    # one element per branch, so the series pair counts once.
    graph = make_graph(
        [
            (1, 2, {"mlc_tracked": 50.0, "name": "Serie 1"}),
            (2, 3, {"mlc_tracked": 50.0, "name": "Serie 2"}),
            (3, 9, {}),
            (1, 4, {"mlc_tracked": 50.0, "name": "Enkel"}),
            (4, 9, {}),
        ]
    )
    table = EdgeTable.from_graph(graph)
    need = Requirements("tank", mlc_tracked=70)
    blocking = blocking_elements(
        table, feasible_edges(table, need), need, table.index(1), table.index(9)
    )
    assert len(blocking) == 2
    assert "Enkel" in {b.name for b in blocking}


@pytest.mark.parametrize("target", [5])
def test_no_cut_when_a_route_exists(target: int) -> None:
    table = EdgeTable.from_graph(GRAPH)
    need = Requirements("car")
    assert (
        blocking_elements(
            table, feasible_edges(table, need), need, table.index(1), table.index(target)
        )
        == []
    )
