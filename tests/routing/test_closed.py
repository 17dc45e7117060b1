from __future__ import annotations

import numpy as np

from mobility.routing.closed import closed_edges
from mobility.routing.edges import EdgeTable
from tests.routing.conftest import make_graph


def _table() -> EdgeTable:
    # A road A1 of two ways (12 and 23) and a side road; both directions.
    return EdgeTable.from_graph(
        make_graph(
            [
                (1, 2, {"ref": "A1", "osmid": 12}),
                (2, 3, {"ref": "A1", "osmid": 23, "bridge": True, "name": "Hoge Brug"}),
                (2, 4, {"name": "Zijweg", "osmid": 24}),
            ]
        )
    )


def _ways(table: EdgeTable, edges: np.ndarray) -> set[int]:
    return {int(table.element[e]) for e in edges.tolist()}


def test_each_closure_takes_its_edges_out_in_both_directions() -> None:
    table = _table()
    closed = closed_edges(table, ["Hoge Brug", "way 24"])
    assert closed.names == ("Hoge Brug", "way 24")
    assert _ways(table, np.flatnonzero(closed.of_edge == 0)) == {23}
    assert _ways(table, np.flatnonzero(closed.of_edge == 1)) == {24}
    assert int(closed.mask.sum()) == 4  # two ways, both directions
    assert closed


def test_the_first_closure_that_names_an_edge_wins() -> None:
    table = _table()
    closed = closed_edges(table, ["A1", "Hoge Brug", "A1"])
    assert closed.names == ("A1", "Hoge Brug")  # repeated texts count once
    assert _ways(table, np.flatnonzero(closed.of_edge == 0)) == {12, 23}
    assert not (closed.of_edge == 1).any()


def test_a_closure_naming_nothing_closes_nothing_and_keys_ignore_case_and_order() -> None:
    table = _table()
    nothing = closed_edges(table, ["Nowhere"])
    assert not nothing and not nothing.mask.any()
    one = closed_edges(table, ["way 24", " hoge brug"])
    other = closed_edges(table, ["Hoge Brug", "WAY 24"])
    assert one.key == other.key == ("hoge brug", "way 24")
