"""List the restricted elements of each corridor: bridges, tunnels, clearances.

Runs as-is on the embedded corridor atlas, or on a real extract:

    python examples/restricted_elements.py
    python examples/restricted_elements.py --osm netherlands-latest.osm.pbf --corridor south
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mobility

LIMITS = (
    ("mlc_wheeled", "MLC wheeled", ""),
    ("mlc_tracked", "MLC tracked", ""),
    ("maxweight_t", "max weight", " t"),
    ("maxheight_m", "max height", " m"),
    ("maxwidth_m", "max width", " m"),
    ("tunnel_category", "ADR tunnel category", ""),
)


def restricted(network: mobility.Network, corridor: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (label, limits) once per restricted element of a corridor's roads."""
    seen: set[int] = set()
    for _, _, data in network.road.edges(data=True):
        if corridor not in data.get("corridors", ()) or data["osmid"] in seen:
            continue
        limits = {key: data[key] for key, _, _ in LIMITS if data.get(key) is not None}
        if limits or data.get("bridge") or data.get("tunnel"):
            seen.add(data["osmid"])
            kind = "tunnel" if data.get("tunnel") else "bridge" if data.get("bridge") else "road"
            name = data.get("name") or data.get("ref") or data["osmid"]
            label = f"{name} ({kind}, {data.get('ref', '-')})"
            yield label, limits


def main() -> None:
    """Print restricted elements per corridor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--osm", type=Path, help="real extract instead of the embedded atlas")
    parser.add_argument("--corridor", action="append", help="corridor(s) to list (default: all)")
    args = parser.parse_args()
    network = mobility.load_network(args.osm, corridors=args.corridor)
    for corridor in network.corridors.corridors:
        print(f"== {corridor}")
        for label, limits in sorted(restricted(network, corridor)):
            text = ", ".join(
                f"{name} {limits[key]:g}{unit}"
                if isinstance(limits[key], float)
                else f"{name} {limits[key]}{unit}"
                for key, name, unit in LIMITS
                if key in limits
            )
            print(f"  {label}: {text or 'no limit tagged'}")


if __name__ == "__main__":
    main()
