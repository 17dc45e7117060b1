"""Routing speed: scipy path engine against plain networkx, and the atlas query set.

Part 1, one-to-all shortest paths. On two graphs, the real The Hague main
roads extract (``nl332-the-hague-main-roads.osm`` in the shared OSM folder,
loaded without clipping; skipped when absent) and a generated road-like graph
(a jittered grid of ``--nodes`` nodes, ~250 m spacing, two-way edges between
grid neighbours, 5 % of them removed, node ids spread at random over the OSM
id range so that the engine's id order has no spatial locality), the
:class:`~mobility.routing.engine.PathEngine` one-to-all (scipy's C Dijkstra)
is timed against ``networkx.single_source_dijkstra_path_length`` from the same
seeded sources (drawn from the largest strongly connected component). Both
answers must agree (the same reached nodes, distances within 1e-6 relative):
otherwise the script exits non-zero. The table and engine build, paid once per
graph, is reported apart, with the number of queries after which it pays off.

Part 2, all alternatives on the embedded atlas: every road port x road border
crossing x vehicle type of the catalogue, ``Router.route(..., k=3)`` (an
infeasible query computes its explanation, also timed). Reported cold (a fresh
``Router``, whose first queries build the tables and engines), after one
warm-up call, and fully warm (a second pass). Baseline, same run: one
``networkx.shortest_path`` per query on a view of the feasible edges, weighted
by the column travel time: a lower bound of what networkx would cost, since
the router also finds two alternates, schedules, classifies and explains. The
router's best route (MSR) must cost what networkx finds, and the two must agree
on which queries have no route.

Run: ``python -m benchmarks.routing [--nodes 200000] [--repeats 5] [--seed 7]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from math import nan
from pathlib import Path
from typing import Any, NamedTuple

import networkx as nx
import numpy as np
from numpy.typing import NDArray

import mobility
from benchmarks._machine import machine, timed, write_json
from mobility.errors import DataError, InfeasibleError
from mobility.routing.edges import EdgeTable
from mobility.routing.engine import PathEngine
from mobility.routing.feasibility import feasible_edges
from mobility.routing.requirements import Requirements
from mobility.routing.resolve import resolve_place
from mobility.routing.router import Router
from mobility.routing.timing import column_speeds_kph, travel_times_s

RESULTS = Path(__file__).parent / "results"
REAL_EXTRACT = "nl332-the-hague-main-roads.osm"
MAX_NODE_ID = 12_500_000_000
GRID_SPACING_M = 250.0
JITTER_M = 50.0
REMOVED_SHARE = 0.05
RELATIVE_TOLERANCE = 1e-6
START = "2026-11-24T06:00+01:00"
K = 3


def road_like_graph(n_nodes: int, seed: int) -> tuple[nx.MultiDiGraph, dict[str, Any]]:
    """A jittered grid of about ``n_nodes`` nodes with two-way edges of ``length_m``.

    Parameters
    ----------
    n_nodes
        Wanted node count; the grid side is ``round(sqrt(n_nodes))``.
    seed
        Seed of the positions, removed edges and node ids.

    Returns
    -------
    graph, counts
        The graph (node ``x``/``y`` in metres of a local plane) and its counts.
    """
    rng = np.random.default_rng(seed)
    side = max(2, round(float(np.sqrt(n_nodes))))
    count = side * side
    rows, cols = np.divmod(np.arange(count), side)
    x = cols * GRID_SPACING_M + rng.uniform(-JITTER_M, JITTER_M, count)
    y = rows * GRID_SPACING_M + rng.uniform(-JITTER_M, JITTER_M, count)
    ids = rng.permutation(np.sort(rng.choice(MAX_NODE_ID, size=count, replace=False)) + 1)
    grid = np.arange(count).reshape(side, side)
    a = np.concatenate([grid[:, :-1].ravel(), grid[:-1, :].ravel()])
    b = np.concatenate([grid[:, 1:].ravel(), grid[1:, :].ravel()])
    kept = rng.random(len(a)) >= REMOVED_SHARE
    a, b = a[kept], b[kept]
    length = np.hypot(x[a] - x[b], y[a] - y[b])
    graph = nx.MultiDiGraph()
    id_list = ids.tolist()
    graph.add_nodes_from(
        (node, {"x": px, "y": py})
        for node, px, py in zip(id_list, x.tolist(), y.tolist(), strict=True)
    )
    ua, ub = ids[a].tolist(), ids[b].tolist()
    lengths = length.tolist()
    graph.add_edges_from((s, t, {"length_m": m}) for s, t, m in zip(ua, ub, lengths, strict=True))
    graph.add_edges_from((t, s, {"length_m": m}) for s, t, m in zip(ua, ub, lengths, strict=True))
    counts = {
        "grid_side": side,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "grid_edges_removed": int((~kept).sum()),
    }
    return graph, counts


def compare_one_to_all(
    name: str, graph: nx.MultiDiGraph, repeats: int, seed: int, failures: list[str]
) -> dict[str, Any]:
    """Time engine and networkx one-to-all searches on ``graph`` and check they agree.

    Parameters
    ----------
    name
        Graph name in messages.
    graph
        A ``MultiDiGraph`` with integer node ids and ``length_m`` on its edges.
    repeats
        Number of sources.
    seed
        Seed of the source draw.
    failures
        Disagreements are appended here.

    Returns
    -------
    dict
        Build and per-query times, speed-up, reached-node counts.
    """
    table, table_s = timed(lambda: EdgeTable.from_graph(graph))
    weights = table.length_m
    engine, engine_s = timed(
        lambda: PathEngine(table.n_nodes, table.u, table.v, np.arange(table.n_edges), weights)
    )
    component = max(nx.strongly_connected_components(graph), key=len)
    rng = np.random.default_rng(seed)
    candidates = sorted(component)
    sources = [candidates[i] for i in rng.choice(len(candidates), size=repeats, replace=False)]
    scipy_s: list[float] = []
    networkx_s: list[float] = []
    reached: list[int] = []
    worst = 0.0
    for node in sources:
        started = time.perf_counter()
        distances, _ = engine.one_to_all(table.index(node))
        scipy_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        expected = nx.single_source_dijkstra_path_length(graph, node, weight="length_m")
        networkx_s.append(time.perf_counter() - started)
        found = np.flatnonzero(np.isfinite(distances))
        reached.append(len(found))
        found_nodes = set(table.nodes[found].tolist())
        if found_nodes != set(expected):
            failures.append(
                f"{name}: source {node}: engine reaches {len(found_nodes):,} nodes, "
                f"networkx {len(expected):,} ({len(found_nodes ^ set(expected)):,} differ)"
            )
            continue
        want = np.array([expected[n] for n in table.nodes[found].tolist()], dtype=np.float64)
        error = float(np.max(np.abs(distances[found] - want) / np.maximum(want, 1.0)))
        worst = max(worst, error)
        if error >= RELATIVE_TOLERANCE:
            failures.append(
                f"{name}: source {node}: distances differ by up to {error:.2e} relative"
            )
    scipy_median = statistics.median(scipy_s)
    networkx_median = statistics.median(networkx_s)
    build_s = table_s + engine_s
    gain_s = networkx_median - scipy_median
    return {
        "graph": name,
        "nodes": table.n_nodes,
        "edges": table.n_edges,
        "largest_scc_nodes": len(component),
        "sources": [int(s) for s in sources],
        "reached_nodes": reached,
        "edge_table_s": table_s,
        "engine_build_s": engine_s,
        "scipy_one_to_all_s": scipy_s,
        "networkx_one_to_all_s": networkx_s,
        "scipy_median_s": scipy_median,
        "networkx_median_s": networkx_median,
        "speedup_networkx_over_scipy": networkx_median / scipy_median,
        "break_even_queries": build_s / gain_s if gain_s > 0 else None,
        "max_relative_difference": worst,
    }


def query_name(places: list[Any], place: Any) -> str:
    """The place id if it resolves to ``place``, else its name."""
    try:
        if resolve_place(places, place.place_id, "road") == place:
            return str(place.place_id)
    except DataError:
        pass
    return str(place.name)


class Outcome(NamedTuple):
    """What one query gave: ``ok``, ``infeasible`` or an unexpected exception's text."""

    kind: str
    routes: int
    msr_cost_s: float
    seconds: float


