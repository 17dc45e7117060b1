from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mobility.cli import main

DATA = Path(__file__).parent / "data"
TINY = [
    "--osm",
    str(DATA / "tiny.osm"),
    "--corridor-file",
    str(DATA / "corridors-tiny.yaml"),
    "--corridor",
    "tiny",
]


def test_network_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", *TINY, "--json"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["corridors"]["tiny"]["bridges"] == ["Testbrug"]
    assert output["report"]["unparsed"] == {"maxspeed": 1}


def test_network_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", *TINY]) == 0
    out = capsys.readouterr().out
    assert "tiny - Corridor around tests/data/tiny.osm" in out
    assert "bridges: 1 (Testbrug)" in out
    assert "unparsed tag values: 1" in out and "'signals'" in out


def test_network_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "export", str(tmp_path / "out"), *TINY]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".mobility-output",
        "network.gpkg",
        "places.geojson",
        "rail.geojson",
        "roads.geojson",
    ]


def test_bad_input_exits_2_with_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "--osm", "/nonexistent.osm.pbf"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["network", *TINY, "--corridor", "souht"]) == 2
    assert "unknown corridor 'souht'" in capsys.readouterr().err


def test_vehicles_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vehicles"]) == 0
    out = capsys.readouterr().out
    assert "leopard-2a7" in out and "ADR 1.1 (tunnel code B1000C)" in out
    assert main(["vehicles", "--json"]) == 0
    vehicles = json.loads(capsys.readouterr().out)
    assert {v["id"] for v in vehicles} >= {"m1a2-sepv3", "fennek", "container-truck"}


ROUTE = ["route", "--from", "Vlissingen", "--to", "Venlo (A67", "--start", "2026-11-24T06:00"]


def test_route_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ROUTE, "--vehicle", "ammunition-truck-1-1", "--count", "30", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert "column: 30 vehicles in 2 march units, 1 serial (open column)" in out
    assert "MSR: " in out and "ASR 1: " in out
    assert "bridge: Vlakebrug (MLC 50" in out and "Vlaketunnel" not in out
    assert "classification 6/X/50/" in out


def test_route_json_and_geojson(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ROUTE, "--vehicle", "fennek", "--format", "json", "-k", "1"]) == 0
    plan = json.loads(capsys.readouterr().out)
    route = plan["routes"][0]
    assert route["designation"] == "MSR" and route["checkpoints"][0]["kind"] == "origin"
    assert route["depart"] == "2026-11-24T06:00+01:00"
    assert route["classification"]["notation"].startswith("7/X/")
    assert main([*ROUTE, "--vehicle", "fennek", "--format", "geojson", "-k", "1"]) == 0
    collection = json.loads(capsys.readouterr().out)
    kinds = {f["geometry"]["type"] for f in collection["features"]}
    assert kinds == {"LineString"}  # one geometry type: checkpoints are a layer of --out
    assert collection["features"][0]["properties"]["depart_utc"] == "2026-11-24T05:00:00Z"


