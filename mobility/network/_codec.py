"""A data-only codec for built networks: JSON plus shapely WKB in a NumPy ``.npz``.

Unlike pickle, decoding runs no code named by the file: JSON is parsed into
plain values, geometries are rebuilt from WKB by shapely, graphs by networkx,
and the only classes instantiated are dataclasses and enums defined in the
``mobility`` package itself, whose fields are set directly (no constructor,
no ``__setstate__``). The archive is read with ``allow_pickle=False``.

Values round-trip exactly: ``int``/``float``/``bool``/``str``/``None``,
non-finite floats, lists, tuples, sets, frozensets, ``Counter``, dicts with any
encodable keys, bytes, dates, shapely geometries, networkx graphs (graph, node and
edge attributes, keys, insertion order) and mobility dataclasses and enums.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import io
import json
import math
import zipfile
from collections import Counter
from datetime import date, datetime
from typing import Any

import networkx as nx
import numpy as np
import shapely
from shapely.errors import GEOSException
from shapely.geometry.base import BaseGeometry

from mobility.errors import DataError

TAG = "__t"
_GRAPH_CLASSES: dict[str, type[nx.Graph]] = {
    "Graph": nx.Graph,
    "DiGraph": nx.DiGraph,
    "MultiGraph": nx.MultiGraph,
    "MultiDiGraph": nx.MultiDiGraph,
}
#: Refuse archives whose members would inflate beyond this (a zip bomb in the cache folder).
MAX_MEMBER_BYTES = 4 << 30
#: Types encoded as themselves (exact types: subclasses such as enums take the long way).
_PLAIN = frozenset({str, int, bool, type(None)})
#: Types the decoder must look into; any other JSON value decodes as itself.
_NESTED = frozenset({dict, list})


class _Encoder:
    def __init__(self) -> None:
        self.geometries: list[BaseGeometry] = []

    def encode(self, value: Any) -> Any:
        if type(value) in _PLAIN:  # the common case first: the same result as below
            return value
        if isinstance(value, BaseGeometry):  # the next most common (every edge has one)
            self.geometries.append(value)
            return {TAG: "geom", "i": len(self.geometries) - 1}
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {TAG: "float", "v": repr(value)}
        if isinstance(value, enum.Enum):
            return {TAG: "enum", "c": _class_name(type(value)), "v": self.encode(value.value)}
        if isinstance(value, list):
            return [item if type(item) in _PLAIN else self.encode(item) for item in value]
        if isinstance(value, Counter):
            return {TAG: "counter", "v": self._items(value)}
        if isinstance(value, dict):
            if TAG not in value and all(isinstance(key, str) for key in value):
                return {
                    key: item if type(item) in _PLAIN else self.encode(item)
                    for key, item in value.items()
                }
            return {TAG: "dict", "v": self._items(value)}
        if isinstance(value, (tuple, set, frozenset)):
            kind = {tuple: "tuple", set: "set", frozenset: "frozenset"}[type(value)]
            return {TAG: kind, "v": [self.encode(item) for item in value]}
        if isinstance(value, nx.Graph):
            return self._graph(value)
        if isinstance(value, bytes):
            return {TAG: "bytes", "v": base64.b64encode(value).decode("ascii")}
        if isinstance(value, date) and not isinstance(value, datetime):
            return {TAG: "date", "v": value.isoformat()}
        if isinstance(value, np.generic):
            return self.encode(value.item())
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            fields = {
                f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
            return {TAG: "dc", "c": _class_name(type(value)), "v": fields}
        raise TypeError(f"cannot cache a value of type {type(value).__qualname__}")

    def _items(self, mapping: dict[Any, Any]) -> list[list[Any]]:
        return [[self.encode(key), self.encode(item)] for key, item in mapping.items()]

    def _graph(self, graph: nx.Graph) -> dict[str, Any]:
        name = type(graph).__name__
        if _GRAPH_CLASSES.get(name) is not type(graph):
            raise TypeError(f"cannot cache a graph of type {name}")
        edges = (
            graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
        )
        return {
            TAG: "graph",
            "c": name,
            "graph": self.encode(graph.graph),
            "nodes": [[self.encode(n), self.encode(d)] for n, d in graph.nodes(data=True)],
            "edges": [[self.encode(part) for part in edge] for edge in edges],
        }


def _class_name(cls: type) -> str:
    if not cls.__module__.startswith("mobility."):
        raise TypeError(f"cannot cache {cls.__module__}.{cls.__qualname__}: not a mobility class")
    return f"{cls.__module__}:{cls.__qualname__}"


def _mobility_class(name: Any) -> type:
    """Resolve the mobility dataclass or enum ``name``; nothing else is ever resolved."""
    module_name, _, qualname = str(name).partition(":")
    if not module_name.startswith("mobility.") or not qualname.isidentifier():
        raise DataError(f"cache names a class outside mobility: {name!r}")
    try:
        cls = getattr(importlib.import_module(module_name), qualname)
    except (ImportError, AttributeError) as error:
        raise DataError(f"cache names an unknown class {name!r}") from error
    if not isinstance(cls, type) or cls.__module__ != module_name:
        raise DataError(f"cache names {name!r}, which is not a mobility class")
    return cls


class _Decoder:
    def __init__(self, geometries: list[BaseGeometry]) -> None:
        self.geometries = geometries

    def decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.decode(item) if type(item) in _NESTED else item for item in value]
        if not isinstance(value, dict):
            return value
        tag = value.get(TAG)
        if tag is None:
            return {
                key: self.decode(item) if type(item) in _NESTED else item
                for key, item in value.items()
            }
        return self._tagged(str(tag), value)

    def _tagged(self, tag: str, value: dict[str, Any]) -> Any:
        if tag == "geom":  # the most common tag first (every edge has one)
            index = value.get("i")
            if not isinstance(index, int) or not 0 <= index < len(self.geometries):
                return _bad(tag)
            return self.geometries[index]
        body = value.get("v")
        if tag == "float":
            return float(str(body)) if body in {"nan", "inf", "-inf"} else _bad(tag)
        if tag in {"tuple", "set", "frozenset"}:
            items = [self.decode(item) for item in _list(body)]
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
        if tag in {"dict", "counter"}:
            pairs = {self.decode(k): self.decode(v) for k, v in (_pair(p) for p in _list(body))}
            return Counter(pairs) if tag == "counter" else pairs
        if tag == "bytes":
            return base64.b64decode(str(body), validate=True)
        if tag == "date":
            try:
                return date.fromisoformat(str(body))
            except ValueError:
                return _bad(tag)
        if tag == "graph":
            return self._graph(value)
        if tag == "enum":
            cls = _mobility_class(value.get("c"))
            if not issubclass(cls, enum.Enum):
                return _bad(tag)
            return cls(self.decode(body))
        if tag == "dc":
            return self._dataclass(value)
        return _bad(tag)

    def _dataclass(self, value: dict[str, Any]) -> Any:
        cls = _mobility_class(value.get("c"))
        body = value.get("v")
        if not dataclasses.is_dataclass(cls) or not isinstance(body, dict):
            return _bad("dc")
        names = {f.name for f in dataclasses.fields(cls)}
        if set(body) != names:
            raise DataError(f"cache fields of {cls.__qualname__} do not match the code")
        instance = object.__new__(cls)
        for name in names:
            object.__setattr__(instance, name, self.decode(body[name]))
        return instance

    def _graph(self, value: dict[str, Any]) -> nx.Graph:
        cls = _GRAPH_CLASSES.get(str(value.get("c")))
        if cls is None:
            return _bad("graph")
        graph = cls()
        graph.graph.update(self.decode(value.get("graph", {})))
        graph.add_nodes_from(
            (self.decode(node) if type(node) in _NESTED else node, self.decode(data))
            for node, data in map(_pair, _list(value["nodes"]))
        )
        graph.add_edges_from(self._edge(edge) for edge in _list(value["edges"]))
        return graph

    def _edge(self, edge: Any) -> tuple[Any, ...]:
        """``(u, v, key, data)`` (or ``(u, v, data)``) of an encoded edge."""
        parts = _list(edge)
        if len(parts) not in (3, 4) or type(parts[-1]) is not dict:
            _bad("graph")
        ends = [self.decode(part) if type(part) in _NESTED else part for part in parts[:-1]]
        data = self._attributes(parts[-1])
        if not isinstance(data, dict):
            _bad("graph")
        return (*ends, data)

    def _attributes(self, data: dict[str, Any]) -> Any:
        """Decode an edge's attributes, as :meth:`decode`, its geometry without a detour."""
        if TAG in data:
            return self.decode(data)
        decoded: dict[str, Any] = {}
        for key, item in data.items():
            if type(item) is dict and item.get(TAG) == "geom":
                index = item.get("i")
                if isinstance(index, int) and 0 <= index < len(self.geometries):
                    decoded[key] = self.geometries[index]
                else:
                    _bad("geom")
            else:
                decoded[key] = self.decode(item) if type(item) in _NESTED else item
        return decoded


