"""Compiling hand-written atlas sources into OSM XML: ways, structures, problems, the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mobility.errors import DataError
from mobility.network._read_xml import read_osm_xml
from mobility.network.atlas_compile import compile_atlas, main

ROADS: dict[str, Any] = {
    "points": {
        "a": {"lon": 5.0, "lat": 52.0, "name": "Knooppunt A", "source": "test"},
        "b": {"lon": 5.02, "lat": 52.0},
        "c": {"lon": 5.04, "lat": 52.0},
        "rest": {"lon": 5.03, "lat": 52.001, "tags": {"highway": "services"}, "assumption": "x"},
    },
    "roads": [
        {
            "id": "A1",
            "tags": {"highway": "motorway", "ref": "A1", "oneway": False},
            "source": "test",
            "path": ["a", [5.01, 52.0], "b", "c"],
        }
    ],
    "structures": [
        {
            "id": "brug",
            "road": "A1",
            "from": "b",
            "to": "c",
            "tags": {"bridge": "yes", "name": "Testbrug"},
            "source": "test",
            "valid_from": "2020-01-01",
        }
    ],
}
RAIL: dict[str, Any] = {
    "points": {"x": {"lon": 5.0, "lat": 52.1}, "y": {"lon": 5.05, "lat": 52.1}},
    "lines": [{"id": "L", "tags": {"railway": "rail"}, "source": "test", "path": ["x", "y"]}],
}


def _sources(folder: Path, roads: dict[str, Any] = ROADS, rail: dict[str, Any] = RAIL) -> Path:
    (folder / "roads.yaml").write_text(yaml.safe_dump(roads), encoding="utf-8")
    (folder / "rail.yaml").write_text(yaml.safe_dump(rail), encoding="utf-8")
    return folder


def test_sources_compile_into_ways_cut_at_structures(tmp_path: Path) -> None:
    xml, problems = compile_atlas(_sources(tmp_path))
    assert problems == []
    (tmp_path / "atlas.osm").write_text(xml, encoding="utf-8")
    ways = read_osm_xml(tmp_path / "atlas.osm")
    assert ways.modes == ["road", "road", "rail"]
    before, bridge, _ = ways.way_tags
    assert "bridge" not in before and before["oneway"] == "false"  # booleans as OSM text
    assert bridge["name"] == "Testbrug" and bridge["ref"] == "A1"
    refs = [ways.refs[ways.offsets[i] : ways.offsets[i + 1]].tolist() for i in range(3)]
    assert len(refs[0]) == 3 and len(refs[1]) == 2 and refs[0][-1] == refs[1][0]
    assert "mobility:valid_from" in xml and "2020-01-01" in xml
    (site,) = ways.halt_sites  # a services point says where its fact comes from
    assert site.source == "assumed: x"


def test_ids_are_deterministic(tmp_path: Path) -> None:
    assert compile_atlas(_sources(tmp_path))[0] == compile_atlas(tmp_path)[0]


def test_problems_are_listed(tmp_path: Path) -> None:
    roads = yaml.safe_load(yaml.safe_dump(ROADS))
    roads["roads"] += [
        {"id": "A2", "tags": {"highway": "primary"}, "path": ["a", "zz", "c"]},
        {"id": "far", "tags": {}, "source": "t", "path": [[6.0, 53], [6.01, 53]]},
        {"id": "far", "tags": {}, "source": "t", "path": [[6.0, 53], [6.1, 53]]},  # wins
    ]
    roads["structures"] += [
        {"id": "s", "road": "A1", "from": "a", "to": "c", "source": "t"},
        {"id": "t", "road": "nowhere", "from": "a", "to": "b"},
    ]
    roads["structures"][0]["valid_to"] = "soon"
    _, problems = compile_atlas(_sources(tmp_path, roads=roads))
    text = "\n".join(problems)
    assert "roads[3]: duplicate id 'far'" in text
    assert "A2: unknown point 'zz'" in text
    assert "roads[1] (A2): needs 'source' or 'assumption'" in text
    assert "(s): 'a' -> 'c' is not one adjacent pair of road 'A1''s path" in text
    assert "(t): unknown road 'nowhere'" in text
    assert "(brug): valid_to 'soon' is not an ISO date" in text
    assert "far: points (6.0, 53.0) and (6.1, 53.0) are 6.7 km apart (max 5 km)" in text
    assert "roads: network has 2 separate parts; the smaller ones contain" in text
    assert len(problems) == 8


def test_missing_source_and_bad_input(tmp_path: Path) -> None:
    (tmp_path / "roads.yaml").write_text(yaml.safe_dump(ROADS), encoding="utf-8")
    assert any("rail.yaml: missing" in p for p in compile_atlas(tmp_path)[1])
    (tmp_path / "rail.yaml").write_text("points: [", encoding="utf-8")
    with pytest.raises(DataError, match=r"rail\.yaml.*not valid YAML"):
        compile_atlas(tmp_path)
    (tmp_path / "rail.yaml").write_text("points: [1, 2]", encoding="utf-8")
    with pytest.raises(DataError, match="'points' must be a mapping"):
        compile_atlas(tmp_path)
    (tmp_path / "rail.yaml").write_text("lines: [{id: L, path: [x]}]", encoding="utf-8")
    with pytest.raises(DataError, match=r"lines\[0\] \(L\): path needs at least two points"):
        compile_atlas(tmp_path)


def test_main_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source, out = _sources(tmp_path), tmp_path / "out.osm"
    args = ["--source", str(source), "--out", str(out)]
    assert main([*args, "--check"]) == 1  # not written yet
    assert "not up to date" in capsys.readouterr().err
    assert main(args) == 0 and out.is_file()
    assert main([*args, "--check"]) == 0
    _sources(tmp_path, rail={"lines": [{"id": "L", "tags": {}, "path": ["x", "y"]}]})
    before = out.read_text(encoding="utf-8")
    assert main(args) == 1
    assert "not written" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == before
