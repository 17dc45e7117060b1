"""Cache of built networks, keyed by input content and build options.

A cache file holds a header (magic, format version, SHA-256 of the payload)
and a pickled payload. The key hashes the input files' contents, the build
options, the corridor definitions, the package version and its source code,
so a change to any of them misses the cache. Hashing a large input is itself remembered by
(path, size, mtime) so that a second load does not re-read a 1 GB extract.
A file that fails its checksum or does not unpickle is deleted and rebuilt.

The cache lives in the user's own cache folder and is only ever read from
there; pickle is acceptable because nothing else writes it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mobility import settings
from mobility._atomic import write_bytes_atomic, write_text_atomic
from mobility._version import __version__

logger = logging.getLogger(__name__)

MAGIC = b"MOBILITY-NET"
#: Bump when the graph layout changes, to invalidate old caches.
CACHE_FORMAT = 1
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
    try:
        index: dict[str, str] = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    combined = hashlib.sha256()
    changed = False
    for path in sorted(Path(p).resolve() for p in paths):
        stat = path.stat()
        stamp = f"{path}|{stat.st_size}|{stat.st_mtime_ns}"
        digest = index.get(stamp)
        if digest is None:
            digest = _file_digest(path)
            index[stamp] = digest
            changed = True
        combined.update(path.name.encode())
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
    return (cache_dir or settings.cache_dir) / f"network-{key}.pickle"


def load_cached(key: str, cache_dir: Path | None = None) -> Any | None:
    """Return the cached object of ``key``, or ``None`` if absent or corrupt."""
    path = cache_path(key, cache_dir)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header_length = len(MAGIC) + 4 + 32
    valid = (
        len(data) > header_length
        and data.startswith(MAGIC)
        and int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big") == CACHE_FORMAT
        and hashlib.sha256(data[header_length:]).digest() == data[len(MAGIC) + 4 : header_length]
    )
    if valid:
        try:
            return pickle.loads(data[header_length:])  # our own checksummed cache
        except Exception:  # any unpickling failure means a stale or broken cache
            logger.warning("cache file %s does not load; rebuilding", path)
    else:
        logger.warning("cache file %s is corrupt or stale; rebuilding", path)
    with contextlib.suppress(OSError):
        os.unlink(path)
    return None


def store_cached(key: str, value: Any, cache_dir: Path | None = None) -> Path | None:
    """Write ``value`` to the cache atomically; return its path (``None`` on failure)."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    header = MAGIC + CACHE_FORMAT.to_bytes(4, "big") + hashlib.sha256(payload).digest()
    path = cache_path(key, cache_dir)
    try:
        write_bytes_atomic(path, header + payload)
    except OSError as error:
        logger.warning("cannot write cache file %s: %s", path, error)
        return None
    return path
