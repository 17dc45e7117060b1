"""Options several commands share, defined once, and the values built from them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from mobility.cli import _options, build_parser
from mobility.errors import MobilityError
from mobility.network.build import BuildOptions

DATA = Path(__file__).parent.parent / "data"
TINY = ["--osm", str(DATA / "tiny.osm"), "--corridor-file", str(DATA / "corridors-tiny.yaml")]


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    _options.add_source_options(parser)
    _options.add_vehicles_file_option(parser)
    _options.add_halt_sites_option(parser)
    _options.add_tiles_options(parser)
    return parser.parse_args(argv)


def test_build_options_follow_the_source_options() -> None:
    assert _options.build_options(_parse()) == BuildOptions(
        clip=True,
        consolidate_tolerance_m=20.0,
        fragments="drop_small",
        min_fragment_length_m=2000.0,
    )
    args = _parse(
        "--no-clip", "--consolidate-m", "0", "--fragments", "keep", "--min-fragment-m", "5"
    )
    assert _options.build_options(args) == BuildOptions(
        clip=False, consolidate_tolerance_m=0.0, fragments="keep", min_fragment_length_m=5.0
    )


def test_load_builds_the_network_the_options_name() -> None:
    network = _options.load(_parse(*TINY, "--corridor", "tiny", "--no-cache"))
    assert list(network.corridors.corridors) == ["tiny"]
    assert network.report.source.endswith("tiny.osm")


def test_every_command_that_takes_vehicle_files_takes_the_same_option() -> None:
    parser = build_parser()
    for argv in (
        ["vehicles"],
        ["route", "--from", "a", "--to", "b", "--vehicle", "c"],
        ["plan"],
    ):
        args = parser.parse_args([*argv, "--vehicles-file", "a.yaml", "--vehicles-file", "b.yaml"])
        assert args.vehicles_file == [Path("a.yaml"), Path("b.yaml")], argv


def test_the_catalogue_adds_the_vehicle_files() -> None:
    embedded = _options.catalogue(_parse())
    extended = _options.catalogue(_parse("--vehicles-file", str(DATA / "vehicles-tiny.yaml")))
    assert len(extended) > len(embedded)
    assert extended.get("ammo").mlc == 30
    with pytest.raises(KeyError):
        embedded.types["ammo"]


def test_no_halt_sites_without_the_option() -> None:
    assert _options.halt_sites(_parse()) == []


def test_tiles_are_checked_before_any_work() -> None:
    _options.check_tiles(_parse())  # none: nothing to check
    _options.check_tiles(_parse("--tiles", "https://tiles.example/{z}/{x}/{y}.png"))
    with pytest.raises(MobilityError, match="tile"):
        _options.check_tiles(_parse("--tiles", "https://tiles.example/no-placeholders.png"))
    args = _parse("--tiles", "https://t/{z}/{x}/{y}", "--tiles-attribution", "(c) T")
    assert _options.tiles(args) == {
        "tiles_url": "https://t/{z}/{x}/{y}",
        "tiles_attribution": "(c) T",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Atlantic Resolve 2026", "atlantic-resolve-2026"), ("a/b c", "a-b-c"), ("--x_y--", "x_y")],
)
def test_slug(text: str, expected: str) -> None:
    assert _options.slug(text) == expected
