"""A person's working time across the talent agreements in force (docs/design/economics.md).

Secondments and part-time arrangements each give a `time_share_pct` of one person's time,
named only by the opaque `person_ref`. On no day may the arrangements in force for one person
add up to more than 100%. An arrangement counts from the first day both the agreement is in
force and its `terms.period` (when given) has begun, to the first day either has ended.
Restricted records carry no terms and cannot be counted; an arrangement without a stated time
share is not guessed at.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from qtgov.dates import next_day, parse_date
from qtgov.records.agreements import in_force_interval
from qtgov.records.index import Index, Record

TIMED_KINDS = ("secondment", "part-time")


@dataclass(frozen=True)
class Arrangement:
    """One agreement's share of one person's time over `[start, end)` (end None: open)."""

    agreement: Record
    person_ref: str
    pct: Fraction
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Overcommitment:
    """A maximal day range `[start, end)` in which one person's time adds up to over 100%."""

    person_ref: str
    start: dt.date
    end: dt.date | None
    peak: Fraction
    arrangements: tuple[Arrangement, ...]

    @property
    def last_day(self) -> dt.date | None:
        return self.end - dt.timedelta(days=1) if self.end else None


def arrangements(index: Index) -> list[Arrangement]:
    out: list[Arrangement] = []
    for agreement in sorted(index.agreements.values(), key=lambda r: r.id):
        if agreement.get("type") != "talent":
            continue
        terms = agreement.get("terms")
        if not isinstance(terms, dict) or terms.get("kind") not in TIMED_KINDS:
            continue
        person, pct = terms.get("person_ref"), terms.get("time_share_pct")
        if not isinstance(person, str) or isinstance(pct, bool) or not isinstance(pct, int | float):
            continue
        interval = in_force_interval(agreement, index)
        if interval is None:
            continue
        start, end = interval.start, interval.end
        period: dict[str, Any] = terms["period"] if isinstance(terms.get("period"), dict) else {}
        first, last = parse_date(period.get("start")), parse_date(period.get("end"))
        if first and first > start:
            start = first
        if last and (end is None or next_day(last) < end):
            end = next_day(last)
        if end is not None and end <= start:
            continue
        out.append(Arrangement(agreement, person, Fraction(str(pct)), start, end))
    return out


def overcommitments(index: Index) -> list[Overcommitment]:
    """Every day range in which someone's arrangements add up to more than 100%, by person
    and date."""
    by_person: dict[str, list[Arrangement]] = defaultdict(list)
    for a in arrangements(index):
        by_person[a.person_ref].append(a)
    found: list[Overcommitment] = []
    for person, items in sorted(by_person.items()):
        found += [Overcommitment(person, s, e, p, tuple(inv)) for s, e, p, inv in over_ranges(items)]
    return found


def over_ranges(
    items: list[Arrangement],
) -> list[tuple[dt.date, dt.date | None, Fraction, list[Arrangement]]]:
    """The maximal day ranges `[start, end)` (end None: open) in which the shares of `items` (one
    person's arrangements) add up to more than 100%, with the highest total and the arrangements
    in force during each range."""
    # The days on which the sum can change; between two of them it is constant.
    points = sorted({a.start for a in items} | {a.end for a in items if a.end is not None})
    ranges: list[tuple[dt.date, dt.date | None, Fraction, list[Arrangement]]] = []
    for i, day in enumerate(points):
        upto = points[i + 1] if i + 1 < len(points) else None
        active = [a for a in items if a.start <= day and (a.end is None or day < a.end)]
        total = sum((a.pct for a in active), Fraction(0))
        if total <= 100:
            continue
        if ranges and ranges[-1][1] == day:
            start, _, peak, involved = ranges[-1]
            ranges[-1] = (start, upto, max(peak, total), involved + [a for a in active if a not in involved])
        else:
            ranges.append((day, upto, total, active))
    return ranges
