"""The embedded default ships inside the package (a wheel install needs no checkout)."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from mobility import settings
from mobility.network.load import default_atlas_path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "mobility"


def _package_data_globs() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs: list[str] = pyproject["tool"]["setuptools"]["package-data"]["mobility"]
    return globs


def test_every_runtime_data_file_is_package_data() -> None:
    globs = _package_data_globs()
    files = [p for p in (PACKAGE / "data").rglob("*") if p.is_file()]
    assert files
    for path in files:
        relative = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch.fnmatch(relative, g) for g in globs), (
            f"{relative} would be missing from the wheel: add it to package-data in pyproject.toml"
        )


def test_the_loaders_read_the_package_data() -> None:
    assert settings.data_dir == PACKAGE / "data"
    assert default_atlas_path().is_relative_to(PACKAGE)


def test_top_level_data_holds_only_the_editable_sources() -> None:
    runtime = {p.name for p in (PACKAGE / "data").iterdir()}
    top = {p.name for p in (ROOT / "data").iterdir()}
    assert not runtime & top, f"runtime data duplicated at the top level: {runtime & top}"
    assert (ROOT / "data" / "atlas" / "roads.yaml").is_file()
