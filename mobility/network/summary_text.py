"""The network summary as text and as a JSON document (what ``mobility network`` prints)."""

from __future__ import annotations

from typing import Any

from mobility.network._summary import network_summary
from mobility.network.load import Network

__all__ = ["corridor_lines", "summary_document"]

#: Bridges named per corridor before the list is cut short with "...".
BRIDGES_NAMED = 8


def summary_document(network: Network) -> dict[str, Any]:
    """Return the per-corridor summary and the load report, ready for JSON."""
    return {"corridors": network_summary(network), "report": network.report.to_dict()}


def corridor_lines(network: Network) -> list[str]:
    """Return six lines per corridor: name, road, rail, bridges, tunnels, border crossings."""
    lines: list[str] = []
    for corridor_id, entry in network_summary(network).items():
        name = network.corridors.corridors[corridor_id].name
        road_km = sum(entry["road_km_by_class"].values())
        classes = ", ".join(
            f"{cls} {km:,.0f}"
            for cls, km in sorted(entry["road_km_by_class"].items(), key=lambda kv: -kv[1])
        )
        tunnels = "; ".join(
            f"{cat}: {', '.join(names)}" for cat, names in entry["tunnels_by_category"].items()
        )
        lines += [
            f"{corridor_id} - {name}",
            f"  road: {entry['road_nodes']:,} nodes, {entry['road_edges']:,} edges, "
            f"{road_km:,.0f} km ({classes or 'none'})",
            f"  rail: {entry['rail_nodes']:,} nodes, {entry['rail_edges']:,} edges, "
            f"{entry['rail_km']:,.0f} km",
            f"  bridges: {_bridges(entry['bridges'])}",
            f"  tunnels by ADR category: {tunnels or 'none'}",
            f"  border crossings: {', '.join(entry['border_crossings']) or 'none'}",
        ]
    return lines


def _bridges(bridges: list[str]) -> str:
    """Return the bridge count and the first :data:`BRIDGES_NAMED` names."""
    if not bridges:
        return "0"
    more = ", ..." if len(bridges) > BRIDGES_NAMED else ""
    return f"{len(bridges)} ({', '.join(bridges[:BRIDGES_NAMED])}{more})"
