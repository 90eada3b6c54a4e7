"""`qtgov build`: validate → site model → Markdown per language → `mkdocs build --strict` → swap.

The build happens in a temporary directory next to the output and replaces the output only when
every language built, so a failed build leaves the previous handbook as it was. That directory
holds a lock for as long as its build runs and ignores itself in git; one whose lock nobody holds
any more (its build was killed) is removed by the next build. Everything that
varies is pinned: figures are computed as of HEAD's commit date (or a fixed date without git),
MkDocs' build date is that moment, every list is sorted — two builds of one commit are
byte-identical.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov.errors import QtgovError, UsageError
from qtgov.findings import Finding
from qtgov.records.index import Index
from qtgov.records.schemas import schema_dir
from qtgov.site import i18n
from qtgov.site.escaping import html_attr, html_text, safe_url
from qtgov.site.gitdata import GitData, load_git
from qtgov.site.mkdocs_run import (
    ENGINES,
    BaseConfig,
    BuildError,
    Job,
    load_base,
    run_jobs,
    run_mkdocs,
    site_name,
    source_date_epoch,
    stop_on_sigterm,
    zensical_available,
)
from qtgov.site.model import AUDIENCES, SiteModel, blocking, compute_overlaps, resolve_as_of
from qtgov.site.pages import Site, assemble, render_docs

MARKER = ".qtgov-site"
#: Inside a build's working directory: held locked (flock) by the build for as long as it runs.
LOCK = ".qtgov-build.lock"
#: A working directory without a lock (left by a qtgov that did not lock) is stale after this long.
UNLOCKED_STALE_SECONDS = 600


class BuildBlocked(QtgovError):
    """Findings that leave pages without the data they need (parse, schema, reference errors)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"the handbook was not built: {len(findings)} error(s) leave pages without their data")
        self.findings = findings


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path | None = None  # default: <root>/site
    audience: str | None = None  # default: alliance.yaml publish.audience
    as_of: dt.date | None = None
    languages: tuple[str, ...] | None = None  # default: the alliance's languages
    repo_url: str | None = None
    history: bool = True  # read git history (timelines, provenance)
    jobs: int | None = None  # MkDocs processes at a time (default: one per language, up to the CPUs); 0: in-process
    docs_dir: Path | None = None  # keep the generated Markdown here (per language) instead of discarding it
    contribution_clones: tuple[tuple[str, Path], ...] = ()  # (agreement id, clone): contribution pages
    engine: str = "mkdocs"  # or "zensical", the optional extra (docs/design/output.md)


@dataclass
class BuildResult:
    out: Path
    audience: str
    as_of: dt.date
    languages: tuple[str, ...]
    findings: list[Finding]
    pages: int
    git: str | None  # why there is no history, when there is none
    timings: dict[str, float] = field(default_factory=dict)


def absolute(options: BuildOptions) -> BuildOptions:
    """The options with absolute paths. MkDocs resolves a relative `docs_dir` or `site_dir`
    against the directory of its configuration file (qtgov's own `mkdocs.yml` when the
    repository has none), not against the working directory."""

    def absolute_path(path: Path | None) -> Path | None:
        return None if path is None else Path(os.path.abspath(path))

    return dataclasses.replace(
        options,
        root=Path(os.path.abspath(options.root)),
        out=absolute_path(options.out),
        docs_dir=absolute_path(options.docs_dir),
    )


