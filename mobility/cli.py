"""Command-line interface: parses arguments, calls the library, prints.

Commands
--------
``mobility network``
    Summary of the corridor network (embedded atlas or ``--osm PATH``).
``mobility network export OUT_DIR``
    Write ``roads.geojson``, ``rail.geojson``, ``places.geojson`` and ``network.gpkg``.
``mobility vehicles``
    The vehicle catalogue.
``mobility route --from PLACE --to PLACE --vehicle TYPE``
    Alternative routes with classification and column schedule.
``mobility plan [SCENARIO]``
    Deconflicted movement plan (CP-SAT), written to a plan folder and validated;
    exit status 3 when the plan fails its own check (the folder then holds
    ``INVALID.txt``), 2 on bad input.
``mobility validate PLAN_DIR``
    Re-check a plan folder from its files.
``mobility map PLAN_DIR`` / ``mobility map --network``
    Offline interactive map (one HTML file) of a plan or of the corridors.
``mobility stress [SCENARIO] --perturbation FILE``
    Stress test: throughput, re-routing and the replanned schedule under
    closures, losses and surges; a report folder.
``mobility criticality``
    Rank the elements whose loss hurts the corridors most (with optional
    resilience curve and Monte Carlo run); a report folder.
``mobility fetch overpass|geofabrik --out PATH``
    The only commands that use the internet.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from mobility import __version__
from mobility import _json as strict_json
from mobility._atomic import claim_output, release_all
from mobility._cli_progress import add_options as add_progress_options
from mobility._cli_progress import show_progress
from mobility._cli_types import max_alternatives, max_vehicles, real, whole
from mobility._progress import advance, step
from mobility.errors import DataError, MobilityError, ScenarioError
from mobility.network.build import BuildOptions
from mobility.network.export import EXPORT_FILES
from mobility.network.load import Network, load_network
from mobility.network.summary import network_summary

if TYPE_CHECKING:
    from mobility.maps.outlines import Outlines

# Long lines (names, routes) wrap in the terminal, not in the text.
console = Console(soft_wrap=True)
error_console = Console(stderr=True, soft_wrap=True)


def _add_source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--osm",
        type=Path,
        metavar="PATH",
        help="real extract (.osm, .osm.bz2, .osm.gz, .osm.pbf or Geofabrik "
        "shapefile folder) instead of the embedded atlas",
    )
    parser.add_argument(
        "--corridor",
        action="append",
        metavar="NAME",
        help="load only this corridor (repeatable; default: all)",
    )
    parser.add_argument(
        "--corridor-file",
        type=Path,
        metavar="YAML",
        help="corridor definitions (default: the embedded corridors.yaml)",
    )
    parser.add_argument(
        "--no-clip",
        action="store_true",
        help="keep the whole extract instead of clipping to the corridors",
    )
    parser.add_argument(
        "--consolidate-m",
        type=real(0.0, 10_000.0),
        default=20.0,
        metavar="M",
        help="merge junction nodes closer than M metres (0: off; default 20)",
    )
    parser.add_argument(
        "--fragments",
        choices=("keep", "drop_small", "largest"),
        default="drop_small",
        help="policy for disconnected fragments",
    )
    parser.add_argument(
        "--min-fragment-m",
        type=real(0.0, 1e7),
        default=2000.0,
        metavar="M",
        help="drop_small: drop fragments shorter than M metres (default 2000)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``mobility`` command."""
    parser = argparse.ArgumentParser(
        prog="mobility",
        description="Host-nation-support military mobility planner for the Dutch corridors.",
    )
    parser.add_argument("--version", action="version", version=f"mobility {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    add_progress_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    network = commands.add_parser("network", help="summarise (or export) the corridor network")
    _add_source_options(network)
    network.add_argument("--json", action="store_true", help="print the summary as JSON")
    network_commands = network.add_subparsers(dest="network_command", metavar="SUBCOMMAND")
    export = network_commands.add_parser(
        "export", help="write roads/rail/places GeoJSON and GeoPackage"
    )
    export.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    _add_source_options(export)

    vehicles = commands.add_parser("vehicles", help="list the vehicle catalogue")
    vehicles.add_argument(
        "--vehicles-file", type=Path, action="append", metavar="YAML", help="extra vehicle types"
    )
    vehicles.add_argument("--json", action="store_true", help="print the catalogue as JSON")

    route = commands.add_parser("route", help="alternative routes and column schedule")
    _add_source_options(route)
    route.add_argument("--from", dest="origin", required=True, metavar="PLACE")
    route.add_argument("--to", dest="destination", required=True, metavar="PLACE")
    route.add_argument("--vehicle", required=True, metavar="TYPE", help="catalogue id or name")
    route.add_argument(
        "--count",
        type=whole(1, max_vehicles),
        default=1,
        metavar="N",
        help="vehicles in the column (default 1)",
    )
    route.add_argument(
        "--hazmat",
        default="",
        metavar="ADR",
        help="dangerous goods carried: ADR class (1.1, 3, ...) or tunnel code (B1000C, D/E, ...)",
    )
    route.add_argument(
        "-k",
        type=whole(1, max_alternatives),
        default=3,
        metavar="N",
        help="alternatives (default 3)",
    )
    route.add_argument(
        "--start", metavar="TIME", help="departure, ISO 8601 (default: next quarter hour)"
    )
    route.add_argument("--mode", choices=("road", "rail"), default="road")
    route.add_argument(
        "--self-propelled",
        action="store_true",
        help="move vehicles that must ride a HET on their own tracks (exemption)",
    )
    route.add_argument(
        "--formation", choices=("close", "open", "extended"), default="open", help="column type"
    )
    route.add_argument(
        "--reverse-at",
        action="append",
        default=[],
        metavar="WHERE",
        help="also allow a reversal (rail) or U-turn (road) at a place kind, place id or "
        "node:<id> (repeatable; 20 min for trains)",
    )
    route.add_argument(
        "--vehicles-file", type=Path, action="append", metavar="YAML", help="extra vehicle types"
    )
    route.add_argument("--format", choices=("text", "json", "geojson"), default="text")
    _add_halt_sites_option(route)
    route.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write the routes as GeoJSON, GeoPackage and one GPX file per route",
    )

    plan = commands.add_parser("plan", help="schedule a scenario's movements (CP-SAT)")
    _add_source_options(plan)
    _add_tiles_options(plan)
    plan.add_argument(
        "scenario", nargs="?", type=Path, help="scenario YAML (default: the embedded example)"
    )
    plan.add_argument(
        "--time-limit",
        type=real(0.0, 86_400.0, above=True),
        default=10.0,
        metavar="S",
        help="solver limit",
    )
    plan.add_argument(
        "--workers", type=whole(1, 256), default=2, metavar="N", help="solver workers"
    )
    plan.add_argument("--seed", type=whole(0), default=0, help="solver random seed")
    plan.add_argument(
        "--traffic",
        type=Path,
        metavar="CSV",
        help="measured civilian traffic: NDW export or road,direction,day_type,hour,veh_h_per_lane",
    )
    plan.add_argument(
        "--timetable",
        type=Path,
        metavar="GTFS",
        help="passenger timetable (GTFS zip or folder): rail paths displace the trains counted",
    )
    plan.add_argument(
        "--fast",
        action="store_true",
        help="faster, non-reproducible parallel search (default: reproducible)",
    )
    plan.add_argument(
        "--out", type=Path, metavar="DIR", help="plan folder (default: out/plans/<scenario>)"
    )
    plan.add_argument(
        "--vehicles-file", type=Path, action="append", metavar="YAML", help="extra vehicle types"
    )
    _add_halt_sites_option(plan)
    validate = commands.add_parser("validate", help="re-check a plan folder")
    validate.add_argument("plan_dir", type=Path, metavar="PLAN_DIR")
    validate.add_argument(
        "--scenario",
        type=Path,
        metavar="YAML",
        help="the scenario as you issued it (must be the plan's; default: the folder's copy)",
    )

    map_parser = commands.add_parser("map", help="offline HTML map of a plan or the corridors")
    _add_source_options(map_parser)
    map_parser.add_argument("plan_dir", nargs="?", type=Path, metavar="PLAN_DIR")
    map_parser.add_argument(
        "--network", action="store_true", help="map the corridor network alone (no plan)"
    )
    map_parser.add_argument(
        "--out", type=Path, metavar="HTML", help="output (default: maps/<plan or network>.html)"
    )
    map_parser.add_argument(
        "--colour-by", choices=("request", "corridor"), default="request", help="route colours"
    )
    _add_tiles_options(map_parser)

    _add_stress_parsers(commands)

    fetch = commands.add_parser("fetch", help="download OSM data (needs internet)")
    fetch.add_argument(
        "what",
        choices=("overpass", "geofabrik"),
        help="overpass: corridor polygons as OSM XML; geofabrik: country PBF",
    )
    fetch.add_argument("--out", type=Path, required=True, metavar="PATH")
    fetch.add_argument("--corridor", action="append", metavar="NAME")
    fetch.add_argument("--url", help="alternative server or extract URL")
    for command in [*commands.choices.values(), export]:  # after the command too
        add_progress_options(command)
    return parser


