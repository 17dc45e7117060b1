"""``mobility fetch``: the only command that uses the internet (OSM downloads)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from mobility.cli._console import console, error_console

__all__ = ["add_parser", "run_fetch"]


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``fetch`` to ``commands``."""
    fetch = commands.add_parser("fetch", help="download OSM data (needs internet)")
    fetch.add_argument(
        "what",
        choices=("overpass", "geofabrik"),
        help="overpass: corridor polygons as OSM XML; geofabrik: country PBF",
    )
    fetch.add_argument("--out", type=Path, required=True, metavar="PATH")
    fetch.add_argument("--corridor", action="append", metavar="NAME")
    fetch.add_argument("--url", help="alternative server or extract URL")
    fetch.set_defaults(func=run_fetch)


def run_fetch(args: argparse.Namespace) -> int:
    """Download corridor polygons (Overpass) or the country extract (Geofabrik)."""
    from mobility.model.corridor import load_corridors
    from mobility.network import fetch

    extra = {"url": args.url} if args.url else {}
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
            path = fetch.fetch_overpass(corridors, args.out, progress=report, **extra)
        else:
            path = fetch.fetch_geofabrik(args.out, progress=report, **extra)
    console.print(f"wrote {path}; load it with: mobility network --osm {path}")
    return 0
