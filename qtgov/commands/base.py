"""What every command shares: qtgov's click group (errors to exit codes, never a traceback),
the repository option, output helpers and the exit codes. Only `qtgov.cli` and the modules of
`qtgov.commands` import click; everything below them returns values."""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from qtgov import __version__, disclaimer
from qtgov.errors import QtgovError, UsageError
from qtgov.findings import Finding, Severity, sort_findings

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])
_REPO_PATH = click.Path(file_okay=False, path_type=Path)

_REPO_HELP = (
    "The alliance repository (default: the one the current directory is in, found by looking "
    "upwards for charter/alliance.yaml, as git finds its work tree)."
)


class _DeprecatedRepoArgument(click.Argument):
    """The positional REPO some commands used to take: still accepted, no longer advertised."""

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return []


def _repository(option: Path | None, positional: Path | None, lang: str | None = None) -> Path:
    """The root a command works on, from -C/--repo or the deprecated positional form; says on
    stderr (in the command's `--lang`, else the environment's language) when the positional
    form is used and when the root is not the directory given."""
    from qtgov.messages import msg, render, resolve_lang

    ctx = click.get_current_context()
    if positional is not None:
        command = f"qtgov {ctx.info_name} -C {shlex.quote(str(positional))}"
        note = msg("qtgov: the positional REPO argument is deprecated; use `{command}`", command=command)
        click.echo(render(note, resolve_lang(lang)), err=True)
        if option is not None and option.resolve() != positional.resolve():
            raise UsageError(f"two repositories given ({positional} and -C {option}); give only -C")
    from qtgov.records.repo import find_root

    start = option or positional or Path(".")
    root = find_root(start)
    if root != start:
        # Reports name paths relative to the root, so say which root that is.
        note = msg("qtgov: using the alliance repository at {root}", root=str(root))
        click.echo(render(note, resolve_lang(lang)), err=True)
    return root


def _with_repository(command: F, *, positional: bool) -> F:
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang")
        kwargs["repo"] = _repository(
            kwargs.pop("repo"), kwargs.pop("legacy_repo", None), lang if isinstance(lang, str) else None
        )
        return command(*args, **kwargs)

    option = click.option("--repo", "-C", "repo", default=None, metavar="PATH", type=_REPO_PATH, help=_REPO_HELP)
    decorated = option(run)
    if positional:
        decorated = click.argument(
            "legacy_repo", cls=_DeprecatedRepoArgument, required=False, default=None, type=_REPO_PATH
        )(decorated)
    return decorated  # type: ignore[return-value]


def repo_option(command: F) -> F:
    """`-C/--repo PATH`, the one way every command is told which repository to work on. The
    command receives `repo`, the repository's root (see `qtgov.records.repo.find_root`)."""
    return _with_repository(command, positional=False)


def repo_argument(command: F) -> F:
    """`repo_option` for the commands that used to take REPO positionally: the old form still
    works, with a deprecation note on stderr."""
    return _with_repository(command, positional=True)


# Which record files each answer is drawn from (repository-relative path prefixes).
RECORD_FILES = ("charter/alliance.yaml", "charter/taxonomy/", "members/", "agreements/")


def unreadable_files(findings: Iterable[Finding], prefixes: Iterable[str] = RECORD_FILES) -> list[Finding]:
    """The first error of each record file under `prefixes` that failed to load, in path order.
    A file with a load error is not in the index, so every answer drawn from the index leaves it out."""
    wanted = tuple(prefixes)
    first: dict[str, Finding] = {}
    for finding in sort_findings(findings):
        inside = finding.path.startswith(wanted) or f"{finding.path}/" in wanted
        if inside and finding.severity is Severity.ERROR:
            first.setdefault(finding.path, finding)
    return list(first.values())


def report_unreadable(
    findings: Iterable[Finding], consequence: str, prefixes: Iterable[str] = RECORD_FILES, lang: str = "en"
) -> bool:
    """Say on stderr, in `lang`, which record files could not be read (each at file:line:col
    with its first problem) and what that means for the answer (`consequence`, a `msg`); true
    when there were any. The caller then exits EXIT_FINDINGS, as validate does for errors in records."""
    from qtgov.messages import msg, render

    files = unreadable_files(findings, prefixes)
    for f in files:
        line = msg(
            "{where}: error [{rule}] {message}", where=f"{f.path}:{f.line}:{f.column}", rule=f.rule, message=f.message
        )
        click.echo(render(line, lang), err=True)
    if len(files) == 1:
        summary = msg(
            "qtgov: 1 record file could not be read, so {consequence}; fix it first "
            "(`qtgov validate` lists every problem)",
            consequence=consequence,
        )
        click.echo(render(summary, lang), err=True)
    elif files:
        summary = msg(
            "qtgov: {n} record files could not be read, so {consequence}; fix them first "
            "(`qtgov validate` lists every problem)",
            n=len(files),
            consequence=consequence,
        )
        click.echo(render(summary, lang), err=True)
    return bool(files)


def lang_option(command: F) -> F:
    """`--lang zh|en`: the language of a command's text report, as for `validate`."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default=None,
        help="Language of the text report (default: QTGOV_LANG, else a zh or en locale, else the "
        "alliance's first language, else en). JSON output stays in English.",
    )(command)


def report_lang(option: str | None, languages: Callable[[], tuple[str, ...]] | tuple[str, ...] = ()) -> str:
    """The language a text report is in: `--lang`, the environment, the alliance's first language."""
    from qtgov.messages import resolve_lang

    return resolve_lang(option, languages)


def alliance_languages(root: Path) -> tuple[str, ...]:
    """The alliance's languages from charter/alliance.yaml alone, for a command that does not
    load the records otherwise; none when the file cannot be read."""
    from qtgov.records.index import Settings
    from qtgov.records.yamlload import load_file

    document = load_file(root, "charter/alliance.yaml").document
    if document is None or not isinstance(document.data, dict):
        return ()
    try:
        return Settings.from_data(document.data).languages
    except (TypeError, ValueError, AttributeError):
        return ()


def fail(message: str) -> NoReturn:
    click.echo(f"qtgov: {message}", err=True)
    sys.exit(EXIT_USAGE)


def color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def write(text: str, output: Path | None) -> None:
    if output is None:
        emit(text)
        return
    from qtgov.fsutil import atomic_write_text

    atomic_write_text(output, text)


def json_text(payload: dict[str, Any]) -> str:
    body = {"qtgov": __version__, "disclaimer": disclaimer.TEXT, **payload}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


class QtgovGroup(click.Group):
    """Maps qtgov's errors to exit 2 with a one-line message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QtgovError as exc:
            fail(str(exc))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            fail("interrupted")
        except BrokenPipeError:
            # The reader went away (`qtgov … | head`): click's own handler stops quietly (exit 1).
            raise
        except Exception as exc:  # a bug in qtgov: say so plainly; QTGOV_DEBUG=1 shows the traceback
            if os.environ.get("QTGOV_DEBUG"):
                raise
            fail(f"internal error ({type(exc).__name__}: {exc}); rerun with QTGOV_DEBUG=1 and report it")
