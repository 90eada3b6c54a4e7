"""Rules on the holdings graph (docs/design/ownership.md)."""

from __future__ import annotations

from collections.abc import Iterator

from qtgov.dates import previous_day
from qtgov.economics.ownership import for_index, over_total_periods, pct_text
from qtgov.findings import Finding, Related, Severity
from qtgov.messages import joined, msg
from qtgov.records.index import Index
from qtgov.rules import rule


@rule("ownership-total", Severity.ERROR, "Holdings of one company add up to more than 100%", "agreement terms")
def check_ownership_total(index: Index) -> Iterator[Finding]:
    """
    **What is flagged.** A company whose shareholdings in force on some day add up to more than
    100% of its equity or of its votes. The finding sits at `terms.equity_pct` of the holding
    that started last among those in force then, with the others as related locations, and
    names the first and last day it is true.

    **Why.** No company issues more than all of its shares: the records are wrong. Usually a
    stake was sold and the old agreement was never terminated, or a stake is overstated. Every
    figure built on holdings is then wrong too: indirect stakes, control groups, and so the
    overlap labels, R1 and the approval quorum.

    **What to do.** Record the termination of the holding that ended (executed → terminated with
    `termination`), or correct the percentages in a new amending agreement.
    """
    records = for_index(index)
    by_id = {h.agreement: h for h in records.holdings}
    for start, end, over in over_total_periods(records.holdings):
        involved = sorted((by_id[a] for a in over.agreements), key=lambda h: (h.start, h.agreement))
        last = involved[-1]
        until = msg("until {day}", day=previous_day(end).isoformat()) if end else msg("onwards")
        parts = ", ".join(f"{h.agreement} {pct_text(h.equity)}%" for h in involved)
        what = []
        if over.equity > 100:
            what.append(msg("{pct}% of its equity", pct=pct_text(over.equity)))
        if over.voting > 100:
            what.append(msg("{pct}% of its votes", pct=pct_text(over.voting)))
        yield check_ownership_total.finding(
            last.path,
            last.line,
            last.column,
            msg(
                "the holdings of {issuer} in force from {isoformat} {until} add up to {what} ({parts}): a company's "
                "shares cannot add up to more than 100%; record the termination of a holding that ended, or correct "
                "the stake",
                issuer=over.issuer,
                isoformat=start.isoformat(),
                until=until,
                what=joined(" and ", what),
                parts=parts,
            ),
            pointer="/terms/equity_pct",
            related=[
                Related(h.path, h.line, h.column, msg("holding {agreement}", agreement=h.agreement))
                for h in involved[:-1]
            ],
        )
