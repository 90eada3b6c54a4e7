"""`qtgov review BASE..HEAD`: a pull request in governance terms, and whose approval it needs
(docs/design/git.md).

Approvers are computed from the **base** version (the merge base of BASE and HEAD), so nobody
approves their own addition: a new member's representatives, a representative added by the
change, or a GitHub login added by it are not in the base and count for nothing.

- a new member file, or a change to a member's `status`, `kind`, `joined` or `left` → the hub
  plus the quorum of `approvals.quorum.members` other members (the member itself excluded);
  a control group counts once toward the quorum, and members in the hub's control group (or in
  the group of the member concerned) count not at all, judged on the review's day from the
  base's shareholdings (docs/design/ownership.md); a member that has left (withdrawn, or
  `left` before the review's day) is no voter, and an approval from its representatives says so;
- any other member edit → one representative with signing authority of that member;
- an agreement → one representative of every party in base ∪ head, plus the hub for parties new
  in head; a `legal_review` change → the named counsel; a `visibility` change → every party;
- `charter/` (settings, taxonomies, prose), `schemas/`, `.github/` → the hub plus the quorum.

`check_approvals()` reads the pull request's reviews as a CI job exports them from GitHub's API
(see `load_reviews`) and marks each group satisfied or not; the CLI fails until all are.

A changed file that no longer reads as a record (YAML or schema errors) is reported first, at
file:line:col, and fails the review: its governance meaning cannot be told.

Only git blobs are read (one `git cat-file --batch` for everything), and only the files the
change touches plus the member files approvers come from (and, for a quorum, the base's
shareholding agreements).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov import __version__, disclaimer
from qtgov.dates import parse_date
from qtgov.economics.ownership import ControlTimeline, holdings
from qtgov.errors import UsageError
from qtgov.findings import Finding, Severity, sort_findings
from qtgov.gitgov.history import Event, RecordParser, classify, describe_change, file_event, parse_record
from qtgov.messages import joined, msg, render

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}\Z")
LOGIN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\Z")
MEMBERSHIP_FIELDS = ("status", "kind", "joined", "left")
ALLIANCE_FILE = "charter/alliance.yaml"


@dataclass(frozen=True)
class Approver:
    """Someone whose approval counts for a group: a representative of `member`, or a counsel
    (`member` None)."""

    member: str | None
    representative: str
    github: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"member": self.member, "representative": self.representative, "github": self.github}


@dataclass
class ApprovalGroup:
    """One approval the change needs: `need` distinct members (or counsel) among `any_of`."""

    group: str  # member:<id> | quorum | counsel:<id>
    label: str
    reasons: list[str] = field(default_factory=list)
    any_of: list[Approver] = field(default_factory=list)
    need: int = 1
    satisfied_by: list[Approver] | None = None  # None until approvals are checked
    #: member -> its control group's id, for members in a group of several: they count once
    counts_as: dict[str, str] = field(default_factory=dict)
    #: members that left the alliance -> their last day ("" when withdrawn without one): their
    #: representatives' approvals count for nothing here
    departed: dict[str, str] = field(default_factory=dict)
    #: their representatives, whatever their own dates, to say why an approval did not count
    departed_approvers: dict[str, list[Approver]] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return joined("; ", self.reasons)

    @property
    def satisfied(self) -> bool | None:
        if self.satisfied_by is None:
            return None
        # Counsel count by name; members by control group (sister companies are one vote).
        voters = {self.counts_as.get(a.member, a.member) if a.member else a.representative for a in self.satisfied_by}
        return len(voters) >= self.need

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "label": self.label,
            "reason": self.reason,
            "need": self.need,
            "any_of": [a.as_dict() for a in self.any_of],
            "satisfied_by": None if self.satisfied_by is None else [a.as_dict() for a in self.satisfied_by],
            "satisfied": self.satisfied,
            "control_groups": dict(sorted(self.counts_as.items())),
            "departed": dict(sorted(self.departed.items())),
        }


@dataclass
class Review:
    """A change in governance terms and the approvals it needs."""

    base: str
    base_commit: str
    merge_base: str
    head: str
    events: list[Event]
    approvals: list[ApprovalGroup]
    changed_paths: list[str]
    as_of: str
    notes: list[str] = field(default_factory=list)
    approvals_checked: bool = False
    #: errors in the head versions of the changed record files: the review fails while any remain
    errors: list[Finding] = field(default_factory=list)

    @property
    def satisfied(self) -> bool:
        return all(g.satisfied for g in self.approvals)

    def to_json(self) -> dict[str, Any]:
        return {
            "qtgov": __version__,
            "disclaimer": disclaimer.TEXT,
            "base": self.base,
            "base_commit": self.base_commit,
            "merge_base": self.merge_base,
            "head": self.head,
            "as_of": self.as_of,
            "changed_paths": self.changed_paths,
            "errors": [
                {"path": f.path, "line": f.line, "column": f.column, "rule": f.rule, "message": f.message}
                for f in self.errors
            ],
            "events": [e.as_dict() for e in self.events],
            "approvals": [g.as_dict() for g in self.approvals],
            "approvals_checked": self.approvals_checked,
            "satisfied": self.satisfied if self.approvals_checked else None,
            "notes": self.notes,
        }


# -- reading one revision lazily -------------------------------------------------------------------


class Snapshot:
    """The record files of one commit, read on demand (all reads batched by `prefetch`)."""

    def __init__(
        self,
        repo: Any,
        commit: str,
        dirs: tuple[str, ...] = ("charter", "members", "agreements", "projects", "retrospectives"),
    ):
        self.repo = repo
        self.commit = commit
        self.files = {p: sha for p, (_mode, sha) in repo.tree(commit, dirs).items()}
        self._raw: dict[str, bytes] = {}
        self._data: dict[str, dict[str, Any] | None] = {}
        self._parser = RecordParser(repo.root)

    def prefetch(self, paths: Iterable[str]) -> None:
        wanted = {self.files[p] for p in paths if p in self.files and self.files[p] not in self._raw}
        self._raw.update(self.repo.read_blobs(wanted))

    def data(self, path: str) -> dict[str, Any] | None:
        if path not in self._data:
            sha = self.files.get(path)
            if sha is None:
                self._data[path] = None
            else:
                if sha not in self._raw:
                    self.prefetch([path])
                self._data[path] = self._parser.data(path, sha, self._raw.get(sha))
        return self._data[path]

    def member_ids(self) -> list[str]:
        out = []
        for path in self.files:
            cls = classify(path)
            if cls is not None and cls[0] == "member":
                out.append(cls[1])
        return sorted(out)

    def control(self) -> ControlTimeline:
        """Control groups over time from this commit's shareholding agreements, computed as
        everywhere else (qtgov.economics.ownership) from an index of the agreements that can
        matter: shareholdings, and whatever amends or supersedes one."""
        from qtgov.records.index import Index, Record
        from qtgov.records.yamlload import parse_bytes

        paths = sorted(p for p in self.files if (c := classify(p)) is not None and c[0] == "agreement")
        self.prefetch(paths)
        index = Index(root=Path(self.repo.root))
        for path in paths:
            raw = self._raw.get(self.files[path], b"")
            # Only these words can make an agreement change a holding: skip parsing the rest.
            if b"shareholding" not in raw and b"amends" not in raw and b"supersedes" not in raw:
                continue
            doc = parse_bytes(path, raw).document
            if doc is None or not isinstance(doc.data, dict):
                continue
            ident = path.rsplit("/", 1)[-1].removesuffix(".yaml")
            index.agreements[ident] = Record("agreement", ident, path, doc)
        return ControlTimeline(holdings(index))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _member_path(member: str) -> str | None:
    return f"members/{member}.yaml" if isinstance(member, str) and ID_RE.match(member) else None


def _parties(data: dict[str, Any] | None) -> list[str]:
    if not data:
        return []
    return [p["member"] for p in data.get("parties") or [] if isinstance(p, dict) and isinstance(p.get("member"), str)]


def _restates(data: dict[str, Any] | None) -> list[str]:
    """Ids of the agreements `data` amends or supersedes (well-formed ids only)."""
    if not data:
        return []
    targets = [data.get("amends")]
    supersedes = data.get("supersedes")
    targets += supersedes if isinstance(supersedes, list) else [supersedes]
    return [t for t in dict.fromkeys(targets) if isinstance(t, str) and ID_RE.match(t)]


def _people(data: dict[str, Any] | None) -> list[str]:
    """Members a project or retrospective names (for reading their files in one batch)."""
    if not data:
        return []
    out = [data[k] for k in ("prime", "brought_by") if isinstance(data.get(k), str)]
    out += _ids(data.get("bidders")) + _ids(data.get("authors"))
    out += [
        p["assignee"] for p in data.get("packages") or [] if isinstance(p, dict) and isinstance(p.get("assignee"), str)
    ]
    return out


def _ids(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _project_people(ident: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(member, why) for everyone whose approval a change to a project needs, from both
    versions: its prime, the member that brought it, its bidders, and the old and new assignee of
    each package that is added, removed, or changes assignee, value, share, scope or days."""
    from qtgov.gitgov.history import package_changes

    out: list[tuple[str, str]] = []
    for data in (old, new):
        if not data:
            continue
        if isinstance(data.get("prime"), str):
            out.append((data["prime"], msg("prime of {id}", id=ident)))
        if isinstance(data.get("brought_by"), str):
            out.append((data["brought_by"], msg("brought {id} to the alliance", id=ident)))
        out += [(b, msg("bidder for {id}", id=ident)) for b in _ids(data.get("bidders"))]
    for pid, (_what, _keys) in package_changes(old, new).items():
        for data in (old, new):
            for package in (data or {}).get("packages") or []:
                if isinstance(package, dict) and package.get("id") == pid and isinstance(package.get("assignee"), str):
                    why = msg("assignee of package {package} of {id}", package=pid, id=ident)
                    out.append((package["assignee"], why))
    return list(dict.fromkeys(out))


