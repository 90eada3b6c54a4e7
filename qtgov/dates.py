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
    """`day` moved by whole months (the day clamped to the month's length); saturates at the
    first and last representable days rather than failing on absurd durations (`P99999Y`)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift_days(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, saturating at the first and last representable days."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def next_day(day: dt.date) -> dt.date:
    return shift_days(day, 1)


def previous_day(day: dt.date) -> dt.date:
    return shift_days(day, -1)


def add_duration(day: dt.date, duration: tuple[int, int]) -> dt.date:
    months, days = duration
    return shift_days(add_months(day, months), days)


def sub_duration(day: dt.date, duration: tuple[int, int]) -> dt.date:
    months, days = duration
    return shift_days(add_months(day, -months), -days)


def is_zero(duration: tuple[int, int] | None) -> bool:
    """Whether a parsed duration is empty (`P0D`, `P0M`): it cannot measure a term or a renewal."""
    return duration is not None and duration == (0, 0)


def end_exclusive(last_day: object) -> dt.date | None:
    """`end` (last day included) -> the first day after it; None for open or invalid."""
    d = parse_date(last_day)
    return next_day(d) if d else None
