from __future__ import annotations

import pytest

from mobility.stress._measures import CorridorThroughput, CutItem, Impact, RouteChange


def change(base_s: float | None, now_s: float | None, reason: str = "") -> RouteChange:
    base_m = None if base_s is None else 1000.0
    now_m = None if now_s is None else 2500.0
    return RouteChange("road", "boxer-apc", "spod-a", "bcp-d", base_m, base_s, now_m, now_s, reason)


def test_route_change_measures_against_the_baseline() -> None:
    rerouted = change(3600.0, 5400.0)
    assert not rerouted.stranded and rerouted.extra_time_s == 1800.0
    assert rerouted.extra_length_m == 1500.0
    assert rerouted.to_dict() == {
        "mode": "road",
        "vehicle": "boxer-apc",
        "origin": "spod-a",
        "destination": "bcp-d",
        "base_length_km": 1.0,
        "base_time_h": 1.0,
        "length_km": 2.5,
        "time_h": 1.5,
        "extra_time_h": 0.5,
        "stranded": False,
        "reason": "",
    }
    stranded = change(3600.0, None, "no feasible route")
    assert stranded.stranded and stranded.extra_time_s == 0.0 and stranded.extra_length_m == 0.0
    assert stranded.to_dict()["time_h"] is None
    never = change(None, None)
    assert not never.stranded  # no route even without the perturbation


def test_throughput_loss_and_share() -> None:
    cut = (CutItem("Moerdijkbrug (bridge, A16)", "bridge", "way 1559", 6000),)
    flow = CorridorThroughput("road", 4500, 6000, cut)
    assert flow.loss_veh_per_day == 1500 and flow.share == 0.75
    assert CorridorThroughput("rail", 0, 0, ()).share == 1.0


def test_impact_summary_and_changed_routes() -> None:
    impact = Impact(
        perturbation="p",
        throughput=(
            CorridorThroughput("road", 4500, 6000, ()),
            CorridorThroughput("rail", 1155, 1155, ()),
        ),
        routes=(change(3600.0, 3600.0), change(3600.0, 5400.0), change(7200.0, None, "cut")),
        closed=("Moerdijkbrug (bridge, A16, way 1559) [road]",),
    )
    assert impact.flow("rail").vehicles_per_day == 1155
    with pytest.raises(KeyError):
        impact.flow("road/boxer-apc")
    assert [r.time_s for r in impact.stranded] == [None]
    summary = impact.summary()
    assert summary["throughput_loss_veh_per_day"] == {"road": 1500, "rail": 0}
    assert summary["throughput_share"] == {"road": 0.75, "rail": 1.0}
    assert (summary["pairs"], summary["stranded"], summary["rerouted"]) == (3, 1, 1)
    assert summary["extra_time_h_total"] == 0.5 and summary["extra_time_h_max"] == 0.5
    changed = impact.to_dict()
    assert [r["time_h"] for r in changed["routes"]] == [1.5, None]  # the unchanged left out
    assert len(impact.to_dict(all_routes=True)["routes"]) == 3
    assert changed["cuts"] == {"road": [], "rail": []} and changed["closed"] == list(impact.closed)
