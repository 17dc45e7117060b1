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
download_timeout_s
    Connect and read timeout of the explicit ``fetch`` command.
project_root
    The folder above the package (the repository root in a source checkout).
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
download_timeout_s: float = 5.0
examples_dir: Path = Path(os.environ.get("MOBILITY_EXAMPLES_DIR", project_root / "examples"))
