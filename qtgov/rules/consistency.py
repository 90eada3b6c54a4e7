"""Consistency inside one record and across records that name the same thing: ids listed twice in
one record, and courses co-listed on different terms (docs/design/schemas.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from qtgov.findings import Finding, Related, Severity
from qtgov.messages import msg
from qtgov.records.agreements import Interval, in_force_interval
from qtgov.records.index import Index, Record
from qtgov.rules import rule

CATEGORY = "records"
# The terms of a listing that two agreements for one course must agree on.
LISTING_TERMS = ("pricing_authority", "revenue_basis", "split")
CLOSED = ("cancelled", "rejected")


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _records(index: Index) -> Iterator[Record]:
    if index.alliance is not None:
        yield index.alliance
    yield from index.taxonomies.values()
    yield from index.members.values()
    yield from index.agreements.values()
    yield from index.projects.values()
    yield from index.retrospectives.values()


def _id_lists(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], list[Any]]]:
    """Every list of mappings with an `id` field, wherever it sits in the record."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _id_lists(value, (*path, key))
    elif isinstance(node, list):
        if any(isinstance(item, dict) and "id" in item for item in node):
            yield path, node
        for i, item in enumerate(node):
            yield from _id_lists(item, (*path, i))


@rule("duplicate-id", Severity.ERROR, "Ids are unique within their list", CATEGORY)
def check_duplicate_ids(index: Index) -> Iterator[Finding]:
    """
    Within one record, every entry of a list that carries ids has its own: two claims `id: cloud`
    of one member, two representatives `id: li`, two counsel or two courses with the same id.
    Signatures name a representative by id and provenance names a claim by id, so a repeated id
    would make them ambiguous. The finding is at the second occurrence; the first is its related
    location.
    """
    for record in _records(index):
        for path, items in _id_lists(record.data):
            first: dict[str, int] = {}
            for i, item in enumerate(items):
                ident = item.get("id") if isinstance(item, dict) else None
                if not isinstance(ident, str):
                    continue
                if ident not in first:
                    first[ident] = i
                    continue
                earlier = record.mark(*path, first[ident], "id")
                mark = record.mark(*path, i, "id")
                where = str(path[-1]) if path and isinstance(path[-1], str) else "this list"
                yield check_duplicate_ids.finding(
                    record.path,
                    mark.line,
                    mark.column,
                    msg(
                        "the id {ident} is used twice in {where} (first at line {line}): give each entry its own id",
                        ident=repr(ident),
                        where=where,
                        line=earlier.line,
                    ),
                    pointer=_pointer((*path, i, "id")),
                    related=[
                        Related(record.path, earlier.line, earlier.column, msg("first {ident}", ident=repr(ident)))
                    ],
                )


def _overlap(a: Interval, b: Interval) -> bool:
    return (b.end is None or a.start < b.end) and (a.end is None or b.start < a.end)


def _split(terms: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((str(s.get("member")), s.get("pct")) for s in terms.get("split") or [] if isinstance(s, dict)))


def _describe(terms: dict[str, Any], key: str) -> str:
    if key == "split":
        return ", ".join(f"{m} {p}%" for m, p in _split(terms)) or "none"
    return str(terms.get(key))


