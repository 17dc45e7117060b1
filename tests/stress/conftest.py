from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from shapely.geometry import LineString

import mobility
from mobility.model.corridor import load_corridors
from mobility.network.load import Network
from mobility.network.places import NetworkPlace
from mobility.stress.capacity import CapacityModel
from mobility.stress.impact import StressContext

DATA = Path(__file__).parent.parent / "data"
EXAMPLES = Path(__file__).parent.parent.parent / "examples"
#: Port gates far above any edge: the tiny networks' edges bind.
OPEN_GATES = CapacityModel(port_exit_veh_per_h={"default": 100_000.0})


def graph_of(
    edges: Iterable[tuple[int, int, dict[str, Any]]], *, rail: bool = False
) -> nx.MultiDiGraph:
    """Two-way graph; nodes 0.01 degree apart on x; osmid = 100 u + v."""
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    for u, v, data in edges:
        for node in (u, v):
            if node not in graph:
                graph.add_node(node, x=4.0 + 0.01 * node, y=52.0, corridors=["tiny"])
        kind = {"railway": "rail", "tracks": 2} if rail else {"highway": "primary", "lanes": 1}
        attributes = {
            "length_m": 1000.0,
            "osmid": 100 * u + v,
            "corridors": ["tiny"],
            **kind,
            **data,
        }
        a, b = (4.0 + 0.01 * u, 52.0), (4.0 + 0.01 * v, 52.0)
        graph.add_edge(u, v, **attributes, reversed=False, geometry=LineString([a, b]))
        graph.add_edge(v, u, **attributes, reversed=True, geometry=LineString([b, a]))
    return graph


def place(kind: str, place_id: str, node: int, mode: str = "road") -> NetworkPlace:
    return NetworkPlace(kind, place_id.upper(), ("tiny",), 4.0, 52.0, mode, node, 0.0, place_id)


def diamond() -> Network:
    """Port 1 -> {2, 3} -> crossing 4; 1-2-4 short (Short bridge on 2-4), 1-3-4 long.

    Rail: terminal 11 -> 12 -> crossing 13 (one line) plus a branch 11 -> 14 -> 13.
    """
    road = graph_of(
        [
            (1, 2, {"name": "Short road"}),
            (2, 4, {"name": "Short bridge", "bridge": True, "ref": "A1"}),
            (1, 3, {"name": "Long road", "length_m": 3000.0}),
            (3, 4, {"name": "Long road east", "length_m": 3000.0, "ref": "A1"}),
        ]
    )
    rail = graph_of(
        [
            (11, 12, {"name": "Main line"}),
            (12, 13, {"name": "Main line"}),
            (11, 14, {"name": "Branch", "tracks": 1}),
            (14, 13, {"name": "Branch", "tracks": 1}),
        ],
        rail=True,
    )
    # The branch runs beside the main line: through 14 at x = 4.14 it would turn back
    # on itself, which a train cannot do.
    rail.nodes[14]["x"], rail.nodes[14]["y"] = 4.12, 52.002
    for u, v, data in rail.edges(data=True):
        if 14 in (u, v):
            nodes = rail.nodes
            data["geometry"] = LineString([(nodes[n]["x"], nodes[n]["y"]) for n in (u, v)])
    places = [
        place("spod", "spod-a", 1),
        place("bcp", "bcp-d", 4),
        place("rail_terminal", "rt-a", 11, "rail"),
        place("bcp", "bcp-rail-d", 13, "rail"),
    ]
    return Network(
        road=road, rail=rail, corridors=load_corridors(DATA / "corridors-tiny.yaml"), places=places
    )


@pytest.fixture
def tiny() -> Network:
    return diamond()


@pytest.fixture
def tiny_context(tiny: Network) -> StressContext:
    return StressContext(tiny, vehicles=("man-hx2-6x6",), capacity=OPEN_GATES)


@pytest.fixture(scope="session")
def atlas() -> mobility.Network:
    return mobility.load_network(use_cache=False)


@pytest.fixture(scope="session")
def atlas_context(atlas: mobility.Network) -> StressContext:
    return StressContext(atlas)
