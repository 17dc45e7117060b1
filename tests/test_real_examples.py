"""The whole product on real OSM extracts (issue #13): every command on each real file.

Each case takes a real extract from ``../shared/osm`` (read in place), a
corridor file and a scenario of ``examples/real`` (coordinates chosen by the
project, no OSM data), and runs ``route``, ``plan`` (every vehicle planned,
the plan validated), ``map``, ``stress`` with a structure closure and
``criticality`` as a user would, through the command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from mobility import settings

REAL = Path(__file__).parent.parent / "examples" / "real"


@dataclass(frozen=True)
class RealCase:
    """One real extract with the example files that go with it."""

    name: str
    extract: str
    origin: str
    destinations: tuple[str, ...]
    vehicle: str = "boxer-apc"

    @property
    def corridors(self) -> Path:
        return REAL / f"{self.name}-corridors.yaml"

    @property
    def scenario(self) -> Path:
        return REAL / f"{self.name}-scenario.yaml"

    @property
    def closure(self) -> Path:
        return REAL / f"{self.name}-closure.yaml"


CASES = [
    RealCase(
        "hague",
        "nl332-the-hague-main-roads.osm",
        "spod-scheveningen",
        ("exit-a12-gouda", "exit-a4-leiden"),
    ),
    RealCase(
        "n201",
        "n201-haarlemmermeer-roads-2016",
        "apod-schiphol",
        ("exit-a4-hoofddorp", "exit-a10-zuid"),
    ),
    RealCase(
        "utrecht",
        "utrecht-osmnx-graph",
        "staging-nieuwegein",
        ("exit-a12-east", "exit-a28-amersfoort", "exit-a2-south"),
    ),
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module, so each extract is built once."""
    return tmp_path_factory.mktemp("real-cache")


def run(
    case: RealCase, cache: Path, *args: str, timeout_s: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run one ``mobility`` command on a real case's extract and corridor file."""
    source = settings.shared_osm_dir / case.extract
    if not source.exists():
        pytest.skip(f"real OSM extract not found at {source} (set MOBILITY_SHARED_OSM)")
    command, *rest = args
    return subprocess.run(
        [sys.executable, "-m", "mobility.cli", command, "--osm", str(source),
         "--corridor-file", str(case.corridors), *rest],
        capture_output=True, text=True, timeout=timeout_s,
        env={**os.environ, "MOBILITY_CACHE_DIR": str(cache)},
    )  # fmt: skip


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.mark.realdata
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_command_works_on_a_real_extract(
    case: RealCase, cache_dir: Path, tmp_path: Path
) -> None:
    for destination in case.destinations:
        out = ok(run(case, cache_dir, "route", "--from", case.origin, "--to", destination,
                     "--vehicle", case.vehicle, "--format", "json"))  # fmt: skip
        routes = json.loads(out)["routes"]
        assert routes and routes[0]["length_km"] > 1

    plan_dir = tmp_path / "plan"
    ok(run(case, cache_dir, "plan", str(case.scenario), "--out", str(plan_dir),
           "--time-limit", "5"))  # fmt: skip
    summary = json.loads((plan_dir / "summary.json").read_text())
    assert summary["unplannable"] == [] and summary["unscheduled"] == []
    requested = sum(int(n) for r in _requests(case.scenario) for n in r["vehicles"].values())
    assert summary["vehicles"] == requested
    ok(subprocess.run([sys.executable, "-m", "mobility.cli", "validate", str(plan_dir)],
                      capture_output=True, text=True, timeout=300))  # fmt: skip

    html = tmp_path / "plan.html"
    ok(run(case, cache_dir, "map", str(plan_dir), "--out", str(html)))
    assert html.stat().st_size > 10_000

    ok(run(case, cache_dir, "stress", str(case.scenario), "-p", str(case.closure),
           "--out", str(tmp_path / "stress"), "--time-limit", "2"))  # fmt: skip

    started = time.perf_counter()
    ok(run(case, cache_dir, "criticality", "--mode", "road", "--top", "5",
           "--out", str(tmp_path / "criticality")))  # fmt: skip
    assert time.perf_counter() - started < 300


def _requests(scenario: Path) -> list[dict[str, dict[str, int]]]:
    import yaml

    loaded = yaml.safe_load(scenario.read_text())
    return list(loaded["requests"])
