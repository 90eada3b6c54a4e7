"""Discover and load an alliance repository's record files into an Index (per-file findings
included). A bad file never stops the run: it becomes findings and an entry in `Index.known`."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from qtgov.errors import RepositoryError
from qtgov.findings import Finding, Related, Severity
from qtgov.messages import msg
from qtgov.records.cache import FileCache
from qtgov.records.filework import compute_all, pool_size, resolve_jobs
from qtgov.records.index import Index, Record
from qtgov.records.statcache import StatIndex
from qtgov.records.yamlload import LoadResult, read_raw

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,62}\Z")
RESERVED_IDS = frozenset({"shared"})
ALLIANCE_FILE = "charter/alliance.yaml"
TAXONOMY_DIR = "charter/taxonomy"
RECORD_DIRS = ("charter", TAXONOMY_DIR, "members", "agreements", "projects", "retrospectives")


@dataclass
class LoadedRepository:
    index: Index
    findings: list[Finding] = field(default_factory=list)
    workers: int = 0  # worker processes that parsed files (0: all in this process)
    computed: int = 0  # files parsed and checked (not answered by the per-file cache)
    digests: dict[str, str] = field(default_factory=dict)  # sha256 of each record file read, by path


# What a reported path may not contain: controls (a newline would forge a report line), bidi
# overrides, and lone surrogates (bytes that were not UTF-8 in the file name; they cannot be encoded).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def display_path(relpath: str) -> str:
    """A path as reports may show it: unprintable characters and undecodable bytes escaped."""
    return _UNPRINTABLE.sub(lambda m: _escape(m.group()), relpath)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.listdir's surrogateescape for an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _name_finding(path: str, message: str) -> Finding:
    return Finding(display_path(path), 1, 1, "file-name", Severity.ERROR, message)


def _list_dir(root: Path, rel: str) -> list[str]:
    """Entries of a record directory (dot-files skipped), repository-relative, sorted."""
    full = root / rel
    try:
        st = os.lstat(full)
    except FileNotFoundError:
        return []
    if not stat.S_ISDIR(st.st_mode):
        return []
    return sorted(f"{rel}/{name}" for name in os.listdir(full) if not name.startswith("."))


def hidden_records(root: Path) -> list[Finding]:
    """Dot-files in record directories that look like records (`.acme.yaml`): never read, so
    reported rather than silently skipped. Other dot-files (`.gitkeep`, swap files) and Emacs'
    `.#name` lock links are tools' business."""
    linked = linked_directories(root)
    findings: list[Finding] = []
    for rel in (TAXONOMY_DIR, "members", "agreements", "projects", "retrospectives"):
        if any(rel == d or rel.startswith(f"{d}/") for d in linked) or not os.path.isdir(root / rel):
            continue
        for name in sorted(os.listdir(root / rel)):
            looks = (".yaml", ".yml", ".md") if rel == "retrospectives" else (".yaml", ".yml")
            if name.startswith(".") and not name.startswith(".#") and name.lower().endswith(looks):
                shown = name.lstrip(".")
                findings.append(
                    _name_finding(
                        f"{rel}/{name}",
                        msg(
                            "hidden file {name} is not read as a record; rename it to {shown} or delete it",
                            name=repr(display_path(name)),
                            shown=repr(display_path(shown)),
                        ),
                    )
                )
    return findings


def linked_directories(root: Path) -> list[str]:
    """Record directories that are symbolic links (the outermost link only); never followed."""
    linked: list[str] = []
    for rel in RECORD_DIRS:
        if any(rel.startswith(f"{outer}/") for outer in linked):
            continue
        if os.path.islink(root / rel):
            linked.append(rel)
    return linked


