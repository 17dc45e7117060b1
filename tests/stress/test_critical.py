from __future__ import annotations

import time
from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.network.load import load_network
from mobility.stress.critical import criticality, rank_elements
from mobility.stress.impact import StressContext
from mobility.stress.montecarlo import monte_carlo, resilience_curve, spread
from mobility.stress.perturbation import Perturbation, RandomFailures
from tests.stress.conftest import EXAMPLES


def test_ranking_on_the_diamond(tiny_context: StressContext) -> None:
    ranked = criticality(tiny_context, mode="road")
    # Every road element alone halves the road flow; only the short path's
    # elements add time, and none strands the pair (the other path remains).
    assert {r.road_loss for r in ranked} == {3000}
    assert all(r.stranded == 0 for r in ranked)
    # Elements are logical: the long road (two ways through node 3) is one section.
    assert [r.element.name for r in ranked[:2]] == ["Short road near SPOD-A", "Short bridge"]
    assert ranked[0].extra_time_h > 0 and ranked[-1].extra_time_h == 0
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert ranked[-1].element.ways == (103, 304)
    by_time = criticality(tiny_context, mode="road", by="time", top_k=1)
    assert len(by_time) == 1 and by_time[0].element.name == "Short road near SPOD-A"


def test_ranking_on_the_atlas_names_single_points_of_failure(atlas_context: StressContext) -> None:
    ranked = criticality(atlas_context, by="stranded")
    assert ranked[0].stranded >= ranked[-1].stranded
    keys = [(-r.stranded, -r.throughput_loss, -r.extra_time_h) for r in ranked]
    assert keys == sorted(keys)
    # Rail elements are line sections between stations and junctions.
    rail = [r for r in ranked if r.element.name.startswith("Betuweroute between ")]
    assert rail and max(r.stranded for r in rail) > 0
    assert len({r.element.text + r.element.mode for r in ranked}) == len(atlas_context.elements())


def test_rank_elements_checks_its_input(tiny_context: StressContext) -> None:
    with pytest.raises(DataError, match="ranking 'length'"):
        rank_elements(tiny_context.elements(), [], "length")
    with pytest.raises(DataError, match="elements but 0 results"):
        rank_elements(tiny_context.elements(), [])


def test_resilience_curve_starts_at_the_baseline_and_ends_at_zero(
    tiny_context: StressContext,
) -> None:
    n = len(tiny_context.elements("road"))
    points = resilience_curve(tiny_context, [0, 1, n], 4, seed=3, mode="road")
    assert [p["failures"] for p in points] == [0, 1, n]
    assert points[0]["road_share"]["mean"] == 1.0 and points[0]["stranded_share"]["max"] == 0.0
    assert points[1]["road_share"]["mean"] == 0.5  # any one road element halves it
    assert points[-1]["road_share"]["max"] == 0.0 and points[-1]["stranded_share"]["min"] > 0
    assert resilience_curve(tiny_context, [0, 1, n], 4, seed=3, mode="road") == points


def test_monte_carlo_summary(tiny_context: StressContext) -> None:
    p = Perturbation("r", random_failures=RandomFailures(11, {"default": 0.3}))
    summary = monte_carlo(tiny_context, p, 40)
    assert summary.runs == 40 and 0 < summary.failures < len(tiny_context.elements())
    assert summary.metrics["road_share"]["min"] <= summary.metrics["road_share"]["mean"] <= 1.0
    assert summary.most_failed_in_worst and summary.most_failed_in_worst[0][1] >= 1
    assert monte_carlo(tiny_context, p, 40).to_dict() == summary.to_dict()
    with pytest.raises(DataError, match="has no random_failures"):
        monte_carlo(tiny_context, Perturbation("none"), 2)


def test_spread() -> None:
    s = spread([1.0, 2.0, 3.0, 4.0])
    assert (s["mean"], s["min"], s["max"], s["p50"]) == (2.5, 1.0, 4.0, 2.5)


@pytest.mark.realdata
def test_criticality_on_the_hague_ranks_logical_elements_in_minutes(shared_osm: Path) -> None:
    """Issue #13 item 8: structures and sections, not thousands of single OSM ways."""
    network = load_network(
        shared_osm / "nl332-the-hague-main-roads.osm",
        corridor_file=EXAMPLES / "real" / "hague-corridors.yaml",
    )
    began = time.perf_counter()
    context = StressContext(network, vehicles=("man-hx2-6x6",))
    ranked = criticality(context, mode="road")
    elapsed_s = time.perf_counter() - began
    ways = {int(w) for w in context.modes["road"].table.element.tolist() if w >= 0}
    assert len(ranked) < 0.3 * len(ways)  # about 700 elements for about 3,500 ways
    kinds = {r.element.kind for r in ranked}
    assert kinds == {"bridge", "tunnel", "road"}
    assert len({r.element.name for r in ranked}) == len(ranked)
    assert any(" between " in r.element.name for r in ranked[:50])
    assert ranked[0].stranded > 0
    assert elapsed_s < 240  # 8 s measured (70 s on a busy 2-core machine)
