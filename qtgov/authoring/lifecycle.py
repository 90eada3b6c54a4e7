"""The steps of a record's life after `qtgov new` (docs/design/authoring.md): propose, execute,
amend, terminate; a member's admission and withdrawal.

Each step checks what the validator would otherwise report after the fact (a status move the
lifecycle does not allow, a signature that does not pin the current content, a notice period not
respected), changes only the fields the step owns, and writes canonical text. Dates follow the
agreement semantics of `qtgov.records.agreements`; no date arithmetic of its own decides when an
agreement ends.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from qtgov.authoring import common, yamldoc
from qtgov.authoring.scaffold import _check_text
from qtgov.dates import add_duration, next_day, parse_date, parse_duration
from qtgov.errors import UsageError
from qtgov.records.agreements import execution_date, in_force_interval, stated_interval
from qtgov.records.hashing import content_sha256
from qtgov.records.index import Index, Record, party_ids
from qtgov.records.yamlload import Document
from qtgov.rules.placeholders import placeholders


def _edit(root: Path, record: Record, kind: str) -> Any:
    return yamldoc.load(record.path, common.read(root, record.path))


def _render(kind: str, relpath: str, doc: Any) -> tuple[str, dict[str, Any]]:
    return common.render(kind, relpath, doc)


def _no_placeholders(record: Record, step: str) -> None:
    found = list(placeholders(record.data))
    if found:
        path, note = found[0]
        where = "/".join(str(p) for p in path)
        more = f" and {len(found) - 1} more" if len(found) > 1 else ""
        raise UsageError(
            f"{record.id} still has placeholders ({where}: {note}{more}); replace them before {step} "
            "(qtgov validate lists them)"
        )


def _status(record: Record, allowed: tuple[str, ...], step: str) -> str:
    status = record.get("status")
    if status not in allowed:
        raise UsageError(f"{record.id} is {status}: only {' or '.join(allowed)} can be {step}")
    return str(status)


# -- agreements -------------------------------------------------------------------------------


def propose(start: Path, ident: str) -> common.Outcome:
    """draft -> proposed: the parties are asked to sign."""
    root, index = common.repository(start)
    record = common.existing(index, "agreement", ident)
    _status(record, ("draft",), "proposed")
    _no_placeholders(record, "proposing it")
    doc = _edit(root, record, "agreement")
    doc["status"] = "proposed"
    text, data = _render("agreement", record.path, doc)
    common.write_all(root, {record.path: text}, new=False)
    parties = party_ids(record)
    digest = content_sha256(data)
    outcome = common.Outcome(
        changed=[f"{record.path}: status draft → proposed (content {digest[:12]}…)"],
        paths=[record.path],
        branch=f"agreement/{ident}",
        subject=f"Propose {ident}",
        trailers=[("Qtgov-Record", record.path), ("Qtgov-Event", "agreement proposed")],
        notes=[f"each party signs: qtgov sign {ident} --member M --as REP (parties: {', '.join(parties)})"],
        root=root,
    )
    return common.finish(outcome, {record.path: data})


def _signatures_problems(index: Index, record: Record) -> list[str]:
    from qtgov.rules.records import can_sign_on

    digest = record.content_sha256
    problems = []
    signatures = [s for s in record.get("signatures") or [] if isinstance(s, dict)]
    for party in party_ids(record):
        mine = [s for s in signatures if s.get("member") == party]
        current = [s for s in mine if s.get("content_sha256") == digest]
        if not current:
            stale = " (its signature pins earlier content: sign again)" if mine else ""
            problems.append(f"{party} has not signed the current content{stale}")
            continue
        sig = current[-1]
        member = index.members.get(party)
        reps = member.get("representatives") if member is not None else None
        rep = next((r for r in reps or [] if isinstance(r, dict) and r.get("id") == sig.get("signatory")), None)
        day = parse_date(sig.get("date"))
        if rep is None or not rep.get("can_sign") or day is None or not can_sign_on(rep, day):
            who = f"{sig.get('signatory')} on {sig.get('date')}"
            problems.append(f"{party}'s signature by {who} lacks signing authority")
    return problems


def execute(start: Path, ident: str) -> common.Outcome:
    """draft|proposed -> executed, once every party's signature pins the current content."""
    root, index = common.repository(start)
    record = common.existing(index, "agreement", ident)
    before = _status(record, ("draft", "proposed"), "executed")
    _no_placeholders(record, "executing it")
    problems = _signatures_problems(index, record)
    if problems:
        raise UsageError(f"{ident} cannot be executed: " + "; ".join(problems))
    doc = _edit(root, record, "agreement")
    doc["status"] = "executed"
    text, data = _render("agreement", record.path, doc)
    common.write_all(root, {record.path: text}, new=False)
    signed = execution_date(record)
    interval = stated_interval(record)
    starts = f", in force from {interval.start}" if interval else ""
    outcome = common.Outcome(
        changed=[f"{record.path}: status {before} → executed (executed on {signed}, the last signature{starts})"],
        paths=[record.path],
        branch=f"agreement/{ident}",
        subject=f"Execute {ident}",
        trailers=[("Qtgov-Record", record.path), ("Qtgov-Event", "agreement executed")],
        root=root,
    )
    return common.finish(outcome, {record.path: data})


