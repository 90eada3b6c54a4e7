"""Days and ISO 8601 durations. A period's `end` is the last day included; internally periods
are half-open `[start, end + 1 day)`."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?\Z")
ONE_DAY = dt.timedelta(days=1)


def parse_date(text: object) -> dt.date | None:
    """A `YYYY-MM-DD` string as a date, or None when it is not one."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_duration(text: object) -> tuple[int, int] | None:
    """An ISO 8601 date duration as (months, days), or None when it is not one."""
    if not isinstance(text, str) or text == "P":
        return None
    m = _DURATION.match(text)
    if not m:
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in m.groups())
    return years * 12 + months, weeks * 7 + days


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_duration(day: dt.date, duration: tuple[int, int]) -> dt.date:
    months, days = duration
    return add_months(day, months) + dt.timedelta(days=days)


def sub_duration(day: dt.date, duration: tuple[int, int]) -> dt.date:
    months, days = duration
    return add_months(day, -months) - dt.timedelta(days=days)


def duration_months(duration: tuple[int, int]) -> float:
    months, days = duration
    return months + days / 30.4375


def end_exclusive(last_day: object) -> dt.date | None:
    """`end` (last day included) -> the first day after it; None for open or invalid."""
    d = parse_date(last_day)
    return d + ONE_DAY if d else None
