"""``mobility network`` (and ``export``) and ``mobility vehicles``: dispatch and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobility.cli import _network, build_parser
from mobility.model.vehicle import load_vehicles
from mobility.model.vehicle_text import HEADER

DATA = Path(__file__).parent.parent / "data"
TINY = [
    "--osm",
    str(DATA / "tiny.osm"),
    "--corridor-file",
    str(DATA / "corridors-tiny.yaml"),
    "--corridor",
    "tiny",
    "--no-cache",
]


def test_network_and_its_export_run_their_own_function() -> None:
    parser = build_parser()
    assert parser.parse_args(["network"]).func is _network.run_network
    # The subcommand's function wins over the command's.
    assert parser.parse_args(["network", "export", "out"]).func is _network.run_export
    assert parser.parse_args(["network", "export", "out", "-q"]).quiet is True


def test_the_summary_has_its_headings_around_the_corridor_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _network.run_network(build_parser().parse_args(["network", *TINY])) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Corridor network (") and lines[0].endswith("tiny.osm)")
    assert lines[1].startswith("tiny - ") and lines[4] == "  bridges: 1 (Testbrug)"
    assert lines[7] == "Load report"
    assert all(line.startswith("  ") for line in lines[8:]) and len(lines) > 8


def test_the_export_writes_the_four_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    args = build_parser().parse_args(["network", "export", str(out), *TINY])
    assert _network.run_export(args) == 0
    written = capsys.readouterr().out.splitlines()
    names = [line.rsplit("/", 1)[1] for line in written]
    assert names == ["roads.geojson", "rail.geojson", "places.geojson", "network.gpkg"]
    assert all((out / name).is_file() for name in names)


def test_vehicles_as_a_table_or_json(capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--vehicles-file", str(DATA / "vehicles-tiny.yaml")]
    count = len(load_vehicles(DATA / "vehicles-tiny.yaml"))
    args = build_parser().parse_args(["vehicles", *extra])
    assert args.func is _network.run_vehicles and _network.run_vehicles(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"Vehicle catalogue: {count} types", HEADER]
    assert len(lines) == count + 2
    assert _network.run_vehicles(build_parser().parse_args(["vehicles", *extra, "--json"])) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == count and records[-1]["id"] == lines[-1].split()[0]
