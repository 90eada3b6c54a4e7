"""Commands that measure the alliance's economics: contributions, settle, ownership."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qtgov import disclaimer
from qtgov.commands.base import EXIT_FINDINGS, emit, json_text, lang_option, repo_option, report_lang, report_unreadable
from qtgov.messages import msg
from qtgov.messages import render as say


@click.command()
@repo_option
@click.option("--as-of", "as_of", metavar="DATE", help="The day to draw the holdings of (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Text (default) or JSON.")
@lang_option
def ownership(repo: Path, as_of: str | None, fmt: str, lang: str | None) -> None:
    """Who holds and controls whom on a day, from the executed shareholding agreements in force.

    Direct stakes, indirect stakes multiplied through chains of holdings, control groups (sole
    control), cross-holdings and issuers whose holdings add up to more than 100%. Exit 1 when
    some total is over 100% or an agreement file could not be read.
    """
    import datetime as dt

    from qtgov.economics.ownership import for_index, render_text
    from qtgov.findings import Severity
    from qtgov.records.repo import load_repository
    from qtgov.records.status import parse_day

    day = parse_day(as_of, "--as-of") if as_of else dt.date.today()
    loaded = load_repository(repo)
    index = loaded.index
    errors = {f.path for f in loaded.findings if f.severity is Severity.ERROR}
    unreadable = sorted(p for p in errors if p.startswith("agreements/"))
    graph = for_index(index).on(day)
    if fmt == "json":
        emit(json_text({"ownership": graph.as_dict(), "unreadable": unreadable}))
    else:
        text = render_text(graph, unreadable, report_lang(lang, lambda: index.settings.languages))
        emit(f"{disclaimer.TEXT}\n\n{text}")
    if graph.over or unreadable:
        sys.exit(EXIT_FINDINGS)


# The alliance repository is `-C` here as everywhere; its long form is `--alliance` because
# `contributions --repo` used to name the project's clone (now `--project`).
alliance_option = click.option(
    "--alliance",
    "-C",
    "alliance",
    default=None,
    metavar="PATH",
    type=click.Path(file_okay=False, path_type=Path),
    help="The alliance repository (default: the one the current directory is in).",
)


def _alliance_root(alliance: Path | None, lang: str | None = None) -> Path:
    from qtgov.records.repo import find_root

    start = alliance or Path(".")
    root = find_root(start)
    if root != start:
        note = msg("qtgov: using the alliance repository at {root}", root=str(root))
        click.echo(say(note, report_lang(lang)), err=True)
    return root


@click.command()
@click.argument("agreement", required=False)
@alliance_option
@click.option("--project", "clone", metavar="CLONE", help="A local clone of the shared project (required).")
@click.option("--repo", "legacy_clone", metavar="CLONE", hidden=True)
@click.option("--since", metavar="DATE", help="Measure from this day (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Measure up to and including this day (default: today).")
@click.option("--window", metavar="DURATION", help="Window length such as P3M (default: the agreement's).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Text (default) or JSON.")
@click.option("--lang", default=None, help="Language of names in the text report (default: the alliance's first).")
def contributions(
    agreement: str | None,
    alliance: Path | None,
    clone: str | None,
    legacy_clone: str | None,
    since: str | None,
    until: str | None,
    window: str | None,
    fmt: str,
    lang: str | None,
) -> None:
    """Measure who contributes to a shared project, from its git history.

    Reads the clone's history once: commits, changed lines (without the agreement's excluded
    paths), reviews (Reviewed-by:) and co-authors (Co-authored-by:); merges are not counted
    twice. Commit addresses count for a member only through its representatives' commit_emails
    and its commit_domains, on the days they are valid; other addresses are listed, never
    guessed. With AGREEMENT (a contribution agreement), each window compares the shares with
    the commitments. Exit 1 when rebalancing is due in the latest whole window, or when a member
    or agreement file of the alliance could not be read (its commits would be counted as nobody's).

    The alliance repository is -C PATH, as for every command; the project is --project CLONE
    (its old name here, --repo, still works with a note on stderr).
    """
    from qtgov.economics.contributions import clone_path, measure, render_text, report_json
    from qtgov.errors import UsageError
    from qtgov.records.repo import load_repository
    from qtgov.records.status import parse_day

    option = "--project"
    if legacy_clone is not None:
        deprecated = msg(
            "qtgov: `contributions --repo` is deprecated; name the project's clone with --project "
            "(-C names the alliance repository, as in every command)"
        )
        click.echo(say(deprecated, report_lang(lang)), err=True)
        if clone is not None and clone != legacy_clone:
            raise UsageError(f"two clones given (--project {clone} and --repo {legacy_clone}); give only --project")
        clone, option = legacy_clone, "--repo"
    if clone is None:
        raise UsageError("--project CLONE is required: a local clone of the shared project")
    start = parse_day(since, "--since") if since else None
    end = parse_day(until, "--until") if until else None
    loaded = load_repository(_alliance_root(alliance, lang))
    index = loaded.index
    report = measure(index, clone_path(clone, option), agreement, since=start, until=end, window=window)
    if fmt == "json":
        emit(json_text({"contributions": report_json(report)}))
    else:
        emit(f"{disclaimer.TEXT}\n\n{render_text(report, lang or index.settings.languages[0])}")
    # Affiliations come from member files, commitments and exclusions from agreement files.
    consequence = msg("some commits may be counted for no member")
    language = report_lang(lang, lambda: index.settings.languages)
    unreadable = report_unreadable(loaded.findings, consequence, ("members/", "agreements/"), language)
    latest = report.latest_whole
    if unreadable or (report.in_force and latest is not None and latest.due):
        sys.exit(EXIT_FINDINGS)


@click.command()
@click.argument("agreement")
@alliance_option
@click.option(
    "--revenue", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The sales CSV of the period."
)
@click.option("--period", required=True, metavar="PERIOD", help="2026-Q3, 2026-07, 2026 or 2026-07-01..2026-09-30.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", help="Output format.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the statement to this file."
)
def settle(agreement: str, alliance: Path | None, revenue: Path, period: str, fmt: str, output: Path | None) -> None:
    """Settle a revenue-share agreement for a period from a CSV of sales.

    Applies the agreement's split, revenue basis, platform fee and rounding rule with exact
    decimal arithmetic; the amounts add up to the revenue to the cent. The statement carries a
    content hash that a signature can pin. Statements are sensitive: keep them out of the
    public repository. Exit 1 when the CSV has errors (each at file:line:col).
    """
    from qtgov.commands.base import write
    from qtgov.economics.settlements import parse_period, render, settle_file
    from qtgov.records.repo import load_repository
    from qtgov.report.text import render as render_findings

    span = parse_period(period)
    index = load_repository(_alliance_root(alliance)).index
    result = settle_file(index, agreement, revenue, span)
    if result.findings:
        click.echo(render_findings(result.findings), err=True, nl=False)
        sys.exit(EXIT_FINDINGS)
    assert result.statement is not None
    write(render(result.statement, fmt), output)


COMMANDS: tuple[click.Command, ...] = (ownership, contributions, settle)
