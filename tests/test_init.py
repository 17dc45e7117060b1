"""The public API of ``import mobility``."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import mobility


def test_every_public_name_resolves() -> None:
    for name in mobility.__all__:
        assert getattr(mobility, name) is not None, name
    assert sorted(dir(mobility)) == sorted(mobility.__all__)


def test_version_comes_from_the_installed_metadata() -> None:
    try:
        expected = metadata.version("mobility")
    except metadata.PackageNotFoundError:
        expected = "0.0.0+unknown"
    assert mobility.__version__ == expected


def test_import_stays_light() -> None:
    """Nothing heavy: the entry point (mobility.__main__) must catch Ctrl-C before it loads."""
    code = (
        "import sys, mobility; "
        "heavy = [m for m in ('ortools', 'folium', 'matplotlib', 'scipy', 'numpy', 'networkx', "
        "'shapely') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
