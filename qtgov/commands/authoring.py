"""Commands that write records: init, new, the lifecycle steps (propose, execute, amend,
terminate, admit, withdraw) and fmt. Each writes canonical text, prints what changed and the
next git step, and never commits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qtgov.commands.base import EXIT_FINDINGS, repo_option
from qtgov.errors import UsageError

if TYPE_CHECKING:
    from qtgov.authoring.common import Outcome


#: One value of an agreement's terms, for `new agreement` and `amend` alike.
set_terms_option = click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="terms.PATH=VALUE",
    help="Set one value of the terms, e.g. terms.allocations.0.scope.sector=[edu]; repeatable. "
    "It clears the x-todo notes on its way.",
)

#: A representative's commit addresses, for `init` and `new member` alike.
rep_commit_email_option = click.option(
    "--rep-commit-email",
    "rep_commit_emails",
    multiple=True,
    metavar="EMAIL",
    help="An address their git commits use (repeatable), so that provenance can vouch for their "
    "signatures; prefer their GitHub noreply address (ID+NAME@users.noreply.github.com).",
)


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--id", "alliance_id", required=True, metavar="ALLIANCE_ID", help="The alliance's id (a slug).")
@click.option("--name", required=True, help="The alliance's name, in the default language.")
@click.option("--name-en", "name_en", metavar="NAME", help="The alliance's English name (the en handbook's title).")
@click.option("--hub", required=True, metavar="HUB_ID", help="The member id of the hub (a slug).")
@click.option("--hub-name", "hub_name", required=True, metavar="HUB_NAME", help="The hub company's name.")
@click.option("--hub-name-en", "hub_name_en", metavar="NAME", help="The hub company's English name.")
@click.option("--rep", "rep_id", required=True, metavar="REP_ID", help="The id of the hub's first representative.")
@click.option("--rep-name", "rep_name", required=True, metavar="NAME", help="Their name.")
@click.option(
    "--rep-github", "rep_github", required=True, metavar="HANDLE", help="Their GitHub user name (for approvals)."
)
@click.option("--rep-email", "rep_email", metavar="EMAIL", help="Their contact address (personal data).")
@rep_commit_email_option
@click.option(
    "--languages", default="zh,en", show_default=True, metavar="LANGS", help="Handbook languages; the first is default."
)
@click.option(
    "--repository",
    type=click.Choice(["public", "private"]),
    default="public",
    show_default=True,
    help="Whether the governance repository itself is public.",
)
def init(
    directory: Path,
    alliance_id: str,
    name: str,
    name_en: str | None,
    hub: str,
    hub_name: str,
    hub_name_en: str | None,
    rep_id: str,
    rep_name: str,
    rep_github: str,
    rep_email: str | None,
    rep_commit_emails: tuple[str, ...],
    languages: str,
    repository: str,
) -> None:
    """Scaffold a new alliance repository in DIR.

    Writes charter/alliance.yaml, starting sector and segment taxonomies, a placeholder home page,
    the hub's member record with its first representative (who may sign for the hub from today and
    approves the first pull requests), an empty agreements/, the GitHub governance workflow and
    .gitignore. No schemas: they ship with qtgov. Refuses (exit 2, nothing written) when any of
    these files is already there.
    """
    from qtgov.authoring.scaffold import InitOptions, parse_languages
    from qtgov.authoring.scaffold import init as run

    options = InitOptions(
        directory,
        alliance_id=alliance_id,
        name=name,
        hub=hub,
        hub_name=hub_name,
        rep_id=rep_id,
        rep_name=rep_name,
        rep_github=rep_github,
        rep_email=rep_email,
        rep_commit_emails=rep_commit_emails,
        name_en=name_en,
        hub_name_en=hub_name_en,
        languages=parse_languages(languages),
        repository=repository,
    )
    written = run(options)
    for relpath in written:
        click.echo(f"wrote {directory / relpath}")
    import shlex

    here = directory.resolve() == Path.cwd().resolve()
    go = "" if here else f"cd {shlex.quote(str(directory))} && "
    click.echo(f"Next: {go}git init && qtgov validate (the hub's missing facts are info findings).")
    click.echo(
        "Then commit these files straight to main as the starting point; every later change is a pull "
        f"request, and the first ones need the approval of {rep_id} (GitHub @{rep_github})."
    )


# -- records: new, the lifecycle steps, fmt ------------------------------------------------------

AGREEMENT_TYPES = ("market-boundary", "revenue-share", "talent", "contribution", "shareholding")


def _ask(value: str | None, option: str, text: str, *, optional: bool = False) -> str | None:
    """`value`, or (only in a terminal) the answer to a prompt; without a terminal a missing
    required value is a usage error, so scripts never hang on a prompt."""
    if value is not None:
        return value
    if not sys.stdin.isatty():
        if optional:
            return None
        raise UsageError(f"{option} is required (or run in a terminal to be asked)")
    answer = click.prompt(text, default="" if optional else None, show_default=False)
    answer = answer.strip()
    return answer or None


def _report(outcome: Outcome) -> None:
    for line in outcome.changed:
        click.echo(f"wrote {line}")
    for note in outcome.notes:
        click.echo(f"note: {note}")
    click.echo("Next (qtgov never commits for you):")
    for line in outcome.next_step():
        click.echo(f"  {line}")
    click.echo("  then push the branch and open a pull request; qtgov review will ask for:")
    for line in outcome.approvals:
        click.echo(f"    - {line}")


@click.group()
def new() -> None:
    """Write a new member, agreement, project or retrospective record."""


@new.command("member")
@click.argument("member_id", metavar="ID")
@click.option("--name", help="The company's name, in the alliance's default language.")
@click.option("--name-en", "name_en", help="Its English name.")
@click.option(
    "--visibility", type=click.Choice(["public", "alliance", "restricted"]), default="public", show_default=True
)
@click.option("--rep", "rep_id", metavar="REP_ID", help="Its first representative's id.")
@click.option("--rep-name", "rep_name", metavar="NAME", help="Their name.")
@click.option("--rep-github", "rep_github", metavar="HANDLE", help="Their GitHub user name (for approvals).")
@click.option("--rep-email", "rep_email", metavar="EMAIL", help="Their contact address (personal data).")
@rep_commit_email_option
@click.option("--since", metavar="DATE", help="First day of their authority (default: today).")
@repo_option
def new_member(
    member_id: str,
    name: str | None,
    name_en: str | None,
    visibility: str,
    rep_id: str | None,
    rep_name: str | None,
    rep_github: str | None,
    rep_email: str | None,
    rep_commit_emails: tuple[str, ...],
    since: str | None,
    repo: Path,
) -> None:
    """Write members/ID.yaml for a company applying to join (status prospective).

    Asks for what is missing when run in a terminal. Refuses an id that exists or a path outside
    the repository, writing nothing. The hub admits it later with `qtgov admit ID`.
    """
    from qtgov.authoring.common import parse_date
    from qtgov.authoring.new import NewMember
    from qtgov.authoring.new import new_member as run

    name = _ask(name, "--name", "Company name")
    if rep_id is None and sys.stdin.isatty():
        rep_id = _ask(None, "--rep", "First representative's id (blank: none yet)", optional=True)
        if rep_id:
            rep_name = _ask(rep_name, "--rep-name", "Their name")
            rep_github = _ask(rep_github, "--rep-github", "Their GitHub user name (blank: none)", optional=True)
    options = NewMember(
        member_id,
        name=name or "",
        name_en=name_en,
        visibility=visibility,
        rep_id=rep_id,
        rep_name=rep_name,
        rep_github=rep_github,
        rep_email=rep_email,
        rep_commit_emails=rep_commit_emails,
        since=parse_date(since, "--since") if since else None,
    )
    _report(run(repo, options))


@new.command("project")
@click.argument("project_id", metavar="ID")
@click.option(
    "--origin",
    type=click.Choice(["subcontract", "breakdown"]),
    help="subcontract (分包): the prime won it; breakdown (拆包): a member brought it to the hub.",
)
@click.option("--prime", metavar="MEMBER", help="The prime contractor (default: the hub).")
@click.option("--brought-by", "brought_by", metavar="MEMBER", help="For a breakdown: the member that brought it.")
@click.option("--title", help="Its title, in the alliance's default language (default: a placeholder).")
@click.option("--title-en", "title_en", help="Its English title.")
@click.option(
    "--visibility",
    type=click.Choice(["public", "alliance", "restricted"]),
    help="Who may read it (default: public in a public repository, else alliance).",
)
@repo_option
def new_project(
    project_id: str,
    origin: str | None,
    prime: str | None,
    brought_by: str | None,
    title: str | None,
    title_en: str | None,
    visibility: str | None,
    repo: Path,
) -> None:
    """Write projects/ID.yaml for a big project at the bid stage.

    One placeholder package is pre-filled; cut the work into packages (who delivers what, when,
    for how much) and replace every TODO. Refuses an id that exists, unknown members or a path
    outside the repository, writing nothing.
    """
    from qtgov.authoring.new import NewProject
    from qtgov.authoring.new import new_project as run

    if origin is None and sys.stdin.isatty():
        origin = click.prompt("Origin", type=click.Choice(["subcontract", "breakdown"]))
    if origin is None:
        raise UsageError("--origin is required (or run in a terminal to be asked)")
    title = _ask(title, "--title", "Title (blank: a placeholder)", optional=True)
    options = NewProject(
        project_id,
        origin,
        prime=prime,
        brought_by=brought_by,
        title=title,
        title_en=title_en,
        visibility=visibility,
    )
    _report(run(repo, options))


@new.command("retrospective")
@click.argument("retrospective_id", metavar="ID")
@click.option("--author", "authors", multiple=True, metavar="MEMBER", help="A member that writes it (repeatable).")
@click.option("--title", help="Its title, in the alliance's default language (default: a placeholder).")
@click.option("--title-en", "title_en", help="Its English title.")
@click.option(
    "--concerns-project", "projects", multiple=True, metavar="PROJECT", help="A project it looks back on (repeatable)."
)
@click.option(
    "--concerns-agreement",
    "agreements",
    multiple=True,
    metavar="AGREEMENT",
    help="An agreement it looks back on (repeatable).",
)
@click.option("--date", "date_", metavar="DATE", help="The day it is written (default: today).")
@click.option("--markdown", is_flag=True, help="Write retrospectives/ID.md: front matter, then the text in Markdown.")
@click.option(
    "--visibility",
    type=click.Choice(["public", "alliance"]),
    help="Who may read it (default: public in a public repository, else alliance).",
)
@repo_option
def new_retrospective(
    retrospective_id: str,
    authors: tuple[str, ...],
    title: str | None,
    title_en: str | None,
    projects: tuple[str, ...],
    agreements: tuple[str, ...],
    date_: str | None,
    markdown: bool,
    visibility: str | None,
    repo: Path,
) -> None:
    """Write retrospectives/ID.yaml (or .md with --markdown): a retrospective (复盘) of projects
    or agreements.

    Its text is left as placeholders (what happened, what was learned) for its authors to
    write. Refuses an id that exists (in either form), unknown members, projects or agreements,
    or a path outside the repository, writing nothing.
    """
    from qtgov.authoring.common import parse_date
    from qtgov.authoring.new import NewRetrospective
    from qtgov.authoring.new import new_retrospective as run

    if not authors and sys.stdin.isatty():
        authors = (click.prompt("Author (a member id)").strip(),)
    title = _ask(title, "--title", "Title (blank: a placeholder)", optional=True)
    options = NewRetrospective(
        retrospective_id,
        authors,
        title=title,
        title_en=title_en,
        projects=projects,
        agreements=agreements,
        date=parse_date(date_, "--date") if date_ else None,
        markdown=markdown,
        visibility=visibility,
    )
    _report(run(repo, options))


@new.command("agreement")
@click.argument("agreement_id", metavar="ID")
@click.option("--type", "type_", type=click.Choice(AGREEMENT_TYPES), help="The kind of agreement.")
@click.option("--parties", metavar="A,B[,…]", help="The parties' member ids, separated by commas.")
@click.option("--title", help="Its title, in the alliance's default language (default: a placeholder).")
@click.option("--title-en", "title_en", help="Its English title.")
@click.option(
    "--visibility",
    type=click.Choice(["public", "alliance", "restricted"]),
    help="Who may read it (default: public in a public repository, else alliance).",
)
@click.option(
    "--terms",
    "terms_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML file with the terms (default: the type's terms with placeholders).",
)
@set_terms_option
@repo_option
def new_agreement(
    agreement_id: str,
    type_: str | None,
    parties: str | None,
    title: str | None,
    title_en: str | None,
    visibility: str | None,
    terms_file: Path | None,
    settings: tuple[str, ...],
    repo: Path,
) -> None:
    """Write agreements/ID.yaml as a draft between the parties.

    The type's terms are pre-filled with placeholders (TODO texts, x-todo notes) that validate
    reports until they are replaced. Refuses an id that exists, unknown parties or a path
    outside the repository, writing nothing.
    """
    from qtgov.authoring.common import load_terms
    from qtgov.authoring.new import NewAgreement, parse_parties
    from qtgov.authoring.new import new_agreement as run

    if type_ is None and sys.stdin.isatty():
        type_ = click.prompt("Type", type=click.Choice(AGREEMENT_TYPES))
    if type_ is None:
        raise UsageError("--type is required (or run in a terminal to be asked)")
    parties = _ask(parties, "--parties", "Parties (member ids, comma-separated)")
    title = _ask(title, "--title", "Title (blank: a placeholder)", optional=True)
    options = NewAgreement(
        agreement_id,
        type_,
        parse_parties(parties or ""),
        title=title,
        title_en=title_en,
        visibility=visibility,
        terms=load_terms(terms_file) if terms_file is not None else None,
        settings=settings,
    )
    _report(run(repo, options))


@click.command()
@click.argument("agreement_id", metavar="ID")
@repo_option
def propose(agreement_id: str, repo: Path) -> None:
    """Move the draft agreement ID to proposed, for the parties to sign (refused while it has
    placeholders)."""
    from qtgov.authoring.lifecycle import propose as run

    _report(run(repo, agreement_id))


@click.command()
@click.argument("agreement_id", metavar="ID")
@repo_option
def execute(agreement_id: str, repo: Path) -> None:
    """Mark agreement ID executed: refused unless every party's signature, by a representative who
    may sign, pins its current content. It is executed on the day of the last signature."""
    from qtgov.authoring.lifecycle import execute as run

    _report(run(repo, agreement_id))


@click.command()
@click.argument("agreement_id", metavar="ID")
@click.option("--id", "new_id", metavar="NEW_ID", help="The amendment's id (default: ID-<version + 1>).")
@click.option(
    "--terms",
    "terms_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML file with the amended terms (default: copy the terms).",
)
@set_terms_option
@repo_option
def amend(
    agreement_id: str, new_id: str | None, terms_file: Path | None, settings: tuple[str, ...], repo: Path
) -> None:
    """Draft an amendment of the executed agreement ID: a new file restating it with amends: ID,
    version + 1, status draft, the terms copied (or --terms), no signatures."""
    from qtgov.authoring.common import load_terms
    from qtgov.authoring.lifecycle import amend as run

    terms = load_terms(terms_file) if terms_file is not None else None
    _report(run(repo, agreement_id, new_id, terms=terms, settings=settings))


@click.command()
@click.argument("agreement_id", metavar="ID")
@click.option("--date", "date_", metavar="DATE", help="The last day it is in force.")
@click.option("--reason", help="Why it ends.")
@click.option("--notice", metavar="DURATION", help="The notice given (default: the renewal notice, if any).")
@click.option("--notice-given", "notice_given", metavar="DATE", help="The day notice was given (default: today).")
@repo_option
def terminate(
    agreement_id: str, date_: str | None, reason: str | None, notice: str | None, notice_given: str | None, repo: Path
) -> None:
    """Terminate the executed agreement ID: its last day in force is --date. Refused when the
    notice period (--notice, or the renewal notice) has not run by then."""
    from qtgov.authoring.common import parse_date
    from qtgov.authoring.lifecycle import terminate as run

    date_ = _ask(date_, "--date", "Last day in force (YYYY-MM-DD)")
    reason = _ask(reason, "--reason", "Reason")
    outcome = run(
        repo,
        agreement_id,
        last_day=parse_date(date_ or "", "--date"),
        reason=reason or "",
        notice=notice,
        notice_given=parse_date(notice_given, "--notice-given") if notice_given else None,
    )
    _report(outcome)


@click.command()
@click.argument("member_id", metavar="MEMBER")
@click.option("--date", "date_", metavar="DATE", help="The member's last day of membership.")
@click.option("--terminate", "terminate_all", is_flag=True, help="Also terminate or cancel what must end with it.")
@repo_option
def withdraw(member_id: str, date_: str | None, terminate_all: bool, repo: Path) -> None:
    """A member leaves: status withdrawn, left DATE. Lists the agreements that must end with its
    membership; with --terminate, writes their terminations (and cancels drafts) too."""
    from qtgov.authoring.common import parse_date
    from qtgov.authoring.lifecycle import withdraw as run

    date_ = _ask(date_, "--date", "Last day of membership (YYYY-MM-DD)")
    _report(run(repo, member_id, last_day=parse_date(date_ or "", "--date"), terminate_all=terminate_all))


@click.command()
@click.argument("member_id", metavar="MEMBER")
@click.option("--date", "date_", metavar="DATE", help="The day it joins (default: today).")
@repo_option
def admit(member_id: str, date_: str | None, repo: Path) -> None:
    """Admit the prospective MEMBER: status active, joined DATE."""
    from qtgov.authoring.common import parse_date
    from qtgov.authoring.lifecycle import admit as run

    _report(run(repo, member_id, day=parse_date(date_, "--date") if date_ else None))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming the first difference of each file.")
@repo_option
def fmt(paths: tuple[Path, ...], check: bool, repo: Path) -> None:
    """Put record files (default: all) in canonical form: schema key order, two-space indent,
    sets sorted (never in agreements), comments kept, content hashes unchanged."""
    from qtgov.authoring.fmt import fmt as run

    result = run(repo, list(paths), check=check)
    for path, why in result.skipped:
        click.echo(f"qtgov: skipped {why}" if why.startswith(path) else f"qtgov: skipped {path}: {why}", err=True)
    if check:
        for path, line in result.differences:
            click.echo(f"{path}:{line}: not in canonical form (run qtgov fmt {path})")
        if result.differences or result.skipped:
            sys.exit(EXIT_FINDINGS)
        click.echo(f"{len(result.unchanged)} files in canonical form")
        return
    for path in result.changed:
        click.echo(f"formatted {path}")
    click.echo(f"{len(result.changed)} formatted, {len(result.unchanged)} unchanged")
    if result.skipped:
        sys.exit(EXIT_FINDINGS)


COMMANDS = (init, new, propose, execute, amend, terminate, withdraw, admit, fmt)
