"""Commands on the records themselves: validate, hash, status, overlaps, rules."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import click

from qtgov import disclaimer
from qtgov.commands.base import (
    EXIT_FINDINGS,
    EXIT_OK,
    RECORD_FILES,
    color,
    default_format,
    emit,
    json_text,
    lang_option,
    repo_argument,
    report_lang,
    report_unreadable,
    write,
)
from qtgov.errors import UsageError
from qtgov.findings import Finding
from qtgov.messages import msg


@click.command()
@repo_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default=None,
    help="Output format (default: text; github when GITHUB_ACTIONS is set).",
)
@click.option("--strict", is_flag=True, help="Warnings fail the run too (exit 1).")
@click.option(
    "--base", metavar="REF", help="Compare with this git revision: lifecycle moves, provenance, new findings."
)
@click.option(
    "--require-signed-commits",
    is_flag=True,
    help="With --base: a signature counts as vouched for only in a commit SSH-signed by its signatory.",
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the validation cache.")
@click.option(
    "--jobs",
    "-j",
    metavar="N",
    help="Worker processes that parse and check changed files (default: QTGOV_JOBS, else one per CPU; "
    "1 = none). The report is the same for any N.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of the text and github reports (default: QTGOV_LANG, else a zh or en locale, else the "
    "alliance's first language, else en). JSON and SARIF messages stay in English.",
)
@click.option(
    "--contributions-repo",
    "contribution_clones",
    multiple=True,
    metavar="AGREEMENT=PATH",
    help="A local clone of a contribution agreement's project: report rebalancing-due (repeatable).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
def validate(
    repo: Path,
    fmt: str | None,
    strict: bool,
    base: str | None,
    require_signed_commits: bool,
    no_cache: bool,
    jobs: str | None,
    lang: str | None,
    contribution_clones: tuple[str, ...],
    output: Path | None,
) -> None:
    """Check every record of the repository (-C PATH; default: the one the current directory is in)
    and report all findings.

    Exit 0 when there are no errors, 1 when there are errors (or warnings with --strict), 2 when
    qtgov could not run.
    """
    from qtgov.messages import resolve_lang
    from qtgov.records.filework import check_jobs, jobs_from_env
    from qtgov.report import FORMATS, ReportContext
    from qtgov.validate import validate as run

    fmt = fmt or default_format()
    workers = check_jobs(jobs) if jobs is not None else jobs_from_env()
    if base is not None:
        from qtgov.gitgov.gitcheck import validate_against_base

        result = validate_against_base(
            repo, base, require_signed_commits=require_signed_commits, use_cache=not no_cache
        )
        changed = frozenset(result.changed_paths)
        validation = result.validation
    else:
        if require_signed_commits:
            raise UsageError("--require-signed-commits needs --base REF")
        validation = run(repo, use_cache=not no_cache, jobs=workers)
        changed = frozenset()
    if contribution_clones:
        from qtgov.economics.contributions import parse_clone_settings
        from qtgov.findings import sort_findings
        from qtgov.rules.economics import override_clones

        clones = parse_clone_settings(validation.index, contribution_clones)
        validation.findings = sort_findings(override_clones(validation.index, validation.findings, clones))
    site_url = validation.site_url  # not validation.index: a cached run never loads the records
    help_base = (site_url.rstrip("/") + "/rules/") if site_url else None
    ctx = ReportContext(
        color=color(sys.stdout) and output is None,
        strict=strict,
        changed_paths=changed,
        lang=resolve_lang(lang, lambda: validation.languages),  # a cached run keeps them
        **({"help_base": help_base} if help_base else {}),
    )
    text = FORMATS[fmt](validation.findings, ctx)
    write(text, output)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from qtgov.report.github import step_summary

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(step_summary(validation.findings, **({"help_base": help_base} if help_base else {})))
    sys.exit(EXIT_FINDINGS if validation.failed(strict) else EXIT_OK)


@click.command("hash")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def hash_command(file: Path) -> None:
    """Print the content_sha256 an agreement's signatures must pin.

    The hash covers the RFC 8785 canonical JSON of the record without signatures, status,
    termination, legal_review and visibility. Members, projects, retrospectives, the alliance's
    settings and taxonomies are never signed, so for them qtgov refuses (exit 2) rather than print a hash nobody pins.
    """
    from dataclasses import replace

    from qtgov.findings import Finding, Severity
    from qtgov.records.hashing import content_sha256
    from qtgov.records.yamlload import load_file
    from qtgov.report.text import render

    if not os.path.lexists(file):
        raise UsageError(f"{file}: no such file")
    result = load_file(file.parent, file.name)
    findings = list(result.findings)
    doc = result.document
    if doc is not None and not findings and not isinstance(doc.data, dict):
        mark = doc.mark()
        findings.append(
            Finding(file.name, 1, 1, "file-empty", Severity.ERROR, msg("the file holds no record"))
            if doc.data is None
            else Finding(
                file.name, mark.line, mark.column, "schema", Severity.ERROR, msg("a record is a mapping of fields")
            )
        )
    if doc is None or findings:
        click.echo(render([replace(f, path=str(file)) for f in findings]), err=True, nl=False)
        sys.exit(EXIT_FINDINGS)
    kind = _unsigned_kind(doc.data)
    if kind is not None:
        # A hash nobody pins would be mistaken for a signature's: refuse, and say what to use.
        raise UsageError(
            f"{file} is {kind}, which nobody signs, so it has no content_sha256 to pin; signatures "
            f"pin an agreement's (agreements/*.yaml). To name this version of it, use its git commit: "
            f"git log -1 --format=%H -- {shlex.quote(str(file))}"
        )
    click.echo(content_sha256(doc.data))


def _unsigned_kind(data: dict[str, object]) -> str | None:
    """What record a mapping is, when it is one that is never signed (by its telling fields)."""
    if "parties" in data:
        return None
    if data.get("kind") in ("member", "hub"):
        return "a member record"
    if "packages" in data and "origin" in data:
        return "a project"
    if "concerns" in data and "authors" in data:
        return "a retrospective"
    if "hub" in data and "languages" in data:
        return "the alliance's settings"
    if "scheme" in data and "nodes" in data:
        return "a taxonomy"
    return None


@click.command()
@repo_argument
@click.option("--as-of", "as_of", metavar="DATE", help="List what is in force on DATE (YYYY-MM-DD; default today).")
@click.option(
    "--due",
    metavar="WINDOW",
    help="List expiries, renewals, notice deadlines and work packages' start and due days within WINDOW (60d, 8w, 3m).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@lang_option
def status(repo: Path, as_of: str | None, due: str | None, fmt: str, lang: str | None) -> None:
    """What is in force, and which deadlines are coming.

    Exit 1 when an agreement file could not be read: the answer leaves it out, so it is
    incomplete (each such file is named on stderr at file:line:col).
    """
    from qtgov.dates import shift_days
    from qtgov.records.repo import load_repository
    from qtgov.records.status import deadlines, in_force_on, packages_on, parse_day, parse_window

    day = parse_day(as_of, "--as-of") if as_of else dt.date.today()
    window = parse_window(due) if due else None
    loaded = load_repository(repo)
    index = loaded.index
    language = report_lang(lang, lambda: index.settings.languages)
    say = _sayer(language)
    if window is not None:
        rows = deadlines(index, day, window)
        if fmt == "json":
            emit(json_text({"as_of": day.isoformat(), "due": due, "deadlines": [r.as_dict() for r in rows]}))
        else:
            lines = [
                disclaimer.TEXT,
                "",
                say(msg("Deadlines from {start} to {end}:", start=day, end=shift_days(day, window.days))),
            ]
            table = [[str(r.day), say(_word(r.kind)), r.id, f"{', '.join(r.parties)} — {say(r.note)}"] for r in rows]
            lines += _columns(table, (0, 8, 32))
            if not rows:
                lines.append("  " + say(msg("none")))
            emit("\n".join(lines) + "\n")
        _exit_if_unreadable(loaded.findings, msg("these deadlines may leave some out"), lang=language)
        return
    in_force = in_force_on(index, day)
    packages = packages_on(index, day)
    if fmt == "json":
        emit(
            json_text(
                {
                    "as_of": day.isoformat(),
                    "in_force": [r.as_dict() for r in in_force],
                    "packages": [p.as_dict() for p in packages],
                }
            )
        )
    else:
        lines = [disclaimer.TEXT, "", say(msg("In force on {day}: {n} agreement(s)", day=day, n=len(in_force)))]
        table = [[r.id, say(_word(r.type)), say(r.period_text()), ", ".join(r.parties)] for r in in_force]
        lines += _columns(table, (32, 16, 0))
        if index.projects:
            lines += ["", say(msg("Work packages open on {day}: {n}", day=day, n=len(packages)))]
            cells = []
            for p in packages:
                late = "  " + say(msg("(overdue)")) if p.end is not None and p.end < day else ""
                cells.append([p.id, say(_word(p.status)), say(p.period_text()), f"{p.assignee}{late}"])
            lines += _columns(cells, (32, 16, 0))
        emit("\n".join(lines) + "\n")
    _exit_if_unreadable(
        loaded.findings, msg("this list may leave out agreements in force"), ("agreements/", "projects/"), language
    )


def _sayer(lang: str) -> Callable[[str], str]:
    from qtgov.messages import render

    return lambda text: render(text, lang)


# The record values `status` prints in its columns (agreement types, package states, deadline
# kinds): said in the report's language; any other value as written.
_WORDS = {
    word.template: word
    for word in (
        msg("market-boundary"), msg("revenue-share"), msg("talent"), msg("contribution"), msg("shareholding"),
        msg("planned"), msg("in-progress"), msg("expiry"), msg("renewal"), msg("notice"), msg("start"),
        msg("due"), msg("overdue"),
    )
}  # fmt: skip


def _word(value: str) -> str:
    return _WORDS.get(value, value)


def _columns(rows: list[list[str]], widths: tuple[int, ...]) -> list[str]:
    """Rows of cells, each indented two spaces: the first columns padded to at least `widths`
    (0: the widest cell of the column) in display width, so Chinese text lines up too; cells
    separated by one space, and two before the cell after a column sized to its widest."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    sizes = [w or max((width(r[i]) for r in rows), default=0) for i, w in enumerate(widths)]
    out = []
    for row in rows:
        cells = [
            cell + " " * (sizes[i] - width(cell)) + (" " if widths[i] else "  ") for i, cell in enumerate(row[:-1])
        ]
        out.append("  " + "".join(cells) + row[-1])
    return out


