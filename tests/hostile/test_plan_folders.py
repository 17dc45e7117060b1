"""Hostile plan folders given to ``mobility validate`` and ``mobility map``."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mobility.cli import main
from tests.hostile.conftest import DATA, Outcome, snapshot


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid plan folder of the tiny scenario, written once."""
    folder = tmp_path_factory.mktemp("plan") / "tiny"
    code = main(
        ["plan", str(DATA / "scenario-tiny.yaml"), "--out", str(folder), "--time-limit", "5"]
    )
    assert code == 0
    return folder


def _movements(folder: Path) -> Any:
    return json.loads((folder / "movement_table.json").read_text())


def _set_first(field: str, value: Any) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        movements = _movements(folder)
        movements[0][field] = value
        (folder / "movement_table.json").write_text(json.dumps(movements))

    return change


def _drop_first(field: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        movements = _movements(folder)
        del movements[0][field]
        (folder / "movement_table.json").write_text(json.dumps(movements))

    return change


def _write(name: str, text: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).write_text(text)

    return change


def _remove(name: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).unlink()

    return change


#: Change to a valid plan folder, and a fragment of the error.
DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "table-is-a-list-of-numbers": (_write("movement_table.json", "[1, 2, 3]"), "movement 0"),
    "table-is-an-object": (_write("movement_table.json", '{"a": 1}'), "expected a list"),
    "table-not-json": (_write("movement_table.json", "{"), "cannot be read as JSON"),
    "table-deep": (_write("movement_table.json", "[" * 100_000), "movement_table.json"),
    "table-not-utf8": (_write("movement_table.json", "\udcff"), "movement_table.json"),
    "time-yesterday": (_set_first("start", "yesterday"), "start"),
    "time-far-future": (_set_first("arrive", "9999-12-31T23:59:59+00:00"), "arrive"),
    "time-without-offset": (_set_first("clear", "2026-11-24T10:00:00"), "clear"),
    "missing-key": (_drop_first("movement"), "missing field 'movement'"),
    "missing-checkpoints": (_drop_first("checkpoints"), "checkpoints"),
    "number-as-text": (_set_first("movement", 17), "movement"),
    "nan-number": (_write("movement_table.json", '[{"movement": NaN}]'), "movement"),
    "summary-a-list": (_write("summary.json", "[]"), "summary.json"),
    "routes-a-string": (_write("routes.geojson", '"x"'), "routes.geojson"),
    "constraints-missing": (_remove("constraints.json"), "constraints.json"),
    "summary-missing": (_remove("summary.json"), "summary.json"),
}


def _damaged(plan_folder: Path, tmp_path: Path, damage: str) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(plan_folder, folder)
    change, _ = DAMAGE[damage]
    if damage == "table-not-utf8":
        (folder / "movement_table.json").write_bytes(b"[\xff]")
    else:
        change(folder)
    return folder


@pytest.mark.parametrize("damage", sorted(set(DAMAGE) - {"routes-a-string"}))  # not read
def test_validate_names_the_damage(
    cli: Callable[..., Outcome], plan_folder: Path, tmp_path: Path, damage: str
) -> None:
    folder = _damaged(plan_folder, tmp_path, damage)
    before = snapshot(tmp_path)
    outcome = cli("validate", str(folder))
    outcome.assert_clear_error(DAMAGE[damage][1])
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "damage",
    [
        "table-is-a-list-of-numbers",
        "time-yesterday",
        "missing-key",
        "summary-a-list",
        "nan-number",
        "routes-a-string",
    ],
)
def test_map_names_the_damage(
    cli: Callable[..., Outcome], plan_folder: Path, tmp_path: Path, damage: str
) -> None:
    folder = _damaged(plan_folder, tmp_path, damage)
    before = snapshot(tmp_path)
    outcome = cli("map", str(folder), "--out", str(tmp_path / "m.html"))
    outcome.assert_clear_error(DAMAGE[damage][1])
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", ["validate", "map"])
def test_not_a_folder(cli: Callable[..., Outcome], tmp_path: Path, command: str) -> None:
    (tmp_path / "file").write_text("x")
    for target in (tmp_path / "file", tmp_path / "missing"):
        outcome = cli(command, str(target), *(["--out", "m.html"] if command == "map" else []))
        outcome.assert_clear_error(str(target))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
