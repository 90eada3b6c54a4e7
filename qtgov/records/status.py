"""`qtgov status`: what is in force on a day, which work packages are under way, and which
deadlines come up (docs/design/records.md, docs/design/projects.md)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from qtgov.dates import (
    ONE_DAY,
    add_duration,
    is_zero,
    next_day,
    parse_date,
    parse_duration,
    previous_day,
    shift_days,
    sub_duration,
)
from qtgov.errors import UsageError
from qtgov.messages import msg
from qtgov.records.agreements import effective_date, in_force_interval
from qtgov.records.index import Index, Record, party_ids

# An expiry's day is the last day in force, for a term's end and a termination alike.
LAST_DAY = msg("in force until and including this day")

_WINDOW = re.compile(r"(\d+)([dwmy])\Z")


def parse_window(text: str) -> dt.timedelta:
    """`60d`, `8w`, `3m`, `1y` (months of 30 and years of 365 days) as a timedelta."""
    m = _WINDOW.match(text.strip().lower())
    if not m:
        raise UsageError(f"--due {text!r}: give a number and a unit, such as 60d, 8w, 3m or 1y")
    n, unit = int(m.group(1)), m.group(2)
    try:
        return dt.timedelta(days=n * {"d": 1, "w": 7, "m": 30, "y": 365}[unit])
    except OverflowError:
        raise UsageError(f"--due {text!r}: the window is too long") from None


def parse_day(text: str, option: str) -> dt.date:
    day = parse_date(text)
    if day is None:
        raise UsageError(f"{option} {text!r}: give a date as YYYY-MM-DD")
    return day


@dataclass(frozen=True)
class InForce:
    id: str
    path: str
    type: str
    parties: tuple[str, ...]
    effective: dt.date
    last_day: dt.date | None  # the last day in force of the current term; None: open-ended

    def period_text(self) -> str:
        """The time in force in words: the end date is included."""
        if self.last_day is None:
            return msg("from {start}, with no end date", start=self.effective)
        return msg("from {start} until and including {end}", start=self.effective, end=self.last_day)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "path": self.path,
            "type": self.type,
            "parties": list(self.parties),
            "effective": self.effective.isoformat(),
            "end": self.last_day.isoformat() if self.last_day else None,
        }


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    kind: str  # expiry | renewal | notice | start | due | overdue
    id: str
    path: str
    parties: tuple[str, ...]
    note: str

    def as_dict(self) -> dict[str, object]:
        return {
            "date": self.day.isoformat(),
            "kind": self.kind,
            "id": self.id,
            "path": self.path,
            "parties": list(self.parties),
            "note": self.note,
        }


def in_force_on(index: Index, day: dt.date) -> list[InForce]:
    rows = []
    for agreement in index.agreements.values():
        interval = in_force_interval(agreement, index)
        if interval is None or not interval.contains(day):
            continue
        last = _current_term_end(agreement, interval.start, day)
        if last is not None and last < day:
            last = None  # renews, but by no usable period (the dates rule reports it)
        if interval.last_day is not None and (last is None or interval.last_day < last):
            last = interval.last_day
        rows.append(
            InForce(
                agreement.id, agreement.path, agreement.get("type"), tuple(party_ids(agreement)), interval.start, last
            )
        )
    return sorted(rows, key=lambda r: (r.type, r.id))


def _first_boundary(agreement: Record, start: dt.date) -> dt.date | None:
    """The first day after the initial term, or None when the term is open."""
    term = agreement.get("term") or {}
    end = parse_date(term.get("end"))
    if end:
        return next_day(end)
    duration = parse_duration(term.get("duration"))
    return add_duration(start, duration) if duration else None


def _renewal_period(agreement: Record) -> tuple[int, int] | None:
    renewal = agreement.get("renewal") or {}
    period = parse_duration(renewal.get("period"))
    return period if renewal.get("auto") and period and not is_zero(period) else None


def _boundary_after(agreement: Record, start: dt.date, day: dt.date) -> dt.date | None:
    """The first day of the next term after `day`, following automatic renewals.

    Renewals fall on anniversaries of the first boundary (`first + k × period`), so a term that
    starts on the 31st does not drift to the 28th after February; the k-th is found directly,
    not by walking every term since the start.
    """
    first = _first_boundary(agreement, start)
    period = _renewal_period(agreement)
    if first is None or first > day or period is None:
        return first
    months, days = period

    def at(k: int) -> dt.date:
        return add_duration(first, (months * k, days * k))

    k = max(1, int((day - first).days / (months * 30.4375 + days)))
    while k > 1 and at(k - 1) > day:
        k -= 1
    while at(k) <= day:
        if at(k) == dt.date.max:
            break
        k += 1
    return at(k)


def _current_term_end(agreement: Record, start: dt.date, day: dt.date) -> dt.date | None:
    """Last day of the term running on `day`, following automatic renewals."""
    boundary = _boundary_after(agreement, start, day)
    return previous_day(boundary) if boundary else None


def deadlines(index: Index, today: dt.date, window: dt.timedelta) -> list[Deadline]:
    """Expiries, automatic renewals and notice deadlines in `[today, today + window]`, and the
    work packages' (`package_deadlines`)."""
    horizon = shift_days(today, window.days)
    out: list[Deadline] = package_deadlines(index, today, window)
    for agreement in index.agreements.values():
        interval = in_force_interval(agreement, index)
        if interval is None or (interval.end is not None and interval.end <= today):
            continue
        parties = tuple(party_ids(agreement))
        start = effective_date(agreement) or interval.start
        renewal = agreement.get("renewal") or {}
        period = _renewal_period(agreement)
        notice = parse_duration(renewal.get("notice"))
        terminated = bool(agreement.get("termination"))
        boundary = _boundary_after(agreement, start, previous_day(max(today, interval.start)))
        guard = 0
        while boundary is not None and guard < 500:
            guard += 1
            # A termination or an amendment that takes effect by this boundary ends the agreement
            # there: no renewal, and its expiry is listed below.
            ends_here = interval.end is not None and boundary >= interval.end
            if notice and not terminated and (interval.end is None or boundary <= interval.end):
                notice_day = sub_duration(boundary, notice)
                if today <= notice_day <= horizon:
                    what = msg("renewal") if period and not ends_here else msg("expiry")
                    out.append(
                        Deadline(
                            notice_day,
                            "notice",
                            agreement.id,
                            agreement.path,
                            parties,
                            msg("last day to give notice before the {what} on {day}", what=what, day=boundary),
                        )
                    )
            last = previous_day(boundary)
            if ends_here or last > horizon:
                break
            if last >= today:
                if period:
                    out.append(
                        Deadline(
                            boundary,
                            "renewal",
                            agreement.id,
                            agreement.path,
                            parties,
                            msg("renews automatically for {period}", period=renewal.get("period")),
                        )
                    )
                else:
                    out.append(Deadline(last, "expiry", agreement.id, agreement.path, parties, LAST_DAY))
            if period is None or boundary == dt.date.max:
                break
            boundary = _boundary_after(agreement, start, boundary)
        if interval.end is not None and today <= interval.end - ONE_DAY <= horizon:
            ended = interval.end - ONE_DAY
            if not any(d.id == agreement.id and d.kind == "expiry" and d.day == ended for d in out):
                note = msg("{last_day} (terminated)", last_day=LAST_DAY) if agreement.get("termination") else LAST_DAY
                out.append(Deadline(ended, "expiry", agreement.id, agreement.path, parties, note))
    return sorted(out, key=lambda d: (d.day, d.id, d.kind))


