"""Provenance of signatures and legal reviews (docs/design/git.md).

For each signature (and each recorded legal review) qtgov finds the commit that introduced it —
among a pull request's own commits and, on the main line, inside the branches merged by merge
commits — and asks whether that commit was made by the person named:

- by default, whether the commit's author email is one of the person's `commit_emails`;
- with `require_signed=True`, whether the commit is SSH-signed with one of the person's
  `signing_keys`, valid on the commit's date. qtgov writes an allowed-signers file with every key
  ever registered for the people involved (each principal's `valid-after`/`valid-before` from
  `since`/`until`) and lets `git log --format=%G?` (gpg.format=ssh) verify.

Squash and rebase merges replace the signer's commit with the merger's, so their signatures are
reported as not vouched for: an alliance repository allows merge commits only.

Public API: `provenance_report(root)` -> list[Provenance]; `identities(...)`,
`allowed_signers_text(...)`.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.dates import ONE_DAY, parse_date
from qtgov.gitgov.history import Ref, parse_record
from qtgov.messages import joined, msg, render

_KEY = re.compile(
    r"(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|"
    r"sk-ecdsa-sha2-nistp256@openssh\.com) ([A-Za-z0-9+/]+={0,3})(?:\s.*)?\Z"
)
REVIEWED = ("approved", "approved_with_conditions", "rejected")


@dataclass
class Identity:
    """Who a signatory or counsel is to git: commit emails and SSH keys from every version of
    their record, and the window (`since`/`until`, last day included) in which they could act."""

    principal: str
    person: str
    member: str | None
    emails: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    since: dt.date | None = None
    until: dt.date | None = None

    window_known: bool = False

    def add(self, entry: dict[str, Any]) -> None:
        """Add one version of the person's entry; versions come newest first, and the newest
        one gives the window."""
        self.emails.update(e.lower() for e in entry.get("commit_emails") or [] if isinstance(e, str))
        for key in entry.get("signing_keys") or []:
            m = _KEY.match(key.strip()) if isinstance(key, str) else None
            if m:
                self.keys.add(f"{m.group(1)} {m.group(2)}")
        if not self.window_known:
            self.since, self.until = parse_date(entry.get("since")), parse_date(entry.get("until"))
            self.window_known = True


@dataclass(frozen=True)
class Provenance:
    """Where one signature or legal review came from, and whether git vouches for it."""

    agreement: str
    path: str
    act: str  # signature | legal_review
    member: str | None
    person: str  # the signatory, or the reviewing counsel
    position: int | None  # index in `signatures`; None for the legal review
    line: int
    column: int
    pointer: str
    commit: str | None  # the commit that introduced it
    merge: str | None  # the main-line commit that brought that commit in
    date: str | None  # committer date of `merge`
    author: str | None
    author_email: str | None
    email_matches: bool | None
    signature: str | None  # git's %G? letter when signatures were checked
    signed_by_person: bool | None
    vouched: bool
    reason: str
    new: bool | None = None  # with a base: introduced by the change under review
    note: str = ""  # `reason` without email addresses, for publication (the handbook)

    def as_dict(self) -> dict[str, Any]:
        return {
            "agreement": self.agreement,
            "path": self.path,
            "act": self.act,
            "member": self.member,
            "person": self.person,
            "position": self.position,
            "line": self.line,
            "column": self.column,
            "commit": self.commit,
            "merge": self.merge,
            "date": self.date,
            "author": self.author,
            "author_email": self.author_email,
            "email_matches": self.email_matches,
            "signature": self.signature,
            "signed_by_person": self.signed_by_person,
            "vouched": self.vouched,
            "reason": self.reason,
            "note": self.note,
            "new": self.new,
        }


@dataclass(frozen=True)
class Act:
    """A signature or legal review as it stands in the working tree."""

    agreement: str
    path: str
    act: str
    member: str | None
    person: str
    position: int | None
    key: tuple[str, ...]
    line: int
    column: int
    pointer: str


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def signature_key(sig: dict[str, Any]) -> tuple[str, ...]:
    return ("signature", *(_s(sig.get(k)) for k in ("member", "signatory", "date", "method", "content_sha256")))


def review_key(review: dict[str, Any]) -> tuple[str, ...] | None:
    if not isinstance(review, dict) or review.get("status") not in REVIEWED or not review.get("reviewer"):
        return None
    return ("legal_review", *(_s(review.get(k)) for k in ("status", "reviewer", "date", "content_sha256")))


def acts_of(data: dict[str, Any] | None) -> set[tuple[str, ...]]:
    """The keys of every signature and recorded review in one version of an agreement."""
    if not data:
        return set()
    keys = {signature_key(s) for s in data.get("signatures") or [] if isinstance(s, dict)}
    review = review_key(data.get("legal_review") or {})
    if review:
        keys.add(review)
    return keys


def current_acts(index: Any, agreements: Iterable[str] | None = None) -> list[Act]:
    """Every signature and recorded legal review of the (valid) agreements in `index`."""
    wanted = set(agreements) if agreements is not None else None
    acts: list[Act] = []
    for record in sorted(index.agreements.values(), key=lambda r: r.id):
        if wanted is not None and record.id not in wanted:
            continue
        for i, sig in enumerate(record.get("signatures") or []):
            if not isinstance(sig, dict):
                continue
            mark = record.mark("signatures", i, "signatory")
            acts.append(
                Act(
                    record.id, record.path, "signature", _s(sig.get("member")), _s(sig.get("signatory")), i,
                    signature_key(sig), mark.line, mark.column, f"/signatures/{i}/signatory",
                )
            )  # fmt: skip
        review = record.get("legal_review") or {}
        key = review_key(review)
        if key:
            mark = record.mark("legal_review", "reviewer")
            acts.append(
                Act(
                    record.id, record.path, "legal_review", None, _s(review.get("reviewer")), None, key,
                    mark.line, mark.column, "/legal_review/reviewer",
                )
            )  # fmt: skip
    return acts


def principal(member: str | None, person: str) -> str:
    return f"member/{member}/{person}" if member else f"counsel/{person}"


def identities(index: Any, acts: Iterable[Act], log: Any = None, read_blobs: Any = None) -> dict[str, Identity]:
    """The identity of every person named by `acts`, from the working tree and, when a log is
    given, every earlier version of their member file (or of charter/alliance.yaml for counsel);
    and of every other representative and counsel as the working tree has them."""
    people: dict[str, Identity] = {}
    for act in acts:
        p = principal(act.member, act.person)
        if p not in people:
            people[p] = Identity(p, act.person, act.member)
    by_member: dict[str, list[Identity]] = {}
    counsel: list[Identity] = []
    for ident in people.values():
        (by_member.setdefault(ident.member, []) if ident.member else counsel).append(ident)
    history: dict[str, list[str]] = {}
    if log is not None:
        by_path = log.by_path(("members", "charter"))
        for member in by_member:
            history[f"members/{member}.yaml"] = [c.new_blob for _, c in by_path.get(f"members/{member}.yaml", [])]
        if counsel:
            history["charter/alliance.yaml"] = [c.new_blob for _, c in by_path.get("charter/alliance.yaml", [])]
    raw = read_blobs({b for blobs in history.values() for b in blobs if b}) if read_blobs and history else {}

    def versions(path: str, current: dict[str, Any] | None) -> list[dict[str, Any]]:
        """The working-tree version, then every committed one, newest first."""
        out = [current] if current else []
        for blob in history.get(path, []):
            data = parse_record(path, raw.get(blob)) if blob else None
            if data:
                out.append(data)
        return out

    # Everyone else's current keys too, so that git can say whose key signed a commit.
    for member_id, record in sorted(index.members.items()):
        for rep in record.get("representatives") or []:
            if isinstance(rep, dict) and isinstance(rep.get("id"), str):
                p = principal(member_id, rep["id"])
                if p not in people:
                    people[p] = Identity(p, rep["id"], member_id)
                    people[p].add(rep)
    for entry in index.settings.counsel if index.alliance is not None else ():
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and principal(None, entry["id"]) not in people:
            people[principal(None, entry["id"])] = Identity(principal(None, entry["id"]), entry["id"], None)
            people[principal(None, entry["id"])].add(entry)
    for member, idents in by_member.items():
        record = index.members.get(member)
        for data in versions(f"members/{member}.yaml", record.data if record else None):
            for rep in data.get("representatives") or []:
                for ident in idents:
                    if isinstance(rep, dict) and rep.get("id") == ident.person:
                        ident.add(rep)
    if counsel:
        alliance = index.alliance.data if index.alliance is not None else None
        for data in versions("charter/alliance.yaml", alliance):
            legal = data.get("legal")
            for entry in (legal.get("counsel") if isinstance(legal, dict) else None) or []:
                for ident in counsel:
                    if isinstance(entry, dict) and entry.get("id") == ident.person:
                        ident.add(entry)
    return people


def allowed_signers_text(people: Iterable[Identity]) -> str:
    """An OpenSSH allowed-signers file: one line per (person, key), limited to the `git`
    namespace and to the person's since/until window (UTC days, `until` included)."""
    lines: list[str] = []
    for ident in sorted(people, key=lambda i: i.principal):
        options = ['namespaces="git"']
        if ident.since:
            options.append(f'valid-after="{ident.since:%Y%m%d}Z"')
        if ident.until:
            options.append(f'valid-before="{ident.until + ONE_DAY:%Y%m%d}Z"')
        lines.extend(f"{ident.principal} {','.join(options)} {key}" for key in sorted(ident.keys))
    return "\n".join(lines) + ("\n" if lines else "")


