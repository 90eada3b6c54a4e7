"""Commands that measure the alliance's economics: contributions, settle, ownership."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from qtgov import disclaimer
from qtgov.commands.base import EXIT_FINDINGS, emit, json_text, repo_option


@click.command()
@repo_option
@click.option("--as-of", "as_of", metavar="DATE", help="The day to draw the holdings of (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Text (default) or JSON.")
def ownership(repo: Path, as_of: str | None, fmt: str) -> None:
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
        emit(f"{disclaimer.TEXT}\n\n{render_text(graph, unreadable)}")
    if graph.over or unreadable:
        sys.exit(EXIT_FINDINGS)


COMMANDS: tuple[click.Command, ...] = (ownership,)
