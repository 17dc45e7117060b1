from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from mobility.errors import ScenarioError
from mobility.model.scenario import Scenario, load_scenario
from mobility.stress._apply import (
    close_elements,
    draw_failures,
    failure_probabilities,
    match,
    perturb_network,
    perturb_scenario,
    resolve,
)
from mobility.stress.impact import StressContext
from mobility.stress.perturbation import (
    BorderClosure,
    CapacityReduction,
    Curfew,
    ElementClosure,
    Perturbation,
    PortLoss,
    RandomFailures,
    Surge,
    load_perturbation,
)
from tests.stress.conftest import DATA

# The diamond's road edges: 0, 2 short road; 3, 4 short bridge; 1, 6 long road; 5, 7 long
# road east (one section with 1 and 6).
SHORT_ROAD, BRIDGE, LONG_SECTION = [0, 2], [3, 4], [1, 5, 6, 7]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(DATA / "scenario-tiny.yaml")


def test_match_searches_the_graphs_of_the_mode(tiny_context: StressContext) -> None:
    found = match(tiny_context, "Main line", "any", "here")
    assert not len(found["road"]) and found["rail"].tolist() == [0, 2, 3, 4]
    assert match(tiny_context, "A1", "road", "here")["road"].tolist() == [3, 4, 5, 7]
    with pytest.raises(ScenarioError, match=r"^here: element 'Main lin'.*of the road network"):
        match(tiny_context, "Main lin", "road", "here")


def test_resolve_masks_closures_reductions_and_curfews(tiny_context: StressContext) -> None:
    timed = ElementClosure("Short bridge", start=datetime(2026, 11, 24, 6, tzinfo=UTC))
    resolved = resolve(
        Perturbation(
            "x",
            closures=(timed, ElementClosure("Long road"), ElementClosure("Short bridge")),
            reductions=(CapacityReduction("Short road", 0.5),),
            curfews=(Curfew("Short road", ((0, 360),)),),
        ),
        tiny_context,
    )
    road = resolved.removed["road"]
    assert np.flatnonzero(road).tolist() == sorted([*BRIDGE, 1, 6])  # the named ways
    # The timed closure is in force for the metrics, not for the network copy; the
    # whole-horizon closure of the same bridge is.
    assert np.flatnonzero(resolved.removed_always["road"]).tolist() == sorted([*BRIDGE, 1, 6])
    factor = resolved.factor["road"]
    assert factor[SHORT_ROAD].tolist() == [0.375, 0.375]  # half, then open 18 h of 24
    assert (np.delete(factor, SHORT_ROAD) == 1.0).all() and not resolved.removed["rail"].any()
    assert resolved.closed == [
        "Short bridge (bridge, A1, way 204) [road]",
        "A1 Long road between BCP-D and SPOD-A (road, 2 ways) [road]",
    ]  # once each
    assert resolved.notes == [] and resolved.place_reason("spod-a", "bcp-d") == ""


def test_resolve_a_timed_closure_keeps_the_network_copy(tiny_context: StressContext) -> None:
    timed = ElementClosure("Short bridge", start=datetime(2026, 11, 24, 6, tzinfo=UTC))
    resolved = resolve(Perturbation("t", closures=(timed,)), tiny_context)
    assert np.flatnonzero(resolved.removed["road"]).tolist() == BRIDGE
    assert not resolved.removed_always["road"].any()
    zero = resolve(
        Perturbation("z", reductions=(CapacityReduction("Short bridge", 0.0),)), tiny_context
    )
    assert np.flatnonzero(zero.removed_always["road"]).tolist() == BRIDGE
    assert zero.closed == ["Short bridge (bridge, A1, way 204) [road]"]


def test_resolve_ports_and_borders(tiny_context: StressContext) -> None:
    resolved = resolve(
        Perturbation(
            "p",
            ports=(PortLoss("spod-a", 0.5), PortLoss("SPOD-A", 0.25)),
            borders=(BorderClosure("bcp-rail-d"),),
        ),
        tiny_context,
    )
    assert resolved.source_factor == {"spod-a": 0.25}  # the smaller share wins
    assert resolved.notes == [
        "SPOD-A: 50% of the gate capacity left",
        "SPOD-A: 25% of the gate capacity left",
    ]
    assert resolved.sink_factor == {"bcp-rail-d": 0.0}
    assert resolved.place_reason("rt-a", "bcp-rail-d") == "border crossing closed (BCP-RAIL-D)"
    assert resolved.closed == ["BCP-RAIL-D [crossing closed]"]
    lost = resolve(Perturbation("l", ports=(PortLoss("spod-a"),)), tiny_context)
    assert lost.place_reason("spod-a", "bcp-d") == "port lost (SPOD-A)"
    with pytest.raises(ScenarioError, match=r"ports\[0\] divert_to: 'SPOD-A' is not another"):
        resolve(Perturbation("d", ports=(PortLoss("spod-a", divert_to="spod-a"),)), tiny_context)
    with pytest.raises(ScenarioError, match=r"borders\[0\] divert_to: 'BCP-RAIL-D' is not an"):
        resolve(
            Perturbation("b", borders=(BorderClosure("bcp-d", divert_to="bcp-rail-d"),)),
            tiny_context,
        )


