"""Export the network as GeoJSON and GeoPackage (WGS84): the stable contract for other tools.

``roads.geojson`` and ``rail.geojson`` hold one LineString feature per
directed edge with the typed attributes under their own names (``length_m``,
``maxspeed_kph``, ``maxweight_t``, ...), plus ``u``, ``v``, ``key`` and
``corridors``. ``places.geojson`` holds the named points with ``kind``
(``junction``, ``spod``, ``bcp``, ``csc``, ``rail_terminal``, ``station``),
``name`` and ``corridor``. ``network.gpkg`` holds the same as three layers
(``roads``, ``rail``, ``places``).

Every feature of a file has every field of :data:`ROAD_FIELDS`,
:data:`RAIL_FIELDS` or :data:`PLACE_FIELDS` (``null`` where the edge has no
value), plus any further attribute of the graph (a ``<name>_raw`` value that
did not parse). Each field holds one type, and lists are written as text
(``"north;central"``), so that every GDAL format takes the files (a Shapefile
truncates the longer names to 10 characters). Values that JSON cannot hold
(``inf`` for "no speed limit") are written as ``null``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

import networkx as nx
from shapely.geometry import mapping

from mobility._atomic import write_folder_atomic
from mobility.export.geopackage import FieldType, Layer, geopackage_bytes
from mobility.network.load import Network

EXPORT_FILES = ("roads.geojson", "rail.geojson", "places.geojson", "network.gpkg")

_EDGE_FIELDS: dict[str, FieldType] = {
    "u": "int",
    "v": "int",
    "key": "int",
    "osmid": "int",
    "length_m": "float",
}
_STRUCTURE_FIELDS: dict[str, FieldType] = {
    "ref": "str",
    "name": "str",
    "maxspeed_kph": "float",
    "oneway": "bool",
    "reversed": "bool",
    "bridge": "bool",
    "bridge_name": "str",
    "tunnel": "bool",
    "tunnel_name": "str",
    "layer": "int",
    # Dated availability (ISO dates): in service from valid_from, out of it from valid_to.
    "valid_from": "str",
    "valid_to": "str",
}
_LIMIT_FIELDS: dict[str, FieldType] = {
    "tunnel_category": "str",
    "maxweight_t": "float",
    "maxaxleload_t": "float",
    "maxheight_m": "float",
    "maxwidth_m": "float",
    "mlc_wheeled": "float",
    "mlc_tracked": "float",
    "hazmat": "str",
}
#: Fields of every feature of ``roads.geojson``, with their types.
ROAD_FIELDS: dict[str, FieldType] = {
    **_EDGE_FIELDS,
    "highway": "str",
    "lanes": "int",
    **_STRUCTURE_FIELDS,
    **_LIMIT_FIELDS,
    "turn_restrictions": "str",
    "corridors": "str",
}
#: Fields of every feature of ``rail.geojson``, with their types.
RAIL_FIELDS: dict[str, FieldType] = {
    **_EDGE_FIELDS,
    "railway": "str",
    **_STRUCTURE_FIELDS,
    "usage": "str",
    "electrified": "bool",
    "voltage": "int",
    "tracks": "int",
    "gauge": "int",
    **_LIMIT_FIELDS,
    "corridors": "str",
}
#: Fields of every feature of ``places.geojson``, with their types.
PLACE_FIELDS: dict[str, FieldType] = {
    "kind": "str",
    "name": "str",
    "corridor": "str",
    "corridors": "str",
    "mode": "str",
    "node": "int",
    "place_id": "str",
    "role": "str",
}


def json_value(value: Any) -> Any:
    """Return an attribute value as JSON holds it (NaN and infinities: ``None``; tuples: lists)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    return value


def edge_features(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """GeoJSON features of a graph's edges."""
    features = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        properties = {
            name: json_value(value)
            for name, value in data.items()
            if name not in ("geometry", "length")
        }
        properties.update(u=u, v=v, key=key)
        features.append(
            {"type": "Feature", "geometry": mapping(data["geometry"]), "properties": properties}
        )
    return features


def place_features(network: Network) -> list[dict[str, Any]]:
    """GeoJSON features of the named places."""
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "kind": place.kind,
                "name": place.name,
                "corridor": ",".join(place.corridors),
                "corridors": list(place.corridors),
                "mode": place.mode,
                "node": place.node,
                "place_id": place.place_id,
                "role": place.role,
            },
        }
        for place in network.places
    ]


def _flat(value: Any) -> Any:
    """One value of one type: a list becomes text (``north;central``, ``1:no_u_turn:2``)."""
    value = json_value(value)
    if isinstance(value, (list, tuple)) and not value:
        return None
    if isinstance(value, (list, tuple)):
        return ";".join(
            ":".join(str(v) for v in item) if isinstance(item, (list, tuple)) else str(item)
            for item in value
        )
    return value


def _extra_type(values: list[Any]) -> FieldType:
    kinds = {type(v) for v in values if v is not None}
    if kinds <= {bool}:
        return "bool"
    if kinds <= {int}:
        return "int"
    if kinds <= {int, float}:
        return "float"
    return "str"


def contract_layer(
    features: list[dict[str, Any]],
    fields: dict[str, FieldType],
    geometry_type: Literal["Point", "LineString"],
) -> Layer:
    """Give every feature every declared field (and any extra one), each of one type.

    Extra attributes (a ``<name>_raw`` value that did not parse) follow the
    declared fields in name order; their type is what all their values share,
    else text.
    """
    extra = sorted({k for f in features for k in f["properties"]} - set(fields))
    schema = dict(fields)
    for name in extra:
        schema[name] = _extra_type([_flat(f["properties"].get(name)) for f in features])
    flat = []
    for feature in features:
        properties: dict[str, Any] = {}
        for name, kind in schema.items():
            value = _flat(feature["properties"].get(name))
            if value is not None and kind == "str":
                value = str(value)
            elif value is not None and kind == "float":
                value = float(value)
            properties[name] = value
        flat.append({"type": "Feature", "geometry": feature["geometry"], "properties": properties})
    return Layer(geometry_type, schema, flat)


def export_network(network: Network, out_dir: str | Path) -> list[Path]:
    """Write ``roads.geojson``, ``rail.geojson``, ``places.geojson`` and ``network.gpkg``.

    The folder is written atomically (:func:`mobility._atomic.write_folder_atomic`):
    all files appear together or not at all, and an existing folder is
    only replaced if mobility wrote it.

    Returns
    -------
    list of Path
        The written files.

    Raises
    ------
    OutputError
        If ``out_dir`` holds a user's files, is a file, or cannot be written.
    """
    layers = {
        "roads": contract_layer(edge_features(network.road), ROAD_FIELDS, "LineString"),
        "rail": contract_layer(edge_features(network.rail), RAIL_FIELDS, "LineString"),
        "places": contract_layer(place_features(network), PLACE_FIELDS, "Point"),
    }
    files = {
        f"{name}.geojson": json.dumps(
            {"type": "FeatureCollection", "features": layer.features},
            ensure_ascii=False,
            allow_nan=False,
        ).encode("utf-8")
        for name, layer in layers.items()
    }
    files["network.gpkg"] = geopackage_bytes(layers)
    folder = write_folder_atomic(out_dir, files, kind="network export")
    return [folder / name for name in EXPORT_FILES]