def _load(args: argparse.Namespace) -> Network:
    options = BuildOptions(
        clip=not args.no_clip,
        consolidate_tolerance_m=args.consolidate_m,
        fragments=args.fragments,
        min_fragment_length_m=args.min_fragment_m,
    )
    with step(f"loading the network from {args.osm or 'the embedded atlas'}"):

        def report(stage: str, count: int) -> None:
            advance(f"{stage}: {count:,}")

        return load_network(
            args.osm,
            corridors=args.corridor,
            corridor_file=args.corridor_file,
            options=options,
            use_cache=False if args.no_cache else None,
            progress=report,
        )


def _print_network(network: Network, as_json: bool) -> None:
    summary = network_summary(network)
    if as_json:
        print(
            strict_json.dumps(
                {"corridors": summary, "report": network.report.to_dict()}, indent=2, default=str
            )
        )
        return
    console.print(f"[bold]Corridor network[/bold] ({network.report.source})")
    for corridor_id, entry in summary.items():
        name = network.corridors.corridors[corridor_id].name
        road_km = sum(entry["road_km_by_class"].values())
        classes = ", ".join(
            f"{cls} {km:,.0f}"
            for cls, km in sorted(entry["road_km_by_class"].items(), key=lambda kv: -kv[1])
        )
        tunnels = "; ".join(
            f"{cat}: {', '.join(names)}" for cat, names in entry["tunnels_by_category"].items()
        )
        bridges = entry["bridges"]
        lines = [
            f"{corridor_id} - {name}",
            f"  road: {entry['road_nodes']:,} nodes, {entry['road_edges']:,} edges, "
            f"{road_km:,.0f} km ({classes or 'none'})",
            f"  rail: {entry['rail_nodes']:,} nodes, {entry['rail_edges']:,} edges, "
            f"{entry['rail_km']:,.0f} km",
            f"  bridges: {len(bridges)}"
            + (
                f" ({', '.join(bridges[:8])}" + (", ..." if len(bridges) > 8 else "") + ")"
                if bridges
                else ""
            ),
            f"  tunnels by ADR category: {tunnels or 'none'}",
            f"  border crossings: {', '.join(entry['border_crossings']) or 'none'}",
        ]
        for line in lines:
            console.print(line, markup=False, highlight=False)
    console.print("[bold]Load report[/bold]")
    for line in network.report.lines():
        console.print(f"  {line}", markup=False, highlight=False)


