"""The package version, from the installed distribution's metadata."""

from __future__ import annotations

from importlib import metadata

try:
    __version__: str = metadata.version("mobility")
except metadata.PackageNotFoundError:  # a source checkout on PYTHONPATH, never installed
    __version__ = "0.0.0+unknown"
