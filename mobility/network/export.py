"""Export the network as GeoJSON (WGS84): the stable contract for other tools.

``roads.geojson`` and ``rail.geojson`` hold one LineString feature per
directed edge with the typed attributes under their own names (``length_m``,
``maxspeed_kph``, ``maxweight_t``, ...), plus ``u``, ``v``, ``key`` and
``corridors``. ``places.geojson`` holds the named points with ``kind``
(``junction``, ``spod``, ``bcp``, ``csc``, ``rail_terminal``, ``station``),
``name`` and ``corridor``. Values that JSON cannot hold (``inf`` for "no speed
limit") are written as ``null``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
from shapely.geometry import mapping

from mobility._atomic import write_folder_atomic
from mobility.network.load import Network

EXPORT_FILES = ("roads.geojson", "rail.geojson", "places.geojson")


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    return value


def edge_features(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """GeoJSON features of a graph's edges."""
    features = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        properties = {
            name: _json_value(value)
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


def export_network(network: Network, out_dir: str | Path) -> list[Path]:
    """Write ``roads.geojson``, ``rail.geojson`` and ``places.geojson`` into ``out_dir``.

    The folder is written atomically (:func:`mobility._atomic.write_folder_atomic`):
    all three files appear together or not at all, and an existing folder is
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
    collections = {
        "roads.geojson": edge_features(network.road),
        "rail.geojson": edge_features(network.rail),
        "places.geojson": place_features(network),
    }
    files = {
        name: json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            allow_nan=False,
        ).encode("utf-8")
        for name, features in collections.items()
    }
    folder = write_folder_atomic(out_dir, files, kind="network export")
    return [folder / name for name in EXPORT_FILES]
