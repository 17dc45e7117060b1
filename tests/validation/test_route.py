"""A row's route in the road graph: edges, ends, limits along it and the elements it lists."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

import mobility
from mobility.model.scenario import Request
from mobility.routing.requirements import Requirements
from mobility.routing.router import Router
from mobility.schedule._rail_options import RailContext, _anchor
from mobility.validation._route import (
    edge_limits,
    limit_problems,
    listed_problems,
    restriction_problems,
    road_leg_end,
    route_limits,
    route_problems,
)
from mobility.validation.inputs import Inputs, load_inputs


def test_an_edges_limits_are_its_limit_attributes_that_are_set() -> None:
    data = {"name": "Vlaketunnel", "maxheight_m": 4.5, "tunnel_category": "C", "maxwidth_m": None}
    assert edge_limits(data) == {"maxheight_m": 4.5, "tunnel_category": "C"}
    assert edge_limits({"name": "A58", "lanes": 2}) == {}


def test_an_envelope_over_an_elements_limits_is_named_limit_by_limit() -> None:
    need = Requirements(
        "HET with tank",
        mlc_tracked=80,
        mlc_wheeled=90,
        weight_t=70.0,
        max_axle_load_t=12.0,
        height_m=4.2,
        width_m=3.6,
        barred_tunnel_categories=frozenset({"C", "D", "E"}),
        hazmat="1.1",
    )
    limits = {
        "mlc_tracked": 70,
        "mlc_wheeled": 100,
        "maxaxleload_t": 10.0,
        "maxheight_m": 4.5,
        "maxwidth_m": 3.5,
        "tunnel_category": "C",
        "hazmat": "no",
    }
    assert limit_problems(need, limits, margin_m=0.5) == [
        "MLC 80 tracked over MLC 70",
        "axle 12 t over 10.0 t",
        "4.2 m high under 4.5 m",  # with the clearance margin
        "3.6 m wide over 3.5 m",
        "dangerous goods in an ADR category C tunnel",
        "dangerous goods on a road closed to them",
    ]
    assert limit_problems(need, limits | {"maxheight_m": 5.0}, margin_m=0.5)[2:3] == [
        "3.6 m wide over 3.5 m"
    ]
    # A weight limit counts only where the element has no load class.
    assert limit_problems(need, {"maxweight_t": 60.0}, 0.0) == ["70 t over 60.0 t"]
    assert limit_problems(need, {"maxweight_t": 60.0, "mlc_tracked": 100}, 0.0) == []


def test_the_listed_elements_must_be_those_on_the_route_with_their_limits() -> None:
    on_route: dict[str, list[dict[str, Any]]] = {
        "Vlaketunnel": [{"name": "Vlaketunnel", "tunnel_category": "C"}],
        "Moerdijkbrug": [{"name": "Moerdijkbrug", "mlc_wheeled": 60}],
    }
    listed: list[Any] = [dict(v[0]) for v in on_route.values()]
    assert listed_problems(listed, on_route) == []
    listed[1]["mlc_wheeled"] = 100
    listed.pop(0)
    listed += [{"name": "Fake bridge", "mlc_wheeled": 5}, "not an element"]
    assert listed_problems(listed, on_route) == [
        ("restricted_elements", "Vlaketunnel: on the route but not listed"),
        ("restricted_elements", "Fake bridge: listed but not on the route"),
        ("restricted_elements", "Moerdijkbrug: limits listed differ from the network's"),
    ]


@pytest.fixture(scope="module")
def road_inputs(road_plan: Path, atlas: mobility.Network) -> Inputs:
    return load_inputs(road_plan, network=atlas)


@pytest.fixture(scope="module")
def router(road_inputs: Inputs) -> Router:
    return Router(road_inputs.network, road_inputs.catalogue)


def _rows(plan: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((plan / "movement_table.json").read_text())
    return rows


def _request(inputs: Inputs, m: dict[str, Any]) -> Request:
    return next(r for r in inputs.scenario.requests if r.id == m["request"])


def test_a_planned_route_joins_origin_and_destination(
    road_plan: Path, road_inputs: Inputs, router: Router
) -> None:
    m = _rows(road_plan)[0]
    request = _request(road_inputs, m)
    edges = [tuple(e) for e in m["edges"]]
    assert route_problems(edges, request, router) == ([], request.destination)
    found, end = route_problems(edges[:5] + edges[6:], request, router)
    assert end is None
    assert found == [("route", f"edge {list(edges[6])} does not join the edge before it")]
    found, end = route_problems([*edges[1:-1], (edges[-1][0], 10**9, 0)], request, router)
    assert end is None
    assert [text for _, text in found] == [
        f"edge {[edges[-1][0], 10**9, 0]} is not in the road network",
        f"the route does not start at the origin {router.place('road', request.origin).name!r}",
        "the route does not end at the destination "
        f"{router.place('road', request.destination).name!r}",
    ]


def test_a_road_leg_ends_at_the_road_place_nearest_its_loading_terminal(
    rail_leg_plan: Path, atlas: mobility.Network
) -> None:
    inputs = load_inputs(rail_leg_plan, network=atlas)
    router = Router(inputs.network, inputs.catalogue)
    m = _rows(rail_leg_plan)[0]
    request = _request(inputs, m)
    terminal = m["train"]["terminal"]["id"]
    edges = [tuple(e) for e in m["edges"]]
    found, end = route_problems(edges, request, router, terminal=terminal)
    assert found == [] and end is not None
    assert router.place("road", end).node == edges[-1][1]
    place = road_leg_end(router, terminal)
    assert place is not None
    found, end = route_problems(edges[:-3], request, router, terminal=terminal)
    assert end is None
    assert found == [
        (
            "route",
            f"the road leg does not end at {place.name!r}, the road place nearest "
            f"its loading terminal {terminal!r}",
        )
    ]
    found, end = route_problems(edges, request, router, terminal="rt-nowhere")
    assert (found, end) == (
        [("route", "loading terminal 'rt-nowhere' is not a corridor place")],
        None,
    )


def test_every_limited_element_on_the_route_is_checked_and_listed(
    road_plan: Path, road_inputs: Inputs, router: Router
) -> None:
    m = next(m for m in _rows(road_plan) if "Vlaketunnel" in str(m["restricted_elements"]))
    edges = [tuple(e) for e in m["edges"]]
    need = Requirements(
        **{k: v for k, v in m["requirements"].items() if k != "barred_tunnel_categories"}
    )
    assert restriction_problems(m, edges, need, router) == []
    found, on_route = route_limits(edges, need, router)
    assert found == []
    assert set(on_route) == {item["name"] for item in m["restricted_elements"]}
    assert all(item["maxheight_m"] for item in on_route["Vlaketunnel"])
    ammunition = Requirements("ammunition", barred_tunnel_categories=frozenset("CDE"), hazmat="1.1")
    found = restriction_problems({**m, "restricted_elements": []}, edges, ammunition, router)
    assert ("restriction", "Vlaketunnel: dangerous goods in an ADR category C tunnel") in found
    assert ("restricted_elements", "Vlaketunnel: on the route but not listed") in found


def test_the_road_leg_end_is_the_planners_anchor_for_every_terminal(
    atlas: mobility.Network,
) -> None:
    # Waalhaven's nearest road place is a junction without an id: the Defender
    # plan's trains from it were once flagged "does not end at a place".
    router = Router(atlas)
    context = cast(RailContext, SimpleNamespace(network=atlas, anchors={}, router=router))
    terminals = [p for p in atlas.corridors.places if p.kind in ("rail_terminal", "ramp")]
    assert len(terminals) >= 10
    unnamed = 0
    for terminal in terminals:
        anchor = _anchor(context, terminal)
        unnamed += not anchor.place_id
        end = road_leg_end(router, terminal.id)
        assert end is not None, terminal.id
        assert end.node == anchor.node, (terminal.id, end.name, anchor.name)
        assert router.place("road", end.place_id or end.name).node == anchor.node
    assert unnamed >= 1


def test_a_road_leg_ends_at_the_nearest_place_its_name_finds(atlas: mobility.Network) -> None:
    # On real OSM both carriageways of a junction carry its name, and the name
    # finds only one of them: a road leg routed to the nearest place by name
    # ended at the other, and the validator flagged the plan (#13).
    terminal = next(p for p in atlas.corridors.places if p.id == "rt-waalhaven")
    before = _anchor(
        cast(RailContext, SimpleNamespace(network=atlas, anchors={}, router=Router(atlas))),
        terminal,
    )
    other = next(p for p in atlas.places if p.mode == "road" and p.node not in (None, before.node))
    # A twin of the anchor's name on another node, nearer the terminal, listed first:
    # the name still finds the anchor (the last of equal names).
    twin = replace(
        other, kind=before.kind, name=before.name, place_id="", lon=terminal.lon, lat=terminal.lat
    )
    network = replace(atlas, places=[twin, *atlas.places])
    router = Router(network)
    assert router.place("road", before.name).node == before.node
    context = cast(RailContext, SimpleNamespace(network=network, anchors={}, router=router))
    anchor = _anchor(context, terminal)
    end = road_leg_end(router, terminal.id)
    assert end is not None
    assert anchor.node == end.node == before.node != twin.node


def test_an_unknown_terminal_has_no_road_leg_end(atlas: mobility.Network) -> None:
    assert road_leg_end(Router(atlas), "rt-nowhere") is None
