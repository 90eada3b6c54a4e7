"""The MkDocs side: one plain `mkdocs.yml` as the base, per language overridden only where a
language differs (docs and site directories, theme language, alternates, nav), and a strict
build. No hooks and no plugins of qtgov's own: moving to Zensical, which reads `mkdocs.yml`,
must cost a config change."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qtgov import disclaimer
from qtgov.errors import QtgovError
from qtgov.site import i18n
from qtgov.site.escaping import html_text

SITE_DIR = Path(__file__).resolve().parent
DEFAULT_CONFIG = SITE_DIR / "mkdocs.yml"
THEME_DIR = SITE_DIR / "theme"

#: Extensions the generated pages need (tables, `<div markdown>` blocks, fenced code in charters).
REQUIRED_EXTENSIONS = ("toc", "tables", "md_in_html")
#: Settings that make readers' browsers contact third parties or let files run code at build time.
FORBIDDEN_KEYS = {
    "repo_url": "Material would call api.github.com from every reader's browser; link the repository in the charter",
    "hooks": "qtgov keeps mkdocs.yml plain: no Python hooks",
}
FORBIDDEN_EXTENSIONS = {
    "pymdownx.snippets": "snippets can include any file of the repository (such as .env) into a page",
}

LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


class BuildError(QtgovError):
    """MkDocs could not build the handbook (a warning in strict mode, a bad config, …)."""


@dataclass
class LanguageBuild:
    lang: str
    docs_dir: Path
    site_dir: Path
    nav: list[tuple[str, str]]
    home_title: str
    charter_title: str


@dataclass
class BaseConfig:
    path: Path
    raw: dict[str, Any]
    extensions: list[str] = field(default_factory=list)

    @property
    def fenced_code(self) -> bool:
        return "fenced_code" in self.extensions or "markdown.extensions.fenced_code" in self.extensions


def _extension_names(raw: Any) -> list[str]:
    names: list[str] = []
    for item in raw or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            names.extend(str(k) for k in item)
    return names


def load_base(root: Path) -> BaseConfig:
    """The repository's `mkdocs.yml`, or qtgov's default when it has none; refused when it sets
    something that would break the handbook's promises."""
    from mkdocs.utils.yaml import yaml_load

    path = root / "mkdocs.yml"
    if not path.is_file():
        path = DEFAULT_CONFIG
    try:
        with open(path, "rb") as fd:
            raw = yaml_load(fd)
    except Exception as exc:  # MkDocs' ConfigurationError, YAML errors
        raise BuildError(f"{path}: cannot read the MkDocs configuration: {exc}") from exc
    if not isinstance(raw, dict):
        raise BuildError(f"{path}: not a MkDocs configuration (expected a mapping)")
    problems = [f"{key}: {why}" for key, why in FORBIDDEN_KEYS.items() if raw.get(key)]
    extensions = _extension_names(raw.get("markdown_extensions"))
    problems += [
        f"markdown_extensions {name}: {why}" for name, why in FORBIDDEN_EXTENSIONS.items() if name in extensions
    ]
    theme = raw.get("theme")
    theme_name = theme if isinstance(theme, str) else (theme or {}).get("name") if isinstance(theme, dict) else None
    if theme_name not in (None, "material"):
        problems.append(f"theme: qtgov renders with Material for MkDocs (theme.name: material), not {theme_name!r}")
    if problems:
        raise BuildError(f"{path}: " + "; ".join(problems))
    return BaseConfig(path, raw, extensions)


def _plugins(raw: Any) -> list[Any]:
    plugins = list(raw) if isinstance(raw, list) else ([raw] if raw else [])
    names = _extension_names(plugins)
    if not any(n in ("search", "material/search") for n in names):
        plugins.insert(0, "search")
    return plugins