def test_failure_probabilities_and_seeded_draws(tiny_context: StressContext) -> None:
    elements = tiny_context.elements()
    assert [e.kind for e in elements] == ["road", "road", "bridge", "rail", "rail"]
    failures = RandomFailures(5, {"default": 0.0, "bridge": 0.3}, {"Branch": 1.0})
    p = Perturbation("r", random_failures=failures)
    assert failure_probabilities(tiny_context, p).tolist() == [0.0, 0.0, 0.3, 0.0, 1.0]
    draws = [draw_failures(tiny_context, p, run) for run in range(12)]
    assert draws == [draw_failures(tiny_context, p, run) for run in range(12)]
    assert all(elements[4] in d for d in draws)  # certain
    assert {len(d) for d in draws} == {1, 2}  # the bridge fails in some runs only
    resolved = resolve(p, tiny_context, run=0)
    assert resolved.notes == [f"random failures (seed 5, run 0): {len(draws[0])} elements"]
    assert np.flatnonzero(resolved.removed_always["rail"]).tolist() == [1, 5, 6, 7]
    assert not failure_probabilities(tiny_context, Perturbation("none")).any()
    assert draw_failures(tiny_context, Perturbation("none"), 3) == []


def test_close_elements_and_the_network_copy(tiny_context: StressContext) -> None:
    bridge = tiny_context.elements("road")[2]
    resolved = close_elements(tiny_context, [bridge])
    assert np.flatnonzero(resolved.removed_always["road"]).tolist() == BRIDGE
    assert resolved.closed == ["Short bridge (bridge, A1, way 204) [road]"]
    network = tiny_context.network
    copied = perturb_network(network, tiny_context, resolved)
    assert copied.road.number_of_edges() == network.road.number_of_edges() - 2
    assert not any(d.get("name") == "Short bridge" for *_, d in copied.road.edges(data=True))
    assert copied.rail.number_of_edges() == network.rail.number_of_edges()
    assert any(d.get("name") == "Short bridge" for *_, d in network.road.edges(data=True))


def test_scenario_copies(scenario: Scenario, atlas_context: StressContext) -> None:
    before = copy.deepcopy(scenario)
    p = Perturbation(
        "mix",
        closures=(ElementClosure("Botlektunnel", "road", scenario.start, scenario.end),),
        curfews=(Curfew("spod-vlissingen", ((22 * 60, 6 * 60),)),),
        borders=(BorderClosure("bcp-venlo-a67", divert_to="bcp-tegelen-kaldenkirchen"),),
        ports=(PortLoss("spod-vlissingen", 0.5),),
        surge=Surge(2.0),
    )
    changed, stranded = perturb_scenario(scenario, p, atlas_context)
    assert scenario == before and not stranded
    assert [r.vehicle_count for r in changed.requests] == [
        2 * r.vehicle_count for r in scenario.requests
    ]
    assert {r.destination for r in changed.requests} == {"bcp-tegelen-kaldenkirchen"}
    assert changed.closures[0].element == "Botlektunnel"
    night = [c for c in changed.closures if c.element.startswith("Port of Vlissingen")]
    assert len(night) == 2 and all(
        c.end > c.start for c in night
    )  # 00-06 and 22-24 in the 24 h horizon
    assert changed.capacities.port_rate("spod-vlissingen") == 75.0
    lost, stranded = perturb_scenario(
        scenario, Perturbation("lost", ports=(PortLoss("Vlissingen"),)), atlas_context
    )
    assert not lost.requests and [s.request for s in stranded] == ["R1", "R2"]
    # Any element the network has can be closed in time windows, an OSM way included.
    way, _ = perturb_scenario(
        scenario, Perturbation("x", curfews=(Curfew("way 280", ((0, 60),)),)), atlas_context
    )
    assert {c.element for c in way.closures} == {"way 280"}
    with pytest.raises(ScenarioError, match="matches no bridge"):
        perturb_scenario(
            scenario, Perturbation("x", curfews=(Curfew("Botlektunel", ((0, 60),)),)), atlas_context
        )


def test_surge_request_outside_the_horizon_is_refused(
    scenario: Scenario, atlas_context: StressContext, tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "surge:\n  requests:\n    - {id: LATE, unit: u, origin: Vlissingen,"
        " destination: bcp-venlo-a67, available_from: 2027-01-01T00:00+01:00,"
        " required_by: 2027-01-02T00:00+01:00, vehicles: {fennek: 4}}\n"
    )
    with pytest.raises(
        ScenarioError, match=r"surge request 'LATE' available_from.*outside the scenario horizon"
    ):
        perturb_scenario(scenario, load_perturbation(path), atlas_context)
