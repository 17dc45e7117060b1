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
