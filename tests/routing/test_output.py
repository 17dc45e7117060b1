from __future__ import annotations

import json

import pytest

from mobility.routing._routes import RoutePlan
from mobility.routing.output import plan_dict, plan_geojson, plan_lines, route_dict
from mobility.routing.router import Router


@pytest.fixture(scope="module")
def plan(router: Router) -> RoutePlan:
    return router.route(
        "Vlissingen", "Venlo (A67", "man-hx2-6x6", count=40, k=2, start="2026-11-24T05:00"
    )


def test_the_plan_dict_is_json_and_says_what_the_plan_holds(plan: RoutePlan) -> None:
    found = json.loads(json.dumps(plan_dict(plan)))
    assert found["origin"]["name"] == plan.origin.name
    assert found["vehicle"] == "man-hx2-6x6"
    assert found["column"]["vehicles"] == 40
    assert sum(m["vehicles"] for m in found["column"]["march_units"]) == 40
    assert [r["designation"] for r in found["routes"]] == [r.designation for r in plan.routes]
    first = found["routes"][0]
    assert first["length_km"] == round(plan.routes[0].length_m / 1000, 2)
    assert first["depart"] == "2026-11-24T05:00+01:00"
    assert len(first["checkpoints"]) == len(plan.routes[0].schedule.checkpoints)
    assert len(first["halts"]) == len(plan.routes[0].schedule.halts) > 0
    assert first["classification"]["notation"] == plan.routes[0].classification.notation  # type: ignore[union-attr]


def test_a_rail_route_has_no_classification_and_no_column(router: Router) -> None:
    rail = router.route("Vlissingen", "Venlo", "boxer-apc", mode="rail", k=1)
    found = plan_dict(rail)
    assert found["column"] is None and found["routes"][0]["classification"] is None
    assert route_dict(rail.routes[0])["mode"] == "rail"


def test_the_geojson_has_one_line_per_route(plan: RoutePlan) -> None:
    collection = plan_geojson(plan)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == len(plan.routes)
    assert {f["geometry"]["type"] for f in collection["features"]} == {"LineString"}


def test_the_text_lists_routes_with_checkpoints_and_halts_in_route_order(plan: RoutePlan) -> None:
    lines = plan_lines(plan)
    assert lines[0].startswith(f"{plan.origin.name} -> {plan.destination.name}: ")
    assert lines[1].startswith("column: 40 vehicles in ")
    msr = lines.index(next(line for line in lines if line.startswith("MSR: ")))
    assert lines[msr + 1].startswith("  via ")
    rows = []
    for line in lines[msr + 1 :]:
        if line.startswith("ASR"):
            break
        parts = line.split()
        if parts and parts[0].replace(".", "", 1).isdigit():
            rows.append(float(parts[0]))
    assert rows == sorted(rows) and len(rows) >= len(plan.routes[0].schedule.checkpoints)
    assert any("halt (" in line for line in lines)
