"""Command-line interface: parses arguments, calls the library, prints.

Commands
--------
``mobility network``
    Summary of the corridor network (embedded atlas or ``--osm PATH``).
``mobility network export OUT_DIR``
    Write ``roads.geojson``, ``rail.geojson`` and ``places.geojson``.
``mobility fetch overpass|geofabrik --out PATH``
    The only commands that use the internet.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from mobility import __version__
from mobility.errors import MobilityError
from mobility.network.build import BuildOptions
from mobility.network.load import Network, load_network
from mobility.network.summary import network_summary

console = Console()
error_console = Console(stderr=True)


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
        help="corridor definitions (default: data/corridors.yaml)",
    )
    parser.add_argument(
        "--no-clip",
        action="store_true",
        help="keep the whole extract instead of clipping to the corridors",
    )
    parser.add_argument(
        "--consolidate-m",
        type=float,
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
        type=float,
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
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    network = commands.add_parser("network", help="summarise (or export) the corridor network")
    _add_source_options(network)
    network.add_argument("--json", action="store_true", help="print the summary as JSON")
    network_commands = network.add_subparsers(dest="network_command", metavar="SUBCOMMAND")
    export = network_commands.add_parser("export", help="write roads/rail/places GeoJSON")
    export.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    _add_source_options(export)

    fetch = commands.add_parser("fetch", help="download OSM data (needs internet)")
    fetch.add_argument(
        "what",
        choices=("overpass", "geofabrik"),
        help="overpass: corridor polygons as OSM XML; geofabrik: country PBF",
    )
    fetch.add_argument("--out", type=Path, required=True, metavar="PATH")
    fetch.add_argument("--corridor", action="append", metavar="NAME")
    fetch.add_argument("--url", help="alternative server or extract URL")
    return parser


def _load(args: argparse.Namespace) -> Network:
    options = BuildOptions(
        clip=not args.no_clip,
        consolidate_tolerance_m=args.consolidate_m,
        fragments=args.fragments,
        min_fragment_length_m=args.min_fragment_m,
    )
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        TimeElapsedColumn(),
        console=error_console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"loading {args.osm or 'embedded atlas'}", total=None)

        def report(stage: str, count: int) -> None:
            progress.update(task, description=f"reading {stage}: {count:,}")

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
            json.dumps(
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mobility`` command; return its exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "network":
            network = _load(args)
            if args.network_command == "export":
                for path in export_paths(network, args.out_dir):
                    console.print(f"wrote {path}")
            else:
                _print_network(network, args.json)
        elif args.command == "fetch":
            _fetch(args)
    except MobilityError as error:
        error_console.print(f"error: {error}", markup=False, highlight=False)
        return 2
    return 0


def export_paths(network: Network, out_dir: Path) -> list[Path]:
    """Export the network and return the written paths."""
    from mobility.network.export import export_network

    return export_network(network, out_dir)


if __name__ == "__main__":
    sys.exit(main())
