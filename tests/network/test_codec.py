"""The cache's codec: exact round trips of plain values, graphs and geometries; no code runs."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, fields
from typing import Any

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from mobility.errors import DataError
from mobility.model.halt_site import HaltSite
from mobility.network import _codec


def assert_same(a: Any, b: Any) -> None:
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
                assert_same(da[key], db[key])
    elif isinstance(a, shapely.Geometry):
        assert shapely.to_wkb(a) == shapely.to_wkb(b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    elif hasattr(a, "__dataclass_fields__"):
        for f in fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name))
    elif isinstance(a, float) and a != a:
        assert b != b
    else:
        assert a == b


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
    assert_same(value, back)


def test_codec_round_trips_graphs_and_geometries() -> None:
    graph = nx.MultiDiGraph(crs="EPSG:4326", extra=(1, 2))
    graph.add_node((1, "a"), x=1.5, geometry=Point(1, 2))
    graph.add_edge((1, "a"), 7, key=3, geometry=LineString([(0, 0), (1, 1)]), w=float("inf"))
    _, back = _codec.loads(_codec.dumps({"g": graph, "dict": {"__t": 1}}, {}))
    assert_same({"g": graph, "dict": {"__t": 1}}, back)


@pytest.mark.parametrize(
    "document",
    [
        b'{"meta": {}, "value": {"__t": "dc", "c": "os:system", "v": {}}}',
        b'{"meta": {}, "value": {"__t": "dc", "c": "mobility.cli:main", "v": {}}}',
        b'{"meta": {}, "value": {"__t": "enum", "c": "subprocess:Popen", "v": "ls"}}',
        b'{"meta": {}, "value": {"__t": "graph", "c": "OrderedGraph", "nodes": [], "edges": []}}',
        b'{"meta": {}, "value": {"__t": "geom", "i": 5}}',
        b'{"meta": {}, "value": {"__t": "graph", "c": "MultiDiGraph", "nodes": [[1, {}]], '
        b'"edges": [[1, 1, 0, {"geometry": {"__t": "geom", "i": 5}}]]}}',
        b'{"meta": {}, "value": {"__t": "graph", "c": "MultiDiGraph", "nodes": [[1, {}]], '
        b'"edges": [[1, 1, 0, {"__t": "tuple", "v": []}]]}}',
        b'{"meta": {}, "value": {"__t": "graph", "c": "MultiDiGraph", "nodes": [], '
        b'"edges": [[1, {}]]}}',
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


def test_codec_refuses_a_zip_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_codec, "MAX_MEMBER_BYTES", 1000)
    data = _codec.dumps(list(range(1000)), {})
    with pytest.raises(DataError, match="inflates"):
        _codec.loads(data)


def test_mobility_dataclasses_round_trip_and_other_classes_are_refused() -> None:
    site = HaltSite("osm_way_7", "De Kempen", "services", 5.0, 52.0, 45, 45, 1200.5, "OSM")
    _, back = _codec.loads(_codec.dumps([site], {}))
    assert back == [site] and type(back[0]) is HaltSite

    @dataclass
    class Foreign:
        x: int

    with pytest.raises(TypeError, match="not a mobility class"):
        _codec.dumps(Foreign(1), {})
    with pytest.raises(TypeError, match="cannot cache a value of type object"):
        _codec.dumps({"a": object()}, {})


def test_a_dataclass_whose_fields_changed_is_refused() -> None:
    document = json.dumps(
        {"meta": {}, "value": {"__t": "dc", "c": "mobility.model.halt_site:HaltSite", "v": {}}}
    ).encode()
    buffer = io.BytesIO()
    np.savez(
        buffer,
        document=np.frombuffer(document, dtype=np.uint8),
        wkb=np.zeros(0, dtype=np.uint8),
        wkb_lengths=np.zeros(0, dtype=np.int64),
    )
    with pytest.raises(DataError, match="fields of HaltSite do not match the code"):
        _codec.loads(buffer.getvalue())
