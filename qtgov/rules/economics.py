"""Rules about the alliance's economics (docs/design/economics.md): contributions out of balance,
one person's time over 100%, and settlement input that cannot be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path

from qtgov.economics.contributions import measure, rebalancing_message
from qtgov.economics.talent import overcommitments
from qtgov.findings import Finding, Related, Severity
from qtgov.records.index import Index
from qtgov.rules import declare, rule

ECONOMICS = "economics"

REBALANCING_DUE = declare(
    "rebalancing-due",
    Severity.WARNING,
    "Contributions departed from the commitments for a whole window",
    """
    A contribution agreement records what each member commits to a shared project and how far
    delivery may drift (`rebalancing.tolerance_pct`). When qtgov is given a clone of the project
    (`qtgov validate --contributions-repo AGREEMENT=PATH`, or `qtgov contributions`), it measures
    the latest whole window of the agreement's `measurement.window` from the project's git
    history: each committed member's share of commits, changed lines and reviews among the
    committed members, against its share of the commitments in the compared unit.

    When some share departs by more than the tolerance (relative to the committed share, or in
    percentage points with `tolerance_basis: points`), the finding says so with the facts, the
    day by which the agreement's `cadence` has the parties review the balance, and neutral
    anchors for that conversation: commitments proportional to what was delivered, the current
    commitments with the work rebalanced, and the agreement's own remedy. It proposes a
    conversation between the parties; it never decides who owes what.

    Fix: the parties meet and either rebalance the work, or amend the agreement (a new file with
    `amends`) with commitments they agree on.
    """,
    ECONOMICS,
)

SETTLEMENT_INPUT = declare(
    "settlement-input",
    Severity.ERROR,
    "A revenue CSV that cannot be settled",
    """
    `qtgov settle` reads a CSV of sales per course. Each problem is reported at its file, line
    and column: a missing or unknown column, an amount that is not a decimal number of at most
    the currency's precision, a course that the agreement does not list, a day outside the
    period or outside the agreement's time in force, or mixed currencies. Nothing is settled
    until the file is clean, so no statement is ever computed from part of the sales.

    Fix: correct the line named; the README documents the columns.
    """,
    ECONOMICS,
)


def rebalancing_findings(
    index: Index, clones: Mapping[str, Path], *, today: dt.date | None = None
) -> Iterator[Finding]:
    """`rebalancing-due` for each configured contribution agreement whose latest whole window
    is out of balance (only while the agreement is in force)."""
    for agreement_id, clone in sorted(clones.items()):
        report = measure(index, clone, agreement_id, today=today)
        latest = report.latest_whole
        if not report.in_force or latest is None or not latest.due or report.agreement is None:
            continue
        agreement = report.agreement
        mark = agreement.mark("terms", "rebalancing", "tolerance_pct")
        lang = index.settings.languages[0] if index.settings.languages else None
        yield REBALANCING_DUE.finding(
            agreement.path,
            mark.line,
            mark.column,
            rebalancing_message(report, latest, lang),
            pointer="/terms/rebalancing/tolerance_pct",
        )


@rule("talent-time", Severity.WARNING, "A person's time adds up to more than 100%", ECONOMICS)
def check_talent_time(index: Index) -> Iterator[Finding]:
    """
    Secondments and part-time arrangements each take a share of one person's working time
    (`time_share_pct`), the person named only by `person_ref`. On every day, the arrangements in
    force for the same `person_ref` must add up to at most 100%. Each day range in which they
    add up to more is one finding, on the arrangement that began last in that range, pointing
    at the others; the message gives the range, the highest total and each share.

    An arrangement counts while its agreement is in force and within its `terms.period`.
    Restricted records have no terms, so they cannot be counted here.

    Fix: the parties adjust the time shares or the dates so that they fit in one working week.
    """
    for over in overcommitments(index):
        items = sorted(over.arrangements, key=lambda a: (a.start, a.agreement.id))
        last = items[-1]
        shares = ", ".join(f"{a.agreement.id} {_pct(a.pct)}" for a in items)
        until = f"to {over.last_day}" if over.last_day else "onwards"
        mark = last.agreement.mark("terms", "time_share_pct")
        related = [
            Related(
                a.agreement.path,
                a.agreement.mark("terms", "time_share_pct").line,
                a.agreement.mark("terms", "time_share_pct").column,
                f"{a.agreement.id}: {_pct(a.pct)} of {over.person_ref}'s time",
            )
            for a in items[:-1]
        ]
        yield check_talent_time.finding(
            last.agreement.path,
            mark.line,
            mark.column,
            f"the time of {over.person_ref} adds up to more than 100% from {over.start} {until} "
            f"(at most {_pct(over.peak)}: {shares}); the parties may wish to adjust the shares or dates",
            pointer="/terms/time_share_pct",
            related=related,
        )


def _pct(value: object) -> str:
    from fractions import Fraction

    assert isinstance(value, Fraction)
    text = str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
