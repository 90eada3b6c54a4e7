"""The command line. Only this module imports click, prints or chooses exit codes; everything
below it returns values. Heavy libraries are imported inside commands so `qtgov --help` is fast."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from qtgov import __version__, disclaimer
from qtgov.errors import QtgovError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

HELP = f"""qtgov — Git-native governance for the QuantTide alliance.

Records (members, agreements) are YAML files validated against JSON Schemas; changes are pull
requests; `qtgov validate` runs in CI; `qtgov build` renders the alliance handbook.

\b
{disclaimer.ZH}
{disclaimer.EN}
"""

repo_option = click.option(
    "--repo",
    "-C",
    "repo",
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
    help="The alliance repository (default: the current directory).",
)
repo_argument = click.argument("repo", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))


def _fail(message: str) -> NoReturn:
    click.echo(f"qtgov: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _color(stream: Any) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _emit(text: str) -> None:
    click.echo(text, nl=not text.endswith("\n"))


class QtgovGroup(click.Group):
    """Maps qtgov's errors to exit 2 with a one-line message, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QtgovError as exc:
            _fail(str(exc))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            _fail("interrupted")
        except Exception as exc:  # a bug in qtgov: say so plainly; QTGOV_DEBUG=1 shows the traceback
            if os.environ.get("QTGOV_DEBUG"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {exc}); rerun with QTGOV_DEBUG=1 and report it")


@click.group(
    cls=QtgovGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="qtgov")
def main() -> None:
    pass


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


@main.command()
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
    output: Path | None,
) -> None:
    """Check every record of REPO (default: the current directory) and report all findings.

    Exit 0 when there are no errors, 1 when there are errors (or warnings with --strict), 2 when
    qtgov could not run.
    """
    from qtgov.report import FORMATS, ReportContext
    from qtgov.validate import validate as run

    fmt = fmt or _default_format()
    if base is not None:
        from qtgov.gitcheck import validate_against_base

        result = validate_against_base(
            repo, base, require_signed_commits=require_signed_commits, use_cache=not no_cache
        )
        changed = frozenset(result.changed_paths)
        validation = result.validation
    else:
        if require_signed_commits:
            raise UsageError("--require-signed-commits needs --base REF")
        validation = run(repo, use_cache=not no_cache)
        changed = frozenset()
    settings = validation.index.settings
    help_base = (settings.url.rstrip("/") + "/rules/") if settings.url else None
    ctx = ReportContext(
        color=_color(sys.stdout) and output is None,
        strict=strict,
        changed_paths=changed,
        **({"help_base": help_base} if help_base else {}),
    )
    text = FORMATS[fmt](validation.findings, ctx)
    _write(text, output)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        from qtgov.report.github import step_summary

        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(step_summary(validation.findings, **({"help_base": help_base} if help_base else {})))
    sys.exit(EXIT_FINDINGS if validation.failed(strict) else EXIT_OK)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        _emit(text)
        return
    from qtgov.fsutil import atomic_write_text

    atomic_write_text(output, text)


@main.command("hash")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def hash_command(file: Path) -> None:
    """Print the content_sha256 an agreement's signatures must pin.

    The hash covers the RFC 8785 canonical JSON of the record without signatures, status,
    termination, legal_review and visibility.
    """
    from dataclasses import replace

    from qtgov.findings import Finding, Severity
    from qtgov.hashing import content_sha256
    from qtgov.report.text import render
    from qtgov.yamlload import load_file

    if not os.path.lexists(file):
        raise UsageError(f"{file}: no such file")
    result = load_file(file.parent, file.name)
    findings = list(result.findings)
    doc = result.document
    if doc is not None and not findings and not isinstance(doc.data, dict):
        mark = doc.mark()
        findings.append(
            Finding(file.name, 1, 1, "file-empty", Severity.ERROR, "the file holds no record")
            if doc.data is None
            else Finding(file.name, mark.line, mark.column, "schema", Severity.ERROR, "a record is a mapping of fields")
        )
    if doc is None or findings:
        click.echo(render([replace(f, path=str(file)) for f in findings]), err=True, nl=False)
        sys.exit(EXIT_FINDINGS)
    click.echo(content_sha256(doc.data))


