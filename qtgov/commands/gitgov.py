"""Git-native commands: review, sign, history, provenance, codeowners."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from qtgov import disclaimer
from qtgov.commands.base import (
    EXIT_FINDINGS,
    EXIT_OK,
    alliance_languages,
    emit,
    json_text,
    lang_option,
    repo_argument,
    repo_option,
    report_lang,
    report_unreadable,
    write,
)
from qtgov.errors import UsageError
from qtgov.messages import joined, msg, render


@click.command()
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
    help="The pull request's reviews as JSON, as `gh api --paginate --slurp` writes them (pages one after "
    "another also work).",
)
@click.option("--allow-stale", is_flag=True, help="Count approvals given on earlier commits of the pull request too.")
@click.option("--as-of", "as_of", metavar="DATE", help="Judge signing authority on DATE (default: today).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@lang_option
def review(
    range_spec: str,
    repo: Path,
    fmt: str,
    check_approvals: bool,
    approvals_file: Path | None,
    allow_stale: bool,
    as_of: str | None,
    output: Path | None,
    lang: str | None,
) -> None:
    """What BASE..HEAD changes in governance terms, and whose approval it needs.

    Approvers are computed from the base version (the merge base), so nobody approves their own
    addition; a control group counts once toward the quorum, and a member that has left the
    alliance counts not at all (the output says so). With --check-approvals --approvals
    FILE, exit 1 until every group is satisfied: run it as a required check on pull_request and
    pull_request_review events. FILE is the JSON of GitHub's list-reviews API, written by:

    \b
        gh api --paginate --slurp repos/OWNER/REPO/pulls/N/reviews > reviews.json

    (without --slurp, pages one after another are read too). Each user's latest APPROVED /
    CHANGES_REQUESTED / DISMISSED review counts, and an approval given on another commit than
    HEAD is stale unless --allow-stale. A changed file that does not read as a record is listed
    first and fails the review (exit 1).
    """
    from qtgov.gitgov.review import check_approvals as check
    from qtgov.gitgov.review import load_reviews, render_markdown
    from qtgov.gitgov.review import review as run
    from qtgov.records.status import parse_day

    if check_approvals and approvals_file is None:
        raise UsageError("--check-approvals needs --approvals FILE (the pull request's reviews as JSON)")
    day = parse_day(as_of, "--as-of") if as_of else None
    result = run(repo, range_spec, as_of=day)
    if approvals_file is not None:
        check(result, load_reviews(approvals_file), allow_stale=allow_stale)
    if fmt == "json":
        text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = render_markdown(result, report_lang(lang, lambda: alliance_languages(repo)))
    write(text, output)
    language = report_lang(lang, lambda: alliance_languages(repo))
    if result.errors:
        where = ", ".join(f"{f.path}:{f.line}:{f.column}" for f in result.errors[:5])
        n = len(result.errors)
        if n > 5:
            note = msg(
                "qtgov: {n} error(s) in the changed files ({where} and {more} more): fix them first",
                n=n,
                where=where,
                more=n - 5,
            )
        else:
            note = msg("qtgov: {n} error(s) in the changed files ({where}): fix them first", n=n, where=where)
        click.echo(render(note, language), err=True)
    if check_approvals and not result.satisfied:
        missing = joined("; ", [g.label for g in result.approvals if not g.satisfied])
        click.echo(render(msg("qtgov: approvals missing: {groups}", groups=missing), language), err=True)
    if result.errors or (check_approvals and not result.satisfied):
        sys.exit(EXIT_FINDINGS)


@click.command()
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
    from qtgov.gitgov.signing import sign as run
    from qtgov.records.status import parse_day

    day = parse_day(date_, "--date") if date_ else None
    result = run(repo, agreement, member, representative, day=day, method=method)
    verb = "replaced the stale signature of" if result.replaced else "signed for"
    click.echo(f"{result.path}:{result.line}: {verb} {member} as {representative} ({result.content_sha256})")
    from qtgov.gitgov.signing import commit_advice

    click.echo(commit_advice(repo, member, result.path.stem, result.path))


@click.command()
@click.argument("record_id", metavar="[ID]", required=False)
@repo_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@lang_option
def history(record_id: str | None, repo: Path, fmt: str, lang: str | None) -> None:
    """The timeline of a member, agreement, project or retrospective (ID; `alliance` for the
    settings), or without ID the changelog of every record, newest first.

    Each entry: the date of the main-line merge that brought it in, the commit and author that
    made it, and what changed in governance terms.
    """
    from qtgov.gitgov.history import (
        changelog,
        history_of,
        record_histories,
        record_names,
        render_changelog,
        render_text,
    )
    from qtgov.records.repo import load_repository

    if record_id is not None:
        timeline = history_of(repo, record_id)
        if fmt == "json":
            emit(json_text({"history": timeline.as_dict()}))
            return
    else:
        entries = changelog(record_histories(repo))
        if fmt == "json":
            emit(json_text({"changelog": [e.as_dict() for e in entries]}))
            return
    # The text names people and records as the records name them today (JSON keeps the ids).
    index = load_repository(repo).index
    language = report_lang(lang, lambda: index.settings.languages)
    names = record_names(
        index.members,
        index.agreements,
        language,
        index.settings.languages,
        index.settings.counsel,
        projects=index.projects,
        retrospectives=index.retrospectives,
    )
    if record_id is not None:
        emit(render_text(timeline, language, names))
    else:
        emit(render_changelog(entries, language, names))


@click.command()
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
@click.option(
    "--allow-unvouched",
    is_flag=True,
    help="Exit 0 even when git cannot vouch for some signatures or reviews (they are still listed).",
)
@lang_option
def provenance(
    repo: Path,
    require_signed_commits: bool,
    fmt: str,
    allowed_signers: Path | None,
    allow_unvouched: bool,
    lang: str | None,
) -> None:
    """Which signatures and legal reviews git vouches for, and which it cannot.

    For each, the commit that introduced it and whether that commit's author is the person (one
    of their commit_emails) or, with --require-signed-commits, whether it is SSH-signed with one
    of their signing_keys. Exit 1 when git cannot vouch for some (unless --allow-unvouched), and
    when a member or agreement file could not be read, since its signatures are left out.
    """
    from qtgov.gitgov.git import GitRepo
    from qtgov.gitgov.provenance import (
        allowed_signers_text,
        current_acts,
        identities,
        provenance_report,
        render_text,
        unsigned_note,
    )
    from qtgov.records.repo import load_repository

    loaded = load_repository(repo)
    index = loaded.index
    language = report_lang(lang, lambda: index.settings.languages)
    git_repo = GitRepo.open(repo)
    log = git_repo.read_log()
    items = provenance_report(repo, require_signed=require_signed_commits, index=index, repo=git_repo, log=log)
    if allowed_signers is not None:
        from qtgov.fsutil import atomic_write_text

        people = identities(index, current_acts(index), log, git_repo.read_blobs)
        atomic_write_text(allowed_signers, allowed_signers_text(people.values()))
    if fmt == "json":
        emit(json_text({"provenance": [p.as_dict() for p in items]}))
    else:
        # A report like validate's: the disclaimer comes first.
        emit(f"{disclaimer.TEXT}\n\n{render_text(items, language)}{unsigned_note(index, language)}")
    # Signatories' identities come from member files, signatures from agreement files.
    consequence = msg("this report may leave out signatures and reviews")
    unreadable = report_unreadable(loaded.findings, consequence, ("members/", "agreements/"), language)
    vouched = allow_unvouched or all(p.vouched for p in items)
    sys.exit(EXIT_OK if vouched and not unreadable else EXIT_FINDINGS)


@click.command()
@repo_argument
@click.option("--check", is_flag=True, help="Do not write: exit 1 when .github/CODEOWNERS is out of date.")
@click.option("--force", is_flag=True, help="Replace a CODEOWNERS file that qtgov did not write.")
@lang_option
def codeowners(repo: Path, check: bool, force: bool, lang: str | None) -> None:
    """Write .github/CODEOWNERS from the records, for review notifications only.

    CODEOWNERS cannot require one approval from each party; `qtgov review --check-approvals` is
    the enforcement. `qtgov validate` warns (codeowners-stale) when the file is out of date.
    When a record file cannot be read, nothing is written or judged (exit 1): a file computed
    without that record would drop its owners.
    """
    from qtgov.gitgov.codeowners import CODEOWNERS_PATH, write
    from qtgov.gitgov.codeowners import render as render_codeowners
    from qtgov.records.repo import load_repository

    loaded = load_repository(repo)
    index = loaded.index
    language = report_lang(lang, lambda: index.settings.languages)
    # Never write, or advise writing, a file computed from records that could not be read.
    consequence = (
        msg("qtgov cannot tell whether {path} is up to date", path=CODEOWNERS_PATH)
        if check
        else msg("{path} was not written (it would leave out owners)", path=CODEOWNERS_PATH)
    )
    if report_unreadable(loaded.findings, consequence, lang=language):
        sys.exit(EXIT_FINDINGS)
    if check:
        try:
            current = (repo / CODEOWNERS_PATH).read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != render_codeowners(index):
            note = msg("qtgov: {path} is out of date; run qtgov codeowners", path=CODEOWNERS_PATH)
            click.echo(render(note, language), err=True)
            sys.exit(EXIT_FINDINGS)
        click.echo(render(msg("{path} is up to date", path=CODEOWNERS_PATH), language))
        return
    path, changed = write(repo, index, force=force)
    done = msg("wrote {path}", path=str(path)) if changed else msg("unchanged: {path}", path=str(path))
    click.echo(render(done, language))


COMMANDS = (
    review,
    sign,
    history,
    provenance,
    codeowners,
)
