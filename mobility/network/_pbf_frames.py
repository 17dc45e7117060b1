"""Check the frame structure of an OSM PBF file before decoding any of it.

A PBF file is a sequence of frames: a 4-byte big-endian length, a
``BlobHeader`` (its type and the size of the blob that follows) and a
``Blob`` (raw or compressed data, with its uncompressed size). This module
walks the frames with seeks, reading a few bytes of each, so that a file
that is cut short, padded, or whose frames claim sizes beyond the format's
limits (a 2 GB header, a blob "inflating" to 2 GB) is refused with the
offset named before pyosmium allocates anything, and the sum of the
uncompressed sizes is held to :data:`mobility.settings.max_inflated_bytes`
(as for compressed XML). Only the frame fields are parsed (protobuf keys and
varints); the OSM data inside is pyosmium's.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mobility import settings
from mobility.errors import DataError

__all__ = ["MAX_BLOB_BYTES", "MAX_HEADER_BYTES", "PbfFrames", "check_pbf_frames"]

#: Largest BlobHeader the PBF format allows ("must be less than 64 KiB").
MAX_HEADER_BYTES = 64 * 1024
#: Largest blob, stored or uncompressed, the format allows ("must be less than 32 MiB").
MAX_BLOB_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class PbfFrames:
    """What the frames of a PBF file declare.

    Attributes
    ----------
    blobs
        Number of frames (the OSMHeader blob included).
    inflated_bytes
        Sum of the blobs' uncompressed sizes.
    """

    blobs: int
    inflated_bytes: int


class _CutShortError(Exception):
    """The file ends inside a frame."""


def _varint(handle: BinaryIO) -> int:
    value = shift = 0
    for _ in range(10):
        byte = handle.read(1)
        if not byte:
            raise _CutShortError
        value |= (byte[0] & 0x7F) << shift
        if byte[0] < 0x80:
            return value
        shift += 7
    raise ValueError("a varint longer than 10 bytes")


def _fields(handle: BinaryIO, end: int, wanted: set[int]) -> dict[int, int | bytes]:
    """Read the protobuf message up to ``end``: varints, and ``wanted`` length-delimited fields.

    Length-delimited fields not wanted are skipped by seeking (their length is kept).
    """
    found: dict[int, int | bytes] = {}
    while handle.tell() < end:
        key = _varint(handle)
        number, kind = key >> 3, key & 7
        if kind == 0:
            found[number] = _varint(handle)
        elif kind == 2:
            length = _varint(handle)
            if handle.tell() + length > end:
                raise ValueError(f"field {number} runs past its message")
            if number in wanted:
                found[number] = handle.read(length)
            else:
                found[number] = length
                handle.seek(length, os.SEEK_CUR)
        elif kind == 5:
            handle.seek(4, os.SEEK_CUR)
        elif kind == 1:
            handle.seek(8, os.SEEK_CUR)
        else:
            raise ValueError(f"field {number} has the unknown wire type {kind}")
    if handle.tell() != end:
        raise ValueError("a field runs past its message")
    return found


def check_pbf_frames(path: str | Path) -> PbfFrames:
    """Walk the frames of a PBF file; refuse a damaged or oversized one.

    Parameters
    ----------
    path
        An ``.osm.pbf`` file.

    Returns
    -------
    PbfFrames
        The number of blobs and their total uncompressed size.

    Raises
    ------
    DataError
        Naming the file, the frame and its byte offset: a file cut short or
        padded, a header or blob beyond the format's limits, a first blob
        that is not ``OSMHeader``, or more uncompressed data in all than
        :data:`mobility.settings.max_inflated_bytes`.
    """
    path = Path(path)
    where = f"OSM PBF file {str(path)!r}"
    blobs = inflated = offset = size = 0
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size == 0:
                raise DataError(f"{where} is empty; expected an OSM PBF extract")
            while offset < size:
                frame = f"frame {blobs + 1} at byte {offset:,}"
                offset, raw = _read_frame(handle, size, where, frame, first=blobs == 0)
                inflated += raw
                if inflated > settings.max_inflated_bytes:
                    raise DataError(
                        f"{where} inflates beyond {settings.max_inflated_bytes:,} bytes at "
                        f"{frame}; refused (MOBILITY_MAX_INFLATED_MB)"
                    )
                blobs += 1
    except DataError:
        raise
    except _CutShortError:
        raise DataError(
            f"{where} is truncated: frame {blobs + 1} at byte {offset:,} runs past the end "
            f"({size:,} bytes); expected a complete extract (an interrupted download?)"
        ) from None
    except ValueError as error:
        raise DataError(
            f"{where}: frame {blobs + 1} at byte {offset:,} is malformed ({error}); "
            "expected an OSM PBF extract"
        ) from None
    except OSError as error:
        raise DataError(f"{where} cannot be read: {error}") from error
    return PbfFrames(blobs, inflated)


def _read_frame(
    handle: BinaryIO, size: int, where: str, frame: str, *, first: bool
) -> tuple[int, int]:
    """Check the frame at the handle's position; return where it ends and its inflated size.

    Raises
    ------
    DataError
        Naming the file (``where``) and the frame (number and offset): a header or blob beyond
        the format's limits, or a first blob that is not ``OSMHeader``.
    _CutShortError
        If the frame runs past the end of the file.
    ValueError
        If its protobuf fields are malformed.
    """
    prefix = handle.read(4)
    if len(prefix) < 4:
        raise _CutShortError
    (header_bytes,) = struct.unpack(">I", prefix)
    if header_bytes > MAX_HEADER_BYTES:
        raise DataError(
            f"{where}: {frame} declares a {header_bytes:,}-byte header; expected at most "
            f"{MAX_HEADER_BYTES:,} (the PBF limit): not PBF or damaged"
        )
    header_end = handle.tell() + header_bytes
    if header_end > size:
        raise _CutShortError
    header = _fields(handle, header_end, wanted={1})
    kind = header.get(1, b"")
    datasize = header.get(3)
    if not isinstance(kind, bytes) or not isinstance(datasize, int):
        raise ValueError("its header lacks the blob type or size")
    if first and kind != b"OSMHeader":
        shown = kind[:40].decode("ascii", "replace")
        raise DataError(
            f"{where}: the first blob is of type {shown!r}; expected 'OSMHeader' "
            "(not an OSM PBF extract?)"
        )
    if datasize > MAX_BLOB_BYTES:
        raise DataError(
            f"{where}: {frame} declares a {datasize:,}-byte blob; expected at most "
            f"{MAX_BLOB_BYTES:,} (the PBF limit)"
        )
    blob_end = header_end + datasize
    if blob_end > size:
        raise _CutShortError
    blob = _fields(handle, blob_end, wanted=set())
    raw = blob.get(2, blob.get(1, 0))  # raw_size, or the length of raw data
    if not isinstance(raw, int):
        raise ValueError("its blob's raw_size is not a number")
    if raw > MAX_BLOB_BYTES:
        raise DataError(
            f"{where}: {frame} claims to inflate to {raw:,} bytes; expected at most "
            f"{MAX_BLOB_BYTES:,} (the PBF limit)"
        )
    return blob_end, raw
