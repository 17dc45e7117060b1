"""``mobility route``: alternative routes of one column, with classification and schedule."""

from __future__ import annotations

import argparse
from pathlib import Path

from mobility import _json as strict_json
from mobility._atomic import claim_output
from mobility._cli_types import max_alternatives, max_vehicles, whole
from mobility.cli._console import console, error_console, print_lines
from mobility.cli._options import (
    add_halt_sites_option,
    add_source_options,
    add_vehicles_file_option,
    catalogue,
    halt_sites,
    load,
)

__all__ = ["add_parser", "run_route"]


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``route`` to ``commands``."""
    route = commands.add_parser("route", help="alternative routes and column schedule")
    add_source_options(route)
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
    add_vehicles_file_option(route)
    route.add_argument("--format", choices=("text", "json", "geojson"), default="text")
    add_halt_sites_option(route)
    route.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write the routes as GeoJSON, GeoPackage and one GPX file per route",
    )
    route.set_defaults(func=run_route)


def run_route(args: argparse.Namespace) -> int:
    """Route the column, print the alternatives and write them if ``--out`` asks."""
    from dataclasses import replace

    from mobility.model.column import FORMATIONS, ColumnRules
    from mobility.routing.output import plan_dict, plan_geojson, plan_lines
    from mobility.routing.router import Router
    from mobility.routing.turns import RAIL_TURNS, ROAD_TURNS

    vehicles = catalogue(args)
    if args.out is not None:
        claim_output(args.out, "folder")
    extra = frozenset(args.reverse_at)
    router = Router(
        load(args),
        vehicles,
        road_turns=replace(ROAD_TURNS, reverse_at=ROAD_TURNS.reverse_at | extra),
        rail_turns=replace(RAIL_TURNS, reverse_at=RAIL_TURNS.reverse_at | extra),
        halt_sites=halt_sites(args),
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
        print_lines(plan_lines(plan))
    if args.out is not None:
        from mobility.routing.export import write_route_files

        folder = write_route_files(plan, args.out)
        (console if args.format == "text" else error_console).print(
            f"wrote {folder}", markup=False, highlight=False
        )
    return 0