def overrides(
    base: BaseConfig,
    build: LanguageBuild,
    languages: tuple[str, ...],
    *,
    site_name: str,
    site_url: str | None,
    dev: bool = False,
    footer: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The top-level keys that differ per language (everything else comes from the base)."""
    raw = copy.deepcopy(base.raw)  # MkDocs changes the option values it is given
    theme = raw.get("theme")
    theme = {"name": theme} if isinstance(theme, str) else dict(theme or {"name": "material"})
    theme.update(name="material", language=build.lang, custom_dir=str(THEME_DIR), font=False)
    extra = dict(raw.get("extra") or {})
    extra["alternate"] = [
        {"name": LANGUAGE_NAMES.get(code, code), "link": f"../{code}/" if not dev else f"/{code}/", "lang": code}
        for code in languages
    ]
    extra["qtgov"] = {"disclaimer": {"zh": disclaimer.ZH, "en": disclaimer.EN}}
    if footer:
        extra["qtgov"]["footer"] = dict(footer)
    extensions = list(raw.get("markdown_extensions") or [])
    names = _extension_names(extensions)
    for name in REQUIRED_EXTENSIONS:
        if name not in names and f"markdown.extensions.{name}" not in names:
            extensions.append(name)
    if not any("fences" in n or "fenced_code" in n for n in names):
        extensions.append("fenced_code")
    nav: list[Any] = [{html_text(build.home_title): "index.md"}]
    charter = [{title: path} for title, path in build.nav if path.startswith("charter/")]
    if charter:
        nav.append({html_text(build.charter_title): charter})
    nav.extend({title: path} for title, path in build.nav if not path.startswith("charter/"))
    out: dict[str, Any] = {
        "site_name": html_text(site_name),
        "docs_dir": str(build.docs_dir),
        "site_dir": str(build.site_dir),
        "theme": theme,
        "extra": extra,
        "extra_css": [*list(raw.get("extra_css") or []), "assets/qtgov/qtgov.css"],
        "extra_javascript": [*list(raw.get("extra_javascript") or []), "assets/qtgov/qtgov.js"],
        "markdown_extensions": extensions,
        "plugins": _plugins(raw.get("plugins")),
        "nav": nav,
        "not_in_nav": "/members/*.md\n/agreements/*.md\n/projects/*.md\n/retrospectives/*.md\n/rules/*.md\n",
        "strict": True,
    }
    if site_url:
        out["site_url"] = site_url
    return out


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def source_date_epoch(timestamp: int | None) -> Iterator[None]:
    """Pin MkDocs' build date (sitemap `lastmod`, the gzip header) to the as-of moment."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    if timestamp is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(timestamp)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def run_mkdocs(config_file: Path, options: dict[str, Any]) -> None:
    """`mkdocs build --strict` with these overrides; BuildError with MkDocs' warnings if it fails."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    quiet_jieba()

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    logger.addHandler(collect)
    # MkDocs logs INFO lines for every build; keep them out of qtgov's output.
    previous_level = logger.level
    if logger.level == logging.NOTSET or logger.level < logging.WARNING:
        logger.setLevel(logging.WARNING)
    propagate = logger.propagate
    logger.propagate = False
    try:
        config = load_config(config_file=str(config_file), **options)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except Exception as exc:  # MkDocs raises click's Abort, ConfigurationError, BuildError, …
        details = "; ".join(dict.fromkeys(collect.messages)) or str(exc) or type(exc).__name__
        raise BuildError(f"mkdocs build --strict failed: {details}") from exc
    finally:
        logger.removeHandler(collect)
        logger.setLevel(previous_level)
        logger.propagate = propagate
    if collect.messages:  # pragma: no cover - strict mode already aborts on warnings
        raise BuildError("mkdocs build --strict failed: " + "; ".join(dict.fromkeys(collect.messages)))


ENGINES = ("mkdocs", "zensical")


def zensical_available() -> bool:
    """Whether the optional Zensical engine is installed (`pip install 'qtgov[zensical]'`)."""
    import importlib.util

    return importlib.util.find_spec("zensical") is not None


def run_zensical(config_file: Path, options: dict[str, Any]) -> None:
    """Build with Zensical from the same configuration MkDocs gets: the base `mkdocs.yml` with the
    overrides merged in. Zensical (0.0.73) stops with a Rust panic on an absolute `docs_dir` and
    refuses a `docs_dir` or `site_dir` outside the configuration file's folder, so the file goes in
    the common parent of the two, which it names relatively; a clean build empties that folder's
    `.cache`, so the pipeline gives each language a folder of its own (`_zensical_project`)."""
    import tempfile

    import yaml
    from mkdocs.utils.yaml import yaml_load

    if not zensical_available():
        raise BuildError("--engine zensical: Zensical is not installed; install it with pip install 'qtgov[zensical]'")
    import zensical

    with open(config_file, "rb") as fd:
        config = yaml_load(fd) or {}
    config.update(options)
    # Zensical's own look ("modern") has other markup than Material's; "classic" is Material's.
    config["theme"] = {**config.get("theme", {}), "variant": "classic"}
    script = search_labels_script(str(config["theme"].get("language") or "en"))
    if script is not None:
        target = Path(config["docs_dir"]) / SEARCH_LABELS_JS
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(script, encoding="utf-8")
        config["extra_javascript"] = [*list(config.get("extra_javascript") or []), SEARCH_LABELS_JS]
    parent = os.path.commonpath([os.path.abspath(config["docs_dir"]), os.path.abspath(config["site_dir"])])
    handle, name = tempfile.mkstemp(prefix=".qtgov-zensical-", suffix=".yml", dir=parent)
    os.close(handle)
    path = Path(name)
    try:
        for key in ("docs_dir", "site_dir"):
            config[key] = os.path.relpath(config[key], parent)
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            zensical.build(str(path), {"clean": True, "strict": True})
        except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException (a BaseException)
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise BuildError(f"zensical build failed: {exc or type(exc).__name__}") from exc
    finally:
        path.unlink(missing_ok=True)


#: Where a Zensical build's page gets the script that puts its search dialog's labels into the
#: page's language (relative to the docs folder).
SEARCH_LABELS_JS = "assets/qtgov/zensical-search.js"
#: The English labels of Zensical 0.0.73's search dialog, by their UI string key (qtgov.site.i18n).
SEARCH_LABELS = {
    "zs_search": "Search",
    "zs_close": "Close search",
    "zs_filters": "Filters",
    "zs_results": "Search results",
    "zs_tags": "Tags",
    "zs_tags_hint": "Use Up and Down arrow keys to move between tags. Press Space or Enter to toggle a tag.",
}


def search_labels_script(lang: str) -> str | None:
    """The script that puts Zensical's search dialog into `lang` (None for English, which it is
    already in): the labels as JSON in front of qtgov/site/zensical-search.js."""
    if i18n.t("zs_search", lang) == SEARCH_LABELS["zs_search"]:
        return None  # an English page: the dialog is in its language already
    labels = {
        "words": {english: i18n.t(key, lang) for key, english in SEARCH_LABELS.items()},
        "one": i18n.t("zs_one_result", lang),
        "many": i18n.t("zs_n_results", lang),
        "none": i18n.t("zs_no_results", lang),
    }
    source = (SITE_DIR / "zensical-search.js").read_text(encoding="utf-8")
    # `<` escaped so that no label could ever end a script element.
    data = json.dumps(labels, ensure_ascii=False).replace("<", "\\u003c")
    return f"window.QT_SEARCH_LABELS = {data};\n{source}"


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Let SIGTERM (`kill`, a service manager, a cancelled CI job) stop a build or the server the
    way Ctrl-C does, so their temporary directories are removed; Python's default for SIGTERM
    exits at once, cleaning nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass(frozen=True)
class Job:
    """One language's MkDocs build, as plain data a child process can run on its own."""

    root: str
    lang: str
    languages: list[str]
    docs_dir: str
    site_dir: str
    nav: list[list[str]]
    home_title: str
    charter_title: str
    site_name: str
    site_url: str | None
    #: The footer's lines in this language: `built`, `commit` and, when known, `commit_url`.
    footer: dict[str, str] = field(default_factory=dict)
    engine: str = "mkdocs"  # or "zensical" (ENGINES)

    def options(self) -> tuple[Path, dict[str, Any]]:
        base = load_base(Path(self.root))
        build = LanguageBuild(
            self.lang,
            Path(self.docs_dir),
            Path(self.site_dir),
            [(title, path) for title, path in self.nav],
            self.home_title,
            self.charter_title,
        )
        return base.path, overrides(
            base, build, tuple(self.languages), site_name=self.site_name, site_url=self.site_url, footer=self.footer
        )


