"""Global settings, read once from the environment and overridable at run time.

Each setting is a typed module-level global, in the style of ``osmnx.settings``.

Attributes
----------
data_dir
    Folder of the embedded default data read at run time (corridor atlas,
    corridor definitions, vehicle catalogue, rail rules, the default scenario).
    Environment: ``MOBILITY_DATA_DIR``. Default: ``mobility/data/``, shipped
    inside the package (so that a wheel install has it).
cache_dir
    Folder of the graph cache. Environment: ``MOBILITY_CACHE_DIR``. Default:
    ``$XDG_CACHE_HOME/mobility`` or ``~/.cache/mobility``.
use_cache
    Whether built graphs are cached. Environment: ``MOBILITY_NO_CACHE=1`` disables.
shared_osm_dir
    Folder of the real OSM extracts used by tests and benchmarks. Environment:
    ``MOBILITY_SHARED_OSM``. Default: ``../shared/osm`` beside the project.
shared_traffic_dir
    Folder of the measured traffic (NDW loop counts, Rijkswaterstaat jams) used by
    tests and benchmarks. Environment: ``MOBILITY_SHARED_TRAFFIC``. Default:
    ``../shared/traffic`` beside the project.
download_timeout_s
    Connect and read timeout of the explicit ``fetch`` command.
project_root
    The folder above the package (the repository root in a source checkout).
min_free_disk_mb
    Free space an output location must have before a long run starts.
    Environment: ``MOBILITY_MIN_FREE_DISK_MB``. Default: 32.
max_vehicles
    Most vehicles a scenario or a ``route --count`` column may hold (checked
    before anything is built). Environment: ``MOBILITY_MAX_VEHICLES``. Default: 100,000.
max_alternatives
    Most route alternatives (``route -k``). Default: 50.
max_yaml_nodes
    Most values a YAML file may expand to (aliases included), against alias
    bombs. Environment: ``MOBILITY_MAX_YAML_NODES``. Default: 1,000,000.
max_yaml_bytes
    Largest YAML file read. Default: 64 MB.
max_tag_value_chars
    Longest OSM tag value or attribute kept (longer ones are refused).
    Default: 65,536 (OSM's own limit is 255).
max_inflated_bytes
    Most bytes a compressed extract may inflate to. Environment:
    ``MOBILITY_MAX_INFLATED_MB``. Default: 64,000 MB.
max_gtfs_bytes
    Most bytes the ``.txt`` files of a GTFS timetable may hold (a feed is read
    into memory whole). Environment: ``MOBILITY_MAX_GTFS_MB``. Default: 2,000 MB.
examples_dir
    Folder of the example scenarios and scripts of a source checkout (not
    installed). Environment: ``MOBILITY_EXAMPLES_DIR``. Default: ``examples/``
    beside the package.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: The folder above the package: the repository root in a source checkout.
project_root = Path(__file__).resolve().parent.parent
# The package is installed as plain files (setuptools, no zip), so its data
# folder is a real directory that the loaders can read and hash as paths.
_package_data = Path(str(resources.files("mobility").joinpath("data")))

data_dir: Path = Path(os.environ.get("MOBILITY_DATA_DIR", _package_data))
cache_dir: Path = Path(
    os.environ.get(
        "MOBILITY_CACHE_DIR",
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mobility",
    )
)
use_cache: bool = os.environ.get("MOBILITY_NO_CACHE", "") not in {"1", "true", "yes"}
shared_osm_dir: Path = Path(
    os.environ.get("MOBILITY_SHARED_OSM", project_root.parent / "shared" / "osm")
)
shared_traffic_dir: Path = Path(
    os.environ.get("MOBILITY_SHARED_TRAFFIC", project_root.parent / "shared" / "traffic")
)
download_timeout_s: float = 5.0
examples_dir: Path = Path(os.environ.get("MOBILITY_EXAMPLES_DIR", project_root / "examples"))


def _env_number(name: str, default: float) -> float:
    """Return a finite number >= 0 from the environment, or ``default``."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value == value and 0 <= value < float("inf") else default


min_free_disk_mb: float = _env_number("MOBILITY_MIN_FREE_DISK_MB", 32)
max_vehicles: int = int(_env_number("MOBILITY_MAX_VEHICLES", 100_000))
max_alternatives: int = 50
max_yaml_nodes: int = int(_env_number("MOBILITY_MAX_YAML_NODES", 1_000_000))
max_yaml_bytes: int = 64_000_000
max_tag_value_chars: int = 65_536
max_inflated_bytes: int = int(_env_number("MOBILITY_MAX_INFLATED_MB", 64_000) * 1_000_000)
max_gtfs_bytes: int = int(_env_number("MOBILITY_MAX_GTFS_MB", 2_000) * 1_000_000)
