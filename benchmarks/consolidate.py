"""Junction consolidation speed on the real Hague extract and a generated country-size graph.

On the Hague main roads (``nl332-the-hague-main-roads.osm``, unclipped, no
fragments dropped; skipped when absent): time of
:func:`~mobility.network.consolidate.consolidate_junctions` at 20 m, the nodes,
edges and merged junctions, against osmnx's ``consolidate_intersections`` on
its own graph of the same file (projected, 10 m buffers, i.e. the same 20 m
pair distance; ``rebuild_graph=True``), timed in the same run.

On a generated graph of about ``--edges`` edges: a jittered 250 m grid of
junctions, each a one-way square of four nodes 8 m apart (the at-grade
crossing of two dual carriageways; it merges), joined to the next junction
east and north by a two-way road. Every junction must merge into one node, or
the script exits non-zero. Reported: seconds, and seconds per million edges.

Run: ``python -m benchmarks.consolidate [--edges 1000000] [--seed 7]``
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import shapely

from benchmarks._machine import machine, timed, write_json
from mobility import settings
from mobility.network.build import BuildOptions, haversine_m
from mobility.network.consolidate import consolidate_junctions, consolidation_mapping
from mobility.network.report import LoadReport

HAGUE = "nl332-the-hague-main-roads.osm"
TOLERANCE_M = 20.0
EDGES_PER_JUNCTION = 8  # four in the square, two roads of two directions


def hague(path: Path) -> dict[str, Any]:
    """Our consolidation and osmnx's on the Hague file."""
    import osmnx as ox

    from mobility.network.load import load_network

    ox.settings.overpass_rate_limit = False
    options = BuildOptions(clip=False, consolidate_tolerance_m=0, fragments="keep")
    raw = load_network(path, options=options, use_cache=False).road
    merged, ours_s = timed(
        lambda: consolidate_junctions(
            raw, tolerance_m=TOLERANCE_M, mode="road", report=LoadReport("", "")
        )
    )
    osmnx_raw = ox.project_graph(ox.graph_from_xml(path, retain_all=True), to_crs="EPSG:28992")
    osmnx_merged, osmnx_s = timed(
        lambda: ox.consolidate_intersections(
            osmnx_raw, tolerance=TOLERANCE_M / 2, rebuild_graph=True, dead_ends=True
        )
    )
    return {
        "raw": [raw.number_of_nodes(), raw.number_of_edges()],
        "merged": [merged.number_of_nodes(), merged.number_of_edges()],
        "junctions_merged": len(set(consolidation_mapping(merged).values())),
        "seconds": ours_s,
        "osmnx_raw": [osmnx_raw.number_of_nodes(), osmnx_raw.number_of_edges()],
        "osmnx_merged": [osmnx_merged.number_of_nodes(), osmnx_merged.number_of_edges()],
        "osmnx_junctions_merged": sum(
            isinstance(o, list) for _, o in osmnx_merged.nodes(data="osmid_original")
        ),
        "osmnx_seconds": osmnx_s,
    }


def generated_graph(edges: int, seed: int) -> tuple[nx.MultiDiGraph, int]:
    """A grid of one-way-square junctions with about ``edges`` edges; and its junction count."""
    rng = np.random.default_rng(seed)
    side = max(2, int(np.sqrt(edges / EDGES_PER_JUNCTION)))
    grid_lon = 3.4 + np.arange(side) * 250 / 68_600
    grid_lat = 50.8 + np.arange(side) * 250 / 111_200
    lon, lat = (a.ravel() for a in np.meshgrid(grid_lon, grid_lat))
    lon = lon + rng.uniform(-40, 40, lon.size) / 68_600
    lat = lat + rng.uniform(-40, 40, lat.size) / 111_200
    # Corners 0 NW, 1 NE, 2 SW, 3 SE, 8 m apart.
    corner_lon = lon[:, None] + np.array([0, 8, 0, 8]) / 68_600
    corner_lat = lat[:, None] + np.array([8, 8, 0, 0]) / 111_200
    node = np.arange(lon.size * 4, dtype=np.int64).reshape(-1, 4) * 7 + 1_000_000
    ring = [(0, 2), (2, 3), (3, 1), (1, 0)]
    u = [node[:, a] for a, _ in ring]
    v = [node[:, b] for _, b in ring]
    index = np.arange(lon.size).reshape(side, side)
    east_from, east_to = index[:, :-1].ravel(), index[:, 1:].ravel()
    north_from, north_to = index[:-1, :].ravel(), index[1:, :].ravel()
    u += [node[east_from, 1], node[east_to, 0], node[north_from, 0], node[north_to, 2]]
    v += [node[east_to, 0], node[east_from, 1], node[north_to, 2], node[north_from, 0]]
    all_u, all_v = np.concatenate(u), np.concatenate(v)
    flat_lon, flat_lat = corner_lon.ravel(), corner_lat.ravel()
    position = {int(n): i for i, n in enumerate(node.ravel().tolist())}
    iu = np.array([position[n] for n in all_u.tolist()])
    iv = np.array([position[n] for n in all_v.tolist()])
    length_m = haversine_m(flat_lon[iu], flat_lat[iu], flat_lon[iv], flat_lat[iv])
    lines = shapely.linestrings(
        np.stack([flat_lon[iu], flat_lat[iu], flat_lon[iv], flat_lat[iv]], axis=1).reshape(-1, 2, 2)
    )
    graph = nx.MultiDiGraph(crs="EPSG:4326")
    graph.add_nodes_from(
        (int(n), {"x": float(x), "y": float(y)})
        for n, x, y in zip(node.ravel().tolist(), flat_lon, flat_lat, strict=True)
    )
    graph.add_edges_from(
        (int(a), int(b), {"length": float(m), "length_m": float(m), "geometry": g})
        for a, b, m, g in zip(all_u.tolist(), all_v.tolist(), length_m, lines, strict=True)
    )
    return graph, lon.size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/consolidate.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    results: dict[str, Any] = {"machine": machine(("numpy", "scipy", "networkx", "osmnx"))}
    path = settings.shared_osm_dir / HAGUE
    if path.is_file():
        results["hague"] = hague(path)
        print("Hague:", results["hague"])
    else:
        print(f"Hague skipped: {path} not found")
    (graph, junctions), build_s = timed(lambda: generated_graph(args.edges, args.seed))
    merged, seconds = timed(
        lambda: consolidate_junctions(
            graph, tolerance_m=TOLERANCE_M, mode="road", report=LoadReport("", "")
        )
    )
    edges = graph.number_of_edges()
    results["generated"] = {
        "nodes": graph.number_of_nodes(),
        "edges": edges,
        "junctions": junctions,
        "merged_nodes": merged.number_of_nodes(),
        "build_seconds": build_s,
        "seconds": seconds,
        "seconds_per_million_edges": seconds / edges * 1e6,
    }
    print("Generated:", results["generated"])
    write_json(args.out, results)
    if merged.number_of_nodes() != junctions:
        print(f"expected {junctions} merged junctions, got {merged.number_of_nodes()} nodes")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