def provenance_report(
    root: Path,
    *,
    require_signed: bool = False,
    agreements: Iterable[str] | None = None,
    index: Any = None,
    repo: Any = None,
    log: Any = None,
) -> list[Provenance]:
    """Provenance of every signature and recorded legal review in the working tree (or only of
    `agreements`), newest record first in no particular sense: sorted by path and position."""
    from qtgov.gitgov.git import GitRepo

    if index is None:
        from qtgov.records.repo import load_repository

        index = load_repository(root).index
    repo = repo or GitRepo.open(root)
    log = log or repo.read_log()
    acts = current_acts(index, agreements)
    if not acts:
        return []
    introduced = introducing_commits(repo, log, acts)
    dirty = {c.path for c in repo.diff(log.head, None, ("agreements",))}
    people = identities(index, acts, log, repo.read_blobs)
    checks: dict[str, Any] = {}
    if require_signed:
        commits = {c for c in introduced.values() if c}
        with tempfile.TemporaryDirectory(prefix="qtgov-signers-") as tmp:
            signers = Path(tmp) / "allowed_signers"
            signers.write_text(allowed_signers_text(people.values()), encoding="utf-8")
            checks = repo.check_signatures(commits, signers)
    return [
        _judge(act, introduced.get(act), log, people[principal(act.member, act.person)], checks, require_signed, dirty)
        for act in acts
    ]