def _directory_findings(root: Path) -> list[Finding]:
    """Record directories that are links (never followed) or not directories at all."""
    linked = linked_directories(root)
    findings = [
        Finding(
            rel,
            1,
            1,
            "file-type",
            Severity.ERROR,
            msg("a symbolic link to a directory is not followed; commit the directory itself"),
        )
        for rel in linked
    ]
    for rel in RECORD_DIRS:
        if any(rel == d or rel.startswith(f"{d}/") for d in linked):
            continue
        try:
            mode = os.lstat(root / rel).st_mode
        except OSError:
            continue
        if not stat.S_ISDIR(mode):
            findings.append(
                Finding(rel, 1, 1, "file-type", Severity.ERROR, msg("{rel} must be a directory of records", rel=rel))
            )
    return findings


def discover(root: Path) -> list[tuple[str, str]]:
    """(kind, relative path) of every record file in the repository, never through a linked directory."""
    linked = linked_directories(root)

    def reachable(rel: str) -> bool:
        return not any(rel == d or rel.startswith(f"{d}/") for d in linked)

    files: list[tuple[str, str]] = []
    if reachable("charter") and os.path.lexists(root / ALLIANCE_FILE):
        files.append(("alliance", ALLIANCE_FILE))
    for kind, rel in (
        ("taxonomy", TAXONOMY_DIR),
        ("member", "members"),
        ("agreement", "agreements"),
        ("project", "projects"),
        ("retrospective", "retrospectives"),
    ):
        if reachable(rel):
            files.extend((kind, p) for p in _list_dir(root, rel))
    return files


def check_file_name(kind: str, relpath: str) -> tuple[str | None, list[Finding]]:
    """The record id a file name implies, or findings when the name is not a usable id."""
    name = relpath.rsplit("/", 1)[-1]
    if kind == "alliance":
        return None, []
    if display_path(name) != name:
        return None, [
            _name_finding(
                relpath,
                msg(
                    "file name '{name}' has unprintable characters or bytes that are not UTF-8",
                    name=display_path(name),
                ),
            )
        ]
    stem, dot, ext = name.rpartition(".")
    if kind == "retrospective" and dot and ext == "md":
        pass  # a Markdown retrospective: front matter and body (docs/design/projects.md)
    elif kind == "retrospective" and (not dot or ext != "yaml"):
        return None, [
            _name_finding(relpath, msg("retrospective files end in .yaml or .md: rename {name}", name=repr(name)))
        ]
    elif not dot or ext != "yaml":
        return None, [_name_finding(relpath, msg("record files end in .yaml: rename {name}", name=repr(name)))]
    if not ID_RE.match(stem):
        return None, [
            _name_finding(
                relpath,
                msg(
                    "file name {name} is not a lower-case slug (letters a-z, digits and '-', 2-63 characters)",
                    name=repr(name),
                ),
            )
        ]
    if stem in RESERVED_IDS and kind != "taxonomy":
        return None, [_name_finding(relpath, msg("{stem} is reserved and cannot be a record id", stem=repr(stem)))]
    return stem, []


def find_root(start: Path) -> Path:
    """The alliance repository that `start` is in, found as git finds its work tree: `start`
    itself when it looks like one (the old rule: charter/alliance.yaml or a members/ directory),
    else the nearest directory above holding charter/alliance.yaml. The search stops at the top
    of the git work tree (a directory holding .git), so it never wanders into an unrelated
    repository above; when nothing is found `start` is returned and loading says why."""
    if not start.is_dir() or os.path.lexists(start / ALLIANCE_FILE) or os.path.isdir(start / "members"):
        return start
    here = start.resolve()
    for directory in (here, *here.parents):
        if directory != here and os.path.lexists(directory / ALLIANCE_FILE):
            return directory
        if os.path.lexists(directory / ".git"):
            break
    return start


def check_root(root: Path) -> None:
    """Raise RepositoryError unless `root` looks like an alliance repository."""
    if not root.is_dir():
        raise RepositoryError(f"{root}: not a directory")
    if not (root / ALLIANCE_FILE).exists() and not (root / "members").is_dir():
        raise RepositoryError(f"{root}: not an alliance repository (no {ALLIANCE_FILE} and no members/ directory)")


