"""The corridor network layers: roads by class and rail lines, as joined, light lines.

The graph's edges are read in one go (geometries as one array, the popup of
each distinct set of tags made once) into :class:`~mobility.maps._network_lines.Piece`
objects, which :func:`~mobility.maps._network_lines.join_pieces` joins, simplifies
and packs for ``mobility.network`` in ``mobility.js``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
import networkx as nx
import numpy as np
import shapely

from mobility.maps._elements import JsCall
from mobility.maps._layers import (
    RAIL_STYLE,
    ROAD_STYLES,
    _edge_rows,
    _edge_title,
    _group,
    _legend,
    _road_class,
)
from mobility.maps._network_lines import Piece, join_pieces
from mobility.network.export import json_value
from mobility.network.load import Network

#: The edge attributes :func:`_edge_rows` reads besides the edge's identity.
_ROW_FIELDS = (
    "name",
    "ref",
    "railway",
    "highway",
    "lanes",
    "tracks",
    "usage",
    "voltage",
    "electrified",
    "maxspeed_kph",
    "bridge",
    "mlc_wheeled",
    "mlc_tracked",
    "maxweight_t",
    "maxaxleload_t",
    "maxheight_m",
    "tunnel",
    "tunnel_category",
    "corridors",
)


def _piece_popup(
    data: Mapping[str, Any], known: dict[tuple[Any, ...], tuple[tuple[tuple[str, str], ...], str]]
) -> tuple[tuple[tuple[str, str], ...], str]:
    """Popup rows (without the edge's identity) and road class of an edge's attributes.

    As :func:`_edge_rows` and :func:`_road_class` on the edge's feature
    properties; edges with the same attributes (most pieces of a road) share
    them through ``known``.
    """
    values = tuple(map(data.get, _ROW_FIELDS))
    key: tuple[Any, ...] = ("railway" in data, values)
    try:
        found = known.get(key)
    except TypeError:  # a list (corridors, several refs): as a tuple, the same text
        key = ("railway" in data, tuple([tuple(v) if isinstance(v, list) else v for v in values]))
        try:
            found = known.get(key)
        except TypeError:  # another unhashable attribute: not shared
            key, found = (), None
    if found is None:
        p = {
            name: json_value(value)
            for name, value in zip(_ROW_FIELDS, values, strict=True)
            if name in data
        }
        rows = tuple((label, text) for label, text in _edge_rows(p) if label != "Edge")
        found = (rows, _road_class(p.get("highway")))
        if key:
            known[key] = found
    return found


def _pieces(graph: nx.MultiDiGraph, kind: str | None = None) -> list[Piece]:
    """Return what to draw of a graph's edges: one piece per way piece, with its popup.

    One edge per way piece: the reverse direction of a two-way edge is left out
    (as :func:`_undirected`). The popups are those of :func:`_edge_rows`; the
    geometries are read as one array.
    """
    seen: set[tuple[Any, ...]] = set()
    edges = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        mark = (min(u, v), max(u, v), str(data.get("osmid")))
        if mark not in seen:
            seen.add(mark)
            edges.append((u, v, key, data))
    coords, which = shapely.get_coordinates(
        [data["geometry"] for *_, data in edges], return_index=True
    )
    bounds = np.searchsorted(which, np.arange(len(edges) + 1)).tolist()
    known: dict[tuple[Any, ...], tuple[tuple[tuple[str, str], ...], str]] = {}
    pieces = []
    for index, (u, v, key, data) in enumerate(edges):
        rows, road_class = _piece_popup(data, known)
        way = json_value(data.get("osmid"))
        ids = {"name": json_value(data.get("name")), "ref": json_value(data.get("ref"))}
        pieces.append(
            Piece(
                kind=kind or road_class,
                rows=rows,
                title=_edge_title({**ids, "osmid": way}),
                edge=f"{u}-{v}-{key} (way {way})",
                way=way,
                u=u,
                v=v,
                coords=coords[bounds[index] : bounds[index + 1]],
            )
        )
    return pieces


def add_network_layers(fmap: folium.Map, network: Network) -> list[folium.FeatureGroup]:
    """Add the corridor roads (by class) and rail lines; return the two groups.

    Pieces of one road with the same popup are joined and simplified
    (:mod:`mobility.maps._network_lines`), so that a country's network stays a
    page of a few megabytes.
    """
    roads = _group(fmap, "Corridor roads")
    joined = join_pieces(_pieces(network.road), order=list(ROAD_STYLES))
    JsCall("network", fmap, {"group": roads}, {"styles": ROAD_STYLES, "groups": joined}).add_to(
        roads
    )
    rail = _group(fmap, "Corridor rail")
    rail_joined = join_pieces(_pieces(network.rail, "rail"), order=["rail"])
    JsCall(
        "network", fmap, {"group": rail}, {"styles": {"rail": RAIL_STYLE}, "groups": rail_joined}
    ).add_to(rail)
    kinds = {group["k"] for group in joined}
    items = [
        {"label": name, "colour": style["color"]}
        for name, style in ROAD_STYLES.items()
        if name in kinds
    ]
    items.append({"label": "rail", "colour": RAIL_STYLE["color"], "dash": True})
    _legend(fmap, "Network", items, open_=False)
    return [roads, rail]


__all__ = ["add_network_layers"]
