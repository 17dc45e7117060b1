"""Local time and day types (working day, or weekend/Dutch public holiday)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")


@lru_cache(maxsize=4096)
def is_day_off(day: date) -> bool:
    """Whether a date is a weekend day or a Dutch public holiday."""
    return day.weekday() >= 5 or day in holidays.country_holidays("NL", years=day.year)


def day_type(day: date) -> str:
    """``weekday`` for a working day, ``weekend`` for weekends and public holidays."""
    return "weekend" if is_day_off(day) else "weekday"