def run_queries(
    router: Router,
    queries: list[tuple[str, str, str]],
    weights: Callable[[str], NDArray[np.float64]],
    index: dict[tuple[int, int, int], int],
) -> tuple[list[Outcome], float]:
    """Route every query; return the outcome of each and the total seconds.

    The MSR cost is its column travel time under ``weights(vehicle)``, for the
    comparison with networkx (taken after the query's clock stops).
    """
    outcomes: list[Outcome] = []
    total_started = time.perf_counter()
    for origin, destination, vehicle in queries:
        started = time.perf_counter()
        try:
            plan = router.route(origin, destination, vehicle, k=K, start=START)
        except InfeasibleError:
            outcomes.append(Outcome("infeasible", 0, nan, time.perf_counter() - started))
            continue
        except Exception as error:  # reported, not hidden: part of what is measured
            text = f"{type(error).__name__}: {error}"
            outcomes.append(Outcome(text, 0, nan, time.perf_counter() - started))
            continue
        seconds = time.perf_counter() - started
        edges = [index[key] for key in plan.routes[0].edges]
        cost = float(weights(vehicle)[edges].sum())
        outcomes.append(Outcome("ok", len(plan.routes), cost, seconds))
    return outcomes, time.perf_counter() - total_started


def atlas_queries(repeats: int, failures: list[str]) -> dict[str, Any]:
    """Time every port x crossing x vehicle type query on the embedded atlas.

    Parameters
    ----------
    repeats
        Passes of each timing (median reported).
    failures
        Router errors and disagreements with networkx are appended here.

    Returns
    -------
    dict
        Counts, cold / warm-up / warm times, and the networkx lower bound.
    """
    network, load_s = timed(mobility.load_network)
    router = Router(network)
    places = network.places
    ports = [p for p in places if p.kind == "spod" and p.mode == "road" and p.node is not None]
    crossings = [p for p in places if p.kind == "bcp" and p.mode == "road" and p.node is not None]
    vehicles = list(router.catalogue)
    queries = [
        (query_name(places, port), query_name(places, crossing), vehicle.id)
        for port in ports
        for crossing in crossings
        for vehicle in vehicles
    ]
    ends = [(port.node, crossing.node) for port in ports for crossing in crossings]
    table = EdgeTable.from_graph(network.road)
    index = {key: i for i, key in enumerate(table.keys)}
    needs = {v.id: Requirements.of([router.moved_as(v)]) for v in vehicles}
    times = {
        v: travel_times_s(table, column_speeds_kph(table, need.max_speed_kph))
        for v, need in needs.items()
    }

    cold_s, warmup_s, warm_s, construct_s = [], [], [], []
    feasible_s, infeasible_s = [], []
    passes: list[list[Outcome]] = []
    for _ in range(repeats):
        fresh, seconds = timed(lambda: Router(network))
        construct_s.append(seconds)
        outcomes, seconds = run_queries(fresh, queries, times.__getitem__, index)
        cold_s.append(construct_s[-1] + seconds)
        passes.append(outcomes)
        outcomes, seconds = run_queries(fresh, queries, times.__getitem__, index)
        warm_s.append(seconds)
        feasible_s.append(sum(o.seconds for o in outcomes if o.kind == "ok"))
        infeasible_s.append(sum(o.seconds for o in outcomes if o.kind == "infeasible"))
        passes.append(outcomes)
        after_one = Router(network)
        run_queries(after_one, queries[:1], times.__getitem__, index)
        outcomes, seconds = run_queries(after_one, queries, times.__getitem__, index)
        warmup_s.append(seconds)
        passes.append(outcomes)
    outcomes = passes[0]
    if any([o[:2] for o in other] != [o[:2] for o in outcomes] for other in passes[1:]):
        failures.append("atlas: the router's answers differ between passes")
    errors = sorted({o.kind for o in outcomes if o.kind not in ("ok", "infeasible")})
    failures.extend(f"atlas: router raised {text}" for text in errors)

    # Baseline: one networkx shortest path per query on the feasible edges.
    graph = network.road.copy()
    networkx_s = copied_s = 0.0
    setup_s = 0.0
    nx_outcomes: list[tuple[bool, float]] = []
    by_vehicle: dict[str, list[tuple[bool, float]]] = {}
    for vehicle in vehicles:
        started = time.perf_counter()
        mask = feasible_edges(table, needs[vehicle.id])
        for key, seconds in zip(table.keys, times[vehicle.id].tolist(), strict=True):
            graph.edges[key]["travel_s"] = seconds
        view = graph.edge_subgraph([table.keys[i] for i in np.flatnonzero(mask).tolist()])
        setup_s += time.perf_counter() - started
        copy = nx.MultiDiGraph(view)  # the same, materialised: no view filtering per lookup
        results = []
        for source, target in ends:
            started = time.perf_counter()
            with contextlib.suppress(nx.NetworkXNoPath, nx.NodeNotFound):
                nx.shortest_path(copy, source, target, weight="travel_s")
            copied_s += time.perf_counter() - started
            started = time.perf_counter()
            try:
                path = nx.shortest_path(view, source, target, weight="travel_s")
            except (nx.NetworkXNoPath, nx.NodeNotFound):
                path = None
            networkx_s += time.perf_counter() - started
            if path is None:
                results.append((False, float("nan")))
            else:
                results.append((True, float(nx.path_weight(view, path, weight="travel_s"))))
        by_vehicle[vehicle.id] = results
    for pair in range(len(ends)):
        nx_outcomes.extend(by_vehicle[vehicle.id][pair] for vehicle in vehicles)
    mismatched = 0
    worst = 0.0
    for (origin, destination, vehicle_id), (kind, _, cost, _), (has_path, nx_cost) in zip(
        queries, outcomes, nx_outcomes, strict=True
    ):
        if kind not in ("ok", "infeasible"):
            continue
        if (kind == "ok") != has_path:
            mismatched += 1
            failures.append(
                f"atlas: {origin} -> {destination}, {vehicle_id}: router {kind}, "
                f"networkx {'has a path' if has_path else 'has none'}"
            )
        elif has_path:
            error = abs(cost - nx_cost) / max(nx_cost, 1.0)
            worst = max(worst, error)
            if error >= RELATIVE_TOLERANCE:
                failures.append(
                    f"atlas: {origin} -> {destination}, {vehicle_id}: MSR {cost:.3f} s, "
                    f"networkx shortest {nx_cost:.3f} s"
                )
    n_queries = len(queries)
    warm_median = statistics.median(warm_s)
    with_route = sum(o.kind == "ok" for o in outcomes)
    infeasible = sum(o.kind == "infeasible" for o in outcomes)
    return {
        "atlas_load_s": load_s,
        "road_nodes": table.n_nodes,
        "road_edges": table.n_edges,
        "ports": len(ports),
        "crossings": len(crossings),
        "pairs": len(ends),
        "vehicle_types": len(vehicles),
        "queries": n_queries,
        "k": K,
        "with_route": with_route,
        "routes_found": sum(o.routes for o in outcomes),
        "infeasible": infeasible,
        "errors": errors,
        "router_construct_s": statistics.median(construct_s),
        "cold_s": cold_s,
        "after_one_warmup_s": warmup_s,
        "warm_s": warm_s,
        "cold_median_s": statistics.median(cold_s),
        "after_one_warmup_median_s": statistics.median(warmup_s),
        "warm_median_s": warm_median,
        "warm_per_query_ms": warm_median / n_queries * 1e3,
        "warm_with_route_s": statistics.median(feasible_s),
        "warm_per_query_with_route_ms": statistics.median(feasible_s) / max(with_route, 1) * 1e3,
        "warm_infeasible_s": statistics.median(infeasible_s),
        "warm_per_infeasible_query_ms": statistics.median(infeasible_s) / max(infeasible, 1) * 1e3,
        "networkx_one_shortest_path_per_query_s": networkx_s,
        "networkx_per_query_ms": networkx_s / n_queries * 1e3,
        "networkx_setup_per_vehicle_type_s": setup_s / len(vehicles),
        "router_warm_over_networkx_lower_bound": warm_median / networkx_s,
        "networkx_materialised_subgraph_s": copied_s,
        "networkx_materialised_per_query_ms": copied_s / n_queries * 1e3,
        "router_warm_over_networkx_materialised": warm_median / copied_s,
        "msr_vs_networkx_max_relative_difference": worst,
        "feasibility_mismatches": mismatched,
    }