def _amendment_id(record: Record, index: Index) -> str:
    import re

    version = record.get("version")
    number = (version if isinstance(version, int) else 1) + 1
    base = re.sub(r"-[0-9]+\Z", "", record.id)
    candidate = f"{base}-{number}"
    while candidate in index.agreements:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


#: What an amendment does not inherit: it is a new agreement, signed and reviewed afresh.
NOT_INHERITED = ("signatures", "termination", "legal_review", "supersedes")


def amend(
    start: Path,
    ident: str,
    new_id: str | None = None,
    *,
    terms: dict[str, Any] | None = None,
    settings: tuple[str, ...] = (),
) -> common.Outcome:
    """A new draft restating the executed agreement `ident`, with `amends: ident`."""
    root, index = common.repository(start)
    record = common.existing(index, "agreement", ident)
    _status(record, ("executed",), "amended")
    later = [a.id for a in index.amended_by.get(ident, []) if a.get("status") not in ("cancelled", "rejected")]
    if later:
        raise UsageError(f"{ident} is already amended by {', '.join(later)}; amend that one instead")
    target = new_id or _amendment_id(record, index)
    common.check_new_id("agreement", target)
    relpath = common.record_path(root, "agreement", target)
    if target in index.agreements or (root / relpath).exists():
        raise UsageError(f"agreement {target!r} already exists ({relpath}); nothing written")
    doc = _edit(root, record, "agreement")
    for key in NOT_INHERITED:
        doc.pop(key, None)
    version = record.get("version")
    doc["id"] = target
    doc["version"] = (version if isinstance(version, int) else 1) + 1
    doc["status"] = "draft"
    doc["amends"] = ident
    doc["effective"] = "on-execution"
    if terms is not None:
        doc["terms"] = yamldoc.yaml_value(terms)
    if settings:
        if "terms" not in doc:
            raise UsageError(f"{ident} carries no terms (they are in its pinned document): drop --set")
        common.set_terms(doc["terms"], list(settings), yamldoc.yaml_value)
    text, data = _render("agreement", relpath, doc)
    common.schema_check("agreement", relpath, text, "--set" if settings else "--terms")
    common.write_all(root, {relpath: text}, new=True)
    outcome = common.Outcome(
        changed=[
            f"{relpath}: new draft {target} (version {data['version']}) amending {ident}, terms "
            f"{'replaced' if terms is not None else 'changed' if settings else 'copied'}; "
            f"{ident} stays in force until {target} takes effect"
        ],
        paths=[relpath],
        branch=f"amend/{ident}",
        subject=f"Draft {target}, amending {ident}",
        trailers=[("Qtgov-Record", relpath), ("Qtgov-Event", "agreement amended"), ("Qtgov-Amends", ident)],
        notes=[
            f"{'check' if terms is not None or settings else 'edit'} the terms of {relpath}, "
            f"then qtgov propose {target}"
        ],
        root=root,
    )
    return common.finish(outcome, {relpath: data})


