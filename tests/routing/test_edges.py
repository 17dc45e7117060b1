from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.routing.edges import EdgeTable
from tests.routing.conftest import make_graph


def _table() -> EdgeTable:
    return EdgeTable.from_graph(
        make_graph(
            [
                (1, 2, {"highway": "motorway", "lanes": "3", "ref": ["A4", "E19"], "oneway": True}),
                (2, 3, {"bridge": True, "mlc_wheeled": "60", "maxheight_m": 4.2, "name": "Brug"}),
                (
                    3,
                    4,
                    {"tunnel": True, "tunnel_category": "C", "hazmat": "no", "maxspeed_kph": 50},
                ),
                (4, 5, {"valid_from": "2026-01-01", "valid_to": "2026-07-01"}),
                (5, 6, {"valid_to": "2026-03-01"}),
            ],
            two_way=False,
        )
    )


def _edge(table: EdgeTable, u: int, v: int) -> int:
    return table.key_index[(u, v, 0)]


def test_the_table_reads_the_tags_as_arrays() -> None:
    table = _table()
    assert table.n_nodes == 6 and table.n_edges == 5
    first, bridge, tunnel = _edge(table, 1, 2), _edge(table, 2, 3), _edge(table, 3, 4)
    assert table.expressway[first] and table.oneway[first] and table.lanes[first] == 3
    assert table.refs[first] == "A4"  # merged ways: the first value
    assert table.bridge[bridge] and table.limits["mlc_wheeled"][bridge] == 60
    assert table.limits["maxheight_m"][bridge] == 4.2 and np.isnan(table.limits["maxweight_t"][0])
    assert table.label(bridge) == "Brug" and table.label(first) == "A4"
    assert table.tunnel[tunnel] and table.tunnel_category[tunnel] == 3 and table.hazmat_no[tunnel]
    assert table.built_up[tunnel] and not table.built_up[first]
    assert table.nodes[table.u[bridge]] == 2 and table.nodes[table.v[bridge]] == 3
    assert table.index(4) == 3
    with pytest.raises(KeyError):
        table.index(99)


def test_edges_are_in_service_between_valid_from_and_valid_to() -> None:
    table = _table()
    dated, ending = _edge(table, 4, 5), _edge(table, 5, 6)
    days = ("2025-12-31", "2026-01-01", "2026-02-28", "2026-03-01", "2026-07-01")
    closed = [table.closed_on(date.fromisoformat(day)) for day in days]
    assert [bool(c[dated]) for c in closed] == [True, False, False, False, True]
    assert [bool(c[ending]) for c in closed] == [False, False, False, True, True]
    assert not any(c[_edge(table, 1, 2)] for c in closed)
    assert table.service_changes == (
        date(2026, 1, 1).toordinal(),
        date(2026, 3, 1).toordinal(),
        date(2026, 7, 1).toordinal(),
    )


@given(st.dates(date(2025, 6, 1), date(2027, 1, 1)), st.integers(0, 400))
def test_days_of_one_service_period_have_the_same_edges_out_of_service(
    day: date, later: int
) -> None:
    table = _table()
    other = day + timedelta(days=later)
    same_period = table.service_period(day) == table.service_period(other)
    same_mask = table.closed_on(day).tolist() == table.closed_on(other).tolist()
    assert same_period == same_mask