def _fetch(args: argparse.Namespace) -> None:
    from mobility.model.corridor import load_corridors
    from mobility.network import fetch

    with Progress(
        TextColumn(f"downloading {args.what}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=error_console,
    ) as progress:
        task = progress.add_task("download", total=None)

        def report(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        if args.what == "overpass":
            corridors = load_corridors().select(args.corridor)
            extra = {"url": args.url} if args.url else {}
            path = fetch.fetch_overpass(corridors, args.out, progress=report, **extra)
        else:
            extra = {"url": args.url} if args.url else {}
            path = fetch.fetch_geofabrik(args.out, progress=report, **extra)
    console.print(f"wrote {path}; load it with: mobility network --osm {path}")


def _print_vehicles(args: argparse.Namespace) -> None:
    from dataclasses import asdict

    from mobility.model.vehicle import load_vehicles

    catalogue = load_vehicles(*(args.vehicles_file or ()))
    if args.json:
        print(strict_json.dumps([asdict(v) for v in catalogue], indent=2))
        return
    header = (
        f"{'id':<22} {'name':<34} {'gear':<7} {'t':>6} {'MLC':>4} {'h m':>5} {'w m':>5} "
        f"{'l m':>6} {'axle t':>6} {'km/h':>5} {'HET':<4} hazmat"
    )
    console.print(f"Vehicle catalogue: {len(catalogue)} types", markup=False)
    console.print(header, markup=False, highlight=False)
    for v in catalogue:
        axle = "-" if v.max_axle_load_t is None else f"{v.max_axle_load_t:g}"
        line = (
            f"{v.id:<22} {v.name:<34} {v.running_gear:<7} {v.weight_t:>6g} {v.mlc:>4} "
            f"{v.height_m:>5g} {v.width_m:>5g} {v.length_m:>6g} {axle:>6} "
            f"{v.max_speed_kph:>5g} {'yes' if v.het_required else '':<4} "
            f"{v.hazmat.describe() if v.hazmat else ''}"
        )
        console.print(line.rstrip(), markup=False, highlight=False, soft_wrap=True)


def _add_halt_sites_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--halt-sites",
        type=Path,
        action="append",
        metavar="GEOJSON",
        help="truck parking, rest and service areas where columns may halt (GeoJSON points "
        "or polygons with truck_spots or area_m2; repeatable)",
    )


def _halt_sites(args: argparse.Namespace) -> list[Any]:
    from mobility.routing.halt_sites import load_halt_sites

    return [site for path in args.halt_sites or () for site in load_halt_sites(path)]


def _route(args: argparse.Namespace) -> None:
    from dataclasses import replace

    from mobility.model.column import FORMATIONS, ColumnRules
    from mobility.model.vehicle import load_vehicles
    from mobility.routing.output import plan_dict, plan_geojson, plan_lines
    from mobility.routing.router import Router
    from mobility.routing.turns import RAIL_TURNS, ROAD_TURNS

    catalogue = load_vehicles(*(args.vehicles_file or ()))
    if args.out is not None:
        claim_output(args.out, "folder")
    extra = frozenset(args.reverse_at)
    router = Router(
        _load(args),
        catalogue,
        road_turns=replace(ROAD_TURNS, reverse_at=ROAD_TURNS.reverse_at | extra),
        rail_turns=replace(RAIL_TURNS, reverse_at=RAIL_TURNS.reverse_at | extra),
        halt_sites=_halt_sites(args),
    )
    plan = router.route(
        args.origin,
        args.destination,
        args.vehicle,
        count=args.count,
        hazmat=args.hazmat,
        k=args.k,
        start=args.start,
        mode=args.mode,
        self_propelled=args.self_propelled,
        column_rules=ColumnRules(formation=FORMATIONS[args.formation]),
    )
    if args.format == "json":
        print(strict_json.dumps(plan_dict(plan), indent=2, ensure_ascii=False))
    elif args.format == "geojson":
        print(strict_json.dumps(plan_geojson(plan), ensure_ascii=False))
    else:
        for line in plan_lines(plan):
            console.print(line, markup=False, highlight=False)
    if args.out is not None:
        from mobility.routing.export import write_route_files

        folder = write_route_files(plan, args.out)
        (console if args.format == "text" else error_console).print(
            f"wrote {folder}", markup=False, highlight=False
        )


def _add_tiles_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tiles",
        metavar="URL",
        help="tile server URL template (XYZ {z}/{x}/{y} or WMTS {TileMatrix}/{TileCol}/{TileRow}, "
        "web Mercator) drawn on the map instead of the offline background",
    )
    parser.add_argument("--tiles-attribution", metavar="TEXT", help="attribution of --tiles")
    parser.add_argument(
        "--outlines",
        type=Path,
        metavar="FILE",
        help="province or municipality outlines to draw on the map (GeoPackage, GeoJSON, "
        "Shapefile, ..., any CRS), e.g. the CBS/PDOK Gebiedsindelingen",
    )
    parser.add_argument("--outlines-layer", metavar="NAME", help="layer of --outlines to draw")
    parser.add_argument(
        "--outlines-name", metavar="FIELD", help="field naming the areas of --outlines"
    )


