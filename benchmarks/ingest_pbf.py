"""Ingestion time and peak memory against PBF size, extrapolated to the Netherlands.

Generates seeded, country-like PBF files of growing size over the Netherlands'
bounding box: per 1,000 ways about 850 buildings, 130 minor highways (both
dropped by the tag filter), 15 kept roads (motorway..tertiary, a connected
grid) and 2 rail lines, with node ids spread over the real OSM id range
(1..12.5e9) so that id-set memory behaves as on a real extract. Each size is
loaded by ``mobility.load_network`` (clipping to the embedded corridors, cache
off) in a fresh process, which reports stage times and peak RSS.

Baseline, same run: the time pyosmium needs only to decode the same file (an
empty C++ handler); the ratio shows the cost of filtering and building over
bare decoding. Growth is reported as the ratio of time between successive
sizes; the fit extrapolates to the Netherlands extract (1.3 GB).

Run: ``python -m benchmarks.ingest_pbf [--sizes 62500,125000,250000,500000,1000000]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import osmium
import osmium.filter

NL_BBOX = (3.4, 50.75, 7.2, 53.5)
MAX_NODE_ID = 12_500_000_000
NL_EXTRACT_BYTES = 1.3e9
ID_BITMAP_MAX_MB = MAX_NODE_ID / 8 / 2**20
RESULTS = Path(__file__).parent / "results"
KEPT_CLASSES = ["motorway", "trunk", "primary", "secondary", "tertiary"]


def generate(path: Path, total_ways: int, seed: int = 7) -> dict[str, int]:
    """Write a country-like PBF with ``total_ways`` ways; return its counts."""
    rng = np.random.default_rng(seed)
    n_roads = max(4, total_ways * 15 // 1000)
    n_rail = max(2, total_ways * 2 // 1000)
    n_minor = total_ways * 130 // 1000
    n_buildings = total_ways - n_roads - n_rail - n_minor
    lon0, lat0, lon1, lat1 = NL_BBOX
    coords: list[np.ndarray] = []
    ways: list[tuple[list[int], dict[str, str]]] = []
    count = 0

    def add_points(points: np.ndarray) -> list[int]:
        nonlocal count
        coords.append(points)
        first = count
        count += len(points)
        return list(range(first, count))

    # Kept roads: a connected grid, ~8 shape points between junctions.
    side = max(2, int(np.sqrt(n_roads / 2)) + 1)
    gx = np.linspace(lon0, lon1, side)
    gy = np.linspace(lat0, lat1, side)
    junction = np.array(add_points(np.array([(x, y) for y in gy for x in gx]))).reshape(side, side)
    made = 0
    for i in range(side):
        for j in range(side):
            for di, dj in ((0, 1), (1, 0)):
                if made >= n_roads or i + di >= side or j + dj >= side:
                    continue
                a, b = junction[i, j], junction[i + di, j + dj]
                start = np.array([gx[j], gy[i]])
                end = np.array([gx[j + dj], gy[i + di]])
                t = np.linspace(0, 1, 10)[1:-1, None]
                shape = add_points(start + (end - start) * t + rng.normal(0, 1e-4, (8, 2)))
                tags = {
                    "highway": KEPT_CLASSES[made % 5],
                    "lanes": "2",
                    "maxspeed": "80",
                    "ref": f"N{made % 999}",
                }
                ways.append(([int(a), *shape, int(b)], tags))
                made += 1
    # Rail lines: random polylines of 20 nodes.
    for _ in range(n_rail):
        start = rng.uniform((lon0, lat0), (lon1, lat1))
        points = start + np.cumsum(rng.normal(0, 0.003, (20, 2)), axis=0)
        ways.append((add_points(points), {"railway": "rail", "electrified": "contact_line"}))
    # Minor highways (filtered out) of 4 nodes.
    for _ in range(n_minor):
        start = rng.uniform((lon0, lat0), (lon1, lat1))
        points = start + np.cumsum(rng.normal(0, 0.0005, (4, 2)), axis=0)
        ways.append((add_points(points), {"highway": "residential"}))
    # Buildings (filtered out): closed rings of 4 distinct nodes.
    offsets = np.array([(0, 0), (1e-4, 0), (1e-4, 1e-4), (0, 1e-4)])
    for _ in range(n_buildings):
        base = rng.uniform((lon0, lat0), (lon1, lat1))
        ids = add_points(base + offsets)
        ways.append(([*ids, ids[0]], {"building": "yes"}))
    lonlat = np.concatenate(coords)
    node_ids = np.sort(rng.choice(MAX_NODE_ID, size=len(lonlat), replace=False)) + 1
    way_ids = np.sort(rng.choice(1_400_000_000, size=len(ways), replace=False)) + 1
    if path.exists():
        path.unlink()
    with osmium.SimpleWriter(str(path)) as writer:
        for node_id, (lon, lat) in zip(node_ids.tolist(), lonlat.tolist(), strict=True):
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat)))
        for way_id, (refs, tags) in zip(way_ids.tolist(), ways, strict=True):
            writer.add_way(
                osmium.osm.mutable.Way(id=way_id, nodes=node_ids[refs].tolist(), tags=tags)
            )
    return {"ways": len(ways), "nodes": len(lonlat), "kept_roads": made, "rail": n_rail}


def decode_only(path: Path) -> float:
    """Seconds pyosmium needs to decode every object of ``path`` (all rejected in C++)."""
    started = time.perf_counter()
    for _ in osmium.FileProcessor(str(path)).with_filter(osmium.filter.IdFilter([])):
        pass
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    """Peak resident memory of this process image (VmHWM).

    Not ``ru_maxrss``: that survives fork and exec, so a child would report its
    parent's high-water mark (the generator's).
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path) -> dict[str, Any]:
    """Load ``path`` and report stage times and peak RSS (run in a fresh process)."""
    import logging

    from mobility import load_network

    decode_s = decode_only(path)
    rss_before_mb = peak_rss_mb()
    logging.basicConfig(level=logging.ERROR)  # synthetic data leaves corridor places unattached
    started = time.perf_counter()
    network = load_network(path, use_cache=False)
    load_s = time.perf_counter() - started
    return {
        "decode_s": decode_s,
        "load_s": load_s,
        "peak_rss_mb": peak_rss_mb(),
        "rss_after_imports_mb": rss_before_mb,
        "road_edges": network.road.number_of_edges(),
        "rail_edges": network.rail.number_of_edges(),
        "ways_kept": network.report.ways_kept,
    }