def _exit_if_unreadable(
    findings: list[Finding], consequence: str, prefixes: tuple[str, ...] = ("agreements/",), lang: str = "en"
) -> None:
    if report_unreadable(findings, consequence, prefixes, lang):
        sys.exit(EXIT_FINDINGS)


@click.command()
@repo_argument
@click.option("--as-of", "as_of", metavar="DATE", help="Keep only the pieces that contain DATE.")
@click.option("--member", metavar="ID", help="Only overlaps involving this member.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@lang_option
def overlaps(repo: Path, as_of: str | None, member: str | None, fmt: str, lang: str | None) -> None:
    """Every overlap between members' declared focus areas, with its label.

    Exit 1 when a record file could not be read: what it says is left out, so the list may be
    incomplete (each such file is named on stderr at file:line:col).
    """
    from qtgov.overlaps import analyse, render_text
    from qtgov.records.repo import load_repository
    from qtgov.records.status import parse_day

    day = parse_day(as_of, "--as-of") if as_of else None
    loaded = load_repository(repo)
    index = loaded.index
    language = report_lang(lang, lambda: index.settings.languages)
    if member is not None and member not in index.members:
        if index.is_known("member", member):
            consequence = msg("--member {member} cannot be answered", member=member)
            report_unreadable(loaded.findings, consequence, (f"members/{member}.yaml",), language)
            sys.exit(EXIT_FINDINGS)
        raise UsageError(f"--member {member!r}: no such member")
    report = analyse(index, as_of=day, member=member)
    if fmt == "json":
        emit(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        emit(render_text(report, language))
    # Claims come from members and taxonomies, company groups from shareholding agreements.
    consequence = msg("these overlaps may leave out or mislabel some claims")
    _exit_if_unreadable(loaded.findings, consequence, RECORD_FILES, language)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of the text list's severities and titles (default: QTGOV_LANG, else a zh or en locale, "
    "else en). JSON stays in English.",
)
def rules(fmt: str, lang: str | None) -> None:
    """List every rule: id, default severity and title."""
    from qtgov.messages import resolve_lang, translate
    from qtgov.rules import all_rules, help_url

    items = all_rules()
    if fmt == "json":
        emit(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "severity": str(r.severity),
                        "title": r.title,
                        "category": r.category,
                        "help": help_url(r.id),
                    }
                    for r in items
                ],
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return
    said = resolve_lang(lang)
    width = max(len(r.id) for r in items)
    # The severity column is as wide as the language's longest word ("warning"; 错误, 警告 and 提示 alike).
    words = {r.severity: translate(str(r.severity), said) for r in items}
    pad = max(len(w) for w in words.values())
    emit("\n".join(f"{r.id:<{width}}  {words[r.severity]:<{pad}}  {translate(r.title, said)}" for r in items) + "\n")


COMMANDS = (
    validate,
    hash_command,
    status,
    overlaps,
    rules,
)
