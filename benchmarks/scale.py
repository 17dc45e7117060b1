"""Scale: the product on a country-size synthetic OSM network, against the atlas.

The real Netherlands PBF is not on these machines, so a seeded generator
(:mod:`benchmarks._synthetic_osm`) writes a network with the shapes of real
OSM over the Netherlands' bounding box: dual-carriageway motorways along the
corridor spines and other motorways, with junctions, ramps and interchanges;
a trunk..tertiary mesh with roundabouts, bridges, tunnels and one-way
stretches; ways cut every 100-500 m; rail along the spines with stations; the
default corridor places near those roads. Each stage then runs the public
commands in a fresh process (wall time and peak RSS from ``os.wait4``), on
the synthetic PBF and, for the ratio, on the embedded atlas in the same run:

1. **load**: what ``mobility network --osm FILE --no-cache`` does
   (``mobility.load_network``, cache off), clipped to the corridors and with
   ``--no-clip``; counts nodes and directed edges.
2. **routing**: every road port x road border crossing x vehicle type of the
   catalogue, ``Router.route(..., k=3)`` on the clipped network (as
   ``benchmarks/routing.py`` does on the atlas), network load included and
   reported apart.
3. **plan**: ``mobility plan examples/scenarios/defender-surge.yaml --osm
   FILE --no-cache --fast --time-limit T`` (plan, map, charts, then the
   validator): status, gap, vehicles planned, validity.
4. **map**: the size of that plan's ``map.html``; ``mobility map PLAN_DIR
   --osm FILE --no-cache`` (load + render + save); time to first render in
   headless Chromium when ``/usr/bin/chromium`` exists (as
   ``benchmarks/maps.py`` measures it), else skipped with a note.
5. **criticality**: ``mobility criticality --corridor south --osm FILE``
   (process backend, 2 workers; a fresh cache folder, so the command loads
   the PBF once and its workers read the cache).

A stage that runs past ``--cap-s`` is killed and recorded as such.

Run: ``python -m benchmarks.scale [--size small|full] [--seed 13] [--cap-s 1200]
[--plan-time-limit 40] [--out benchmarks/results/scale.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

# The driver imports nothing heavy before its children run: a child's peak RSS
# starts from its parent's at fork, so a fat driver would inflate every figure.
RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).parent.parent
SCENARIO = ROOT / "examples" / "scenarios" / "defender-surge.yaml"
START = "2026-11-24T06:00+01:00"
K = 3
TARGETS = {
    "load_s": 300.0,
    "load_peak_mb": 4096.0,
    "plan_s": 180.0,
    "plan_peak_mb": 8192.0,
    "map_mb": 10.0,
    "map_render_s": 3.0,
    "criticality_s": 600.0,
}


def run_stage(
    name: str, argv: list[str], cap_s: float, workdir: Path, env: dict[str, str]
) -> dict[str, Any]:
    """Run ``argv`` in a fresh process group; return wall time, peak RSS, exit and output."""
    stdout_path = workdir / f"{name}.stdout"
    stderr_path = workdir / f"{name}.stderr"
    started = time.perf_counter()
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            argv, stdout=out, stderr=err, cwd=ROOT, env=env, start_new_session=True
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(cap_s, kill)
        timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    wall_s = time.perf_counter() - started
    stdout = stdout_path.read_text(errors="replace")
    stderr = stderr_path.read_text(errors="replace")
    row = {
        "stage": name,
        "command": " ".join(argv[2:] if argv[1] == "-m" else argv),
        "wall_s": wall_s,
        # ru_maxrss: the largest process of the stage (workers of a pool are separate processes).
        "peak_rss_mb": usage.ru_maxrss / 1024,
        # CPU seconds (user + system, the stage's processes and their reaped children):
        # steadier than wall time on a shared machine.
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "returncode": process.returncode,
        "timed_out": timed_out.is_set(),
        "stderr_tail": stderr[-2000:],
        "stdout_tail": stdout[-3000:],
    }
    state = "TIMED OUT" if timed_out.is_set() else f"exit {process.returncode}"
    print(
        f"  {name:<32} {wall_s:8.1f} s wall {row['cpu_s']:8.1f} s CPU "
        f"{row['peak_rss_mb']:8.0f} MB  {state}",
        flush=True,
    )
    return row


def last_json(text: str) -> dict[str, Any] | None:
    """The last line of ``text`` that parses as a JSON object."""
    for line in reversed(text.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


# --- children (each runs in its own process) -------------------------------------------


def child_generate(path: Path, size: str, seed: int) -> dict[str, Any]:
    """Generate the synthetic PBF; return its counts."""
    from benchmarks._synthetic_osm import generate

    started = time.perf_counter()
    counts = generate(path, size, seed)
    return {**counts, "generate_s": time.perf_counter() - started}


def child_load(source: str, clip: bool) -> dict[str, Any]:
    """Load as ``mobility network --no-cache`` does and count what was built."""
    import logging

    import mobility

    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    network = mobility.load_network(
        source or None, options=mobility.BuildOptions(clip=clip), use_cache=False
    )
    load_s = time.perf_counter() - started
    by_class: dict[str, int] = {}
    oneway = 0
    by_corridor: dict[str, int] = {}
    for _, _, data in network.road.edges(data=True):
        highway = str(data.get("highway"))
        by_class[highway] = by_class.get(highway, 0) + 1
        oneway += bool(data.get("oneway"))
        for corridor in data.get("corridors", ()):
            by_corridor[corridor] = by_corridor.get(corridor, 0) + 1
    places = [p for p in network.places if p.place_id]
    report = network.report
    return {
        "load_s": load_s,
        "road_nodes": network.road.number_of_nodes(),
        "road_edges": network.road.number_of_edges(),
        "rail_nodes": network.rail.number_of_nodes(),
        "rail_edges": network.rail.number_of_edges(),
        "road_edges_by_class": dict(sorted(by_class.items())),
        "road_edges_oneway": oneway,
        "road_edges_by_corridor": by_corridor,
        "ways_kept": report.ways_kept,
        "junction_places": sum(p.kind == "junction" for p in network.places),
        "station_places": sum(p.kind == "station" for p in network.places),
        "corridor_places": len(places),
        "corridor_places_attached": sum(p.node is not None for p in places),
        "unattached_places": list(report.unattached_places),
        "one_way_places": list(report.one_way_places),
        "consolidated_nodes": report.consolidated_nodes,
        "unparsed_total": report.to_dict().get("unparsed_total"),
    }


def child_routing(source: str, cap_s: float) -> dict[str, Any]:
    """Route every road port x road crossing x vehicle type with k alternatives."""
    import logging
    import statistics

    import mobility

    logging.basicConfig(level=logging.ERROR)
    started = time.perf_counter()
    deadline = started + cap_s  # stop querying in time to report (load included)
    network = mobility.load_network(source or None, use_cache=False)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    router = mobility.Router(network)
    construct_s = time.perf_counter() - started
    places = network.places
    ports = [p for p in places if p.kind == "spod" and p.mode == "road" and p.node is not None]
    crossings = [p for p in places if p.kind == "bcp" and p.mode == "road" and p.node is not None]
    vehicles = [v.id for v in mobility.load_vehicles()]
    queries = [(o.place_id, d.place_id, v) for o in ports for d in crossings for v in vehicles]
    seconds: list[float] = []
    outcomes = {"ok": 0, "infeasible": 0, "error": 0}
    routes = 0
    errors: dict[str, int] = {}
    started = time.perf_counter()
    done = 0
    for origin, destination, vehicle in queries:
        if time.perf_counter() > deadline:
            break
        query_started = time.perf_counter()
        try:
            plan = router.route(origin, destination, vehicle, k=K, start=START)
            outcomes["ok"] += 1
            routes += len(plan.routes)
        except mobility.InfeasibleError:
            outcomes["infeasible"] += 1
        except Exception as error:  # recorded: part of what is measured
            outcomes["error"] += 1
            text = f"{type(error).__name__}: {error}"[:300]
            errors[text] = errors.get(text, 0) + 1
        seconds.append(time.perf_counter() - query_started)
        done += 1
    total_s = time.perf_counter() - started
    return {
        "load_s": load_s,
        "router_construct_s": construct_s,
        "road_edges": network.road.number_of_edges(),
        "ports": len(ports),
        "crossings": len(crossings),
        "vehicle_types": len(vehicles),
        "queries": len(queries),
        "queries_done": done,
        "stopped_at_cap": done < len(queries),
        "k": K,
        **outcomes,
        "routes_found": routes,
        "errors_by_message": errors,
        "queries_s": total_s,
        "per_query_median_ms": statistics.median(seconds) * 1e3 if seconds else None,
        "per_query_max_ms": max(seconds) * 1e3 if seconds else None,
        "first_query_ms": seconds[0] * 1e3 if seconds else None,
    }


def scaled_scenario(path: Path, copies: int, requests: int) -> dict[str, Any]:
    """Write Defender x``copies`` cut to its first ``requests`` requests to ``path``.

    The copies repeat every request (ids suffixed ``-x2``, ``-x3``, ...) with
    the same places, times and vehicles: ``copies`` times the traffic through
    the same ports, corridors and crossings in the same seven days.
    """
    import yaml

    document = yaml.safe_load(SCENARIO.read_text())
    original = document["requests"]
    every = list(original)
    for copy in range(2, copies + 1):
        every += [
            {**r, "id": f"{r['id']}-x{copy}", "unit": f"{r['unit']} x{copy}"} for r in original
        ]
    document["requests"] = every[:requests]
    document["name"] = f"defender-x{copies}-{requests}"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    vehicles = sum(sum(r["vehicles"].values()) for r in document["requests"])
    return {"requests": len(document["requests"]), "copies": copies, "vehicles": vehicles}


def child_render(html: Path) -> dict[str, Any]:
    """Time to first render of ``html`` in headless Chromium (median of 3)."""
    import statistics

    from tests.maps.browser import open_map

    reports = [open_map(html, steps=0) for _ in range(3)]
    return {
        "first_render_s": statistics.median(r.rendered_ms for r in reports) / 1000,
        "page_wall_s": statistics.median(r.wall_s for r in reports),
        "console_errors": [e for r in reports for e in r.console_errors],
        "blocked_requests": [u for r in reports for u in r.blocked_requests],
    }


def run_child(argv: list[str]) -> int:
    """Entry of a child process: run one measurement, print its JSON on the last line."""
    kind = argv[0]
    if kind == "generate":
        result = child_generate(Path(argv[1]), argv[2], int(argv[3]))
    elif kind == "load":
        result = child_load(argv[1], argv[2] == "clip")
    elif kind == "routing":
        result = child_routing(argv[1], float(argv[2]))
    elif kind == "render":
        result = child_render(Path(argv[1]))
    elif kind == "model":
        result = child_model(Path(argv[1]))
    else:
        raise SystemExit(f"unknown child {kind!r}")
    print(json.dumps(result, default=str))
    return 0


# --- driver --------------------------------------------------------------------------


def plan_outcome(folder: Path) -> dict[str, Any]:
    """Status, gap and vehicles planned from a plan folder's ``summary.json``."""
    path = folder / "summary.json"
    if not path.exists():
        return {"written": False}
    summary = json.loads(path.read_text())
    kpis = summary.get("kpis", {})
    html = folder / "map.html"
    return {
        "written": True,
        "vehicles": summary.get("vehicles"),
        "vehicles_planned": (kpis.get("road_vehicles") or 0) + (kpis.get("rail_vehicles") or 0),
        "march_units": summary.get("march_units"),
        "scheduled": kpis.get("scheduled"),
        "unplannable": len(summary.get("unplannable") or []),
        "status": kpis.get("solver_status"),
        "objective": kpis.get("objective"),
        "bound": kpis.get("bound"),
        "gap": kpis.get("gap"),
        "solve_time_s": kpis.get("solve_time_s"),
        "on_time_share": kpis.get("on_time_share"),
        "civilian_delay_vh": kpis.get("civilian_delay_vh"),
        "trains": kpis.get("rail_movements"),
        "map_html_mb": html.stat().st_size / 1e6 if html.exists() else None,
    }


