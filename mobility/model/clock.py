"""Time zone and clock arithmetic: computed in absolute time, shown in Dutch local time.

Python adds a ``timedelta`` to an aware ``datetime``, and subtracts two
times of the same zone, on the wall clock of the zone: with
``Europe/Amsterdam``, 01:30 on the night summer time ends plus three hours
gives 04:30 local, which is four hours later. Times are therefore kept in
UTC inside the planner (:func:`utc`, :func:`add_seconds`), and every time a
person reads is converted to Dutch local time (CET/CEST) when it is shown
or written (:func:`local_iso`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

#: The time zone of every time shown to a user.
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


def utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; a naive time is Dutch local time.

    An ambiguous local time (the repeated hour when summer time ends) is
    its first occurrence (summer time), as :mod:`zoneinfo` reads it.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIME)
    return moment.astimezone(UTC)


def add_seconds(moment: datetime, seconds: float) -> datetime:
    """Return ``moment`` plus ``seconds`` of elapsed time, in UTC.

    Raises
    ------
    ValueError
        If ``moment`` has no time zone.
    """
    if moment.tzinfo is None:
        raise ValueError(f"time {moment.isoformat()} has no time zone")
    return moment.astimezone(UTC) + timedelta(seconds=seconds)


def local_time(moment: datetime) -> datetime:
    """Return ``moment`` in Dutch local time."""
    return moment.astimezone(LOCAL_TIME)


def local_iso(moment: datetime, timespec: str = "seconds") -> str:
    """ISO 8601 text of ``moment`` in Dutch local time, with its offset (+01:00 or +02:00)."""
    return local_time(moment).isoformat(timespec=timespec)


@lru_cache(maxsize=4096)
def is_day_off(day: date) -> bool:
    """Whether a date is a weekend day or a Dutch public holiday."""
    return day.weekday() >= 5 or day in holidays.country_holidays("NL", years=day.year)


def day_type(day: date) -> str:
    """``weekday`` for a working day, ``weekend`` for weekends and public holidays."""
    return "weekend" if is_day_off(day) else "weekday"
