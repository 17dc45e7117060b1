"""Options several commands share, and the values built from them once.

Each ``add_*`` function adds its options where it is called, so that every
command's help lists them in the same place as before; the other functions
turn the parsed options into what the library takes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobility._cli_types import real
from mobility._progress import advance, step
from mobility.network.build import BuildOptions
from mobility.network.load import Network, load_network

if TYPE_CHECKING:
    from mobility.maps.outlines import Outlines
    from mobility.model.vehicle import VehicleCatalogue

__all__ = [
    "add_halt_sites_option",
    "add_scenario_argument",
    "add_source_options",
    "add_tiles_options",
    "add_vehicles_file_option",
    "build_options",
    "catalogue",
    "check_tiles",
    "halt_sites",
    "load",
    "outlines",
    "slug",
    "tiles",
]


def add_source_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that choose and build the network (see :func:`load`)."""
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


def build_options(args: argparse.Namespace) -> BuildOptions:
    """Return the network build options of :func:`add_source_options`' arguments."""
    return BuildOptions(
        clip=not args.no_clip,
        consolidate_tolerance_m=args.consolidate_m,
        fragments=args.fragments,
        min_fragment_length_m=args.min_fragment_m,
    )


def load(args: argparse.Namespace) -> Network:
    """Load the network the source options name, reporting progress."""
    options = build_options(args)
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


def add_scenario_argument(parser: argparse.ArgumentParser) -> None:
    """Add the optional ``scenario`` positional (default: the embedded example)."""
    parser.add_argument(
        "scenario", nargs="?", type=Path, help="scenario YAML (default: the embedded example)"
    )


def add_vehicles_file_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--vehicles-file`` (repeatable; see :func:`catalogue`)."""
    parser.add_argument(
        "--vehicles-file", type=Path, action="append", metavar="YAML", help="extra vehicle types"
    )


def catalogue(args: argparse.Namespace) -> VehicleCatalogue:
    """Return the embedded vehicle catalogue with the ``--vehicles-file`` types added."""
    from mobility.model.vehicle import load_vehicles

    return load_vehicles(*(args.vehicles_file or ()))


def add_halt_sites_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--halt-sites`` (repeatable; see :func:`halt_sites`)."""
    parser.add_argument(
        "--halt-sites",
        type=Path,
        action="append",
        metavar="GEOJSON",
        help="truck parking, rest and service areas where columns may halt (GeoJSON points "
        "or polygons with truck_spots or area_m2; repeatable)",
    )


def halt_sites(args: argparse.Namespace) -> list[Any]:
    """Return the halt sites of every ``--halt-sites`` file, in order."""
    from mobility.routing.halt_sites import load_halt_sites

    return [site for path in args.halt_sites or () for site in load_halt_sites(path)]


def add_tiles_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--tiles``, ``--tiles-attribution`` and ``--outlines`` (the map's background)."""
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


def outlines(args: argparse.Namespace) -> Outlines | None:
    """Read ``--outlines`` now (a bad file fails before the work), or return None."""
    if args.outlines is None:
        return None
    from mobility.maps.outlines import read_outlines

    return read_outlines(args.outlines, layer=args.outlines_layer, name_field=args.outlines_name)


def check_tiles(args: argparse.Namespace) -> None:
    """Refuse a bad ``--tiles`` template now, before any long work."""
    if args.tiles:
        from mobility.maps.tiles import tile_template

        tile_template(args.tiles)


def tiles(args: argparse.Namespace) -> dict[str, Any]:
    """Return the tile keyword arguments of the map functions."""
    return {"tiles_url": args.tiles, "tiles_attribution": args.tiles_attribution}


def slug(text: str) -> str:
    """Return ``text`` as a file name: lower case, other than letters and digits as ``-``."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text.lower()).strip("-")
