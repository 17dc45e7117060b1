"""The append-only results file of a sweep: resumable, refusing what is not its own.

With ``results=PATH`` (:func:`mobility.stress.sweep.run_sweep`) every
finished task is appended to a JSON-lines file at once (flushed and fsynced
per line). The first line records the spec's fingerprint; each result line
carries its task's id and fingerprint and a checksum bound to the spec. A
sweep started again on the same file skips the tasks already there, so an
interrupted sweep resumes without losing or repeating work; a line cut short
by the interruption is dropped. A file without the header (a user's notes),
a file written for another spec, a record edited or merged from another
sweep, or a different task under the same id is refused and never changed.
A lock keeps two sweeps from appending to one file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import IO, Any

from mobility import _json as strict_json
from mobility.errors import DataError
from mobility.stress._sweep_tasks import SweepTask

logger = logging.getLogger(__name__)

#: ``tool`` of a results file's header line.
RESULTS_TOOL = "mobility-sweep-results/2"


class ResultsFile:
    """Append-only JSON-lines results of a sweep (see the module notes).

    Parameters
    ----------
    path
        The file (created with its folder when missing).
    spec_fingerprint
        Fingerprint of the sweep's :class:`ContextSpec`.
    """

    def __init__(self, path: str | os.PathLike[str], spec_fingerprint: str) -> None:
        self.path = Path(path)
        self.spec_fingerprint = spec_fingerprint
        self._handle: IO[str] | None = None

    def _sum(self, record: dict[str, Any]) -> str:
        """Checksum of a result line, bound to this sweep's spec: edits and merges show."""
        body = {k: v for k, v in record.items() if k != "sum"}
        text = json.dumps([self.spec_fingerprint, body], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    def _refuse(self, number: int, what: str) -> DataError:
        return DataError(
            f"results file {str(self.path)!r} line {number}: {what}; it is not this sweep's "
            "untouched results file, so it was not used or changed: use another file"
        )

    def load(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Results already in the file: task id to (task fingerprint, result).

        Raises
        ------
        DataError
            If the file is not a results file of this sweep: no header on its
            first line, another sweep's header, a line that is not JSON, or a
            result edited or merged from elsewhere (its checksum fails).
        """
        if not self.path.exists():
            return {}
        if not self.path.is_file():
            raise DataError(f"results file {str(self.path)!r} is not a file")
        try:
            text = self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(f"results file {str(self.path)!r} is not UTF-8 text") from None
        if not text:
            return {}
        lines = text.split("\n")
        complete = lines[:-1]  # the part after the last newline is cut short, or empty
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for number, line in enumerate(complete, start=1):
            record = self._record(number, line)
            if number == 1:
                if record.get("type") != "header" or record.get("tool") != RESULTS_TOOL:
                    raise self._refuse(1, "no mobility results header")
                if record.get("spec") != self.spec_fingerprint:
                    raise DataError(
                        f"results file {str(self.path)!r} belongs to another sweep (network, "
                        "corridors, vehicles or capacity assumptions differ); use another file"
                    )
                continue
            if record.get("type") != "result" or record.get("sum") != self._sum(record):
                raise self._refuse(number, "a record edited, or merged from another file")
            task_id = str(record.get("id"))
            if task_id in found:
                raise self._refuse(number, f"task {task_id!r} a second time")
            found[task_id] = (str(record["task"]), record["result"])
        if not complete:  # one line without a newline: a header cut short, or a user's file
            raise self._refuse(1, "no complete mobility results header")
        return found

    def _record(self, number: int, line: str) -> dict[str, Any]:
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            raise self._refuse(number, "not a JSON record") from None
        if not isinstance(record, dict):
            raise self._refuse(number, "not a JSON object")
        return record

    def open(self) -> None:
        """Open for appending: drop a cut-short last line and write the header if new.

        Call :meth:`load` first: only a file it accepted is ever cut or appended to.

        Raises
        ------
        DataError
            If another sweep is writing the same file.
        """
        exists = self.path.exists() and self.path.stat().st_size > 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DataError(
                f"results file {str(self.path)!r} is being written by another sweep"
            ) from None
        self._handle = handle
        if exists:
            data = self.path.read_bytes()
            keep = data.rfind(b"\n") + 1
            if keep < len(data):
                logger.warning("results file %s: dropping a cut-short last line", self.path)
                os.truncate(self.path, keep)
        else:
            self._write({"type": "header", "tool": RESULTS_TOOL, "spec": self.spec_fingerprint})

    def append(self, task: SweepTask, result: dict[str, Any]) -> None:
        """Append one result and make it durable."""
        record = {"type": "result", "id": task.id, "task": task.fingerprint(), "result": result}
        record = strict_json.finite(record)  # standard JSON: what is read back is what was summed
        self._write({**record, "sum": self._sum(record)})

    def _write(self, record: dict[str, Any]) -> None:
        assert self._handle is not None
        line = strict_json.dumps(record, sort_keys=True, ensure_ascii=False)
        self._handle.write(line + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the file."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
