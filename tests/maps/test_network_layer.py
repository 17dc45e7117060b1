"""The network layers' pieces, read from the graph in one go."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
from shapely.geometry import LineString

import mobility
from mobility.maps._layers import _edge_rows, _edge_title, _road_class, _undirected
from mobility.maps._network_layer import _pieces
from mobility.network.export import edge_features


def _expected(graph: nx.MultiDiGraph, kind: str | None = None) -> list[tuple[object, ...]]:
    """What each piece is, made from the graph's features one by one."""
    out: list[tuple[object, ...]] = []
    for feature in _undirected(edge_features(graph)):
        p = feature["properties"]
        rows = _edge_rows(p)
        out.append(
            (
                kind or _road_class(p.get("highway")),
                tuple((label, text) for label, text in rows if label != "Edge"),
                _edge_title(p),
                rows[-1][1],
                p.get("osmid"),
                p["u"],
                p["v"],
                [list(c[:2]) for c in feature["geometry"]["coordinates"]],
            )
        )
    return out


def _found(graph: nx.MultiDiGraph, kind: str | None = None) -> list[tuple[object, ...]]:
    return [
        (p.kind, p.rows, p.title, p.edge, p.way, p.u, p.v, [list(c) for c in p.coords])
        for p in _pieces(graph, kind)
    ]


def test_pieces_are_the_features_of_one_direction_with_their_popups(
    atlas: mobility.Network,
) -> None:
    assert _found(atlas.road) == _expected(atlas.road)
    assert _found(atlas.rail, "rail") == _expected(atlas.rail, "rail")


def test_pieces_with_lists_nan_and_unhashable_tags_keep_their_own_popups() -> None:
    graph = nx.MultiDiGraph()
    line = LineString([(5.0, 52.0), (5.005, 52.001), (5.01, 52.0)])
    tags: list[dict[str, Any]] = [
        {"highway": ["primary", "secondary"], "ref": ["N1", "N2"], "corridors": ["north"]},
        {"highway": "primary", "ref": ["N1", "N2"], "corridors": ["north"], "maxweight_t": 30.0},
        {"highway": "primary_link", "maxspeed_kph": math.nan, "corridors": ("north",)},
        {"highway": "primary", "usage": {"main": 1}, "osmid": [7, 8]},
        {"highway": "primary", "name": "Weg", "osmid": 9},
        {"highway": "primary", "name": "Weg", "osmid": 10},  # the same popup, another title
    ]
    for index, data in enumerate(tags):
        graph.add_edge(index, index + 1, key=0, geometry=line, length=1.0, **data)
    assert _found(graph) == _expected(graph)
