"""Rules checked against git history: lifecycle moves between the base of a pull request and its
head, provenance of signatures, and the generated CODEOWNERS file.

All but `codeowners-stale` need `qtgov validate --base REF` (they compare two versions); their
findings are produced by `qtgov.gitgov.gitcheck`.
"""

from __future__ import annotations

from collections.abc import Iterator

from qtgov.findings import Finding, Severity
from qtgov.messages import msg
from qtgov.records.index import Index
from qtgov.rules import declare, rule

HISTORY = "history"

STATUS_MOVE = declare(
    "status-move",
    Severity.ERROR,
    "Agreements move only between allowed statuses",
    """
    Compared with the base of the pull request (`qtgov validate --base REF`), an agreement's
    `status` may only move as this table allows:

    | base | head |
    |---|---|
    | (new file) | draft, proposed, executed |
    | draft | proposed, executed, cancelled |
    | proposed | draft, executed, rejected, cancelled |
    | executed | terminated |

    Nothing else: a cancelled, rejected or terminated agreement stays so, and an executed one
    can only be terminated. To change an executed agreement, amend it with a new file
    (`amends: <id>`). The finding is at the `status` line.

    **Imports.** An agreement that ended before the repository began (its last day in force is
    before the repository's first commit) is added as a new file that is already `terminated`,
    with `imported: true`, its original dates, signatures and `termination`. An agreement that was
    still in force once the repository existed is not imported: it is added as executed and
    terminated in a later change, so its end goes through review like any other.
    """,
    HISTORY,
)

SIGNED_CONTENT_EDITED = declare(
    "signed-content-edited",
    Severity.ERROR,
    "Executed agreements are never edited",
    """
    Once an agreement is executed, what its parties signed never changes: the signed content
    (everything but `signatures`, `status`, `termination`, `legal_review` and `visibility`), and
    the signatures themselves. The only later edits allowed are the legal review, the visibility
    (with every party's approval) and moving from executed to terminated together with the
    `termination`; the termination of an agreement already terminated stays as recorded.

    Reported against the base of the pull request at the first key that changed. To change the
    terms, amend the agreement: a new file restating the whole agreement with `amends: <id>`,
    proposed, reviewed and signed again.
    """,
    HISTORY,
)

AMENDMENT_IN_PLACE = declare(
    "amendment-in-place",
    Severity.ERROR,
    "An amendment is a new file",
    """
    An executed or terminated agreement was given a new `version` or a new `amends` in its own
    file. An amendment is always a **new file** (a new id) that restates the whole agreement with
    `amends: <old id>`; the old file stays as it was signed, and stops being in force from the
    amendment's effective date. Copy the file to `agreements/<new-id>.yaml`, set `amends`, bump
    `version`, and restore the old file.
    """,
    HISTORY,
)

EXECUTED_DELETED = declare(
    "executed-deleted",
    Severity.ERROR,
    "Executed agreements are never deleted",
    """
    The file of an agreement that is executed or terminated in the base was deleted (or renamed,
    which is the same to git and to the handbook's links). These files stay in the repository for
    good: they are the record of what was agreed. To end an agreement, set `status: terminated`
    with a `termination` instead. The finding is at line 1 of the deleted path.
    """,
    HISTORY,
)

REPRESENTATIVE_REMOVED = declare(
    "representative-removed",
    Severity.ERROR,
    "Representatives are closed, never deleted",
    """
    A representative present in the base version of a member file is missing from the head.
    A representative is never deleted, only closed with `until` (their last day), so that the
    signatures they made stay verifiable: provenance looks their commit emails and keys up by
    their id.
    """,
    HISTORY,
)

PROVENANCE = declare(
    "provenance",
    Severity.ERROR,
    "Signatures and legal reviews are committed by the person named",
    """
    Every signature (and every recorded legal review) that a pull request adds must come from a
    commit made by the person it names: a commit whose author email is one of the
    signatory's `commit_emails` (the counsel's, for a review) or, with
    `qtgov validate --base REF --require-signed-commits`, a commit SSH-signed with one of their
    `signing_keys` during their `since`/`until` window.

    qtgov looks at the pull request's own commits (merge base..HEAD); on the main line it looks
    inside merged branches through their merge commits. A squash or rebase merge replaces the
    signer's commit with the merger's, so an alliance repository allows merge commits only. A
    signature that is in the working tree but not committed yet is a warning.

    `qtgov provenance` lists which signatures git vouches for and which it cannot.
    """,
    HISTORY,
)


@rule("codeowners-stale", Severity.WARNING, "CODEOWNERS matches the records", HISTORY)
def check_codeowners(index: Index) -> Iterator[Finding]:
    """
    When `.github/CODEOWNERS` was written by `qtgov codeowners` (it starts with qtgov's header),
    it must match what the records say now: the representatives of every member and of every
    party to each agreement, of each project's prime, bringer, bidders and assignees and of each
    retrospective's authors, and the hub for the charter, taxonomies, schemas and CI. A stale
    file notifies the wrong people. Run `qtgov codeowners` and commit the result. While a member,
    agreement, project or retrospective file cannot be read this rule stays silent: fix that file
    first.

    CODEOWNERS is for notifications only: it cannot require one approval from each party, so the
    enforcement is `qtgov review --check-approvals` as a required check.
    """
    from qtgov.gitgov.codeowners import CODEOWNERS_PATH, is_generated, render

    path = index.root / CODEOWNERS_PATH
    index.observe(CODEOWNERS_PATH)
    try:
        if path.is_symlink() or not path.is_file():
            return
        current = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return
    if not is_generated(current):
        return
    # A file computed without an unreadable record would drop its owners: say nothing until the
    # record's own errors are fixed, rather than advise `qtgov codeowners`.
    loaded_kinds = (
        ("member", index.members),
        ("agreement", index.agreements),
        ("project", index.projects),
        ("retrospective", index.retrospectives),
    )
    left_out = any(index.known[kind] - set(loaded) for kind, loaded in loaded_kinds)
    if left_out or (index.alliance is not None and not index.alliance.valid):
        return
    if current != render(index):
        yield check_codeowners.finding(
            CODEOWNERS_PATH, 1, 1, msg("CODEOWNERS is out of date with the records; run `qtgov codeowners`")
        )
