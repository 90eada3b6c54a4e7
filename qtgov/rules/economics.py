"""Rules about the alliance's economics (docs/design/economics.md): contributions out of balance,
one person's time over 100%, and settlement input that cannot be read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from qtgov.economics.contributions import configured_clones, measure, rebalancing_message
from qtgov.economics.talent import overcommitments
from qtgov.errors import QtgovError
from qtgov.findings import Finding, Related, Severity
from qtgov.messages import msg
from qtgov.records.index import Index, Record
from qtgov.rules import declare, rule

ECONOMICS = "economics"

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


@rule("rebalancing-due", Severity.WARNING, "Contributions departed from the commitments for a whole window", ECONOMICS)
def check_rebalancing(index: Index) -> Iterator[Finding]:
    """
    A contribution agreement records what each member commits to a shared project and how far
    delivery may drift (`rebalancing.tolerance_pct`). Given a local clone of the project —
    `contribution_clones` in `charter/alliance.yaml` (agreement id: path, relative to the
    repository), or `qtgov validate --contributions-repo AGREEMENT=PATH` in CI — qtgov measures
    the latest whole window of the agreement's `measurement.window` from the project's git
    history: each committed member's share of commits, changed lines and reviews among the
    committed members, against its share of the commitments in the compared unit.

    When some share departs by more than the tolerance (relative to the committed share, or in
    percentage points with `tolerance_basis: points`), the finding says so with the facts, the
    day by which the agreement's `cadence` has the parties review the balance, and neutral
    anchors for that conversation: commitments proportional to what was delivered, the current
    commitments with the work rebalanced, and the agreement's own remedy. It proposes a
    conversation between the parties; it never decides who owes what.

    A configured clone that is not there (a laptop without the project checked out) is an info
    finding on the setting, and a clone git cannot read (shallow, not a repository) a warning:
    the balance is then simply not measured.

    Fix: the parties meet and either rebalance the work, or amend the agreement (a new file with
    `amends`) with commitments they agree on.
    """
    alliance = index.alliance
    for ident, clone in configured_clones(index).items():
        assert alliance is not None
        agreement = index.agreements.get(ident)
        if agreement is None or agreement.get("type") != "contribution":
            what = "no agreement" if agreement is None else f"a {agreement.get('type')} agreement"
            message = f"contribution_clones names {ident}, which is {what}, not a contribution agreement"
            yield _at_setting(alliance, ident, message, Severity.WARNING)
            continue
        # Messages name the path as written: the validation page must not show the build machine's.
        written = (alliance.get("contribution_clones") or {}).get(ident, str(clone))
        if not clone.is_dir():
            message = f"no clone at {written} on this machine, so the contributions under {ident} are not measured here"
            yield _at_setting(alliance, ident, message, Severity.INFO)
            continue
        try:
            yield from rebalancing_findings(index, {ident: clone})
        except QtgovError as exc:
            message = f"the contributions under {ident} cannot be measured: {str(exc).replace(str(clone), written)}"
            yield _at_setting(alliance, ident, message, Severity.WARNING)


def _at_setting(alliance: Record, ident: str, message: str, severity: Severity) -> Finding:
    mark = alliance.mark("contribution_clones", ident)
    return check_rebalancing.finding(
        alliance.path, mark.line, mark.column, message, pointer=f"/contribution_clones/{ident}", severity=severity
    )


def override_clones(index: Index, findings: Iterable[Finding], clones: Mapping[str, Path]) -> list[Finding]:
    """`findings` with the measurement of the agreements in `clones` (from the command line)
    replacing what `contribution_clones` in charter/alliance.yaml gave for them."""
    paths = {index.agreements[i].path for i in clones if i in index.agreements}
    settings = {f"/contribution_clones/{i}" for i in clones}
    kept = [
        f for f in findings if f.rule != check_rebalancing.id or (f.path not in paths and f.pointer not in settings)
    ]
    return kept + list(rebalancing_findings(index, clones))


def rebalancing_findings(
    index: Index, clones: Mapping[str, Path], *, today: dt.date | None = None
) -> Iterator[Finding]:
    """`rebalancing-due` for each given contribution agreement whose latest whole window is out
    of balance (only while the agreement is in force)."""
    for agreement_id, clone in sorted(clones.items()):
        report = measure(index, clone, agreement_id, today=today)
        latest = report.latest_whole
        if not report.in_force or latest is None or not latest.due or report.agreement is None:
            continue
        agreement = report.agreement
        mark = agreement.mark("terms", "rebalancing", "tolerance_pct")
        lang = index.settings.languages[0] if index.settings.languages else None
        yield check_rebalancing.finding(
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
    at the others; the message gives the range, the highest total and each share. It never
    repeats the `person_ref` itself: person references are personal data, and a finding can be
    shown where the record's personal fields are not (the handbook's validation page).

    An arrangement counts while its agreement is in force and within its `terms.period`.
    Restricted records have no terms, so they cannot be counted here.

    Fix: the parties adjust the time shares or the dates so that they fit in one working week.
    """
    for over in overcommitments(index):
        items = sorted(over.arrangements, key=lambda a: (a.start, a.agreement.id))
        last = items[-1]
        shares = ", ".join(f"{a.agreement.id} {_pct(a.pct)}" for a in items)
        until = msg("to {day}", day=str(over.last_day)) if over.last_day else msg("onwards")
        mark = last.agreement.mark("terms", "time_share_pct")
        related = [
            Related(
                a.agreement.path,
                a.agreement.mark("terms", "time_share_pct").line,
                a.agreement.mark("terms", "time_share_pct").column,
                msg("{id}: {pct} of the same person's time", id=a.agreement.id, pct=_pct(a.pct)),
            )
            for a in items[:-1]
        ]
        yield check_talent_time.finding(
            last.agreement.path,
            mark.line,
            mark.column,
            msg(
                "the time of one person (the same person_ref) adds up to more than 100% from {start} {until} (at "
                "most {peak}: {shares}); the parties may wish to adjust the shares or dates",
                start=over.start,
                until=until,
                peak=_pct(over.peak),
                shares=shares,
            ),
            pointer="/terms/time_share_pct",
            related=related,
        )


def _pct(value: object) -> str:
    from fractions import Fraction

    assert isinstance(value, Fraction)
    text = str(value.numerator) if value.denominator == 1 else f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}%"
