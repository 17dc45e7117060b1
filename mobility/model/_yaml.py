"""Safe YAML loading and field helpers shared by the configuration loaders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from mobility import settings
from mobility.errors import DataError, MobilityError
from mobility.model import _fields

# libyaml's C loader when present: same safe semantics, ~10x faster.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, what: str) -> Any:
    """Read a YAML file safely: no code execution, bounded size and alias expansion.

    Raises
    ------
    DataError
        Naming ``what`` and the path, if the file cannot be read, is too
        large, is not UTF-8, is not YAML, nests too deeply, or its aliases
        expand beyond :data:`mobility.settings.max_yaml_nodes` values (an
        alias bomb) or refer to themselves.
    """
    name = f"{what} {str(path)!r}"
    try:
        if path.is_dir():
            raise DataError(f"{name} is a folder; expected a YAML file")
        if path.exists() and not path.is_file():
            raise DataError(f"{name} is a device, pipe or socket; expected a YAML file")
        size = path.stat().st_size
        if size > settings.max_yaml_bytes:
            raise DataError(
                f"{name} is {size:,} bytes; expected at most {settings.max_yaml_bytes:,}"
            )
        data = path.read_bytes()
    except OSError as error:
        raise DataError(f"{name} cannot be read: {error}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(
            f"{name} is not UTF-8 text: byte 0x{data[error.start]:02x} at offset {error.start}"
        ) from None
    try:
        document = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as error:
        raise DataError(f"{name} is not valid YAML: {_short(str(error))}") from None
    except RecursionError:
        raise DataError(f"{name} nests too deeply") from None
    check_expansion(document, name)
    return document


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + " ..."


def check_expansion(document: Any, name: str, limit: int | None = None) -> int:
    """Return how many values ``document`` holds once its aliases are expanded.

    YAML aliases share one Python object, so a "billion laughs" document is
    small in memory but explodes when anything walks or prints it. The count
    is computed once per shared object.

    Raises
    ------
    DataError
        If the count exceeds ``limit`` (default :data:`mobility.settings.max_yaml_nodes`)
        or a value contains itself.
    """
    limit = settings.max_yaml_nodes if limit is None else limit
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(value: Any, depth: int) -> int:
        if not isinstance(value, (list, dict)):
            return 1
        key = id(value)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise DataError(f"{name} has an alias that refers to itself")
        if depth > 200:
            raise DataError(f"{name} nests deeper than 200 levels")
        active.add(key)
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        total = 1
        for item in items:
            total += size(item, depth + 1)
            if total > limit:
                raise DataError(
                    f"{name} expands to more than {limit:,} values (an alias bomb?); "
                    "refusing it (MOBILITY_MAX_YAML_NODES)"
                )
        active.discard(key)
        sizes[key] = total
        return total

    return size(document, 0)


T = TypeVar("T")


def build_checked(build: Callable[[Any, str], T], document: Any, origin: str, what: str) -> T:
    """Run a validating builder on a parsed document; return what it builds.

    The builders check every field they know; a value of a shape they did not
    foresee (a number where a list belongs, ...) still ends as a
    :class:`DataError` naming the file, never as a traceback.

    Raises
    ------
    DataError
        On any invalid value.
    """
    try:
        return build(document, origin)
    except MobilityError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as error:
        detail = _short(f"{type(error).__name__}: {error}", 200)
        raise DataError(
            f"{what} {origin!r}: a value has the wrong type or shape ({detail}); "
            "expected the documented format"
        ) from None
    except RecursionError:
        raise DataError(f"{what} {origin!r} nests too deeply") from None


def require(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    """Return ``mapping[key]``; a missing key or ``None`` is a :class:`DataError` naming it."""
    return _fields.require(mapping, key, where, DataError)


def number(value: Any, where: str) -> float:
    """Return ``value`` as a float; booleans, strings, NaN and infinities are refused."""
    return _fields.number(value, where, error=DataError)
