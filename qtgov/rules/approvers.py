"""Whether anyone can approve for the hub on GitHub (docs/design/git.md, "Who approves for the hub")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from qtgov.dates import parse_date
from qtgov.findings import Finding, Severity
from qtgov.messages import msg
from qtgov.records.index import Index
from qtgov.rules import rule

CATEGORY = "hub"


def _may_approve(rep: object, today: dt.date) -> bool:
    """Signing authority that has not ended: what `qtgov review` asks of a hub approver."""
    if not isinstance(rep, dict) or not rep.get("can_sign"):
        return False
    until = parse_date(rep.get("until"))
    return until is None or until >= today


@rule("hub-approvers", Severity.WARNING, "Someone who may approve for the hub has a GitHub user", CATEGORY)
def check_hub_approvers(index: Index, today: dt.date | None = None) -> Iterator[Finding]:
    """
    Membership changes, charter changes and new parties to an agreement need the hub's approval
    on the pull request (`qtgov review --check-approvals`), and an approval counts only when it
    comes from the GitHub user of a hub representative with `can_sign: true` whose authority has
    not ended. When the hub names representatives but none of those has a `github:` handle, no
    pull request that needs the hub can ever pass: give one of them `github: LOGIN`
    (`qtgov init --rep ID --rep-name NAME --rep-github LOGIN` writes the first one that way).

    A hub that names no representatives at all is an alliance still being set up (its people are
    facts to source first): no finding until the first one is added.
    """
    hub = index.hub
    if hub is None or not hub.valid:
        return
    reps = [r for r in hub.get("representatives") or [] if isinstance(r, dict)]
    if not reps:
        return
    day = today or dt.date.today()
    approvers = [r for r in reps if _may_approve(r, day)]
    if any(isinstance(r.get("github"), str) and r.get("github") for r in approvers):
        return
    if approvers:
        names = ", ".join(str(r.get("id")) for r in approvers)
        problem = msg("no representative of the hub who may approve ({names}) has a GitHub user", names=names)
    else:
        problem = msg(
            "no representative of the hub may approve (none has can_sign: true and authority that has not ended)"
        )
    mark = hub.key_mark("representatives")
    yield check_hub_approvers.finding(
        hub.path,
        mark.line,
        mark.column,
        msg(
            "{problem}, so no pull request that needs the hub's approval can pass: give one of them can_sign: true "
            "and github: LOGIN",
            problem=problem,
        ),
        pointer="/representatives",
    )
