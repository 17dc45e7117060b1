"""Per-corridor statistics: km by road class counted once per road, structures, crossings."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from mobility.model.corridor import load_corridors
from mobility.network._summary import network_summary
from mobility.network.load import Network
from mobility.network.places import NetworkPlace

DATA = Path(__file__).parent.parent / "data"


def _network() -> Network:
    road = nx.MultiDiGraph()
    road.add_nodes_from([(n, {"corridors": ("tiny",)}) for n in (1, 2, 3)])
    road.add_node(9, corridors=("west",))
    # A two-way primary road, 1 km, as two directed edges of one way.
    for u, v in ((1, 2), (2, 1)):
        road.add_edge(
            u, v, length_m=1000.0, highway="primary", oneway=False, corridors=("tiny",), osmid=7
        )
    # A one-way motorway bridge of 2 km and a tunnel of category C.
    road.add_edge(
        2, 3, length_m=2000.0, highway="motorway", oneway=True, corridors=("tiny",),
        bridge=True, name="Brug",
    )  # fmt: skip
    road.add_edge(
        3, 2, length_m=500.0, highway="motorway", oneway=True, corridors=("tiny",),
        tunnel=True, tunnel_category="C", ref="A4", osmid=8,
    )  # fmt: skip
    road.add_edge(9, 9, length_m=300.0, highway="secondary", oneway=True, corridors=("west",))
    rail = nx.MultiDiGraph()
    rail.add_nodes_from([(n, {"corridors": ("tiny",)}) for n in (5, 6)])
    rail.add_edge(5, 6, length_m=4000.0, corridors=("tiny",))
    rail.add_edge(6, 5, length_m=4000.0, corridors=("tiny",))
    crossing = NetworkPlace("bcp", "Far crossing", ("tiny",), 4.0, 52.0, "road", None, 9000.0)
    near = NetworkPlace("bcp", "Near crossing", ("tiny",), 4.0, 52.0, "road", 1, 3.0)
    corridors = load_corridors(DATA / "corridors-tiny.yaml")
    return Network(road, rail, corridors, [crossing, near])


def test_lengths_structures_and_crossings_per_corridor() -> None:
    summary = network_summary(_network())
    assert set(summary) == {"west", "east", "tiny"}
    tiny = summary["tiny"]
    assert tiny["road_km_by_class"] == pytest.approx({"primary": 1.0, "motorway": 2.5})
    assert tiny["rail_km"] == pytest.approx(4.0)
    assert (tiny["road_nodes"], tiny["road_edges"], tiny["rail_nodes"], tiny["rail_edges"]) == (
        3, 4, 2, 2,
    )  # fmt: skip
    assert tiny["bridges"] == ["Brug"]
    assert tiny["tunnels_by_category"] == {"C": ["A4"]}
    assert tiny["border_crossings"] == [
        "Far crossing (not on the loaded network)",
        "Near crossing",
    ]
    assert summary["west"]["road_km_by_class"] == pytest.approx({"secondary": 0.3})
    assert summary["east"]["road_edges"] == 0 and summary["east"]["border_crossings"] == []
