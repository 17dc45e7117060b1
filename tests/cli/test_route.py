"""``mobility route``: its options, and where "wrote" goes when the routes go to stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobility.cli import _route, build_parser

ROUTE = ["route", "--from", "Vlissingen", "--to", "Venlo (A67", "--vehicle", "fennek"]


def test_the_defaults() -> None:
    args = build_parser().parse_args(ROUTE)
    assert args.func is _route.run_route
    assert (args.count, args.k, args.mode, args.formation, args.format) == (
        1,
        3,
        "road",
        "open",
        "text",
    )
    assert args.reverse_at == [] and args.hazmat == "" and args.out is None


def test_geojson_on_stdout_and_the_notice_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "route"
    argv = [*ROUTE, "-k", "1", "--format", "geojson", "--start", "2026-11-24T06:00"]
    assert _route.run_route(build_parser().parse_args([*argv, "--out", str(out)])) == 0
    captured = capsys.readouterr()
    collection = json.loads(captured.out)  # stdout holds the GeoJSON alone
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 1
    assert captured.err == f"wrote {out}\n"
    assert (out / "routes.geojson").is_file()
