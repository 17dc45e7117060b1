"""What a route request must be: its vehicle count, alternatives and start time.

Checked before any routing work, with messages that name the value and what
was expected (:meth:`~mobility.routing.router.Router.route`).
"""

from __future__ import annotations

from datetime import datetime

from mobility import settings
from mobility.errors import DataError
from mobility.model.clock import LOCAL_TIME, add_seconds, utc
from mobility.model.scenario import MAX_YEAR, MIN_YEAR


def start_time(start: datetime | str | None) -> datetime:
    """Return the departure in UTC: parsed from text, or the next quarter hour if not given."""
    if isinstance(start, str):
        return parse_time(start)
    return utc(_default_start() if start is None else start)


def check_count_and_k(count: int, k: int) -> None:
    """Check a route request's vehicle count and number of alternatives.

    Raises
    ------
    DataError
        If either is not a whole number in range.
    """
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not 1 <= count <= settings.max_vehicles
    ):
        raise DataError(
            f"vehicle count must be a whole number from 1 to {settings.max_vehicles:,} "
            f"(MOBILITY_MAX_VEHICLES), got {count!r}"
        )
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise DataError(f"number of alternatives must be a whole number >= 1, got {k!r}")


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time; without an offset it is Europe/Amsterdam local time.

    Raises
    ------
    DataError
        If the text is not an ISO 8601 date and time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DataError(
            f"start time {text!r} is not an ISO 8601 date and time "
            "(expected e.g. 2026-11-24T06:00+01:00)"
        ) from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise DataError(f"start time {text!r}: expected a year from {MIN_YEAR} to {MAX_YEAR}")
    return utc(moment)


def _default_start() -> datetime:
    """Return the next quarter hour, local time."""
    now = datetime.now(LOCAL_TIME).replace(second=0, microsecond=0)
    return add_seconds(now, 60 * ((-now.minute) % 15))