@dataclass
class JobResult:
    lang: str
    seconds: float
    error: str | None = None
    cpu_seconds: float | None = None  # the child's user + system time
    max_rss_mb: float | None = None  # the child's peak resident memory


def run_jobs(jobs: Iterable[Job], *, parallel: int, epoch: int | None) -> list[JobResult]:
    """Run MkDocs for each language in its own process, `parallel` at a time. A child holds only
    MkDocs' own data (the records stay in the parent), and languages build side by side.

    `jobs` is taken one ahead: right after a job's process starts, the next job is asked for, so
    given a generator that writes each language's Markdown as it yields its job, the parent
    writes the next language while MkDocs builds this one."""
    import json
    import subprocess
    import sys
    import tempfile
    import time

    env = dict(os.environ)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    results: list[JobResult] = []
    pending = iter(jobs)
    running: list[tuple[Job, subprocess.Popen[bytes], float, Path]] = []
    with tempfile.TemporaryDirectory(prefix="qtgov-mkdocs-") as tmp, _stop_children(running):
        upcoming = next(pending, None)
        while upcoming is not None or running:
            while upcoming is not None and len(running) < max(1, parallel):
                job = upcoming
                spec = Path(tmp) / f"{job.lang}.json"
                spec.write_text(json.dumps(job.__dict__, ensure_ascii=False), encoding="utf-8")
                err_path = Path(tmp) / f"{job.lang}.err"
                with open(err_path, "wb") as err:  # the child keeps its own handle
                    proc = subprocess.Popen(
                        [sys.executable, "-m", "qtgov.site.mkdocs_run", str(spec)],
                        stdout=subprocess.DEVNULL,
                        stderr=err,
                        env=env,
                    )
                running.append((job, proc, time.perf_counter(), err_path))
                upcoming = next(pending, None)  # written while this one builds
            job, proc, started, err_path = running[0]
            code = proc.wait()
            running.pop(0)  # only now: an interruption while waiting stops this one too
            message = err_path.read_text("utf-8", "replace").strip()
            error = None if code == 0 else (message or f"mkdocs exited with status {code}")
            usage: dict[str, float] = {}
            with contextlib.suppress(OSError, ValueError):
                usage = json.loads(spec_result(Path(tmp), job.lang).read_text("utf-8"))
            results.append(
                JobResult(
                    job.lang, time.perf_counter() - started, error, usage.get("cpu_seconds"), usage.get("max_rss_mb")
                )
            )
    return results


