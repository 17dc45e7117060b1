"""Strict JSON output: non-finite numbers become ``null``, never bare ``Infinity``/``NaN``.

Python's ``json`` writes ``inf`` as ``Infinity``, which no other JSON reader
accepts; every JSON file and ``--json`` output of mobility goes through here.

The text is exactly what ``json.dumps(finite(value), allow_nan=False, ...)``
gives, made faster for large plans: without indentation ``json``'s C encoder
checks the value in one pass (only a value with a non-finite number is
cleaned first); with indentation, where ``json`` falls back to its Python
encoder, :class:`_Indented` writes the same text with far fewer calls.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any


def finite(value: Any) -> Any:
    """Return ``value`` with every non-finite float (at any depth) replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def dumps(value: Any, **options: Any) -> str:
    """Serialise ``value`` as standard JSON (see :func:`finite`); options as :func:`json.dumps`."""
    default = options.pop("default", None)
    if default is not None:
        # Values the default turns into numbers are cleaned too.
        value = json.loads(json.dumps(value, default=default))
    indent = options.get("indent")
    if indent is None:
        try:
            return json.dumps(value, allow_nan=False, **options)
        except ValueError:  # a non-finite number somewhere: clean, then write
            pass
    elif set(options) <= {"indent", "ensure_ascii"} and isinstance(indent, (int, str)):
        try:
            spaces = " " * indent if isinstance(indent, int) else indent
            return _Indented(spaces, ensure_ascii=options.get("ensure_ascii", True)).encode(value)
        except _UnusualValueError:  # a type json handles its own way: leave it to json
            pass
    return json.dumps(finite(value), allow_nan=False, **options)


class _UnusualValueError(Exception):
    """A value :class:`_Indented` leaves to :func:`json.dumps` (a subclass or a non-text key)."""


class _Indented:
    """``json.dumps(finite(value), indent=indent, ensure_ascii=ensure_ascii)``, faster.

    Common types are told apart by ``type()`` inline; everything else goes
    through :meth:`item`, which follows the order of checks of :mod:`json`'s
    encoder (``str``, ``None``, ``True``, ``False``, ``int``, ``float``,
    ``list``/``tuple``, ``dict``) and raises :class:`_UnusualValueError` for what it
    leaves to :func:`json.dumps` (other types, keys that are not text).
    """

    def __init__(self, indent: str, *, ensure_ascii: bool) -> None:
        self.text = encode_basestring_ascii if ensure_ascii else encode_basestring
        self.indent = indent
        self.newlines: list[str] = []
        self.chunks: list[str] = []

    def encode(self, value: Any) -> str:
        self.chunks = []
        self.item(value, 0)
        return "".join(self.chunks)

    def newline(self, depth: int) -> str:
        while len(self.newlines) <= depth:
            self.newlines.append("\n" + self.indent * len(self.newlines))
        return self.newlines[depth]

    def item(self, o: Any, depth: int) -> None:
        append = self.chunks.append
        if isinstance(o, str):
            append(self.text(o))
        elif o is None:
            append("null")
        elif o is True:
            append("true")
        elif o is False:
            append("false")
        elif isinstance(o, int):
            append(int.__repr__(o))
        elif isinstance(o, float):
            append(float.__repr__(o) if math.isfinite(o) else "null")
        elif isinstance(o, (list, tuple)):
            self.sequence(o, depth)
        elif isinstance(o, dict):
            self.mapping(o, depth)
        else:
            raise _UnusualValueError

    def sequence(self, o: list[Any] | tuple[Any, ...], depth: int) -> None:
        append, text, isfinite = self.chunks.append, self.text, math.isfinite
        if not o:
            append("[]")
            return
        inner = self.newline(depth + 1)
        separator = "," + inner
        append("[" + inner)
        first = True
        for v in o:
            if first:
                first = False
            else:
                append(separator)
            kind = type(v)
            if kind is str:
                append(text(v))
            elif kind is int:
                append(int.__repr__(v))
            elif kind is float:
                append(float.__repr__(v) if isfinite(v) else "null")
            elif kind is dict:
                self.mapping(v, depth + 1)
            else:
                self.item(v, depth + 1)
        append(self.newline(depth) + "]")

    def mapping(self, o: dict[Any, Any], depth: int) -> None:
        append, text, isfinite = self.chunks.append, self.text, math.isfinite
        if not o:
            append("{}")
            return
        inner = self.newline(depth + 1)
        separator = "," + inner
        append("{" + inner)
        first = True
        for k, v in o.items():
            if not isinstance(k, str):
                raise _UnusualValueError
            if first:
                first = False
                append(text(k) + ": ")
            else:
                append(separator + text(k) + ": ")
            kind = type(v)
            if kind is str:
                append(text(v))
            elif kind is int:
                append(int.__repr__(v))
            elif kind is float:
                append(float.__repr__(v) if isfinite(v) else "null")
            elif kind is list:
                self.sequence(v, depth + 1)
            else:
                self.item(v, depth + 1)
        append(self.newline(depth) + "}")
