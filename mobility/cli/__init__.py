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
from collections.abc import Sequence

from mobility import __version__
from mobility._atomic import release_all
from mobility._cli_progress import add_options as add_progress_options
from mobility._cli_progress import show_progress
from mobility.cli import _fetch, _network, _plan, _route, _stress
from mobility.cli._console import error_console
from mobility.errors import MobilityError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``mobility`` command.

    Every command sets ``func``, the function that runs it (see :func:`main`).
    """
    parser = argparse.ArgumentParser(
        prog="mobility",
        description="Host-nation-support military mobility planner for the Dutch corridors.",
    )
    parser.add_argument("--version", action="version", version=f"mobility {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    add_progress_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _network.add_parsers(commands)  # network (export), vehicles
    _route.add_parser(commands)
    _plan.add_parsers(commands)  # plan, validate, map
    _stress.add_parsers(commands)  # stress, criticality
    _fetch.add_parser(commands)  # the only command that goes online, last in the help
    for command in commands.choices.values():  # after the command's own options
        add_progress_options(command)
    return parser


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
        return int(args.func(args))
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