def _authors(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[str]:
    return list(dict.fromkeys([*_ids((old or {}).get("authors")), *_ids((new or {}).get("authors"))]))


# -- approvals --------------------------------------------------------------------------------------


class _Groups:
    def __init__(self, base: Snapshot, as_of: dt.date) -> None:
        from qtgov.rules.records import can_sign_on

        self.base = base
        self.as_of = as_of
        self.can_sign_on = can_sign_on
        alliance = base.data(ALLIANCE_FILE) or {}
        self.hub: str | None = alliance.get("hub") if isinstance(alliance.get("hub"), str) else None
        quorum = _dict(_dict(alliance.get("approvals")).get("quorum")).get("members", 0)
        self.quorum = quorum if isinstance(quorum, int) else 0
        counsel = _dict(alliance.get("legal")).get("counsel")
        self.counsel = {c["id"]: c for c in counsel or [] if isinstance(c, dict) and "id" in c}
        self.groups: dict[str, ApprovalGroup] = {}
        self.quorum_excluded: set[str] = set()
        self.notes: list[str] = []

    def departed(self, member: str) -> str | None:
        """The member's last day when it has left the alliance by the review's day (withdrawn,
        or a `left` day before it; "" when withdrawn without one), else None."""
        path = _member_path(member)
        data = self.base.data(path) if path else None
        if not data:
            return None
        left = parse_date(data.get("left"))
        if data.get("status") == "withdrawn" or (left is not None and left < self.as_of):
            return left.isoformat() if left else ""
        return None

    def member_unless_departed(self, member: str, reason: str) -> bool:
        """A group for `member` (True), or, when it has left the alliance, a note that it is not
        asked (False): a member that has left is no voter (as in a quorum), and asking it would
        block the change that hands its work to someone else."""
        last = self.departed(member)
        if last is None:
            self.member(member, reason)
            return True
        when = f" on {last}" if last else ""
        note = (
            f"{member} left the alliance{when}: it is not asked to approve ({reason}), and its approval would not count"
        )
        if note not in self.notes:
            self.notes.append(note)
        return False

    def representatives(self, member: str) -> list[Approver]:
        path = _member_path(member)
        data = self.base.data(path) if path else None
        if not data:
            return []
        out = []
        for rep in data.get("representatives") or []:
            if isinstance(rep, dict) and isinstance(rep.get("id"), str) and self.can_sign_on(rep, self.as_of):
                login = rep.get("github") if isinstance(rep.get("github"), str) else None
                out.append(Approver(member, rep["id"], login if login and LOGIN_RE.match(login) else None))
        return out

    @staticmethod
    def anyone_of(member: str, data: dict[str, Any]) -> list[Approver]:
        """Every representative of `member` with a GitHub user, whatever their authority."""
        out = []
        for rep in data.get("representatives") or []:
            if not isinstance(rep, dict) or not isinstance(rep.get("id"), str):
                continue
            login = rep.get("github")
            if isinstance(login, str) and LOGIN_RE.match(login):
                out.append(Approver(member, rep["id"], login))
        return out

    def member(self, member: str, reason: str, label: str | None = None) -> None:
        key = f"member:{member}"
        if key not in self.groups:
            in_base = _member_path(member) in self.base.files if _member_path(member) else False
            if label:
                text = label
            elif member == self.hub:
                text = msg("{member} (hub)", member=member)
                if not in_base:
                    text = msg("{member} (hub) (not a member in the base: cannot approve yet)", member=member)
            elif not in_base:
                text = msg("{member} (not a member in the base: cannot approve yet)", member=member)
            else:
                text = member
            self.groups[key] = ApprovalGroup(key, text, any_of=self.representatives(member))
        if reason not in self.groups[key].reasons:
            self.groups[key].reasons.append(reason)

    def hub_and_quorum(self, reason: str, exclude: Iterable[str] = ()) -> None:
        if self.hub:
            self.member(self.hub, reason)
        else:
            self.groups.setdefault("hub", ApprovalGroup("hub", msg("the hub (none named in charter/alliance.yaml)")))
            self.groups["hub"].reasons.append(reason)
        self.quorum_excluded.update(exclude)
        if self.quorum > 0:
            group = self.groups.setdefault(
                "quorum",
                ApprovalGroup(
                    "quorum", msg("quorum: {n} member(s) other than the hub", n=self.quorum), need=self.quorum
                ),
            )
            if reason not in group.reasons:
                group.reasons.append(reason)

    def counsel_group(self, reviewer: str, reason: str) -> None:
        key = f"counsel:{reviewer}"
        if key not in self.groups:
            entry = self.counsel.get(reviewer)
            if entry is None:
                self.groups[key] = ApprovalGroup(
                    key, msg("counsel {reviewer} (not a counsel in the base: cannot approve)", reviewer=reviewer)
                )
            else:
                login = entry.get("github") if isinstance(entry.get("github"), str) else None
                approver = Approver(None, reviewer, login if login and LOGIN_RE.match(login) else None)
                self.groups[key] = ApprovalGroup(key, msg("counsel {reviewer}", reviewer=reviewer), any_of=[approver])
        self.groups[key].reasons.append(reason)

    def finish(self) -> list[ApprovalGroup]:
        quorum = self.groups.get("quorum")
        if quorum is not None:
            self._fill_quorum(quorum)
        order = {"member": 0, "quorum": 1, "counsel": 2, "hub": 0}
        return sorted(self.groups.values(), key=lambda g: (order.get(g.group.split(":")[0], 3), g.group))

    def _fill_quorum(self, quorum: ApprovalGroup) -> None:
        """Active members other than the hub, one vote per control group on the review's day:
        companies the hub controls are the hub, and sister companies are one economic unit, so
        a parent cannot fill the quorum with its subsidiaries."""
        control = self.base.control()
        day = self.as_of
        hub_group = control.group_of(self.hub, day) if self.hub else None
        excluded_groups = {control.group_of(m, day) for m in self.quorum_excluded}
        members = [m for m in self.base.member_ids() if m != self.hub and m not in self.quorum_excluded]
        self.base.prefetch(p for m in members if (p := _member_path(m)))
        with_hub: list[str] = []
        with_excluded: list[str] = []
        by_group: dict[str, list[str]] = {}
        for member in members:
            data = self.base.data(f"members/{member}.yaml") or {}
            left = parse_date(data.get("left"))
            if data.get("status") == "withdrawn" or (left is not None and left < day):
                quorum.departed[member] = left.isoformat() if left else ""
                quorum.departed_approvers[member] = self.anyone_of(member, data)
                continue
            if data.get("status") != "active" or data.get("kind") == "hub":
                continue
            group = control.group_of(member, day)
            if group == hub_group:
                with_hub.append(member)
                continue
            if group in excluded_groups:
                with_excluded.append(member)
                continue
            by_group.setdefault(group, []).append(member)
            quorum.any_of.extend(self.representatives(member))
        for group, grouped in by_group.items():
            if len(grouped) > 1 or group != grouped[0]:
                quorum.counts_as.update((m, group) for m in grouped)
        parts = [quorum.label]
        if self.quorum_excluded:
            parts.append(msg(", not {members}", members=", ".join(sorted(self.quorum_excluded))))
        if with_hub:
            parts.append(msg(", not {members} (in the hub's control group)", members=", ".join(with_hub)))
        if with_excluded:
            parts.append(
                msg(", not {members} (in the control group of the member concerned)", members=", ".join(with_excluded))
            )
        if quorum.departed:
            parts.append(msg(", not {members} (left the alliance)", members=", ".join(sorted(quorum.departed))))
        shared = [grouped for grouped in by_group.values() if len(grouped) > 1]
        if shared:
            groups = "; ".join(", ".join(g) for g in shared)
            parts.append(msg("; one control group counts once: {groups}", groups=groups))
        if len(parts) > 1:
            quorum.label = joined("", parts)


def required_approvals(base: Snapshot, changes: list[Any], head_data: dict[str, Any], as_of: dt.date) -> list[Any]:
    """The approval groups for `changes` (from `git diff --raw`), computed from `base`."""
    return _required(base, changes, head_data, as_of).finish()


def _required(base: Snapshot, changes: list[Any], head_data: dict[str, Any], as_of: dt.date) -> _Groups:
    groups = _Groups(base, as_of)
    for change in changes:
        path = change.path
        cls = classify(path)
        old = base.data(path)
        new = head_data.get(path)
        if cls is not None and cls[0] == "member":
            ident = cls[1]
            if old is None or new is None:
                if new is None and change.new_blob:
                    reason = msg("member {id} file cannot be read", id=ident)
                elif old is None:
                    reason = msg("member {id} joins (new member file)", id=ident)
                else:
                    reason = msg("member {id} file deleted", id=ident)
                groups.hub_and_quorum(reason, exclude=[ident])
                continue
            moved = [k for k in MEMBERSHIP_FIELDS if old.get(k) != new.get(k)]
            if moved:
                groups.hub_and_quorum(
                    msg("membership of {id} changes ({fields})", id=ident, fields=", ".join(moved)), exclude=[ident]
                )
            others = [k for k in {*old, *new} if k not in MEMBERSHIP_FIELDS and old.get(k) != new.get(k)]
            if others or not moved:
                groups.member(ident, msg("edit of member {id}", id=ident))
        elif cls is not None and cls[0] == "agreement":
            ident = cls[1]
            before, after = _parties(old), _parties(new)
            for party in dict.fromkeys([*before, *after]):
                if _member_path(party):
                    groups.member(party, msg("party to {id}", id=ident))
            # An amendment restates an agreement: the parties of what it amends or supersedes (in
            # the base) are not new to it.
            restated = {p for target in _restates(new) for p in _parties(base.data(f"agreements/{target}.yaml"))}
            new_parties = [p for p in after if p not in before and p not in restated]
            if new_parties:
                if groups.hub:
                    names = ", ".join(new_parties)
                    if len(new_parties) > 1:
                        groups.member(groups.hub, msg("new parties to {id}: {names}", id=ident, names=names))
                    else:
                        groups.member(groups.hub, msg("new party to {id}: {names}", id=ident, names=names))
                else:
                    groups.hub_and_quorum(msg("new parties to {id}", id=ident))
            old_review = (old or {}).get("legal_review") or {}
            new_review = (new or {}).get("legal_review") or {}
            if old_review != new_review:
                reviewer = (new_review if isinstance(new_review, dict) else {}).get("reviewer") or (
                    old_review if isinstance(old_review, dict) else {}
                ).get("reviewer")
                if isinstance(reviewer, str) and reviewer:
                    groups.counsel_group(reviewer, msg("legal review of {id}", id=ident))
            if old is not None and new is not None and old.get("visibility") != new.get("visibility"):
                for party in dict.fromkeys([*before, *after]):
                    if _member_path(party):
                        groups.member(party, msg("visibility of {id} changes", id=ident))
        elif cls is not None and cls[0] in ("project", "retrospective"):
            ident = cls[1]
            if cls[0] == "project":
                people = _project_people(ident, old, new)
            else:
                people = [(m, msg("author of retrospective {id}", id=ident)) for m in _authors(old, new)]
            asked = [m for m, why in people if _member_path(m) and groups.member_unless_departed(m, why)]
            if not asked:
                # Nobody who may approve is named (all left, or the file names no member that can
                # be read): the change still needs someone, and the hub answers for the records.
                why = msg("{kind} {id} changed and names no member who can approve", kind=msg(cls[0]), id=ident)
                if groups.hub:
                    groups.member(groups.hub, why)
                else:
                    groups.hub_and_quorum(why)
        else:
            groups.hub_and_quorum(msg("{path} changed", path=path))
    return groups


# -- the review ---------------------------------------------------------------------------------


def parse_range(spec: str) -> tuple[str, str]:
    """`BASE..HEAD`, `BASE...HEAD` or `BASE` (HEAD implied) -> (base, head)."""
    if "..." in spec:
        base, _, head = spec.partition("...")
    elif ".." in spec:
        base, _, head = spec.partition("..")
    else:
        base, head = spec, "HEAD"
    if not base:
        raise UsageError(f"{spec!r}: give a range such as origin/main..HEAD")
    return base, head or "HEAD"


def review(root: Path, spec: str, *, as_of: dt.date | None = None) -> Review:
    """Review the change `spec` (`BASE..HEAD`) of the repository at `root`."""
    from qtgov.gitgov.git import REVIEW_DIRS, GitRepo

    repo = GitRepo.open(root)
    base_ref, head_ref = parse_range(spec)
    base_commit = repo.resolve(base_ref)
    head = repo.resolve(head_ref)
    merge_base = repo.merge_base(base_commit, head)
    changes = repo.diff(merge_base, head, REVIEW_DIRS)
    base = Snapshot(repo, merge_base)
    # Everything the review will read from the base, and the head versions, in one batch each.
    wanted = {c.path for c in changes} | {ALLIANCE_FILE}
    head_blobs = repo.read_blobs(c.new_blob for c in changes if c.new_blob)
    head_data = {c.path: parse_record(c.path, head_blobs.get(c.new_blob)) if c.new_blob else None for c in changes}
    errors = head_errors(changes, head_blobs)
    parties = {p for c in changes for d in (head_data.get(c.path),) for p in _parties(d)}
    base.prefetch(wanted)
    base.prefetch(f"agreements/{t}.yaml" for d in head_data.values() for t in _restates(d))
    parties |= {p for c in changes for p in _parties(base.data(c.path))}
    alliance = base.data(ALLIANCE_FILE) or {}
    hub = alliance.get("hub") if isinstance(alliance.get("hub"), str) else None
    people = {m for c in changes for d in (base.data(c.path), head_data.get(c.path)) for m in _people(d)}
    base.prefetch(p for m in [*parties, *people, *([hub] if hub else [])] if (p := _member_path(m)))
    events: list[Event] = []
    for change in changes:
        cls = classify(change.path)
        if cls is not None and change.new_blob and head_data.get(change.path) is None:
            # Unreadable is not deleted: say what happened, the errors section says why.
            if cls[0] == "member":
                summary = msg("member file {path} no longer reads as a record (see the errors)", path=change.path)
            elif cls[0] == "agreement":
                summary = msg("agreement file {path} no longer reads as a record (see the errors)", path=change.path)
            else:
                summary = msg(
                    "{kind} file {path} no longer reads as a record (see the errors)", kind=cls[0], path=change.path
                )
            events.append(Event(f"{cls[0]}-unreadable", cls[1], change.path, summary))
        elif cls is not None:
            events.extend(describe_change(change.path, base.data(change.path), head_data.get(change.path)))
        else:
            events.extend(file_event(change.path, added=change.status == "A", deleted=change.status == "D"))
    day = as_of or dt.date.today()
    groups = _required(base, changes, head_data, day)
    approvals = groups.finish()
    return Review(
        base=base_ref,
        base_commit=base_commit,
        merge_base=merge_base,
        head=head,
        events=events,
        approvals=approvals,
        changed_paths=[c.path for c in changes],
        as_of=day.isoformat(),
        notes=groups.notes,
        errors=errors,
    )


def head_errors(changes: list[Any], blobs: dict[str, bytes]) -> list[Finding]:
    """Errors in the head versions of the changed record files: what `qtgov validate` reports
    for each file on its own (file, YAML and schema checks), at file:line:col."""
    from qtgov.records.repo import check_file_name
    from qtgov.records.schemas import schema_findings
    from qtgov.records.yamlload import MAX_BYTES, parse_bytes

    found: list[Finding] = []
    for change in changes:
        cls = classify(change.path)
        if cls is None or not change.new_blob:
            continue
        kind, path = cls[0], change.path
        _ident, name_findings = check_file_name(kind, path)
        found.extend(name_findings)
        raw = blobs.get(change.new_blob)
        if raw is None:
            continue
        if len(raw) > MAX_BYTES:
            too_big = f"file is {len(raw)} bytes; the limit is {MAX_BYTES} bytes"
            found.append(Finding(path, 1, 1, "file-size", Severity.ERROR, too_big))
            continue
        result = parse_bytes(path, raw)
        found.extend(f for f in result.findings if f.severity is Severity.ERROR)
        doc = result.document
        if doc is None or result.findings:
            continue
        if doc.data is None:
            found.append(Finding(path, 1, 1, "file-empty", Severity.ERROR, msg("the file holds no record")))
        else:
            found.extend(f for f in schema_findings(kind, doc) if f.severity is Severity.ERROR)
    return sort_findings(found)


# -- approvals given -----------------------------------------------------------------------------

STATES_THAT_DECIDE = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


def load_reviews(path: Path) -> list[dict[str, Any]]:
    """Pull-request reviews as GitHub's API returns them (`GET /repos/{owner}/{repo}/pulls/{n}/reviews`):

        [{"user": {"login": "alice"}, "state": "APPROVED", "submitted_at": "2025-01-02T03:04:05Z",
          "commit_id": "<sha the review was given on>"}, ...]

    Pages are accepted both ways `gh api --paginate` writes them: one array after another
    (without `--slurp`) and one array of pages (with `--slurp`); they are flattened."""
    try:
        text = Path(path).read_text("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"--approvals {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--approvals {path}: not JSON (the file is not UTF-8 text)") from None
    values = _json_values(text, path)
    flat: list[Any] = []
    for payload in values:
        if isinstance(payload, dict) and isinstance(payload.get("reviews"), list):
            payload = payload["reviews"]
        if not isinstance(payload, list):
            raise UsageError(f"--approvals {path}: expected a JSON list of reviews")
        for item in payload:
            flat.extend(item if isinstance(item, list) else [item])
    reviews = []
    for item in flat:
        if not isinstance(item, dict) or not isinstance(item.get("user"), dict):
            raise UsageError(f"--approvals {path}: each review needs user.login and state")
        login, state = item["user"].get("login"), item.get("state")
        if not isinstance(login, str) or not isinstance(state, str):
            raise UsageError(f"--approvals {path}: each review needs user.login and state")
        reviews.append(item)
    return reviews


def _json_values(text: str, path: Path) -> list[Any]:
    """Every JSON value in `text`, one after another (whitespace between them allowed)."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position >= len(text):
            break
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError as exc:
            raise UsageError(f"--approvals {path}: not JSON ({exc})") from None
        values.append(value)
    if not values:
        raise UsageError(f"--approvals {path}: empty; expected a JSON list of reviews")
    return values


def _when(review: dict[str, Any]) -> str:
    value = review.get("submitted_at")
    if not isinstance(value, str):
        return ""
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC).isoformat()
    except ValueError:
        return value


def latest_decisions(reviews: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each user's latest deciding review (login lower-cased): APPROVED, CHANGES_REQUESTED or
    DISMISSED. Comments do not withdraw an approval, as on GitHub."""
    latest: dict[str, tuple[tuple[str, int], dict[str, Any]]] = {}
    for position, review in enumerate(reviews):
        if review.get("state") not in STATES_THAT_DECIDE:
            continue
        login = review["user"]["login"].lower()
        key = (_when(review), position)
        if login not in latest or key >= latest[login][0]:
            latest[login] = (key, review)
    return {login: review for login, (_, review) in latest.items()}


def check_approvals(result: Review, reviews: list[dict[str, Any]], *, allow_stale: bool = False) -> Review:
    """Mark each approval group satisfied or not from the reviews given. An approval given on
    another commit than the head is stale and not counted unless `allow_stale`."""
    decisions = latest_decisions(reviews)
    approved: set[str] = set()
    notes: list[str] = []
    for login, review in sorted(decisions.items()):
        if review.get("state") != "APPROVED":
            continue
        commit = review.get("commit_id")
        if isinstance(commit, str) and commit and commit != result.head and not allow_stale:
            notes.append(
                msg(
                    "@{login} approved an earlier commit ({commit}); approve the current head again",
                    login=login,
                    commit=commit[:12],
                )
            )
            continue
        approved.add(login)
    counted: set[str] = set()
    departed: dict[str, tuple[Approver, str]] = {}
    for group in result.approvals:
        group.satisfied_by = [a for a in group.any_of if a.github and a.github.lower() in approved]
        counted.update(a.github.lower() for a in group.satisfied_by if a.github)
        for member, last in group.departed.items():
            for rep in group.departed_approvers.get(member, []):
                if rep.github:
                    departed.setdefault(rep.github.lower(), (rep, last))
    for login in sorted(approved - counted):
        if login in departed:
            rep, last = departed[login]
            if last:
                note = msg(
                    "@{login} approved for {member}, which left the alliance on {day}: a member that has left is no "
                    "longer a voter, so the approval does not count toward the quorum",
                    login=login,
                    member=rep.member,
                    day=last,
                )
            else:
                note = msg(
                    "@{login} approved for {member}, which left the alliance: a member that has left is no longer a "
                    "voter, so the approval does not count toward the quorum",
                    login=login,
                    member=rep.member,
                )
            notes.append(note)
            continue
        notes.append(
            msg(
                "@{login} approved, but is not among the approvers computed from the base version (nobody approves "
                "their own addition), so the approval counts for no group",
                login=login,
            )
        )
    # Notes of the review itself (members not asked) stay; a second check does not repeat them.
    result.notes = [*dict.fromkeys([*result.notes, *notes])]
    result.approvals_checked = True
    return result


# -- rendering ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def md(text: str) -> str:
    """Record text made inert in a Markdown comment: no markup, links, HTML or @-mentions."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("@", "&#64;").replace("\n", " ")


def code(text: str) -> str:
    """Inline code for a ref or path: nothing to escape inside, but no backtick may end it early."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


def _who(approver: Approver, lang: str) -> str:
    name = md(approver.representative)
    if approver.github:
        return f"@{approver.github} ({name})"
    return render(msg("{name} (no GitHub user)", name=name), lang)


def render_markdown(result: Review, lang: str = "en") -> str:
    """The review as a pull-request comment in `lang` (record text is made inert)."""

    def say(text: str) -> str:
        return render(text, lang)

    lines = ["## qtgov review", ""]
    lines += [f"> {line}" for line in disclaimer.TEXT.splitlines()]
    head = say(
        msg(
            "Base {base} ({base_commit}) · merge base {merge_base} · head {head}",
            base=code(result.base),
            base_commit=result.base_commit[:12],
            merge_base=result.merge_base[:12],
            head=result.head[:12],
        )
    )
    lines += ["", head, ""]
    if result.errors:
        lines += [
            say(msg("### Errors in the changed files")),
            "",
            say(
                msg(
                    "{n} error(s): these files do not read as records, so what they change cannot be told and the "
                    "review fails until they are fixed.",
                    n=len(result.errors),
                )
            ),
            "",
            *[
                f"- {code(f'{f.path}:{f.line}:{f.column}')} {md(f.rule)}: {md(render(f.message, lang))}"
                for f in result.errors
            ],
            "",
        ]
    lines += [say(msg("### What changes")), ""]
    if result.events:
        lines += [f"- {code(e.path)}: {md(render(e.summary, lang))}" for e in result.events]
    else:
        lines.append(say(msg("No governance files change.")))
    lines += ["", say(msg("### Approvals needed")), ""]
    if not result.approvals:
        lines.append(say(msg("None: the change touches no governance file.")))
    else:
        lines += [
            say(msg("Computed from the base version, so nobody approves their own addition.")),
            "",
            say(msg("| | Approval | Why | Who can give it |")),
            "|---|---|---|---|",
        ]
        for group in result.approvals:
            mark = {True: "✅", False: "❌", None: "⏳"}[group.satisfied]
            who = [_who(a, lang) for a in group.any_of]
            if len(who) > 12:
                who = [*who[:12], say(msg("and {n} more", n=len(who) - 12))]
            given = ""
            if group.satisfied_by:
                given = say(
                    msg(" — approved by {logins}", logins=", ".join(f"@{a.github}" for a in group.satisfied_by))
                )
            people = _joined(who, lang) or say(msg("nobody yet"))
            label, reason = md(render(group.label, lang)), md(render(group.reason, lang))
            lines.append(f"| {mark} | {label} | {reason} | {people}{given} |")
    if result.notes:
        lines += ["", *[f"- {md(render(n, lang))}" for n in result.notes]]
    if result.approvals_checked:
        lines += ["", say(msg("**All approvals given.**")) if result.satisfied else say(msg("**Approvals missing.**"))]
    return "\n".join(lines) + "\n"


def _joined(items: list[str], lang: str) -> str:
    return render(joined(", ", items), lang)
