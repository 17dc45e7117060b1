from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobility import load_network
from mobility.network.export import export_network

DATA = Path(__file__).parent.parent / "data"


def test_export_contract(tmp_path: Path, tiny_corridors: Path) -> None:
    network = load_network(DATA / "tiny.osm", corridor_file=tiny_corridors, corridors=["tiny"])
    paths = export_network(network, tmp_path / "out")
    assert [p.name for p in paths] == ["roads.geojson", "rail.geojson", "places.geojson"]
    roads = json.loads((tmp_path / "out" / "roads.geojson").read_text())
    bridge = next(f for f in roads["features"] if f["properties"].get("bridge"))
    props = bridge["properties"]
    assert props["name"] == "Testbrug" and props["maxweight_t"] == 30 and props["mlc_tracked"] == 40
    assert (
        props["length_m"] > 0 and props["highway"] == "primary" and props["corridors"] == ["tiny"]
    )
    assert {"u", "v", "key", "oneway", "osmid"} <= set(props)
    assert bridge["geometry"]["type"] == "LineString"
    lon, lat = bridge["geometry"]["coordinates"][0]
    assert 3.9 < lon < 4.1 and 51.9 < lat < 52.1  # WGS84
    rail = json.loads((tmp_path / "out" / "rail.geojson").read_text())
    assert all(f["properties"]["railway"] == "rail" for f in rail["features"])
    places = json.loads((tmp_path / "out" / "places.geojson").read_text())
    kinds = {f["properties"]["name"]: f["properties"]["kind"] for f in places["features"]}
    assert kinds == {
        "Tiny border <crossing>": "bcp",
        "Tiny ramp": "rail_terminal",
        "Knooppunt Test & <Co>": "junction",
        "Teststation": "station",
    }
    assert all(f["properties"]["corridor"] == "tiny" for f in places["features"])


def test_infinite_speed_exported_as_null(tmp_path: Path, tiny_corridors: Path) -> None:
    source = tmp_path / "nolimit.osm"
    source.write_text((DATA / "tiny.osm").read_text().replace('v="100;80"', 'v="none"'))
    network = load_network(source, corridor_file=tiny_corridors, corridors=["tiny"])
    export_network(network, tmp_path / "out")
    roads = json.loads((tmp_path / "out" / "roads.geojson").read_text())
    motorway = next(f for f in roads["features"] if f["properties"].get("ref") == "A99")
    assert motorway["properties"]["maxspeed_kph"] is None


def test_failed_export_leaves_nothing(
    tmp_path: Path, tiny_corridors: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    network = load_network(DATA / "tiny.osm", corridor_file=tiny_corridors, corridors=["tiny"])
    out = tmp_path / "out"
    export_network(network, out)
    before = {p.name: p.read_text() for p in out.iterdir()}
    network.rail.edges[10, 11, 0]["bad"] = object()  # not JSON serialisable
    with pytest.raises(TypeError):
        export_network(network, out)
    assert {
        p.name: p.read_text() for p in out.iterdir()
    } == before  # old files intact, no temp files
