"""Civilian disruption model against measured Dutch traffic.

Three checks, on the files in ``MOBILITY_SHARED_TRAFFIC`` (default
``../shared/traffic``):

1. **Volumes**: the model's hourly volume per lane (class default x hourly
   profile) against the NDW loop counts of every measured road, carriageway
   and day: MAPE and WAPE over the 24 hours, the correlation of the profile
   shapes and the peak hours. Three models: ``legacy`` (the hand-typed
   16,000 per lane and profile before issue #16), ``calibrated`` (the
   defaults in ``mobility/data/traffic-profiles.yaml``, calibrated on these same
   days: in sample) and ``leave-one-out`` (calibrated without the day it is
   checked against).
2. **Jams**: the moving-bottleneck cost of one standard column (24
   vehicles, open column, 60 km/h, 10 km) on each corridor motorway per
   working-day hour, against how often and how badly Rijkswaterstaat
   recorded jams there in that hour on working days (jams active in the
   hour; severity = head-to-tail length x duration, km.min, shared over the
   hours a jam lasts, the way ``FileZwaarte`` is defined):
   Spearman rank correlations per road over the hours, over all road-hours,
   and over the roads at 08:00 and 17:00 (jams per 100 km of the road).
3. ``--write-profiles`` rewrites ``traffic-profiles.yaml`` from the NDW days.

Run: ``python -m benchmarks.traffic [--write-profiles] [--out FILE]``
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

import mobility
from mobility import settings
from mobility._atomic import write_text_atomic
from mobility.model.clock import is_day_off
from mobility.routing.router import Router
from mobility.schedule.disruption import TrafficModel
from mobility.schedule.moving_bottleneck import Sections, route_delays_vh
from mobility.schedule.road_costs import RoadCosts
from mobility.traffic.ndw import SiteDay, read_ndw
from mobility.traffic.profiles import PROFILES_FILE, calibrate, render_defaults

CORRIDOR_ROADS = ("A15", "A16", "A58", "A67", "A12", "A2", "A28", "A7", "A1", "A35", "A50", "A73")
#: The disruption model's figures before issue #16 (hand-typed, for comparison only).
LEGACY_DAILY_PER_LANE = 16_000.0
LEGACY_PROFILE = np.array([
    0.008, 0.005, 0.004, 0.004, 0.008, 0.022, 0.052, 0.082, 0.088, 0.064, 0.052, 0.050,
    0.050, 0.051, 0.054, 0.064, 0.080, 0.086, 0.068, 0.046, 0.034, 0.028, 0.021, 0.014,
])  # fmt: skip
LEGACY_PROFILE = LEGACY_PROFILE / LEGACY_PROFILE.sum()
COLUMN_VEHICLES, COLUMN_KPH, COLUMN_INTERVAL_M, SECTION_KM = 24, 60.0, 100.0, 10.0


def ndw_days(folder: Path) -> list[SiteDay]:
    days = []
    for path in sorted((folder / "ndw-loops").glob("*.CSV")):
        if "15min" in path.name:  # a 20-minute excerpt, not a day
            continue
        days += read_ndw(path)
    return days


def volume_check(days: list[SiteDay], model: TrafficModel) -> list[dict[str, Any]]:
    calibration = calibrate(days)
    rows = []
    for key in calibration.groups:
        members = [d for d in days if f"{d.road} {d.carriageway} {d.day.isoformat()}" == key]
        measured = np.mean([d.veh_h_per_lane for d in members], axis=0)
        others = calibrate([d for d in days if d not in members])
        models = {
            "legacy": LEGACY_DAILY_PER_LANE * LEGACY_PROFILE,
            "calibrated": model.daily_volume("motorway") * np.array(model.profile(False)),
            "leave-one-out": others.daily_per_lane * np.array(others.profile),
        }
        row: dict[str, Any] = {
            "group": key,
            "sites": len(members),
            "lanes": members[0].lanes,
            "measured_daily_per_lane": float(measured.sum()),
            "measured_peak_hours": sorted(int(h) for h in np.argsort(measured)[-2:]),
        }
        for name, modelled in models.items():
            error = np.abs(modelled - measured)
            row[name] = {
                "mape": float(np.mean(error / measured)),
                "mape_06_22": float(np.mean((error / measured)[6:22])),
                "wape": float(error.sum() / measured.sum()),
                "shape_r": float(np.corrcoef(modelled, measured)[0, 1]),
                "hourly_error": [round(float(e), 1) for e in modelled - measured],
            }
        rows.append(row)
    return rows


def parse_day(text: str) -> date:
    """``2018-02-22`` or ``30-1-2018`` (the 2018-01 file's day-month-year)."""
    if "-" in text and len(text.split("-")[0]) <= 2:
        day, month, year = (int(p) for p in text.split("-"))
        return date(year, month, day)
    return date.fromisoformat(text)


def jam_length_km(row: dict[str, str]) -> float:
    """Head-to-tail length of a jam from its hectometres (0 where unreadable).

    Severity is computed as this length times the duration from the clock
    times, not read from ``FileZwaarte``: the 2018-01 file writes its numbers
    with mixed separators (``1.212.883``, ``2,000,000``).
    """
    try:
        head = float(row["HectometerKop"].replace(",", "."))
        tail = float(row["HectometerStaart"].replace(",", "."))
    except ValueError:
        return 0.0
    return min(abs(head - tail), 50.0)


def jam_table(folder: Path) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], int]:
    """Working-day jams active per road and hour, and their severity, and the working days."""
    count: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(24))
    severity: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(24))
    days: set[date] = set()
    for path in sorted((folder / "rws-jams").glob("*.csv")):
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            for row in csv.DictReader(handle, delimiter=";"):
                day = parse_day(row["DatumFileBegin"])
                if is_day_off(day):
                    continue
                days.add(day)
                begin = datetime.strptime(row["TijdFileBegin"], "%H:%M:%S")
                end = datetime.strptime(row["TijdFileEind"], "%H:%M:%S")
                start_h = begin.hour + begin.minute / 60 + begin.second / 3600
                end_h = end.hour + end.minute / 60 + end.second / 3600
                if parse_day(row["DatumFileEind"]) != day or end_h < start_h:
                    end_h = 24.0
                span = max(end_h - start_h, 1e-6)
                weight = jam_length_km(row) * span * 60
                for hour in range(int(start_h), min(int(np.ceil(end_h)), 24)):
                    share = (min(end_h, hour + 1) - max(start_h, hour)) / span
                    count[row["RouteOms"]][hour] += 1
                    severity[row["RouteOms"]][hour] += weight * share
    return dict(count), dict(severity), len(days)