def _outlines(args: argparse.Namespace) -> Outlines | None:
    """Read ``--outlines`` now (a bad file fails before the work), or return None."""
    if args.outlines is None:
        return None
    from mobility.maps.outlines import read_outlines

    return read_outlines(args.outlines, layer=args.outlines_layer, name_field=args.outlines_name)


def _plan(args: argparse.Namespace) -> int:
    from mobility.model.scenario import load_scenario
    from mobility.model.vehicle import load_vehicles
    from mobility.planning import write_plan
    from mobility.routing.router import Router
    from mobility.schedule.cpsat import SolverOptions
    from mobility.schedule.disruption import TrafficModel
    from mobility.schedule.plan_files import PLAN_FILES
    from mobility.schedule.planner import plan_scenario
    from mobility.schedule.size import check_model_size
    from mobility.traffic.gtfs import read_gtfs
    from mobility.traffic.read import read_traffic
    from mobility.validation.self_check import INVALID_EXIT, INVALID_FILE

    if args.time_limit <= 0 or args.workers < 1:
        raise ScenarioError("--time-limit must be > 0 and --workers >= 1")
    if args.tiles:
        from mobility.maps.tiles import tile_template

        tile_template(args.tiles)  # a bad template fails before the solve
    outlines = _outlines(args)
    scenario = load_scenario(args.scenario)
    check_model_size(scenario)
    out = args.out or Path("out") / "plans" / _slug(scenario.name)
    claim_output(
        out, "folder", names={*PLAN_FILES, INVALID_FILE, "map.html", "gantt.png", "utilisation.png"}
    )
    network = _load(args)
    traffic = None
    if args.traffic or args.timetable:
        with step("reading the measured traffic and the timetable"):
            traffic = TrafficModel(
                counts=read_traffic(args.traffic) if args.traffic else None,
                rail_timetable=read_gtfs(args.timetable) if args.timetable else None,
            )
    options = SolverOptions(
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        deterministic=not args.fast,
    )
    catalogue = load_vehicles(*(args.vehicles_file or ()))
    with step(f"planning {scenario.name}"):
        result = plan_scenario(
            scenario,
            network,
            options=options,
            router=Router(network, catalogue, halt_sites=_halt_sites(args)),
            catalogue=catalogue,
            traffic=traffic,
        )
    with step(f"writing {out} (map and charts)"):
        tiles = {"tiles_url": args.tiles, "tiles_attribution": args.tiles_attribution}
        folder = write_plan(result, out, outlines=outlines, **tiles)
    console.print(result.summary(), markup=False, highlight=False)
    console.print(f"wrote {folder}", markup=False, highlight=False)
    # The folder as written is checked again; a plan with violations is no
    # plan to issue: its folder holds INVALID.txt and the exit status says so.
    if _validate(folder, network=network) or not result.is_valid():
        error_console.print(
            f"INVALID: {folder} fails its own check (violations above, and in "
            f"{INVALID_FILE} there); do not issue it",
            markup=False,
        )
        return INVALID_EXIT
    return 0


