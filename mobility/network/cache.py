"""Cache of built networks, keyed by input content and build options.

A cache file is a NumPy ``.npz`` archive of JSON and shapely WKB
(:mod:`mobility.network._codec`), read with ``allow_pickle=False``: loading
it never runs code, whoever wrote it. The key hashes the input files' contents, the build
options, the corridor definitions, the package version and its source code,
so a change to any of them misses the cache. Hashing a large input is itself remembered by
(path, size, mtime) so that a second load does not re-read a 1 GB extract.
A file that does not decode, or names another key, is deleted and rebuilt
with a warning; one owned by another user, or writable by others, is ignored
(and rebuilt) with a warning.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mobility import settings
from mobility._atomic import write_bytes_atomic, write_text_atomic
from mobility._version import __version__
from mobility.errors import DataError
from mobility.network import _codec

logger = logging.getLogger(__name__)

#: Bump when the graph layout changes, to invalidate old caches.
CACHE_FORMAT = 2
_HASH_INDEX = "content-hashes.json"


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_digest(paths: Iterable[Path], cache_dir: Path | None = None) -> str:
    """SHA-256 over the contents of ``paths``, remembered by (path, size, mtime)."""
    folder = cache_dir or settings.cache_dir
    index_path = folder / _HASH_INDEX
    index: dict[str, str] = {}
    try:
        if _trusted(index_path):
            loaded = json.loads(index_path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                index = {k: v for k, v in loaded.items() if isinstance(v, str) and len(v) == 64}
    except (OSError, ValueError, RecursionError):
        index = {}
    changed = False
    named: list[tuple[str, str]] = []
    for path in (Path(p).resolve() for p in paths):
        stat = path.stat()
        stamp = f"{path}|{stat.st_size}|{stat.st_mtime_ns}"
        digest = index.get(stamp)
        if digest is None:
            digest = _file_digest(path)
            index[stamp] = digest
            changed = True
        named.append((path.name, digest))
    # Sorted by name and content, not by full path: the digest of the same
    # files does not depend on where they or the checkout sit.
    combined = hashlib.sha256()
    for name, digest in sorted(named):
        combined.update(name.encode())
        combined.update(digest.encode())
    if changed:
        with contextlib.suppress(OSError):
            write_text_atomic(index_path, json.dumps(index, sort_keys=True))
    return combined.hexdigest()


@functools.cache
def code_digest() -> str:
    """SHA-256 of the package's own source: any code change invalidates the cache."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(content: str, options: dict[str, Any]) -> str:
    """Key of a build: input content digest plus options, package version and code."""
    payload = json.dumps(
        {
            "content": content,
            "options": options,
            "version": __version__,
            "code": code_digest(),
            "format": CACHE_FORMAT,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def cache_path(key: str, cache_dir: Path | None = None) -> Path:
    """Where the cache file of ``key`` lives."""
    return (cache_dir or settings.cache_dir) / f"network-{key}.npz"


def _trusted(path: Path) -> bool:
    """Whether ``path`` and its folder belong to this user and only they can write them."""
    getuid = getattr(os, "getuid", None)
    for item in (path, path.parent):
        info = item.stat()
        if getuid is not None and info.st_uid != getuid():
            logger.warning("cache %s belongs to another user; ignoring it and rebuilding", item)
            return False
        if info.st_mode & 0o022 and not (item == path.parent and info.st_mode & stat.S_ISVTX):
            logger.warning("cache %s is writable by others; ignoring it and rebuilding", item)
            return False
    return True


def load_cached(key: str, cache_dir: Path | None = None) -> Any | None:
    """Return the cached object of ``key``, or ``None`` if absent, foreign or corrupt.

    Reading never runs code from the file (see :mod:`mobility.network._codec`).
    A corrupt file of this user is deleted; a foreign one is left alone.
    """
    path = cache_path(key, cache_dir)
    try:
        if not path.exists() or not _trusted(path):
            return None
        if path.stat().st_size > _codec.MAX_MEMBER_BYTES:
            raise DataError("cache file is larger than any network")
        data = path.read_bytes()
        meta, value = _codec.loads(data)
        if meta.get("key") != key or meta.get("format") != CACHE_FORMAT:
            raise DataError("cache file belongs to another key or format")
        return value
    except OSError as error:
        logger.warning("cache file %s cannot be read (%s); rebuilding", path, error)
        return None
    except (DataError, RecursionError, MemoryError) as error:
        logger.warning("cache file %s is corrupt or stale (%s); rebuilding", path, error)
    with contextlib.suppress(OSError):
        os.unlink(path)
    return None


def store_cached(key: str, value: Any, cache_dir: Path | None = None) -> Path | None:
    """Write ``value`` to the cache atomically; return its path (``None`` on failure)."""
    path = cache_path(key, cache_dir)
    try:
        data = _codec.dumps(value, {"key": key, "format": CACHE_FORMAT})
    except (TypeError, ValueError) as error:
        logger.warning("network not cached: %s", error)
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_bytes_atomic(path, data)
    except OSError as error:
        logger.warning("cannot write cache file %s: %s", path, error)
        return None
    return path
