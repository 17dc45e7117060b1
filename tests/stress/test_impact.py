from __future__ import annotations

import copy

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.errors import ScenarioError
from mobility.network.load import Network
from mobility.stress._apply import close_elements, perturb_network, resolve
from mobility.stress._measures import CorridorThroughput, Impact
from mobility.stress.impact import StressContext
from mobility.stress.perturbation import (
    CapacityReduction,
    Curfew,
    ElementClosure,
    Perturbation,
    PortLoss,
    RandomFailures,
)

LANE_DAY = 3000  # one rural lane, open column: 150 veh/h for 20 h (see test_capacity)


def road(impact: Impact) -> CorridorThroughput:
    return impact.flow("road")


def test_baseline_flow_and_cut_of_the_diamond(tiny_context: StressContext) -> None:
    base = tiny_context.baseline
    assert road(base).vehicles_per_day == 2 * LANE_DAY
    # Cut items are logical elements: the long road (ways 103 and 304) is one section.
    assert sorted(c.key for c in road(base).cut) == [
        "A1 Long road between BCP-D and SPOD-A",
        "Short road near SPOD-A",
    ]
    assert sum(c.capacity_veh_per_day for c in road(base).cut) == road(base).vehicles_per_day
    assert base.flow("rail").vehicles_per_day == 840 + 420
    assert base.summary()["stranded"] == 0 and base.summary()["pairs"] == 2


def test_closing_the_short_bridge_reroutes_and_halves_the_flow(tiny_context: StressContext) -> None:
    impact = tiny_context.evaluate(Perturbation("bridge").with_closures(["Short bridge"]))
    assert road(impact).vehicles_per_day == LANE_DAY
    assert road(impact).loss_veh_per_day == LANE_DAY and road(impact).share == 0.5
    (change,) = [r for r in impact.routes if r.mode == "road"]
    assert change.length_m == pytest.approx(6000.0) and change.base_length_m == pytest.approx(
        2000.0
    )
    assert change.extra_time_s > 0 and not change.stranded
    assert any("Short bridge" in text for text in impact.closed)


def test_closing_a_ref_closes_every_edge_of_it(tiny_context: StressContext) -> None:
    impact = tiny_context.evaluate(Perturbation("A1").with_closures(["a1"], "road"))
    assert road(impact).vehicles_per_day == 0
    assert [r.stranded for r in impact.routes if r.mode == "road"] == [True]
    assert impact.summary()["stranded"] == 1


def test_reductions_curfews_and_port_loss(tiny_context: StressContext) -> None:
    half = tiny_context.evaluate(Perturbation("x", reductions=(CapacityReduction("way 103", 0.5),)))
    assert road(half).vehicles_per_day == LANE_DAY + LANE_DAY // 2
    curfew = tiny_context.evaluate(Perturbation("c", curfews=(Curfew("Short road", ((0, 360),)),)))
    assert road(curfew).vehicles_per_day == LANE_DAY + LANE_DAY * 3 // 4
    lost = tiny_context.evaluate(Perturbation("p", ports=(PortLoss("spod-a"),)))
    assert road(lost).vehicles_per_day == 0
    assert [c.kind for c in road(lost).cut] == ["port"]
    (pair,) = [r for r in lost.routes if r.mode == "road"]
    assert pair.stranded and "port lost" in pair.reason
    partial = tiny_context.evaluate(Perturbation("p", ports=(PortLoss("SPOD-A", remaining=0.25),)))
    assert (
        road(partial).vehicles_per_day == 2 * LANE_DAY
    )  # the gate (25,000 a day) still exceeds the roads


def test_rail_closure_on_the_rail_graph_only(tiny_context: StressContext) -> None:
    impact = tiny_context.evaluate(
        Perturbation("rail", closures=(ElementClosure("Main line", "rail"),))
    )
    assert impact.flow("rail").vehicles_per_day == 420
    assert road(impact).vehicles_per_day == 2 * LANE_DAY
    (train,) = [r for r in impact.routes if r.mode == "rail"]
    assert train.extra_time_s == 0 and train.length_m == pytest.approx(2000.0)  # branch as long
    with pytest.raises(ScenarioError, match=r"'Main line' matches no .* of the road network"):
        tiny_context.evaluate(Perturbation("x", closures=(ElementClosure("Main line", "road"),)))


