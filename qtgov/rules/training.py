"""Targeted training engagements (定向培养): talent agreements of kind `training`
(docs/design/projects.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qtgov.findings import Finding, Related, Severity
from qtgov.messages import msg
from qtgov.records.index import Index, Record, party_ids
from qtgov.records.schema_messages import did_you_mean
from qtgov.rules import rule

CATEGORY = "agreement terms"
CLOSED = ("cancelled", "rejected")


def _pointer(*path: str | int) -> str:
    return "".join(f"/{p}" for p in path)


def _listings(index: Index) -> dict[str, list[tuple[Record, int, dict[str, Any]]]]:
    """Course id -> the revenue-share agreements (not cancelled or rejected) listing it."""
    out: dict[str, list[tuple[Record, int, dict[str, Any]]]] = {}
    for agreement in sorted(index.agreements.values(), key=lambda a: a.id):
        if agreement.get("type") != "revenue-share" or agreement.get("status") in CLOSED:
            continue
        for i, item in enumerate((agreement.get("terms") or {}).get("items") or []):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out.setdefault(item["id"], []).append((agreement, i, item))
    return out


@rule("training-engagement", Severity.ERROR, "A training engagement uses courses its trainer offers", CATEGORY)
def check_training(index: Index) -> Iterator[Finding]:
    """
    A talent agreement of kind `training` is a paid, targeted training engagement: a `trainer`
    member trains a cohort for a `client` using courses of the alliance's catalogue. Each id in
    `courses` names a course listed (`terms.items[].id`) in a revenue-share agreement that is not
    cancelled or rejected, and the trainer owns that course or is a party to the agreement that
    co-lists it — otherwise it would sell someone else's course. The engagement names its
    `trainer` (a warning when missing, since the courses cannot be checked), and its `period`
    ends no earlier than it starts (the `dates` rule checks that for every period).
    """
    listings = _listings(index)
    for agreement in sorted(index.agreements.values(), key=lambda a: a.id):
        terms = agreement.get("terms") or {}
        if agreement.get("type") != "talent" or terms.get("kind") != "training" or agreement.get("status") in CLOSED:
            continue
        trainer = terms.get("trainer")
        if trainer is None:
            mark = agreement.mark("terms", "kind")
            yield check_training.finding(
                agreement.path,
                mark.line,
                mark.column,
                msg("a training engagement names its trainer (terms.trainer), the member that trains"),
                pointer="/terms/kind",
                severity=Severity.WARNING,
            )
        for j, course in enumerate(terms.get("courses") or []):
            mark = agreement.mark("terms", "courses", j)
            where = (agreement.path, mark.line, mark.column)
            found = listings.get(course)
            if not found:
                yield check_training.finding(
                    *where,
                    msg(
                        "course {course} is listed in no revenue-share agreement{hint}",
                        course=repr(course),
                        hint=did_you_mean(course, listings),
                    ),
                    pointer=_pointer("terms", "courses", j),
                )
                continue
            if trainer is None:
                continue
            if any(item.get("owner") == trainer or trainer in party_ids(listing) for listing, _, item in found):
                continue
            listing, i, item = found[0]
            other = listing.mark("terms", "items", i, "id")
            yield check_training.finding(
                *where,
                msg(
                    "course {course} belongs to {owner} and {trainer} does not co-list it: the trainer uses "
                    "courses it owns or is a party to listing",
                    course=repr(course),
                    owner=item.get("owner"),
                    trainer=trainer,
                ),
                pointer=_pointer("terms", "courses", j),
                related=[
                    Related(
                        listing.path,
                        other.line,
                        other.column,
                        msg("course {course} in {listing}", course=repr(course), listing=repr(listing.id)),
                    )
                ],
            )
