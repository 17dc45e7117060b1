"""GeoPackage files from GeoJSON-like features, with a typed schema per layer.

Each :class:`Layer` holds features of one geometry type and declares its
fields with their types, so that every layer opens in QGIS (and any GDAL
tool) as it is: integers, reals, booleans, text and UTC date-times, null
where a feature has no value. The file is written by GDAL (pyogrio) to a
temporary folder and returned as bytes, so that callers write it atomically
with their other files. Its ``last_change`` stamps are fixed, so the same
features give the same bytes.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np

FieldType = Literal["int", "float", "bool", "str", "datetime"]

#: What ``gpkg_contents.last_change`` says (GDAL would write the wall clock).
FIXED_CHANGE_TIME = "1970-01-01T00:00:00.000Z"

_DTYPES: dict[str, str] = {"int": "Int64", "float": "float64", "bool": "boolean", "str": "object"}


@dataclass(frozen=True)
class Layer:
    """One layer: features of one geometry type and the declared fields.

    Attributes
    ----------
    geometry_type
        ``Point`` or ``LineString``.
    fields
        Field name to type, in the order of the layer's columns.
    features
        GeoJSON features (``geometry`` and ``properties``); properties not in
        ``fields`` are left out, missing ones are null.
    """

    geometry_type: Literal["Point", "LineString"]
    fields: Mapping[str, FieldType]
    features: Sequence[Mapping[str, Any]]


def _value(value: Any, kind: FieldType) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if kind == "datetime":
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if kind == "str":
        if isinstance(value, (list, tuple)):
            return ";".join(str(v) for v in value)
        return str(value)
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    return float(value)


#: Python type of a field's values that :func:`_value` leaves as they are.
_PLAIN: dict[str, type] = {"int": int, "bool": bool, "str": str}


def _values(layer: Layer, name: str, kind: FieldType) -> list[Any]:
    """Return the values of field ``name`` of every feature, as :func:`_value` makes them."""
    raw = [f["properties"].get(name) for f in layer.features]
    plain = _PLAIN.get(kind)
    if plain is not None:  # most values already are what they must be
        return [v if type(v) is plain else _value(v, kind) for v in raw]
    if kind == "float":
        return [v if type(v) is float and math.isfinite(v) else _value(v, kind) for v in raw]
    return [_value(v, kind) for v in raw]


def _geometries(layer: Layer) -> Any:
    """Return the features' shapely geometries; points made at once, as ``shape`` makes them."""
    import shapely
    from shapely.geometry import shape

    geometries = [f["geometry"] for f in layer.features]
    if geometries and all(
        g.get("type") == "Point" and len(g.get("coordinates") or ()) == 2 for g in geometries
    ):
        xy = np.array([g["coordinates"] for g in geometries], dtype=np.float64)
        return shapely.points(xy)
    return [shape(g) for g in geometries]


def _frame(layer: Layer) -> Any:
    import geopandas as gpd
    import pandas as pd

    columns: dict[str, Any] = {}
    for name, kind in layer.fields.items():
        values = _values(layer, name, kind)
        if kind == "datetime":
            columns[name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        else:
            columns[name] = pd.array(values, dtype=_DTYPES[kind])
    geometry = gpd.GeoSeries(_geometries(layer), crs="EPSG:4326")
    return gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:4326")


def geopackage_bytes(layers: Mapping[str, Layer]) -> bytes:
    """Return a GeoPackage (EPSG:4326) with one table per layer, as bytes.

    Parameters
    ----------
    layers
        Layer name to layer; an empty layer is written with its schema.
    """
    import pyogrio

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_CHANGE_TIME})
    try:
        with tempfile.TemporaryDirectory(prefix="mobility-gpkg-") as folder:
            path = Path(folder) / "export.gpkg"
            for name, layer in layers.items():
                pyogrio.write_dataframe(
                    _frame(layer),
                    path,
                    layer=name,
                    driver="GPKG",
                    geometry_type=layer.geometry_type,
                    append=path.exists(),
                )
            return path.read_bytes()
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
