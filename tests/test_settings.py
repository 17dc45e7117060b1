"""Settings read once from the environment: paths, limits, and what a bad value does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mobility import settings

ROOT = Path(__file__).parent.parent
SHOW = (
    "import json; from mobility import settings as s; print(json.dumps({k: str(getattr(s, k)) "
    "for k in ('cache_dir', 'use_cache', 'max_vehicles', 'max_gtfs_bytes', 'min_free_disk_mb', "
    "'data_dir', 'shared_osm_dir')}))"
)


def _read(env: dict[str, str]) -> dict[str, str]:
    shown = subprocess.run(
        [sys.executable, "-c", SHOW],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home", **env},
        cwd=ROOT,
    ).stdout
    result: dict[str, str] = json.loads(shown)
    return result


def test_the_environment_sets_paths_and_limits(tmp_path: Path) -> None:
    values = _read(
        {
            "MOBILITY_CACHE_DIR": str(tmp_path / "cache"),
            "MOBILITY_NO_CACHE": "1",
            "MOBILITY_MAX_VEHICLES": "250",
            "MOBILITY_MAX_GTFS_MB": "3",
            "MOBILITY_SHARED_OSM": str(tmp_path / "osm"),
        }
    )
    assert values["cache_dir"] == str(tmp_path / "cache")
    assert values["use_cache"] == "False"
    assert values["max_vehicles"] == "250"
    assert values["max_gtfs_bytes"] == "3000000"
    assert values["shared_osm_dir"] == str(tmp_path / "osm")


def test_defaults_without_environment() -> None:
    values = _read({"XDG_CACHE_HOME": "/tmp/xdg"})
    assert values["cache_dir"] == "/tmp/xdg/mobility"
    assert values["use_cache"] == "True"
    assert values["max_vehicles"] == "100000"
    assert Path(values["data_dir"]) == Path(settings.__file__).parent / "data"
    assert (Path(values["data_dir"]) / "corridors.yaml").is_file()
