from __future__ import annotations

import math

import pytest

from mobility.model.mlc import weight_t_of_class
from mobility.routing._classification import MIN_CLEARANCE_M, classify
from mobility.routing.edges import EdgeTable
from mobility.routing.requirements import Requirements
from tests.routing.conftest import make_graph

WHEELED = Requirements(label="truck", mlc_wheeled=30)
TRACKED = Requirements(label="tank", mlc_tracked=70)


def _classify(need: Requirements, *edges: dict[str, object]):  # type: ignore[no-untyped-def]
    table = EdgeTable.from_graph(
        make_graph([(i, i + 1, data) for i, data in enumerate(edges)], two_way=False)
    )
    return classify(table, list(range(table.n_edges)), need)


def test_a_clear_two_lane_motorway_has_no_limit() -> None:
    found = _classify(WHEELED, {"highway": "motorway", "lanes": 2, "oneway": True})
    assert found.width_m == 7.0  # two 3.5 m lanes one way
    assert found.mlc is None and math.isinf(found.clearance_m)
    assert found.obstructions == () and found.notation == "7/X/∞/∞"


def test_the_lowest_class_and_clearance_limit_the_route() -> None:
    road = {"highway": "motorway", "lanes": 2, "oneway": True}
    bridge = {**road, "bridge": True, "mlc_wheeled": 50, "name": "Brug A"}
    found = _classify(WHEELED, road, bridge, {**road, "maxheight_m": 4.5, "name": "Viaduct"})
    assert (found.mlc, found.mlc_element) == (50, "Brug A")
    assert (found.clearance_m, found.clearance_element) == (4.5, "Viaduct")
    assert found.notation == "7/X/50/4.5"


def test_a_weight_limit_gives_the_highest_class_within_it() -> None:
    found = _classify(WHEELED, {"bridge": True, "maxweight_t": 30, "name": "Oude brug"})
    assert found.mlc is not None and found.mlc_element == "Oude brug"
    assert (
        weight_t_of_class(found.mlc, "wheeled") <= 30 < weight_t_of_class(found.mlc + 1, "wheeled")
    )


def test_narrow_and_low_ways_are_obstructions() -> None:
    # One lane each way of 3 m: 6 m two-way, narrower than 7.3 m (wheeled) and 8 m (tracked).
    narrow = {"highway": "secondary", "lanes": 1, "name": "Dijkweg"}
    low = {"highway": "secondary", "lanes": 2, "maxheight_m": 3.9, "name": "Poort"}
    wheeled = _classify(WHEELED, narrow, low)
    assert wheeled.width_m == 6.0 and wheeled.width_element == "Dijkweg"
    assert wheeled.obstructions == (
        "Dijkweg: 6 m two-way (< 7.3 m)",
        f"Poort: clearance 3.9 m (< {MIN_CLEARANCE_M:g} m)",
    )
    assert wheeled.notation.endswith("(OB)")
    assert _classify(TRACKED, narrow).obstructions == ("Dijkweg: 6 m two-way (< 8 m)",)


@pytest.mark.parametrize("maxwidth", [2.5, 5.0])
def test_a_width_limit_narrows_the_way(maxwidth: float) -> None:
    found = _classify(WHEELED, {"lanes": 2, "maxwidth_m": maxwidth, "oneway": True})
    assert found.width_m == maxwidth
    assert bool(found.obstructions) == (maxwidth < 3.5)
