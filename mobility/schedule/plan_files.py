"""Plan folders: write a plan's files atomically, and read them back.

A plan folder holds:

- ``movement_table.csv`` and ``movement_table.json``: one row per march unit
  (movement number, request, unit, march unit, mode, route, refs, vehicles,
  start point time, arrival and clearance, halts, checkpoint times);
- ``summary.json``: KPIs, solver figures, the greedy baseline, explanations;
- ``constraints.json``: capacities, windows, closures, release and due times
  and rules, as the planner saw them (the validator checks them);
- ``inputs.json`` and ``scenario.yaml`` (and ``vehicles-N.yaml``): what the
  plan was made from (:mod:`mobility.validation.inputs`);
- ``utilisation.csv``: peak occupation per resource and hour;
- ``routes.geojson``, ``routes.gpkg`` and one ``route-*.gpx`` per distinct
  route: the routes with vehicles, times, due time and lateness
  (:mod:`mobility.schedule._plan_geo`).

The folder is built under a temporary name beside the target and renamed
into place only when complete; an existing plan at the target is replaced
only then.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobility import _json as strict_json
from mobility._atomic import write_folder_atomic
from mobility.errors import DataError
from mobility.schedule._plan_geo import plan_geo_files

if TYPE_CHECKING:
    from mobility.schedule.plan import Plan

PLAN_FILES = (
    "inputs.json",
    "scenario.yaml",
    "movement_table.csv",
    "movement_table.json",
    "summary.json",
    "constraints.json",
    "utilisation.csv",
    "routes.geojson",
    "routes.gpkg",
)
CSV_COLUMNS = (
    "movement",
    "request",
    "unit",
    "march_unit",
    "mode",
    "route",
    "refs",
    "vehicles",
    "vehicle_count",
    "start",
    "arrive",
    "clear",
    "due",
    "late_min",
    "halts",
    "checkpoints",
)


def _csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def movement_csv_row(data: dict[str, Any]) -> dict[str, Any]:
    """One row of ``movement_table.csv`` from a row of ``movement_table.json``.

    Spreadsheet-friendly: the march unit as ``<request>/<march unit>`` (text
    in Excel and LibreOffice, where ``1.10`` would become the number 1.1),
    times in ISO 8601 with their offset, and ``; `` the one separator inside
    lists (items are space-separated: ``fennek x20``, ``break <place>
    <start> <end>``, ``<checkpoint> <arrive> <clear>``).
    """
    return {
        **data,
        "march_unit": f"{data['request']}/{data.get('march_unit', '')}",
        "refs": "; ".join(data.get("refs") or ()),
        "vehicles": "; ".join(f"{k} x{v}" for k, v in data["vehicles"].items()),
        "halts": "; ".join(
            f"{h['kind']} {h['name']} {h['start']} {h['end']}" for h in data["halts"]
        ),
        "checkpoints": "; ".join(
            f"{c['name']} {c['arrive']} {c['clear']}" for c in data["checkpoints"]
        ),
    }


def summary_text(summary: dict[str, Any]) -> str:
    """Return the text of ``summary.json``."""
    return strict_json.dumps(summary, indent=2, ensure_ascii=False)


def write_plan(
    plan: Plan,
    out_dir: str | Path,
    extra: dict[str, bytes] | None = None,
    *,
    finish: Callable[[Path], dict[str, bytes]] | None = None,
    names: set[str] | None = None,
) -> Path:
    """Write the plan folder atomically and return its path.

    Parameters
    ----------
    plan
        The plan.
    out_dir
        Target folder (replaced if it exists and mobility wrote it).
    extra
        More files (name to content), e.g. a map.
    finish
        Called with the staged folder, complete but not yet in place; returns
        more files (or new contents of some) to write before it is moved into
        place (see :func:`~mobility._atomic.write_folder_atomic`).
    names
        Every name ``finish`` may add.

    Raises
    ------
    OutputError
        If ``out_dir`` holds a user's files, is a file, or cannot be written.
    """
    movements = [m.data for m in plan.movements]
    files = {
        "movement_table.json": strict_json.dumps(movements, indent=1, ensure_ascii=False),
        "movement_table.csv": _csv_text([movement_csv_row(m) for m in movements], CSV_COLUMNS),
        "summary.json": summary_text(plan.summary),
        "constraints.json": strict_json.dumps(plan.constraints, indent=2, ensure_ascii=False),
        "utilisation.csv": _csv_text(
            plan.utilisation, ("resource", "name", "hour", "peak", "capacity")
        ),
    }
    contents = {name: text.encode("utf-8") for name, text in files.items()}
    contents.update(plan_geo_files(plan))
    contents.update(plan.input_files)
    return write_folder_atomic(
        out_dir, {**contents, **(extra or {})}, kind="plan", finish=finish, names=names
    )


def read_plan_file(folder: Path, name: str) -> Any:
    """Read one JSON file of a plan folder.

    Raises
    ------
    DataError
        If the file is missing or not valid JSON.
    """
    path = folder / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"plan folder {str(folder)!r} has no {name}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise DataError(f"{str(path)!r} cannot be read as JSON: {error}") from None
    _check_shape(data, name, path)
    return data


#: Fields every row of movement_table.json has, with their JSON types.
_MOVEMENT_FIELDS: dict[str, tuple[type, ...]] = {
    "movement": (str,),
    "request": (str,),
    "mode": (str,),
    "start": (str,),
    "arrive": (str,),
    "clear": (str,),
    "checkpoints": (list,),
}
_TIME_FIELDS = ("release", "due", "start", "arrive", "clear")


def _check_shape(data: Any, name: str, path: Path) -> None:
    """Refuse a plan file whose structure is not what :func:`write_plan` writes."""
    where = repr(str(path))
    if name == "movement_table.json":
        if not isinstance(data, list):
            raise DataError(f"{where}: expected a list of movements, got {type(data).__name__}")
        for index, row in enumerate(data):
            _check_movement(row, f"{where} movement {index}")
    elif name.endswith((".json", ".geojson")) and not isinstance(data, dict):
        raise DataError(f"{where}: expected a JSON object, got {type(data).__name__}")


def _check_movement(row: Any, where: str) -> None:
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected an object, got {str(row)[:40]!r}")
    for key, types in _MOVEMENT_FIELDS.items():
        if key not in row:
            raise DataError(f"{where}: missing field {key!r}")
        if not isinstance(row[key], types):
            raise DataError(
                f"{where} {key}: expected {' or '.join(t.__name__ for t in types)}, "
                f"got {str(row[key])[:40]!r}"
            )
    for key in _TIME_FIELDS:
        if key in row:
            try:
                moment = datetime.fromisoformat(str(row[key]))
            except ValueError:
                moment = None
            if moment is None or moment.tzinfo is None or not 1970 <= moment.year <= 2200:
                raise DataError(
                    f"{where} {key}: expected an ISO 8601 time with offset, "
                    f"got {str(row[key])[:40]!r}"
                )
    for key, value in row.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise DataError(f"{where} {key}: expected a finite number, got {value!r}")


def read_plan_files(plan_dir: str | Path) -> dict[str, Any]:
    """Read the JSON files of a plan folder.

    Raises
    ------
    DataError
        If the folder or a file is missing or not valid JSON.
    """
    folder = Path(plan_dir)
    if not folder.is_dir():
        raise DataError(f"plan folder {str(folder)!r} does not exist")
    return {
        name.removesuffix(".json"): read_plan_file(folder, name)
        for name in ("movement_table.json", "summary.json", "constraints.json")
    }
