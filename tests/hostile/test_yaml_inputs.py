"""Hostile YAML files: scenario, vehicle, corridor, perturbation and rail-rule files.

Each loader gets every structural attack (alias bombs, self-reference, bad
bytes, code tags, deep nesting, oversize, wrong shapes) and its numeric fields
get NaN, infinities and out-of-range values. Every case must end in a
:class:`mobility.errors.MobilityError` naming the file, quickly, and must not
touch the file.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mobility import settings
from mobility.errors import MobilityError
from mobility.model.corridor import load_corridors
from mobility.model.scenario import load_scenario
from mobility.model.vehicle import load_vehicles
from mobility.rail.rules import default_rail_path, load_rail_rules
from mobility.stress.perturbation import load_perturbation
from tests.hostile.conftest import DATA, ROOT

MARKER = Path("/tmp/mobility-hostile-yaml-tag-ran")

LOADERS: dict[str, Callable[[Path], Any]] = {
    "scenario": load_scenario,
    "vehicles": lambda path: load_vehicles(path),
    "corridors": load_corridors,
    "perturbation": load_perturbation,
    "rail-rules": load_rail_rules,
}


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\nname: *a9\n"


STRUCTURAL: dict[str, bytes] = {
    "alias-bomb": _billion_laughs().encode(),
    "alias-bomb-in-a-value": (_billion_laughs().replace("name: *a9", "horizon_h: *a9")).encode(),
    "self-reference": b"name: &x [1, *x]\n",
    "non-utf8": b"name: caf\xe9\nhorizon_h: 24\n",
    "utf16": "name: test\n".encode("utf-16"),
    "python-tag": f"name: !!python/object/apply:os.system ['touch {MARKER}']\n".encode(),
    "deep-nesting": b"name: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "list-not-mapping": b"- 1\n- 2\n",
    "empty": b"",
    "nul-bytes": b"name: \x00\x01\x02\n",
    "not-yaml": b"name: [unclosed\n  : : :\n",
}


@pytest.mark.parametrize("attack", sorted(STRUCTURAL))
@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_structural_attack_is_refused(kind: str, attack: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(STRUCTURAL[attack])
    MARKER.unlink(missing_ok=True)
    started = time.perf_counter()
    with pytest.raises(MobilityError) as caught:
        LOADERS[kind](path)
    assert time.perf_counter() - started < 10
    assert str(path) in str(caught.value) or path.name in str(caught.value)
    assert len(str(caught.value)) < 2000  # the message never renders the bomb
    assert not MARKER.exists()
    assert path.read_bytes() == STRUCTURAL[attack]
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_oversized_file_is_refused_before_reading(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "max_yaml_bytes", 1000)
    path = tmp_path / f"{kind}.yaml"
    path.write_text("name: x\n" + "# padding\n" * 200)
    with pytest.raises(MobilityError, match="expected at most 1,000"):
        LOADERS[kind](path)


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_folder_instead_of_file(kind: str, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    with pytest.raises(MobilityError, match="folder"):
        LOADERS[kind](folder)


# --- numbers: NaN, infinities and ranges in every kind of file -----------------------------

BASES: dict[str, Path] = {
    "scenario": DATA / "scenario-tiny.yaml",
    "vehicles": DATA / "vehicles-tiny.yaml",
    "corridors": DATA / "corridors-tiny.yaml",
    "perturbation": ROOT / "examples" / "perturbations" / "moerdijk-bridges.yaml",
    "rail-rules": default_rail_path(),
}
NAN, INF = float("nan"), float("inf")

#: (kind, path into the document, hostile value, fragment the message must hold)
NUMERIC: list[tuple[str, tuple[Any, ...], Any, str]] = [
    ("scenario", ("horizon_h",), NAN, "horizon_h"),
    ("scenario", ("horizon_h",), INF, "horizon_h"),
    ("scenario", ("horizon_h",), 1e9, "horizon_h"),
    ("scenario", ("horizon_h",), -1, "horizon_h"),
    ("scenario", ("horizon_h",), "24", "horizon_h"),
    ("scenario", ("start",), "9999-12-31T00:00+01:00", "start"),
    ("scenario", ("start",), "0001-01-01T00:00+00:00", "start"),
    ("scenario", ("start",), "yesterday", "start"),
    ("scenario", ("requests", 0, "vehicles", "fennek"), 10**9, "fennek"),
    ("scenario", ("requests", 0, "vehicles", "fennek"), -1, "fennek"),
    ("scenario", ("requests", 0, "vehicles", "fennek"), NAN, "fennek"),
    ("scenario", ("requests", 0, "vehicles", "fennek"), 2**70, "fennek"),
    ("scenario", ("requests", 0, "priority"), NAN, "priority"),
    ("scenario", ("requests", 0, "required_by"), "2026-11-24T99:00+01:00", "required_by"),
    ("scenario", ("weights",), {"lateness_per_min": NAN}, "lateness_per_min"),
    ("scenario", ("weights",), {"disruption_per_vehicle_hour": INF}, "disruption"),
    ("scenario", ("capacities",), {"port_exit_vehicles_per_hour": {"default": INF}}, "port_exit"),
    ("scenario", ("capacities",), {"port_exit_vehicles_per_hour": {"default": NAN}}, "port_exit"),
    ("scenario", ("column",), {"march_unit_min": 30, "march_unit_max": 10}, "march_unit_min"),
    ("scenario", ("column",), {"march_unit_min": 0, "march_unit_max": 10}, "march_unit_min"),
    ("scenario", ("slot_min",), NAN, "slot_min"),
    ("scenario", ("requests", 1, "vehicles"), {"ammunition-truck-1-1": 99_990}, "vehicles in all"),
    ("vehicles", ("vehicles", 0, "weight_t"), NAN, "weight_t"),
    ("vehicles", ("vehicles", 0, "weight_t"), INF, "weight_t"),
    ("vehicles", ("vehicles", 0, "mlc"), INF, "mlc"),
    ("vehicles", ("vehicles", 0, "mlc"), NAN, "mlc"),
    ("vehicles", ("vehicles", 0, "height_m"), -INF, "height_m"),
    ("vehicles", ("vehicles", 0, "max_speed_kph"), NAN, "max_speed_kph"),
    ("vehicles", ("vehicles", 2, "carrier", "axles"), NAN, "axles"),
    ("vehicles", ("vehicles", 2, "max_axle_load_t"), NAN, "max_axle_load_t"),
    ("vehicles", ("vehicles", 3, "width_m"), "wide", "width_m"),
    ("corridors", ("corridors", "tiny", "buffer_m"), NAN, "buffer_m"),
    ("corridors", ("corridors", "tiny", "buffer_m"), INF, "buffer_m"),
    ("corridors", ("corridors", "tiny", "spines"), [[[INF, 52.0], [4.1, 52.1]]], "tiny"),
    ("corridors", ("places", 0, "lon"), NAN, "lon"),
    ("corridors", ("places", 0, "lat"), INF, "lat"),
    ("corridors", ("places", 1, "capacity", "ramps"), NAN, "ramps"),
    ("perturbation", ("capacity",), [{"element": "A58", "remaining": NAN}], "remaining"),
    ("perturbation", ("surge",), {"scale": INF}, "scale"),
    ("perturbation", ("random_failures",), {"probability": {"bridge": NAN}}, "bridge"),
    ("perturbation", ("random_failures",), {"seed": -1}, "seed"),
    ("perturbation", ("closures", 0, "from"), "9999-01-01T00:00+00:00", "from"),
    ("rail-rules", ("locomotives", "electric", "length_m"), NAN, "length_m"),
    ("rail-rules", ("locomotives", "electric", "weight_t"), INF, "weight_t"),
    ("rail-rules", ("wagons", "heavy", "payload_t"), NAN, "payload_t"),
]


def _set(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("kind", "field", "value", "fragment"),
    NUMERIC,
    ids=[f"{k}-{'.'.join(map(str, p))}-{v!r}"[:60] for k, p, v, _ in NUMERIC],
)
def test_bad_number_is_named(
    kind: str, field: tuple[Any, ...], value: Any, fragment: str, tmp_path: Path
) -> None:
    document = yaml.safe_load(BASES[kind].read_text(encoding="utf-8"))
    path = tmp_path / f"{kind}.yaml"
    path.write_text(yaml.safe_dump(_set(document, field, value), allow_unicode=True))
    with pytest.raises(MobilityError) as caught:
        LOADERS[kind](path)
    message = str(caught.value)
    assert fragment in message, message
    assert len(message) < 2000


@pytest.mark.parametrize("kind", sorted(BASES))
def test_the_bases_are_valid(kind: str, tmp_path: Path) -> None:
    """The numeric cases fail because of their one change, not their base."""
    document = yaml.safe_load(BASES[kind].read_text(encoding="utf-8"))
    path = tmp_path / f"{kind}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    LOADERS[kind](path)