def print_one_to_all(row: dict[str, Any]) -> None:
    """Print one graph's one-to-all comparison."""
    even = row["break_even_queries"]
    print(
        f"{row['graph']}: {row['nodes']:,} nodes, {row['edges']:,} edges "
        f"(largest SCC {row['largest_scc_nodes']:,}; reached per source "
        f"{min(row['reached_nodes']):,}..{max(row['reached_nodes']):,})\n"
        f"  one-to-all median: scipy engine {row['scipy_median_s'] * 1e3:8.1f} ms, "
        f"networkx {row['networkx_median_s'] * 1e3:8.1f} ms -> "
        f"{row['speedup_networkx_over_scipy']:.1f}x\n"
        f"  built once: edge table {row['edge_table_s']:.2f} s, engine "
        f"{row['engine_build_s']:.3f} s (pays off after "
        f"{'never' if even is None else f'{even:.1f}'} one-to-all queries); "
        f"max relative difference {row['max_relative_difference']:.1e}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Run both parts, print a summary and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS / "routing.json")
    args = parser.parse_args(argv)
    command = (
        f"python -m benchmarks.routing --nodes {args.nodes} --repeats {args.repeats} "
        f"--seed {args.seed}"
    )
    info = machine(("numpy", "scipy", "networkx", "mobility"))
    print(f"{command}\n{json.dumps(info)}\n", flush=True)
    failures: list[str] = []
    one_to_all: list[dict[str, Any]] = []
    skipped: list[str] = []

    # Unclipped, the real extract leaves the corridor places unattached (a warning each run).
    logging.basicConfig(level=logging.ERROR)
    real = Path(mobility.settings.shared_osm_dir) / REAL_EXTRACT
    if real.exists():
        network, load_s = timed(
            lambda: mobility.load_network(
                real, options=mobility.BuildOptions(clip=False), use_cache=False
            )
        )
        row = compare_one_to_all(REAL_EXTRACT, network.road, args.repeats, args.seed, failures)
        row["load_s"] = load_s
        one_to_all.append(row)
        print_one_to_all(row)
    else:
        skipped.append(f"{REAL_EXTRACT}: not found at {real} (set MOBILITY_SHARED_OSM)")
        print(f"skipped the real graph: {skipped[-1]}", flush=True)

    graph, counts = road_like_graph(args.nodes, args.seed)
    row = compare_one_to_all(
        f"generated grid {counts['nodes']:,}", graph, args.repeats, args.seed, failures
    )
    row["generated"] = counts
    one_to_all.append(row)
    print_one_to_all(row)
    del graph

    atlas = atlas_queries(args.repeats, failures)
    print(
        f"\natlas: {atlas['pairs']} port-crossing pairs x {atlas['vehicle_types']} vehicle types "
        f"= {atlas['queries']} queries (k={K}): {atlas['with_route']} with a route, "
        f"{atlas['routes_found']} routes found, {atlas['infeasible']} infeasible, "
        f"{len(atlas['errors'])} errors\n"
        f"  all queries: cold {atlas['cold_median_s']:.3f} s (fresh Router, its "
        f"construction {atlas['router_construct_s']:.3f} s included), "
        f"after one warm-up call {atlas['after_one_warmup_median_s']:.3f} s, "
        f"warm {atlas['warm_median_s']:.3f} s = {atlas['warm_per_query_ms']:.2f} ms/query "
        f"(target < 1 s)\n"
        f"  warm split: {atlas['warm_with_route_s']:.3f} s for queries with a route "
        f"({atlas['warm_per_query_with_route_ms']:.2f} ms each), "
        f"{atlas['warm_infeasible_s']:.3f} s for infeasible ones with their explanation "
        f"({atlas['warm_per_infeasible_query_ms']:.2f} ms each)\n"
        f"  networkx, one shortest path per query (lower bound of its cost): "
        f"{atlas['networkx_one_shortest_path_per_query_s']:.3f} s = "
        f"{atlas['networkx_per_query_ms']:.2f} ms/query; router warm / that = "
        f"{atlas['router_warm_over_networkx_lower_bound']:.1f}x\n"
        f"  the same on a materialised copy of the feasible subgraph: "
        f"{atlas['networkx_materialised_subgraph_s']:.3f} s = "
        f"{atlas['networkx_materialised_per_query_ms']:.2f} ms/query; router warm / that = "
        f"{atlas['router_warm_over_networkx_materialised']:.1f}x\n"
        f"  MSR vs networkx shortest: max relative difference "
        f"{atlas['msr_vs_networkx_max_relative_difference']:.1e}, "
        f"{atlas['feasibility_mismatches']} feasibility mismatches",
        flush=True,
    )
    generated = one_to_all[-1]
    speedup = generated["speedup_networkx_over_scipy"]
    print(
        f"\ntargets: one-to-all on the generated graph >= 10x: {speedup:.1f}x "
        f"({'met' if speedup >= 10 else 'NOT met'}); all atlas queries < 1 s: "
        f"{atlas['cold_median_s']:.3f} s cold, {atlas['warm_median_s']:.3f} s warm "
        f"({'met' if atlas['cold_median_s'] < 1 else 'NOT met'})"
    )
    write_json(
        args.out,
        {
            "command": command,
            "machine": info,
            "arguments": vars(args),
            "one_to_all": one_to_all,
            "skipped": skipped,
            "atlas": atlas,
            "failures": failures,
        },
    )
    print(f"results written to {args.out}")
    if failures:
        print("\nFAILED:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