STAGES = ("load_clip", "load_noclip", "routing", "plan", "plan_cached", "map", "criticality")

#: Plan-scaling sizes (issue #15): march units wanted -> (copies of Defender, first requests).
#: Defender has 77 requests and 1,001 march units (13 a request on average).
PLAN_SIZES = {100: (1, 8), 300: (1, 23), 1000: (1, 77), 2000: (2, 154), 3000: (3, 231)}


def child_model(scenario: Path) -> dict[str, Any]:
    """Instance, time-indexed model and LP relaxation of a scenario on the atlas, timed."""
    import logging
    import resource

    import mobility
    from mobility.model.scenario import load_scenario
    from mobility.schedule.aggregate import task_groups
    from mobility.schedule.cpsat import lp_iterations
    from mobility.schedule.instance import build_instance
    from mobility.schedule.time_indexed import build_time_indexed, solve_relaxation

    logging.basicConfig(level=logging.ERROR)

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    network = mobility.load_network(use_cache=False)
    started = cpu()
    instance = build_instance(load_scenario(scenario), network)
    built = cpu()
    model = build_time_indexed(instance, allow_drop=True)
    modelled = cpu()
    groups = task_groups(model.task, model.option, model.slot, model.cost, model.rows)
    relaxation = solve_relaxation(model, model.cost)
    solved = cpu()
    # The LP budget of the default reproducible mode (from the model's size).
    budget = lp_iterations(model)
    budgeted = solve_relaxation(model, model.cost, max_iterations=budget)
    return {
        "march_units": len(instance.tasks),
        "vehicles": sum(t.vehicles for t in instance.tasks),
        "build_instance_cpu_s": built - started,
        "columns": len(model.task),
        "rows": model.rows.shape[0],
        "nonzeros": model.rows.nnz,
        "model_cpu_s": modelled - built,
        "identical_groups": len(groups.size),
        "lp_cpu_s": solved - modelled,
        "lp_bound": None if relaxation is None else relaxation.bound / 1000,
        "lp_budget_iterations": budget,
        "lp_solved_in_budget": budgeted is not None,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def plan_scaling(args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    """``mobility plan`` (reproducible mode) of Defender x1..x3 cut to each size, on the atlas."""
    python = [sys.executable, "-m"]
    env = os.environ | {"PYTHONPATH": str(ROOT), "MOBILITY_NO_CACHE": "1"}
    rows = []
    for size in [int(s) for s in args.plan_sizes.split(",") if s.strip()]:
        copies, requests = PLAN_SIZES[size]
        scenario = workdir / f"defender-{size}.yaml"
        made = scaled_scenario(scenario, copies, requests)
        out = workdir / f"defender-{size}-plan"
        command = [
            "mobility.cli", "plan", str(scenario), "--no-cache",
            "--time-limit", f"{args.scaling_time_limit:g}", "--out", str(out),
        ]  # fmt: skip
        row = run_stage(f"plan-{size}", [*python, *command], args.cap_s, workdir, env)
        result = plan_outcome(out)
        model = None
        if args.scaling_model:
            child = [*python, "benchmarks.scale", "--child", "model", str(scenario)]
            model_row = run_stage(f"model-{size}", child, args.cap_s, workdir, env)
            model = last_json(model_row["stdout_tail"]) or {"failed": model_row["stderr_tail"]}
        rows.append(
            {"size": size, "scenario": made, "plan": row | {"result": result},
             "valid": row["returncode"] == 0, "model": model}
        )  # fmt: skip
        print(f"    {json.dumps(result)}", flush=True)
        if model:
            print(f"    {json.dumps(model)}", flush=True)
    return rows


def _write_partial(path: Path, payload: dict[str, Any]) -> None:
    """Progress file after each stage (atomic rename; the package stays unimported here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(payload, indent=2, default=str))
    os.replace(temporary, path)


def measure_source(
    label: str, osm: Path | None, args: argparse.Namespace, workdir: Path, done: dict[str, Any]
) -> dict[str, Any]:
    """The stages of ``args.stages`` on one source (a PBF, or the atlas when ``osm`` is None).

    ``done`` (all results so far) is written to ``<out>.partial`` after each stage.
    """
    python = [sys.executable, "-m"]
    child = [*python, "benchmarks.scale", "--child"]
    source = [] if osm is None else ["--osm", str(osm)]
    path = str(osm or "")
    env = os.environ | {"PYTHONPATH": str(ROOT), "MOBILITY_NO_CACHE": "1"}
    cap = args.cap_s
    rows: dict[str, Any] = done.setdefault(label, {})
    plan_dir = workdir / f"{label}-plan"
    for stage in args.stages.split(","):
        name = f"{label}-{stage}"
        if stage in ("load_clip", "load_noclip"):
            clip = stage.removeprefix("load_")
            row = run_stage(name, [*child, "load", path, clip], cap, workdir, env)
            rows[stage] = row | {"result": last_json(row["stdout_tail"])}
        elif stage == "routing":
            row = run_stage(name, [*child, "routing", path, str(cap - 60)], cap, workdir, env)
            rows[stage] = row | {"result": last_json(row["stdout_tail"])}
        elif stage == "plan":
            plan = [
                "mobility.cli", "plan", str(SCENARIO), *source, "--no-cache", "--fast",
                "--time-limit", f"{args.plan_time_limit:g}", "--out", str(plan_dir),
            ]  # fmt: skip
            row = run_stage(name, [*python, *plan], cap, workdir, env)
            rows[stage] = row | {"result": plan_outcome(plan_dir), "valid": row["returncode"] == 0}
        elif stage == "plan_cached":
            rows[stage] = _plan_cached_stage(name, source, args, workdir, env)
        elif stage == "map":
            rows[stage] = _map_stage(name, plan_dir, source, cap, workdir, env)
        elif stage == "criticality":
            critical_env = env | {"MOBILITY_CACHE_DIR": str(workdir / f"{name}-cache")}
            critical_env.pop("MOBILITY_NO_CACHE")
            command = [
                "mobility.cli", "criticality", "--corridor", "south", *source,
                "--out", str(workdir / name),
            ]  # fmt: skip
            row = run_stage(name, [*python, *command], cap, workdir, critical_env)
            ranked = [line for line in row["stdout_tail"].splitlines() if "pairs stranded" in line]
            rows[stage] = row | {"result": {"top_lines": ranked[:5], "listed": len(ranked)}}
        else:
            raise SystemExit(f"unknown stage {stage!r}; expected some of {', '.join(STAGES)}")
        _write_partial(args.out.with_name(args.out.name + ".partial"), done)
    return rows


def _plan_cached_stage(
    name: str, source: list[str], args: argparse.Namespace, workdir: Path, env: dict[str, str]
) -> dict[str, Any]:
    """The plan stage with the network read from a cache that ``mobility network`` filled first.

    What a user who planned on the file before meets: the load is paid once
    (the ``fill`` row, not counted in the plan's time).
    """
    import shutil

    cache = workdir / f"{name}-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cached_env = env | {"MOBILITY_CACHE_DIR": str(cache)}
    cached_env.pop("MOBILITY_NO_CACHE", None)
    python = [sys.executable, "-m"]
    network = [*python, "mobility.cli", "network", *source]
    fill = run_stage(f"{name}-fill", network, args.cap_s, workdir, cached_env)
    plan_dir = workdir / f"{name}-plan"
    plan = [
        "mobility.cli", "plan", str(SCENARIO), *source, "--fast",
        "--time-limit", f"{args.plan_time_limit:g}", "--out", str(plan_dir),
    ]  # fmt: skip
    row = run_stage(name, [*python, *plan], args.cap_s, workdir, cached_env)
    kept = ("wall_s", "cpu_s", "peak_rss_mb", "returncode", "timed_out")
    return row | {
        "fill": {key: fill[key] for key in kept},
        "result": plan_outcome(plan_dir),
        "valid": row["returncode"] == 0,
    }


def _map_stage(
    name: str, plan_dir: Path, source: list[str], cap: float, workdir: Path, env: dict[str, str]
) -> dict[str, Any]:
    """``mobility map PLAN_DIR`` (load + render + save), then Chromium if there is one."""
    if not (plan_dir / "summary.json").exists():
        return {"skipped": "no plan folder (the plan stage did not write one)"}
    html = workdir / f"{name}.html"
    command = ["mobility.cli", "map", str(plan_dir), *source, "--no-cache", "--out", str(html)]
    row = run_stage(name, [sys.executable, "-m", *command], cap, workdir, env)
    result: dict[str, Any] = {"html_mb": html.stat().st_size / 1e6 if html.exists() else None}
    if Path("/usr/bin/chromium").exists() and html.exists():
        child = [sys.executable, "-m", "benchmarks.scale", "--child", "render", str(html)]
        render = run_stage(f"{name}-render", child, cap, workdir, env)
        result["render"] = render | {"result": last_json(render["stdout_tail"])}
    else:
        result["render"] = "skipped: no Chromium at /usr/bin/chromium on this machine"
    return row | {"result": result}


def ratio(a: float | None, b: float | None) -> float | None:
    """``a / b``, or None when either is missing or ``b`` is 0."""
    return None if a is None or b is None or b == 0 else a / b


def summarise(synthetic: dict[str, Any], atlas: dict[str, Any]) -> list[dict[str, Any]]:
    """One table row per stage: synthetic and atlas wall time and peak RSS, with ratios."""
    table = []
    for stage in STAGES:
        s, a = synthetic.get(stage, {}), atlas.get(stage, {})
        table.append(
            {
                "stage": stage,
                "synthetic_s": s.get("wall_s"),
                "atlas_s": a.get("wall_s"),
                "time_ratio": ratio(s.get("wall_s"), a.get("wall_s")),
                "synthetic_cpu_s": s.get("cpu_s"),
                "atlas_cpu_s": a.get("cpu_s"),
                "cpu_ratio": ratio(s.get("cpu_s"), a.get("cpu_s")),
                "synthetic_peak_mb": s.get("peak_rss_mb"),
                "atlas_peak_mb": a.get("peak_rss_mb"),
                "memory_ratio": ratio(s.get("peak_rss_mb"), a.get("peak_rss_mb")),
                "synthetic_ok": None
                if not s
                else s.get("returncode") == 0 and not s.get("timed_out"),
                "synthetic_timed_out": s.get("timed_out"),
            }
        )
    return table


def targets(synthetic: dict[str, Any]) -> dict[str, bool | None]:
    """The issue's targets, met or not, on the synthetic network."""

    def ok(stage: str) -> bool:
        row = synthetic.get(stage, {})
        return bool(row) and row.get("returncode") == 0 and not row.get("timed_out")

    def run(stage: str, value: bool) -> bool | None:
        return value if stage in synthetic else None

    load = synthetic.get("load_noclip", {})
    plan = synthetic.get("plan", {})
    cached = synthetic.get("plan_cached", {})
    html_mb = (plan.get("result") or {}).get("map_html_mb")
    render_row = (synthetic.get("map", {}).get("result") or {}).get("render")
    render = ((render_row or {}).get("result") or {}) if isinstance(render_row, dict) else {}
    render_s = render.get("first_render_s")
    return {
        "load_noclip_under_5_min": run(
            "load_noclip", ok("load_noclip") and load.get("wall_s", 1e9) < TARGETS["load_s"]
        ),
        "load_noclip_under_4_gb": run(
            "load_noclip",
            ok("load_noclip") and load.get("peak_rss_mb", 1e9) < TARGETS["load_peak_mb"],
        ),
        "plan_valid_under_3_min": run(
            "plan", ok("plan") and plan.get("wall_s", 1e9) < TARGETS["plan_s"]
        ),
        "plan_from_cache_valid_under_3_min": run(
            "plan_cached",
            ok("plan_cached") and cached.get("wall_s", 1e9) < TARGETS["plan_s"],
        ),
        "plan_under_8_gb": run(
            "plan", ok("plan") and plan.get("peak_rss_mb", 1e9) < TARGETS["plan_peak_mb"]
        ),
        "map_under_10_mb": None if html_mb is None else html_mb < TARGETS["map_mb"],
        "map_render_under_3_s": None if render_s is None else render_s < TARGETS["map_render_s"],
        "criticality_under_10_min": run(
            "criticality",
            ok("criticality")
            and synthetic.get("criticality", {}).get("wall_s", 1e9) < TARGETS["criticality_s"],
        ),
    }


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the synthetic PBF, measure every stage on it and on the atlas."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=("tiny", "small", "full"), default="small")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cap-s", type=float, default=1200.0, help="time cap of each stage")
    parser.add_argument("--plan-time-limit", type=float, default=40.0)
    parser.add_argument("--workdir", type=Path, help="where the PBF and outputs go (kept)")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    parser.add_argument(
        "--sources",
        default="synthetic,atlas",
        help="synthetic and/or atlas, in this order ('none': only the plan scaling)",
    )
    parser.add_argument(
        "--stages", default=",".join(STAGES), help="stages to run, in this order (comma-separated)"
    )
    parser.add_argument(
        "--plan-sizes",
        default="",
        help="plan-scaling sizes (march units), e.g. 100,300,1000,2000,3000",
    )
    parser.add_argument("--scaling-time-limit", type=float, default=10.0)
    parser.add_argument(
        "--scaling-model", action="store_true", help="also time the model and its LP per size"
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_child(args.child)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="mobility-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    command = (
        f"python -m benchmarks.scale --size {args.size} --seed {args.seed} --cap-s {args.cap_s:g} "
        f"--plan-time-limit {args.plan_time_limit:g} --sources {args.sources} "
        f"--stages {args.stages} --plan-sizes {args.plan_sizes or '-'} "
        f"--scaling-time-limit {args.scaling_time_limit:g}"
        + (" --scaling-model" if args.scaling_model else "")
    )
    print(command, flush=True)
    started = time.perf_counter()
    pbf = workdir / f"synthetic-{args.size}-{args.seed}.osm.pbf"
    counts_path = pbf.with_suffix(".json")
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    sources = [label for label in args.sources.split(",") if label in ("synthetic", "atlas")]
    if "synthetic" not in sources:
        generation: dict[str, Any] = {"skipped": "no synthetic source"}
    elif pbf.exists() and counts_path.exists():  # seeded: the same file as last time
        generation = json.loads(counts_path.read_text())
        print(f"reusing {pbf}", flush=True)
    else:
        child = [sys.executable, "-m", "benchmarks.scale", "--child"]
        row = run_stage(
            "generate",
            [*child, "generate", str(pbf), args.size, str(args.seed)],
            7200,
            workdir,
            env,
        )
        if row["returncode"] != 0:
            print(row["stderr_tail"], file=sys.stderr)
            return 1
        generation = (last_json(row["stdout_tail"]) or {}) | {"peak_rss_mb": row["peak_rss_mb"]}
        counts_path.write_text(json.dumps(generation))
    print(json.dumps(generation), flush=True)
    done: dict[str, Any] = {"generation": generation}
    for label in sources:
        measure_source(label, pbf if label == "synthetic" else None, args, workdir, done)
    scaling = plan_scaling(args, workdir) if args.plan_sizes else []
    synthetic, atlas = done.get("synthetic", {}), done.get("atlas", {})
    table = summarise(synthetic, atlas)
    met = targets(synthetic)
    print_table(table, synthetic, met)
    # Imported only now: the package is heavy and the children are done.
    from benchmarks._machine import machine, write_json

    info = machine(("mobility", "osmium", "networkx", "scipy", "ortools", "folium"))
    payload = {
        "command": command,
        "machine": info,
        "load_average_at_end": os.getloadavg(),
        "arguments": {k: str(v) for k, v in vars(args).items() if k != "child"},
        "workdir": str(workdir),
        "generation": generation,
        "synthetic": synthetic,
        "atlas": atlas,
        "table": table,
        "targets": met,
        "plan_scaling": scaling,
        "total_s": time.perf_counter() - started,
    }
    write_json(args.out, payload)
    print(f"results written to {args.out} (workdir {workdir})")
    return 0


def print_table(
    table: list[dict[str, Any]], synthetic: dict[str, Any], met: dict[str, Any]
) -> None:
    """Print the stage table, the counts and the targets."""

    def number(value: float | None, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    print(
        "\nstage           wall s: synthetic    atlas   ratio | CPU s: synthetic    atlas   ratio"
        " | peak MB: synthetic  atlas  ratio"
    )
    for row in table:
        print(
            f"{row['stage']:<15} {number(row['synthetic_s'], '17.1f')} "
            f"{number(row['atlas_s'], '8.1f')} {number(row['time_ratio'], '7.1f')} | "
            f"{number(row['synthetic_cpu_s'], '16.1f')} {number(row['atlas_cpu_s'], '8.1f')} "
            f"{number(row['cpu_ratio'], '7.1f')} | {number(row['synthetic_peak_mb'], '18.0f')} "
            f"{number(row['atlas_peak_mb'], '6.0f')} {number(row['memory_ratio'], '6.1f')}"
            + ("  TIMED OUT" if row["synthetic_timed_out"] else "")
            + {None: "  not run", True: "", False: "  FAILED"}[row["synthetic_ok"]]
        )
    for clip in ("clip", "noclip"):
        result = synthetic.get(f"load_{clip}", {}).get("result") or {}
        print(
            f"load {clip}: {result.get('road_nodes')} road nodes, {result.get('road_edges')} "
            f"directed road edges, {result.get('rail_edges')} rail edges; places attached "
            f"{result.get('corridor_places_attached')}/{result.get('corridor_places')}"
        )
    print(f"routing: {json.dumps(synthetic.get('routing', {}).get('result'))}")
    print(f"plan: {json.dumps(synthetic.get('plan', {}).get('result'))}")
    print(f"targets: {json.dumps(met)}")


if __name__ == "__main__":
    sys.exit(main())
