"""The headline of a plan: what was planned, counted against what was requested.

One sentence, the same in ``mobility plan``'s printout, :class:`PlanResult`'s
summary and the map's title: vehicles planned of vehicles requested, then the
vehicles no route serves (unplannable) and those without a start time
(unscheduled), named. Nothing unplanned is ever left out of a denominator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: How many unplanned march units or requests the headline names.
NAMED = 5


def _names(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:NAMED])
    return shown + (f" and {len(ids) - NAMED} more" if len(ids) > NAMED else "")


def headline(summary: Mapping[str, Any]) -> str:
    """Return the plan's headline from its ``summary.json`` content.

    For example ``vehicles planned 248 of 270 (92%) in 18 of 20 march units;
    22 unplannable: HO-2/1.1; 0 unscheduled``. A summary written before
    requested figures existed falls back to its vehicle count.
    """
    requested = int(summary.get("vehicles") or 0)
    planned = int(summary.get("planned_vehicles", requested) or 0)
    units = int(summary.get("march_units") or 0)
    planned_units = int(summary.get("planned_march_units", units) or 0)
    share = f" ({planned / requested:.0%})" if requested else ""
    text = (
        f"vehicles planned {planned:,} of {requested:,}{share} "
        f"in {planned_units:,} of {units:,} march units"
    )
    unplannable = [u for u in summary.get("unplannable") or () if isinstance(u, Mapping)]
    lost = sum(int(u.get("vehicles") or 0) for u in unplannable)
    if unplannable:
        text += f"; {lost:,} unplannable: {_names([str(u.get('request')) for u in unplannable])}"
    unscheduled = [str(u) for u in summary.get("unscheduled") or ()]
    if unscheduled:
        left = max(0, requested - planned - lost)
        text += f"; {left:,} unscheduled: {_names(unscheduled)}"
    return text


def validity_line(summary: Mapping[str, Any]) -> str | None:
    """Return the first line of an invalid plan's printout (``None`` when not invalid)."""
    if summary.get("valid") is not False:
        return None
    count = len(summary.get("violations") or ())
    return (
        f"INVALID: {count} violations of the plan's own check; "
        "do not issue this plan (see INVALID.txt)"
    )


__all__ = ["headline", "validity_line"]
