from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mobility.routing.edges import LIMIT_ATTRIBUTES, EdgeTable
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


def _reference_table(graph: nx.MultiDiGraph) -> dict[str, list[Any]]:
    """The table's columns read edge by edge, attribute by attribute (the former build)."""

    def number(value: Any, first: bool = True) -> float:
        if first and isinstance(value, list) and value:
            value = value[0]
        try:
            return float(value)
        except (TypeError, ValueError):
            return float("nan")

    columns: dict[str, list[Any]] = {}
    for _, _, data in graph.edges(data=True):
        osmid = data.get("osmid")
        osmid = osmid[0] if isinstance(osmid, list) and osmid else osmid
        highway = data.get("highway")
        highway = highway[0] if isinstance(highway, list) and highway else highway
        row = {
            "length_m": number(data.get("length_m", data.get("length")), first=False),
            "maxspeed_kph": number(data.get("maxspeed_kph")),
            "lanes": number(data.get("lanes")),
            "element": int(osmid) if isinstance(osmid, (int, np.integer)) else -1,
            "expressway": str(highway or "") in ("motorway", "trunk"),
            "oneway": bool(data.get("oneway")),
            "bridge": bool(data.get("bridge")),
            "tunnel": bool(data.get("tunnel")),
            "hazmat_no": str(data.get("hazmat") or "") == "no",
            "tunnel_category": {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}.get(
                str(data.get("tunnel_category") or ""), 0
            ),
        }
        row |= {name: number(data.get(name)) for name in LIMIT_ATTRIBUTES}
        for name, value in row.items():
            columns.setdefault(name, []).append(value)
    return columns


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),  # way ids are int64
    st.floats(allow_nan=True),
    st.sampled_from(["50", " 7.5 ", "x", "", "no", "C", "motorway", "trunk", "primary"]),
    st.lists(st.one_of(st.integers(0, 200), st.sampled_from(["80", "trunk"])), max_size=2),
)
_ATTRIBUTES = (
    "length_m",
    "maxspeed_kph",
    "lanes",
    "osmid",
    "highway",
    "oneway",
    "bridge",
    "tunnel",
    "hazmat",
    "tunnel_category",
    *LIMIT_ATTRIBUTES,
)


@given(st.lists(st.dictionaries(st.sampled_from(_ATTRIBUTES), _VALUES), min_size=1, max_size=8))
def test_the_bulk_build_reads_columns_as_edge_by_edge(attributes: list[dict[str, Any]]) -> None:
    graph = nx.MultiDiGraph()
    for index, data in enumerate(attributes):
        graph.add_edge(index % 3, (index + 1) % 4, **data)
    table = EdgeTable.from_graph(graph)
    expected = _reference_table(graph)
    for name, values in expected.items():
        found = table.limits[name] if name in LIMIT_ATTRIBUTES else getattr(table, name)
        np.testing.assert_array_equal(found, np.array(values, dtype=found.dtype), err_msg=name)
    nodes = table.nodes.tolist()
    assert [(nodes[u], nodes[v]) for u, v in zip(table.u, table.v, strict=True)] == [
        key[:2] for key in table.keys
    ]
    assert all(table.data(i) is graph.edges[key] for i, key in enumerate(table.keys))


def test_the_bulk_build_matches_on_the_mixed_tags_of_osmnx_graphs() -> None:
    table = _table()
    first = _edge(table, 1, 2)
    assert table.lanes[first] == 3.0 and table.refs[first] == "A4"
    assert table.limits["mlc_wheeled"][_edge(table, 2, 3)] == 60.0
    assert table.built_up.tolist() == [False, False, True, False, False]
