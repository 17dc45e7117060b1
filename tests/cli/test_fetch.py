"""``mobility fetch``: its arguments (the download is tested in tests/network/test_fetch.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobility.cli import _fetch, build_parser


def test_fetch_takes_what_and_where() -> None:
    args = build_parser().parse_args(
        ["fetch", "overpass", "--out", "x.osm", "--corridor", "south", "--corridor", "east"]
    )
    assert args.func is _fetch.run_fetch
    assert (args.what, args.out, args.corridor, args.url) == (
        "overpass",
        Path("x.osm"),
        ["south", "east"],
        None,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fetch", "overpass"], "the following arguments are required: --out"),
        (["fetch", "osm", "--out", "x"], "invalid choice: 'osm'"),
    ],
)
def test_fetch_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_fetch_is_the_last_command_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bogus"])
    assert capsys.readouterr().err.rstrip().endswith("'criticality', 'fetch')")
