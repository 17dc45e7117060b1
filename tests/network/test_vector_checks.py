"""Checks of vector inputs: whole shapefiles, a real CRS, coordinates that fit it."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from pyproj import CRS
from shapely.geometry import Point

from mobility.errors import DataError
from mobility.network._vector_checks import (
    check_shapefile_parts,
    declared_crs,
    sibling,
    to_wgs84,
)


def _points(folder: Path, n: int = 3) -> Path:
    path = folder / "points.shp"
    frame = gpd.GeoDataFrame(
        {"osm_id": list(range(n))}, geometry=[Point(5 + i / 100, 52) for i in range(n)], crs=4326
    )
    frame.to_file(path)
    return path


def test_a_whole_shapefile_passes_and_its_parts_are_found_in_any_case(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    check_shapefile_parts(shp)
    prj = shp.with_suffix(".prj")
    prj.rename(shp.with_suffix(".PRJ"))
    assert sibling(shp, ".prj") == shp.with_suffix(".PRJ")
    assert sibling(shp, ".qix") is None
    crs = declared_crs(shp)
    assert crs is not None and crs.equals(CRS.from_epsg(4326), ignore_axis_order=True)


def test_missing_parts_are_named(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    shp.with_suffix(".shx").unlink()
    with pytest.raises(DataError, match=r"points\.shp.*has no index: expected points\.shx"):
        check_shapefile_parts(shp)
    shp.with_suffix(".dbf").unlink()
    with pytest.raises(DataError, match=r"no attribute table: expected points\.dbf"):
        check_shapefile_parts(shp)


def test_damaged_parts_are_refused(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    dbf = shp.with_suffix(".dbf")
    whole = dbf.read_bytes()
    dbf.write_bytes(whole[:-5])
    with pytest.raises(DataError, match=r"points\.dbf.*truncated: its header declares 3 records"):
        check_shapefile_parts(shp)
    dbf.write_bytes(whole[:8])
    with pytest.raises(DataError, match="expected a dBASE header"):
        check_shapefile_parts(shp)
    shx = shp.with_suffix(".shx")
    shx.write_bytes(b"not a shapefile index" * 10)
    with pytest.raises(DataError, match=r"points\.shx.*is not a shapefile"):
        check_shapefile_parts(shp)


def test_index_and_table_must_agree_on_the_records(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shp, other = _points(tmp_path / "a", n=3), _points(tmp_path / "b", n=2)
    shp.with_suffix(".dbf").write_bytes(other.with_suffix(".dbf").read_bytes())
    with pytest.raises(DataError, match=r"points\.shx indexes 3 records, points\.dbf holds 2"):
        check_shapefile_parts(shp)


def test_a_missing_or_bad_prj(tmp_path: Path) -> None:
    shp = _points(tmp_path)
    shp.with_suffix(".prj").write_text("GEOGCS[nonsense", encoding="utf-8")
    with pytest.raises(DataError, match=r"points\.prj.*is not a coordinate reference system"):
        declared_crs(shp)
    shp.with_suffix(".prj").unlink()
    assert declared_crs(shp) is None


def test_coordinates_are_checked_against_their_crs() -> None:
    lon, lat = to_wgs84(np.array([5.0]), np.array([52.0]), None, "x")
    assert (lon.tolist(), lat.tolist()) == ([5.0], [52.0])  # WGS84 passes unchanged
    rd = CRS.from_epsg(28992)
    lon, lat = to_wgs84(np.array([155_000.0]), np.array([463_000.0]), rd, "x")
    assert lon[0] == pytest.approx(5.3872, abs=1e-3) and lat[0] == pytest.approx(52.1552, abs=1e-3)
    with pytest.raises(DataError, match="impossible for"):
        to_wgs84(np.array([500.0]), np.array([52.0]), None, "x")
    with pytest.raises(DataError, match="look like longitude/latitude degrees"):
        to_wgs84(np.array([5.0]), np.array([52.0]), rd, "x")
    with pytest.raises(DataError, match="outside the area of"):
        to_wgs84(np.array([5_000_000.0]), np.array([463_000.0]), rd, "x")
    with pytest.raises(DataError, match="not finite numbers"):
        to_wgs84(np.array([np.nan]), np.array([52.0]), None, "x")
    empty = np.zeros(0)
    assert to_wgs84(empty, empty, rd, "x")[0].size == 0
