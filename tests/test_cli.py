from __future__ import annotations

import json
from pathlib import Path

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
        "places.geojson",
        "rail.geojson",
        "roads.geojson",
    ]


def test_bad_input_exits_2_with_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "--osm", "/nonexistent.osm.pbf"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["network", *TINY, "--corridor", "souht"]) == 2
    assert "unknown corridor 'souht'" in capsys.readouterr().err
