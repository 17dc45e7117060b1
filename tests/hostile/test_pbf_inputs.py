"""Hostile OSM PBF extracts (issue 19): frames beyond the format's limits, ids, bombs, damage.

A valid PBF of the tiny fixture is written with pyosmium; the hostile ones
are made from it, either by writing other objects (ids, tags, relations) or
by appending hand-made frames (a 4-byte length, a BlobHeader and a Blob
encoded field by field). Each must be refused naming the file, before
anything large is allocated.
"""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import osmium
import pytest

from mobility import settings
from tests.hostile.conftest import DATA, Outcome, snapshot

CORRIDORS = ["--corridor-file", str(DATA / "corridors-tiny.yaml"), "--corridor", "tiny"]


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, value: int | bytes) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _frame(kind: bytes, blob: bytes, datasize: int | None = None) -> bytes:
    header = _field(1, kind) + _field(3, len(blob) if datasize is None else datasize)
    return struct.pack(">I", len(header)) + header + blob


def _write(path: Path, *, refs: dict[int, int] | None = None, relation_members: int = 0) -> bytes:
    """The tiny fixture as PBF, a way's refs replaced, a relation added."""
    writer = osmium.SimpleWriter(str(path))
    first_way = True
    for item in osmium.FileProcessor(str(DATA / "tiny.osm")):
        if isinstance(item, osmium.osm.Way) and first_way:
            first_way = False
            nodes = [(refs or {}).get(n.ref, n.ref) for n in item.nodes]
            writer.add_way(item.replace(nodes=nodes))
        else:
            writer.add(item)
    if relation_members:
        members = [("w", 100 + i % 2, "from") for i in range(relation_members)]
        writer.add_relation(
            osmium.osm.mutable.Relation(
                id=900, members=members, tags={"type": "restriction", "restriction": "no_u_turn"}
            )
        )
    writer.close()
    return path.read_bytes()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _write(tmp_path_factory.mktemp("pbf") / "base.osm.pbf")


def _first_node() -> int:
    for way in osmium.FileProcessor(str(DATA / "tiny.osm"), osmium.osm.WAY):
        assert isinstance(way, osmium.osm.Way)
        return int(way.nodes[0].ref)
    raise AssertionError("the fixture has no way")


def _header_frame(pbf: bytes) -> bytes:
    """The OSMHeader frame of a PBF (its first frame)."""
    (length,) = struct.unpack(">I", pbf[:4])
    header = pbf[4 : 4 + length]
    datasize = header[header.index(b"\x18") + 1 :]  # field 3, a varint (the last field)
    size = shift = 0
    for byte in datasize:
        size |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    return pbf[: 4 + length + size]


def _garbage_block() -> bytes:
    return _field(2, 1000) + _field(3, zlib.compress(b"\0" * 1000))


#: Frames appended to the OSMHeader frame, and a fragment the error must hold.
FRAMES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "header-length-2GB": (lambda h: h + struct.pack(">I", 2**31 - 1) + b"x" * 100, "65,536"),
    "header-length-70KB": (lambda h: h + struct.pack(">I", 70_000) + b"x" * 70_000, "65,536"),
    "header-length-4GB": (lambda h: h + b"\xff\xff\xff\xff" + b"x" * 100, "65,536"),
    "blob-size-2GB": (
        lambda h: h + _frame(b"OSMData", b"x" * 100, datasize=2**31 - 1),
        "2,147,483,647-byte blob",
    ),
    "blob-size-40MB": (
        lambda h: h + _frame(b"OSMData", b"x" * 100, datasize=40_000_000),
        "40,000,000-byte blob",
    ),
    "inflates-to-2GB": (
        lambda h: h + _frame(b"OSMData", _field(2, 2**31 - 1) + _field(3, zlib.compress(b"\0"))),
        "claims to inflate to 2,147,483,647 bytes",
    ),
    "inflates-to-40MB": (
        lambda h: h + _frame(b"OSMData", _field(2, 40_000_000) + _field(3, zlib.compress(b"\0"))),
        "claims to inflate to 40,000,000 bytes",
    ),
    "zlib-bomb-beyond-its-size": (
        lambda h: (
            h
            + _frame(b"OSMData", _field(2, 1000) + _field(3, zlib.compress(b"\0" * 30_000_000, 9)))
        ),
        "cannot be read",
    ),
    "zlib-of-garbage": (lambda h: h + _frame(b"OSMData", _garbage_block()), "cannot be read"),
    "raw-garbage": (lambda h: h + _frame(b"OSMData", _field(1, b"\xff" * 5000)), "cannot be read"),
    "unknown-blob-type": (lambda h: h + _frame(b"Bogus", _field(1, b"abc")), "expected type"),
    "data-before-the-header": (
        lambda h: _frame(b"OSMData", _garbage_block()) + h,
        "expected 'OSMHeader'",
    ),
    "zero-padding": (lambda h: h + b"\0" * 64, "lacks the blob type"),
    "header-varint-too-long": (
        lambda h: h + struct.pack(">I", 12) + b"\x18" + b"\xff" * 11,
        "varint longer than 10 bytes",
    ),
    "header-field-past-its-end": (
        lambda h: h + struct.pack(">I", 4) + b"\x0a\x7f\x00\x00" + b"x" * 200,
        "runs past its message",
    ),
    "cut-in-a-length": (lambda h: h + b"\x00\x00", "truncated"),
    "cut-in-a-blob": (lambda h: h + _frame(b"OSMData", _garbage_block())[:-5], "truncated"),
}


