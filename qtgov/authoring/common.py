"""What every authoring command shares (docs/design/authoring.md): finding the repository and the
record, writing canonical text all or nothing, and the next git step with the approvals that
`qtgov review` will ask for.

No command here commits: the commit is the author's act (and a signature's provenance).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.authoring import yamldoc
from qtgov.errors import QtgovError, UsageError
from qtgov.records.index import Index
from qtgov.records.repo import ID_RE, RESERVED_IDS, find_root, load_repository
from qtgov.rules.placeholders import TODO_KEY

DIRS = {"member": "members", "agreement": "agreements", "project": "projects", "retrospective": "retrospectives"}


@dataclass
class Outcome:
    """What a command changed and what its author does next."""

    changed: list[str] = field(default_factory=list)  # "path: what changed" lines
    paths: list[str] = field(default_factory=list)  # repository-relative, to `git add`
    branch: str = ""
    subject: str = ""
    trailers: list[tuple[str, str]] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    root: Path = Path(".")

    def next_step(self) -> list[str]:
        """The exact git commands, one per line."""
        lines = [f"git switch -c {self.branch}"] if self.branch else []
        lines.append("git add " + " ".join(self.paths))
        commit = f"git commit -m {_shell(self.subject)}"
        for key, value in self.trailers:
            commit += f" --trailer {_shell(f'{key}: {value}')}"
        lines.append(commit)
        return lines


def _shell(text: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9._/:@=+-]+", text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


# -- the repository and its records -------------------------------------------------------------


def repository(start: Path) -> tuple[Path, Index]:
    """The alliance repository at (or above) `start`, loaded."""
    root = find_root(Path(start))
    if not (root / "charter" / "alliance.yaml").is_file():
        raise UsageError(f"{start}: not an alliance repository (no charter/alliance.yaml); see qtgov init")
    return root, load_repository(root, use_cache=False).index


def check_new_id(what: str, ident: str) -> None:
    if not ID_RE.match(ident):
        raise UsageError(
            f"{what} id {ident!r}: 2-63 lower-case letters, digits and hyphens, not starting with a hyphen"
        )
    if ident in RESERVED_IDS:
        raise UsageError(f"{what} id {ident!r} is reserved")


def record_path(root: Path, kind: str, ident: str) -> str:
    """The repository-relative path of a record, refusing any that would land outside the
    repository (a `members/` or `agreements/` that is a link elsewhere)."""
    relpath = f"{DIRS[kind]}/{ident}.yaml"
    inside(root, relpath)
    return relpath


def inside(root: Path, relpath: str) -> Path:
    """`root / relpath`, or UsageError when it resolves outside `root` or through a link."""
    real_root = Path(os.path.realpath(root))
    target = Path(os.path.realpath(root / relpath))
    if target != real_root and real_root not in target.parents:
        raise UsageError(f"{relpath}: outside the repository {root}; nothing written")
    probe = root
    for part in Path(relpath).parts[:-1]:
        probe = probe / part
        if probe.is_symlink():
            raise UsageError(f"{relpath}: {probe} is a link; qtgov writes records only inside the repository")
    return root / relpath


def read(root: Path, relpath: str) -> str:
    path = inside(root, relpath)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{relpath} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{relpath} cannot be read ({exc}); run qtgov validate") from None
    return text


def existing(index: Index, kind: str, ident: str) -> Any:
    """The loaded record, or UsageError naming what exists."""
    records = index.members if kind == "member" else index.agreements
    record = records.get(ident)
    if record is None:
        from qtgov.records.schema_messages import did_you_mean

        hint = did_you_mean(ident, list(records))
        raise UsageError(f"no {kind} {ident!r}{hint}")
    if not record.valid:
        raise UsageError(f"{record.path} has errors; fix them first (qtgov validate)")
    return record


def members_known(index: Index, ids: list[str]) -> None:
    from qtgov.records.schema_messages import did_you_mean

    for member in ids:
        if member not in index.members:
            raise UsageError(f"{member!r} is not a member{did_you_mean(member, list(index.members))}; nothing written")


def parse_date(text: str, option: str) -> dt.date:
    from qtgov.records.status import parse_day

    return parse_day(text, option)


# -- writing ---------------------------------------------------------------------------------


def render(kind: str, relpath: str, data: Any, *, header: str = "") -> tuple[str, dict[str, Any]]:
    """Canonical text of a round-trip document (with `header` comment lines first), checked to
    read back as intended."""
    yamldoc.canonicalize(kind, data)
    text = header + yamldoc.dump(data)
    expected = yamldoc.plain(data)
    return yamldoc.checked(relpath, text, expected), expected


def load_terms(path: Path) -> dict[str, Any]:
    """An agreement's terms from a YAML (or JSON) file: a mapping, read with qtgov's own rules."""
    from qtgov.records.yamlload import parse_text

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--terms {path}: cannot be read ({exc})") from None
    result = parse_text(str(path), text)
    if result.findings:
        f = result.findings[0]
        raise UsageError(f"--terms {path}:{f.line}:{f.column}: {f.message}")
    data = result.document.data if result.document is not None else None
    if not isinstance(data, dict):
        raise UsageError(f"--terms {path}: give the terms as a mapping (allocations:, items:, …)")
    return data


def parse_setting(item: str) -> tuple[list[str | int], Any]:
    """`terms.PATH=VALUE` as (path inside terms, value); VALUE is read as one YAML flow value
    with qtgov's own rules (`[edu, cloud]`, `40`, `acme`; dates stay text)."""
    from qtgov.records.yamlload import parse_text

    key, sep, raw = item.partition("=")
    parts = key.split(".")
    if not sep or parts[0] != "terms" or len(parts) < 2 or not all(parts) or "\n" in raw:
        raise UsageError(f"--set {item!r}: give terms.PATH=VALUE, e.g. terms.allocations.0.holder=acme")
    result = parse_text("--set", f"value: {raw}\n")
    data = result.document.data if result.document is not None else None
    if result.findings or not isinstance(data, dict) or "value" not in data:
        why = result.findings[0].message if result.findings else "not one YAML value"
        raise UsageError(f"--set {item!r}: {why}")
    path: list[str | int] = [int(p) if p.isdigit() else p for p in parts[1:]]
    return path, data["value"]


