"""`qtgov validate --base REF`: the checks that compare a change with its base (docs/design/git.md).

The working tree is validated as usual; the base version is the merge base of REF and HEAD
(`git merge-base`), loaded through the same loader as the working tree from blobs read in one
`git cat-file --batch`. Then:

- lifecycle against the base: status moves, executed content edited, executed files deleted,
  amendments in place, representatives deleted (rules in `qtgov.rules.history`);
- provenance of every signature and legal review the change adds (`qtgov.gitgov.provenance`);
- every finding is marked `new` (True when the base does not have it). Only new findings fail
  the run: an existing problem never fails a pull request that did not cause it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qtgov.findings import Finding, Severity, sort_findings
from qtgov.gitgov.git import RECORD_DIRS, REVIEW_DIRS, Change, GitRepo
from qtgov.gitgov.provenance import Provenance, acts_of, provenance_report
from qtgov.messages import msg
from qtgov.records.agreements import stated_interval
from qtgov.records.hashing import UNSIGNED_KEYS
from qtgov.records.index import Index, Record
from qtgov.rules.history import (
    AMENDMENT_IN_PLACE,
    EXECUTED_DELETED,
    PROVENANCE,
    REPRESENTATIVE_REMOVED,
    SIGNED_CONTENT_EDITED,
    STATUS_MOVE,
)
from qtgov.validate import Validation, run_checks
from qtgov.validate import validate as validate_tree

ALLOWED_MOVES: dict[str | None, frozenset[str]] = {
    None: frozenset({"draft", "proposed", "executed"}),
    "draft": frozenset({"proposed", "executed", "cancelled"}),
    "proposed": frozenset({"draft", "executed", "rejected", "cancelled"}),
    "executed": frozenset({"terminated"}),
}
SIGNED = ("executed", "terminated")


@dataclass
class BaseResult:
    """What `validate --base` returns to the CLI."""

    validation: Validation  # findings carry `new`
    changed_paths: list[str]
    base: str
    merge_base: str
    head: str
    provenance: list[Provenance] = field(default_factory=list)


def validate_against_base(
    root: Path, base: str, *, require_signed_commits: bool = False, use_cache: bool = True
) -> BaseResult:
    """Validate the working tree of `root` and compare it with the merge base of `base` and HEAD."""
    root = Path(root)
    repo = GitRepo.open(root)
    head = repo.head()
    merge_base = repo.merge_base(repo.resolve(base), head)
    changes = repo.diff(merge_base, None, REVIEW_DIRS)
    current = validate_tree(root, use_cache=use_cache)
    index = current.index
    with _base_tree(root, use_cache) as scratch:
        base_index, base_findings = load_revision(repo, merge_base, scratch, use_cache=use_cache)
    base_index.root = root  # rules that look at other files of the repository see the same ones
    base_findings += run_checks(base_index)

    findings = list(current.findings)
    findings += lifecycle_findings(base_index, index, changes, began=lambda: repository_began(repo))
    prov = _provenance(root, repo, index, base_index, changes, require_signed_commits)
    imports = _accepted_imports(index, base_index, prov, lambda: repository_began(repo))
    for p in prov:
        if p.new and not p.vouched and p.path in imports and p.act == "signature":
            # Signed on paper before the repository began: no commit can vouch for it. The parties'
            # approvals of the importing pull request (review --check-approvals) stand in.
            findings.append(
                PROVENANCE.finding(
                    p.path, p.line, p.column,
                    msg(
                        "the signature of {person} for {member} predates this repository (imported: true): git "
                        "cannot vouch for it; the parties' approvals of this pull request stand in",
                        person=p.person, member=p.member),
                    pointer=p.pointer, severity=Severity.INFO,
                )
            )  # fmt: skip
            continue
        if p.new and not p.vouched:
            severity = Severity.WARNING if p.commit is None else Severity.ERROR
            what = (
                msg("signature of {person} for {member}", person=p.person, member=p.member)
                if p.act == "signature"
                else msg("legal review by {person}", person=p.person)
            )
            findings.append(
                PROVENANCE.finding(
                    p.path, p.line, p.column,
                    msg("git cannot vouch for the {what}: {reason}", what=what, reason=p.reason), pointer=p.pointer,
                    severity=severity,
                )
            )  # fmt: skip
    marked = mark_new(findings, base_findings)
    return BaseResult(
        Validation(index, sort_findings(marked)),
        sorted(c.path for c in changes),
        base,
        merge_base,
        head,
        prov,
    )


def _finding_key(f: Finding) -> tuple[str, str, str, str]:
    return (f.path, f.rule, f.pointer, f.message)


def mark_new(findings: list[Finding], base_findings: list[Finding]) -> list[Finding]:
    """Mark each finding `new` unless the base has the same one (same path, rule, pointer and
    message; lines may have moved). Base findings are matched at most once each."""
    available = Counter(_finding_key(f) for f in base_findings)
    out = []
    for f in sort_findings(findings):
        key = _finding_key(f)
        if available[key] > 0:
            available[key] -= 1
            out.append(replace(f, new=False))
        else:
            out.append(replace(f, new=True))
    return out


# -- the base revision --------------------------------------------------------------------------


@contextlib.contextmanager
def _base_tree(root: Path, use_cache: bool) -> Iterator[Path]:
    """A directory to write the base revision's record files into.

    With the cache on it is one stable directory per repository, so that the per-file cache
    (keyed by path and bytes) makes loading the base cheap from the second run on; a lock keeps
    concurrent runs apart. Otherwise a fresh temporary directory."""
    from qtgov.records.cache import cache_dir

    if use_cache and not os.environ.get("QTGOV_NO_CACHE"):
        key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:24]
        home = cache_dir() / "base-trees" / key
        try:
            home.mkdir(parents=True, exist_ok=True)
            lock = open(home / ".lock", "w")  # noqa: SIM115 - held for the duration of the block
        except OSError:
            lock = None
        if lock is not None:
            try:
                _lock(lock)
                tree = home / "tree"
                shutil.rmtree(tree, ignore_errors=True)
                tree.mkdir()
                yield tree
                return
            finally:
                lock.close()
    with tempfile.TemporaryDirectory(prefix="qtgov-base-") as tmp:
        yield Path(tmp)


def _lock(fh: Any) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def load_revision(repo: GitRepo, rev: str, scratch: Path, *, use_cache: bool = True) -> tuple[Index, list[Finding]]:
    """Load the record files of commit `rev` with the same loader as the working tree: their
    blobs (one `git cat-file --batch`) are written under `scratch` and loaded from there."""
    from qtgov.records.repo import load_repository

    tree = repo.tree(rev, RECORD_DIRS)
    blobs = repo.read_blobs(sha for _, sha in tree.values())
    scratch_resolved = scratch.resolve()
    for path, (mode, sha) in tree.items():
        target = scratch / path
        # git never stores such paths, but the check is cheap and keeps writes inside scratch.
        if ".." in path.split("/") or path.startswith("/") or not target.resolve().is_relative_to(scratch_resolved):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        content = blobs.get(sha, b"")
        if mode == "120000":
            os.symlink(os.fsdecode(content), target)
        else:
            target.write_bytes(content)
    if not (scratch / "charter").exists() and not (scratch / "members").exists():
        return Index(root=scratch), []
    loaded = load_repository(scratch, use_cache=use_cache)
    return loaded.index, loaded.findings


# -- lifecycle ----------------------------------------------------------------------------------


def _agreement_id(path: str) -> str | None:
    if path.startswith("agreements/") and path.endswith(".yaml") and path.count("/") == 1:
        return path[len("agreements/") : -len(".yaml")]
    return None


def _member_id(path: str) -> str | None:
    if path.startswith("members/") and path.endswith(".yaml") and path.count("/") == 1:
        return path[len("members/") : -len(".yaml")]
    return None


def repository_began(repo: GitRepo) -> dt.date | None:
    """The day of the repository's first commit (the root of HEAD's first-parent line)."""
    log = repo.read_log()
    if not log.first_parent:
        return None
    try:
        return dt.date.fromisoformat(log.commits[log.first_parent[-1]].committer_date[:10])
    except ValueError:
        return None


def lifecycle_findings(
    base: Index, head: Index, changes: list[Change], *, began: Callable[[], dt.date | None] = lambda: None
) -> list[Finding]:
    """docs/design/records.md's lifecycle between the base and the head of a change. `began`
    gives the day the repository began (asked only when an imported agreement arrives)."""
    out: list[Finding] = []
    for change in changes:
        ident = _agreement_id(change.path)
        if ident is not None:
            out.extend(_agreement_lifecycle(ident, change, base.agreements.get(ident), head, began))
            continue
        ident = _member_id(change.path)
        if ident is not None:
            old, new = base.members.get(ident), head.members.get(ident)
            if old is not None and new is not None:
                out.extend(_representatives(old, new))
    return out


def _agreement_lifecycle(
    ident: str, change: Change, old: Record | None, head: Index, began: Callable[[], dt.date | None]
) -> Iterator[Finding]:
    new = head.agreements.get(ident)
    deleted = not os.path.lexists(head.root / change.path)
    if deleted:
        if old is not None and old.get("status") in SIGNED:
            yield EXECUTED_DELETED.finding(
                change.path,
                1,
                1,
                msg(
                    "agreement {ident} is {get} in the base and its file was deleted; executed and terminated "
                    "agreements stay in the repository (terminate it with status: terminated instead)",
                    ident=ident,
                    get=old.get("status"),
                ),
            )
        return
    if new is None:
        return  # the head version does not load or fails its schema: those findings say why
    before = old.get("status") if old is not None else None
    after = new.get("status")
    moves = ALLOWED_MOVES.get(before, frozenset())
    if old is None and new.get("imported") is True and after == "terminated":
        moves = moves | {"terminated"}  # an agreement that ended before the repository began
        yield from _import_findings(ident, new, began())
    if before != after and after not in moves:
        allowed = ", ".join(sorted(moves)) or "none"
        origin = f"from {before}" if before else "for a new agreement"
        hint = ""
        if old is None and after == "terminated":
            hint = " (an agreement that ended before this repository began is added with imported: true)"
        yield STATUS_MOVE.finding(
            *_at(new, "status"),
            msg(
                "status {value} → {after} is not allowed; allowed {origin}: {allowed}{hint}",
                value=before or "(new)",
                after=after,
                origin=origin,
                allowed=allowed,
                hint=hint,
            ),
            pointer="/status",
        )
    if old is None or before not in SIGNED:
        return
    yield from _signed_edits(ident, old, new)


def _accepted_imports(
    head: Index, base: Index, prov: list[Provenance], began: Callable[[], dt.date | None]
) -> set[str]:
    """Paths of new imported agreements that ended before the repository began (see
    `_import_findings`); the repository's start is looked up only if there is a candidate."""
    candidates = {
        a.path: a
        for a in head.agreements.values()
        if a.get("imported") is True and a.get("status") == "terminated" and a.id not in base.agreements
    }
    if not candidates or not any(p.path in candidates for p in prov):
        return set()
    start = began()
    out = set()
    for path, agreement in candidates.items():
        interval = stated_interval(agreement)
        last = interval.last_day if interval is not None else None
        if start is not None and last is not None and last < start:
            out.add(path)
    return out


