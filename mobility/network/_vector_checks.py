"""Checks of vector inputs (shapefiles, GeoPackages, GraphML) before they are trusted.

A shapefile is several files: a missing ``.dbf`` or ``.shx``, a truncated
``.shp`` or a ``.prj`` that is no CRS would otherwise load silently wrong
(half the network, or none "inside the corridors"). Coordinates are checked
against the CRS they claim: WGS84 degrees in a file labelled RD New would
otherwise collapse into a few metres near Paris. Every failure is a
:class:`~mobility.errors.DataError` naming the file and what was expected.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from pyproj import CRS
from pyproj.exceptions import CRSError

from mobility.errors import DataError
from mobility.network._corridor_geometry import transformer

WGS84 = CRS.from_epsg(4326)
#: Degrees a projected input may reach beyond its CRS's area of use (UTM zones are
#: routinely used a zone or so wide).
AREA_MARGIN_DEG = 5.0
_SHAPEFILE_CODE = 9994


def sibling(shp: Path, suffix: str) -> Path | None:
    """Return the file beside ``shp`` with the same stem and ``suffix`` (any case)."""
    for candidate in (shp.with_suffix(suffix), shp.with_suffix(suffix.upper())):
        if candidate.is_file():
            return candidate
    return None


def check_shapefile_parts(shp: Path) -> None:
    """Check that a ``.shp`` is whole and has its index and attribute table.

    Raises
    ------
    DataError
        If the ``.shx`` or ``.dbf`` is missing, or any of the three is cut short or
        disagrees with the others on the number of records.
    """
    shx, dbf = sibling(shp, ".shx"), sibling(shp, ".dbf")
    if dbf is None:
        raise DataError(
            f"shapefile {str(shp)!r} has no attribute table: expected {shp.stem}.dbf beside it "
            "(with the fields osm_id, type or fclass, name, ...)"
        )
    if shx is None:
        raise DataError(f"shapefile {str(shp)!r} has no index: expected {shp.stem}.shx beside it")
    _check_declared_length(shp)
    _check_declared_length(shx)
    shx_records = (shx.stat().st_size - 100) // 8
    header = dbf.read_bytes()[:12]
    if len(header) < 12:
        raise DataError(f"attribute table {str(dbf)!r} is truncated: expected a dBASE header")
    n_records, header_length, record_length = struct.unpack("<IHH", header[4:12])
    expected = header_length + n_records * record_length
    if dbf.stat().st_size < expected:
        raise DataError(
            f"attribute table {str(dbf)!r} is truncated: its header declares {n_records:,} "
            f"records ({expected:,} bytes), the file has {dbf.stat().st_size:,} bytes"
        )
    if n_records != shx_records:
        raise DataError(
            f"shapefile {str(shp)!r} is inconsistent: {shx.name} indexes {shx_records:,} "
            f"records, {dbf.name} holds {n_records:,}; expected the same number"
        )


def _check_declared_length(path: Path) -> None:
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or struct.unpack(">i", header[:4])[0] != _SHAPEFILE_CODE:
        raise DataError(
            f"shapefile part {str(path)!r} is not a shapefile: expected a 100-byte header "
            f"starting with file code {_SHAPEFILE_CODE}"
        )
    declared = struct.unpack(">i", header[24:28])[0] * 2
    if declared != size:
        raise DataError(
            f"shapefile part {str(path)!r} is truncated or damaged: its header declares "
            f"{declared:,} bytes, the file has {size:,}"
        )


def declared_crs(shp: Path) -> CRS | None:
    """Return the CRS of a shapefile's ``.prj``, or ``None`` when it has none.

    Raises
    ------
    DataError
        If the ``.prj`` exists but is not a coordinate reference system.
    """
    prj = sibling(shp, ".prj")
    if prj is None:
        return None
    text = prj.read_text(encoding="utf-8", errors="replace").strip()
    try:
        return CRS.from_user_input(text)
    except CRSError as error:
        raise DataError(
            f"projection file {str(prj)!r} is not a coordinate reference system: expected "
            f'WKT such as GEOGCS["GCS_WGS_1984", ...] ({error})'
        ) from error


def to_wgs84(
    x: NDArray[np.float64], y: NDArray[np.float64], crs: CRS | None, source: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return ``x``, ``y`` (in ``crs``; ``None`` means WGS84) as WGS84 lon/lat.

    Raises
    ------
    DataError
        If the coordinates are impossible for the declared CRS: beyond
        ±180/±90 for degrees, or, for a projected CRS, degree-sized numbers or
        positions far outside the CRS's area of use.
    """
    if len(x) == 0:
        return x, y
    crs = crs or WGS84
    name = f"{crs.name!r}" + (f" (EPSG:{crs.to_epsg()})" if crs.to_epsg() else "")
    span = f"x {np.min(x):.6g}..{np.max(x):.6g}, y {np.min(y):.6g}..{np.max(y):.6g}"
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise DataError(f"{source}: coordinates are not finite numbers; expected {name}")
    if crs.is_geographic:
        if np.abs(x).max() > 180 or np.abs(y).max() > 90:
            raise DataError(
                f"{source}: coordinates ({span}) are impossible for {name}: expected longitude "
                "within ±180 and latitude within ±90 degrees; is the .prj missing or wrong?"
            )
        if crs.equals(WGS84, ignore_axis_order=True):
            return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    elif np.abs(x).max() <= 180 and np.abs(y).max() <= 90:
        raise DataError(
            f"{source}: coordinates ({span}) look like longitude/latitude degrees, but the "
            f"declared CRS is {name} (metres); fix or remove the .prj"
        )
    lon, lat = transformer(crs.to_wkt(), "EPSG:4326").transform(x, y)
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    area = crs.area_of_use
    if area is not None:
        west, south, east, north = area.bounds
        outside = (
            ~np.isfinite(lon)
            | (lon < west - AREA_MARGIN_DEG)
            | (lon > east + AREA_MARGIN_DEG)
            | (lat < south - AREA_MARGIN_DEG)
            | (lat > north + AREA_MARGIN_DEG)
        )
        if outside.any():
            raise DataError(
                f"{source}: coordinates ({span}) lie outside the area of {name} "
                f"({area.name}); expected coordinates in that CRS; is the .prj wrong?"
            )
    return lon, lat