def input_digest(root: Path, stats: StatIndex | None = None) -> str:
    """A digest of everything `load_repository` reads: the layout findings, every record file's
    path and bytes (or why it cannot be read) and the charter pages' names. Equal digests give an
    equal index, so a run's findings can be reused (`cache.ResultCache`); files outside the
    records that rules read are checked separately (`Index.observed`). A file whose `lstat` is
    unchanged since it was last hashed is not read again (`statcache.StatIndex`; `stats` is
    the one to use and save, else the repository's own is opened and saved)."""
    root = Path(root)
    check_root(root)
    own = stats is None
    index = StatIndex.open(root) if stats is None else stats
    digest = hashlib.sha256()
    for finding in _directory_findings(root) + hidden_records(root):
        digest.update(f"{finding!r}\n".encode("utf-8", "surrogateescape"))
    for kind, relpath in discover(root):
        digest.update(f"{kind}\0{relpath}\0".encode("utf-8", "surrogateescape"))
        _ident, name_findings = check_file_name(kind, relpath)
        if name_findings:
            digest.update(b"bad name\n")
            continue
        content, read_findings = index.digest(root, relpath)
        if content is None:
            digest.update(f"{read_findings!r}\n".encode("utf-8", "surrogateescape"))
        else:
            digest.update(f"{content[0]}\0".encode() + content[1] + b"\n")
    pages, page_findings = _charter_pages(root)
    digest.update(f"{pages!r}{page_findings!r}".encode("utf-8", "surrogateescape"))
    if own:
        index.save()
    return digest.hexdigest()


def load_repository(root: Path, *, use_cache: bool = True, jobs: int | None = None) -> LoadedRepository:
    """Load every record file of the repository at `root`. Files the per-file cache cannot
    answer are parsed and schema-checked by `jobs` worker processes (default: `QTGOV_JOBS`, else
    one per CPU) when there are enough of them; the result does not depend on the count."""
    root = Path(root)
    check_root(root)
    workers = resolve_jobs(jobs)
    cache = FileCache.open(root) if use_cache else None
    index = Index(root=root)
    findings = _directory_findings(root) + hidden_records(root)
    files = discover(root)
    twins = _retrospective_twins(files)
    # First the names, the reads and the cache; then the files left to compute, all at once.
    slots: list[tuple[str, str, str | None, list[Finding], tuple[LoadResult, list[Finding]] | None]] = []
    tasks: list[tuple[str, str, bytes]] = []
    waiting: list[int] = []
    digests: dict[str, str] = {}
    for kind, relpath in files:
        ident, name_findings = check_file_name(kind, relpath)
        loaded: tuple[LoadResult, list[Finding]] | None = None
        if not name_findings and relpath not in twins:
            raw, read_findings = read_raw(root, relpath)
            if raw is not None:
                digests[relpath] = hashlib.sha256(raw).hexdigest()
            if raw is None:
                loaded = (LoadResult(None, read_findings), [])
            elif cache is not None and (hit := cache.get(relpath, raw)) is not None:
                loaded = hit
            else:
                waiting.append(len(slots))
                tasks.append((kind, relpath, raw))
        slots.append((kind, relpath, ident, name_findings, loaded))
    for slot, task, (result, schema_errors, entry) in zip(waiting, tasks, compute_all(tasks, workers), strict=True):
        kind, relpath, ident, name_findings, _ = slots[slot]
        slots[slot] = (kind, relpath, ident, name_findings, (result, schema_errors))
        if cache is not None:
            if entry is None:
                cache.put(relpath, task[2], result, schema_errors)
            else:
                cache.put_entry(relpath, task[2], entry)
    computed, pool = len(tasks), pool_size(len(tasks), workers)
    del tasks
    for kind, relpath, ident, name_findings, loaded in slots:
        findings.extend(name_findings)
        if relpath in twins and not name_findings:
            # The same retrospective twice: the .yaml is read, the .md is the finding.
            other = twins[relpath]
            findings.append(
                Finding(
                    relpath,
                    1,
                    1,
                    "duplicate-id",
                    Severity.ERROR,
                    msg(
                        "retrospective {ident} is written twice, here and in {other}: keep one of the two files",
                        ident=repr(ident),
                        other=other,
                    ),
                    related=(Related(other, 1, 1, msg("the other file of {ident}", ident=repr(ident))),),
                )
            )
            index.known[kind].add(ident if ident is not None else relpath)
            continue
        if loaded is None:
            continue
        result, schema_errors = loaded
        findings.extend(result.findings)
        findings.extend(schema_errors)
        # Known even when broken, so that it is not also reported as missing or unknown.
        index.known[kind].add(ident if ident is not None else relpath)
        doc = result.document
        if doc is None:
            continue
        valid = not result.findings and not schema_errors
        if kind == "alliance":
            index.alliance = Record(
                kind, str((doc.data or {}).get("id", "")) if isinstance(doc.data, dict) else "", relpath, doc, valid
            )
            continue
        assert ident is not None
        record = Record(kind, ident, relpath, doc, valid)
        if kind == "taxonomy":
            scheme = record.get("scheme") if valid else None
            if isinstance(scheme, str):
                index.taxonomies[scheme] = record
            continue
        if valid and relpath.endswith(".md") and "lang" not in record.data:
            # The body is in the alliance's first language unless the front matter says otherwise
            # (a new mapping: the cached one must not remember one alliance's default).
            doc.data = {**record.data, "lang": index.settings.languages[0]}
        if valid:
            getattr(index, f"{kind}s")[ident] = record
    if cache is not None and computed >= _worth_saving(len(files)):
        cache.save(keep={p for _, p in files})
    index.charter_pages, page_findings = _charter_pages(root)
    findings.extend(page_findings)
    return LoadedRepository(index, findings, pool, computed, digests)


