"""``mobility network`` (and ``network export``) and ``mobility vehicles``: what the data holds."""

from __future__ import annotations

import argparse
from pathlib import Path

from mobility import _json as strict_json
from mobility._atomic import claim_output
from mobility._cli_progress import add_options as add_progress_options
from mobility._progress import step
from mobility.cli._console import console, print_lines
from mobility.cli._options import (
    add_source_options,
    add_vehicles_file_option,
    catalogue,
    load,
)
from mobility.network.export import EXPORT_FILES
from mobility.network.summary_text import corridor_lines, summary_document

__all__ = ["add_parsers", "run_export", "run_network", "run_vehicles"]


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``network`` (with ``export``) and ``vehicles`` to ``commands``."""
    network = commands.add_parser("network", help="summarise (or export) the corridor network")
    add_source_options(network)
    network.add_argument("--json", action="store_true", help="print the summary as JSON")
    network.set_defaults(func=run_network)
    network_commands = network.add_subparsers(dest="network_command", metavar="SUBCOMMAND")
    export = network_commands.add_parser(
        "export", help="write roads/rail/places GeoJSON and GeoPackage"
    )
    export.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    add_source_options(export)
    export.set_defaults(func=run_export)
    add_progress_options(export)  # the top commands get theirs in build_parser

    vehicles = commands.add_parser("vehicles", help="list the vehicle catalogue")
    add_vehicles_file_option(vehicles)
    vehicles.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    vehicles.set_defaults(func=run_vehicles)


def run_network(args: argparse.Namespace) -> int:
    """Print the network summary and its load report (or both as JSON)."""
    network = load(args)
    if args.json:
        print(strict_json.dumps(summary_document(network), indent=2, default=str))
        return 0
    console.print(f"[bold]Corridor network[/bold] ({network.report.source})")
    print_lines(corridor_lines(network))
    console.print("[bold]Load report[/bold]")
    print_lines(f"  {line}" for line in network.report.lines())
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write the network's GeoJSON and GeoPackage files into ``OUT_DIR``."""
    from mobility.network.export import export_network

    claim_output(args.out_dir, "folder", names=set(EXPORT_FILES))
    network = load(args)
    with step(f"writing {args.out_dir}"):
        paths = export_network(network, args.out_dir)
    for path in paths:
        console.print(f"wrote {path}")
    return 0


def run_vehicles(args: argparse.Namespace) -> int:
    """Print the vehicle catalogue as a table (or JSON)."""
    from mobility.model.vehicle_text import catalogue_records, catalogue_table

    vehicles = catalogue(args)
    if args.json:
        print(strict_json.dumps(catalogue_records(vehicles), indent=2))
        return 0
    console.print(f"Vehicle catalogue: {len(vehicles)} types", markup=False)
    print_lines(catalogue_table(vehicles))
    return 0
