"""Global settings, read once from the environment and overridable at run time.

Each setting is a typed module-level global, in the style of ``osmnx.settings``.

Attributes
----------
data_dir
    Folder of the embedded default data (corridor atlas, corridor definitions).
    Environment: ``MOBILITY_DATA_DIR``. Default: ``data/`` beside the package.
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
examples_dir
    Folder of the example scenarios and scripts. Environment:
    ``MOBILITY_EXAMPLES_DIR``. Default: ``examples/`` beside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

_project_root = Path(__file__).resolve().parent.parent

data_dir: Path = Path(os.environ.get("MOBILITY_DATA_DIR", _project_root / "data"))
cache_dir: Path = Path(
    os.environ.get(
        "MOBILITY_CACHE_DIR",
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mobility",
    )
)
use_cache: bool = os.environ.get("MOBILITY_NO_CACHE", "") not in {"1", "true", "yes"}
shared_osm_dir: Path = Path(
    os.environ.get("MOBILITY_SHARED_OSM", _project_root.parent / "shared" / "osm")
)
shared_traffic_dir: Path = Path(
    os.environ.get("MOBILITY_SHARED_TRAFFIC", _project_root.parent / "shared" / "traffic")
)
download_timeout_s: float = 5.0
examples_dir: Path = Path(os.environ.get("MOBILITY_EXAMPLES_DIR", _project_root / "examples"))
