from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_restricted_elements_runs_on_the_atlas() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "restricted_elements.py"), "--corridor", "south"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "== south" in result.stdout
    assert "Vlaketunnel (tunnel, A58): " in result.stdout
    assert "ADR tunnel category C" in result.stdout
    assert "Moerdijkbrug (bridge, A16): MLC wheeled 60" in result.stdout


def test_vehicle_route_matrix_runs_on_the_atlas() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "vehicle_route_matrix.py"),
            "--vehicle",
            "fennek",
            "--vehicle",
            "m1a2-sepv3",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert sum(line.startswith("== ") for line in lines) == 3 * 5  # ports x road crossings
    assert sum("fennek" in line and " km " in line for line in lines) == 15
    assert any("m1a2-sepv3" in line and "no route: " in line for line in lines)
