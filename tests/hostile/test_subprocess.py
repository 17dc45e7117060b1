"""Hostile cases run as real ``mobility`` processes under memory and CPU limits.

These are the inputs that took the machine down or ran foreign code: alias
and gzip bombs, 10^9 vehicles, a planted pickle in the cache, Ctrl-C. Each
runs ``python -m mobility`` (the console entry point) with a 4 GB address-space limit and a timeout.
"""

from __future__ import annotations

import gzip
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.hostile.conftest import DATA, ROOT, Outcome, _limits, snapshot
from tests.hostile.test_yaml_inputs import STRUCTURAL

CORRIDORS = ["--corridor-file", str(DATA / "corridors-tiny.yaml"), "--corridor", "tiny"]
MARKER = Path("/tmp/mobility-hostile-cache-exploit-ran")


class _Exploit:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {MARKER}",))


def test_a_planted_cache_file_runs_no_code(run_cli: Callable[..., Outcome], tmp_path: Path) -> None:
    """Issue 19: a pickle placed in MOBILITY_CACHE_DIR ran code on the next `mobility network`."""
    MARKER.unlink(missing_ok=True)
    cache = tmp_path / "cache"
    env = {"MOBILITY_CACHE_DIR": str(cache)}
    args = ["network", "--osm", str(DATA / "tiny.osm"), *CORRIDORS]
    assert run_cli(*args, env=env).code == 0
    (path,) = cache.glob("network-*.npz")
    path.write_bytes(pickle.dumps(_Exploit()))
    (cache / path.name.replace(".npz", ".pickle")).write_bytes(pickle.dumps(_Exploit()))
    outcome = run_cli(*args, env=env)
    assert outcome.code == 0 and "Traceback" not in outcome.err
    assert "rebuilding" in outcome.err
    assert not MARKER.exists()


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("scenario", ["plan", "{path}"]),
        ("vehicles", ["vehicles", "--vehicles-file", "{path}"]),
        ("corridors", ["network", "--corridor-file", "{path}"]),
        ("perturbation", ["stress", "--perturbation", "{path}"]),
    ],
)
def test_alias_bomb_is_refused_within_limits(
    run_cli: Callable[..., Outcome], tmp_path: Path, kind: str, command: list[str]
) -> None:
    """Issue 19: YAML alias bombs grew to gigabytes before any check."""
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(STRUCTURAL["alias-bomb"])
    before = snapshot(tmp_path)
    started = time.perf_counter()
    outcome = run_cli(*[part.format(path=path) for part in command], timeout_s=60)
    outcome.assert_clear_error("alias bomb")
    assert time.perf_counter() - started < 30
    assert snapshot(tmp_path) == before


def test_gzip_bomb_is_refused_within_limits(
    run_cli: Callable[..., Outcome], tmp_path: Path
) -> None:
    """Issue 19: 5 MB of gzip inflating to 5 GiB of whitespace reached 5 GB of memory."""
    member = gzip.compress(b" " * (1 << 20), compresslevel=9)
    path = tmp_path / "bomb.osm.gz"
    with path.open("wb") as handle:
        handle.write(gzip.compress(b"<?xml version='1.0'?><osm version='0.6'>"))
        for _ in range(5 * 1024):
            handle.write(member)
    assert path.stat().st_size < 8_000_000
    outcome = run_cli("network", "--osm", str(path), "--no-cache", *CORRIDORS, timeout_s=60)
    outcome.assert_clear_error("without markup")


def test_giant_tag_value_is_refused_quickly(
    run_cli: Callable[..., Outcome], tmp_path: Path
) -> None:
    """Issue 19: a 30 MB tag value took 3 minutes (quadratic re-parsing)."""
    text = (DATA / "tiny.osm").read_text().replace('v="A99"', 'v="' + "A" * 30_000_000 + '"')
    path = tmp_path / "big.osm"
    path.write_text(text)
    started = time.perf_counter()
    outcome = run_cli("network", "--osm", str(path), "--no-cache", *CORRIDORS, timeout_s=60)
    outcome.assert_clear_error("without markup")
    assert time.perf_counter() - started < 20


def test_a_billion_vehicles_are_refused_before_building(
    run_cli: Callable[..., Outcome], tmp_path: Path
) -> None:
    """Issue 19: a scenario with 10^9 vehicles exhausted the machine (22 GB)."""
    document = yaml.safe_load((DATA / "scenario-tiny.yaml").read_text())
    document["requests"][0]["vehicles"] = {"fennek": 10**9}
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(document))
    outcome = run_cli("plan", str(path), "--out", str(tmp_path / "out"), timeout_s=60)
    outcome.assert_clear_error("fennek", "100,000")
    assert not (tmp_path / "out").exists()


def test_route_count_of_a_billion(run_cli: Callable[..., Outcome]) -> None:
    """Issue 19: route --count 1000000000 exhausted the machine."""
    outcome = run_cli(
        "route", "--from", "Vlissingen", "--to", "Venlo (A67", "--vehicle", "fennek",
        "--count", "1000000000",
    )  # fmt: skip
    outcome.assert_clear_error("--count")


def test_limits_are_configurable(run_cli: Callable[..., Outcome], tmp_path: Path) -> None:
    document = yaml.safe_load((DATA / "scenario-tiny.yaml").read_text())
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(document))
    outcome = run_cli(
        "plan", str(path), "--out", str(tmp_path / "o"), env={"MOBILITY_MAX_VEHICLES": "20"}
    )
    outcome.assert_clear_error("MOBILITY_MAX_VEHICLES")


def test_non_utf8_scenario(run_cli: Callable[..., Outcome], tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes((DATA / "scenario-tiny.yaml").read_bytes().replace(b"Recce", b"R\xe9cce"))
    run_cli("plan", str(path)).assert_clear_error("is not UTF-8", "offset")


@pytest.mark.parametrize(
    "command", [["network", "--corridor-file", "/dev/zero"], ["plan", "/dev/urandom"]]
)
def test_a_device_as_input(run_cli: Callable[..., Outcome], command: list[str]) -> None:
    """A device never ends: reading it whole would fill the memory."""
    run_cli(*command, timeout_s=30).assert_clear_error(command[-1], "expected a YAML file")


WRITER = """
import sys
from mobility._atomic import write_folder_atomic
files = {f"f{i:03d}.txt": bytes([i % 256]) * 20_000 for i in range(200)}
print("ready", flush=True)
round = 0
while True:
    round += 1
    write_folder_atomic(sys.argv[1], {**files, "round.txt": str(round).encode()})
"""


@pytest.mark.parametrize("delay_s", [0.2, 0.45, 0.7])
def test_a_kill_during_a_folder_write_is_recovered(tmp_path: Path, delay_s: float) -> None:
    """Kill a writer at a random moment: the next write recovers and leaves no leftovers."""
    from mobility._atomic import write_folder_atomic

    target = tmp_path / "out" / "plan"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)],
        stdout=subprocess.PIPE, text=True, env=env, preexec_fn=_limits,
    )  # fmt: skip
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    time.sleep(delay_s)
    process.kill()
    process.wait()
    write_folder_atomic(target, {"a.txt": b"after the kill"})
    assert sorted(p.name for p in target.iterdir()) == [".mobility-output", "a.txt"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["plan"]
