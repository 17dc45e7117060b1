from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mobility
from mobility.routing.elements import (
    _edge_keys,
    _structure_keys,
    _structure_names,
    element_keys,
    element_spans_s,
    match_edges,
    suggest,
)
from mobility.routing.router import Router

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def dual() -> mobility.Network:
    return mobility.load_network(
        DATA / "structures.osm", corridor_file=DATA / "corridors-structures.yaml", use_cache=False
    )


@pytest.fixture(scope="module")
def dual_router(dual: mobility.Network) -> Router:
    return Router(dual)


def _ways(router: Router, edges: np.ndarray) -> set[int]:
    table = router.table("road")
    return {int(table.element[e]) for e in edges.tolist()}


def test_elements_match_by_structure_ref_way_section_node_and_place(
    dual: mobility.Network, dual_router: Router
) -> None:
    table = dual_router.table("road")
    places = dual.places
    assert _ways(dual_router, match_edges(table, "testbrug", places)) == {11, 12, 13, 21, 22, 23}
    assert _ways(dual_router, match_edges(table, "A50", places)) >= {10, 11, 14, 20, 24}
    assert _ways(dual_router, match_edges(table, "way 12", places)) == {12}
    section = "A50 between Aansluiting Test and East crossing"
    assert _ways(dual_router, match_edges(table, section, places)) == {14, 20, 40}
    # A node closes every edge into and out of it; a place closes its node.
    assert _ways(dual_router, match_edges(table, "4", places)) == {12, 13}
    assert _ways(dual_router, match_edges(table, "Aansluiting Test", places)) == {10, 42}
    assert not len(match_edges(table, "Testbrg", places))
    keys = element_keys(table, places)
    assert {"testbrug", "way 12", "4", section.casefold(), "spod-west"} <= keys
    assert suggest("Testbrg", ["Testbrug", "A50"]) == "; did you mean 'Testbrug'?"


def test_spans_cover_every_node_way_and_structure_of_a_route(dual_router: Router) -> None:
    plan = dual_router.route("West port", "East crossing", "boxer-apc", count=10, k=1)
    route = plan.routes[0]
    table = dual_router.table("road")
    edges = [table.key_index[key] for key in route.edges]
    spans = element_spans_s(table, edges, route.edge_entry_s.tolist(), route.edge_times_s, 60.0)
    bridge = spans["testbrug"]
    entry = route.edge_entry_s.tolist()
    first = next(i for i, e in enumerate(edges) if table.bridge[e])
    last = max(i for i, e in enumerate(edges) if table.bridge[e])
    assert bridge == pytest.approx((entry[first], entry[last] + route.edge_times_s[last] + 60.0))
    assert {"3", "4", "5", "way 13", "a50"} <= set(spans)


def test_structure_names_are_built_once_per_table_and_invert_the_keys(
    dual_router: Router,
) -> None:
    """The per-table cache (#13) gives every structure its keys, and the same spans each call."""
    plan = dual_router.route("West port", "East crossing", "boxer-apc", count=10, k=1)
    route = plan.routes[0]
    table = dual_router.table("road")
    edges = [table.key_index[key] for key in route.edges]
    args = (table, edges, route.edge_entry_s.tolist(), route.edge_times_s, 60.0)
    first = element_spans_s(*args)
    names = _structure_names(table)
    assert _structure_names(table) is names
    assert {(i, n) for i, ns in names.items() for n in ns} == {
        (i, n) for n, ins in _structure_keys(table).items() for i in ins
    }
    assert "testbrug" in {n for ns in names.values() for n in ns}
    assert element_spans_s(*args) == first


def test_spans_of_places_are_the_spans_of_their_route_nodes(
    dual: mobility.Network, dual_router: Router
) -> None:
    plan = dual_router.route("West port", "East crossing", "boxer-apc", count=10, k=1)
    route = plan.routes[0]
    table = dual_router.table("road")
    edges = [table.key_index[key] for key in route.edges]
    spans = element_spans_s(
        table, edges, route.edge_entry_s.tolist(), route.edge_times_s, 60.0, dual.places
    )
    last = int(table.nodes[table.v[edges[-1]]])
    on_route = {int(table.nodes[table.u[e]]) for e in edges} | {last}
    met = [p for p in dual.places if p.node in on_route]
    assert {"west port", "east crossing"} <= {p.name.casefold() for p in met}
    for place in met:
        assert spans[place.name.casefold()] == spans[str(place.node)]
        if place.place_id:
            assert spans[place.place_id.casefold()] == spans[str(place.node)]
    off_route = [p for p in dual.places if p.node is not None and p.node not in on_route]
    assert off_route and all(p.name.casefold() not in spans for p in off_route)


def test_edge_keys_name_the_way_ref_structure_and_section_of_an_edge(
    dual_router: Router,
) -> None:
    table = dual_router.table("road")
    for edge in range(table.n_edges):
        keys, u, v = _edge_keys(table, edge)
        assert (u, v) == (int(table.u[edge]), int(table.v[edge]))
        assert f"way {table.element[edge]}" in keys
        assert (table.refs[edge].casefold() in keys) == bool(table.refs[edge])
        section = int(table.sections.of_edge[edge])
        if section >= 0:
            assert table.sections.sections[section].name.casefold() in keys
        assert ("testbrug" in keys) == (edge in match_edges(table, "testbrug").tolist())
        assert _edge_keys(table, edge) is _edge_keys(table, edge)