def column_costs(model: TrafficModel) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
    """Cost of one standard column on 10 km of each corridor road, per working-day hour."""
    network = mobility.load_network()
    table = Router(network).table("road")
    costs = RoadCosts(table, model)
    refs = np.array(table.refs, dtype=object)
    result, roads = {}, {}
    pass_h = COLUMN_VEHICLES * COLUMN_INTERVAL_M / 1000 / COLUMN_KPH
    for road in CORRIDOR_ROADS:
        edges = np.flatnonzero((refs == road) & table.expressway)
        if not len(edges):
            continue
        lanes = float(np.median(costs.lanes[edges]))
        free = float(np.median(costs.free_kph[edges]))
        demand = np.median(costs.demand_veh_h[edges] / costs.lanes[edges, None], axis=0)
        section = Sections(
            time_h=np.array([SECTION_KM / COLUMN_KPH]),
            road=np.array([0]),
            lanes=np.array([lanes]),
            free_kph=np.array([free]),
            column_kph=np.array([COLUMN_KPH]),
            demand_pcu_h=(demand * lanes * model.pcu_per_vehicle)[None, :],
            ramp_pcu_h=np.zeros((1, 48)),
            pass_h=np.array([pass_h]),
            column_pcu_h=np.array([COLUMN_VEHICLES * model.column_pce_per_vehicle / pass_h]),
            extra_vh_per_h=np.zeros((1, 48)),
        )

        def clock(hours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return np.floor(hours).astype(np.int64) % 24, np.floor(hours) + 1.0

        result[road] = route_delays_vh(section, np.arange(24.0), clock, model.bottleneck())
        roads[road] = {
            "lanes": lanes,
            "free_kph": free,
            "length_km": float(table.length_m[edges].sum() / 2000),  # both directions
            "source": "measured" if costs.measured[edges].any() else "default",
        }
    return result, roads


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return None
    return float(stats.spearmanr(a, b).statistic)


def jam_check(folder: Path, model: TrafficModel) -> dict[str, Any]:
    count, severity, working_days = jam_table(folder)
    cost, roads = column_costs(model)
    per_road, pooled = {}, []
    for road, modelled in cost.items():
        jams, heavy = count.get(road, np.zeros(24)), severity.get(road, np.zeros(24))
        per_road[road] = {
            **roads[road],
            "cost_vh_08": float(modelled[8]),
            "cost_vh_17": float(modelled[17]),
            "jams_per_working_day": float(jams.sum() / working_days),
            "rho_count": spearman(modelled, jams),
            "rho_severity": spearman(modelled, heavy),
        }
        pooled += [(m, j, h) for m, j, h in zip(modelled, jams, heavy, strict=True)]
    table = np.array(pooled)
    across = {}
    for hour in (8, 17):
        density = np.array([count.get(r, np.zeros(24))[hour] / roads[r]["length_km"] for r in cost])
        across[f"{hour:02d}:00"] = spearman(np.array([cost[r][hour] for r in cost]), density)
    return {
        "working_days": working_days,
        "roads": per_road,
        "rho_all_road_hours_count": spearman(table[:, 0], table[:, 1]),
        "rho_all_road_hours_severity": spearman(table[:, 0], table[:, 2]),
        "rho_across_roads_jams_per_km": across,
    }


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def report(volumes: list[dict[str, Any]], jams: dict[str, Any]) -> None:
    print(
        "| NDW day (road, carriageway, date) | sites | lanes | measured veh/lane/day "
        "| MAPE legacy | MAPE calibrated | MAPE leave-one-out | WAPE leave-one-out "
        "| shape r (legacy / calibrated) | measured peak hours |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in volumes:
        print(
            f"| {row['group']} | {row['sites']} | {row['lanes']} | "
            f"{row['measured_daily_per_lane']:,.0f} | {row['legacy']['mape']:.0%} | "
            f"{row['calibrated']['mape']:.0%} | {row['leave-one-out']['mape']:.0%} | "
            f"{row['leave-one-out']['wape']:.0%} | {row['legacy']['shape_r']:.2f} / "
            f"{row['calibrated']['shape_r']:.2f} | {row['measured_peak_hours']} |"
        )
    for name in ("legacy", "calibrated", "leave-one-out"):
        mape = np.mean([r[name]["mape"] for r in volumes])
        wape = np.mean([r[name]["wape"] for r in volumes])
        print(f"mean {name}: MAPE {mape:.0%}, WAPE {wape:.0%}")
    print(f"\n{jams['working_days']} working days of RWS jams")
    print(
        "| road | lanes | demand | cost 08:00 (vh) | cost 17:00 (vh) | jams/working day "
        "| Spearman cost~jams (hours) | Spearman cost~severity (hours) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for road, row in jams["roads"].items():
        print(
            f"| {road} | {row['lanes']:g} | {row['source']} | {row['cost_vh_08']:.2f} | "
            f"{row['cost_vh_17']:.2f} | {row['jams_per_working_day']:.1f} | "
            f"{fmt(row['rho_count'])} | {fmt(row['rho_severity'])} |"
        )
    print(
        f"all road-hours: Spearman count {fmt(jams['rho_all_road_hours_count'])}, severity "
        f"{fmt(jams['rho_all_road_hours_severity'])}; across roads (jams per km): "
        + ", ".join(f"{h} {fmt(v)}" for h, v in jams["rho_across_roads_jams_per_km"].items())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-profiles", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    folder = settings.shared_traffic_dir
    if not (folder / "ndw-loops").is_dir():
        print(f"measured traffic not found at {folder} (set MOBILITY_SHARED_TRAFFIC)")
        return 2
    days = ndw_days(folder)
    if args.write_profiles:
        text = render_defaults(
            calibrate(days), "NDW loop-detector exports (NDW open data, ../shared/traffic)"
        )
        write_text_atomic(settings.data_dir / PROFILES_FILE, text)
        print(f"wrote {settings.data_dir / PROFILES_FILE}")
    model = TrafficModel()
    volumes = volume_check(days, model)
    jams = jam_check(folder, model)
    report(volumes, jams)
    if args.out:
        write_text_atomic(args.out, json.dumps({"volumes": volumes, "jams": jams}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