def _map(args: argparse.Namespace) -> None:
    from mobility.maps import read_plan_view, render_network_map, render_plan_map, save_map
    from mobility.maps.render import MAP_SIGNATURES
    from mobility.maps.tiles import tile_template

    if args.network == (args.plan_dir is not None):
        raise ScenarioError("mobility map needs either PLAN_DIR or --network (not both)")
    if args.tiles:
        tile_template(args.tiles)  # a bad template fails before the network is loaded
    tiles = {"tiles_url": args.tiles, "tiles_attribution": args.tiles_attribution}
    outlines = _outlines(args)
    signature = MAP_SIGNATURES
    if args.network:
        out = claim_output(args.out or Path("maps") / "network.html", "file", signature=signature)
        network = _load(args)
        with step("drawing the map"):
            fmap = render_network_map(network, outlines=outlines, **tiles)
    else:
        try:
            view = read_plan_view(args.plan_dir)
        except MobilityError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise _malformed_plan(args.plan_dir, error) from None
        out = args.out or Path("maps") / f"{_slug(args.plan_dir.resolve().name)}.html"
        claim_output(out, "file", signature=signature)
        network = _load(args)
        with step("drawing the map"):
            fmap = render_plan_map(
                view, network, colour_by=args.colour_by, outlines=outlines, **tiles
            )
    with step(f"writing {out}"):
        path = save_map(fmap, out)
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", markup=False)