def test_unknown_elements_and_places_get_clear_errors(tiny_context: StressContext) -> None:
    with pytest.raises(
        ScenarioError, match=r"closures\[0\]: element 'Short brigde'.*did you mean 'Short bridge'"
    ):
        tiny_context.evaluate(Perturbation("x", source="f.yaml").with_closures(["Short brigde"]))
    with pytest.raises(ScenarioError, match=r"ports\[0\].*unknown"):
        tiny_context.evaluate(Perturbation("x", ports=(PortLoss("Atlantis"),)))
    with pytest.raises(ScenarioError, match="is a bcp, not a spod or rail_terminal"):
        tiny_context.evaluate(Perturbation("x", ports=(PortLoss("bcp-d"),)))


def snapshot(network: Network) -> tuple[object, ...]:
    return tuple(
        sorted(
            (u, v, k, tuple(sorted((a, str(b)) for a, b in d.items())))
            for u, v, k, d in g.edges(keys=True, data=True)
        )
        for g in (network.road, network.rail)
    )


def test_perturbations_never_touch_the_base(tiny: Network) -> None:
    before = snapshot(tiny)
    places = copy.deepcopy(tiny.places)
    context = StressContext(tiny, vehicles=("man-hx2-6x6",))
    baseline = context.baseline
    weights = [c.weights.copy() for m in context.modes.values() for c in m.classes]
    capacity = context.modes["road"].capacity.copy()
    p = Perturbation(
        "all",
        closures=(ElementClosure("Short bridge"), ElementClosure("Branch", "rail")),
        reductions=(CapacityReduction("Long road", 0.5),),
        ports=(PortLoss("spod-a", 0.5),),
        random_failures=RandomFailures(1, {"default": 0.5}),
    )
    resolved = resolve(p, context)
    context.measure(resolved, "all")
    copied = perturb_network(tiny, context, resolved)
    assert copied.road.number_of_edges() < tiny.road.number_of_edges()
    assert snapshot(tiny) == before and tiny.places == places
    assert context.evaluate(Perturbation("baseline")).to_dict() == baseline.to_dict()
    assert all(
        np.array_equal(a, c.weights)
        for a, c in zip(
            weights, [c for m in context.modes.values() for c in m.classes], strict=True
        )
    )
    assert np.array_equal(capacity, context.modes["road"].capacity)
    assert nx.utils.graphs_equal(context.modes["road"].table.graph, tiny.road)


def test_random_failures_are_seeded(tiny_context: StressContext) -> None:
    p = Perturbation("r", random_failures=RandomFailures(5, {"default": 0.5}))
    first = [tiny_context.evaluate(p, run=r).closed for r in range(6)]
    assert first == [tiny_context.evaluate(p, run=r).closed for r in range(6)]
    assert len({tuple(c) for c in first}) > 1
    certain = Perturbation(
        "r", random_failures=RandomFailures(5, {"default": 0.0}, {"Short bridge": 1.0})
    )
    assert [c for c in tiny_context.evaluate(certain).closed if "random" in c] == [
        "Short bridge (bridge, A1, way 204) [road, random failure]"
    ]


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_removing_elements_never_increases_throughput_on_the_atlas(
    atlas_context: StressContext, data: st.DataObject
) -> None:
    elements = atlas_context.elements()
    chosen = data.draw(st.lists(st.sampled_from(range(len(elements))), max_size=6, unique=True))
    extra = data.draw(st.lists(st.sampled_from(range(len(elements))), max_size=3, unique=True))
    fewer = atlas_context.measure(close_elements(atlas_context, [elements[i] for i in chosen]), "a")
    more = atlas_context.measure(
        close_elements(atlas_context, [elements[i] for i in {*chosen, *extra}]), "b"
    )
    for small, large in zip(fewer.throughput, more.throughput, strict=True):
        assert large.vehicles_per_day <= small.vehicles_per_day <= small.baseline_vehicles_per_day
        assert sum(c.capacity_veh_per_day for c in small.cut) == small.vehicles_per_day
    for a, b in zip(fewer.routes, more.routes, strict=True):
        if b.time_s is not None:
            assert a.time_s is not None and b.time_s >= a.time_s - 1e-6
        assert not (a.stranded and not b.stranded)