def introducing_commits(repo: Any, log: Any, acts: list[Act]) -> dict[Act, str | None]:
    """For each act, the newest non-merge commit whose change added it to its file."""
    by_path = log.by_path(("agreements",))
    paths = {a.path for a in acts}
    blobs: set[str] = set()
    for path in paths:
        for sha, change in by_path.get(path, []):
            if not log.commits[sha].is_merge:
                blobs.update(b for b in (change.old_blob, change.new_blob) if b)
    raw = repo.read_blobs(blobs)
    cache: dict[str, set[tuple[str, ...]]] = {}

    def keys(path: str, blob: str | None) -> set[tuple[str, ...]]:
        if blob is None:
            return set()
        if blob not in cache:
            cache[blob] = acts_of(parse_record(path, raw.get(blob)))
        return cache[blob]

    found: dict[Act, str | None] = {}
    for act in acts:
        found[act] = None
        for sha, change in by_path.get(act.path, []):  # newest first
            if log.commits[sha].is_merge:
                continue
            if act.key in keys(act.path, change.new_blob) and act.key not in keys(act.path, change.old_blob):
                found[act] = sha
                break
    return found


def _judge(
    act: Act,
    sha: str | None,
    log: Any,
    ident: Identity,
    checks: dict[str, Any],
    require_signed: bool,
    dirty: set[str],
) -> Provenance:
    if act.member:
        who = msg("{person} ({member})", person=Ref(act.person, "person", act.member), member=Ref(act.member, "member"))
    else:
        who = msg("counsel {person}", person=Ref(act.person, "counsel"))
    base: dict[str, Any] = {
        "agreement": act.agreement, "path": act.path, "act": act.act, "member": act.member,
        "person": act.person, "position": act.position, "line": act.line, "column": act.column, "pointer": act.pointer,
    }  # fmt: skip
    if sha is None:
        reason = (
            msg("not committed yet: git cannot vouch for it until it is committed")
            if act.path in dirty
            else msg("no commit in the history introduces it (made in a merge, or lost by a squash or rebase merge)")
        )
        return Provenance(
            **base, commit=None, merge=None, date=None, author=None, author_email=None, email_matches=None,
            signature=None, signed_by_person=None, vouched=False, reason=reason, note=reason,
        )  # fmt: skip
    commit = log.commits[sha]
    merge = log.commits.get(log.merged_by.get(sha, sha), commit)
    email_matches = commit.author_email.lower() in ident.emails
    signature = signed = None
    note: str = ""
    short = sha[:12]
    if require_signed:
        check = checks.get(sha)
        signature = check.status if check else "E"
        principals = [p.strip() for p in (check.principal if check else "").split(",")]
        signed = signature == "G" and ident.principal in principals
        vouched = bool(signed)
        if signed:
            reason = msg("commit {commit} is signed with an SSH key registered for {who}", commit=short, who=who)
        elif not ident.keys:
            reason = msg(
                "{who} has no signing_keys registered, so commit {commit} cannot be verified", who=who, commit=short
            )
        elif signature == "N":
            reason = msg(
                "commit {commit} is not signed; {who} must sign their commits (git commit -S)", commit=short, who=who
            )
        elif signature == "G":
            signer = check.principal if check else "?"
            reason = msg("commit {commit} is signed by {signer}, not by {who}", commit=short, signer=signer, who=who)
        elif signature == "U":
            reason = msg(
                "commit {commit} is signed with a key not registered for {who} on the commit's date",
                commit=short,
                who=who,
            )
        else:
            reason = msg(
                "git could not verify the signature of commit {commit} (status {status})",
                commit=short,
                status=signature,
            )
    else:
        vouched = email_matches
        email = commit.author_email
        if email_matches:
            reason = msg(
                "committed by {email} in {commit}, one of the commit_emails of {who}",
                email=email,
                commit=short,
                who=who,
            )
            note = msg("committed in {commit} from an address registered for {who}", commit=short, who=who)
        elif not ident.emails:
            reason = msg(
                "{who} has no commit_emails registered, so commit {commit} cannot be attributed", who=who, commit=short
            )
        else:
            reason = msg(
                "committed in {commit} by {email}, which is not one of the commit_emails of {who}",
                commit=short,
                email=email,
                who=who,
            )
            note = msg("committed in {commit} from an address not registered for {who}", commit=short, who=who)
    return Provenance(
        **base, commit=sha, merge=merge.sha, date=merge.committer_date, author=commit.author_name,
        author_email=commit.author_email, email_matches=email_matches, signature=signature,
        signed_by_person=signed, vouched=vouched, reason=reason, note=note or reason,
    )  # fmt: skip


