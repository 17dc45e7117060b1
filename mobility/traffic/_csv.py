"""Shared CSV helpers of the traffic readers: separator sniffing and located errors."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from mobility.errors import DataError


def sniff_separator(path: Path, header: str, expected: tuple[str, ...]) -> str:
    """Find the separator (``;`` or ``,``) under which ``header`` holds the ``expected`` fields.

    Raises
    ------
    DataError
        When neither separator splits the header into the expected fields.
    """
    for separator in (";", ","):
        names = [name.strip().strip('"').lstrip("\ufeff") for name in header.split(separator)]
        if all(field in names for field in expected):
            return separator
    raise DataError(
        f"{path}: line 1: header {header.strip()[:120]!r} does not hold the fields "
        f"{', '.join(expected)} separated by ';' or ','"
    )


def rows(path: Path, expected: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as ``(line number, field -> text)``, separator sniffed.

    Raises
    ------
    DataError
        When the file is missing, empty, not text, or a row has the wrong number of fields.
    """
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DataError(f"{path}: cannot read the traffic file ({exc.strerror})") from exc
    with handle:
        try:
            header = handle.readline()
            if not header.strip():
                raise DataError(f"{path}: line 1: empty file, expected a header")
            separator = sniff_separator(path, header, expected)
            names = [name.strip().strip('"').lstrip("\ufeff") for name in header.split(separator)]
            for number, values in enumerate(csv.reader(handle, delimiter=separator), start=2):
                if not values or all(not v.strip() for v in values):
                    continue
                if len(values) != len(names):
                    raise DataError(
                        f"{path}: line {number}: {len(values)} fields, expected {len(names)} "
                        f"separated by {separator!r} as in the header"
                    )
                yield number, {n: v.strip() for n, v in zip(names, values, strict=True)}
        except UnicodeDecodeError as exc:
            raise DataError(f"{path}: not a UTF-8 text file ({exc.reason})") from exc


def number(path: Path, line: int, field: str, text: str) -> float:
    """Parse a decimal number (point or comma), or raise a :class:`DataError` naming it."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise DataError(
            f"{path}: line {line}: field {field!r} is {text!r}, expected a number"
        ) from None