def _bad(tag: str) -> Any:
    raise DataError(f"cache holds a malformed {tag!r} value")


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise DataError(f"cache holds {type(value).__name__} where a list was expected")
    return value


def _pair(value: Any) -> tuple[Any, Any]:
    items = _list(value)
    if len(items) != 2:
        raise DataError("cache holds a malformed pair")
    return items[0], items[1]


def dumps(value: Any, meta: dict[str, Any]) -> bytes:
    """Encode ``value`` (with ``meta``, plain JSON) as ``.npz`` bytes.

    Raises
    ------
    TypeError
        If ``value`` holds a type the codec does not know.
    """
    encoder = _Encoder()
    document = {"meta": meta, "value": encoder.encode(value)}
    text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    wkb = shapely.to_wkb(np.array(encoder.geometries, dtype=object), include_srid=True)
    lengths = np.array([len(blob) for blob in wkb], dtype=np.int64)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        document=np.frombuffer(text.encode("utf-8"), dtype=np.uint8),
        wkb=np.frombuffer(b"".join(wkb), dtype=np.uint8),
        wkb_lengths=lengths,
    )
    return buffer.getvalue()


def loads(data: bytes) -> tuple[dict[str, Any], Any]:
    """Decode ``.npz`` bytes written by :func:`dumps`; return ``(meta, value)``.

    Raises
    ------
    DataError
        If the bytes are not such an archive or any part is malformed.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_MEMBER_BYTES:
                raise DataError("cache archive inflates beyond its limit")
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            text = arrays["document"].tobytes().decode("utf-8")
            blob = arrays["wkb"].tobytes()
            lengths = arrays["wkb_lengths"].astype(np.int64)
        ends = np.cumsum(lengths)
        if lengths.size and (lengths.min() < 0 or int(ends[-1]) != len(blob)):
            raise DataError("cache geometry table does not match its data")
        starts = ends - lengths
        wkb = [blob[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
        geometries = list(shapely.from_wkb(np.array(wkb, dtype=object))) if wkb else []
        document = json.loads(text)
    except DataError:
        raise
    except (
        OSError,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,  # a member that is not .npy comes back as bytes
        zipfile.BadZipFile,
        RecursionError,
        GEOSException,
    ) as error:
        raise DataError(f"cache archive is malformed: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("meta"), dict):
        raise DataError("cache document has no metadata")
    try:
        value = _Decoder(geometries).decode(document.get("value"))
    except (KeyError, TypeError, ValueError, RecursionError) as error:
        raise DataError(f"cache document is malformed: {error}") from error
    return document["meta"], value