def test_route_out_writes_layers_and_gpx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "route"
    assert main([*ROUTE, "--vehicle", "fennek", "--count", "20", "-k", "2", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        ".mobility-output",
        "asr-1.gpx",
        "checkpoints.geojson",
        "halts.geojson",
        "msr.gpx",
        "routes.geojson",
        "routes.gpkg",
    ]
    # A user's folder is never replaced.
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    assert main([*ROUTE, "--vehicle", "fennek", "--out", str(mine)]) == 2
    assert "not written by mobility" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--vehicle", "M1A2 SEPv3"], "every route crosses Maasbrug Venlo (A67) (MLC 100)"),
        (["--vehicle", "fennek", "--count", "-3"], "--count: expected a whole number from 1"),
        (["--vehicle", "fenek"], "did you mean 'fennek' (Fennek)"),
        (["--vehicle", "fennek", "--start", "tomorrow"], "'tomorrow' is not an ISO 8601"),
    ],
)
def test_route_errors_exit_2(
    capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main([*ROUTE, *extra]) == 2
    assert message in capsys.readouterr().err


def test_user_vehicle_file(capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--vehicles-file", str(DATA / "vehicles-tiny.yaml")]
    assert main(["vehicles", *extra]) == 0
    assert "tall-truck" in capsys.readouterr().out
    # A 4.55 m load cannot use the 4.5 m Vlaketunnel: it takes the Vlakebrug.
    assert main([*ROUTE, "--vehicle", "Tall Truck", "-k", "1", *extra]) == 0
    out = capsys.readouterr().out
    assert "Vlakebrug" in out and "Vlaketunnel" not in out


def test_plan_and_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan"
    scenario = str(DATA / "scenario-tiny.yaml")
    assert main(["plan", scenario, "--out", str(out), "--time-limit", "5"]) == 0
    printed = capsys.readouterr().out
    assert "tiny-south: vehicles planned 52 of 52 (100%) in 3 of 3 march units" in printed
    assert "greedy baseline: on time 100%" in printed and "valid (every constraint" in printed
    assert main(["validate", str(out)]) == 0
    capsys.readouterr()
    table = json.loads((out / "movement_table.json").read_text())
    table[0]["restricted_elements"].append({"name": "Fake bridge", "mlc_wheeled": 5})
    (out / "movement_table.json").write_text(json.dumps(table))
    assert main(["validate", str(out)]) == 1
    err = capsys.readouterr().err
    # Issue #14: the validator derives the limits on the route; the planner's list is checked.
    assert "[restricted_elements]" in err and "Fake bridge: listed but not on the route" in err
    assert main(["plan", str(DATA / "missing.yaml")]) == 2
    assert main(["validate", str(tmp_path / "nothing")]) == 2


def test_bad_scenario_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DATA / "scenario-tiny.yaml").read_text().replace("fennek: 30", "hovercraft: 30")
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(text)
    out = tmp_path / "plan"
    assert main(["plan", str(scenario), "--out", str(out), "--time-limit", "2"]) == 2
    assert "request 'R1' vehicles: unknown vehicle type 'hovercraft'" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == [scenario]


def test_plan_with_a_traffic_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = str(DATA / "scenario-tiny.yaml")
    bad = tmp_path / "bad.csv"
    bad.write_text("road,direction,day_type,hour,veh_h_per_lane\nA16,south,weekday,0,-3\n")
    out = tmp_path / "plan"
    assert main(["plan", scenario, "--traffic", str(bad), "--out", str(out)]) == 2
    assert "bad.csv: line 2: field 'veh_h_per_lane' is -3" in capsys.readouterr().err
    assert not out.exists()
    counts = str(DATA / "traffic" / "counts-tiny.csv")
    assert (
        main(["plan", scenario, "--traffic", counts, "--out", str(out), "--time-limit", "2"]) == 0
    )
    assert "valid (every constraint" in capsys.readouterr().out


def test_plan_with_a_timetable_that_is_not_a_feed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    portal = tmp_path / "timetable.zip"
    portal.write_text("<html>captive portal</html>")
    out = tmp_path / "plan"
    args = ["plan", str(DATA / "scenario-tiny.yaml"), "--timetable", str(portal), "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "timetable.zip: not a GTFS feed (expected a zip file or a folder)" in err
    assert "Traceback" not in err and not out.exists()


def test_a_plan_failing_its_own_check_exits_3_and_is_marked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from mobility.schedule import planner

    real = planner.build_plan  # type: ignore[attr-defined]

    def without_halts(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        for movement in plan.movements:
            movement.data["halts"] = []
        return plan

    monkeypatch.setattr(planner, "build_plan", without_halts)
    out = tmp_path / "plan"
    scenario = str(DATA / "scenario-tiny.yaml")
    assert main(["plan", scenario, "--out", str(out), "--time-limit", "2"]) == 3
    captured = capsys.readouterr()
    assert captured.out.startswith("INVALID: ")
    assert "[driver_hours]" in captured.err and "do not issue it" in captured.err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["valid"] is False and summary["violations"]
    assert (out / "INVALID.txt").read_text().startswith("INVALID PLAN: tiny-south")
    # Planned again as it should be, the folder is replaced and no longer marked.
    monkeypatch.setattr(planner, "build_plan", real)
    assert main(["plan", scenario, "--out", str(out), "--time-limit", "2"]) == 0
    assert not (out / "INVALID.txt").exists()
    assert json.loads((out / "summary.json").read_text())["valid"] is True


@pytest.mark.parametrize("command", ["plan", "stress"])
def test_a_scenario_too_large_to_plan_is_refused_before_the_network_is_loaded(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mobility import settings
    from mobility.cli import _options

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network must not be loaded")

    monkeypatch.setattr(settings, "max_model_columns", 100)
    monkeypatch.setattr(_options, "load_network", no_network)
    out = tmp_path / "out"
    extra = ["-p", str(DATA.parent.parent / "examples" / "perturbations" / "moerdijk-bridges.yaml")]
    argv = [command, str(DATA / "scenario-tiny.yaml"), "--out", str(out)]
    assert main(argv + (extra if command == "stress" else [])) == 2
    err = capsys.readouterr().err
    assert "scenario 'tiny-south' is too large to plan" in err
    assert "about 486 model columns; at most 100 (MOBILITY_MAX_MODEL_COLUMNS)" in err
    assert "Traceback" not in err and not out.exists()