def _first_day_out(record: Record, termination_date: str) -> dt.date | None:
    """The first day the agreement is no longer in force if terminated on `termination_date`,
    as `qtgov.records.agreements` reads `termination.date`."""
    data = {**record.data, "termination": {"date": termination_date, "reason": "-"}}
    trial = Record(record.kind, record.id, record.path, Document(record.path, data))
    interval = stated_interval(trial)
    return interval.end if interval else None


def termination_value(record: Record, last_day: dt.date) -> str:
    """The `termination.date` that makes `last_day` the agreement's last day in force, whichever
    kind of day the field names."""
    for candidate in (last_day, next_day(last_day)):
        if _first_day_out(record, candidate.isoformat()) == next_day(last_day):
            return candidate.isoformat()
    return last_day.isoformat()


def terminate(
    start: Path,
    ident: str,
    *,
    last_day: dt.date,
    reason: str,
    notice: str | None = None,
    notice_given: dt.date | None = None,
) -> common.Outcome:
    """executed -> terminated with `termination`; `last_day` is the last day in force."""
    root, index = common.repository(start)
    record = common.existing(index, "agreement", ident)
    _status(record, ("executed",), "terminated")
    _check_text("--reason", reason)
    interval = in_force_interval(record, index) or stated_interval(record)
    if interval is not None and last_day < interval.start:
        raise UsageError(f"{ident} takes effect on {interval.start}: it cannot end on {last_day}")
    if interval is not None and interval.end is not None and next_day(last_day) > interval.end:
        raise UsageError(
            f"{ident} is in force only until {interval.last_day}: there is nothing to terminate on {last_day}"
        )
    renewal = record.get("renewal") if isinstance(record.get("renewal"), dict) else {}
    needed = notice or (renewal.get("notice") if isinstance(renewal.get("notice"), str) else None)
    if needed is not None:
        period = parse_duration(needed)
        if period is None:
            raise UsageError(f"--notice {needed!r}: an ISO 8601 duration such as P2M or P30D")
        given = notice_given or dt.date.today()
        earliest_out = add_duration(given, period)
        if next_day(last_day) < earliest_out:
            raise UsageError(
                f"{ident} needs {needed} notice: given on {given}, its last day in force can be "
                f"{earliest_out - dt.timedelta(days=1)} at the earliest (pass --date on or after it, or "
                "--notice-given if notice was given earlier)"
            )
    value = termination_value(record, last_day)
    doc = _edit(root, record, "agreement")
    entry: dict[str, Any] = {"date": value, "reason": reason}
    if needed is not None:
        entry["notice"] = needed
    doc["status"] = "terminated"
    doc["termination"] = yamldoc.yaml_value(entry)
    text, data = _render("agreement", record.path, doc)
    common.write_all(root, {record.path: text}, new=False)
    outcome = common.Outcome(
        changed=[f"{record.path}: status executed → terminated; last day in force {last_day}"],
        paths=[record.path],
        branch=f"terminate/{ident}",
        subject=f"Terminate {ident}",
        trailers=[("Qtgov-Record", record.path), ("Qtgov-Event", "agreement terminated")],
        root=root,
    )
    return common.finish(outcome, {record.path: data})


# -- members -------------------------------------------------------------------------------------


def admit(start: Path, member: str, *, day: dt.date | None = None) -> common.Outcome:
    """prospective -> active, with `joined`."""
    root, index = common.repository(start)
    record = common.existing(index, "member", member)
    _status(record, ("prospective",), "admitted")
    _no_placeholders(record, "admitting it")
    joined = day or dt.date.today()
    doc = _edit(root, record, "member")
    doc["status"] = "active"
    doc["joined"] = joined
    text, data = _render("member", record.path, doc)
    common.write_all(root, {record.path: text}, new=False)
    notes = []
    if not record.get("antitrust_policy_acknowledged"):
        notes.append("record antitrust_policy_acknowledged: DATE once the member has acknowledged the policy")
    outcome = common.Outcome(
        changed=[f"{record.path}: status prospective → active, joined {joined}"],
        paths=[record.path],
        branch=f"admit/{member}",
        subject=f"Admit {member}",
        trailers=[("Qtgov-Record", record.path), ("Qtgov-Event", "member admitted")],
        notes=notes,
        root=root,
    )
    return common.finish(outcome, {record.path: data})


