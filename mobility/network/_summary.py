"""Per-corridor statistics of a loaded network."""

from __future__ import annotations

from typing import Any

from mobility.network.load import Network


def network_summary(network: Network) -> dict[str, Any]:
    """Per-corridor statistics: nodes, edges, km by road class and rail, structures."""
    summary: dict[str, Any] = {}
    # Listed once, walked once per corridor in the same order (as many scans of the views).
    road_data = [data for _, _, data in network.road.edges(data=True)]
    rail_data = [data for _, _, data in network.rail.edges(data=True)]
    for corridor_id in network.corridors.corridors:
        entry: dict[str, Any] = {"road_km_by_class": {}, "rail_km": 0.0}
        road_nodes = [
            n for n, c in network.road.nodes(data="corridors") if corridor_id in (c or ())
        ]
        rail_nodes = [
            n for n, c in network.rail.nodes(data="corridors") if corridor_id in (c or ())
        ]
        entry["road_nodes"] = len(road_nodes)
        entry["rail_nodes"] = len(rail_nodes)
        bridges: set[str] = set()
        tunnels: dict[str, set[str]] = {}
        road_edges = 0
        for data in road_data:
            if corridor_id not in data.get("corridors", ()):
                continue
            road_edges += 1
            # Two-way edges exist once per direction: count road length once.
            share = 0.5 if not data.get("oneway", False) else 1.0
            highway = str(data.get("highway"))
            entry["road_km_by_class"][highway] = (
                entry["road_km_by_class"].get(highway, 0.0) + share * data["length_m"] / 1000
            )
            label = str(data.get("name") or data.get("ref") or f"way {data.get('osmid')}")
            if data.get("bridge"):
                bridges.add(label)
            if data.get("tunnel"):
                tunnels.setdefault(str(data.get("tunnel_category", "unknown")), set()).add(label)
        rail_edges = 0
        for data in rail_data:
            if corridor_id in data.get("corridors", ()):
                rail_edges += 1
                entry["rail_km"] += 0.5 * data["length_m"] / 1000
        entry["road_edges"] = road_edges
        entry["rail_edges"] = rail_edges
        entry["bridges"] = sorted(bridges)
        entry["tunnels_by_category"] = {
            cat: sorted(names) for cat, names in sorted(tunnels.items())
        }
        entry["border_crossings"] = sorted(
            p.name + ("" if p.node is not None else " (not on the loaded network)")
            for p in network.places
            if p.kind == "bcp" and corridor_id in p.corridors
        )
        summary[corridor_id] = entry
    return summary