def _worth_saving(files: int) -> int:
    """How many freshly parsed files make rewriting the per-file cache worth it: one in a
    hundred. The cache is one JSON file of every parsed document; after an edit of a few files
    in a large repository, writing it all again costs more than parsing those few again on the
    next miss (at 9,000 files: about 2 s against 2 ms a file). Files not saved are simply
    parsed again; deleted files' entries are dropped at the next save."""
    return max(1, files // 100)


def _retrospective_twins(files: list[tuple[str, str]]) -> dict[str, str]:
    """`retrospectives/<id>.md` -> `retrospectives/<id>.yaml` for each id written both ways."""
    paths = {p for kind, p in files if kind == "retrospective"}
    return {p: f"{p[:-3]}.yaml" for p in paths if p.endswith(".md") and f"{p[:-3]}.yaml" in paths}


def _charter_pages(root: Path) -> tuple[list[str], list[Finding]]:
    """Names of the regular `charter/*.md` files; a link or other non-regular file is a finding
    (the handbook publishes these pages, so a link could publish a file from outside)."""
    if "charter" in linked_directories(root):
        return [], []
    pages: list[str] = []
    findings: list[Finding] = []
    for rel in _list_dir(root, "charter"):
        if not rel.endswith(".md"):
            continue
        mode = os.lstat(root / rel).st_mode
        if stat.S_ISREG(mode):
            pages.append(rel.rsplit("/", 1)[-1])
        elif stat.S_ISLNK(mode):
            findings.append(
                Finding(
                    display_path(rel),
                    1,
                    1,
                    "file-type",
                    Severity.ERROR,
                    msg("symbolic links are not followed; commit the page itself"),
                )
            )
        else:
            findings.append(Finding(display_path(rel), 1, 1, "file-type", Severity.ERROR, msg("not a regular file")))
    return pages, findings
