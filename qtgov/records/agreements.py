"""Agreement semantics shared by checks, overlaps, status and the handbook (docs/design/records.md).

Every date that ends something names the last day included: `term.end`, `termination.date`, a
member's `left`, a representative's `until`. Internally an agreement's time in force is the
half-open interval `[effective, last day + 1)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from qtgov.dates import ONE_DAY, add_duration, next_day, parse_date, parse_duration
from qtgov.records.index import Index, Record, party_ids

IN_FORCE_STATUSES = ("executed", "terminated")
ACTIVE_STATUSES = ("draft", "proposed", "executed", "terminated")


def execution_date(agreement: Record) -> dt.date | None:
    """The date of the last party's signature, once every party has signed."""
    parties = set(party_ids(agreement))
    latest: dict[str, dt.date] = {}
    for sig in agreement.get("signatures") or []:
        day = parse_date(sig.get("date"))
        member = sig.get("member")
        if day and member in parties:
            latest[member] = max(day, latest.get(member, day))
    if not parties or set(latest) != parties:
        return None
    return max(latest.values())


def effective_date(agreement: Record) -> dt.date | None:
    effective = agreement.get("effective")
    if effective == "on-execution" or effective is None:
        return execution_date(agreement)
    return parse_date(effective)


@dataclass(frozen=True)
class Interval:
    """A half-open day interval `[start, end)`; `end` None means open-ended."""

    start: dt.date
    end: dt.date | None

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def last_day(self) -> dt.date | None:
        return self.end - ONE_DAY if self.end else None


def term_end(agreement: Record, start: dt.date) -> dt.date | None:
    """First day after the agreement's own term (before termination and amendment)."""
    term = agreement.get("term") or {}
    renewal = agreement.get("renewal") or {}
    if renewal.get("auto"):
        # Renews until someone terminates it; a recorded termination ends it on its date (see
        # stated_interval), not at the end of the first term.
        return None
    ends = []
    end = parse_date(term.get("end"))
    if end:
        ends.append(next_day(end))
    duration = parse_duration(term.get("duration"))
    if duration:
        ends.append(add_duration(start, duration))
    if not ends:
        return None
    return min(ends)


def termination_end(agreement: Record) -> dt.date | None:
    """First day after a recorded termination: `termination.date` is the last day in force,
    like `term.end` (qtgov 0.1.0 read it as the first day no longer in force)."""
    last = parse_date((agreement.get("termination") or {}).get("date"))
    return next_day(last) if last else None


def stated_interval(agreement: Record) -> Interval | None:
    """The dates an agreement states for itself (drafts included), ignoring status."""
    start = effective_date(agreement)
    if start is None:
        return None
    end = term_end(agreement, start)
    termination = termination_end(agreement)
    if termination and (end is None or termination < end):
        end = termination
    return Interval(start, end)


def in_force_interval(agreement: Record, index: Index) -> Interval | None:
    """When an agreement is in force (docs/design/records.md), or None if never."""
    if agreement.get("status") not in IN_FORCE_STATUSES:
        return None
    interval = stated_interval(agreement)
    if interval is None:
        return None
    end = interval.end
    for later in index.amended_by.get(agreement.id, []):
        if later.get("status") in IN_FORCE_STATUSES:
            later_start = effective_date(later)
            if later_start and (end is None or later_start < end):
                end = later_start
    if end is not None and end <= interval.start:
        return None
    return Interval(interval.start, end)