def _import_findings(ident: str, new: Record, began: dt.date | None) -> Iterator[Finding]:
    """An imported agreement arrives terminated only if its last day in force came before the
    repository's first commit: anything later had its lifecycle here, in pull requests."""
    interval = stated_interval(new)
    last = interval.last_day if interval is not None else None
    if began is None:
        return
    if last is None or last >= began:
        when = f"its last day in force is {last.isoformat()}" if last else "it states no last day in force"
        yield STATUS_MOVE.finding(
            *_at(new, "imported"),
            msg(
                "{ident} is imported as terminated, but {when} and this repository began on {isoformat}: only an "
                "agreement that ended before then can arrive terminated; add it as executed and terminate it in a "
                "later change",
                ident=ident,
                when=when,
                isoformat=began.isoformat(),
            ),
            pointer="/imported",
        )


def _signed_edits(ident: str, old: Record, new: Record) -> Iterator[Finding]:
    if old.content_sha256 != new.content_sha256:
        keys = [
            k
            for k in [*new.data, *(k for k in old.data if k not in new.data)]
            if k not in UNSIGNED_KEYS and old.data.get(k) != new.data.get(k)
        ]
        present = [k for k in keys if k in new.data]
        if present:
            first = min(present, key=lambda k: _at(new, k, key=True)[1:])
            inner = _first_difference(old.data.get(first), new.data.get(first), (first,))
            where = _at(new, *inner)
        else:
            first, inner, where = (keys[0] if keys else ""), (), (new.path, 1, 1)
        listed = ", ".join(keys) or "the content"
        if "version" in keys or "amends" in keys:
            yield AMENDMENT_IN_PLACE.finding(
                *where,
                msg(
                    "{ident} is {get}: it is amended by a new file with amends: {ident}, not in place (changed here: "
                    "{listed})",
                    ident=ident,
                    get=old.get("status"),
                    listed=listed,
                ),
                pointer=_pointer(inner),
            )
        else:
            yield SIGNED_CONTENT_EDITED.finding(
                *where,
                msg(
                    "{ident} is {get}: its signed content never changes (changed here: {listed}); amend it with a "
                    "new file that says amends: {ident}",
                    ident=ident,
                    get=old.get("status"),
                    listed=listed,
                ),
                pointer=_pointer(inner),
            )
    if acts_of({"signatures": old.get("signatures")}) != acts_of({"signatures": new.get("signatures")}):
        yield SIGNED_CONTENT_EDITED.finding(
            *_at(new, "signatures", key=True),
            msg("{ident} is {get}: its signatures never change", ident=ident, get=old.get("status")),
            pointer="/signatures",
        )
    moving = old.get("status") == "executed" and new.get("status") == "terminated"
    if not moving and (old.get("termination") or None) != (new.get("termination") or None):
        yield SIGNED_CONTENT_EDITED.finding(
            *_at(new, "termination", key=True),
            msg(
                "{ident} is {get}: the termination is recorded once, when the status moves from executed to terminated",
                ident=ident,
                get=old.get("status"),
            ),
            pointer="/termination",
        )