@pytest.mark.parametrize("case", sorted(FRAMES))
def test_hostile_frames(
    cli: Callable[..., Outcome], tmp_path: Path, base: bytes, case: str
) -> None:
    make, fragment = FRAMES[case]
    path = tmp_path / "a.osm.pbf"
    path.write_bytes(make(_header_frame(base)))
    before = snapshot(tmp_path)
    outcome = cli("network", "--osm", str(path), "--no-cache", *CORRIDORS)
    outcome.assert_clear_error("a.osm.pbf", fragment)
    assert len(outcome.err) < 5000
    assert snapshot(tmp_path) == before


def test_the_base_pbf_loads(cli: Callable[..., Outcome], tmp_path: Path, base: bytes) -> None:
    path = tmp_path / "a.osm.pbf"
    path.write_bytes(base)
    assert cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).code == 0


def test_a_cut_short_extract_is_not_half_loaded(
    cli: Callable[..., Outcome], tmp_path: Path, base: bytes
) -> None:
    """A download cut inside the last frame's length loaded silently before the frame check."""
    path = tmp_path / "a.osm.pbf"
    path.write_bytes(base + b"\x00\x00\x01")
    cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).assert_clear_error("truncated")


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        (2**62, "at most 35,184,372,088,832"),
        (2**63 - 1, "at most 35,184,372,088,832"),
        (-5, "expected positive OSM ids"),
    ],
)
def test_node_ids_the_bitmap_cannot_hold(
    cli: Callable[..., Outcome], tmp_path: Path, ref: int, fragment: str
) -> None:
    """A way referring to node 2^62 made the id bitmap of the second pass ask for exabytes."""
    path = tmp_path / "a.osm.pbf"
    _write(path, refs={_first_node(): ref})
    cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).assert_clear_error(
        "a.osm.pbf", "way 100", str(ref), fragment
    )


def test_a_high_node_id_is_refused_before_allocating(
    run_cli: Callable[..., Outcome], tmp_path: Path
) -> None:
    """Node 2^55 asked for gigabytes of bitmap (std::bad_alloc under a 4 GB limit)."""
    path = tmp_path / "a.osm.pbf"
    _write(path, refs={_first_node(): 2**55})
    started = time.perf_counter()
    run_cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).assert_clear_error(
        "refers to node 36028797018963968"
    )
    assert time.perf_counter() - started < 30


def _read_varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _message(data: bytes) -> list[tuple[int, int | bytes]]:
    """The fields of a protobuf message of varints and length-delimited fields."""
    fields: list[tuple[int, int | bytes]] = []
    at = 0
    while at < len(data):
        key, at = _read_varint(data, at)
        if key & 7 == 0:
            value, at = _read_varint(data, at)
            fields.append((key >> 3, value))
        else:
            length, at = _read_varint(data, at)
            fields.append((key >> 3, data[at : at + length]))
            at += length
    return fields


def _replace_string(pbf: bytes, old: bytes, new: bytes) -> bytes:
    """Re-encode a PBF with one string of its blocks' string tables replaced."""
    out = bytearray()
    at = 0
    while at < len(pbf):
        (length,) = struct.unpack(">I", pbf[at : at + 4])
        header = dict(_message(pbf[at + 4 : at + 4 + length]))
        size = header[3]
        assert isinstance(size, int)
        blob = dict(_message(pbf[at + 4 + length : at + 4 + length + size]))
        compressed = blob[3]
        assert isinstance(compressed, bytes)
        data = zlib.decompress(compressed)
        if header[1] == b"OSMData":
            block = b""
            for number, value in _message(data):
                if number == 1:  # the string table
                    assert isinstance(value, bytes)
                    strings = [new if s == old else s for _, s in _message(value)]
                    value = b"".join(_field(1, s) for s in strings)
                block += _field(number, value)
            data = block
        kind = header[1]
        assert isinstance(kind, bytes)
        out += _frame(kind, _field(2, len(data)) + _field(3, zlib.compress(data)))
        at += 4 + length + size
    return bytes(out)


def test_a_giant_tag_value(cli: Callable[..., Outcome], tmp_path: Path, base: bytes) -> None:
    """The 30 MB tag value of the XML case, in a PBF: pyosmium refuses it (1,024 at most)."""
    path = tmp_path / "a.osm.pbf"
    path.write_bytes(_replace_string(base, b"A99", b"A" * 1_000_000))
    outcome = cli("network", "--osm", str(path), "--no-cache", *CORRIDORS)
    outcome.assert_clear_error("a.osm.pbf", "overlong string")
    assert len(outcome.err) < 5000


def test_a_huge_restriction_is_counted_not_read(
    cli: Callable[..., Outcome], tmp_path: Path
) -> None:
    """A 'turn restriction' of 300,000 members is counted incomplete, its members never held."""
    path = tmp_path / "a.osm.pbf"
    _write(path, relation_members=300_000)
    outcome = cli("network", "--osm", str(path), "--no-cache", "--json", *CORRIDORS)
    assert outcome.code == 0, outcome.err[-2000:]
    assert '"incomplete": 1' in outcome.out


def test_the_node_reference_limit(
    cli: Callable[..., Outcome], tmp_path: Path, base: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_osm_refs", 3)
    path = tmp_path / "a.osm.pbf"
    path.write_bytes(base)
    cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).assert_clear_error(
        "more than 3 nodes", "MOBILITY_MAX_OSM_REFS"
    )


def test_the_inflation_limit(
    cli: Callable[..., Outcome], tmp_path: Path, base: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_inflated_bytes", 100)
    path = tmp_path / "a.osm.pbf"
    path.write_bytes(base)
    cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).assert_clear_error(
        "inflates beyond 100 bytes", "MOBILITY_MAX_INFLATED_MB"
    )
