from __future__ import annotations

import time
from pathlib import Path

import pytest

from mobility.errors import DataError
from mobility.network.load import load_network
from mobility.stress.critical import criticality, rank_elements
from mobility.stress.impact import StressContext
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
