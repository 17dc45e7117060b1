"""What a map needs of a plan, from a :class:`~mobility.schedule.plan.Plan` or a plan folder."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mobility.errors import DataError
from mobility.schedule.plan import Plan
from mobility.schedule.plan_files import read_plan_file
from mobility.schedule.result import PlanResult


@dataclass(frozen=True)
class PlanView:
    """A plan's movements, route lines, KPIs and utilisation, as plain data.

    Attributes
    ----------
    scenario
        Scenario name.
    start
        Start of the plan horizon (with offset).
    horizon_s
        Length of the horizon in seconds.
    movements
        Rows of the movement table (``movement_table.json``).
    routes
        Route line of each movement number: ``(lon, lat)`` pairs.
    summary
        ``summary.json``.
    utilisation
        Rows of ``utilisation.csv`` (``peak`` and ``capacity`` as int).
    """

    scenario: str
    start: datetime
    horizon_s: int
    movements: list[dict[str, Any]]
    routes: dict[str, list[list[float]]]
    summary: dict[str, Any]
    utilisation: list[dict[str, Any]] = field(default_factory=list)


def _routes(features: list[dict[str, Any]], source: str) -> dict[str, list[list[float]]]:
    routes = {}
    for index, feature in enumerate(features):
        try:
            number = str(feature["properties"]["movement"])
            coords = [[float(c[0]), float(c[1])] for c in feature["geometry"]["coordinates"]]
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise DataError(
                f"{source}: route feature {index} has no movement number or no LineString "
                f"coordinates ({error!r})"
            ) from None
        routes[number] = coords
    return routes


def _view(
    summary: dict[str, Any],
    movements: list[dict[str, Any]],
    features: list[dict[str, Any]],
    utilisation: list[dict[str, Any]],
    source: str,
) -> PlanView:
    try:
        start = datetime.fromisoformat(str(summary["start"]))
        horizon_s = round(float(summary["horizon_h"]) * 3600)
        scenario = str(summary["scenario"])
    except (KeyError, ValueError) as error:
        raise DataError(
            f"{source}: summary needs 'scenario', 'start' (ISO 8601) and 'horizon_h' ({error})"
        ) from None
    if start.tzinfo is None:
        raise DataError(f"{source}: summary start {summary['start']!r} has no UTC offset")
    routes = _routes(features, source)
    for row in movements:
        number = row.get("movement")
        if number not in routes:
            raise DataError(f"{source}: movement {number!r} has no route line in routes.geojson")
    return PlanView(scenario, start, horizon_s, movements, routes, summary, utilisation)


def plan_view(plan: Plan) -> PlanView:
    """Return the map's view of a plan object."""
    rows = [
        {**row, "peak": int(row["peak"]), "capacity": int(row["capacity"])}
        for row in plan.utilisation
    ]
    return _view(
        plan.summary,
        [m.data for m in plan.movements],
        plan.features,
        rows,
        f"plan {plan.scenario!r}",
    )


def read_plan_view(plan_dir: str | Path) -> PlanView:
    """Read the map's view of a plan folder written by ``mobility plan``.

    Raises
    ------
    DataError
        If the folder or one of its files is missing or malformed.
    """
    folder = Path(plan_dir)
    if not folder.is_dir():
        raise DataError(f"plan folder {str(folder)!r} does not exist")
    summary = read_plan_file(folder, "summary.json")
    movements = read_plan_file(folder, "movement_table.json")
    routes = read_plan_file(folder, "routes.geojson")
    if not isinstance(summary, dict) or not isinstance(movements, list):
        raise DataError(
            f"plan folder {str(folder)!r}: summary.json or movement_table.json malformed"
        )
    if not isinstance(routes, dict) or not isinstance(routes.get("features"), list):
        raise DataError(f"{str(folder / 'routes.geojson')!r} is not a GeoJSON FeatureCollection")
    rows: list[dict[str, Any]] = []
    path = folder / "utilisation.csv"
    line = 1
    if path.exists():
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                for index, row in enumerate(csv.DictReader(handle), start=2):
                    line = index
                    rows.append({**row, "peak": int(row["peak"]), "capacity": int(row["capacity"])})
        except (KeyError, ValueError, TypeError) as error:
            raise DataError(
                f"{str(path)!r} line {line}: expected integer 'peak' and 'capacity' ({error})"
            ) from None
    return _view(summary, movements, routes["features"], rows, str(folder))


def as_plan_view(plan: PlanView | PlanResult | Plan | str | Path) -> PlanView:
    """Return the map's view of a plan given as a view, a result, a plan or a plan folder."""
    if isinstance(plan, PlanView):
        return plan
    if isinstance(plan, PlanResult):
        return plan_view(plan.plan)
    if isinstance(plan, Plan):
        return plan_view(plan)
    return read_plan_view(plan)
