"""The network cache: exact round trip, and a format that cannot run code."""

from __future__ import annotations

import io
import logging
import os
import pickle
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mobility import load_network
from mobility.network import cache
from mobility.network.load import Network
from tests.network.test_codec import assert_same

DATA = Path(__file__).parent.parent / "data"
TINY = DATA / "tiny.osm"
MARKER = "/tmp/mobility-cache-exploit-ran"


def _only_cache_file(folder: Path) -> Path:
    (path,) = folder.glob("network-*.npz")
    return path


def test_network_round_trips_exactly(isolated_cache: Path) -> None:
    built = load_network()
    assert list(isolated_cache.glob("network-*")), "the atlas network was not cached"
    cached = load_network()
    assert cached is not built
    assert_same(built, cached)
    assert cached.halt_sites and any(p.valid_to for p in cached.corridors.places)
    assert isinstance(cached.report.unparsed, Counter)


def test_tiny_network_round_trips(isolated_cache: Path, tiny_corridors: Path) -> None:
    built = load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    assert_same(built, load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"]))


def test_cached_load_is_fast(isolated_cache: Path) -> None:
    load_network()
    started = time.perf_counter()
    load_network()
    assert time.perf_counter() - started < 2.0


class _Exploit:
    def __reduce__(self) -> tuple[Any, ...]:
        return (os.system, (f"touch {MARKER}",))


def test_a_planted_pickle_runs_no_code(
    isolated_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 19: a pickle with a valid old-style header ran code on the next load."""
    Path(MARKER).unlink(missing_ok=True)
    load_network()
    path = _only_cache_file(isolated_cache)
    payload = pickle.dumps(_Exploit())
    path.write_bytes(payload)
    with caplog.at_level(logging.WARNING):
        network = load_network()
    assert not Path(MARKER).exists()
    assert network.road.number_of_edges() > 0
    assert "corrupt" in caplog.text
    # An .npz whose array is a pickled object array is refused too.
    buffer = io.BytesIO()
    np.savez(buffer, document=np.array([_Exploit()], dtype=object))
    path.write_bytes(buffer.getvalue())
    assert cache.load_cached(path.stem.removeprefix("network-")) is None
    assert not Path(MARKER).exists()


def test_foreign_owned_cache_is_ignored(
    isolated_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can give a file to another user")
    load_network()
    path = _only_cache_file(isolated_cache)
    os.chown(path, 54321, 54321)
    with caplog.at_level(logging.WARNING):
        assert cache.load_cached(path.stem.removeprefix("network-")) is None
    assert "another user" in caplog.text
    assert path.exists()  # not ours to delete


def test_cache_writable_by_others_is_ignored(
    isolated_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    load_network()
    path = _only_cache_file(isolated_cache)
    path.chmod(0o666)
    with caplog.at_level(logging.WARNING):
        assert cache.load_cached(path.stem.removeprefix("network-")) is None
    assert "writable by others" in caplog.text


def test_unreadable_cache_is_rebuilt(
    isolated_cache: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    load_network()

    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.suffix == ".npz":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with caplog.at_level(logging.WARNING):
        network = load_network()
    assert isinstance(network, Network) and "cannot be read" in caplog.text


def test_cache_of_another_key_is_refused(isolated_cache: Path) -> None:
    load_network()
    path = _only_cache_file(isolated_cache)
    other = path.with_name("network-" + "0" * 32 + ".npz")
    other.write_bytes(path.read_bytes())
    assert cache.load_cached("0" * 32) is None
    assert not other.exists()


def test_uncachable_value_is_skipped_with_a_warning(
    isolated_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert cache.store_cached("k" * 32, {"x": object()}) is None
    assert "not cached" in caplog.text


def test_content_digest_does_not_depend_on_where_the_files_sit(tmp_path: Path) -> None:
    """The same files give the same digest in any folder and any order (a plan's inputs)."""
    near, far = tmp_path / "a", tmp_path / "z" / "deeper"
    for folder, order in ((near, ("roads.osm", "corridors.yaml")), (far, ("corridors.yaml",))):
        folder.mkdir(parents=True)
        for name in order:
            (folder / name).write_text(f"content of {name}", encoding="utf-8")
    (far / "roads.osm").write_text("content of roads.osm", encoding="utf-8")
    cache_dir = tmp_path / "cache"
    first = cache.content_digest([near / "roads.osm", near / "corridors.yaml"], cache_dir)
    # a/roads.osm sorts before z/.../corridors.yaml by path, after it by name.
    mixed = cache.content_digest([near / "roads.osm", far / "corridors.yaml"], cache_dir)
    assert cache.content_digest([far / "corridors.yaml", far / "roads.osm"], cache_dir) == first
    assert mixed == first
    (far / "roads.osm").write_text("other content", encoding="utf-8")
    assert cache.content_digest([far / "roads.osm", far / "corridors.yaml"], cache_dir) != first
