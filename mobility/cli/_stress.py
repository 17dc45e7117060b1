"""``mobility stress`` and ``mobility criticality``: the corridors under perturbations."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from mobility._atomic import claim_output
from mobility._cli_types import real, whole
from mobility._progress import advance, step
from mobility.cli._console import print_lines
from mobility.cli._options import (
    add_scenario_argument,
    add_source_options,
    build_options,
    load,
    slug,
)
from mobility.errors import ScenarioError
from mobility.network.load import Network

if TYPE_CHECKING:
    from mobility.stress.impact import StressContext
    from mobility.stress.sweep import ContextSpec

__all__ = ["add_parsers", "run_criticality", "run_stress", "stress_context"]


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``stress`` and ``criticality`` to ``commands``."""
    stress = commands.add_parser("stress", help="stress-test a scenario under perturbations")
    add_source_options(stress)
    add_scenario_argument(stress)
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
    stress.set_defaults(func=run_stress)
    _add_criticality_parser(commands)


def _add_criticality_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    critical = commands.add_parser("criticality", help="rank elements by the loss they cause")
    add_source_options(critical)
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
    critical.set_defaults(func=run_criticality)


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="report folder (default: under out/stress)"
    )
    parser.add_argument("--format", choices=("md", "html"), default="md", help="report format")
    parser.add_argument(
        "--vehicle", action="append", metavar="TYPE", help="vehicle class measured (repeatable)"
    )


def stress_context(args: argparse.Namespace, network: Network) -> tuple[StressContext, ContextSpec]:
    """Return the stress context of the network and the spec workers rebuild it from."""
    from mobility.stress.impact import DEFAULT_VEHICLES, StressContext
    from mobility.stress.sweep import ContextSpec

    vehicles = tuple(args.vehicle or DEFAULT_VEHICLES)
    spec = ContextSpec(
        source=None if args.osm is None else str(args.osm),
        corridors=tuple(args.corridor) if args.corridor else None,
        corridor_file=None if args.corridor_file is None else str(args.corridor_file),
        options=build_options(args),
        vehicles=vehicles,
    )
    return StressContext(network, vehicles=vehicles), spec


def run_stress(args: argparse.Namespace) -> int:
    """Plan the scenario, replan it under the perturbations, write the report."""
    from mobility.model.scenario import load_scenario
    from mobility.schedule.cpsat import SolverOptions
    from mobility.schedule.size import check_model_size
    from mobility.stress.perturbation import load_perturbations
    from mobility.stress.replan import stress_test
    from mobility.stress.report import REPORT_FILES, stress_report, write_report
    from mobility.stress.summary_text import stress_lines

    if args.time_limit <= 0:
        raise ScenarioError("--time-limit must be > 0")
    perturbation = load_perturbations(args.perturbation)
    scenario = load_scenario(args.scenario)
    check_model_size(scenario)
    out = args.out or Path("out") / "stress" / f"{slug(scenario.name)}-{slug(perturbation.name)}"
    claim_output(out, "folder", names=set(REPORT_FILES))
    network = load(args)
    context, _ = stress_context(args, network)
    options = SolverOptions(time_limit_s=args.time_limit, workers=1, seed=0, deterministic=True)
    with step(f"stress test {perturbation.name}: baseline plan and replan"):
        result = stress_test(
            scenario, network, perturbation, context=context, options=options, run=args.run
        )
        report = stress_report(result, network)
    folder = write_report(report, out, args.format)
    print_lines([*stress_lines(result), f"wrote {folder}"])
    return 0


def resilience_failures(text: str | None) -> list[int]:
    """Return the sorted, distinct failure counts of ``--resilience K,K,...`` (none if unset)."""
    if not text:
        return []
    try:
        return sorted({int(k) for k in text.split(",") if k.strip()})
    except ValueError:
        raise ScenarioError(
            f"--resilience expects whole numbers separated by commas, got {text!r}"
        ) from None


def run_criticality(args: argparse.Namespace) -> int:
    """Rank the elements by their loss, with the optional curve and Monte Carlo runs."""
    from mobility.stress.critical import criticality
    from mobility.stress.montecarlo import monte_carlo, resilience_curve
    from mobility.stress.perturbation import load_perturbation
    from mobility.stress.report import REPORT_FILES, criticality_report, write_report
    from mobility.stress.summary_text import ranking_lines
    from mobility.stress.sweep import SweepOptions

    if args.top < 1 or args.runs < 1 or args.workers < 1:
        raise ScenarioError("--top, --runs and --workers must be >= 1")
    failures = resilience_failures(args.resilience)
    random_file = load_perturbation(args.monte_carlo) if args.monte_carlo else None
    name = "criticality" + ("-" + "-".join(args.corridor) if args.corridor else "")
    out = claim_output(args.out or Path("out") / "stress" / name, "folder", names=set(REPORT_FILES))
    network = load(args)
    context, spec = stress_context(args, network)
    sweep = SweepOptions(
        backend=args.backend, workers=args.workers, spec=spec, address=args.scheduler
    )
    results = str(args.results) if args.results else None
    curve = summary = None

    def report(done: int, total: int) -> None:
        advance(f"{done:,}/{total:,} done")

    with step("criticality: every element's loss"):
        ranked = criticality(
            context,
            mode=args.mode,
            by=args.by,
            top_k=args.top,
            sweep=sweep,
            results=results,
            progress=report,
        )
    if failures:
        with step("resilience curve"):
            curve = resilience_curve(
                context,
                failures,
                runs=args.runs,
                seed=args.seed,
                mode=args.mode,
                weights=random_file,
                sweep=sweep,
                results=results and results + ".resilience",
                progress=report,
            )
    if random_file is not None:
        with step("Monte Carlo runs"):
            summary = monte_carlo(
                context,
                random_file,
                runs=args.runs,
                sweep=sweep,
                results=results and results + ".montecarlo",
                progress=report,
            )
    content = criticality_report(
        ranked,
        by=args.by,
        baseline=context.baseline,
        curve=curve,
        monte_carlo=summary,
        network=network,
        title="Corridor criticality" + (f" ({', '.join(args.corridor)})" if args.corridor else ""),
    )
    folder = write_report(content, out, args.format)
    print_lines([*ranking_lines(ranked), f"wrote {folder}"])
    return 0
