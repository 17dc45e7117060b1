"""PBF frames are walked and checked before pyosmium decodes anything."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from mobility import settings
from mobility.errors import DataError
from mobility.network._pbf_frames import (
    MAX_BLOB_BYTES,
    MAX_HEADER_BYTES,
    PbfFrames,
    check_pbf_frames,
)
from tests.network.test_read_pbf import to_pbf

DATA = Path(__file__).parent.parent / "data"


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _blob(raw_size: int, data: bytes = b"zz") -> bytes:
    """A Blob: ``raw_size`` (field 2) and ``zlib_data`` (field 3)."""
    return b"\x10" + _varint(raw_size) + b"\x1a" + _varint(len(data)) + data


def _frame(kind: bytes, blob: bytes, datasize: int | None = None) -> bytes:
    """Length prefix, BlobHeader (``type`` field 1, ``datasize`` field 3) and the blob."""
    size = len(blob) if datasize is None else datasize
    header = b"\x0a" + _varint(len(kind)) + kind + b"\x18" + _varint(size)
    return struct.pack(">I", len(header)) + header + blob


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "test.osm.pbf"
    path.write_bytes(data)
    return path


TWO_FRAMES = _frame(b"OSMHeader", _blob(100)) + _frame(b"OSMData", _blob(200))


def test_frames_are_counted_with_their_inflated_size(tmp_path: Path) -> None:
    assert check_pbf_frames(_file(tmp_path, TWO_FRAMES)) == PbfFrames(blobs=2, inflated_bytes=300)


def test_a_real_pbf_passes(tmp_path: Path) -> None:
    frames = check_pbf_frames(to_pbf(DATA / "tiny.osm", tmp_path / "tiny.osm.pbf"))
    assert frames.blobs >= 2 and frames.inflated_bytes > 0


def test_empty_and_cut_short(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is empty"):
        check_pbf_frames(_file(tmp_path, b""))
    first = len(_frame(b"OSMHeader", _blob(100)))
    cut = _file(tmp_path, TWO_FRAMES[: first + 12])
    with pytest.raises(DataError, match=rf"truncated: frame 2 at byte {first} runs past the end"):
        check_pbf_frames(cut)


def test_the_first_blob_must_be_the_osm_header(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="first blob is of type 'OSMData'; expected 'OSMHeader'"):
        check_pbf_frames(_file(tmp_path, _frame(b"OSMData", _blob(1))))


def test_sizes_beyond_the_format_limits_are_refused(tmp_path: Path) -> None:
    huge_header = struct.pack(">I", MAX_HEADER_BYTES + 1) + b"\x00" * 8
    with pytest.raises(DataError, match=r"frame 1 at byte 0 declares a 65,537-byte header"):
        check_pbf_frames(_file(tmp_path, huge_header))
    huge_blob = _frame(b"OSMHeader", _blob(1), datasize=MAX_BLOB_BYTES + 1)
    with pytest.raises(DataError, match=r"declares a 33,554,433-byte blob"):
        check_pbf_frames(_file(tmp_path, huge_blob))
    bomb = _frame(b"OSMHeader", _blob(1)) + _frame(b"OSMData", _blob(MAX_BLOB_BYTES + 1))
    with pytest.raises(DataError, match=r"frame 2 at byte \d+ claims to inflate to 33,554,433"):
        check_pbf_frames(_file(tmp_path, bomb))


def test_the_total_inflated_size_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_inflated_bytes", 250)
    with pytest.raises(DataError, match=r"inflates beyond 250 bytes at frame 2"):
        check_pbf_frames(_file(tmp_path, TWO_FRAMES))


def test_malformed_fields_name_the_frame(tmp_path: Path) -> None:
    header = b"\x0f\x00"  # field 1, wire type 7: no such type
    malformed = struct.pack(">I", len(header)) + header
    with pytest.raises(DataError, match=r"frame 1 at byte 0 is malformed .*unknown wire type 7"):
        check_pbf_frames(_file(tmp_path, malformed))
    no_size = b"\x0a\x09OSMHeader"
    with pytest.raises(DataError, match="lacks the blob type or size"):
        check_pbf_frames(_file(tmp_path, struct.pack(">I", len(no_size)) + no_size))


def test_an_unreadable_path_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot be read"):
        check_pbf_frames(tmp_path)  # a folder
