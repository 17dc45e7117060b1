from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mobility
from mobility.errors import ScenarioError
from mobility.model.scenario import scenario_from_dict
from mobility.routing.router import Router
from mobility.schedule.instance import Instance, Use, _merged, _merges, build_instance

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def dual() -> mobility.Network:
    """Dual carriageway A50 with a three-way Testbrug; an on-ramp merges at node 7."""
    return mobility.load_network(
        DATA / "structures.osm", corridor_file=DATA / "corridors-structures.yaml", use_cache=False
    )


@pytest.fixture(scope="module")
def dual_router(dual: mobility.Network) -> Router:
    return Router(dual)


def _request(rid: str, origin: str) -> dict[str, Any]:
    return {
        "id": rid,
        "unit": f"Unit {rid}",
        "origin": origin,
        "destination": "bcp-east",
        "available_from": "2026-11-24T04:00+01:00",
        "required_by": "2026-11-24T12:00+01:00",
        "priority": 2,
        "vehicles": {"man-hx2-6x6": 12},
    }


def _instance(
    network: mobility.Network,
    router: Router,
    origins: list[str],
    closures: tuple[dict[str, str], ...] = (),
) -> Instance:
    scenario = scenario_from_dict(
        {
            "name": "dual",
            "start": "2026-11-24T00:00+01:00",
            "horizon_h": 24,
            "slot_min": 15,
            "k_routes": 1,
            "requests": [_request(f"R{i}", o) for i, o in enumerate(origins)],
            "closures": list(closures),
        }
    )
    return build_instance(scenario, network, router)


def test_one_structure_resource_per_direction_and_one_use_per_column(
    dual: mobility.Network, dual_router: Router
) -> None:
    instance = _instance(dual, dual_router, ["spod-west"])
    structures = {r.id: r for r in instance.resources.values() if r.kind == "structure"}
    assert list(structures) == ["structure:Testbrug/eastbound"]
    assert structures["structure:Testbrug/eastbound"].name == "Testbrug eastbound"
    option = instance.tasks[0].options[0]
    uses = [u for u in option.uses if u.resource.startswith("structure:")]
    assert len(uses) == 1 and uses[0].end_min - uses[0].start_min >= 2


def test_merged_uses_keep_one_span_per_resource() -> None:
    uses = [Use("structure:X/eastbound", 3, 5, 1), Use("structure:X/eastbound", 8, 9, 1)]
    assert _merged(uses) == (Use("structure:X/eastbound", 3, 9, 1),)


def test_junction_resource_only_where_routes_merge(
    dual: mobility.Network, dual_router: Router
) -> None:
    # West port and North port columns join at Aansluiting Test from different roads.
    merging = _instance(dual, dual_router, ["spod-west", "spod-north"])
    assert [r.name for r in merging.resources.values() if r.kind == "junction"] == [
        "Aansluiting Test"
    ]
    # Two requests from the same port pass through on the same road: no merge point.
    passing = _instance(dual, dual_router, ["spod-west", "spod-west"])
    assert not [r for r in passing.resources.values() if r.kind == "junction"]
    assert _merges({("a", 1, 9), ("b", 2, 9)}) and not _merges({("a", 1, 9), ("b", 1, 9)})
    assert not _merges({("a", 1, 8), ("b", 2, 9)})  # they cross or part, not join


def test_a_node_closure_blocks_every_route_through_it(
    dual: mobility.Network, dual_router: Router
) -> None:
    # Node 4 lies in the middle of the bridge: no checkpoint, yet closed all day.
    closed = _instance(dual, dual_router, ["spod-west"], ({"element": "4"},))
    assert not closed.tasks and "closures block every start time" in closed.unplannable[0].reason
    for text in ("way 12", "Testbrug", "A50 between Aansluiting Test and East crossing"):
        window = {"element": text, "from": "2026-11-24T04:00+01:00", "to": "2026-11-24T08:00+01:00"}
        instance = _instance(dual, dual_router, ["spod-west"], (window,))
        allowed = instance.tasks[0].options[0].allowed
        open_ = _instance(dual, dual_router, ["spod-west"]).tasks[0].options[0].allowed
        assert allowed.sum() < open_.sum(), text


def test_an_unknown_element_is_refused_with_near_names(
    dual: mobility.Network, dual_router: Router
) -> None:
    with pytest.raises(ScenarioError, match=r"'Testbrg'.*did you mean 'Testbrug'"):
        _instance(dual, dual_router, ["spod-west"], ({"element": "Testbrg"},))


def test_engines_and_path_searches_grow_with_envelopes_not_march_units(
    dual: mobility.Network,
) -> None:
    # 12 requests of 12 trucks from two origins: 12 march units, each with its
    # own label, but one vehicle envelope. Memory on a country-size network
    # grew with one path engine (line graph, arrays over all edges) per march
    # unit (#13); it must grow with the envelopes and the origin-destination pairs.
    router = Router(dual)
    instance = _instance(dual, router, ["spod-west", "spod-north"] * 6)
    assert len(instance.tasks) == 12
    classes = router._modes["road"].classes
    assert len(classes) == 1
    (searched,) = classes.values()
    assert len(searched.paths) == 2  # one search per origin-destination pair