def ends_with(index: Index, member: str, last_day: dt.date) -> tuple[list[Record], list[Record]]:
    """(agreements in force after `last_day` that `member` is party to, drafts and proposals
    that it is party to)."""
    in_force, pending = [], []
    for record in sorted(index.agreements.values(), key=lambda r: r.id):
        if member not in party_ids(record):
            continue
        status = record.get("status")
        if status in ("draft", "proposed"):
            pending.append(record)
        elif status == "executed":
            interval = in_force_interval(record, index)
            if interval is not None and (interval.end is None or interval.end > next_day(last_day)):
                in_force.append(record)
    return in_force, pending


def withdraw(start: Path, member: str, *, last_day: dt.date, terminate_all: bool = False) -> common.Outcome:
    """A member's exit: status withdrawn and `left`; lists (and with `terminate_all` drafts) the
    ends of the agreements that cannot outlive its membership."""
    root, index = common.repository(start)
    record = common.existing(index, "member", member)
    _status(record, ("active", "suspended"), "withdrawn")
    if record.get("kind") == "hub":
        raise UsageError(f"{member} is the hub: it cannot withdraw (name another hub in charter/alliance.yaml first)")
    joined = parse_date(record.get("joined"))
    if joined is not None and last_day < joined:
        raise UsageError(f"{member} joined on {joined}: it cannot leave on {last_day}")
    in_force, pending = ends_with(index, member, last_day)
    files: dict[str, str] = {}
    changed: dict[str, dict[str, Any] | None] = {}
    lines = []
    doc = _edit(root, record, "member")
    doc["status"] = "withdrawn"
    doc["left"] = last_day
    text, data = _render("member", record.path, doc)
    files[record.path] = text
    changed[record.path] = data
    lines.append(f"{record.path}: status {record.get('status')} → withdrawn, left {last_day}")
    notes = []
    reason = f"{member} left the alliance on {last_day.isoformat()}"
    for agreement in in_force:
        if not terminate_all:
            command = f"qtgov terminate {agreement.id} --date {last_day}"
            notes.append(f"{agreement.id} is in force after {last_day}: {command}")
            continue
        adoc = _edit(root, agreement, "agreement")
        adoc["status"] = "terminated"
        adoc["termination"] = yamldoc.yaml_value({"date": termination_value(agreement, last_day), "reason": reason})
        atext, adata = _render("agreement", agreement.path, adoc)
        files[agreement.path] = atext
        changed[agreement.path] = adata
        lines.append(f"{agreement.path}: status executed → terminated; last day in force {last_day}")
    for agreement in pending:
        if not terminate_all:
            notes.append(f"{agreement.id} is {agreement.get('status')} with {member} as a party: cancel it")
            continue
        adoc = _edit(root, agreement, "agreement")
        adoc["status"] = "cancelled"
        atext, adata = _render("agreement", agreement.path, adoc)
        files[agreement.path] = atext
        changed[agreement.path] = adata
        lines.append(f"{agreement.path}: status {agreement.get('status')} → cancelled")
    if notes and not terminate_all:
        notes.append("or rerun with --terminate to draft all of these in this change")
    common.write_all(root, files, new=False)
    outcome = common.Outcome(
        changed=lines,
        paths=list(files),
        branch=f"withdraw/{member}",
        subject=f"Withdrawal of {member}",
        trailers=[("Qtgov-Record", p) for p in files] + [("Qtgov-Event", "member withdraws")],
        notes=notes,
        root=root,
    )
    return common.finish(outcome, changed)
