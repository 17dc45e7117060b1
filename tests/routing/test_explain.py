from __future__ import annotations

from mobility.routing._explain import BlockingElement, blocking_elements
from mobility.routing.closed import closed_edges
from mobility.routing.edges import EdgeTable
from mobility.routing.feasibility import feasible_edges
from mobility.routing.requirements import Requirements
from tests.routing.conftest import make_graph

TANK = Requirements(label="tank", mlc_tracked=70, weight_t=64.0)


def _two_bridges() -> EdgeTable:
    # Two ways from 1 to 4: over bridge A (MLC 60, way 23) or bridge B (MLC 50, 2 ways).
    return EdgeTable.from_graph(
        make_graph(
            [
                (1, 2, {}),
                (2, 3, {"bridge": True, "mlc_tracked": 60, "osmid": 23, "name": "Brug A"}),
                (3, 4, {}),
                (1, 5, {}),
                (5, 6, {"bridge": True, "mlc_tracked": 50, "osmid": 56, "name": "Brug B"}),
                (6, 4, {}),
                (7, 8, {}),
            ]
        )
    )


def _between(table: EdgeTable, need: Requirements, a: int, b: int, **kwargs):  # type: ignore[no-untyped-def]
    feasible = feasible_edges(table, need)
    return blocking_elements(table, feasible, need, table.index(a), table.index(b), **kwargs)


def test_every_route_is_cut_by_one_of_two_weak_bridges() -> None:
    table = _two_bridges()
    found = _between(table, TANK, 1, 4)
    assert [(b.name, b.kind, b.element) for b in found] == [
        ("Brug A", "bridge", 23),
        ("Brug B", "bridge", 56),
    ]
    assert [(v.rule, v.limit, v.vehicle) for v in found[0].violations] == [
        ("mlc_tracked", "MLC 60", "MLC 70 tracked")
    ]
    assert [b.describe() for b in found] == ["Brug A (MLC 60)", "Brug B (MLC 50)"]


def test_nothing_blocks_where_a_route_exists_or_nothing_connects() -> None:
    table = _two_bridges()
    light = Requirements(label="truck", mlc_tracked=40)
    assert _between(table, light, 1, 4) == []
    assert _between(table, TANK, 1, 8) == []  # 7-8 is another island


def test_a_closure_is_one_element_however_many_edges_it_covers() -> None:
    table = _two_bridges()
    light = Requirements(label="truck", mlc_tracked=40)
    closed = closed_edges(table, ["Brug A", "Brug B"])
    found = _between(table, light, 1, 4, closed=closed)
    assert [(b.name, b.kind, b.closed) for b in found] == [
        ("Brug A", "closure", True),
        ("Brug B", "closure", True),
    ]
    assert found[0].describe() == "Brug A (closed)"
    # A tank is cut by the closure of A and the class of B: the cut mixes both.
    mixed = _between(table, TANK, 1, 4, closed=closed_edges(table, ["Brug A"]))
    assert [(b.name, b.closed) for b in mixed] == [("Brug A", True), ("Brug B", False)]


def test_a_closed_node_is_described_as_a_node() -> None:
    element = BlockingElement("1234", "closure", -1, (), closed=True)
    assert element.describe() == "node 1234 (closed)"
