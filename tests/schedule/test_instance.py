from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mobility
from mobility.errors import ScenarioError
from mobility.model.scenario import Closure, Scenario, load_scenario, scenario_from_dict
from mobility.routing.router import Router
from mobility.schedule.greedy import greedy_assignment
from mobility.schedule.instance import Instance, Option, _merges, build_instance
from mobility.schedule.plan import build_plan
from mobility.schedule.plan_files import write_plan
from mobility.validation import validate_plan

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
    assert not closed.tasks
    # Closed for the whole horizon, the node is out of the graph: the cut is named.
    assert "every route crosses node 4 (closed)" in closed.unplannable[0].reason
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


def _tiny(tiny_scenario: Path, closures: list[tuple[str, int, int]], k: int = 2) -> Scenario:
    scenario = load_scenario(tiny_scenario)
    hours = [
        Closure(text, scenario.start + timedelta(hours=a), scenario.start + timedelta(hours=b))
        for text, a, b in closures
    ]
    return replace(scenario, closures=tuple(hours), k_routes=k)


def _through(option: Option, node: int) -> bool:
    assert option.route is not None
    return any(node in (u, v) for u, v, _ in option.route.edges)


def test_a_closure_for_the_whole_horizon_is_routed_around(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    # Node 77 (the Vlaketunnel's east end) is on the recce squadron's best route,
    # and no checkpoint of it.
    assert _through(build_instance(_tiny(tiny_scenario, []), atlas, router).tasks[0].options[0], 77)
    instance = build_instance(_tiny(tiny_scenario, [("77", 0, 30)]), atlas, router)
    assert not instance.unplannable
    for task in instance.tasks:
        assert len(task.options) == 2  # k routes, none of them through the closure
        assert not any(_through(o, 77) for o in task.options)
        assert all(o.allowed.any() for o in task.options)


def test_a_timed_closure_gives_options_through_it_and_around_it(
    tiny_scenario: Path, atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    scenario = _tiny(tiny_scenario, [("77", 4, 10)], k=1)
    instance = build_instance(scenario, atlas, router)
    task = instance.tasks[0]
    through = [o for o in task.options if _through(o, 77)]
    around = [o for o in task.options if not _through(o, 77)]
    assert through and around
    [(text, begin, end)] = through[0].closure_spans
    assert text == "77"
    starts = instance.slot_min * np.flatnonzero(through[0].allowed)
    closed_from, closed_to = 4 * 60, 10 * 60
    assert not ((starts + begin < closed_to) & (starts + end > closed_from)).any()
    assert around[0].allowed.sum() > through[0].allowed.sum()
    baseline = greedy_assignment(instance)
    folder = write_plan(build_plan(instance, baseline, baseline), tmp_path / "plan")
    assert validate_plan(folder) == []


def test_an_unplannable_unit_names_the_fewest_closures_that_cut_it_off(
    tiny_scenario: Path, atlas: mobility.Network, router: Router
) -> None:
    # Node 68 lies on every route out of the port; the Venlo bridge on every
    # route into Venlo; the Wessem bridge on one only: the cut is the node.
    closures = [("Maasbrug A2 bij Wessem", 0, 30), ("68", 0, 30)]
    instance = build_instance(_tiny(tiny_scenario, closures), atlas, router)
    assert not instance.tasks and len(instance.unplannable) == 3
    for item in instance.unplannable:
        assert "every route crosses node 68 (closed)" in item.reason
        assert "Wessem" not in item.reason and "exemption" not in item.reason


def _two_bridges_of_one_name(tmp_path: Path) -> Path:
    """The dual fixture with a second 'Testbrug' 400 m further east on the eastbound road."""
    text = (DATA / "structures.osm").read_text()
    way14 = text[text.index('  <way id="14">') : text.index('  <way id="20">')]
    second = (
        '  <node id="8" lat="52.0000" lon="4.0220"/>\n'
        '  <node id="9" lat="52.0000" lon="4.0240"/>\n'
        '  <way id="14">\n    <nd ref="5"/><nd ref="8"/>\n'
        '    <tag k="highway" v="motorway"/><tag k="ref" v="A50"/><tag k="oneway" v="yes"/>'
        '<tag k="maxspeed" v="100"/>\n  </way>\n'
        '  <way id="15">\n    <nd ref="8"/><nd ref="9"/>\n'
        '    <tag k="highway" v="motorway"/><tag k="ref" v="A50"/><tag k="oneway" v="yes"/>'
        '<tag k="bridge" v="yes"/><tag k="bridge:name" v="Testbrug"/><tag k="layer" v="1"/>'
        '<tag k="maxspeed" v="100"/><tag k="mlc" v="60"/>\n  </way>\n'
        '  <way id="16">\n    <nd ref="9"/><nd ref="6"/>\n'
        '    <tag k="highway" v="motorway"/><tag k="ref" v="A50"/><tag k="oneway" v="yes"/>'
        '<tag k="maxspeed" v="100"/>\n  </way>\n'
    )
    path = tmp_path / "two-bridges.osm"
    path.write_text(text.replace(way14, second))
    return path


def test_two_structures_of_one_name_on_a_route_never_collide_with_the_column(
    tmp_path: Path,
) -> None:
    # Issue #14: structures are keyed by identity, not name; a column that
    # crosses two bridges of one name holds each once and never meets itself.
    network = mobility.load_network(
        _two_bridges_of_one_name(tmp_path),
        corridor_file=DATA / "corridors-structures.yaml",
        use_cache=False,
    )
    router = Router(network)
    instance = _instance(network, router, ["spod-west", "spod-west"])
    structures = [r for r in instance.resources.values() if r.kind == "structure"]
    assert len(structures) == 2 and len({r.name for r in structures}) == 2
    assert all(r.name.startswith("Testbrug") for r in structures)
    for task in instance.tasks:
        uses = [u.resource for u in task.options[0].uses if u.resource.startswith("structure:")]
        assert sorted(uses) == sorted(r.id for r in structures)
    baseline = greedy_assignment(instance)
    plan = build_plan(instance, baseline, baseline)
    assert len(plan.movements) == 2 and plan.summary["kpis"]["solver_status"] == "FEASIBLE"
    assert validate_plan(write_plan(plan, tmp_path / "plan")) == []


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
