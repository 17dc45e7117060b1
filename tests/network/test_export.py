from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest

from mobility import load_network
from mobility.network.export import (
    PLACE_FIELDS,
    RAIL_FIELDS,
    ROAD_FIELDS,
    export_network,
)

DATA = Path(__file__).parent.parent / "data"


def test_export_contract(tmp_path: Path, tiny_corridors: Path) -> None:
    network = load_network(DATA / "tiny.osm", corridor_file=tiny_corridors, corridors=["tiny"])
    paths = export_network(network, tmp_path / "out")
    assert [p.name for p in paths] == [
        "roads.geojson",
        "rail.geojson",
        "places.geojson",
        "network.gpkg",
    ]
    roads = json.loads((tmp_path / "out" / "roads.geojson").read_text())
    bridge = next(f for f in roads["features"] if f["properties"].get("bridge"))
    props = bridge["properties"]
    assert props["name"] == "Testbrug" and props["maxweight_t"] == 30 and props["mlc_tracked"] == 40
    assert props["length_m"] > 0 and props["highway"] == "primary" and props["corridors"] == "tiny"
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
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(layers: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr("mobility.network.export.geopackage_bytes", fail)  # the last file
    with pytest.raises(OSError, match="disk full"):
        export_network(network, out)
    assert {
        p.name: p.read_bytes() for p in out.iterdir()
    } == before  # old files intact, no temp files


OGR_TYPES = {"int": "OFTInteger64", "float": "OFTReal", "bool": "OFTInteger", "str": "OFTString"}


def test_every_feature_has_every_field(tmp_path: Path, tiny_corridors: Path) -> None:
    network = load_network(DATA / "tiny.osm", corridor_file=tiny_corridors, corridors=["tiny"])
    export_network(network, tmp_path / "out")
    for name, fields in (("roads", ROAD_FIELDS), ("rail", RAIL_FIELDS), ("places", PLACE_FIELDS)):
        features = json.loads((tmp_path / "out" / f"{name}.geojson").read_text())["features"]
        assert features
        for feature in features:
            assert list(feature["properties"])[: len(fields)] == list(fields)
            for value in feature["properties"].values():
                assert not isinstance(value, (list, dict))  # Shapefile-safe
    roads = json.loads((tmp_path / "out" / "roads.geojson").read_text())["features"]
    for promised in ("maxaxleload_t", "maxwidth_m", "hazmat"):
        assert all(promised in f["properties"] for f in roads)


def test_exports_read_back_in_gdal_with_their_types(tmp_path: Path) -> None:
    """The embedded atlas: GeoPackage layers typed as declared; GeoJSON converts to Shapefile."""
    network = load_network()
    out = tmp_path / "out"
    export_network(network, out)
    gpkg = out / "network.gpkg"
    assert [list(row) for row in pyogrio.list_layers(gpkg)] == [
        ["roads", "LineString"],
        ["rail", "LineString"],
        ["places", "Point"],
    ]
    counts = {"roads": network.road.number_of_edges(), "rail": network.rail.number_of_edges()}
    counts["places"] = len(network.places)
    for layer, fields in (("roads", ROAD_FIELDS), ("rail", RAIL_FIELDS), ("places", PLACE_FIELDS)):
        info = pyogrio.read_info(gpkg, layer=layer)
        assert info["features"] == counts[layer] and info["crs"] == "EPSG:4326"
        declared = {name: OGR_TYPES[kind] for name, kind in fields.items()}
        assert dict(zip(info["fields"], info["ogr_types"], strict=True)) == declared
        geojson = pyogrio.read_info(out / f"{layer}.geojson")
        assert geojson["features"] == counts[layer] and set(geojson["fields"]) == set(fields)
    roads = pyogrio.read_dataframe(gpkg, layer="roads")
    bridges = roads[roads["bridge"] == 1]
    assert len(bridges) and bridges["mlc_tracked"].notna().all()
    assert set(roads["corridors"].dropna()) <= {"north", "central", "south", "north;central",
                                       "central;south", "north;south"}  # fmt: skip
    # GeoJSON to Shapefile, the conversion that a list field broke.
    shapefile = tmp_path / "roads.shp"
    with pytest.warns(RuntimeWarning, match="Normalized/laundered field name"):
        pyogrio.write_dataframe(pyogrio.read_dataframe(out / "roads.geojson"), shapefile)
    back = pyogrio.read_dataframe(shapefile)
    assert len(back) == counts["roads"]
    assert set(back["corridors"].dropna()) == set(roads["corridors"].dropna())
