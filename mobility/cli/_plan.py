"""``mobility plan``, ``mobility validate`` and ``mobility map``: a plan folder's life."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mobility._atomic import claim_output
from mobility._cli_types import real, whole
from mobility._progress import step
from mobility.cli._console import console, error_console, print_lines
from mobility.cli._options import (
    add_halt_sites_option,
    add_scenario_argument,
    add_source_options,
    add_tiles_options,
    add_vehicles_file_option,
    catalogue,
    check_tiles,
    halt_sites,
    load,
    outlines,
    slug,
    tiles,
)
from mobility.errors import DataError, MobilityError, ScenarioError
from mobility.network.load import Network

if TYPE_CHECKING:
    from mobility.schedule.disruption import TrafficModel
    from mobility.validation import Violation

__all__ = [
    "add_parsers",
    "report_check",
    "run_map",
    "run_plan",
    "run_validate",
    "validate_folder",
]

#: Files a plan folder may hold besides :data:`~mobility.schedule.plan_files.PLAN_FILES`.
PLAN_EXTRAS = {"map.html", "gantt.png", "utilisation.png"}


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``plan``, ``validate`` and ``map`` to ``commands``."""
    _add_plan_parser(commands)
    validate = commands.add_parser("validate", help="re-check a plan folder")
    validate.add_argument("plan_dir", type=Path, metavar="PLAN_DIR")
    validate.add_argument(
        "--scenario",
        type=Path,
        metavar="YAML",
        help="the scenario as you issued it (must be the plan's; default: the folder's copy)",
    )
    validate.set_defaults(func=run_validate)

    map_parser = commands.add_parser("map", help="offline HTML map of a plan or the corridors")
    add_source_options(map_parser)
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
    add_tiles_options(map_parser)
    map_parser.set_defaults(func=run_map)


def _add_plan_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    plan = commands.add_parser("plan", help="schedule a scenario's movements (CP-SAT)")
    add_source_options(plan)
    add_tiles_options(plan)
    add_scenario_argument(plan)
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
    add_vehicles_file_option(plan)
    add_halt_sites_option(plan)
    plan.set_defaults(func=run_plan)


def run_plan(args: argparse.Namespace) -> int:
    """Plan the scenario, write its folder checked as written; exit 3 if it fails the check."""
    from mobility.model.scenario import load_scenario
    from mobility.planning import write_plan
    from mobility.routing.router import Router
    from mobility.schedule.cpsat import SolverOptions
    from mobility.schedule.plan_files import PLAN_FILES
    from mobility.schedule.planner import plan_scenario
    from mobility.schedule.size import check_model_size
    from mobility.validation.self_check import INVALID_EXIT, INVALID_FILE

    if args.time_limit <= 0 or args.workers < 1:
        raise ScenarioError("--time-limit must be > 0 and --workers >= 1")
    check_tiles(args)  # a bad template fails before the solve
    areas = outlines(args)
    scenario = load_scenario(args.scenario)
    check_model_size(scenario)
    out = args.out or Path("out") / "plans" / slug(scenario.name)
    claim_output(out, "folder", names={*PLAN_FILES, INVALID_FILE, *PLAN_EXTRAS})
    network = load(args)
    traffic = _traffic(args)
    options = SolverOptions(
        time_limit_s=args.time_limit,
        workers=args.workers,
        seed=args.seed,
        deterministic=not args.fast,
    )
    vehicles = catalogue(args)
    with step(f"planning {scenario.name}"):
        result = plan_scenario(
            scenario,
            network,
            options=options,
            router=Router(network, vehicles, halt_sites=halt_sites(args)),
            catalogue=vehicles,
            traffic=traffic,
        )
    with step(f"writing {out} (map and charts)"):
        folder = write_plan(result, out, outlines=areas, **tiles(args))
    print_lines([result.summary(), f"wrote {folder}"])
    # write_plan checked the folder's files before moving them into place; a
    # plan with violations is no plan to issue: its folder holds INVALID.txt
    # and the exit status says so.
    if report_check(folder, result.validate()):
        error_console.print(
            f"INVALID: {folder} fails its own check (violations above, and in "
            f"{INVALID_FILE} there); do not issue it",
            markup=False,
        )
        return INVALID_EXIT
    return 0


def _traffic(args: argparse.Namespace) -> TrafficModel | None:
    """Return the ``--traffic`` counts and ``--timetable`` trains (``None`` if neither)."""
    from mobility.schedule.disruption import TrafficModel
    from mobility.traffic.gtfs import read_gtfs
    from mobility.traffic.read import read_traffic

    if not (args.traffic or args.timetable):
        return None
    with step("reading the measured traffic and the timetable"):
        return TrafficModel(
            counts=read_traffic(args.traffic) if args.traffic else None,
            rail_timetable=read_gtfs(args.timetable) if args.timetable else None,
        )


def run_validate(args: argparse.Namespace) -> int:
    """Re-check a plan folder from its files (exit 1 if it has violations)."""
    return validate_folder(args.plan_dir, args.scenario)


def validate_folder(
    plan_dir: Path, scenario: Path | None = None, network: Network | None = None
) -> int:
    """Re-check ``plan_dir``, print the violations or that it is valid; return 1 or 0."""
    from mobility.validation import validate_plan

    try:
        violations = validate_plan(plan_dir, scenario_file=scenario, network=network)
    except MobilityError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise malformed_plan(plan_dir, error) from None
    return report_check(plan_dir, violations)


def report_check(plan_dir: Path, violations: Sequence[Violation]) -> int:
    """Print the violations found in ``plan_dir`` or that it is valid; return 1 or 0."""
    if violations:
        print_lines((str(violation) for violation in violations), err=True)
        error_console.print(f"{plan_dir}: {len(violations)} violations", markup=False)
        return 1
    console.print(
        f"{plan_dir}: valid (every constraint re-checked against the plan's inputs)", markup=False
    )
    return 0


def run_map(args: argparse.Namespace) -> int:
    """Draw the plan folder's (or the network's) map into one offline HTML file."""
    from mobility.maps import read_plan_view, render_network_map, render_plan_map, save_map
    from mobility.maps.render import MAP_SIGNATURES

    if args.network == (args.plan_dir is not None):
        raise ScenarioError("mobility map needs either PLAN_DIR or --network (not both)")
    check_tiles(args)  # a bad template fails before the network is loaded
    areas = outlines(args)
    signature = MAP_SIGNATURES
    if args.network:
        out = claim_output(args.out or Path("maps") / "network.html", "file", signature=signature)
        network = load(args)
        with step("drawing the map"):
            fmap = render_network_map(network, outlines=areas, **tiles(args))
    else:
        try:
            view = read_plan_view(args.plan_dir)
        except MobilityError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise malformed_plan(args.plan_dir, error) from None
        out = args.out or Path("maps") / f"{slug(args.plan_dir.resolve().name)}.html"
        claim_output(out, "file", signature=signature)
        network = load(args)
        with step("drawing the map"):
            fmap = render_plan_map(
                view, network, colour_by=args.colour_by, outlines=areas, **tiles(args)
            )
    with step(f"writing {out}"):
        path = save_map(fmap, out)
    console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)", markup=False)
    return 0


def malformed_plan(plan_dir: Path, error: Exception) -> MobilityError:
    """Return the error for a plan folder edited into a shape the tools cannot read."""
    detail = f"missing field {error}" if isinstance(error, KeyError) else str(error)[:200]
    return DataError(
        f"plan folder {str(plan_dir)!r} is malformed ({detail}); expected the files "
        "'mobility plan' writes"
    )
