"""Route matrix: which vehicle types have a road route from each port to each crossing.

For every port x road border crossing x vehicle type of the catalogue, prints
the main supply route's length and classification, or the elements that cut
every route. Runs as-is on the embedded atlas, or on a real extract:

    python examples/vehicle_route_matrix.py
    python examples/vehicle_route_matrix.py --vehicle leopard-2a7 --vehicle fuel-tanker
    python examples/vehicle_route_matrix.py --osm netherlands-latest.osm.pbf
"""

from __future__ import annotations

import argparse
from pathlib import Path

import mobility


def main() -> None:
    """Print the route matrix."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--osm", type=Path, help="real extract instead of the embedded atlas")
    parser.add_argument("--vehicle", action="append", help="vehicle type(s) (default: all)")
    args = parser.parse_args()
    router = mobility.Router(mobility.load_network(args.osm))
    vehicles = [router.catalogue.get(v) for v in args.vehicle or sorted(router.catalogue.types)]
    places = [p for p in router.network.places if p.mode == "road" and p.node is not None]
    ports = [p for p in places if p.kind == "spod"]
    crossings = [p for p in places if p.kind == "bcp"]
    for port in ports:
        for crossing in crossings:
            print(f"== {port.name} -> {crossing.name}")
            for vehicle in vehicles:
                try:
                    plan = router.route(port.place_id, crossing.place_id, vehicle, k=1)
                except mobility.NoRouteError as error:
                    cut = ", ".join(b.describe() for b in error.blocking) or "not connected"
                    print(f"  {vehicle.id:<24} no route: {cut}")
                    continue
                msr = plan.routes[0]
                notation = msr.classification.notation if msr.classification else "-"
                print(
                    f"  {vehicle.id:<24} {msr.length_m / 1000:6.1f} km "
                    f"{msr.driving_s / 3600:4.1f} h  {notation}"
                )


if __name__ == "__main__":
    main()
