"""The test suite never writes into the user's real cache, not even from subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_subprocesses_use_the_test_cache(isolated_cache: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-c", "from mobility import settings; print(settings.cache_dir)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    ).stdout.strip()
    assert Path(shown) == isolated_cache
