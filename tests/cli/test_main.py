"""``python -m mobility.cli`` runs the command as ``mobility`` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, env=env, timeout=120
    )


def test_python_m_mobility_cli_and_python_m_mobility_agree() -> None:
    for argv in (["--version"], ["fetch"]):
        via_cli = _run("-m", "mobility.cli", *argv)
        via_package = _run("-m", "mobility", *argv)
        assert via_cli.returncode == via_package.returncode
        assert (via_cli.stdout, via_cli.stderr) == (via_package.stdout, via_package.stderr)
    assert _run("-m", "mobility.cli", "--version").stdout.startswith("mobility ")
    assert _run("-m", "mobility.cli", "fetch").returncode == 2