def signature_provenance(
    root: Path, index: Any = None, *, require_signed: bool = False, repo: Any = None, log: Any = None
) -> dict[Any, Provenance]:
    """Provenance keyed as the handbook looks it up: (agreement id, signature index) for
    signatures and ("review", agreement id) for legal reviews. Use `note`, not `reason`, in
    published pages: `reason` names commit email addresses."""
    report = provenance_report(root, require_signed=require_signed, index=index, repo=repo, log=log)
    return {((p.agreement, p.position) if p.act == "signature" else ("review", p.agreement)): p for p in report}


def render_text(items: list[Provenance], lang: str = "en") -> str:
    """The report `qtgov provenance` prints, in `lang`: one line per signature and review."""
    if not items:
        return render(msg("No signatures or legal reviews."), lang) + "\n"
    lines = []
    for p in items:
        mark = msg("vouched") if p.vouched else msg("NOT vouched")
        if p.act == "signature":
            what = msg("signature of {person} for {member}", person=p.person, member=p.member)
        else:
            what = msg("legal review by {person}", person=p.person)
        line = msg(
            "{where}: {mark}: {what}: {reason}",
            where=f"{p.path}:{p.line}:{p.column}",
            mark=mark,
            what=what,
            reason=p.reason,
        )
        lines.append(render(line, lang))
    vouched = sum(p.vouched for p in items)
    lines.append(render(msg("{vouched} of {total} vouched for by git", vouched=vouched, total=len(items)), lang))
    return "\n".join(lines) + "\n"


def unsigned_note(index: Any, lang: str = "en") -> str:
    """A line saying which records were not looked at because nobody signs them, so that a
    report without a word on projects is not read as "their signatures are fine"."""
    projects, retrospectives = len(index.known["project"]), len(index.known["retrospective"])
    parts = []
    if projects:
        parts.append(msg("1 project") if projects == 1 else msg("{n} projects", n=projects))
    if retrospectives:
        parts.append(msg("1 retrospective") if retrospectives == 1 else msg("{n} retrospectives", n=retrospectives))
    if not parts:
        return ""
    text = msg(
        "Not checked: {records}, which carry no signatures (only agreements are signed).",
        records=joined(" and ", parts),
    )
    return render(text, lang) + "\n"
