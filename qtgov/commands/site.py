"""The handbook: build and serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qtgov.commands.base import EXIT_FINDINGS, color, repo_argument


@click.command()
@repo_argument
@click.option(
    "--audience",
    type=click.Choice(["public", "alliance"]),
    default=None,
    help="public: public records only, no personal data; alliance: the internal edition "
    "(default: alliance.yaml publish.audience).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output directory (default: site/ in the repository); replaced only when the whole build succeeds.",
)
@click.option("--as-of", "as_of", metavar="DATE", help="Compute live figures for DATE (default: HEAD's commit date).")
@click.option("--lang", "langs", multiple=True, metavar="LANG", help="Build only this language (repeatable).")
@click.option("--repo-url", metavar="URL", help="Repository URL for the 'edit that file' links on record pages.")
@click.option(
    "--contributions-repo",
    "contribution_clones",
    multiple=True,
    metavar="AGREEMENT=PATH",
    help="A local clone of a contribution agreement's project: add its contributions page (repeatable).",
)
@click.option(
    "--engine",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="The site generator: MkDocs with Material, or Zensical (optional: pip install 'qtgov[zensical]').",
)
def build(
    repo: Path,
    audience: str | None,
    out: Path | None,
    as_of: str | None,
    langs: tuple[str, ...],
    repo_url: str | None,
    contribution_clones: tuple[str, ...],
    engine: str,
) -> None:
    """Render the alliance handbook with MkDocs Material: one site per language (site/zh, site/en).

    Validates first and stops only on errors that leave a page without its data (parse, schema,
    reference errors; exit 1); every other finding is shown on the validation page. Figures are
    computed as of HEAD's commit date (without git: the newest date in the records), so two builds
    of one commit are identical.
    """
    from qtgov.economics.contributions import clone_setting
    from qtgov.records.status import parse_day
    from qtgov.site.pipeline import BuildBlocked, BuildOptions
    from qtgov.site.pipeline import build as run

    options = BuildOptions(
        repo,
        out=out,
        audience=audience,
        as_of=parse_day(as_of, "--as-of") if as_of else None,
        languages=langs or None,
        repo_url=repo_url,
        contribution_clones=tuple(clone_setting(s) for s in contribution_clones),
        engine=engine,
    )
    try:
        result = run(options)
    except BuildBlocked as exc:
        from qtgov.report.text import render

        click.echo(render(exc.findings, color=color(sys.stderr)), err=True, nl=False)
        click.echo(f"qtgov: {exc}", err=True)
        sys.exit(EXIT_FINDINGS)
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in result.findings:
        counts[str(finding.severity)] += 1
    click.echo(
        f"built the {result.audience} handbook as of {result.as_of} into {result.out} "
        f"({', '.join(result.languages)}; {result.pages} pages; "
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos on the validation page)"
    )
    if result.git:
        click.echo(f"no history shown: {result.git}")


@click.command()
@repo_argument
@click.option("--lang", default=None, metavar="LANG", help="Language to preview (default: the alliance's first).")
@click.option("--audience", type=click.Choice(["public", "alliance"]), default=None, help="Edition to preview.")
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT")
@click.option("--as-of", "as_of", metavar="DATE", help="Compute live figures for DATE.")
def serve(repo: Path, lang: str | None, audience: str | None, dev_addr: str, as_of: str | None) -> None:
    """Preview the handbook with live reload: edit a record and the page rebuilds."""
    from qtgov.records.status import parse_day
    from qtgov.site.pipeline import BuildBlocked, BuildOptions
    from qtgov.site.serve import serve as run

    if lang is None:
        from qtgov.records.repo import load_repository

        lang = load_repository(repo).index.settings.languages[0]
    options = BuildOptions(
        repo, audience=audience, as_of=parse_day(as_of, "--as-of") if as_of else None, languages=(lang,)
    )
    try:
        run(options, lang, dev_addr, lambda message: click.echo(f"qtgov: {message}", err=True))
    except BuildBlocked as exc:
        from qtgov.report.text import render

        click.echo(render(exc.findings), err=True, nl=False)
        click.echo(f"qtgov: {exc}", err=True)
        sys.exit(EXIT_FINDINGS)


COMMANDS = (
    build,
    serve,
)
