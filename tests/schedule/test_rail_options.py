"""Mode choice between road and rail, train plans and the validator's rail rules."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import mobility
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.instance import build_instance
from mobility.schedule.plan_files import write_plan
from mobility.schedule.planner import plan_scenario
from mobility.schedule.solution import costs
from mobility.schedule.time_indexed import option_costs
from mobility.validation import validate_plan

HEADER = """name: rail-test
start: 2026-11-24T00:00+01:00
horizon_h: 48
slot_min: 15
k_routes: 2
requests:
"""


def scenario_file(tmp_path: Path, *requests: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(HEADER + "".join(requests))
    return path


def request(
    rid: str,
    vehicles: str,
    *,
    mode: str = "any",
    origin: str = "spod-rotterdam",
    destination: str = "bcp-zevenaar-emmerich",
    due: str = "2026-11-25T18:00+01:00",
) -> str:
    return f"""  - id: {rid}
    unit: {rid} unit
    origin: {origin}
    destination: {destination}
    available_from: 2026-11-24T04:00+01:00
    required_by: {due}
    priority: 1
    mode: {mode}
    vehicles: {{{vehicles}}}
"""


def plan(path: Path, atlas: mobility.Network, router: Router):  # type: ignore[no-untyped-def]
    return plan_scenario(
        load_scenario(path), atlas, router=router, options=SolverOptions(time_limit_s=10)
    )


def test_tanks_without_a_road_route_go_by_rail_and_validate(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    result = plan(scenario_file(tmp_path, request("TANKS", "m1a2-sepv3: 30")), atlas, router)
    instance = result.instance
    assert all(o.rail is not None for t in instance.tasks for o in t.options)
    rows = [m.data for m in result.plan.movements]
    assert {r["mode"] for r in rows} == {"rail"}
    assert sum(r["vehicles"]["m1a2-sepv3"] for r in rows) == 30
    assert all("-NLD-T" in r["movement"] for r in rows)
    kpis = result.plan.summary["kpis"]
    assert kpis["rail_movements"] == len(rows) >= 2
    assert kpis["rail_vehicles"] == 30 and kpis["road_vehicles"] == 0
    folder = write_plan(result.plan, tmp_path / "plan")
    assert validate_plan(folder) == []


def test_trucks_due_soon_go_by_road(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    # Rail needs the transfer, 4 h of loading and the path: too late for a 6 h due time.
    path = scenario_file(
        tmp_path, request("TRUCKS", "man-hx2-6x6: 30", due="2026-11-24T10:00+01:00")
    )
    result = plan(path, atlas, router)
    task = result.instance.tasks[0]
    assert {o.rail is None for o in task.options} == {True, False}
    rows = [m.data for m in result.plan.movements]
    # 30 trucks by road: two march units of at most 16, one after the other.
    assert [r["mode"] for r in rows] == ["road", "road"]
    assert [r["vehicle_count"] for r in rows] == [15, 15]
    assert all(r["late_min"] == 0 for r in rows)


def test_a_mixed_request_splits_and_each_train_load_takes_its_cheapest_option(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    # 40 trucks: the truck-only train-load (22) can halt at a motorway service area on
    # the way by road (30 truck places assumed); a train-load of 42 could not (#18).
    path = scenario_file(tmp_path, request("MIX", "m1a2-sepv3: 12, man-hx2-6x6: 40"))
    result = plan(path, atlas, router)
    instance, chosen = result.instance, result.assignment.choices
    assert len(instance.tasks) >= 2
    modes = {instance.tasks[t].options[c.option].rail is None for t, c in chosen.items()}
    assert modes == {True, False}  # some train-loads by road, some by rail
    # One request, and its train-loads share no resource at a binding level:
    # each train-load's cost is the least over all its options and slots.
    spent = costs(instance, chosen)
    assert spent.on_time == spent.total
    for index, choice in chosen.items():
        matrix = option_costs(instance, index)
        assert matrix[choice.option, choice.slot] == matrix[matrix >= 0].min()


def test_a_rail_request_without_rail_option_is_explained(
    atlas: mobility.Network, tmp_path: Path
) -> None:
    # A loaded heavy equipment transporter (about 105 t) fits no wagon.
    path = scenario_file(tmp_path, request("HET", "het-m1070-m1000-m1a2: 2", mode="rail"))
    instance = build_instance(load_scenario(path), atlas)
    assert instance.tasks == []
    [item] = instance.unplannable
    assert item.request == "HET"
    assert "no rail option" in item.reason and "fits no wagon" in item.reason


def test_closing_the_betuweroute_moves_trains_out_of_the_closure(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    text = HEADER.replace(
        "requests:\n",
        "closures:\n  - {element: Betuweroute, from: 2026-11-24T00:00+01:00, "
        "to: 2026-11-25T06:00+01:00}\nrequests:\n",
    ) + request("TANKS", "m1a2-sepv3: 10", due="2026-11-25T22:00+01:00")
    path = tmp_path / "closed.yaml"
    path.write_text(text)
    scenario = load_scenario(path)
    result = plan_scenario(scenario, atlas, router=router, options=SolverOptions(time_limit_s=5))
    end = datetime.fromisoformat("2026-11-25T06:00+01:00")
    assert result.plan.movements and not result.plan.summary["unscheduled"]
    for row in (m.data for m in result.plan.movements):
        for section in row["train"]["path"]:
            if section["line"] == "Betuweroute":
                assert datetime.fromisoformat(section["enter"]) >= end
    folder = write_plan(result.plan, tmp_path / "plan")
    assert validate_plan(folder) == []


def test_validator_catches_tampered_trains(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    result = plan(scenario_file(tmp_path, request("TANKS", "m1a2-sepv3: 30")), atlas, router)
    folder = write_plan(result.plan, tmp_path / "plan")
    table_path = folder / "movement_table.json"
    original = table_path.read_text()

    def tampered(change) -> set[str]:  # type: ignore[no-untyped-def]
        table = json.loads(original)
        change(table)
        table_path.write_text(json.dumps(table))
        return {v.rule for v in validate_plan(folder)}

    def second_wagon_tank(table) -> None:  # type: ignore[no-untyped-def]
        wagon = table[0]["train"]["consist"]["wagons"][0]
        wagon["vehicles"]["m1a2-sepv3"] += 1
        wagon["vehicle_lengths_m"].append(wagon["vehicle_lengths_m"][0])
        wagon["vehicle_weights_t"].append(wagon["vehicle_weights_t"][0])
        table[0]["vehicles"]["m1a2-sepv3"] += 1

    def wrong_band(table) -> None:  # type: ignore[no-untyped-def]
        band = table[0]["train"]["band"]
        table[0]["train"]["band"] = "peak" if band != "peak" else "night"

    def same_path(table) -> None:  # type: ignore[no-untyped-def]
        first, second = table[0]["train"]["path"], table[1]["train"]["path"]
        for a, b in zip(first, second, strict=True):
            b["enter"] = a["enter"]

    def short_loading(table) -> None:  # type: ignore[no-untyped-def]
        train = table[0]["train"]
        end = datetime.fromisoformat(train["loading_start"]) + timedelta(minutes=30)
        train["loading_end"] = end.isoformat()

    def electric_on_diesel_line(table) -> None:  # type: ignore[no-untyped-def]
        table[0]["train"]["path"][0]["electrified"] = False

    assert "consist" in tampered(second_wagon_tank)
    assert "rail" in tampered(wrong_band)
    assert "capacity" in tampered(same_path)
    assert "rail" in tampered(short_loading)
    assert "rail" in tampered(electric_on_diesel_line)
    table_path.write_text(original)
    assert validate_plan(folder) == []


@pytest.mark.parametrize(
    ("start", "crossing"),
    [("2015-06-01", "bcp-rail-nieuweschans-weener"), ("2026-11-24", "bcp-rail-oldenzaal-bentheim")],
)
def test_trains_cross_at_nieuweschans_only_while_the_friesenbruecke_stands(
    atlas: mobility.Network, tmp_path: Path, start: str, crossing: str
) -> None:
    # The Nieuweschans - Weener crossing is dated in the corridor file (#18).
    text = request(
        "EAST",
        "boxer-apc: 20",
        mode="rail",
        origin="spod-eemshaven",
        destination="bcp-nieuweschans-a7",
        due=f"{start}T23:00+01:00",
    )
    text = text.replace("2026-11-24T04:00", f"{start}T04:00")
    path = scenario_file(tmp_path, text)
    path.write_text(path.read_text().replace("start: 2026-11-24T00:00", f"start: {start}T00:00"))
    instance = build_instance(load_scenario(path), atlas)
    borders = {o.rail.border.id for t in instance.tasks for o in t.options if o.rail}
    assert borders == {crossing}


def test_train_loads_from_eemshaven_with_road_legs_validate(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    # Issue #14: the road leg to an inland ramp ends long before the train
    # arrives; the train ride is not driving.
    path = scenario_file(
        tmp_path,
        request(
            "EEM",
            "cv90-35nl: 40, man-hx2-6x6: 40",
            mode="rail",
            origin="spod-eemshaven",
            destination="bcp-oldenzaal-gildehaus",
            due="2026-11-26T06:00+01:00",
        ),
    )
    path.write_text(path.read_text().replace("horizon_h: 48", "horizon_h: 72"))
    result = plan(path, atlas, router)
    rows = [m.data for m in result.plan.movements]
    legs = [r for r in rows if r["checkpoints"]]
    assert {r["mode"] for r in rows} == {"rail"} and legs  # some train-loads drive to a ramp
    folder = write_plan(result.plan, tmp_path / "plan")
    assert validate_plan(folder) == []
    # A road leg that really drives too long without a halt is still caught.
    table_path = folder / "movement_table.json"
    table = json.loads(table_path.read_text())
    row = next(r for r in table if r["movement"] == legs[0]["movement"])
    end = datetime.fromisoformat(row["checkpoints"][-1]["arrive"]) + timedelta(hours=3)
    row["checkpoints"][-1]["arrive"] = row["checkpoints"][-1]["clear"] = end.isoformat()
    table_path.write_text(json.dumps(table))
    assert "driver_hours" in {v.rule for v in validate_plan(folder)}


def test_train_loads_by_road_move_in_march_units(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    # Trucks due too early for a train go by road: their train-loads become
    # serials of march units.
    path = scenario_file(
        tmp_path, request("TRUCKS", "man-hx2-6x6: 28", due="2026-11-24T10:00+01:00")
    )
    # Lateness outweighs the road's civilian cost in the morning peak.
    weights = "weights: {lateness_per_min: 1000, disruption_per_vehicle_hour: 1}\n"
    path.write_text(path.read_text().replace("k_routes: 2\n", "k_routes: 2\n" + weights))
    result = plan(path, atlas, router)
    limit = result.instance.scenario.march_unit_max
    rows = [m.data for m in result.plan.movements]
    road = [r for r in rows if r["mode"] == "road"]
    assert road and all(r["vehicle_count"] <= limit for r in road)
    by_task: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for row in road:
        by_task.setdefault(row["task"], []).append(row)
    serial = next(group for group in by_task.values() if len(group) > 1)
    assert len({r["march_unit"] for r in serial}) == len(serial)
    starts = {datetime.fromisoformat(r["start"]) for r in serial}
    assert len(starts) == len(serial)  # one after another, never together
    summary = result.plan.summary
    assert summary["planned_march_units"] == len(rows) == summary["kpis"]["scheduled"]
    assert sum(r["vehicle_count"] for r in rows) == summary["planned_vehicles"] == 28
    folder = write_plan(result.plan, tmp_path / "plan")
    assert validate_plan(folder) == []


def test_a_rail_line_closed_for_the_whole_horizon_is_routed_around(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    # Issue #14: a closure for the whole horizon takes the line out before routing;
    # the trains take another line (Roosendaal - Lage Zwaluwe) instead of waiting
    # for a path that never opens.
    closed = "Breda \u2013 Rotterdam (Lage Zwaluwe \u2013 Breda)"
    text = request("TANKS", "m1a2-sepv3: 30", mode="rail", destination="bcp-venlo-a67")
    path = scenario_file(tmp_path, text)
    open_lines = {
        s.line
        for t in plan(path, atlas, router).instance.tasks
        for o in t.options
        if o.rail
        for s in o.rail.path.sections
    }
    assert closed in open_lines
    closure = (
        f"closures:\n  - {{element: '{closed}', from: 2026-11-24T00:00+01:00, "
        "to: 2026-11-26T00:00+01:00, reason: test}\n"
    )
    path.write_text(path.read_text().replace("requests:\n", closure + "requests:\n"))
    result = plan(path, atlas, router)
    lines = {
        s.line
        for t in result.instance.tasks
        for o in t.options
        if o.rail
        for s in o.rail.path.sections
    }
    assert lines and closed not in lines
    assert any(line.startswith("Roosendaal") for line in lines)
    rows = [m.data for m in result.plan.movements]
    assert rows and {r["mode"] for r in rows} == {"rail"}
    assert validate_plan(write_plan(result.plan, tmp_path / "plan")) == []


def test_a_rail_node_can_be_closed(atlas: mobility.Network, tmp_path: Path) -> None:
    node = next(n for n in atlas.rail.nodes if n not in atlas.road)
    path = scenario_file(tmp_path, request("TANKS", "m1a2-sepv3: 30", mode="rail"))
    closure = (
        f"closures:\n  - {{element: '{node}', from: 2026-11-24T00:00+01:00, "
        "to: 2026-11-24T02:00+01:00, reason: test}\n"
    )
    path.write_text(path.read_text().replace("requests:\n", closure + "requests:\n"))
    assert build_instance(load_scenario(path), atlas).tasks  # accepted, not refused


def test_a_timed_rail_closure_gives_paths_through_it_and_around_it(
    atlas: mobility.Network, router: Router, tmp_path: Path
) -> None:
    # Issue #14: the path through the line closed for a while keeps the start
    # times outside the closure; the path around it is one more option.
    closed = "Breda \u2013 Rotterdam (Lage Zwaluwe \u2013 Breda)"
    text = request("TANKS", "m1a2-sepv3: 30", mode="rail", destination="bcp-venlo-a67")
    path = scenario_file(tmp_path, text)
    closure = (
        f"closures:\n  - {{element: '{closed}', from: 2026-11-24T00:00+01:00, "
        "to: 2026-11-24T23:00+01:00, reason: test}\n"
    )
    path.write_text(path.read_text().replace("requests:\n", closure + "requests:\n"))
    result = plan(path, atlas, router)
    options = [o for t in result.instance.tasks for o in t.options if o.rail]
    through = [o for o in options if closed in {s.line for s in o.rail.path.sections}]
    around = [o for o in options if closed not in {s.line for s in o.rail.path.sections}]
    assert through and around
    assert all(o.allowed.any() for o in around)
    assert validate_plan(write_plan(result.plan, tmp_path / "plan")) == []