def _first_difference(old: Any, new: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """The path of the first value (in document order) that differs, as deep as it exists in `new`."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key, value in new.items():
            if key not in old:
                return (*path, key)
            if old[key] != value:
                return _first_difference(old[key], value, (*path, key))
        return path
    if isinstance(old, list) and isinstance(new, list):
        for i, value in enumerate(new):
            if i >= len(old):
                return (*path, i)
            if old[i] != value:
                return _first_difference(old[i], value, (*path, i))
        return path
    return path


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{p}" for p in path)


def _representatives(old: Record, new: Record) -> Iterator[Finding]:
    new_ids = {r.get("id") for r in new.get("representatives") or [] if isinstance(r, dict)}
    for rep in old.get("representatives") or []:
        if isinstance(rep, dict) and rep.get("id") not in new_ids:
            where = _at(new, "representatives", key=True) if new.get("representatives") else (new.path, 1, 1)
            yield REPRESENTATIVE_REMOVED.finding(
                *where,
                msg(
                    "representative {get} of {id} was deleted; close their entry with until: <last day> instead, so "
                    "their signatures stay verifiable",
                    get=rep.get("id"),
                    id=old.id,
                ),
                pointer="/representatives",
            )


def _at(record: Record, *path: str | int, key: bool = False) -> tuple[str, int, int]:
    mark = record.key_mark(*path) if key else record.mark(*path)
    return record.path, mark.line, mark.column


# -- provenance of what the change adds ----------------------------------------------------------


def _provenance(
    root: Path, repo: GitRepo, head: Index, base: Index, changes: list[Change], require_signed: bool
) -> list[Provenance]:
    """Provenance of the signatures and reviews in the changed agreements, `new` when the base
    version of the agreement does not have them."""
    changed = {ident for c in changes if (ident := _agreement_id(c.path)) is not None and ident in head.agreements}
    if not changed:
        return []
    report = provenance_report(root, require_signed=require_signed, agreements=changed, index=head, repo=repo)
    from qtgov.gitgov.provenance import review_key, signature_key

    out = []
    for p in report:
        old = base.agreements.get(p.agreement)
        old_keys = acts_of(old.data) if old is not None else set()
        record = head.agreements[p.agreement]
        if p.act == "signature" and p.position is not None:
            key = signature_key(record.get("signatures")[p.position])
        else:
            key = review_key(record.get("legal_review") or {}) or ()
        out.append(replace(p, new=key not in old_keys))
    return out
