from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx
import pytest

import mobility
from mobility.model.vehicle import VehicleCatalogue
from mobility.routing.router import Router


def make_graph(
    edges: Iterable[tuple[int, int, dict[str, Any]]], two_way: bool = True
) -> nx.MultiDiGraph:
    """A small road graph; nodes 1 km apart on x by id unless given positions."""
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    for u, v, data in edges:
        for node in (u, v):
            if node not in graph:
                graph.add_node(node, x=4.0 + 0.01 * node, y=52.0)
        attributes = {"length_m": 1000.0, "highway": "primary", "osmid": 100 * u + v, **data}
        graph.add_edge(u, v, **attributes)
        if two_way:
            graph.add_edge(v, u, **{**attributes, "reversed": True})
    return graph


@pytest.fixture(scope="session")
def atlas() -> mobility.Network:
    return mobility.load_network(use_cache=False)


@pytest.fixture(scope="session")
def router(atlas: mobility.Network, catalogue: VehicleCatalogue) -> Router:
    return Router(atlas, catalogue)
