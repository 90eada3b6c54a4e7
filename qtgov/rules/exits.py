"""Leaving the alliance: a departed member's agreements end with its membership and it signs
nothing after its last day (docs/design/schemas.md, "Leaving the alliance")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from qtgov.dates import next_day, parse_date
from qtgov.findings import Finding, Related, Severity
from qtgov.messages import msg
from qtgov.records.agreements import in_force_interval
from qtgov.records.index import Index, Record
from qtgov.rules import rule

CATEGORY = "leaving"


def _pointer(*path: str | int) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def departed_on(member: Record) -> dt.date | None:
    """A member's last day of membership (`left`), or None while it has not left. `left` is only
    valid on a withdrawn member (the `lifecycle` rule), so the date alone decides."""
    return parse_date(member.get("left"))


def _left_related(member: Record, last: dt.date) -> Related:
    mark = member.mark("left")
    return Related(member.path, mark.line, mark.column, msg("{id} left on {last}", id=member.id, last=last))


@rule("exit-agreements", Severity.ERROR, "A member that left is party to no agreement in force after it", CATEGORY)
def check_exit_agreements(index: Index) -> Iterator[Finding]:
    """
    A member that left the alliance (`status: withdrawn`, `left: DAY`) is a party to no agreement
    that is still in force after DAY. The finding is at the member's entry in `parties`; the
    member's `left` is its related location. Record the end on the same day:
    `qtgov terminate AGREEMENT --date DAY`, or, when recording the exit itself,
    `qtgov withdraw MEMBER --date DAY --terminate`, which ends every such agreement (and cancels
    drafts) in the same change.

    An error, not a warning: the alliance's agreements bind their parties as members — the
    charter's obligations, the antitrust safeguards and the handbook's "in force" lists all
    assume it — so an exit that leaves one open makes the records say that a company outside the
    alliance is still bound inside it. If the companies really go on working together, that
    contract lives outside the alliance's records: end it here on the last day of membership.
    """
    for agreement in sorted(index.agreements.values(), key=lambda a: a.id):
        if not agreement.valid:
            continue
        interval = in_force_interval(agreement, index)
        if interval is None:
            continue
        for i, party in enumerate(agreement.get("parties") or []):
            member = index.members.get(str(party.get("member"))) if isinstance(party, dict) else None
            if member is None or not member.valid:
                continue
            last = departed_on(member)
            if last is None or (interval.end is not None and interval.end <= next_day(last)):
                continue
            until = msg("until {day}", day=interval.last_day) if interval.last_day else msg("with no end")
            mark = agreement.mark("parties", i, "member")
            yield check_exit_agreements.finding(
                agreement.path,
                mark.line,
                mark.column,
                msg(
                    "{id} left the alliance on {last}, but {id2} stays in force {until}: end it on {last} (qtgov "
                    "terminate {id2} --date {last}; when recording the exit, qtgov withdraw {id} --date {last} "
                    "--terminate)",
                    id=member.id,
                    last=last,
                    id2=agreement.id,
                    until=until,
                ),
                pointer=_pointer("parties", i, "member"),
                related=[_left_related(member, last)],
            )


@rule("exit-signatures", Severity.ERROR, "Nobody signs for a member after it left", CATEGORY)
def check_exit_signatures(index: Index) -> Iterator[Finding]:
    """
    A signature's `date` is no later than the signing member's `left`: after its last day of
    membership a company no longer signs alliance agreements, whatever its representatives'
    own `until` says. The finding is at the signature's date; the member's `left` is its related
    location. A signature from before the exit stays valid, so exits never rewrite history.
    """
    for agreement in sorted(index.agreements.values(), key=lambda a: a.id):
        if not agreement.valid:
            continue
        for i, sig in enumerate(agreement.get("signatures") or []):
            if not isinstance(sig, dict):
                continue
            member = index.members.get(str(sig.get("member")))
            day = parse_date(sig.get("date"))
            if member is None or not member.valid or day is None:
                continue
            last = departed_on(member)
            if last is None or day <= last:
                continue
            mark = agreement.mark("signatures", i, "date")
            yield check_exit_signatures.finding(
                agreement.path,
                mark.line,
                mark.column,
                msg(
                    "{get} signed for {id} on {day}, after {id} left the alliance on {last}: a member that has left "
                    "signs nothing",
                    get=repr(sig.get("signatory")),
                    id=member.id,
                    day=day,
                    last=last,
                ),
                pointer=_pointer("signatures", i, "date"),
                related=[_left_related(member, last)],
            )
