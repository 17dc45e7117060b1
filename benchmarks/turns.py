"""Turn-aware routing: its cost against node routing, and rail reversals on the 2014 railways.

Part 1, speed. On the real The Hague main roads (``nl332-the-hague-main-roads.osm``,
unclipped) and on a generated road-like graph (``--nodes``, as in
``benchmarks.routing``): the build of the turn arcs and of the edge-based
:class:`~mobility.routing.turn_engine.TurnPathEngine`, and one-to-all times
against the node-based :class:`~mobility.routing.engine.PathEngine` from the
same seeded sources; then ``Router.route(..., k=3)`` on the embedded atlas
(every road port x road border crossing x four vehicle types), warm, with
turns ignored and turn-aware, and how many best routes differ in length.

Part 2, rail. On the 2014 railways shapefile (``nl-railways-2014``) with the
default corridors: between every pair of rail terminals and ramps, the
shortest track path (node Dijkstra, turns ignored) and the turn-aware train
route: reversals outside the allowed places before and after, and the length
ratio where both exist.

Run: ``python -m benchmarks.turns [--nodes 200000] [--seed 7]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

import mobility
from benchmarks._machine import machine, write_json
from benchmarks.routing import road_like_graph
from mobility import settings
from mobility.errors import DataError, InfeasibleError
from mobility.network.build import BuildOptions
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import PathEngine
from mobility.routing.router import Router
from mobility.routing.turn_engine import TurnPathEngine
from mobility.routing.turns import RAIL_TURNS, ROAD_TURNS, edge_bearings, turn_angles_deg, turn_arcs

RESULTS = Path(__file__).parent / "results"
VEHICLES = ("leopard-2a7", "boxer-apc", "ammunition-truck-1-1", "m1a2-sepv3")


def engines(table: EdgeTable, sources: int, seed: int) -> dict[str, Any]:
    """Build and one-to-all times of the node and the turn-aware engine."""
    weights = table.length_m
    every = np.arange(table.n_edges)
    started = time.perf_counter()
    node = PathEngine(table.n_nodes, table.u, table.v, every, weights)
    node_build_s = time.perf_counter() - started
    started = time.perf_counter()
    arcs = turn_arcs(table, ROAD_TURNS)
    arcs_s = time.perf_counter() - started
    started = time.perf_counter()
    turn = TurnPathEngine(table.n_nodes, table.u, table.v, every, weights, arcs)
    turn_build_s = time.perf_counter() - started
    picked = np.random.default_rng(seed).choice(table.n_nodes, sources, replace=False)
    times: dict[str, float] = {}
    for name, engine in (("node", node), ("turn", turn)):
        started = time.perf_counter()
        for source in picked.tolist():
            engine.one_to_all(source)
        times[name] = (time.perf_counter() - started) / sources
    return {
        "nodes": table.n_nodes,
        "edges": table.n_edges,
        "turn_arcs": len(arcs.from_edge),
        "node_build_s": node_build_s,
        "turn_arcs_s": arcs_s,
        "turn_build_s": turn_build_s,
        "node_one_to_all_s": times["node"],
        "turn_one_to_all_s": times["turn"],
    }


def atlas_routes() -> dict[str, Any]:
    """Warm Router.route times on the atlas, turns ignored and turn-aware."""
    atlas = mobility.load_network(use_cache=False)
    queries = [
        (o.place_id, d.place_id)
        for o in atlas.places
        if o.kind == "spod" and o.node is not None
        for d in atlas.places
        if d.kind == "bcp" and d.mode == "road" and d.node is not None
    ]
    result: dict[str, Any] = {}
    lengths: dict[str, list[float]] = {}
    for label, router in (
        ("node", Router(atlas, road_turns=None, rail_turns=None)),
        ("turn", Router(atlas)),
    ):
        router.route(*queries[0], "boxer-apc", k=3, start="2026-11-24T06:00")  # warm-up
        started, found = time.perf_counter(), []
        for (origin, destination), vehicle in itertools.product(queries, VEHICLES):
            try:
                plan = router.route(origin, destination, vehicle, k=3, start="2026-11-24T06:00")
                found.append(plan.routes[0].length_m)
            except (InfeasibleError, DataError):
                found.append(float("nan"))
        result[f"{label}_route_s"] = (time.perf_counter() - started) / len(found)
        lengths[label] = found
    result["queries"] = len(lengths["node"])
    result["msr_length_differs"] = sum(
        not np.isclose(a, b, equal_nan=True) for a, b in zip(*lengths.values(), strict=True)
    )
    return result


def rail_reversals(folder: Path) -> dict[str, Any]:
    """Reversals and length ratios of train routes among terminals on the 2014 railways."""
    network = mobility.load_network(folder, use_cache=False)
    router = Router(network)
    table = router.table("rail")
    allowed = router.reversal_nodes("rail")
    starts, ends = edge_bearings(table, RAIL_TURNS.bearing_lookahead_m)
    shortest = PathEngine(table.n_nodes, table.u, table.v, np.arange(table.n_edges), table.length_m)

    def reversals(edges: list[int]) -> int:
        path = np.array(edges, dtype=np.int64)
        if len(path) < 2:
            return 0
        turn = turn_angles_deg(ends, starts, path[:-1], path[1:])
        sharp = np.flatnonzero(np.abs(turn) > RAIL_TURNS.max_deflection_deg)
        return sum(int(table.nodes[table.v[path[i]]]) not in allowed for i in sharp)

    terminals = [
        p for p in network.places if p.mode == "rail" and p.kind == "rail_terminal" and p.node
    ]
    rows = []
    for a, b in itertools.combinations(terminals, 2):
        base = shortest.shortest_path(table.index(a.node), table.index(b.node))
        row: dict[str, Any] = {"pair": f"{a.place_id} - {b.place_id}"}
        if base is not None:
            row["shortest_m"] = float(table.length_m[base].sum())
            row["shortest_reversals"] = reversals(base)
            try:
                route = router.route(a.place_id, b.place_id, "leopard-2a7", mode="rail", k=1)
                edges = [table.key_index[key] for key in route.routes[0].edges]
                row["route_m"] = route.routes[0].length_m
                row["route_reversals"] = reversals(edges)
            except InfeasibleError:
                row["route_m"] = None
        rows.append(row)
    routed = [r for r in rows if r.get("route_m")]
    return {
        "pairs": len(rows),
        "connected": sum("shortest_m" in r for r in rows),
        "shortest_with_reversal": sum(bool(r.get("shortest_reversals")) for r in rows),
        "routed": len(routed),
        "routed_with_reversal": sum(bool(r["route_reversals"]) for r in routed),
        "max_length_ratio": max((r["route_m"] / r["shortest_m"] for r in routed), default=None),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    """Run both parts and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--sources", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS / "turns.json")
    args = parser.parse_args(argv)
    shared = settings.shared_osm_dir
    results: dict[str, Any] = {"machine": machine(("numpy", "scipy", "shapely")), "engines": []}
    hague = shared / "nl332-the-hague-main-roads.osm"
    if hague.is_file():
        network = mobility.load_network(hague, options=BuildOptions(clip=False), use_cache=False)
        results["engines"].append(
            {"graph": hague.name, **engines(EdgeTable.from_graph(network.road), 50, args.seed)}
        )
    generated, _ = road_like_graph(args.nodes, args.seed)
    results["engines"].append(
        {
            "graph": f"generated {args.nodes}",
            **engines(EdgeTable.from_graph(generated), args.sources, args.seed),
        }
    )
    for row in results["engines"]:
        print(
            f"{row['graph']}: {row['edges']:,} edges, {row['turn_arcs']:,} turns; build node "
            f"{row['node_build_s']:.2f} s, turn arcs {row['turn_arcs_s']:.2f} s + engine "
            f"{row['turn_build_s']:.2f} s; one-to-all node {row['node_one_to_all_s'] * 1000:.1f} "
            f"ms, turn {row['turn_one_to_all_s'] * 1000:.1f} ms "
            f"(x{row['turn_one_to_all_s'] / row['node_one_to_all_s']:.2f})"
        )
    atlas = results["atlas"] = atlas_routes()
    print(
        f"atlas Router.route k=3, {atlas['queries']} queries: node "
        f"{atlas['node_route_s'] * 1000:.1f} ms, turn-aware {atlas['turn_route_s'] * 1000:.1f} ms "
        f"per query; best routes of a different length: {atlas['msr_length_differs']}"
    )
    railways = shared / "nl-railways-2014"
    if railways.is_dir():
        rail = results["rail"] = rail_reversals(railways)
        ratios = [r["route_m"] / r["shortest_m"] for r in rail["rows"] if r.get("route_m")]
        print(
            f"2014 railways, {rail['pairs']} terminal pairs ({rail['connected']} connected): "
            f"shortest track paths reversing {rail['shortest_with_reversal']}; train routes "
            f"{rail['routed']}, reversing {rail['routed_with_reversal']}; length ratio median "
            f"{statistics.median(ratios):.3f}, max {max(ratios):.3f}"
        )
    write_json(args.out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