@rule("course-listing", Severity.ERROR, "A course is listed on one set of terms at a time", CATEGORY)
def check_course_listings(index: Index) -> Iterator[Finding]:
    """
    A co-listed course is named by `terms.items[].id` in every revenue-share agreement that lists
    it: one id per course across the alliance, always with the same owner. Two agreements in force
    on a common day that list the same course must agree on its terms — `split`,
    `revenue_basis` and `pricing_authority` — or the platform could not know which applies; the
    later one is flagged with the earlier as related location. An amendment (`amends:`) replaces
    the agreement it amends from its own effective day, so the two are never in force together.

    A course listed without an id cannot be compared: a warning asks for one (in an executed
    agreement, whose signed content cannot change, add it with the next amendment).
    """
    owners: dict[str, tuple[Record, int, Any]] = {}
    listings: dict[str, list[tuple[Record, int, Interval]]] = defaultdict(list)
    for agreement in sorted(index.agreements.values(), key=lambda a: a.id):
        if not agreement.valid or agreement.get("type") != "revenue-share" or agreement.get("status") in CLOSED:
            continue
        terms = agreement.get("terms") or {}
        interval = in_force_interval(agreement, index)
        for i, item in enumerate(terms.get("items") or []):
            course = item.get("id")
            if course is None:
                mark = agreement.mark("terms", "items", i)
                later = " (add it with the next amendment)" if agreement.get("status") == "executed" else ""
                yield check_course_listings.finding(
                    agreement.path,
                    mark.line,
                    mark.column,
                    msg(
                        "this course has no id: give it the id it has in every agreement that lists it{later}",
                        later=later,
                    ),
                    pointer=_pointer(("terms", "items", i)),
                    severity=Severity.WARNING,
                )
                continue
            known = owners.get(course)
            if known is None:
                owners[course] = (agreement, i, item.get("owner"))
            elif known[2] != item.get("owner"):
                other, j, owner = known
                mark, first = agreement.mark("terms", "items", i, "owner"), other.mark("terms", "items", j, "owner")
                yield check_course_listings.finding(
                    agreement.path,
                    mark.line,
                    mark.column,
                    msg(
                        "course {course} is owned by {get} here but by {owner} in {id}: one course id names one course",
                        course=repr(course),
                        get=repr(item.get("owner")),
                        owner=repr(owner),
                        id=other.id,
                    ),
                    pointer=_pointer(("terms", "items", i, "owner")),
                    related=[
                        Related(
                            other.path,
                            first.line,
                            first.column,
                            msg("{course} owned by {owner}", course=repr(course), owner=repr(owner)),
                        )
                    ],
                )
            if interval is not None:
                listings[course].append((agreement, i, interval))
    for course, listed in sorted(listings.items()):
        for n, (agreement, i, interval) in enumerate(listed):
            for other, j, other_interval in listed[:n]:
                if other.id == agreement.id or not _overlap(interval, other_interval):
                    continue
                mine, theirs = agreement.get("terms") or {}, other.get("terms") or {}
                differ = [
                    k
                    for k in LISTING_TERMS
                    if (_split(mine) != _split(theirs) if k == "split" else mine.get(k) != theirs.get(k))
                ]
                if not differ:
                    continue
                mark, first = agreement.mark("terms", "items", i, "id"), other.mark("terms", "items", j, "id")
                what = "; ".join(f"{k} {_describe(mine, k)} here, {_describe(theirs, k)} there" for k in differ)
                yield check_course_listings.finding(
                    agreement.path,
                    mark.line,
                    mark.column,
                    msg(
                        "course {course} is also listed by {id}, in force at the same time on other terms ({what}): "
                        "terminate or amend one of them",
                        course=repr(course),
                        id=other.id,
                        what=what,
                    ),
                    pointer=_pointer(("terms", "items", i, "id")),
                    related=[
                        Related(
                            other.path,
                            first.line,
                            first.column,
                            msg("{course} listed by {id}", course=repr(course), id=other.id),
                        )
                    ],
                )


@rule("imported", Severity.ERROR, "Only ended agreements are imported", CATEGORY)
def check_imported(index: Index) -> Iterator[Finding]:
    """
    `imported: true` marks an agreement that ended before this repository began and was added
    afterwards as a record, already terminated, with its original dates, signatures and
    `termination` (see the status-move rule: against the base, qtgov also checks that its last day
    in force came before the repository's first commit). It is only for terminated agreements: an
    agreement still in force is added as executed, without the flag.
    """
    for agreement in sorted(index.agreements.values(), key=lambda a: a.id):
        if agreement.valid and agreement.get("imported") is True and agreement.get("status") != "terminated":
            mark = agreement.mark("imported")
            yield check_imported.finding(
                agreement.path,
                mark.line,
                mark.column,
                msg(
                    "imported: true is only for an agreement that ended before this repository began, so its status "
                    "is terminated (here: {get}); remove imported to add it as {get}",
                    get=agreement.get("status"),
                ),
                pointer="/imported",
            )
