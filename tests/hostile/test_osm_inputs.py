"""Hostile OSM extracts given to ``mobility network --osm``: ids, positions, bombs, damage."""

from __future__ import annotations

import bz2
import gzip
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mobility import settings
from tests.hostile.conftest import DATA, Outcome, snapshot

TINY = (DATA / "tiny.osm").read_text(encoding="utf-8")
CORRIDORS = ["--corridor-file", str(DATA / "corridors-tiny.yaml"), "--corridor", "tiny"]


def _replace(old: str, new: str) -> bytes:
    assert old in TINY
    return TINY.replace(old, new, 1).encode()


def _gzip_members(chunk: bytes, members: int) -> bytes:
    """A multi-member gzip: ``members`` copies of one small member (inflates ``members`` times)."""
    return gzip.compress(chunk, compresslevel=9) * members


BIG_VALUE = "x" * 200_000
#: File name and content, and a fragment the error must hold.
EXTRACTS: dict[str, tuple[str, bytes, str]] = {
    "node-id-beyond-64-bits": (
        "a.osm",
        _replace('<node id="1" ', f'<node id="{2**64}" '),
        "beyond 64 bits",
    ),
    "negative-id-beyond-64-bits": (
        "a.osm",
        _replace('<node id="1" ', f'<node id="-{2**64}" '),
        "beyond 64 bits",
    ),
    "way-id-beyond-64-bits": ("a.osm", _replace('<way id="100">', f'<way id="{2**70}">'), "way"),
    "ref-beyond-64-bits": ("a.osm", _replace('<nd ref="1"/>', f'<nd ref="{2**64}"/>'), "way"),
    "ref-not-a-number": ("a.osm", _replace('<nd ref="1"/>', '<nd ref="one"/>'), "way '100'"),
    "lat-nan": ("a.osm", _replace('lat="52.0000" lon="4.0000"', 'lat="nan" lon="4.0"'), "WGS84"),
    "lon-infinite": (
        "a.osm",
        _replace('lat="52.0000" lon="4.0000"', 'lat="52" lon="1e400"'),
        "WGS84",
    ),
    "lat-out-of-range": (
        "a.osm",
        _replace('lat="52.0000" lon="4.0000"', 'lat="95" lon="4"'),
        "WGS84",
    ),
    "lat-missing": ("a.osm", _replace('lat="52.0000" lon="4.0000"', 'lon="4"'), "node '1'"),
    "duplicate-node-id": (
        "a.osm",
        _replace('<node id="3" ', '<node id="1" '),
        "node id 1 appears twice",
    ),
    "duplicate-way-id": ("a.osm", _replace('<way id="101">', '<way id="100">'), "way id 100"),
    "giant-tag-value": (
        "a.osm",
        _replace('v="A99"', f'v="{BIG_VALUE}"'),
        "without markup",
    ),
    "whitespace-padding": (
        "a.osm",
        _replace("</osm>", " " * 2_000_000 + "</osm>"),
        "without markup",
    ),
    "text-padding": ("a.osm", _replace("</osm>", "a" * 2_000_000 + "</osm>"), "without markup"),
    "gzip-whitespace-bomb": (
        "a.osm.gz",
        gzip.compress(TINY.replace("</osm>", "").encode())
        + _gzip_members(b" " * (1 << 20), 64)
        + gzip.compress(b"</osm>"),
        "without markup",
    ),
    "gzip-truncated": ("a.osm.gz", gzip.compress(TINY.encode())[:300], "truncated"),
    "gzip-not-gzip": ("a.osm.gz", TINY.encode(), "cannot be read"),
    "bz2-truncated": ("a.osm.bz2", bz2.compress(TINY.encode())[:300], "truncated"),
    "empty": ("a.osm", b"", "a.osm"),
    "not-xml": ("a.osm", b"this is not xml\n", "not well-formed"),
    "html-page": ("a.osm", b"<!DOCTYPE html><html><body>Log in</body></html>", "a.osm"),
    "root-not-osm": ("a.osm", b"<?xml version='1.0'?><gpx></gpx>", "expected an <osm> root"),
    "entity-bomb": (
        "a.osm",
        b'<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><osm>&b;</osm>',
        "entities",
    ),
    "external-entity": (
        "a.osm",
        b'<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<osm>&x;</osm>",
        "entities",
    ),
    "bad-utf8": ("a.osm", TINY.encode().replace(b"A99", b"A\xff99"), "not well-formed"),
    "pbf-garbage": ("a.osm.pbf", b"\x00\x00\x00\x0dgarbage" * 100, "a.osm.pbf"),
    "pbf-empty": ("a.osm.pbf", b"", "a.osm.pbf"),
    "pbf-html": ("a.osm.pbf", b"<html><body>captive portal</body></html>", "a.osm.pbf"),
    "unknown-suffix": ("a.txt", TINY.encode(), "unknown format"),
    "ways-without-their-nodes": (
        "a.osm",
        re.sub(
            r"<node[^>]*>.*?</node>", "", re.sub(r"<node[^>]*/>", "", TINY), flags=re.S
        ).encode(),
        "name nodes the input does not hold",
    ),
}


@pytest.mark.parametrize("case", sorted(EXTRACTS))
def test_hostile_extract(cli: Callable[..., Outcome], tmp_path: Path, case: str) -> None:
    name, content, fragment = EXTRACTS[case]
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(tmp_path)
    outcome = cli("network", "--osm", str(path), "--no-cache", *CORRIDORS)
    outcome.assert_clear_error(fragment)
    assert len(outcome.err) < 5000  # never renders the hostile value
    assert snapshot(tmp_path) == before


def test_missing_extract(cli: Callable[..., Outcome], tmp_path: Path) -> None:
    outcome = cli("network", "--osm", str(tmp_path / "none.osm"), *CORRIDORS)
    outcome.assert_clear_error("does not exist")


def test_inflation_limit(
    cli: Callable[..., Outcome], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_inflated_bytes", 1000)
    path = tmp_path / "a.osm.gz"
    path.write_bytes(gzip.compress(TINY.encode()))
    cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).assert_clear_error(
        "inflates beyond 1,000 bytes"
    )


def test_the_base_extract_loads(cli: Callable[..., Outcome], tmp_path: Path) -> None:
    path = tmp_path / "a.osm.gz"
    path.write_bytes(gzip.compress(TINY.encode()))
    assert cli("network", "--osm", str(path), "--no-cache", *CORRIDORS).code == 0
