"""Cross-record checks of the core: ids, references, dates, lifecycle within one version,
type-specific arithmetic and the hub's public facts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qtgov.dates import is_zero, parse_date, parse_duration, previous_day
from qtgov.findings import Finding, Related, Severity
from qtgov.messages import msg
from qtgov.records.agreements import Interval, effective_date, execution_date, in_force_interval
from qtgov.records.index import Index, Record, party_ids
from qtgov.records.schema_messages import did_you_mean
from qtgov.rules import rule

REFS = "references"
DATES = "dates and terms"
LIFE = "lifecycle"
TYPES = "agreement terms"
HUB = "hub"

APPROVED_REVIEWS = ("approved", "approved_with_conditions")


def _at(record: Record, *path: str | int, key: bool = False) -> tuple[str, int, int]:
    mark = record.key_mark(*path) if key else record.mark(*path)
    return record.path, mark.line, mark.column


def _pointer(*path: str | int) -> str:
    return "".join(f"/{p}" for p in path)


@rule("record-id", Severity.ERROR, "A record's id is its file name", REFS)
def check_record_id(index: Index) -> Iterator[Finding]:
    """
    The `id` inside a member, agreement, project or retrospective file must equal the file name
    without `.yaml` (or `.md`, for a Markdown retrospective), so that
    references, URLs and git paths agree. The alliance's `hub` must name a member whose `kind` is
    `hub`, and there is exactly one hub.
    """
    for record in [
        *index.members.values(),
        *index.agreements.values(),
        *index.projects.values(),
        *index.retrospectives.values(),
    ]:
        written = record.get("id")
        if written != record.id:
            rename = ""
            if isinstance(written, str) and written:
                # The id may be the right one and the file misnamed: renaming keeps git's history.
                folder = record.path.rsplit("/", 1)[0]
                rename = msg(
                    ", or rename the file: git mv {path} {folder}/{written}.{ext}",
                    path=record.path,
                    folder=folder,
                    written=written,
                    ext=record.path.rsplit(".", 1)[-1],
                )
            message = msg(
                "id {get} differs from the file name; use {id}{rename}",
                get=repr(written),
                id=repr(record.id),
                rename=rename,
            )
            yield check_record_id.finding(*_at(record, "id"), message, pointer="/id")
    hubs = sorted(m.id for m in index.members.values() if m.get("kind") == "hub")
    alliance = index.alliance
    if alliance is not None and alliance.valid:
        hub_id = alliance.get("hub")
        hub = index.members.get(hub_id)
        if hub is not None and hub.get("kind") != "hub":
            yield check_record_id.finding(
                *_at(alliance, "hub"),
                msg("the hub {hub_id} is a member whose kind is not 'hub'", hub_id=repr(hub_id)),
                pointer="/hub",
            )
        named = f"names {hub_id!r}" if hub_id else "names no hub"
        for other in hubs:
            if other != hub_id:
                yield check_record_id.finding(
                    *_at(index.members[other], "kind"),
                    msg(
                        "{other} says it is the hub, but charter/alliance.yaml {named}", other=repr(other), named=named
                    ),
                    pointer="/kind",
                )


@rule("alliance-file", Severity.ERROR, "The repository has charter/alliance.yaml", REFS)
def check_alliance_file(index: Index) -> Iterator[Finding]:
    """
    Every alliance repository has `charter/alliance.yaml`: the alliance's id, name, hub, languages,
    taxonomy schemes and settings. Without it qtgov cannot tell which member is the hub or which
    taxonomy a claim uses. `qtgov init` writes one.
    """
    if index.alliance is None and not index.known["alliance"]:
        yield check_alliance_file.finding("charter/alliance.yaml", 1, 1, msg("charter/alliance.yaml is missing"))


@rule("reference", Severity.ERROR, "References name existing records", REFS)
def check_references(index: Index) -> Iterator[Finding]:
    """
    Every id a record mentions must exist: the alliance's `hub`; each agreement's `parties`,
    `amends`, `supersedes` and `antitrust.ancillary_to`; members named inside `terms` (allocation
    holders, course owners, revenue-split members, commitment members, shareholding holder and
    issuer, talent home and host, a non-solicit's `ancillary_to`). Members named inside `terms`
    must also be parties of the agreement: an agreement cannot bind a company that did not sign
    it. A reference to a file that exists but is itself broken is not reported twice.
    """
    alliance = index.alliance
    if alliance is not None and alliance.valid:
        hub = alliance.get("hub")
        if hub and not index.is_known("member", hub):
            yield check_references.finding(
                *_at(alliance, "hub"),
                msg(
                    "the hub {hub} has no file members/{hub}.yaml{hub2}",
                    hub=repr(hub),
                    hub2=did_you_mean(hub, index.members),
                ),
                pointer="/hub",
            )
    for agreement in index.agreements.values():
        yield from _agreement_references(index, agreement)


def _agreement_references(index: Index, agreement: Record) -> Iterator[Finding]:
    parties = party_ids(agreement)
    seen: set[str] = set()
    for i, member in enumerate(parties):
        if member in seen:
            yield check_references.finding(
                *_at(agreement, "parties", i, "member"),
                msg("{member} is listed twice as a party", member=repr(member)),
                pointer=_pointer("parties", i, "member"),
            )
        seen.add(member)
        if not index.is_known("member", member):
            yield check_references.finding(
                *_at(agreement, "parties", i, "member"),
                msg(
                    "unknown member {member}{member2}", member=repr(member), member2=did_you_mean(member, index.members)
                ),
                pointer=_pointer("parties", i, "member"),
            )
    refs: list[tuple[tuple[str | int, ...], str]] = []
    if agreement.get("amends"):
        refs.append((("amends",), agreement.get("amends")))
    refs.extend((("supersedes", i), a) for i, a in enumerate(agreement.get("supersedes") or []))
    ancillary = (agreement.get("antitrust") or {}).get("ancillary_to")
    if ancillary:
        refs.append((("antitrust", "ancillary_to"), ancillary))
    terms = agreement.get("terms") or {}
    if terms.get("ancillary_to"):
        refs.append((("terms", "ancillary_to"), terms["ancillary_to"]))
    for path, target in refs:
        if target == agreement.id:
            yield check_references.finding(
                *_at(agreement, *path), msg("an agreement cannot refer to itself"), pointer=_pointer(*path)
            )
        elif not index.is_known("agreement", target):
            yield check_references.finding(
                *_at(agreement, *path),
                msg(
                    "unknown agreement {target}{target2}",
                    target=repr(target),
                    target2=did_you_mean(target, index.agreements),
                ),
                pointer=_pointer(*path),
            )
    for path, member in _members_in_terms(agreement):
        if member == "shared" and path[-1] == "holder" and agreement.get("type") == "market-boundary":
            continue
        if not index.is_known("member", member):
            yield check_references.finding(
                *_at(agreement, *path),
                msg(
                    "unknown member {member}{member2}", member=repr(member), member2=did_you_mean(member, index.members)
                ),
                pointer=_pointer(*path),
            )
        elif member not in parties:
            yield check_references.finding(
                *_at(agreement, *path),
                msg("{member} is named in the terms but is not a party to this agreement", member=repr(member)),
                pointer=_pointer(*path),
            )


def _members_in_terms(agreement: Record) -> Iterator[tuple[tuple[str | int, ...], str]]:
    terms = agreement.get("terms") or {}
    kind = agreement.get("type")
    if kind == "market-boundary":
        for i, alloc in enumerate(terms.get("allocations") or []):
            yield ("terms", "allocations", i, "holder"), alloc.get("holder")
    elif kind == "revenue-share":
        for i, item in enumerate(terms.get("items") or []):
            yield ("terms", "items", i, "owner"), item.get("owner")
        for i, share in enumerate(terms.get("split") or []):
            yield ("terms", "split", i, "member"), share.get("member")
    elif kind == "contribution":
        for i, commitment in enumerate(terms.get("commitments") or []):
            yield ("terms", "commitments", i, "member"), commitment.get("member")
    elif kind == "shareholding":
        for key in ("holder", "issuer"):
            if terms.get(key):
                yield ("terms", key), terms[key]
    elif kind == "talent":
        for key in ("home", "host", "trainer"):
            if terms.get(key):
                yield ("terms", key), terms[key]


def _representative(index: Index, member: str, rep_id: str) -> dict[str, Any] | None:
    record = index.members.get(member)
    if record is None:
        return None
    for rep in record.get("representatives") or []:
        if rep.get("id") == rep_id:
            return dict(rep)
    return None


def can_sign_on(rep: dict[str, Any], day: dt.date) -> bool:
    """Whether a representative had signing authority on `day` (since/until inclusive)."""
    since = parse_date(rep.get("since"))
    until = parse_date(rep.get("until"))
    return bool(rep.get("can_sign")) and (since is None or since <= day) and (until is None or day <= until)


@rule("signature-authority", Severity.ERROR, "Signatures come from parties' authorised representatives", REFS)
def check_signature_authority(index: Index) -> Iterator[Finding]:
    """
    Each signature names a `member` that is a party and a `signatory` who is one of that member's
    `representatives` with `can_sign: true` and whose `since`/`until` window covers the signature
    `date`. A representative is never deleted from a member file, only closed with `until`, so old
    signatures stay verifiable. Git provenance (who committed the signature) is checked separately
    by `qtgov validate --base`.
    """
    for agreement in index.agreements.values():
        parties = set(party_ids(agreement))
        for i, sig in enumerate(agreement.get("signatures") or []):
            member, signatory = sig.get("member"), sig.get("signatory")
            where = _at(agreement, "signatures", i, "signatory")
            pointer = _pointer("signatures", i, "signatory")
            if member not in parties:
                yield check_signature_authority.finding(
                    *_at(agreement, "signatures", i, "member"),
                    msg("{member} signed but is not a party", member=repr(member)),
                    pointer=_pointer("signatures", i, "member"),
                )
                continue
            if member not in index.members:
                continue
            rep = _representative(index, member, signatory)
            day = parse_date(sig.get("date"))
            if rep is None:
                reps = [r.get("id") for r in index.members[member].get("representatives") or [] if isinstance(r, dict)]
                yield check_signature_authority.finding(
                    *where,
                    msg(
                        "{signatory} is not a representative of {member}{signatory2}",
                        signatory=repr(signatory),
                        member=repr(member),
                        signatory2=did_you_mean(signatory, reps),
                    ),
                    pointer=pointer,
                )
            elif not rep.get("can_sign"):
                yield check_signature_authority.finding(
                    *where,
                    msg(
                        "{signatory} of {member} has no signing authority (can_sign is false)",
                        signatory=repr(signatory),
                        member=repr(member),
                    ),
                    pointer=pointer,
                )
            elif day is not None and not can_sign_on(rep, day):
                window = f"{rep.get('since', '…')} to {rep.get('until', 'now')}"
                yield check_signature_authority.finding(
                    *where,
                    msg(
                        "{signatory} could sign for {member} only from {window}, not on {day}",
                        signatory=repr(signatory),
                        member=repr(member),
                        window=window,
                        day=day,
                    ),
                    pointer=pointer,
                )


@rule("counsel", Severity.ERROR, "Legal reviews name the alliance's counsel", REFS)
def check_counsel(index: Index) -> Iterator[Finding]:
    """
    A `legal_review` other than `not_reviewed` names a `reviewer` who is one of the counsel in
    `charter/alliance.yaml` (`legal.counsel`). Legal review is counsel's act, not the parties': a
    review recorded by a party, or by someone the alliance has not named, resolves nothing.
    """
    counsel = index.settings.counsel_by_id()
    for agreement in index.agreements.values():
        review = agreement.get("legal_review") or {}
        status = review.get("status", "not_reviewed")
        if status == "not_reviewed":
            continue
        reviewer = review.get("reviewer")
        if not reviewer:
            if status != "requested":
                yield check_counsel.finding(
                    *_at(agreement, "legal_review", "status"),
                    msg("a legal review with status {status} names no reviewer", status=repr(status)),
                    pointer="/legal_review/status",
                )
        elif reviewer not in counsel:
            yield check_counsel.finding(
                *_at(agreement, "legal_review", "reviewer"),
                msg(
                    "{reviewer} is not one of the alliance's counsel (charter/alliance.yaml legal.counsel){reviewer2}",
                    reviewer=repr(reviewer),
                    reviewer2=did_you_mean(reviewer, counsel),
                ),
                pointer="/legal_review/reviewer",
            )


def _order(
    record: Record, first: tuple[str | int, ...], second: tuple[str | int, ...], what: str, strict: bool = False
) -> Finding | None:
    def get(path: tuple[str | int, ...]) -> Any:
        value: Any = record.data
        for p in path:
            if isinstance(value, dict):
                value = value.get(p)
            elif isinstance(value, list) and isinstance(p, int) and p < len(value):
                value = value[p]
            else:
                return None
        return value

    a, b = parse_date(get(first)), parse_date(get(second))
    if a and b and (b < a or (strict and b == a)):
        return check_dates.finding(
            *_at(record, *second), msg("{what}: {b} is before {a}", what=what, b=b, a=a), pointer=_pointer(*second)
        )
    return None


@rule("dates", Severity.ERROR, "Dates are in order and terms well-formed", DATES)
def check_dates(index: Index) -> Iterator[Finding]:
    """
    Periods end after they start (`end` is the last day included, so a one-day period has
    `start == end`): a member's `joined`/`left`, a representative's `since`/`until`, a claim's or
    allocation's `period`, an agreement's `effective`/`term.end` and its termination date.
    Renewal and termination have a shape: a term `duration` is longer than zero;
    automatic renewal needs a renewal `period` longer than zero and a term (`duration` or `end`)
    to renew; a notice period cannot be longer than the renewal period; a termination date cannot
    precede the effective date by more than a day.

    Every date that ends something is the **last day included**: the agreement is in force until
    and including its `term.end`, and until and including its `termination.date`. A termination
    dated the day before `effective` records an agreement that never took effect.
    """
    for member in index.members.values():
        f = _order(member, ("joined",), ("left",), "left before joining")
        if f:
            yield f
        for i, _ in enumerate(member.get("representatives") or []):
            f = _order(
                member,
                ("representatives", i, "since"),
                ("representatives", i, "until"),
                "representative's authority ends before it starts",
            )
            if f:
                yield f
        for i, _ in enumerate(member.get("claims") or []):
            f = _order(
                member, ("claims", i, "period", "start"), ("claims", i, "period", "end"), "claim ends before it starts"
            )
            if f:
                yield f
    for agreement in index.agreements.values():
        yield from _agreement_dates(agreement)


def _agreement_dates(agreement: Record) -> Iterator[Finding]:
    effective = agreement.get("effective")
    if parse_date(effective):
        f = _order(agreement, ("effective",), ("term", "end"), "term ends before the agreement takes effect")
        if f:
            yield f
        start, last = parse_date(effective), parse_date((agreement.get("termination") or {}).get("date"))
        if start and last and last < previous_day(start):
            yield check_dates.finding(
                *_at(agreement, "termination", "date"),
                msg(
                    "terminated before it took effect: termination.date is the last day in force, {last} is before "
                    "{start}; to record that it never took effect, write {start2}",
                    last=last,
                    start=start,
                    start2=previous_day(start),
                ),
                pointer="/termination/date",
            )
    for i, _ in enumerate((agreement.get("terms") or {}).get("allocations") or []):
        f = _order(
            agreement,
            ("terms", "allocations", i, "scope", "period", "start"),
            ("terms", "allocations", i, "scope", "period", "end"),
            "allocation period ends before it starts",
        )
        if f:
            yield f
    f = _order(agreement, ("terms", "period", "start"), ("terms", "period", "end"), "period ends before it starts")
    if f:
        yield f
    term = agreement.get("term") or {}
    if term.get("end") and term.get("duration"):
        yield check_dates.finding(
            *_at(agreement, "term"), msg("give either term.end or term.duration, not both"), pointer="/term"
        )
    if is_zero(parse_duration(term.get("duration"))):
        yield check_dates.finding(
            *_at(agreement, "term", "duration"), msg("a term of zero length never runs"), pointer="/term/duration"
        )
    renewal = agreement.get("renewal") or {}
    if renewal.get("auto"):
        if not renewal.get("period"):
            yield check_dates.finding(
                *_at(agreement, "renewal"), msg("automatic renewal needs a renewal period"), pointer="/renewal"
            )
        elif is_zero(parse_duration(renewal.get("period"))):
            yield check_dates.finding(
                *_at(agreement, "renewal", "period"),
                msg("automatic renewal needs a renewal period longer than zero"),
                pointer="/renewal/period",
            )
        if not term.get("duration") and not term.get("end"):
            yield check_dates.finding(
                *_at(agreement, "renewal"),
                msg("automatic renewal needs a term to renew (term.duration or term.end)"),
                pointer="/renewal",
            )
    notice, period = parse_duration(renewal.get("notice")), parse_duration(renewal.get("period"))
    if notice and period and (notice[0] * 31 + notice[1]) > (period[0] * 31 + period[1]):
        yield check_dates.finding(
            *_at(agreement, "renewal", "notice"),
            msg("the notice period is longer than the renewal period"),
            pointer="/renewal/notice",
        )


@rule("termination-day", Severity.INFO, "A termination date is the last day in force", DATES)
def check_termination_day(index: Index) -> Iterator[Finding]:
    """
    `termination.date` is the **last day the agreement is in force**, the same kind of day as
    `term.end`: an agreement terminated with `date: 2025-03-31` is in force until and including
    31 March 2025 and not in force from 1 April.

    qtgov 0.1.0 read `termination.date` the other way, as the first day no longer in force. A
    record written for that reading is now in force one day longer than meant. Dates that look
    like the old reading get this note: a termination on the day after `term.end` (which used to
    mean "at the end of the term"), or on the effective day itself (which used to mean "never in
    force" and now means "in force for that one day"). If the agreement ended the day before, write that day;
    if the date is right as it is, nothing needs to change (this is information only).

    Migrating: for each terminated agreement written before the change, subtract one day from
    `termination.date`. The termination is not part of the signed content, so signatures stay
    valid; the change is a correction of the record and needs every party's approval like any
    other edit of a terminated agreement.
    """
    for agreement in index.agreements.values():
        last = parse_date((agreement.get("termination") or {}).get("date"))
        if last is None:
            continue
        effective = effective_date(agreement)
        term_last = parse_date((agreement.get("term") or {}).get("end"))
        if last == effective:
            why = f"it is in force on {last} only"
        elif term_last is not None and last == term_last + dt.timedelta(days=1):
            why = f"it is in force until and including {last}"
        else:
            continue
        yield check_termination_day.finding(
            *_at(agreement, "termination", "date"),
            msg(
                "termination.date is the last day in force, so {why}; if it ended on {last} (the day before, as "
                "qtgov 0.1.0 read this date), write {last}",
                why=why,
                last=previous_day(last),
            ),
            pointer="/termination/date",
        )


@rule("lifecycle", Severity.ERROR, "Each status has what it requires", LIFE)
def check_lifecycle(index: Index) -> Iterator[Finding]:
    """
    What each status requires, within one version of an agreement:

    - `executed` and `terminated`: a signature from every party, each pinning the current
      `content_sha256` (see `signature-content`), and terms unless the record is `restricted`;
    - `terminated`: a `termination` with date and reason; any other status has no `termination`;
    - `draft`, `cancelled`, `rejected`: no `termination`;
    - a `legal_review` of `approved_with_conditions` lists its `conditions`; an approved review
      has a reviewer and a date;
    - members: `withdrawn` has `left`, `active` has `joined`, `left` only when withdrawn.

    Status moves between versions (draft → proposed → executed → terminated …) are checked
    against the base by `qtgov validate --base`.
    """
    for agreement in index.agreements.values():
        yield from _agreement_lifecycle(agreement)
    for member in index.members.values():
        status = member.get("status")
        if status == "withdrawn" and not member.get("left"):
            yield check_lifecycle.finding(
                *_at(member, "status"), msg("a withdrawn member needs a 'left' date"), pointer="/status"
            )
        if member.get("left") and status != "withdrawn":
            yield check_lifecycle.finding(
                *_at(member, "left", key=True),
                msg("a member with a 'left' date is withdrawn, not {status}", status=status),
                pointer="/left",
            )
        if status in ("active", "suspended") and not member.get("joined") and member.get("kind") != "hub":
            yield check_lifecycle.finding(
                *_at(member, "status"),
                msg(
                    "{value} {status} member needs a 'joined' date",
                    value="an" if status == "active" else "a",
                    status=status,
                ),
                pointer="/status",
            )


def _agreement_lifecycle(agreement: Record) -> Iterator[Finding]:
    status = agreement.get("status")
    parties = party_ids(agreement)
    if status in ("executed", "terminated"):
        signed = {s.get("member") for s in agreement.get("signatures") or []}
        missing = [p for p in parties if p not in signed]
        if missing:
            yield check_lifecycle.finding(
                *_at(agreement, "status"),
                msg("{status} but not signed by {missing}", status=status, missing=", ".join(missing)),
                pointer="/status",
            )
        elif agreement.get("effective") in (None, "on-execution") and execution_date(agreement) is None:
            yield check_lifecycle.finding(
                *_at(agreement, "status"), msg("the execution date cannot be determined"), pointer="/status"
            )
        if agreement.get("visibility") != "restricted" and not agreement.get("terms"):
            yield check_lifecycle.finding(
                *_at(agreement, "status"), msg("{status} agreement has no terms", status=status), pointer="/status"
            )
    if status == "terminated" and not agreement.get("termination"):
        yield check_lifecycle.finding(
            *_at(agreement, "status"), msg("terminated but no termination is recorded"), pointer="/status"
        )
    if status != "terminated" and agreement.get("termination"):
        yield check_lifecycle.finding(
            *_at(agreement, "termination", key=True),
            msg("a termination is recorded but the status is {status}; set status: terminated", status=status),
            pointer="/termination",
        )
    review = agreement.get("legal_review") or {}
    if review.get("status") == "approved_with_conditions" and not review.get("conditions"):
        yield check_lifecycle.finding(
            *_at(agreement, "legal_review", "status"),
            msg("approved_with_conditions needs its conditions"),
            pointer="/legal_review/status",
        )
    if review.get("status") in APPROVED_REVIEWS and not review.get("date"):
        yield check_lifecycle.finding(
            *_at(agreement, "legal_review", "status"),
            msg("an approved review needs a date"),
            pointer="/legal_review/status",
        )


@rule("signature-content", Severity.ERROR, "Signatures pin the current content", LIFE)
def check_signature_content(index: Index) -> Iterator[Finding]:
    """
    A signature's `content_sha256` is the hash of the agreement's signed content as the signatory
    saw it: the RFC 8785 canonical JSON of the record without `signatures`, `status`,
    `termination`, `legal_review` and `visibility` (`qtgov hash FILE` prints it; `qtgov sign`
    writes it). Any later edit of the signed content voids every signature: each one whose hash
    differs is reported (an error once the agreement is executed, a warning while it is still a
    draft or proposal — the other parties must sign again). A legal review pins the hash the same
    way; a review whose hash differs no longer approves anything (warning).
    """
    for agreement in index.agreements.values():
        current = agreement.content_sha256
        status = agreement.get("status")
        severity = Severity.ERROR if status in ("executed", "terminated") else Severity.WARNING
        for i, sig in enumerate(agreement.get("signatures") or []):
            if sig.get("content_sha256") != current:
                yield check_signature_content.finding(
                    *_at(agreement, "signatures", i, "content_sha256"),
                    msg(
                        "signature of {get} ({get2}) is for other content; the content has changed since it was "
                        "signed (now {current}…)",
                        get=sig.get("member"),
                        get2=sig.get("signatory"),
                        current=current[:12],
                    ),
                    pointer=_pointer("signatures", i, "content_sha256"),
                    severity=severity,
                )
        review = agreement.get("legal_review") or {}
        if review.get("status") in APPROVED_REVIEWS and review.get("content_sha256") != current:
            yield check_signature_content.finding(
                *_at(agreement, "legal_review", "content_sha256" if review.get("content_sha256") else "status"),
                msg(
                    "the legal review does not pin the current content; it approves nothing until counsel reviews again"
                ),
                pointer="/legal_review/content_sha256",
                severity=Severity.WARNING,
            )


@rule("terms", Severity.ERROR, "Terms add up", TYPES)
def check_terms(index: Index) -> Iterator[Finding]:
    """
    Arithmetic and consistency inside `terms`:

    - a revenue split sums to exactly 100 (percent) and names each member once;
    - the shareholdings in one issuer that are in force at the same time add up to at most 100 %
      equity (and voting, which defaults to equity); a company cannot hold itself;
    - a talent arrangement's `time_share_pct` is between 0 and 100;
    - a contribution's commitments name each (member, kind) once.
    """
    issuers: dict[str, list[_Holding]] = defaultdict(list)
    for agreement in index.agreements.values():
        terms = agreement.get("terms") or {}
        kind = agreement.get("type")
        if kind == "revenue-share" and terms.get("split"):
            split = terms["split"]
            total = sum(float(s.get("pct", 0)) for s in split)
            if abs(total - 100) > 1e-9:
                yield check_terms.finding(
                    *_at(agreement, "terms", "split"),
                    msg("the revenue split sums to {total:g}, not 100", total=total),
                    pointer="/terms/split",
                )
            names = [s.get("member") for s in split]
            for i, name in enumerate(names):
                if name in names[:i]:
                    yield check_terms.finding(
                        *_at(agreement, "terms", "split", i, "member"),
                        msg("{name} appears twice in the split", name=repr(name)),
                        pointer=_pointer("terms", "split", i, "member"),
                    )
        elif kind == "shareholding" and terms:
            if terms.get("holder") == terms.get("issuer"):
                yield check_terms.finding(
                    *_at(agreement, "terms", "holder"),
                    msg("a company cannot hold its own shares"),
                    pointer="/terms/holder",
                )
            interval = in_force_interval(agreement, index) if terms.get("issuer") else None
            if interval is not None:
                equity = float(terms.get("equity_pct", 0))
                voting = terms.get("voting_pct")
                issuers[terms["issuer"]].append(
                    _Holding(
                        agreement, interval, equity, equity if voting is None else float(voting), voting is not None
                    )
                )
        elif kind == "contribution":
            seen: set[tuple[str, str]] = set()
            for i, c in enumerate(terms.get("commitments") or []):
                key = (c.get("member"), c.get("kind"))
                if key in seen:
                    yield check_terms.finding(
                        *_at(agreement, "terms", "commitments", i),
                        msg("{key} has two {key2} commitments", key=repr(key[0]), key2=repr(key[1])),
                        pointer=_pointer("terms", "commitments", i),
                    )
                seen.add(key)
    for issuer, holdings in sorted(issuers.items()):
        yield from _overfull(issuer, holdings)


@dataclass(frozen=True)
class _Holding:
    record: Record
    interval: Interval
    equity: float
    voting: float
    voting_stated: bool

    def pct(self, field: str) -> float:
        return self.equity if field == "equity_pct" else self.voting


def _overfull(issuer: str, holdings: list[_Holding]) -> Iterator[Finding]:
    """Holdings in force at the same time that add up to more than 100 %.

    A total can only rise on a day some holding starts, so those days are the ones to check; an
    amended shareholding stops counting when its amendment takes effect.
    """
    for field in ("equity_pct", "voting_pct"):
        for day in sorted({h.interval.start for h in holdings}):
            current = [h for h in holdings if h.interval.contains(day)]
            total = sum(h.pct(field) for h in current)
            stated = [h for h in current if field == "equity_pct" or h.voting_stated]
            if total <= 100 + 1e-9 or not stated:
                continue
            last = max(stated, key=lambda h: h.record.id)
            others = [
                Related(h.record.path, *_at(h.record, "terms", field)[1:], msg("{field:g}%", field=h.pct(field)))
                for h in current
                if h is not last
            ]
            yield check_terms.finding(
                *_at(last.record, "terms", field),
                msg(
                    "shareholdings in {issuer} in force on {day} add up to {total:g}% ({field})",
                    issuer=repr(issuer),
                    day=day,
                    total=total,
                    field=field,
                ),
                pointer=f"/terms/{field}",
                related=others,
            )
            break


HUB_FACTS = (
    ("legal_name", msg("the registered legal name")),
    ("identifiers", msg("the Unified Social Credit Code or another public identifier")),
    ("jurisdiction", msg("the jurisdiction of registration")),
    ("website", msg("the official website")),
    ("sources", msg("public sources for the facts recorded")),
)


@rule("hub-facts", Severity.INFO, "The hub's record holds verifiable public facts", HUB)
def check_hub_facts(index: Index) -> Iterator[Finding]:
    """
    The hub's own record is published and read by partners and the public, so it holds only facts
    anyone can verify from public sources, cited under `sources` — never invented identifiers,
    people or email addresses. Each missing fact is reported as information so the secretariat
    can fill it from a verifiable source; none is required.
    """
    hub = index.hub
    if hub is None:
        return
    for key, what in HUB_FACTS:
        if not hub.get(key):
            yield check_hub_facts.finding(
                *_at(hub, "id"),
                msg("hub record has no {key}: add {what} once verified", key=key, what=what),
                pointer=f"/{key}",
            )
