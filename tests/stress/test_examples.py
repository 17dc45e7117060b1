from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.stress.conftest import DATA, EXAMPLES

SCRIPTS = EXAMPLES / "stress"


def run(script: str, *args: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, str(SCRIPTS / script), *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
    )
    return result.stdout


def test_rail_cut_example(tmp_path: Path) -> None:
    out = run("rail_cut.py", cwd=tmp_path)
    assert "rail throughput: 1,155 -> " in out and "no rail route left" in out
    assert (tmp_path / "out" / "stress" / "betuweroute-cut" / "report.md").exists()


def test_bridge_outage_example_on_a_small_scenario(tmp_path: Path) -> None:
    out = run(
        "bridge_outage.py",
        "--scenario",
        str(DATA / "scenario-tiny.yaml"),
        "--out",
        "r",
        cwd=tmp_path,
    )
    assert "== moerdijk-bridges" in out and "plan on_time_share" in out
    assert (tmp_path / "r" / "report.md").exists()
