"""Safe, atomic outputs: write beside the target, then rename; never replace a user's files.

Files are written to a temporary name and renamed into place. Folders (plan
folders, reports, exports) are built under a hidden staging name and renamed
into place when complete; each carries a marker file (:data:`MARKER`), and an
existing folder is only ever replaced if it carries the marker or holds
nothing but files of the names about to be written. An existing single-file
output is only replaced if it carries the writer's signature. A run that was
killed between the renames is recovered by the next write to the same
target, which says so in a warning. A lock beside the target keeps two runs
from writing the same output at once; :func:`claim_output` takes it (and
checks the location is writable and has room) before any long work.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import glob
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from mobility import settings
from mobility.errors import OutputError

logger = logging.getLogger(__name__)

#: Marker file inside every folder mobility writes.
MARKER = ".mobility-output"
_STAGING = "mobility-staging-"
_OLD = "mobility-old"
_LOCK = "mobility-lock"
#: Locks held by this process: target path to open lock file.
_HELD: dict[Path, tuple[IO[bytes], list[Path]]] = {}


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file that replaces ``path`` only if the block succeeds.

    Parameters
    ----------
    path
        Final destination. Its parent folder is created if missing.
    mode
        ``"w"`` for text (UTF-8) or ``"wb"`` for bytes.

    Yields
    ------
    IO
        The open temporary file.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"output {str(target)!r} is a folder; expected a file name")
    _mkdir(target.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp_name, 0o666 & ~_umask())
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_open(path, "w") as handle:
        handle.write(text)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def _mkdir(folder: Path) -> list[Path]:
    """Create ``folder`` and its parents; return those created, deepest first."""
    created = [f for f in (folder, *folder.parents) if not f.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return created
    except FileExistsError:
        raise OutputError(f"output folder {str(folder)!r} is an existing file") from None
    except OSError as error:
        raise OutputError(f"cannot create output folder {str(folder)!r}: {error}") from error


def _sibling(target: Path, kind: str) -> Path:
    return target.with_name(f".{target.name}.{kind}")


def _remove_ours(folder: Path) -> None:
    """Delete a folder mobility wrote, its marker last.

    A kill in the middle leaves the marker, so the next run still knows the
    remains are its own and removes them (:func:`recover_output`).
    """
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _is_ours(folder: Path, names: set[str] | None = None) -> bool:
    """Whether ``folder`` carries the marker, or holds only files of ``names``."""
    if (folder / MARKER).is_file():
        return True
    if names is None:
        return False
    return all(entry.is_file() and entry.name in names for entry in folder.iterdir())


def check_output(
    path: str | os.PathLike[str],
    kind: Literal["folder", "file"],
    *,
    signature: bytes | tuple[bytes, ...] | None = None,
    names: set[str] | None = None,
) -> Path:
    """Refuse an output location that is not safe to write; return it as a path.

    Parameters
    ----------
    path
        Target folder or file.
    kind
        What will be written there.
    signature
        ``file``: bytes an existing file must contain (in its first or last
        64 KiB) to be replaced; without it, no existing file is replaced.
    names
        ``folder``: file names about to be written (an unmarked folder holding
        only such files may be replaced).

    Raises
    ------
    OutputError
        If the target is of the wrong kind, holds a user's files, or its
        location is read-only or short of space.
    """
    target = Path(path)
    what = "folder" if kind == "folder" else "file"
    if target.is_symlink() or (target.exists() and not (target.is_dir() or target.is_file())):
        raise OutputError(f"output {str(target)!r} is a link or special file; expected a {what}")
    if kind == "folder" and target.is_file():
        raise OutputError(f"output {str(target)!r} is an existing file; expected a folder")
    if kind == "file" and target.is_dir():
        raise OutputError(f"output {str(target)!r} is an existing folder; expected a file")
    if kind == "folder" and target.is_dir() and not _is_ours(target, names):
        raise OutputError(
            f"output folder {str(target)!r} exists and was not written by mobility "
            f"(no {MARKER} marker); refusing to replace it: choose another folder or remove it"
        )
    if kind == "file" and target.is_file() and not _has_signature(target, signature):
        raise OutputError(
            f"output file {str(target)!r} exists and was not written by mobility; "
            "refusing to replace it: choose another name or remove it"
        )
    _check_writable(target)
    return target


def _has_signature(path: Path, signature: bytes | tuple[bytes, ...] | None) -> bool:
    if signature is None:
        return False
    signatures = signature if isinstance(signature, tuple) else (signature,)
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
            handle.seek(max(0, path.stat().st_size - (1 << 16)))
            tail = handle.read()
    except OSError:
        return False
    return any(s in head or s in tail for s in signatures)


def _check_writable(target: Path) -> None:
    """Probe the nearest existing folder of ``target`` for write access and free space."""
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"output {str(target)!r}: {str(folder)!r} is not a folder")
    try:
        # Unnamed where the system allows it (O_TMPFILE on Linux): a process
        # killed here leaves no probe file behind.
        with tempfile.TemporaryFile(prefix=".mobility-probe-", dir=folder):
            pass
        free = shutil.disk_usage(folder).free
    except OSError as error:
        raise OutputError(f"output {str(target)!r} cannot be written: {error}") from error
    if free < settings.min_free_disk_mb * 1e6:
        raise OutputError(
            f"output {str(target)!r}: only {free / 1e6:.0f} MB free in {str(folder)!r}; "
            f"expected at least {settings.min_free_disk_mb:g} MB "
            "(MOBILITY_MIN_FREE_DISK_MB)"
        )


def claim_output(
    path: str | os.PathLike[str],
    kind: Literal["folder", "file"],
    *,
    signature: bytes | tuple[bytes, ...] | None = None,
    names: set[str] | None = None,
) -> Path:
    """Check an output location (see :func:`check_output`) and lock it for this process.

    The lock is released when the output is written or the process ends.

    Raises
    ------
    OutputError
        As :func:`check_output`, or if another run is writing the same output.
    """
    target = check_output(path, kind, signature=signature, names=names)
    _acquire(target)
    return target


def _acquire(target: Path) -> bool:
    """Lock ``target``; return whether this call took the lock (False: already held)."""
    key = target.absolute()
    if key in _HELD:
        return False
    created = _mkdir(target.parent)
    lock = _sibling(target, _LOCK)
    for _ in range(3):
        try:
            handle = lock.open("ab")
        except OSError as error:
            raise OutputError(f"output {str(target)!r} cannot be locked: {error}") from error
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise OutputError(
                f"output {str(target)!r} is being written by another mobility run; "
                "wait for it or choose another output"
            ) from None
        try:
            same = os.stat(lock).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file that its holder removed meanwhile
            _HELD[key] = (handle, created)
            return True
        handle.close()
    raise OutputError(f"output {str(target)!r} cannot be locked: its lock keeps changing")


def release_output(path: str | os.PathLike[str]) -> None:
    """Release the lock of ``path`` taken by :func:`claim_output` (no-op if not held)."""
    target = Path(path)
    held = _HELD.pop(target.absolute(), None)
    if held is not None:
        handle, created = held
        with contextlib.suppress(OSError):
            os.unlink(_sibling(target, _LOCK))
        handle.close()
        for folder in created:  # folders made for an output never written
            with contextlib.suppress(OSError):
                folder.rmdir()


@atexit.register
def release_all() -> None:
    """Release every output lock this process holds."""
    for key in list(_HELD):
        release_output(key)


def _staged(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{glob.escape(target.name)}.{_STAGING}*"))


def _complete(folder: Path) -> bool:
    try:
        return bool(json.loads((folder / MARKER).read_text(encoding="utf-8")).get("complete"))
    except (OSError, ValueError, AttributeError):
        return False


def recover_output(path: str | os.PathLike[str]) -> None:
    """Finish or undo a folder write that a kill interrupted; remove its leftovers.

    Where the target is missing, a complete staging folder becomes the target
    (the kill came between the two renames), or else the previous version is
    restored. Leftover staging and previous-version folders are removed; each
    step is logged as a warning.
    """
    target = Path(path)
    if not target.parent.is_dir():
        return
    staged = [p for p in _staged(target) if p.is_dir() and (p / MARKER).is_file()]
    old = _sibling(target, _OLD)
    if not target.exists():
        complete = [p for p in staged if _complete(p)]
        if complete:
            newest = max(complete, key=lambda p: p.stat().st_mtime_ns)
            newest.rename(target)
            staged.remove(newest)
            logger.warning("recovered %s from a run interrupted while renaming it", target)
        elif old.is_dir() and _is_ours(old):
            old.rename(target)
            logger.warning("restored the previous %s after an interrupted run", target)
    for leftover in [*staged, *([old] if old.is_dir() and _is_ours(old) else [])]:
        _remove_ours(leftover)
        logger.warning("removed %s, left behind by an interrupted run", leftover)


def write_folder_atomic(
    path: str | os.PathLike[str],
    files: dict[str, bytes],
    *,
    kind: str = "output",
    finish: Callable[[Path], dict[str, bytes]] | None = None,
    names: set[str] | None = None,
) -> Path:
    """Write a folder of files atomically and return its path.

    The folder is built under a hidden staging name beside ``path``, with the
    marker file, and renamed into place only when complete; an existing
    folder at ``path`` is replaced only then, and only if mobility wrote it
    (see :func:`check_output`). Leftovers of an interrupted earlier write are
    recovered first (:func:`recover_output`).

    Parameters
    ----------
    path
        Target folder.
    files
        File name to content.
    kind
        What the folder is (recorded in the marker), e.g. ``plan``.
    finish
        Called with the staging folder once ``files`` are in it; returns more
        files (or new contents of some) to write before the folder is renamed
        into place: e.g. the outcome of checking the staged files.
    names
        Every name the folder may get, ``files`` and what ``finish`` may add
        (default: ``files``); the target is checked again against the names
        actually written before it is replaced.

    Raises
    ------
    OutputError
        If the target is not safe to replace, is locked by another run, or
        cannot be written.
    """
    target = Path(path)
    _check_names(files)
    expected = set(files) | (names or set())
    if not target.parent.is_dir():
        check_output(target, "folder", names=expected)  # refuse before creating anything
    took = _acquire(target)
    try:
        recover_output(target)
        check_output(target, "folder", names=expected)
        _replace_folder(target, files, kind, finish)
    finally:
        if took:
            release_output(target)
    return target


def _check_names(files: dict[str, bytes]) -> None:
    for name in files:
        if Path(name).name != name or name in {"", ".", "..", MARKER}:
            raise OutputError(f"output file name {name!r} is not a plain file name")


def _replace_folder(
    target: Path,
    files: dict[str, bytes],
    kind: str,
    finish: Callable[[Path], dict[str, bytes]] | None = None,
) -> None:
    marker = {"tool": "mobility", "kind": kind, "files": sorted(files)}
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{_STAGING}", dir=target.parent))
    except OSError as error:
        raise OutputError(f"output {str(target)!r} cannot be written: {error}") from error
    try:
        (staging / MARKER).write_text(json.dumps({**marker, "complete": False}), "utf-8")
        for name, content in files.items():
            (staging / name).write_bytes(content)
        if finish is not None:
            more = finish(staging)
            _check_names(more)
            for name, content in more.items():
                (staging / name).write_bytes(content)
            files = {**files, **more}
            marker["files"] = sorted(files)
            if target.exists():  # against the names actually written
                check_output(target, "folder", names=set(files))
        (staging / MARKER).write_text(json.dumps({**marker, "complete": True}), "utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        if target.exists():
            old = _sibling(target, _OLD)
            target.rename(old)
            staging.rename(target)
            _remove_ours(old)
        else:
            staging.rename(target)
    except OutputError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(f"output {str(target)!r} cannot be written: {error}") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_file_checked(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    signature: bytes | tuple[bytes, ...] | None = None,
) -> Path:
    """Write one output file atomically, refusing to replace a file mobility did not write.

    Parameters
    ----------
    path
        Target file.
    data
        Its content.
    signature
        Bytes that mark a file of this kind as mobility's (see :func:`check_output`).

    Raises
    ------
    OutputError
        If the target is not safe to replace or cannot be written.
    """
    target = Path(path)
    check_output(target, "file", signature=signature)
    took = _acquire(target)
    try:
        check_output(target, "file", signature=signature)
        try:
            write_bytes_atomic(target, data)
        except OutputError:
            raise
        except OSError as error:
            raise OutputError(f"output {str(target)!r} cannot be written: {error}") from error
    finally:
        if took:
            release_output(target)
    return target
