"""Hostile network cache files (issue 19): whatever lies in the cache folder, nothing runs.

The cache is an input too: another user, a crash or an attacker may leave
anything there. A damaged, foreign or planted cache file must never run
code nor fail the command: the network is rebuilt, with a warning, and the
command succeeds. (The codec's own refusals: tests/network/test_cache.py.)
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from mobility import settings
from tests.hostile.conftest import DATA, Outcome

NETWORK = ["network", "--osm", str(DATA / "tiny.osm"), "--corridor-file",
           str(DATA / "corridors-tiny.yaml"), "--corridor", "tiny", "--json"]  # fmt: skip


def _zip_of_bytes(path: Path) -> None:
    """A zip whose member is not an .npy array (numpy hands it back as bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("document.npy", b"\0" * 2_000_000)


def _link_elsewhere(path: Path) -> None:
    path.unlink()
    path.symlink_to("/etc/passwd")


#: How a cache file is damaged, and what the warning says.
DAMAGE: dict[str, tuple[Callable[[Path], object], str]] = {
    "random-bytes": (lambda p: p.write_bytes(os.urandom(4096)), "corrupt"),
    "empty": (lambda p: p.write_bytes(b""), "corrupt"),
    "truncated": (lambda p: p.write_bytes(p.read_bytes()[:-100]), "corrupt"),
    "zip-member-not-an-array": (_zip_of_bytes, "corrupt"),
    "json-not-npz": (lambda p: p.write_text('{"meta": {}, "value": 1}'), "corrupt"),
    "writable-by-others": (lambda p: p.chmod(0o666), "writable by others"),
    "a-link-to-a-system-file": (_link_elsewhere, "rebuilding"),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_a_damaged_cache_is_rebuilt(
    cli: Callable[..., Outcome],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    first = cli(*NETWORK)
    assert first.code == 0
    (path,) = (tmp_path / "cache").glob("network-*.npz")
    damage, warning = DAMAGE[case]
    damage(path)
    with caplog.at_level(logging.WARNING):
        again = cli(*NETWORK)
    assert again.code == 0 and "Traceback" not in again.err, again.err[-2000:]
    assert again.out == first.out  # the same network, rebuilt
    assert warning in caplog.text, caplog.text
    assert Path("/etc/passwd").stat().st_size > 0  # a link's target is never written


def test_a_cache_folder_that_is_a_file(
    cli: Callable[..., Outcome],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a user's file\n")
    monkeypatch.setattr(settings, "cache_dir", blocker)
    with caplog.at_level(logging.WARNING):
        outcome = cli(*NETWORK)
    assert outcome.code == 0, outcome.err[-2000:]
    assert blocker.read_text() == "a user's file\n"
    assert "cache" in caplog.text
