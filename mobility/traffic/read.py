"""One entry point for a user's traffic file: NDW export or simple count CSV."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from mobility.errors import DataError
from mobility.model.clock import is_day_off
from mobility.traffic.counts import COUNT_FIELDS, HourlyCounts, TrafficCounts, read_counts
from mobility.traffic.ndw import NDW_FIELDS, SiteDay, read_ndw


def counts_from_sites(days: list[SiteDay], path: Path | None = None) -> TrafficCounts:
    """Average NDW site-days into counts per road, direction and day type."""
    groups: dict[tuple[str, str, str], list[SiteDay]] = defaultdict(list)
    for day in days:
        day_type = "weekend" if is_day_off(day.day) else "weekday"
        groups[day.road, day.direction, day_type].append(day)
    counts = {
        key: HourlyCounts(
            tuple(float(v) for v in np.mean([d.veh_h_per_lane for d in group], axis=0)),
            f"{path or 'NDW'}: sites {', '.join(sorted({d.site for d in group}))}",
        )
        for key, group in groups.items()
    }
    return TrafficCounts(counts, path)


def read_traffic(path: str | Path) -> TrafficCounts:
    """Read a traffic file, an NDW Dexter export or the simple count CSV, by its header.

    Raises
    ------
    DataError
        Naming the file, line and field of the first problem; nothing is half-loaded.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            header = handle.readline()
    except OSError as exc:
        raise DataError(f"{path}: cannot read the traffic file ({exc.strerror})") from exc
    fields = {name.strip().strip('"') for sep in (";", ",") for name in header.split(sep)}
    if all(name in fields for name in NDW_FIELDS):
        return counts_from_sites(read_ndw(path), path)
    if all(name in fields for name in COUNT_FIELDS):
        return read_counts(path)
    raise DataError(
        f"{path}: line 1: header {header.strip()[:120]!r} is neither an NDW export "
        f"({', '.join(NDW_FIELDS)}) nor a count file ({', '.join(COUNT_FIELDS)}), "
        "separated by ';' or ','"
    )
