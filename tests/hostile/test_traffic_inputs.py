"""Hostile measured-traffic files and timetables given to ``mobility plan`` (issue 19).

``--traffic CSV`` (counts or an NDW export) and ``--timetable GTFS`` are read
after the network and before the solve: a bad file must be refused there,
naming it, with exit 2, before any plan folder is made.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import DATA, Outcome, snapshot

COUNTS = (DATA / "traffic" / "counts-tiny.csv").read_text(encoding="utf-8")
HEADER = COUNTS.splitlines()[0]


def _counts(row: str) -> bytes:
    return f"{HEADER}\n{row}\n".encode()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


#: Option, file name, content, fragment the error must hold.
FILES: dict[str, tuple[str, str, bytes, str]] = {
    "counts-nan": (
        "--traffic", "t.csv", _counts("A16,south,weekday,0,nan"), "'veh_h_per_lane' is nan",
    ),
    "counts-infinite": (
        "--traffic", "t.csv", _counts("A16,south,weekday,0,inf"), "'veh_h_per_lane' is inf",
    ),
    "counts-negative": (
        "--traffic", "t.csv", _counts("A16,south,weekday,0,-400"), "expected 0-3000",
    ),
    "counts-hour-25": (
        "--traffic", "t.csv", _counts("A16,south,weekday,25,400"), "field 'hour' is '25'",
    ),
    "counts-not-utf8": (
        "--traffic", "t.csv", COUNTS.encode().replace(b"A16", b"A\xff6"), "not a UTF-8",
    ),
    "counts-binary": ("--traffic", "t.csv", b"\x00\x01\x02\xff" * 250_000, "t.csv"),
    "counts-empty": ("--traffic", "t.csv", b"", "neither an NDW export"),
    "counts-unknown-header": ("--traffic", "t.csv", b"a,b,c\n1,2,3\n", "neither an NDW"),
    "counts-html": ("--traffic", "t.csv", b"<html><body>Log in</body></html>\n", "neither"),
    "timetable-not-a-zip": ("--timetable", "g.zip", b"PK\x03\x04 not really", "not a GTFS"),
    "timetable-html": ("--timetable", "g.zip", b"<html>portal</html>", "not a GTFS feed"),
    "timetable-empty-zip": ("--timetable", "g.zip", _zip({}), "routes.txt is missing"),
    "timetable-stops-only": (
        "--timetable", "g.zip", _zip({"stops.txt": b"stop_id,stop_lat,stop_lon\n"}), "routes.txt",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(FILES))
def test_hostile_traffic_file(cli: Callable[..., Outcome], tmp_path: Path, case: str) -> None:
    option, name, content, fragment = FILES[case]
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(tmp_path)
    scenario = str(DATA / "scenario-tiny.yaml")
    outcome = cli("plan", scenario, option, str(path), "--out", str(tmp_path / "out"))
    outcome.assert_clear_error(name, fragment)
    assert len(outcome.err) < 5000
    assert snapshot(tmp_path) == before  # no plan folder, the file untouched
