"""Hostile Geofabrik shapefile folders given to ``mobility network --osm FOLDER`` (issue 19).

A shapefile is several files (``.shp`` geometry, ``.shx`` index, ``.dbf``
attributes, ``.prj`` CRS); each can be missing, cut short, of another kind
or lie about the others. The issue found a CRS label that contradicts the
coordinates (snapping never finished), a ``.prj`` that is not a CRS ignored,
a truncated ``.shp`` half loaded without a word, and a missing ``.dbf``
reported as "no road inside the corridors". Each must be refused quickly,
naming the file, and leave the folder untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from tests.hostile.conftest import Outcome, snapshot

LINES = [
    LineString([(5.0, 52.0), (5.01, 52.0)]),
    LineString([(5.005, 52.000027), (5.005, 52.01)]),
]


def _write(folder: Path, crs: int = 4326, label: int | None = None) -> None:
    """Two rail lines in ``crs``; ``label``: the CRS the ``.prj`` claims instead."""
    frame = gpd.GeoDataFrame({"osm_id": [1, 2], "type": ["rail", "rail"]}, geometry=LINES, crs=4326)
    if crs != 4326:
        frame = frame.to_crs(crs)
    if label is not None:
        frame = frame.set_crs(label, allow_override=True)
    frame.to_file(folder / "railways.shp")


#: Per case: the CRS written and the one the ``.prj`` claims, what is done to one file
#: afterwards (remove it, write bytes over it, keep only its first bytes), and fragments
#: the error must hold.
Action = tuple[str, str, bytes | int]
DAMAGE: dict[str, tuple[tuple[int, int | None], Action | None, tuple[str, ...]]] = {
    "degrees-labelled-rd-new": (
        (4326, 28992), None, ("railways.shp", "look like longitude/latitude"),
    ),
    "rd-numbers-without-prj": (
        (28992, None), ("remove", "railways.prj", 0), ("railways.shp", "impossible for 'WGS 84'"),
    ),
    "prj-not-a-crs": (
        (4326, None), ("write", "railways.prj", b"this is not a projection"),
        ("railways.prj", "not a coordinate reference system"),
    ),
    "prj-binary": (
        (4326, None), ("write", "railways.prj", b"\xff\xfe\x00garbage"),
        ("railways.prj", "not a coordinate reference system"),
    ),
    "shp-truncated": ((4326, None), ("cut", "railways.shp", -40), ("railways.shp", "truncated")),
    "shp-empty": ((4326, None), ("cut", "railways.shp", 0), ("railways.shp", "not a shapefile")),
    "shp-is-html": (
        (4326, None), ("write", "railways.shp", b"<html>portal</html>" * 20),
        ("railways.shp", "not a shapefile"),
    ),
    "dbf-missing": (
        (4326, None), ("remove", "railways.dbf", 0), ("railways.dbf", "no attribute table"),
    ),
    "dbf-truncated": ((4326, None), ("cut", "railways.dbf", 40), ("railways.dbf", "truncated")),
    "shx-missing": (
        (4326, None), ("remove", "railways.shx", 0), ("railways.shp", "expected railways.shx"),
    ),
}  # fmt: skip


def _damage(folder: Path, case: str) -> None:
    (crs, label), action, _ = DAMAGE[case]
    _write(folder, crs, label)
    if action is None:
        return
    what, name, value = action
    path = folder / name
    if what == "remove":
        path.unlink()
    elif isinstance(value, bytes):
        path.write_bytes(value)
    else:
        path.write_bytes(path.read_bytes()[:value])


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_shapefile(cli: Callable[..., Outcome], tmp_path: Path, case: str) -> None:
    folder = tmp_path / "extract"
    folder.mkdir()
    _damage(folder, case)
    before = snapshot(tmp_path)
    started = time.perf_counter()
    outcome = cli("network", "--osm", str(folder), "--no-cache")
    outcome.assert_clear_error(*DAMAGE[case][2])
    assert "no road" not in outcome.err  # the damage is named, not its consequence
    assert time.perf_counter() - started < 30
    assert snapshot(tmp_path) == before


def test_the_base_shapefile_is_read(tmp_path: Path) -> None:
    """The damage, not the base, makes each case fail."""
    from mobility.network._read_shapefile import read_geofabrik_shapefile

    _write(tmp_path)
    assert read_geofabrik_shapefile(tmp_path).n_ways == 2