def set_terms(terms: Any, settings: list[str], convert: Any = lambda v: v) -> None:
    """Apply `--set terms.PATH=VALUE` settings to `terms` in place. Setting a value inside a
    mapping decides it: the mapping's `x-todo` note, and those of the mappings above it, go
    (TODO texts and todo- ids stay findings until they are themselves replaced)."""
    for item in settings:
        path, value = parse_setting(item)
        node = terms
        for depth, part in enumerate(path):
            last = depth == len(path) - 1
            where = "terms." + ".".join(str(p) for p in path[: depth + 1])
            if isinstance(node, dict):
                node.pop(TODO_KEY, None)
                if last:
                    node[str(part)] = convert(value)
                elif str(part) in node:
                    node = node[str(part)]
                else:
                    raise UsageError(f"--set {item!r}: there is no {where}")
            elif isinstance(node, list) and isinstance(part, int):
                if part > len(node) or (part == len(node) and not last):
                    raise UsageError(f"--set {item!r}: {where} is past the end of the list ({len(node)} items)")
                if last and part == len(node):
                    node.append(convert(value))
                elif last:
                    node[part] = convert(value)
                else:
                    node = node[part]
            else:
                raise UsageError(f"--set {item!r}: {where} is not inside a mapping or list")


def schema_check(kind: str, relpath: str, text: str, option: str) -> None:
    """UsageError, before anything is written, when the record would not match its schema (the
    only way a command writes such a record is by taking a value it was given, e.g. --terms)."""
    from qtgov.records.schemas import iter_schema_findings
    from qtgov.records.yamlload import parse_bytes

    doc = parse_bytes(relpath, text.encode("utf-8")).document  # YAML, or a Markdown retrospective
    if doc is None:
        return
    for finding in iter_schema_findings(kind, doc):
        raise UsageError(f"{option}: {finding.message} (at {finding.pointer or '/'}); nothing written")