def _malformed_plan(plan_dir: Path, error: Exception) -> MobilityError:
    """Return the error for a plan folder edited into a shape the tools cannot read."""
    detail = f"missing field {error}" if isinstance(error, KeyError) else str(error)[:200]
    return DataError(
        f"plan folder {str(plan_dir)!r} is malformed ({detail}); expected the files "
        "'mobility plan' writes"
    )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text.lower()).strip("-")


def _validate(plan_dir: Path, scenario: Path | None = None, network: Network | None = None) -> int:
    from mobility.validation import validate_plan

    try:
        violations = validate_plan(plan_dir, scenario_file=scenario, network=network)
    except MobilityError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise _malformed_plan(plan_dir, error) from None
    if violations:
        for violation in violations:
            error_console.print(str(violation), markup=False, highlight=False)
        error_console.print(f"{plan_dir}: {len(violations)} violations", markup=False)
        return 1
    console.print(
        f"{plan_dir}: valid (every constraint re-checked against the plan's inputs)", markup=False
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mobility`` command; return its exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # usage errors (status 2), --help and --version (0)
        return exit_.code if isinstance(exit_.code, int) else 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    close_progress = show_progress(args, error_console)
    try:
        if args.command == "network":
            if args.network_command == "export":
                claim_output(args.out_dir, "folder", names=set(EXPORT_FILES))
            network = _load(args)
            if args.network_command == "export":
                with step(f"writing {args.out_dir}"):
                    paths = export_paths(network, args.out_dir)
                for path in paths:
                    console.print(f"wrote {path}")
            else:
                _print_network(network, args.json)
        elif args.command == "vehicles":
            _print_vehicles(args)
        elif args.command == "route":
            _route(args)
        elif args.command == "plan":
            return _plan(args)
        elif args.command == "validate":
            return _validate(args.plan_dir, args.scenario)
        elif args.command == "map":
            _map(args)
        elif args.command == "stress":
            _stress(args)
        elif args.command == "criticality":
            _criticality(args)
        elif args.command == "fetch":
            _fetch(args)
    except MobilityError as error:
        error_console.print(f"error: {error}", markup=False, highlight=False)
        return 2
    except OSError as error:  # a file or folder the library could not read or write
        error_console.print(f"error: {error}", markup=False, highlight=False)
        return 2
    except MemoryError:
        error_console.print(
            "error: out of memory; reduce the input or the limits in mobility.settings",
            markup=False,
        )
        return 2
    except KeyboardInterrupt:
        error_console.print("interrupted: nothing half-written was left", markup=False)
        return 130
    finally:
        close_progress()
        release_all()
    return 0


def _add_stress_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    stress = commands.add_parser("stress", help="stress-test a scenario under perturbations")
    _add_source_options(stress)
    stress.add_argument(
        "scenario", nargs="?", type=Path, help="scenario YAML (default: the embedded example)"
    )
    stress.add_argument(
        "--perturbation",
        "-p",
        type=Path,
        action="append",
        required=True,
        metavar="YAML",
        help="perturbation file (repeatable: they are combined)",
    )
    stress.add_argument(
        "--time-limit",
        type=real(0.0, 86_400.0, above=True),
        default=2.0,
        metavar="S",
        help="deterministic solver budget per plan, the same for both (default 2, as the "
        "library's)",
    )
    stress.add_argument(
        "--run", type=whole(0, 1_000_000), default=0, metavar="N", help="Monte Carlo run to draw"
    )
    _add_report_options(stress)

    critical = commands.add_parser("criticality", help="rank elements by the loss they cause")
    _add_source_options(critical)
    critical.add_argument("--mode", choices=("road", "rail"), help="only road or rail elements")
    critical.add_argument(
        "--by", choices=("stranded", "throughput", "time"), default="stranded", help="sort key"
    )
    critical.add_argument(
        "--top", type=whole(1, 100_000), default=20, metavar="K", help="elements listed"
    )
    critical.add_argument(
        "--resilience",
        metavar="K,K,...",
        help="also a resilience curve at these numbers of random failures, e.g. 0,1,2,4,8",
    )
    critical.add_argument(
        "--monte-carlo",
        type=Path,
        metavar="YAML",
        help="also Monte Carlo runs of this file's random_failures",
    )
    critical.add_argument(
        "--runs", type=whole(1, 1_000_000), default=50, metavar="N", help="Monte Carlo runs"
    )
    critical.add_argument("--seed", type=whole(0), default=0, help="seed of the resilience draws")
    critical.add_argument(
        "--backend", choices=("serial", "process", "dask"), default="process", help="sweep backend"
    )
    critical.add_argument(
        "--workers", type=whole(1, 256), default=2, metavar="N", help="worker processes"
    )
    critical.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (dask backend)")
    critical.add_argument(
        "--results", type=Path, metavar="JSONL", help="append-only results file; resumes a sweep"
    )
    _add_report_options(critical)


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="report folder (default: under out/stress)"
    )
    parser.add_argument("--format", choices=("md", "html"), default="md", help="report format")
    parser.add_argument(
        "--vehicle", action="append", metavar="TYPE", help="vehicle class measured (repeatable)"
    )


