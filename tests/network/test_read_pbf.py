from __future__ import annotations

from pathlib import Path

import osmium
import pytest

from mobility.errors import DataError
from mobility.network._read_pbf import read_osm_pbf, way_tags
from mobility.network._read_xml import read_osm_xml
from mobility.network._tags import WAY_KEYS
from tests.network.test_read_xml import write_sites_osm

DATA = Path(__file__).parent.parent / "data"


def to_pbf(source: Path, target: Path) -> Path:
    with osmium.SimpleWriter(str(target)) as writer:
        for obj in osmium.FileProcessor(str(source)):
            writer.add(obj)
    return target


def test_pbf_matches_xml(tmp_path: Path) -> None:
    pbf = read_osm_pbf(to_pbf(DATA / "tiny.osm", tmp_path / "tiny.osm.pbf"))
    xml = read_osm_xml(DATA / "tiny.osm")
    assert pbf.way_ids.tolist() == xml.way_ids.tolist()
    assert pbf.refs.tolist() == xml.refs.tolist()
    assert pbf.node_ids.tolist() == xml.node_ids.tolist()
    assert pbf.node_lon == pytest.approx(xml.node_lon)
    assert pbf.way_tags == xml.way_tags
    assert pbf.node_tags == xml.node_tags


def test_halt_sites_match_xml(tmp_path: Path) -> None:
    # Site nodes come from the first pass, the outline's nodes from the second (#13, #18).
    xml = write_sites_osm(tmp_path)
    ways = read_osm_pbf(to_pbf(xml, tmp_path / "sites.osm.pbf"))
    assert ways.halt_sites == read_osm_xml(xml).halt_sites
    assert {s.id for s in ways.halt_sites} == {"osm_node_3", "osm_node_21", "osm_way_200"}
    # Nodes only of the rest area's outline are not kept as network nodes.
    assert ways.node_ids.tolist() == [1, 2]


WAYS_WITH_TAGS = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <way id="1"><nd ref="1"/><nd ref="2"/>
  <tag k="ref" v="A2"/><tag k="maxspeed" v="100"/><tag k="highway" v="motorway"/></way>
 <way id="2"><nd ref="1"/><nd ref="2"/>
  <tag k="highway" v="primary"/><tag k="layer" v="1"/><tag k="bridge" v="yes"/>
  <tag k="name" v="Brug"/><tag k="maxweight" v="30"/></way>
 <way id="3"><nd ref="1"/><nd ref="2"/>
  <tag k="highway" v="secondary"/><tag k="surface" v="asphalt"/><tag k="lanes" v="2"/></way>
 <way id="4"><nd ref="1"/><nd ref="2"/>
  <tag k="railway" v="rail"/><tag k="electrified" v="contact_line"/><tag k="usage" v="main"/></way>
 <way id="5"><nd ref="1"/><nd ref="2"/><tag k="surface" v="asphalt"/></way>
</osm>
"""


def test_way_tags_are_the_wanted_keys_in_sorted_order(tmp_path: Path) -> None:
    # Common keys are looked up first (#13, speed only): the result is still every
    # wanted key the way has, in sorted order, whatever other tags it carries.
    source = tmp_path / "ways.osm"
    source.write_text(WAYS_WITH_TAGS)
    found = {}
    for way in osmium.FileProcessor(str(source), osmium.osm.WAY):
        everything = {tag.k: tag.v for tag in way.tags}
        expected = {key: everything[key] for key in sorted(WAY_KEYS) if key in everything}
        tags = way_tags(way.tags)
        assert list(tags.items()) == list(expected.items())
        found[way.id] = list(tags)
    assert found == {
        1: ["highway", "maxspeed", "ref"],
        2: ["bridge", "highway", "layer", "maxweight", "name"],
        3: ["highway", "lanes"],
        4: ["electrified", "railway", "usage"],
        5: [],
    }


def test_truncated_pbf_is_a_data_error(tmp_path: Path) -> None:
    whole = to_pbf(DATA / "tiny.osm", tmp_path / "tiny.osm.pbf").read_bytes()
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataError, match=r"cut\.osm\.pbf.*truncated"):
        read_osm_pbf(cut)


def test_not_a_pbf(tmp_path: Path) -> None:
    fake = tmp_path / "fake.osm.pbf"
    fake.write_bytes(b"this is not a protocol buffer" * 10)
    with pytest.raises(DataError, match=r"fake\.osm\.pbf"):
        read_osm_pbf(fake)


@pytest.mark.realdata
def test_real_amsterdam_pbf(shared_osm: Path) -> None:
    ways = read_osm_pbf(shared_osm / "amsterdam-east.osm.pbf")
    assert ways.n_ways > 0
    assert set(ways.modes) <= {"road", "rail"}
    # Every kept reference has a location: the second pass found all needed nodes.
    assert set(ways.refs.tolist()) <= set(ways.node_ids.tolist())
    assert ways.halt_sites == []  # its only amenity nodes are two recycling points
