"""Tools of a tamperer: edit a plan folder as a reviewer would try to fool the validator.

A naive tampering edits one thing; a consistent one also makes the rest of
the folder agree (times shifted along the whole row, the summary recomputed
from the table, the CSV rewritten from the JSON).
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from mobility.schedule.plan_files import CSV_COLUMNS, movement_csv_row


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _shift(text: str, delta: timedelta) -> str:
    return (_t(text) + delta).isoformat()


class Folder:
    """A plan folder open for editing; :meth:`save` writes it back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.table: list[dict[str, Any]] = self._read("movement_table.json")
        self.summary: dict[str, Any] = self._read("summary.json")
        self.constraints: dict[str, Any] = self._read("constraints.json")
        self.inputs: dict[str, Any] = self._read("inputs.json")
        self.scenario = yaml.safe_load((path / "scenario.yaml").read_text(encoding="utf-8"))

    def _read(self, name: str) -> Any:
        return json.loads((self.path / name).read_text(encoding="utf-8"))

    def _write(self, name: str, data: Any) -> None:
        (self.path / name).write_text(json.dumps(data, indent=1), encoding="utf-8")

    def save(self, *, csv_too: bool = True) -> None:
        """Write the JSON files back, and the CSV rewritten from the table."""
        self._write("movement_table.json", self.table)
        self._write("summary.json", self.summary)
        self._write("constraints.json", self.constraints)
        self._write("inputs.json", self.inputs)
        if csv_too:
            self.write_csv([movement_csv_row(m) for m in self.table])

    def read_csv(self) -> list[dict[str, str]]:
        with (self.path / "movement_table.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def write_csv(self, rows: list[dict[str, Any]]) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        (self.path / "movement_table.csv").write_text(buffer.getvalue(), encoding="utf-8")

    # Finding rows.
    def row(self, number: str) -> dict[str, Any]:
        return next(m for m in self.table if m["movement"] == number)

    def passing(self, name: str, mode: str = "road") -> list[dict[str, Any]]:
        return [
            m
            for m in self.table
            if m["mode"] == mode and any(c["name"] == name for c in m["checkpoints"])
        ]

    def with_halt(self, kind: str, at_centre: bool | None = None) -> dict[str, Any]:
        return next(
            m
            for m in self.table
            for h in m["halts"]
            if h["kind"] == kind and (at_centre is None or h["at_support_centre"] == at_centre)
        )

    def of_request(self, request: str, mode: str | None = None) -> list[dict[str, Any]]:
        return [
            m for m in self.table if m["request"] == request and (mode is None or m["mode"] == mode)
        ]

    # Consistent edits.
    def drop(self, row: dict[str, Any]) -> None:
        self.table.remove(row)

    def resummarise(self) -> None:
        """Recompute the summary's KPIs from the table, as a careful tamperer would."""
        kpis = self.summary["kpis"]
        start = _t(self.scenario["start"])
        requests = {r["id"]: r for r in self.scenario["requests"]}
        weights = self.scenario.get("weights") or {}
        late = [m["late_min"] for m in self.table]
        units = len(self.table) + len(self.summary.get("unscheduled") or ())
        delay = sum(m["disruption_vh"] for m in self.table)
        objective = 0.0
        for m in self.table:
            due = _t(str(requests[m["request"]]["required_by"]))
            due_min = int((due - start).total_seconds() // 60)
            clear_min = math.ceil((_t(m["clear"]) - start).total_seconds() / 60)
            weight = 6 - int(requests[m["request"]].get("priority", 3))
            objective += weights.get("lateness_per_min", 10) * weight * max(0, clear_min - due_min)
        objective += weights.get("disruption_per_vehicle_hour", 1) * delay
        kpis.update(
            scheduled=len(self.table),
            march_units=units,
            on_time_share=sum(x == 0 for x in late) / units if units else 1.0,
            total_lateness_min=sum(late),
            max_lateness_min=max(late, default=0),
            civilian_delay_vh=round(delay, 2),
            makespan=max(m["clear"] for m in self.table),
            objective=round(objective, 3),
        )
        if kpis.get("bound") is not None:
            kpis["bound"] = min(kpis["bound"], kpis["objective"])
            kpis["gap"] = round(max(0.0, (objective - kpis["bound"]) / objective), 4)
        rail = [m for m in self.table if m["mode"] == "rail"]
        kpis.update(
            rail_movements=len(rail),
            rail_vehicles=sum(sum(m["vehicles"].values()) for m in rail),
            road_vehicles=sum(sum(m["vehicles"].values()) for m in self.table if m not in rail),
        )
        self.summary["vehicles"] = sum(m["vehicle_count"] for m in self.table)
        self.summary["march_units"] = units


def shift_row(m: dict[str, Any], delta: timedelta) -> None:
    """Move a whole row in time, keeping every time in it consistent."""
    for key in ("start", "arrive", "clear"):
        m[key] = _shift(m[key], delta)
    for point in m["checkpoints"]:
        for key in ("arrive", "clear", "leave"):
            if key in point:
                point[key] = _shift(point[key], delta)
    for halt in m["halts"]:
        halt["start"], halt["end"] = _shift(halt["start"], delta), _shift(halt["end"], delta)
    for span in (*m.get("ref_spans", ()), *m.get("closure_spans", ())):
        span["from"], span["to"] = _shift(span["from"], delta), _shift(span["to"], delta)
    train = m.get("train")
    if train:
        for key in ("loading_start", "loading_end", "depart"):
            train[key] = _shift(train[key], delta)
        for section in train["path"]:
            section["enter"], section["leave"] = (
                _shift(section["enter"], delta),
                _shift(section["leave"], delta),
            )
        for point in train["checkpoints"]:
            point["arrive"], point["clear"] = (
                _shift(point["arrive"], delta),
                _shift(point["clear"], delta),
            )
    late = (_t(m["clear"]) - _t(m["due"])).total_seconds() / 60
    m["late_min"] = max(0, math.ceil(late))


def shift_after(m: dict[str, Any], moment: datetime, delta: timedelta) -> None:
    """Move every time of a row at or after ``moment`` (a halt made shorter or longer)."""

    def move(text: str) -> str:
        return _shift(text, delta) if _t(text) >= moment else text

    for key in ("arrive", "clear"):
        m[key] = move(m[key])
    for point in m["checkpoints"]:
        for key in ("arrive", "clear", "leave"):
            if key in point:
                point[key] = move(point[key])
    for halt in m["halts"]:
        halt["start"], halt["end"] = move(halt["start"]), move(halt["end"])
    for span in m.get("ref_spans", ()):
        span["from"], span["to"] = move(span["from"]), move(span["to"])
    late = (_t(m["clear"]) - _t(m["due"])).total_seconds() / 60
    m["late_min"] = max(0, math.ceil(late))


def checkpoint(m: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in m["checkpoints"] if c["name"] == name)