def main() -> None:
    """Run the benchmark over the requested sizes and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="62500,125000,250000,500000,1000000")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="mobility-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        path = workdir / f"synthetic-{size}.osm.pbf"
        counts_path = path.with_suffix(".json")
        if path.exists() and counts_path.exists():  # seeded: the same file as last time
            counts = json.loads(counts_path.read_text())
        else:
            counts = generate(path, size)
            counts_path.write_text(json.dumps(counts))
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.ingest_pbf", "--measure", str(path)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ | {"MOBILITY_NO_CACHE": "1"},
        )
        row = {
            "total_ways": size,
            "file_mb": path.stat().st_size / 1e6,
            **counts,
            **json.loads(result.stdout.strip().splitlines()[-1]),
        }
        rows.append(row)
        print(
            f"{size:>9,} ways {row['file_mb']:7.1f} MB: load {row['load_s']:6.2f} s "
            f"(decode {row['decode_s']:5.2f} s), peak {row['peak_rss_mb']:6.0f} MB",
            flush=True,
        )
    sizes = np.array([r["file_mb"] for r in rows])
    times = np.array([r["load_s"] for r in rows])
    memory = np.array([r["peak_rss_mb"] for r in rows])
    slope_s, intercept_s = np.polyfit(sizes, times, 1)
    slope_mb, intercept_mb = np.polyfit(sizes, memory, 1)
    nl_mb = NL_EXTRACT_BYTES / 1e6
    nl = {
        "file_mb": nl_mb,
        "load_s": slope_s * nl_mb + intercept_s,
        "peak_rss_mb": slope_mb * nl_mb + intercept_mb,
        # The pass-2 id bitmap saturates at max_id / 8 bytes; the fit may not
        # contain all of it, so the upper bound adds it whole.
        "peak_rss_upper_bound_mb": slope_mb * nl_mb + intercept_mb + ID_BITMAP_MAX_MB,
    }
    summary = {
        "rows": rows,
        "fit_load_s": {"per_file_mb": slope_s, "intercept": intercept_s},
        "fit_peak_rss_mb": {"per_file_mb": slope_mb, "intercept": intercept_mb},
        "extrapolated_netherlands": nl,
    }
    print(
        f"\nlinear fit: load = {slope_s:.3f} s/MB x size + {intercept_s:.2f} s; "
        f"peak RSS = {slope_mb:.2f} MB/MB x size + {intercept_mb:.0f} MB"
    )
    print(
        f"extrapolated to the Netherlands extract ({nl_mb:,.0f} MB): "
        f"{nl['load_s'] / 60:.1f} min, {nl['peak_rss_mb'] / 1024:.2f} GB peak "
        f"(upper bound with the full id bitmap: {nl['peak_rss_upper_bound_mb'] / 1024:.2f} GB)"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest_pbf.json").write_text(json.dumps(summary, indent=2, default=str))


if __name__ == "__main__":
    main()
