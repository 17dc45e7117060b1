"""The package version comes from the installed distribution's metadata."""

from __future__ import annotations

import importlib
from importlib import metadata

import pytest

import mobility
from mobility import _version


def test_the_version_is_the_metadata_version_or_the_unknown_marker() -> None:
    try:
        expected = metadata.version("mobility")
    except metadata.PackageNotFoundError:
        expected = "0.0.0+unknown"
    assert _version.__version__ == expected == mobility.__version__


def test_a_checkout_never_installed_reports_the_unknown_marker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    try:
        assert importlib.reload(_version).__version__ == "0.0.0+unknown"
    finally:
        monkeypatch.undo()
        importlib.reload(_version)


def test_an_installed_distribution_gives_its_version(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def installed(name: str) -> str:
        asked.append(name)
        return "1.2.3"

    monkeypatch.setattr(metadata, "version", installed)
    try:
        assert importlib.reload(_version).__version__ == "1.2.3"
    finally:
        monkeypatch.undo()
        importlib.reload(_version)
    assert asked == ["mobility"]


def test_the_command_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    from mobility.cli import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"mobility {mobility.__version__}\n"