@contextlib.contextmanager
def _stop_children(running: list[tuple[Job, Any, float, Path]]) -> Iterator[None]:
    """When the build is interrupted (Ctrl-C, SIGTERM) or fails, the MkDocs processes still
    running are stopped too, rather than left writing into a directory that is being removed."""
    try:
        yield
    except BaseException:
        for _job, proc, _started, _err in running:
            proc.kill()
            proc.wait()
        raise


def spec_result(tmp: Path, lang: str) -> Path:
    return tmp / f"{lang}.usage.json"


def _main(argv: list[str]) -> int:
    """Child process entry: `python -m qtgov.site.mkdocs_run JOB.json` (writes its resource
    usage next to the job file)."""
    import json
    import resource
    import sys

    spec = Path(argv[0])
    job = Job(**json.loads(spec.read_text(encoding="utf-8")))
    try:
        config_file, options = job.options()
        if job.engine == "zensical":
            run_zensical(config_file, options)
        else:
            run_mkdocs(config_file, options)
            from qtgov.site.search import tidy_index

            tidy_index(Path(options["site_dir"]))
    except QtgovError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spec_result(spec.parent, job.lang).write_text(
        json.dumps({"cpu_seconds": usage.ru_utime + usage.ru_stime, "max_rss_mb": peak_rss_mb()}), encoding="utf-8"
    )
    return 0


def peak_rss_mb() -> float | None:
    """This process's own peak resident memory. (`ru_maxrss` would not do in a child: Linux
    carries the parent's high-water mark across fork and exec.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def quiet_jieba() -> None:
    """jieba (which Material's search uses) prints its dictionary loading to stderr; silence it."""
    try:
        import jieba
    except ImportError:  # pragma: no cover - a dependency
        return
    jieba.setLogLevel(logging.WARNING)


def site_name(alliance_name: Any, lang: str, languages: tuple[str, ...]) -> str:
    name = i18n.pick(alliance_name, lang, languages)
    return name or i18n.t("handbook", lang)


if __name__ == "__main__":
    import sys

    raise SystemExit(_main(sys.argv[1:]))
