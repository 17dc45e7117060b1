"""Strict JSON output: non-finite numbers become ``null``, never bare ``Infinity``/``NaN``.

Python's ``json`` writes ``inf`` as ``Infinity``, which no other JSON reader
accepts; every JSON file and ``--json`` output of mobility goes through here.
"""

from __future__ import annotations

import json
import math
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
    return json.dumps(finite(value), allow_nan=False, **options)
