from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mobility import DataError, load_corridors
from mobility.model.corridor import corridors_from_dict

DATA = Path(__file__).parent.parent / "data"


def base() -> dict[str, Any]:
    document = yaml.safe_load((DATA / "corridors-tiny.yaml").read_text())
    assert isinstance(document, dict)
    return document


def test_loads_fixture() -> None:
    corridors = load_corridors(DATA / "corridors-tiny.yaml")
    assert list(corridors.corridors) == ["west", "east", "tiny"]
    assert corridors.select(["east"]).places[0].id == "csc-test"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["places"][0].update(kind="airport"),
            r"place 'bcp-tiny': kind 'airport' is not one of",
        ),
        (
            lambda d: d["places"][0].pop("source"),
            r"place 'bcp-tiny': expected a 'source' or an 'assumption'",
        ),
        (lambda d: d["places"][0].update(corridors=["nowhere"]), r"unknown corridor 'nowhere'"),
        (lambda d: d["places"][0].update(lat=123), r"not a WGS84 position"),
        (lambda d: d["places"][0].update(lon="east"), r"expected a number"),
        (
            lambda d: d["places"][3].update(capacity={"vehicles_parked": -1}),
            r"capacity 'vehicles_parked' must be a number >= 0",
        ),
        (
            lambda d: d["places"][3].update(capacity={"trains_per_day": 2}),
            r"capacity 'trains_per_day' is not allowed for kind 'csc'",
        ),
        (
            lambda d: d["corridors"]["west"].update(buffer_m=0),
            r"corridor 'west': buffer_m must be > 0",
        ),
        (lambda d: d["corridors"]["west"].update(spines=[[[4.0, 52.0]]]), r"at least two"),
        (lambda d: d["places"].append(dict(d["places"][0])), r"duplicate id"),
        (
            lambda d: d["places"][0].update(kind="station", mode="road"),
            r"place 'bcp-tiny': a station is a rail place, expected mode: rail",
        ),
        (
            lambda d: d["places"][0].update(kind="station", mode="rail", capacity={"ramps": 1}),
            r"capacity 'ramps' is not allowed for kind 'station'; expected none",
        ),
    ],
)
def test_invalid_entries_are_named(mutate: Any, message: str) -> None:
    document = base()
    mutate(document)
    with pytest.raises(DataError, match=message):
        corridors_from_dict(document, origin="corridors.yaml")


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    evil = tmp_path / "evil.yaml"
    evil.write_text("corridors: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(DataError, match="not valid YAML"):
        load_corridors(evil)


def test_missing_file() -> None:
    with pytest.raises(DataError, match="cannot be read"):
        load_corridors("/nonexistent/corridors.yaml")