def _stress_context(args: argparse.Namespace, network: Network) -> Any:
    """Return the stress context of the network and the spec workers rebuild it from."""
    from mobility.stress.impact import DEFAULT_VEHICLES, StressContext
    from mobility.stress.sweep import ContextSpec

    vehicles = tuple(args.vehicle or DEFAULT_VEHICLES)
    spec = ContextSpec(
        source=None if args.osm is None else str(args.osm),
        corridors=tuple(args.corridor) if args.corridor else None,
        corridor_file=None if args.corridor_file is None else str(args.corridor_file),
        options=BuildOptions(
            clip=not args.no_clip,
            consolidate_tolerance_m=args.consolidate_m,
            fragments=args.fragments,
            min_fragment_length_m=args.min_fragment_m,
        ),
        vehicles=vehicles,
    )
    return StressContext(network, vehicles=vehicles), spec


def _stress(args: argparse.Namespace) -> None:
    from mobility.model.scenario import load_scenario
    from mobility.schedule.cpsat import SolverOptions
    from mobility.schedule.size import check_model_size
    from mobility.stress.perturbation import load_perturbations
    from mobility.stress.replan import stress_test
    from mobility.stress.report import REPORT_FILES, stress_report, write_report

    if args.time_limit <= 0:
        raise ScenarioError("--time-limit must be > 0")
    perturbation = load_perturbations(args.perturbation)
    scenario = load_scenario(args.scenario)
    check_model_size(scenario)
    out = args.out or Path("out") / "stress" / f"{_slug(scenario.name)}-{_slug(perturbation.name)}"
    claim_output(out, "folder", names=set(REPORT_FILES))
    network = _load(args)
    context, _ = _stress_context(args, network)
    options = SolverOptions(time_limit_s=args.time_limit, workers=1, seed=0, deterministic=True)
    with step(f"stress test {perturbation.name}: baseline plan and replan"):
        result = stress_test(
            scenario, network, perturbation, context=context, options=options, run=args.run
        )
        report = stress_report(result, network)
    folder = write_report(report, out, args.format)
    for row in result.kpis():
        judged = f" ({row['verdict']})" if row["verdict"] else ""
        console.print(
            f"{row['kpi']}: {row['baseline']} -> {row['replanned']}{judged}",
            markup=False,
            highlight=False,
        )
    for item in result.impact.throughput:
        if "/" not in item.key:
            console.print(
                f"{item.key} throughput: {item.baseline_vehicles_per_day:,} -> "
                f"{item.vehicles_per_day:,} veh/day; bottleneck: "
                + "; ".join(c.name for c in item.cut),
                markup=False,
                highlight=False,
            )
    console.print(f"wrote {folder}", markup=False, highlight=False)


