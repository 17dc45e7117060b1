"""What machine and library versions a benchmark ran on, a timer, and JSON results."""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mobility._atomic import write_text_atomic


def machine(libraries: Sequence[str]) -> dict[str, Any]:
    """Platform, CPU and the versions of ``libraries`` (distribution names)."""
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        **{name: version(name) for name in libraries},
    }


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    """Result of ``function()`` and the seconds it took."""
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as JSON to ``path`` atomically."""
    write_text_atomic(path, json.dumps(payload, indent=2, default=str))