def prepare(options: BuildOptions) -> tuple[Site, BaseConfig, dict[str, float]]:
    """Validate and compute everything the pages show (no files written)."""
    from qtgov.validate import validate

    options = absolute(options)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    root = Path(options.root)
    validation = validate(root)
    timings["validate"] = time.perf_counter() - t0
    stop = blocking(validation.findings)
    if stop:
        raise BuildBlocked(stop)
    index = validation.index
    audience = options.audience or index.settings.audience
    if audience not in AUDIENCES:
        raise UsageError(f"--audience {audience!r}: choose public or alliance")
    t0 = time.perf_counter()
    git = load_git(root, index, with_history=options.history) if options.history or options.as_of is None else GitData()
    timings["git"] = time.perf_counter() - t0
    as_of = resolve_as_of(root, index, git, options.as_of)
    model = SiteModel(index, validation.findings, audience, as_of, git, repo_url=_repo_url(options))
    t0 = time.perf_counter()
    model.contributions = measure_contributions(index, options.contribution_clones, as_of)
    timings["contributions"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    compute_overlaps(model)
    timings["overlaps"] = time.perf_counter() - t0
    base = load_base(root)
    t0 = time.perf_counter()
    site = assemble(model, fenced_code=base.fenced_code)
    if options.languages:
        unknown = [lang for lang in options.languages if lang not in site.languages]
        if unknown:
            raise UsageError(f"--lang {', '.join(unknown)}: the alliance's languages are {', '.join(site.languages)}")
        site.languages = tuple(lang for lang in site.languages if lang in options.languages)
    timings["contexts"] = time.perf_counter() - t0
    return site, base, timings


def measure_contributions(index: Index, given: tuple[tuple[str, Path], ...], as_of: dt.date) -> dict[str, Any]:
    """Contribution reports for the handbook: the clones of alliance.yaml `contribution_clones`
    that are here and readable (validation reports the others), then those given on the command
    line, which must work (docs/design/economics.md)."""
    from qtgov.economics.contributions import configured_clones, measure

    reports: dict[str, Any] = {}
    for ident, clone in configured_clones(index).items():
        agreement = index.agreements.get(ident)
        if agreement is None or agreement.get("type") != "contribution" or not clone.is_dir():
            continue
        try:
            reports[ident] = measure(index, clone, ident, today=as_of)
        except QtgovError:
            continue
    for ident, clone in given:
        reports[ident] = measure(index, clone, ident, today=as_of)
    return reports


def _repo_url(options: BuildOptions) -> str | None:
    if options.repo_url:
        return options.repo_url
    server, repo = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repo:
        return f"{server.rstrip('/')}/{repo}"
    return None


def language_job(site: Site, base: BaseConfig, lang: str, docs_dir: Path, site_dir: Path) -> Job:
    """Write one language's Markdown and describe the MkDocs build of it."""
    nav = render_docs(site, lang, docs_dir)
    index = site.model.index
    alliance_name = index.alliance.get("name") if index.alliance is not None else None
    url = index.settings.url or base.raw.get("site_url")
    return Job(
        root=str(index.root),
        lang=lang,
        languages=list(site.languages),
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        nav=[[title, path] for title, path in nav],
        home_title=i18n.t("home", lang),
        charter_title=i18n.t("charter", lang),
        site_name=site_name(alliance_name, lang, site.languages),
        site_url=f"{str(url).rstrip('/')}/{lang}/" if url else None,
        footer=footer(site.model, lang),
    )


def build_date() -> dt.date:
    """The day the handbook is built: `SOURCE_DATE_EPOCH` when it is set (reproducible builds),
    else today in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(tz=dt.UTC).date()


def footer(model: SiteModel, lang: str) -> dict[str, str]:
    """The footer's lines: the build date, and the commit built (its short id, linked to the
    commit on the repository's web page when `--repo-url`, the CI or the git remote says where)."""
    lines = {"built": i18n.t("footer_built", lang).format(date=build_date().isoformat())}
    head = model.git.head
    if not head:
        lines["commit"] = i18n.t("footer_no_commit", lang)
        return lines
    lines["commit"] = i18n.t("footer_commit", lang).format(sha=head[:7])
    base = safe_url(model.repo_url or model.git.remote_url or "")
    if base:
        lines["commit_url"] = f"{base.rstrip('/')}/commit/{head}"
    return lines


def render_language(site: Site, base: BaseConfig, lang: str, docs_dir: Path, site_dir: Path) -> dict[str, object]:
    """Write one language's Markdown and return the MkDocs overrides that build it."""
    return language_job(site, base, lang, docs_dir, site_dir).options()[1]


def _check_out(root: Path, out: Path, shown: Path) -> None:
    """Refuse output directories whose replacement would destroy something else (`shown` is the
    output as the user gave it, for the messages)."""
    out_r, root_r = out.resolve(), root.resolve()
    if out_r == root_r or out_r in root_r.parents:
        raise UsageError(f"--out {shown}: the output would replace the repository itself")
    if root_r in out_r.parents and out_r.relative_to(root_r).parts[0] in (
        "members",
        "agreements",
        "charter",
        "schemas",
    ):
        raise UsageError(f"--out {shown}: inside the repository's record directories")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise UsageError(
            f"--out {shown}: exists and is not a handbook qtgov built (no {MARKER} in it); choose another directory "
            "or remove it"
        )


def work_prefix(out: Path) -> str:
    """The name prefix of the working directories of builds into `out` (beside it)."""
    return f".{out.name}.build-"


def remove_stale(out: Path) -> list[Path]:
    """Remove the working directories that builds into `out` left behind when they were killed
    (SIGKILL, a power cut): those whose lock nobody holds, or, without a lock, older than
    UNLOCKED_STALE_SECONDS. A build still running holds its lock and keeps its directory.
    Returns the directories removed."""
    removed: list[Path] = []
    prefix = work_prefix(out)
    try:
        entries = [p for p in out.parent.iterdir() if p.name.startswith(prefix)]
    except FileNotFoundError:
        return removed
    for path in sorted(entries):
        if path.is_symlink() or not path.is_dir():
            continue  # not ours: a build only ever makes directories
        if _stale(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _stale(work: Path) -> bool:
    try:
        fd = os.open(work / LOCK, os.O_RDWR)
    except FileNotFoundError:
        try:
            return time.time() - work.stat().st_mtime > UNLOCKED_STALE_SECONDS
        except FileNotFoundError:  # removed meanwhile by its own build
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # its build is running
    finally:
        os.close(fd)  # also releases a lock just taken
    return True


def _unwritable(shown: Path, exc: OSError) -> UsageError:
    where = Path(exc.filename) if exc.filename else shown
    if where.name.startswith(work_prefix(shown)):  # the working directory's own name says nothing
        where = where.parent
    return UsageError(
        f"cannot write the handbook to {shown}: {where}: {exc.strerror or exc}; choose a writable directory with --out"
    )


@contextlib.contextmanager
def _work_dir(out: Path, shown: Path) -> Iterator[Path]:
    """A fresh working directory beside `out`, locked while the build runs and removed after it.

    The lock file is locked before it gets its name, so another build never sees it unlocked
    while this one is alive. The `.gitignore` keeps the directory out of `git status` even in a
    repository whose own .gitignore does not know it, should the build be killed."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(out)
        work = Path(tempfile.mkdtemp(prefix=work_prefix(out), dir=out.parent))
    except OSError as exc:
        raise _unwritable(shown, exc) from exc
    fd: int | None = None
    try:
        try:
            (work / ".gitignore").write_text(
                "# The working directory of a qtgov build, removed when the build ends.\n*\n", encoding="utf-8"
            )
            fd = os.open(work / f"{LOCK}.new", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.replace(work / f"{LOCK}.new", work / LOCK)
        except OSError as exc:
            raise _unwritable(shown, exc) from exc
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if fd is not None:
            os.close(fd)


def _redirect(site: Site) -> bytes:
    """The root page: it sends a browser to the first language's edition and, for readers whose
    browser does not follow the refresh (or who want the other language), links every edition,
    each marked with its own language. Titled with the alliance's name in the first language."""
    first = site.languages[0]
    alliance = site.model.index.alliance
    name = site_name(alliance.get("name") if alliance is not None else None, first, site.languages)
    target = html_attr(f"{first}/")
    links = "".join(
        f'<li><a href="{html_attr(lang)}/" lang="{html_attr(lang)}" hreflang="{html_attr(lang)}">'
        f"{html_text(i18n.t('edition_in_language', lang))}</a></li>"
        for lang in site.languages
    )
    return (
        f'<!doctype html>\n<html lang="{html_attr(first)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={target}">'
        f'<link rel="canonical" href="{target}"><title>{html_text(name)}</title></head>'
        f"<body><h1>{html_text(name)}</h1><p>{html_text(i18n.t('redirect_note', first))}</p>"
        f"<ul>{links}</ul></body></html>\n"
    ).encode()


def build(options: BuildOptions) -> BuildResult:
    """Build the handbook into `options.out` atomically; the previous output survives a failure."""
    shown = Path(options.out) if options.out is not None else Path(options.root) / "site"
    options = absolute(options)
    root = options.root
    out = options.out if options.out is not None else root / "site"
    _check_out(root, out, shown)
    if options.engine not in ENGINES:
        raise UsageError(f"--engine {options.engine!r}: choose {' or '.join(ENGINES)}")
    if options.engine == "zensical" and not zensical_available():
        raise UsageError("--engine zensical: Zensical is not installed; install it with pip install 'qtgov[zensical]'")
    site, base, timings = prepare(options)
    with stop_on_sigterm(), _work_dir(out, shown) as work:
        staged = work / "site"
        staged.mkdir()
        docs_root = options.docs_dir if options.docs_dir is not None else work / "docs"
        pages = 0

        def jobs() -> Iterator[Job]:
            """Each language's job, its Markdown written just before it is handed over (so the
            next language is written while the engine builds this one)."""
            nonlocal pages
            for lang in site.languages:
                t0 = time.perf_counter()
                docs, site_dir = docs_root / lang, staged / lang
                if options.engine == "zensical":
                    docs, site_dir = _zensical_project(work, lang) / "docs", _zensical_project(work, lang) / "site"
                if docs.exists():
                    shutil.rmtree(docs)
                job = dataclasses.replace(language_job(site, base, lang, docs, site_dir), engine=options.engine)
                timings[f"render-{lang}"] = time.perf_counter() - t0
                pages += sum(1 for _ in docs.rglob("*.md"))
                yield job

        epoch = _epoch(site.model)
        parallel = options.jobs if options.jobs is not None else min(len(site.languages), os.cpu_count() or 1)
        if options.engine == "zensical":
            parallel = max(parallel, 1)  # Zensical runs in a child process only
        t0 = time.perf_counter()
        if parallel == 0:
            with source_date_epoch(epoch):
                for job in jobs():
                    t1 = time.perf_counter()
                    run_mkdocs(*job.options())
                    timings[f"mkdocs-{job.lang}"] = time.perf_counter() - t1
        else:
            results = run_jobs(jobs(), parallel=parallel, epoch=epoch)
            for r in results:
                timings[f"mkdocs-{r.lang}"] = r.seconds
                if r.cpu_seconds is not None:
                    timings[f"mkdocs-{r.lang}-cpu"] = r.cpu_seconds
                if r.max_rss_mb is not None:
                    timings[f"mkdocs-{r.lang}-max-rss-mb"] = r.max_rss_mb
            failed = [r for r in results if r.error]
            if failed:
                raise BuildError("; ".join(f"{r.lang}: {r.error}" for r in failed))
        if options.engine == "zensical":
            for lang in site.languages:
                project = _zensical_project(work, lang)
                os.replace(project / "site", staged / lang)
                if options.docs_dir is not None:
                    options.docs_dir.mkdir(parents=True, exist_ok=True)
                    shutil.rmtree(options.docs_dir / lang, ignore_errors=True)
                    shutil.move(project / "docs", options.docs_dir / lang)
        timings["mkdocs"] = time.perf_counter() - t0
        (staged / "index.html").write_bytes(_redirect(site))
        # Beside the language folders too: the schemas' `$id`s and the modeline `qtgov init` writes
        # name <site>/schemas/<kind>.schema.json (docs/design/schemas.md).
        (staged / "schemas").mkdir(exist_ok=True)
        for schema in sorted(schema_dir().glob("*.schema.json")):
            shutil.copyfile(schema, staged / "schemas" / schema.name)
        (staged / MARKER).write_text("built by qtgov build; replaced on every build\n", encoding="utf-8")
        try:
            _swap(staged, out, work)
        except OSError as exc:
            raise _unwritable(shown, exc) from exc
    model = site.model
    return BuildResult(
        shown,
        model.audience,
        model.as_of,
        site.languages,
        model.findings,
        pages,
        None if model.git.available else model.git.error,
        timings,
    )


def _zensical_project(work: Path, lang: str) -> Path:
    """Where Zensical builds one language: its own folder in the working directory, holding the
    Markdown and the pages. Zensical wants both inside the folder of its configuration, and a
    clean build empties that folder's `.cache`, so the folder is never one of the user's (the
    parent of `BuildOptions.docs_dir` and the output could be their home) nor shared by two languages
    building side by side (one's emptying made the other panic)."""
    return work / f"zensical-{lang}"


def _epoch(model: SiteModel) -> int:
    if model.git.head_timestamp is not None and model.git.head_date == model.as_of:
        return model.git.head_timestamp
    return int(dt.datetime.combine(model.as_of, dt.time(), tzinfo=dt.UTC).timestamp())


def _swap(staged: Path, out: Path, work: Path) -> None:
    """Replace `out` with `staged`: two renames within one directory, the old output restored if
    the second fails."""
    old = work / "previous"
    had_old = out.exists()
    if had_old:
        os.replace(out, old)
    try:
        os.replace(staged, out)
    except OSError:
        if had_old:
            os.replace(old, out)
        raise