def _criticality(args: argparse.Namespace) -> None:
    from mobility.stress.critical import criticality
    from mobility.stress.montecarlo import monte_carlo, resilience_curve
    from mobility.stress.perturbation import load_perturbation
    from mobility.stress.report import REPORT_FILES, criticality_report, write_report
    from mobility.stress.sweep import SweepOptions

    if args.top < 1 or args.runs < 1 or args.workers < 1:
        raise ScenarioError("--top, --runs and --workers must be >= 1")
    failures: list[int] = []
    if args.resilience:
        try:
            failures = sorted({int(k) for k in args.resilience.split(",") if k.strip()})
        except ValueError:
            raise ScenarioError(
                f"--resilience expects whole numbers separated by commas, got {args.resilience!r}"
            ) from None
    random_file = load_perturbation(args.monte_carlo) if args.monte_carlo else None
    name = "criticality" + ("-" + "-".join(args.corridor) if args.corridor else "")
    out = claim_output(args.out or Path("out") / "stress" / name, "folder", names=set(REPORT_FILES))
    network = _load(args)
    context, spec = _stress_context(args, network)
    sweep = SweepOptions(args.backend, args.workers, spec, args.scheduler)
    results = str(args.results) if args.results else None
    curve = summary = None

    def report(done: int, total: int) -> None:
        advance(f"{done:,}/{total:,} done")

    with step("criticality: every element's loss"):
        ranked = criticality(
            context, mode=args.mode, by=args.by, top_k=args.top, sweep=sweep, results=results,
            progress=report,
        )  # fmt: skip
    if failures:
        with step("resilience curve"):
            curve = resilience_curve(
                context, failures, args.runs, seed=args.seed, mode=args.mode, weights=random_file,
                sweep=sweep, results=results and results + ".resilience", progress=report,
            )  # fmt: skip
    if random_file is not None:
        with step("Monte Carlo runs"):
            summary = monte_carlo(
                context, random_file, args.runs, sweep=sweep,
                results=results and results + ".montecarlo", progress=report,
            )  # fmt: skip
    content = criticality_report(
        ranked, by=args.by, baseline=context.baseline, curve=curve, monte_carlo=summary,
        network=network,
        title="Corridor criticality" + (f" ({', '.join(args.corridor)})" if args.corridor else ""),
    )  # fmt: skip
    folder = write_report(content, out, args.format)
    for row in ranked:
        console.print(
            f"{row.rank:>3}. {row.element.describe()} [{row.element.mode}]: {row.stranded} pairs "
            f"stranded, {row.throughput_loss:,} veh/day lost, +{row.extra_time_h:.2f} h",
            markup=False,
            highlight=False,
        )
    console.print(f"wrote {folder}", markup=False, highlight=False)


def export_paths(network: Network, out_dir: Path) -> list[Path]:
    """Export the network and return the written paths."""
    from mobility.network.export import export_network

    return export_network(network, out_dir)


if __name__ == "__main__":
    sys.exit(main())