def write_all(root: Path, files: dict[str, str], *, new: bool) -> None:
    """Write every file or none: each goes to a temporary file beside its target, and only when
    all are written are they renamed into place (a failure then restores what was there)."""
    import tempfile

    staged: list[tuple[Path, Path, bytes | None]] = []
    try:
        for relpath, text in files.items():
            target = inside(root, relpath)
            if new and os.path.lexists(target):
                raise UsageError(f"{relpath} already exists; nothing written")
            try:
                if target.parent.exists() and not target.parent.is_dir():
                    raise UsageError(
                        f"cannot write {relpath}: {target.parent.name} is not a directory; nothing written"
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                before = target.read_bytes() if target.exists() else None
                fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    fh.write(text)
            except OSError as exc:
                # A read-only repository, no permission, a full disk: the author's to fix, not a bug.
                raise UsageError(f"cannot write {relpath}: {exc.strerror or exc}; nothing written") from None
            staged.append((Path(tmp_name), target, before))
    except BaseException:
        for staged_tmp, _, _ in staged:
            staged_tmp.unlink(missing_ok=True)
        raise
    done: list[tuple[Path, bytes | None]] = []
    try:
        for staged_tmp, target, before in staged:
            os.replace(staged_tmp, target)
            done.append((target, before))
    except BaseException as exc:
        for target, before in reversed(done):
            if before is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(before)
        for staged_tmp, _, _ in staged:
            staged_tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {exc.filename or root}: {exc.strerror or exc}; nothing written") from None
        raise


# -- the approvals review will ask for ------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    """A change not committed yet, shaped like `git diff --raw` entries for the review."""

    path: str
    status: str
    old_blob: str | None
    new_blob: str | None
    new_mode: str = "100644"


def approvals(root: Path, changed: dict[str, dict[str, Any] | None], day: dt.date | None = None) -> list[str]:
    """The approval groups `qtgov review` will list for these changes once committed on top of
    HEAD, one line each; a note instead when there is no history to compute them from."""
    from qtgov.gitgov.git import GitRepo
    from qtgov.gitgov.review import Snapshot, required_approvals

    try:
        repo = GitRepo.open(root)
        head = repo.resolve("HEAD")
    except QtgovError:
        return ["(no commits yet: qtgov review computes the approvals once this repository has history)"]
    base = Snapshot(repo, head)
    changes = [
        _Pending(path, "A" if path not in base.files else "M", base.files.get(path), "worktree") for path in changed
    ]
    groups = required_approvals(base, changes, dict(changed), day or dt.date.today())
    lines = []
    for group in groups:
        people = ", ".join(
            f"{a.representative}" + (f" (@{a.github})" if a.github else " (no GitHub handle)") for a in group.any_of
        )
        need = f"{group.need} of " if group.need > 1 else ""
        lines.append(f"{group.label}: {need}{people or 'nobody yet'} — {group.reason}")
    return lines or ["none"]


#: Branches a change is not committed on directly: the next step starts a branch of its own.
MAIN_BRANCHES = ("main", "master")


def current_branch(root: Path) -> str | None:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(root), "symbolic-ref", "--quiet", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def finish(outcome: Outcome, changed: dict[str, dict[str, Any] | None]) -> Outcome:
    branch = current_branch(outcome.root)
    if branch is not None and branch not in MAIN_BRANCHES:
        outcome.branch = ""  # already on a branch of one's own: commit there
    outcome.approvals = approvals(outcome.root, changed)
    return outcome


#: What the commands accept as an email address (the schemas' own check is looser still).
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def is_noreply(address: str) -> bool:
    """A GitHub noreply address: pseudonymous, already on every commit its owner makes."""
    return address.lower().endswith("@users.noreply.github.com")