@main.command()
@repo_argument
@click.option("--as-of", "as_of", metavar="DATE", help="List what is in force on DATE (YYYY-MM-DD; default today).")
@click.option(
    "--due", metavar="WINDOW", help="List expiries, renewals and notice deadlines within WINDOW (60d, 8w, 3m)."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def status(repo: Path, as_of: str | None, due: str | None, fmt: str) -> None:
    """What is in force, and which deadlines are coming."""
    from qtgov.dates import shift_days
    from qtgov.repo import load_repository
    from qtgov.status import deadlines, in_force_on, parse_day, parse_window

    day = parse_day(as_of, "--as-of") if as_of else dt.date.today()
    window = parse_window(due) if due else None
    index = load_repository(repo).index
    if window is not None:
        rows = deadlines(index, day, window)
        if fmt == "json":
            _emit(_json({"as_of": day.isoformat(), "due": due, "deadlines": [r.as_dict() for r in rows]}))
            return
        lines = [disclaimer.TEXT, "", f"Deadlines from {day} to {shift_days(day, window.days)}:"]
        lines += [f"  {r.day}  {r.kind:<8} {r.id:<32} {', '.join(r.parties)} — {r.note}" for r in rows]
        if not rows:
            lines.append("  none")
        _emit("\n".join(lines) + "\n")
        return
    in_force = in_force_on(index, day)
    if fmt == "json":
        _emit(_json({"as_of": day.isoformat(), "in_force": [r.as_dict() for r in in_force]}))
        return
    lines = [disclaimer.TEXT, "", f"In force on {day}: {len(in_force)} agreement(s)"]
    for r in in_force:
        end = r.last_day.isoformat() if r.last_day else "open"
        lines.append(f"  {r.id:<32} {r.type:<16} {r.effective} … {end:<10}  {', '.join(r.parties)}")
    _emit("\n".join(lines) + "\n")


def _json(payload: dict[str, Any]) -> str:
    body = {"qtgov": __version__, "disclaimer": disclaimer.TEXT, **payload}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


@main.command()
@repo_argument
@click.option("--as-of", "as_of", metavar="DATE", help="Keep only the pieces that contain DATE.")
@click.option("--member", metavar="ID", help="Only overlaps involving this member.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--lang", default=None, help="Language of labels in the text table (default: the alliance's first).")
def overlaps(repo: Path, as_of: str | None, member: str | None, fmt: str, lang: str | None) -> None:
    """Every overlap between members' declared focus areas, with its label (SPEC §4)."""
    from qtgov.overlaps import analyse, render_text
    from qtgov.repo import load_repository
    from qtgov.status import parse_day

    day = parse_day(as_of, "--as-of") if as_of else None
    index = load_repository(repo).index
    if member is not None and member not in index.members:
        raise UsageError(f"--member {member!r}: no such member")
    report = analyse(index, as_of=day, member=member)
    if fmt == "json":
        _emit(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _emit(render_text(report, lang or index.settings.languages[0]))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules(fmt: str) -> None:
    """List every rule: id, default severity and title."""
    from qtgov.rules import all_rules, help_url

    items = all_rules()
    if fmt == "json":
        _emit(
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
    width = max(len(r.id) for r in items)
    _emit("\n".join(f"{r.id:<{width}}  {r.severity!s:<7}  {r.title}" for r in items) + "\n")


# -- git-native commands: review, sign, history, provenance, codeowners (SPEC §6) --------------


@main.command()
@click.argument("range_spec", metavar="BASE..HEAD")
@repo_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    help="Markdown for a pull-request comment (default), or JSON.",
)
@click.option(
    "--check-approvals", is_flag=True, help="Fail (exit 1) until every approval group is satisfied (needs --approvals)."
)
@click.option(
    "--approvals",
    "approvals_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON list of the pull request's reviews, as GitHub's API returns them.",
)
@click.option("--allow-stale", is_flag=True, help="Count approvals given on earlier commits of the pull request too.")
@click.option("--as-of", "as_of", metavar="DATE", help="Judge signing authority on DATE (default: today).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
def review(
    range_spec: str,
    repo: Path,
    fmt: str,
    check_approvals: bool,
    approvals_file: Path | None,
    allow_stale: bool,
    as_of: str | None,
    output: Path | None,
) -> None:
    """What BASE..HEAD changes in governance terms, and whose approval it needs.

    Approvers are computed from the base version (the merge base), so nobody approves their own
    addition. With --check-approvals --approvals FILE, exit 1 until every group is satisfied:
    run it as a required check on pull_request and pull_request_review events. FILE is the JSON
    of GitHub's list-reviews API, e.g. `gh api --paginate repos/O/R/pulls/N/reviews`; each user's
    latest APPROVED / CHANGES_REQUESTED / DISMISSED review counts, and an approval given on another
    commit than HEAD is stale unless --allow-stale.
    """
    from qtgov.review import check_approvals as check
    from qtgov.review import load_reviews, render_markdown
    from qtgov.review import review as run
    from qtgov.status import parse_day

    if check_approvals and approvals_file is None:
        raise UsageError("--check-approvals needs --approvals FILE (the pull request's reviews as JSON)")
    day = parse_day(as_of, "--as-of") if as_of else None
    result = run(repo, range_spec, as_of=day)
    if approvals_file is not None:
        check(result, load_reviews(approvals_file), allow_stale=allow_stale)
    if fmt == "json":
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_markdown(result)
    _write(text, output)
    if check_approvals and not result.satisfied:
        missing = [g.label for g in result.approvals if not g.satisfied]
        click.echo(f"qtgov: approvals missing: {'; '.join(missing)}", err=True)
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("agreement")
@click.option("--member", "-m", required=True, metavar="ID", help="The party signing.")
@click.option("--as", "representative", required=True, metavar="REP", help="The representative signing for it.")
@click.option("--date", "date_", metavar="DATE", help="The day of signing (default: today).")
@click.option(
    "--method",
    type=click.Choice(["git-commit", "ssh-signature", "e-signature", "wet-ink"]),
    default="git-commit",
    help="How it is signed (default: git-commit, the commit you make next).",
)
@repo_option
def sign(agreement: str, member: str, representative: str, date_: str | None, method: str, repo: Path) -> None:
    """Sign AGREEMENT (an id or a path) for --member as --as.

    Appends the signature with the agreement's current content_sha256, keeping the file's
    comments and layout; refuses when the representative cannot sign for the member on that day.
    Commit the result in a commit of your own, with one of your commit_emails (or SSH-signed):
    that commit is the signature's provenance.
    """
    from qtgov.signing import sign as run
    from qtgov.status import parse_day

    day = parse_day(date_, "--date") if date_ else None
    result = run(repo, agreement, member, representative, day=day, method=method)
    verb = "replaced the stale signature of" if result.replaced else "signed for"
    click.echo(f"{result.path}:{result.line}: {verb} {member} as {representative} ({result.content_sha256})")
    click.echo("Now commit it yourself: git commit -S -m '…' (the commit is the signature's provenance).")


@main.command()
@click.argument("record_id", metavar="[ID]", required=False)
@repo_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def history(record_id: str | None, repo: Path, fmt: str) -> None:
    """The timeline of a member or agreement (ID; `alliance` for the settings), or without ID the
    changelog of every record, newest first.

    Each entry: the date of the main-line merge that brought it in, the commit and author that
    made it, and what changed in governance terms.
    """
    from qtgov.history import changelog, history_of, record_histories, render_text

    if record_id is not None:
        timeline = history_of(repo, record_id)
        if fmt == "json":
            _emit(_json({"history": timeline.as_dict()}))
        else:
            _emit(render_text(timeline))
        return
    entries = changelog(record_histories(repo))
    if fmt == "json":
        _emit(_json({"changelog": [e.as_dict() for e in entries]}))
        return
    lines = [f"{e.day}  {e.commit[:12]}  {e.path}: {e.summary}  ({e.author})" for e in entries]
    _emit("\n".join(lines or ["No history."]) + "\n")


@main.command()
@repo_argument
@click.option(
    "--require-signed-commits", is_flag=True, help="Vouch only for commits SSH-signed with the signatory's keys."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--allowed-signers",
    "allowed_signers",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the allowed-signers file qtgov verifies with to this path.",
)
def provenance(repo: Path, require_signed_commits: bool, fmt: str, allowed_signers: Path | None) -> None:
    """Which signatures and legal reviews git vouches for, and which it cannot (SPEC §6.1).

    For each, the commit that introduced it and whether that commit's author is the person (one
    of their commit_emails) or, with --require-signed-commits, whether it is SSH-signed with one
    of their signing_keys. Exit 1 when git cannot vouch for some.
    """
    from qtgov.git import GitRepo
    from qtgov.provenance import (
        allowed_signers_text,
        current_acts,
        identities,
        provenance_report,
        render_text,
    )
    from qtgov.repo import load_repository

    index = load_repository(repo).index
    git_repo = GitRepo.open(repo)
    log = git_repo.read_log()
    items = provenance_report(repo, require_signed=require_signed_commits, index=index, repo=git_repo, log=log)
    if allowed_signers is not None:
        from qtgov.fsutil import atomic_write_text

        people = identities(index, current_acts(index), log, git_repo.read_blobs)
        atomic_write_text(allowed_signers, allowed_signers_text(people.values()))
    if fmt == "json":
        _emit(_json({"provenance": [p.as_dict() for p in items]}))
    else:
        # A report like validate's: the disclaimer comes first (SPEC §5.1).
        _emit(f"{disclaimer.TEXT}\n\n{render_text(items)}")
    sys.exit(EXIT_OK if all(p.vouched for p in items) else EXIT_FINDINGS)


@main.command()
@repo_argument
@click.option("--check", is_flag=True, help="Do not write: exit 1 when .github/CODEOWNERS is out of date.")
@click.option("--force", is_flag=True, help="Replace a CODEOWNERS file that qtgov did not write.")
def codeowners(repo: Path, check: bool, force: bool) -> None:
    """Write .github/CODEOWNERS from the records, for review notifications only.

    CODEOWNERS cannot require one approval from each party; `qtgov review --check-approvals` is
    the enforcement. `qtgov validate` warns (codeowners-stale) when the file is out of date.
    """
    from qtgov.codeowners import CODEOWNERS_PATH, render, write
    from qtgov.repo import load_repository

    index = load_repository(repo).index
    if check:
        try:
            current = (repo / CODEOWNERS_PATH).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != render(index):
            click.echo(f"qtgov: {CODEOWNERS_PATH} is out of date; run qtgov codeowners", err=True)
            sys.exit(EXIT_FINDINGS)
        click.echo(f"{CODEOWNERS_PATH} is up to date")
        return
    path, changed = write(repo, index, force=force)
    click.echo(f"{'wrote' if changed else 'unchanged:'} {path}")


@main.command()
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
    help="Output directory (default: REPO/site); replaced only when the whole build succeeds.",
)
@click.option("--as-of", "as_of", metavar="DATE", help="Compute live figures for DATE (default: HEAD's commit date).")
@click.option("--lang", "langs", multiple=True, metavar="LANG", help="Build only this language (repeatable).")
@click.option("--repo-url", metavar="URL", help="Repository URL for the 'edit that file' links on record pages.")
def build(
    repo: Path, audience: str | None, out: Path | None, as_of: str | None, langs: tuple[str, ...], repo_url: str | None
) -> None:
    """Render the alliance handbook with MkDocs Material: one site per language (site/zh, site/en).

    Validates first and stops only on errors that leave a page without its data (parse, schema,
    reference errors; exit 1); every other finding is shown on the validation page. Figures are
    computed as of HEAD's commit date (without git: the newest date in the records), so two builds
    of one commit are identical.
    """
    from qtgov.site.pipeline import BuildBlocked, BuildOptions
    from qtgov.site.pipeline import build as run
    from qtgov.status import parse_day

    options = BuildOptions(
        repo,
        out=out,
        audience=audience,
        as_of=parse_day(as_of, "--as-of") if as_of else None,
        languages=langs or None,
        repo_url=repo_url,
    )
    try:
        result = run(options)
    except BuildBlocked as exc:
        from qtgov.report.text import render

        click.echo(render(exc.findings, color=_color(sys.stderr)), err=True, nl=False)
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


@main.command()
@repo_argument
@click.option("--lang", default=None, metavar="LANG", help="Language to preview (default: the alliance's first).")
@click.option("--audience", type=click.Choice(["public", "alliance"]), default=None, help="Edition to preview.")
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, metavar="HOST:PORT")
@click.option("--as-of", "as_of", metavar="DATE", help="Compute live figures for DATE.")
def serve(repo: Path, lang: str | None, audience: str | None, dev_addr: str, as_of: str | None) -> None:
    """Preview the handbook with live reload: edit a record and the page rebuilds."""
    from qtgov.site.pipeline import BuildBlocked, BuildOptions
    from qtgov.site.serve import serve as run
    from qtgov.status import parse_day

    if lang is None:
        from qtgov.repo import load_repository

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


@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--id", "alliance_id", required=True, metavar="ALLIANCE_ID", help="The alliance's id (a slug).")
@click.option("--name", required=True, help="The alliance's name.")
@click.option("--hub", required=True, metavar="HUB_ID", help="The member id of the hub (a slug).")
@click.option("--hub-name", "hub_name", required=True, metavar="HUB_NAME", help="The hub company's name.")
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
    directory: Path, alliance_id: str, name: str, hub: str, hub_name: str, languages: str, repository: str
) -> None:
    """Scaffold a new alliance repository in DIR.

    Writes charter/alliance.yaml, starting sector and segment taxonomies, a placeholder home page,
    the hub's member record, an empty agreements/, the GitHub governance workflow and .gitignore.
    No schemas: they ship with qtgov. Refuses (exit 2, nothing written) when any of these files
    is already there.
    """
    from qtgov.scaffold import InitOptions, parse_languages
    from qtgov.scaffold import init as run

    options = InitOptions(
        directory,
        alliance_id=alliance_id,
        name=name,
        hub=hub,
        hub_name=hub_name,
        languages=parse_languages(languages),
        repository=repository,
    )
    written = run(options)
    for relpath in written:
        click.echo(f"wrote {directory / relpath}")
    click.echo(f"Next: cd {directory} && git init && qtgov validate (the hub's missing facts are info findings).")
