from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import numpy as np
import pytest

from mobility.errors import DataError
from mobility.network._read_xml import read_osm_xml

DATA = Path(__file__).parent.parent / "data"


def test_reads_kept_ways_and_their_nodes() -> None:
    ways = read_osm_xml(DATA / "tiny.osm")
    assert ways.ways_read == 5
    assert ways.way_ids.tolist() == [100, 101, 102, 200]  # the footway is filtered out
    assert ways.modes == ["road", "road", "road", "rail"]
    assert 20 not in ways.node_ids.tolist()  # nodes of dropped ways are not kept
    assert np.all(np.diff(ways.node_ids) > 0)
    assert ways.node_tags[2]["name"] == "Knooppunt Test & <Co>"
    assert ways.way_tags[2]["maxweight"] == "30"


@pytest.mark.parametrize("opener", [bz2.open, gzip.open])
def test_reads_compressed(tmp_path: Path, opener: object) -> None:
    suffix = ".osm.bz2" if opener is bz2.open else ".osm.gz"
    target = tmp_path / f"tiny{suffix}"
    with opener(target, "wb") as handle:  # type: ignore[operator]
        handle.write((DATA / "tiny.osm").read_bytes())
    assert read_osm_xml(target).way_ids.tolist() == [100, 101, 102, 200]


def test_truncated_gzip_is_a_data_error(tmp_path: Path) -> None:
    target = tmp_path / "cut.osm.gz"
    target.write_bytes(gzip.compress((DATA / "tiny.osm").read_bytes())[:200])
    with pytest.raises(DataError, match=r"cut\.osm\.gz"):
        read_osm_xml(target)


def test_malformed_xml_names_file_and_position(tmp_path: Path) -> None:
    target = tmp_path / "bad.osm"
    target.write_text("<osm><node id='1' lat='1' lon='1'></osm>")
    with pytest.raises(DataError, match=r"bad\.osm.*not well-formed.*line 1"):
        read_osm_xml(target)


def test_entity_expansion_is_refused_without_expanding(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    target = tmp_path / "bomb.osm"
    target.write_text(
        f'<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY lol0 "lol">{lol}]>'
        '<osm><node id="1" lat="1" lon="1"><tag k="name" v="&lol9;"/></node></osm>'
    )
    with pytest.raises(DataError, match="entities"):
        read_osm_xml(target)


def test_external_entity_cannot_read_local_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    target = tmp_path / "xxe.osm"
    target.write_text(
        f'<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<osm><node id="1" lat="1" lon="1"><tag k="name" v="&xxe;"/></node></osm>'
    )
    with pytest.raises(DataError, match="entities") as caught:
        read_osm_xml(target)
    assert "TOP SECRET" not in str(caught.value)


def test_empty_file_and_wrong_root(tmp_path: Path) -> None:
    empty = tmp_path / "empty.osm"
    empty.write_text("")
    with pytest.raises(DataError, match=r"empty\.osm"):
        read_osm_xml(empty)
    html = tmp_path / "page.osm"
    html.write_text("<html><body/></html>")
    with pytest.raises(DataError, match="<osm> root"):
        read_osm_xml(html)


def test_missing_file() -> None:
    with pytest.raises(DataError, match="does not exist"):
        read_osm_xml("/nonexistent/file.osm")


@pytest.mark.realdata
def test_real_hague_extract(shared_osm: Path) -> None:
    ways = read_osm_xml(shared_osm / "nl332-the-hague-main-roads.osm")
    assert ways.ways_read == 3603
    assert ways.n_ways == 3603  # filtered to main roads already
    assert len(ways.node_ids) == 12992
    assert ways.halt_sites == []  # osmfilter kept only main roads: no rest or service area


def write_sites_osm(folder: Path) -> Path:
    """A services node, a rest-area outline (about 140 m x 111 m), an HGV car park and a
    car park without HGV: the last is no halt site (#18)."""
    square = "".join(f"<nd ref='{n}'/>" for n in (11, 12, 13, 14, 11))
    target = folder / "sites.osm"
    target.write_text(
        "<osm version='0.6'>"
        "<node id='1' lon='5.0' lat='52.0'/><node id='2' lon='5.1' lat='52.0'/>"
        "<node id='3' lon='5.05' lat='52.001'><tag k='highway' v='services'/>"
        "<tag k='name' v='De Kempen'/><tag k='capacity:hgv' v='45'/></node>"
        "<node id='11' lon='5.0' lat='52.01'/><node id='12' lon='5.002' lat='52.01'/>"
        "<node id='13' lon='5.002' lat='52.011'/><node id='14' lon='5.0' lat='52.011'/>"
        "<node id='21' lon='5.06' lat='52.0'><tag k='amenity' v='parking'/>"
        "<tag k='hgv' v='designated'/></node>"
        "<node id='22' lon='5.07' lat='52.0'><tag k='amenity' v='parking'/></node>"
        "<way id='100'><nd ref='1'/><nd ref='2'/><tag k='highway' v='motorway'/></way>"
        f"<way id='200'>{square}<tag k='highway' v='rest_area'/></way>"
        "</osm>"
    )
    return target


def test_rest_areas_services_and_truck_parks_are_read_as_halt_sites(tmp_path: Path) -> None:
    target = write_sites_osm(tmp_path)
    sites = {s.id: s for s in read_osm_xml(target).halt_sites}
    assert set(sites) == {"osm_node_3", "osm_node_21", "osm_way_200"}
    services = sites["osm_node_3"]
    assert (services.kind, services.name, services.vehicles) == ("services", "De Kempen", 45)
    rest = sites["osm_way_200"]
    assert rest.kind == "rest_area" and rest.vehicles is None
    assert rest.area_m2 == pytest.approx(137 * 111.3, rel=0.02)
    assert sites["osm_node_21"].kind == "truck_parking"
