"""The network cache: exact round trip, and a format that cannot run code."""

from __future__ import annotations

import io
import logging
import os
import pickle
import time
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from mobility import load_network
from mobility.errors import DataError
from mobility.network import _codec, cache
from mobility.network.load import Network

DATA = Path(__file__).parent.parent / "data"
TINY = DATA / "tiny.osm"
MARKER = "/tmp/mobility-cache-exploit-ran"


def _same(a: Any, b: Any) -> None:
    """Assert deep equality, types included (geometries by exact WKB)."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, nx.Graph):
        assert a.graph == b.graph
        assert list(a.nodes(data=True)) == list(b.nodes(data=True))
        edges_a = list(a.edges(keys=True, data=True))
        edges_b = list(b.edges(keys=True, data=True))
        assert [e[:3] for e in edges_a] == [e[:3] for e in edges_b]
        for (*_, da), (*_, db) in zip(edges_a, edges_b, strict=True):
            assert da.keys() == db.keys()
            for key in da:
                _same(da[key], db[key])
    elif isinstance(a, shapely.Geometry):
        assert shapely.to_wkb(a) == shapely.to_wkb(b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif hasattr(a, "__dataclass_fields__"):
        for f in fields(a):
            _same(getattr(a, f.name), getattr(b, f.name))
    elif isinstance(a, float) and a != a:
        assert b != b
    else:
        assert a == b


def _only_cache_file(folder: Path) -> Path:
    (path,) = folder.glob("network-*.npz")
    return path


def test_network_round_trips_exactly(isolated_cache: Path) -> None:
    built = load_network()
    assert list(isolated_cache.glob("network-*")), "the atlas network was not cached"
    cached = load_network()
    assert cached is not built
    _same(built, cached)
    assert cached.halt_sites and any(p.valid_to for p in cached.corridors.places)
    assert isinstance(cached.report.unparsed, Counter)


def test_tiny_network_round_trips(isolated_cache: Path, tiny_corridors: Path) -> None:
    built = load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"])
    _same(built, load_network(TINY, corridor_file=tiny_corridors, corridors=["tiny"]))


def test_cached_load_is_fast(isolated_cache: Path) -> None:
    load_network()
    started = time.perf_counter()
    load_network()
    assert time.perf_counter() - started < 2.0


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats()
        | st.text(max_size=8)
        | st.binary(max_size=8)
        | st.dates(),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.tuples(inner, inner)
            | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=4)
            | st.frozensets(st.integers(), max_size=4)
        ),
        max_leaves=20,
    )
)
def test_codec_round_trips_any_plain_value(value: Any) -> None:
    meta, back = _codec.loads(_codec.dumps(value, {"k": 1}))
    assert meta == {"k": 1}
    _same(value, back)


def test_codec_round_trips_graphs_and_geometries() -> None:
    graph = nx.MultiDiGraph(crs="EPSG:4326", extra=(1, 2))
    graph.add_node((1, "a"), x=1.5, geometry=Point(1, 2))
    graph.add_edge((1, "a"), 7, key=3, geometry=LineString([(0, 0), (1, 1)]), w=float("inf"))
    _, back = _codec.loads(_codec.dumps({"g": graph, "dict": {"__t": 1}}, {}))
    _same({"g": graph, "dict": {"__t": 1}}, back)


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


@pytest.mark.parametrize(
    "document",
    [
        b'{"meta": {}, "value": {"__t": "dc", "c": "os:system", "v": {}}}',
        b'{"meta": {}, "value": {"__t": "dc", "c": "mobility.cli:main", "v": {}}}',
        b'{"meta": {}, "value": {"__t": "enum", "c": "subprocess:Popen", "v": "ls"}}',
        b'{"meta": {}, "value": {"__t": "graph", "c": "OrderedGraph", "nodes": [], "edges": []}}',
        b'{"meta": {}, "value": {"__t": "geom", "i": 5}}',
        b'{"meta": {}, "value": {"__t": "float", "v": "1e400"}}',
        b'{"meta": {}, "value": {"__t": "what"}}',
        b'{"meta": [], "value": 1}',
        b"[" * 100_000,
        b"\xff\xfe",
    ],
)
def test_codec_refuses_foreign_documents(document: bytes) -> None:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        document=np.frombuffer(document, dtype=np.uint8),
        wkb=np.zeros(0, dtype=np.uint8),
        wkb_lengths=np.zeros(0, dtype=np.int64),
    )
    with pytest.raises(DataError):
        _codec.loads(buffer.getvalue())


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


def test_codec_refuses_a_zip_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_codec, "MAX_MEMBER_BYTES", 1000)
    data = _codec.dumps(list(range(1000)), {})
    with pytest.raises(DataError, match="inflates"):
        _codec.loads(data)


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