OPEN_PACKAGES = ("planned", "in-progress")
CLOSED_PROJECTS = ("lost", "closed")


@dataclass(frozen=True)
class PackageRow:
    """An open work package of a project (docs/design/projects.md)."""

    project: str
    package: str
    path: str
    assignee: str
    status: str
    start: dt.date | None
    end: dt.date | None

    @property
    def id(self) -> str:
        return f"{self.project}/{self.package}"

    def period_text(self) -> str:
        if self.start is None:
            if self.end:
                return msg("from the start until and including {end}", end=self.end)
            return msg("from the start, with no due date")
        if self.end:
            return msg("from {start} until and including {end}", start=self.start, end=self.end)
        return msg("from {start}, with no due date", start=self.start)

    def as_dict(self) -> dict[str, object]:
        return {
            "project": self.project,
            "package": self.package,
            "path": self.path,
            "assignee": self.assignee,
            "status": self.status,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


def open_packages(index: Index) -> list[PackageRow]:
    """Every package still `planned` or `in-progress` in a project that is not lost or closed;
    a package without dates takes its project's."""
    rows = []
    for project in sorted(index.projects.values(), key=lambda p: p.id):
        if not project.valid or project.get("status") in CLOSED_PROJECTS:
            continue
        for package in project.get("packages") or []:
            if not isinstance(package, dict) or package.get("status") not in OPEN_PACKAGES:
                continue
            rows.append(
                PackageRow(
                    project.id,
                    str(package.get("id")),
                    project.path,
                    str(package.get("assignee")),
                    str(package.get("status")),
                    parse_date(package.get("start")) or parse_date(project.get("start")),
                    parse_date(package.get("end")) or parse_date(project.get("end")),
                )
            )
    return rows


def packages_on(index: Index, day: dt.date) -> list[PackageRow]:
    """Open packages whose dates contain `day`, and overdue ones (due before `day`, still open)."""
    return [r for r in open_packages(index) if r.start is None or r.start <= day]


def package_deadlines(index: Index, today: dt.date, window: dt.timedelta) -> list[Deadline]:
    """Starts and due days of open packages in `[today, today + window]`; open packages already
    past their due day are listed as overdue, on that day."""
    horizon = shift_days(today, window.days)
    out = []
    for row in open_packages(index):
        who = (row.assignee,)
        if row.start is not None and today <= row.start <= horizon and row.status == "planned":
            out.append(Deadline(row.start, "start", row.id, row.path, who, msg("package starts (first day of work)")))
        if row.end is not None and row.end < today:
            out.append(
                Deadline(
                    row.end,
                    "overdue",
                    row.id,
                    row.path,
                    who,
                    msg("package due on {day}, still {status}", day=row.end, status=row.status),
                )
            )
        elif row.end is not None and row.end <= horizon:
            out.append(Deadline(row.end, "due", row.id, row.path, who, msg("package due (last day of work)")))
    return out
