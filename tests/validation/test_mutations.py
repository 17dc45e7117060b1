"""Issue #14: tampered plan folders, naive and consistent, road and rail; every one caught.

Each tampering edits a copy of a plan made once per session and says which
rule must catch it and which element (or movement) the violation must name.
Inputs tampered with are refused outright (``DataError`` naming the input).
Every tampering rewrites ``movement_table.csv`` from the JSON, so that the
CSV check does not mask the rule under test (the CSV tamperings edit only it).
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import mobility
from mobility.errors import DataError
from mobility.model.vehicle import load_vehicles
from mobility.validation import Violation, validate_plan
from mobility.validation.inputs import digest_bytes
from tests.validation.tamper import Folder, checkpoint, shift_after, shift_row


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- road plan (the embedded armoured brigade) --------------------------------------------


def break_cut_to_5_min(f: Folder) -> str:
    row = f.with_halt("break")
    halt = next(h for h in row["halts"] if h["kind"] == "break")
    halt["end"] = (_t(halt["start"]) + timedelta(minutes=5)).isoformat()
    return str(halt["name"])


def break_cut_to_5_min_and_times_pulled_forward(f: Folder) -> str:
    row = f.with_halt("break")
    halt = next(h for h in row["halts"] if h["kind"] == "break")
    end = _t(halt["end"])
    shift_after(row, end, -timedelta(minutes=40))
    f.resummarise()
    return str(halt["name"])


def short_halt_removed(f: Folder) -> str:
    row = f.with_halt("short")
    row["halts"] = [h for h in row["halts"] if h["kind"] != "short"]
    return str(row["movement"])


def march_unit_dropped_summary_consistent(f: Folder) -> str:
    row = f.of_request("MED")[0]
    f.drop(row)
    f.resummarise()
    return f"MED/{row['march_unit']}"


def march_unit_listed_unplannable_without_reason(f: Folder) -> str:
    row = f.of_request("MED")[0]
    f.drop(row)
    f.summary["unplannable"].append({"request": f"MED/{row['march_unit']}", "reason": ""})
    f.resummarise()
    return f"MED/{row['march_unit']}"


def march_unit_listed_unplannable_with_a_plausible_reason(f: Folder) -> str:
    row = f.of_request("MED")[0]
    f.drop(row)
    key = f"MED/{row['march_unit']}"
    f.summary["unplannable"].append(
        {"request": key, "reason": "no road route: every route crosses a bridge below its class"}
    )
    f.resummarise()
    return key


def march_unit_listed_unplannable_with_a_halt_reason(f: Folder) -> str:
    """The driver-hours halt rule given as the reason, where a site that fits is on the route."""
    row = f.of_request("MED")[0]
    f.drop(row)
    key = f"MED/{row['march_unit']}"
    reason = (
        f"MSR: a halt has no site that fits the march unit (no site fits {row['vehicle_count']} "
        "vehicles (1,396 m2) within 2h00 of driving after the last halt; none further on fits)"
    )
    f.summary["unplannable"].append({"request": key, "reason": reason})
    f.resummarise()
    return key


def vehicles_tripled_count_unchanged(f: Folder) -> str:
    row = f.of_request("RECCE")[0]
    row["vehicles"] = {k: 3 * v for k, v in row["vehicles"].items()}
    return str(row["movement"])


def vehicles_tripled_count_and_summary_too(f: Folder) -> str:
    row = f.of_request("RECCE")[0]
    row["vehicles"] = {k: 3 * v for k, v in row["vehicles"].items()}
    row["vehicle_count"] *= 3
    f.resummarise()
    return f"RECCE/{row['march_unit']}"


def vehicles_swapped_for_ammunition_requirements_unchanged(f: Folder) -> str:
    row = f.passing("Vlaketunnel")[0]
    row["vehicles"] = {"ammunition-truck-1-1": row["vehicle_count"]}
    return "Vlaketunnel"


def ammunition_rerouted_through_category_c_tunnel(f: Folder) -> str:
    ammo = next(m for m in f.table if "ammunition-truck-1-1" in m["vehicles"])
    destination = next(r for r in f.scenario["requests"] if r["id"] == ammo["request"])
    same_way = {
        r["id"] for r in f.scenario["requests"] if r["destination"] == destination["destination"]
    }
    donor = next(m for m in f.passing("Vlaketunnel") if m["request"] in same_way)
    donor = json.loads(json.dumps(donor))
    shift_row(donor, _t(ammo["start"]) - _t(donor["start"]))
    for key in (
        "route",
        "refs",
        "edges",
        "checkpoints",
        "halts",
        "arrive",
        "clear",
        "ref_spans",
        "length_km",
        "driving_s",
    ):
        ammo[key] = donor[key]
    return "Vlaketunnel"


def heavy_vehicle_over_a_weaker_bridge(f: Folder) -> str:
    catalogue = load_vehicles()
    heavy = catalogue.loaded(catalogue.get("m1a2-sepv3"))  # MLC 106 on its transporter
    row = f.passing("Maasbrug Venlo (A67)")[0]
    row["vehicles"] = {heavy.id: row["vehicle_count"]}
    return "Maasbrug Venlo"


def _two_on(f: Folder) -> tuple[dict, dict, str]:  # type: ignore[type-arg]
    rows = [m for m in f.passing("Maasbrug Venlo (A67)") if m["route"] == "MSR"]
    return rows[0], rows[1], "Maasbrug Venlo (A67)"


def two_columns_on_one_bridge(f: Folder) -> str:
    first, second, name = _two_on(f)
    shift_row(
        second, _t(checkpoint(first, name)["arrive"]) - _t(checkpoint(second, name)["arrive"])
    )
    f.resummarise()
    return name


def bridge_checkpoint_deleted_to_hide_an_overlap(f: Folder) -> str:
    first, second, name = _two_on(f)
    shift_row(
        second, _t(checkpoint(first, name)["arrive"]) - _t(checkpoint(second, name)["arrive"])
    )
    second["checkpoints"] = [c for c in second["checkpoints"] if c["name"] != name]
    f.resummarise()
    return name


def next_column_enters_before_the_tail_leaves(f: Folder) -> str:
    """Only the first node is passed: the tail is still on the structure."""
    best = None
    for m in f.table:
        for c in m["checkpoints"]:
            if c["kind"] in ("bridge", "tunnel") and "leave" in c:
                spare = (_t(c["leave"]) - _t(c["clear"])).total_seconds()
                if best is None or spare > best[0]:
                    best = (spare, m, c)
    assert best is not None and best[0] > 20
    _, first, point = best
    other = next(
        m
        for m in f.passing(point["name"])
        if m is not first and checkpoint(m, point["name"]).get("element") == point["element"]
    )
    target = _t(point["clear"]) + timedelta(seconds=best[0] / 2)
    shift_row(other, target - _t(checkpoint(other, point["name"])["arrive"]))
    f.resummarise()
    return str(point["name"])


def capacity_edited_in_constraints(f: Folder) -> str:
    resource = next(r for r in f.constraints["resources"] if r["kind"] == "structure")
    resource["capacity"] = 5
    return str(resource["id"])


def release_edited_in_constraints(f: Folder) -> str:
    f.constraints["requests"]["ARTY"]["release"] = "2026-11-24T02:00:00+01:00"
    return "ARTY"


def release_edited_and_a_column_started_early(f: Folder) -> str:
    f.constraints["requests"]["ARTY"]["release"] = "2026-11-24T02:00:00+01:00"
    row = min(f.of_request("ARTY"), key=lambda m: m["start"])
    shift_row(row, _t("2026-11-24T02:00:00+01:00") - _t(row["start"]))
    row["release"] = "2026-11-24T02:00:00+01:00"
    f.resummarise()
    return str(row["movement"])


def port_gate_overuse_hidden_by_understated_vehicle_count(f: Folder) -> str:
    rows = sorted(f.table, key=lambda m: m["start"])
    first = next(
        a
        for a, b in itertools.pairwise(rows)
        if _t(b["start"]) - _t(a["start"]) == timedelta(minutes=15)
    )
    first["vehicles"] = {k: 3 * v for k, v in first["vehicles"].items()}  # count left as it was
    return "Port of Vlissingen"


def support_centre_halt_declared_roadside(f: Folder) -> str:
    row = f.with_halt("break", at_centre=True)
    halt = next(h for h in row["halts"] if h["at_support_centre"])
    halt["at_support_centre"] = False
    return str(halt["name"])


def three_columns_at_a_junction_dropped_from_constraints(f: Folder) -> str:
    junctions = {r["id"]: r for r in f.constraints["resources"] if r["kind"] == "junction"}
    for rid, resource in junctions.items():
        node = int(rid.split(":")[1])
        by_exit: dict[tuple, dict] = {}  # type: ignore[type-arg]
        for m in f.table:
            edges = [tuple(e) for e in m["edges"]]
            at = next((i for i, e in enumerate(edges) if e[0] == node), None)
            if at and any(c["node"] == node for c in m["checkpoints"]):
                by_exit.setdefault(edges[at], {}).setdefault(edges[at - 1], []).append(m)
        for arrivals in by_exit.values():
            if len(arrivals) >= 2 and sum(len(v) for v in arrivals.values()) >= 3:
                lists = list(arrivals.values())
                three = [lists[0][0], lists[1][0]]
                three.append(next(m for v in lists for m in v if m not in three))
                anchor = _t(next(c for c in three[0]["checkpoints"] if c["node"] == node)["arrive"])
                for m in three[1:]:
                    here = _t(next(c for c in m["checkpoints"] if c["node"] == node)["arrive"])
                    shift_row(m, anchor - here)
                f.constraints["resources"].remove(resource)
                f.resummarise()
                return str(resource["name"])
    raise AssertionError("no merging junction in the plan")


def civilian_delay_understated(f: Folder) -> str:
    f.summary["kpis"]["civilian_delay_vh"] = round(f.summary["kpis"]["civilian_delay_vh"] / 2, 2)
    return "civilian delay"


def objective_understated(f: Folder) -> str:
    f.summary["kpis"]["objective"] = round(f.summary["kpis"]["objective"] / 2, 3)
    return "objective"


def bound_above_the_objective(f: Folder) -> str:
    f.summary["kpis"]["bound"] = f.summary["kpis"]["objective"] * 1.5
    return "bound"


def status_optimal_with_a_gap(f: Folder) -> str:
    kpis = f.summary["kpis"]
    kpis["solver_status"] = "OPTIMAL"
    kpis["bound"] = round(kpis["objective"] * 0.8, 3)
    kpis["gap"] = 0.2
    return "OPTIMAL"


def status_infeasible_with_movements(f: Folder) -> str:
    f.summary["kpis"]["solver_status"] = "INFEASIBLE"
    return "INFEASIBLE"


def on_time_share_inflated(f: Folder) -> str:
    f.summary["kpis"]["on_time_share"] = 1.0 if f.summary["kpis"]["on_time_share"] < 1 else 0.5
    return "on-time share"


def lateness_hidden_in_a_row(f: Folder) -> str:
    row = f.of_request("MED")[-1]
    late_by = _t(row["due"]) - _t(row["clear"]) + timedelta(hours=2)
    shift_row(row, timedelta(minutes=15 * (late_by // timedelta(minutes=15))))
    assert row["late_min"] > 0
    row["late_min"] = 0
    f.resummarise()
    f.summary["kpis"]["total_lateness_min"] = sum(m["late_min"] for m in f.table)
    return str(row["movement"])


def due_time_moved_in_a_row(f: Folder) -> str:
    row = f.of_request("MED")[-1]
    row["due"] = (_t(row["due"]) + timedelta(hours=12)).isoformat()
    return str(row["movement"])


def csv_start_edited_in_a_spreadsheet(f: Folder) -> str:
    rows = f.read_csv()
    rows[3]["start"] = (_t(rows[3]["start"]) - timedelta(hours=1)).isoformat()
    f.write_csv(rows)
    return rows[3]["movement"]


def csv_row_deleted(f: Folder) -> str:
    rows = f.read_csv()
    gone = rows.pop(5)
    f.write_csv(rows)
    return gone["movement"]


def csv_vehicles_edited(f: Folder) -> str:
    rows = f.read_csv()
    rows[0]["vehicles"] = "fennek x40"
    f.write_csv(rows)
    return rows[0]["movement"]


def route_with_an_edge_left_out(f: Folder) -> str:
    row = f.table[0]
    del row["edges"][len(row["edges"]) // 2]
    return "does not join"


def route_stopping_short_of_the_destination(f: Folder) -> str:
    row = f.table[0]
    row["edges"] = row["edges"][:-2]
    return "does not end at the destination"


def route_over_an_edge_the_network_lacks(f: Folder) -> str:
    row = f.table[0]
    row["edges"][1] = [row["edges"][1][0], 999_999_999, 0]
    return "not in the road network"


def checkpoint_reached_too_early(f: Folder) -> str:
    row = f.table[0]
    point = row["checkpoints"][-1]
    point["arrive"] = (_t(point["arrive"]) - timedelta(minutes=30)).isoformat()
    return str(point["name"])


def march_unit_duplicated(f: Folder) -> str:
    row = json.loads(json.dumps(f.table[0]))
    row["movement"] = row["movement"][:-3] + "999"
    f.table.append(row)
    f.resummarise()
    return f"{row['request']}/{row['march_unit']}"


def requirements_understated(f: Folder) -> str:
    row = f.passing("Maasbrug Venlo (A67)")[0]
    row["requirements"]["mlc_wheeled"] = 1
    return "mlc_wheeled"


def restricted_elements_emptied(f: Folder) -> str:
    row = f.passing("Vlaketunnel")[0]
    row["restricted_elements"] = []
    return "Vlaketunnel"


def restricted_element_limit_raised(f: Folder) -> str:
    row = f.passing("Maasbrug Venlo (A67)")[0]
    for element in row["restricted_elements"]:
        if element["name"] == "Maasbrug Venlo (A67)":
            element["mlc_wheeled"] = 200.0
    return "Maasbrug Venlo (A67)"


def fake_restricted_element_listed(f: Folder) -> str:
    f.table[0]["restricted_elements"].append({"name": "Fake bridge", "mlc_wheeled": 5})
    return "Fake bridge"


def start_off_the_slot_grid(f: Folder) -> str:
    row = f.table[10]
    shift_row(row, timedelta(minutes=7))
    f.resummarise()
    return str(row["movement"])


def march_unit_moved_to_another_request(f: Folder) -> str:
    row = f.of_request("MED")[0]
    row["request"], row["unit"] = "ENGR", "Engineer Battalion"
    f.resummarise()
    return f"MED/{row['march_unit']}"


def halt_rules_softened_in_inputs(f: Folder) -> str:
    f.inputs["rules"]["halt_rules"]["break_s"] = 300.0
    return "halt rules"


def horizon_edited_in_constraints(f: Folder) -> str:
    f.constraints["end"] = "2026-11-28T00:00:00+01:00"
    return "horizon end"


# --- inputs (refused) ---------------------------------------------------------------------


def scenario_edited(f: Folder) -> str:
    path = f.path / "scenario.yaml"
    path.write_text(path.read_text().replace("2026-11-24T14:00+01:00", "2026-11-24T10:00+01:00"))
    return "scenario.yaml changed"


def scenario_edited_and_digest_updated(f: Folder) -> str:
    path = f.path / "scenario.yaml"
    path.write_text(path.read_text().replace("2026-11-24T14:00+01:00", "2026-11-24T10:00+01:00"))
    f.inputs["scenario"]["sha256"] = digest_bytes(path.read_bytes())
    f.inputs["scenario"]["source_sha256"] = digest_bytes(path.read_bytes())
    f.constraints["requests"]["ARTY"]["release"] = "2026-11-24T10:00:00+01:00"
    row = min(f.of_request("ARTY"), key=lambda m: m["start"])
    shift_row(row, _t("2026-11-24T10:00:00+01:00") - _t(row["start"]))
    row["release"] = "2026-11-24T10:00:00+01:00"
    f.resummarise()
    return "is not the scenario of this plan"


def network_digest_edited(f: Folder) -> str:
    f.inputs["network"]["sha256"] = "0" * 64
    return "network 'embedded atlas' changed"


# --- rail plan (tanks by train, trucks by road) ------------------------------------------


def whole_train_dropped_summary_consistent(f: Folder) -> str:
    f.drop(f.of_request("TANKS", "rail")[0])
    f.resummarise()
    return "TANKS"


def extra_tank_on_a_train(f: Folder) -> str:
    row = f.of_request("TANKS", "rail")[0]
    wagon = row["train"]["consist"]["wagons"][0]
    wagon["vehicles"]["m1a2-sepv3"] += 1
    wagon["vehicle_lengths_m"].append(wagon["vehicle_lengths_m"][0])
    wagon["vehicle_weights_t"].append(wagon["vehicle_weights_t"][0])
    row["vehicles"]["m1a2-sepv3"] += 1
    row["vehicle_count"] += 1
    f.resummarise()
    return "TANKS"


def train_band_falsified(f: Folder) -> str:
    train = f.of_request("TANKS", "rail")[0]["train"]
    train["band"] = "peak" if train["band"] != "peak" else "night"
    return "band"


def two_trains_on_one_path(f: Folder) -> str:
    first, second = f.of_request("TANKS", "rail")[:2]
    for a, b in zip(first["train"]["path"], second["train"]["path"], strict=False):
        b["enter"] = a["enter"]
    return "path:"


def ramps_added_in_constraints(f: Folder) -> str:
    for terminal in f.constraints["rail"]["terminals"].values():
        terminal["ramps"] = 9
    return "terminals"


def train_loading_shortened(f: Folder) -> str:
    train = f.of_request("TANKS", "rail")[0]["train"]
    train["loading_end"] = (_t(train["loading_start"]) + timedelta(minutes=30)).isoformat()
    return "loading"


def electric_train_on_a_line_without_wires(f: Folder) -> str:
    f.of_request("TANKS", "rail")[0]["train"]["path"][0]["electrified"] = False
    return "electric"


def train_declared_a_road_movement(f: Folder) -> str:
    row = f.of_request("TANKS", "rail")[0]
    row["mode"] = "road"
    return str(row["movement"])


def trucks_tripled_count_unchanged(f: Folder) -> str:
    row = f.of_request("TRUCKS")[0]
    row["vehicles"] = {k: 3 * v for k, v in row["vehicles"].items()}
    return str(row["movement"])


def truck_march_unit_dropped_summary_consistent(f: Folder) -> str:
    row = f.of_request("TRUCKS")[0]
    f.drop(row)
    f.resummarise()
    return f"TRUCKS/{row['march_unit']}"


def truck_halt_cut_to_2_min(f: Folder) -> str:
    row = f.of_request("TRUCKS")[0]
    halt = row["halts"][0]
    halt["end"] = (_t(halt["start"]) + timedelta(minutes=2)).isoformat()
    return str(halt["name"])


def road_leg_cut_short(f: Folder) -> str:
    row = f.table[0]
    row["edges"] = row["edges"][:-3]
    return "the road place nearest its loading terminal"


def road_leg_driven_faster(f: Folder) -> str:
    row = f.table[0]
    point = row["checkpoints"][-1]
    point["arrive"] = (_t(point["arrive"]) - timedelta(minutes=40)).isoformat()
    return str(point["name"])


def road_leg_requirements_understated(f: Folder) -> str:
    row = f.table[0]
    row["requirements"]["mlc_wheeled"] = 0
    return "mlc_wheeled"


@dataclass(frozen=True)
class Mutation:
    """One tampering: which plan, how careful, what it does, and the rule that must catch it."""

    plan: str
    kind: str
    change: Callable[[Folder], str]
    rule: str

    @property
    def name(self) -> str:
        return self.change.__name__


MUTATIONS = [
    Mutation("road", "naive", break_cut_to_5_min, "driver_hours"),
    Mutation("road", "consistent", break_cut_to_5_min_and_times_pulled_forward, "driver_hours"),
    Mutation("road", "naive", short_halt_removed, "halts"),
    Mutation("road", "consistent", march_unit_dropped_summary_consistent, "completeness"),
    Mutation("road", "consistent", march_unit_listed_unplannable_without_reason, "completeness"),
    Mutation(
        "road", "consistent", march_unit_listed_unplannable_with_a_plausible_reason, "completeness"
    ),
    Mutation(
        "road", "consistent", march_unit_listed_unplannable_with_a_halt_reason, "completeness"
    ),
    Mutation("road", "naive", vehicles_tripled_count_unchanged, "vehicle_count"),
    Mutation("road", "consistent", vehicles_tripled_count_and_summary_too, "completeness"),
    Mutation(
        "road", "naive", vehicles_swapped_for_ammunition_requirements_unchanged, "restriction"
    ),
    Mutation("road", "consistent", ammunition_rerouted_through_category_c_tunnel, "restriction"),
    Mutation("road", "naive", heavy_vehicle_over_a_weaker_bridge, "restriction"),
    Mutation("road", "consistent", two_columns_on_one_bridge, "capacity"),
    Mutation("road", "consistent", bridge_checkpoint_deleted_to_hide_an_overlap, "checkpoint"),
    Mutation("road", "consistent", next_column_enters_before_the_tail_leaves, "capacity"),
    Mutation("road", "naive", capacity_edited_in_constraints, "constraints"),
    Mutation("road", "naive", release_edited_in_constraints, "constraints"),
    Mutation("road", "consistent", release_edited_and_a_column_started_early, "release"),
    Mutation("road", "naive", port_gate_overuse_hidden_by_understated_vehicle_count, "capacity"),
    Mutation("road", "naive", support_centre_halt_declared_roadside, "halts"),
    Mutation(
        "road", "consistent", three_columns_at_a_junction_dropped_from_constraints, "capacity"
    ),
    Mutation("road", "naive", civilian_delay_understated, "kpi"),
    Mutation("road", "naive", objective_understated, "kpi"),
    Mutation("road", "naive", bound_above_the_objective, "kpi"),
    Mutation("road", "consistent", status_optimal_with_a_gap, "kpi"),
    Mutation("road", "naive", status_infeasible_with_movements, "kpi"),
    Mutation("road", "naive", on_time_share_inflated, "kpi"),
    Mutation("road", "consistent", lateness_hidden_in_a_row, "kpi"),
    Mutation("road", "naive", due_time_moved_in_a_row, "kpi"),
    Mutation("road", "naive", csv_start_edited_in_a_spreadsheet, "csv"),
    Mutation("road", "naive", csv_row_deleted, "csv"),
    Mutation("road", "naive", csv_vehicles_edited, "csv"),
    Mutation("road", "naive", route_with_an_edge_left_out, "route"),
    Mutation("road", "naive", route_stopping_short_of_the_destination, "route"),
    Mutation("road", "naive", route_over_an_edge_the_network_lacks, "route"),
    Mutation("road", "naive", checkpoint_reached_too_early, "timing"),
    Mutation("road", "consistent", march_unit_duplicated, "completeness"),
    Mutation("road", "naive", requirements_understated, "requirements"),
    Mutation("road", "naive", restricted_elements_emptied, "restricted_elements"),
    Mutation("road", "naive", restricted_element_limit_raised, "restricted_elements"),
    Mutation("road", "naive", fake_restricted_element_listed, "restricted_elements"),
    Mutation("road", "consistent", start_off_the_slot_grid, "slot"),
    Mutation("road", "consistent", march_unit_moved_to_another_request, "completeness"),
    Mutation("road", "naive", halt_rules_softened_in_inputs, "driver_hours"),
    Mutation("road", "naive", horizon_edited_in_constraints, "constraints"),
    Mutation("road", "naive", scenario_edited, "refused"),
    Mutation("road", "consistent", scenario_edited_and_digest_updated, "refused"),
    Mutation("road", "naive", network_digest_edited, "refused"),
    Mutation("rail", "consistent", whole_train_dropped_summary_consistent, "completeness"),
    Mutation("rail", "consistent", extra_tank_on_a_train, "completeness"),
    Mutation("rail", "naive", train_band_falsified, "rail"),
    Mutation("rail", "naive", two_trains_on_one_path, "capacity"),
    Mutation("rail", "naive", ramps_added_in_constraints, "constraints"),
    Mutation("rail", "naive", train_loading_shortened, "rail"),
    Mutation("rail", "naive", electric_train_on_a_line_without_wires, "rail"),
    Mutation("rail", "naive", train_declared_a_road_movement, "route"),
    Mutation("rail", "naive", trucks_tripled_count_unchanged, "vehicle_count"),
    Mutation("rail", "consistent", truck_march_unit_dropped_summary_consistent, "completeness"),
    Mutation("rail", "naive", truck_halt_cut_to_2_min, "driver_hours"),
    Mutation("rail-leg", "naive", road_leg_cut_short, "route"),
    Mutation("rail-leg", "naive", road_leg_driven_faster, "timing"),
    Mutation("rail-leg", "naive", road_leg_requirements_understated, "requirements"),
]


def outcome(mutation: Mutation, folder: Path, atlas: mobility.Network) -> tuple[bool, str]:
    """Apply a tampering to ``folder``; return whether it was caught as required, and how."""
    tampered = Folder(folder)
    element = mutation.change(tampered)
    tampered.save(csv_too=not mutation.name.startswith("csv_"))
    scenario = None
    if mutation.name == "scenario_edited_and_digest_updated":
        scenario = folder.parent / "issued.yaml"
    try:
        found: list[Violation] = validate_plan(folder, network=atlas, scenario_file=scenario)
    except DataError as error:
        return mutation.rule == "refused" and element in str(error), f"refused: {error}"
    hits = [
        v
        for v in found
        if v.rule == mutation.rule and (element in v.message or element == v.movement)
    ]
    shown = "; ".join(str(v) for v in found[:6])
    return bool(hits), f"{len(found)} violations, {len(hits)} as required: {shown}"


@pytest.fixture
def copy_of(
    road_plan: Path, rail_plan: Path, rail_leg_plan: Path, tmp_path: Path
) -> Callable[[str], Path]:
    def make(plan: str) -> Path:
        source = {"road": road_plan, "rail": rail_plan, "rail-leg": rail_leg_plan}[plan]
        shutil.copy(source / "scenario.yaml", tmp_path / "issued.yaml")
        return Path(shutil.copytree(source, tmp_path / "plan"))

    return make


def test_the_suite_has_at_least_40_tamperings_road_and_rail_naive_and_consistent() -> None:
    assert len(MUTATIONS) >= 40
    assert {(m.plan, m.kind) for m in MUTATIONS} >= {
        ("road", "naive"),
        ("road", "consistent"),
        ("rail", "naive"),
        ("rail", "consistent"),
    }
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
def test_tampering_is_caught_naming_the_rule_and_the_element(
    mutation: Mutation, copy_of: Callable[[str], Path], atlas: mobility.Network
) -> None:
    caught, how = outcome(mutation, copy_of(mutation.plan), atlas)
    assert caught, how


@pytest.mark.parametrize("plan", ["road", "rail", "rail-leg"])
def test_the_untampered_plans_validate(
    plan: str, copy_of: Callable[[str], Path], atlas: mobility.Network
) -> None:
    folder = copy_of(plan)
    assert validate_plan(folder, network=atlas) == []
    # ... also with the reviewer's own copy of the scenario, and loading the network itself.
    assert validate_plan(folder, scenario_file=folder.parent / "issued.yaml") == []


@pytest.mark.realdata
def test_a_plan_on_a_real_extract_validates(shared_osm: Path, tmp_path: Path) -> None:
    from mobility.planning import write_plan
    from mobility.schedule.cpsat import SolverOptions
    from mobility.schedule.planner import plan_scenario

    real = Path(__file__).parent.parent.parent / "examples" / "real"
    network = mobility.load_network(
        shared_osm / "nl332-the-hague-main-roads.osm", corridor_file=real / "hague-corridors.yaml"
    )
    result = plan_scenario(
        real / "hague-scenario.yaml", network, options=SolverOptions(time_limit_s=2)
    )
    folder = write_plan(result, tmp_path / "plan", maps=False)
    assert result.plan.movements
    assert validate_plan(folder, network=network) == []
    assert validate_plan(folder, scenario_file=real / "hague-scenario.yaml") == []
