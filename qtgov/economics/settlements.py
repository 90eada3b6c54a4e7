"""Revenue-share settlements: a period's sales per course, split as the agreement says
(docs/design/economics.md).

The input is a CSV of sales (documented in the README): one row per sale or per day's sales of
a course, with the columns

- `date` (required): the day of the sale, `YYYY-MM-DD`, inside the period and the agreement's
  time in force;
- `item` (required): the course: its `items[].id`, or its position in `items` (1, 2, …) when
  the agreement gives no ids;
- `gross` (required): the amount received, a decimal with at most two places, not negative;
- `refunds` (optional): the amount refunded, likewise;
- `currency` (optional): a three-letter code; one currency per file, the agreement's when it
  states one;
- `order`, `quantity`, `note` (optional): kept for people, not used.

Amounts are `Decimal` throughout: no binary floating point touches money. Per course, revenue
= gross − refunds; on a `net` basis the platform fee (`platform_fee.pct` of revenue, rounded
to the unit) goes to the platform first and the rest is split; on a `gross` basis the whole
revenue is split. Each course's split is rounded by the agreement's `rounding` rule so that the
shares add up to the course's amount exactly, hence every total equals the revenue to the cent.
The statement's `content_sha256` is the SHA-256 of its RFC 8785 canonical JSON, the same for
every output format, so a signature can pin it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from qtgov.dates import next_day, parse_date
from qtgov.errors import UsageError
from qtgov.findings import Finding, Severity
from qtgov.records.agreements import in_force_interval
from qtgov.records.index import Index, Record
from qtgov.records.trees import text_in

RULE = "settlement-input"
COLUMNS = ("date", "item", "gross", "refunds", "currency", "order", "quantity", "note")
REQUIRED = ("date", "item", "gross")
METHODS = ("largest-remainder", "half-up", "half-even", "down")
_AMOUNT = re.compile(r"\d{1,15}(\.\d{1,2})?\Z")
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_MAX_BYTES = 64 * 1024 * 1024


# ------------------------------------------------------------------------------------ period


@dataclass(frozen=True)
class Period:
    """Days `[start, end)` and how the user wrote them."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """`2026-Q3`, `2026-07`, `2026`, or `2026-07-01..2026-09-30` (both days included)."""
    t = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", t):
            year, q = int(m.group(1)), int(m.group(2))
            start = dt.date(year, 3 * q - 2, 1)
            end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
            return Period(t, start, end)
        if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
            year, month = int(m.group(1)), int(m.group(2))
            start = dt.date(year, month, 1)
            end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
            return Period(t, start, end)
        if re.fullmatch(r"\d{4}", t):
            return Period(t, dt.date(int(t), 1, 1), dt.date(int(t) + 1, 1, 1))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", t):
            first, last = parse_date(m.group(1)), parse_date(m.group(2))
            if first and last and first <= last:
                return Period(t, first, next_day(last))
    except (ValueError, OverflowError):
        pass
    raise UsageError(
        f"--period {text!r}: give a quarter (2026-Q3), a month (2026-07), a year (2026) or FIRST..LAST days"
    )


# ----------------------------------------------------------------------------------- rounding


def allocate(
    amount: Decimal,
    weights: Sequence[tuple[str, Decimal]],
    *,
    method: str = "largest-remainder",
    unit: Decimal = Decimal("0.01"),
    remainder_to: str | None = None,
) -> dict[str, Decimal]:
    """Split `amount` by percentage `weights` (member, pct summing to 100) into amounts that are
    multiples of `unit` (save a part below one unit, when `amount` itself is not a multiple)
    and add up to `amount` exactly.

    largest-remainder: every share rounded down, then the units left over go one each to the
    largest remainders (ties: the larger percentage, then the order of the split). The other
    methods round each share and give the difference to `remainder_to` (default: the first
    member of the split)."""
    if not weights:
        return {}
    total_pct = sum((pct for _, pct in weights), Decimal(0))
    sign = Decimal(-1) if amount < 0 else Decimal(1)
    whole = abs(amount)
    exact = {m: whole * pct / total_pct for m, pct in weights}
    out: dict[str, Decimal] = {}
    if method == "largest-remainder":
        for m, value in exact.items():
            out[m] = (value / unit).to_integral_value(ROUND_FLOOR) * unit
        left = whole - sum(out.values(), Decimal(0))
        order = sorted(
            range(len(weights)), key=lambda i: (-(exact[weights[i][0]] - out[weights[i][0]]), -weights[i][1], i)
        )
        k = 0
        while left >= unit:
            member = weights[order[k % len(order)]][0]
            out[member] += unit
            left -= unit
            k += 1
        if left:  # less than one unit, only when the amount is not a multiple of it
            out[weights[order[k % len(order)]][0]] += left
    else:
        rounding = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN}[method]
        for m, value in exact.items():
            out[m] = (value / unit).to_integral_value(rounding) * unit
        target = remainder_to if remainder_to is not None else weights[0][0]
        out[target] = out.get(target, Decimal(0)) + whole - sum(out.values(), Decimal(0))
    return {m: sign * v for m, v in out.items()}


def round_amount(value: Decimal, method: str, unit: Decimal) -> Decimal:
    rounding = {"half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN}.get(method, ROUND_HALF_UP)
    return (value / unit).to_integral_value(rounding) * unit


# ------------------------------------------------------------------------------------- the CSV


@dataclass(frozen=True)
class Cell:
    text: str
    line: int
    column: int


def _records(text: str) -> Iterator[list[Cell]]:
    """RFC 4180 records with the line and column where each field starts (quoted fields may
    span lines; a doubled quote is a quote)."""
    i, n, line, col = 0, len(text), 1, 1
    while i < n:
        row: list[Cell] = []
        while True:
            start_line, start_col = line, col
            if i < n and text[i] == '"':
                i += 1
                col += 1
                buf = []
                while i < n:
                    ch = text[i]
                    if ch == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            buf.append('"')
                            i += 2
                            col += 2
                            continue
                        i += 1
                        col += 1
                        break
                    buf.append(ch)
                    i += 1
                    if ch == "\n":
                        line, col = line + 1, 1
                    else:
                        col += 1
                value = "".join(buf)
                # anything between the closing quote and the separator is kept as written
                while i < n and text[i] not in ",\r\n":
                    value += text[i]
                    i += 1
                    col += 1
            else:
                j = i
                while j < n and text[j] not in ",\r\n":
                    j += 1
                value = text[i:j]
                col += j - i
                i = j
            row.append(Cell(value, start_line, start_col))
            if i < n and text[i] == ",":
                i += 1
                col += 1
                continue
            break
        if i < n and text[i] == "\r":
            i += 1
        if i < n and text[i] == "\n":
            i += 1
        line, col = line + 1, 1
        if not (len(row) == 1 and row[0].text == ""):
            yield row


@dataclass(frozen=True)
class Sale:
    day: dt.date
    item: int  # index into the agreement's items
    gross: Decimal
    refunds: Decimal
    line: int


@dataclass
class Settlement:
    statement: dict[str, Any] | None
    findings: list[Finding] = field(default_factory=list)


def _item_keys(items: Sequence[Any]) -> dict[str, int]:
    """How the CSV names each course: its `id`, or its position (1, 2, …) when it has none."""
    return {
        str(it["id"]) if isinstance(it, dict) and isinstance(it.get("id"), str) else str(i + 1): i
        for i, it in enumerate(items)
    }


def read_sales(
    path: Path, display: str, items: Sequence[Any], period: Period, in_force: tuple[dt.date, dt.date | None] | None,
    currency: str | None,
) -> tuple[list[Sale], str | None, str, list[Finding]]:  # fmt: skip
    """(sales, currency, sha256 of the file, findings)."""
    findings: list[Finding] = []

    def problem(line: int, column: int, message: str) -> None:
        findings.append(Finding(display, line, column, RULE, Severity.ERROR, message))

    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise UsageError(f"{display}: the file is larger than 64 MiB; settle a shorter period")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{display}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{display}: a directory, not a CSV file") from None
    except OSError as exc:
        raise UsageError(f"{display}: cannot read it ({exc.strerror})") from None
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problem(line, column, "the file is not UTF-8 text; save it as UTF-8 CSV")
        return [], None, digest, findings
    if "\0" in text:
        problem(1, 1, "the file holds NUL characters; it is not a CSV text file")
        return [], None, digest, findings
    records = list(_records(text))
    if not records:
        problem(1, 1, "the file is empty; the first line names the columns: " + ", ".join(REQUIRED))
        return [], None, digest, findings
    header = records[0]
    names: dict[str, int] = {}
    for pos, cell in enumerate(header):
        name = cell.text.strip().lower()
        if name not in COLUMNS:
            problem(cell.line, cell.column, f"unknown column {cell.text!r}; the columns are {', '.join(COLUMNS)}")
        elif name in names:
            problem(cell.line, cell.column, f"the column {name!r} appears twice")
        else:
            names[name] = pos
    for name in REQUIRED:
        if name not in names:
            problem(header[0].line, 1, f"the header has no {name!r} column (required: {', '.join(REQUIRED)})")
    if findings:
        return [], None, digest, findings
    keys = _item_keys(items)
    sales: list[Sale] = []
    seen_currency: tuple[str, int, int] | None = None
    for row in records[1:]:
        first = row[0]
        if len(row) != len(header):
            problem(first.line, first.column, f"this row has {len(row)} fields; the header has {len(header)}")
            continue

        def at(name: str, row: list[Cell] = row) -> Cell | None:
            return row[names[name]] if name in names else None

        ok = True
        date_cell = at("date")
        assert date_cell is not None
        day = parse_date(date_cell.text.strip())
        if day is None:
            problem(date_cell.line, date_cell.column, f"{date_cell.text!r} is not a day (YYYY-MM-DD)")
            ok = False
        elif not period.start <= day < period.end:
            problem(date_cell.line, date_cell.column, f"{day} is outside the period {period.start} … {period.last_day}")
            ok = False
        elif in_force is not None and not (in_force[0] <= day and (in_force[1] is None or day < in_force[1])):
            problem(date_cell.line, date_cell.column, f"the agreement is not in force on {day}")
            ok = False
        item_cell = at("item")
        assert item_cell is not None
        item = keys.get(item_cell.text.strip())
        if item is None:
            hint = ", ".join(sorted(keys)) or "none"
            problem(item_cell.line, item_cell.column, f"{item_cell.text!r} is not a course of this agreement ({hint})")
            ok = False
        amounts: dict[str, Decimal] = {}
        for name in ("gross", "refunds"):
            c = at(name)
            if c is None or (name == "refunds" and c.text.strip() == ""):
                amounts[name] = Decimal(0)
                continue
            value = c.text.strip()
            if not _AMOUNT.match(value):
                problem(
                    c.line,
                    c.column,
                    f"{name} {value!r} is not an amount such as 1234.50 (not negative, two decimals at most)",
                )
                ok = False
            else:
                amounts[name] = Decimal(value)
        cur = at("currency")
        if cur is not None and cur.text.strip():
            code = cur.text.strip()
            if not _CURRENCY.match(code):
                problem(cur.line, cur.column, f"{code!r} is not a currency code such as CNY")
                ok = False
            elif currency is not None and code != currency:
                problem(cur.line, cur.column, f"the agreement settles in {currency}, not {code}")
                ok = False
            elif seen_currency is not None and code != seen_currency[0]:
                problem(
                    cur.line,
                    cur.column,
                    f"{code} differs from {seen_currency[0]} on line {seen_currency[1]}; settle one currency per file",
                )
                ok = False
            elif seen_currency is None:
                seen_currency = (code, cur.line, cur.column)
        if ok and day is not None and item is not None:
            sales.append(Sale(day, item, amounts["gross"], amounts["refunds"], first.line))
    return sales, (seen_currency[0] if seen_currency else currency), digest, findings


# ------------------------------------------------------------------------------- settlement


def _agreement(index: Index, agreement_id: str) -> Record:
    agreement = index.agreements.get(agreement_id)
    if agreement is None:
        known = "a file that failed validation" if index.is_known("agreement", agreement_id) else "no such agreement"
        raise UsageError(f"{agreement_id}: {known}")
    if agreement.get("type") != "revenue-share":
        raise UsageError(f"{agreement_id} is a {agreement.get('type')} agreement, not a revenue-share agreement")
    if not isinstance(agreement.get("terms"), dict):
        raise UsageError(
            f"{agreement_id} records no terms (a restricted record keeps them outside the repository); "
            "settle it where its terms are kept"
        )
    return agreement


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def settle_file(index: Index, agreement_id: str, csv_path: Path, period: Period) -> Settlement:
    """The statement for one agreement and period, or the findings that stop it."""
    agreement = _agreement(index, agreement_id)
    terms: dict[str, Any] = agreement.get("terms")
    items = [it for it in terms.get("items") or [] if isinstance(it, dict)]
    split = [
        (str(s["member"]), Decimal(str(s["pct"])))
        for s in terms.get("split") or []
        if isinstance(s, dict) and "member" in s and isinstance(s.get("pct"), int | float)
    ]
    total_pct = sum((p for _, p in split), Decimal(0))
    if not split or total_pct != 100:
        raise UsageError(f"{agreement_id}: the split adds up to {total_pct}%, not 100%; fix the agreement first")
    interval = in_force_interval(agreement, index)
    if interval is None:
        raise UsageError(f"{agreement_id} is not in force ({agreement.get('status')}); there is nothing to settle")
    basis = terms.get("revenue_basis", "net")
    fee: dict[str, Any] | None = terms.get("platform_fee") if isinstance(terms.get("platform_fee"), dict) else None
    rounding: dict[str, Any] = terms["rounding"] if isinstance(terms.get("rounding"), dict) else {}
    method = rounding.get("method", "largest-remainder")
    unit = Decimal(str(rounding.get("unit", "0.01")))
    currency = terms.get("currency") if isinstance(terms.get("currency"), str) else None

    sales, currency, digest, findings = read_sales(
        csv_path, str(csv_path), items, period, (interval.start, interval.end), currency
    )
    if findings:
        return Settlement(None, findings)

    fee_pct = Decimal(str(fee["pct"])) if fee and basis == "net" else Decimal(0)
    fee_to = None
    if fee_pct:
        fee_to = fee.get("member") if fee else None
        if not fee_to:
            fee_to = next(
                (p.get("member") for p in agreement.get("parties") or [] if p.get("role") == "platform"),
                index.settings.hub,
            )
    courses = []
    totals: dict[str, Decimal] = {m: Decimal(0) for m, _ in split}
    by_course: dict[str, dict[str, str]] = {m: {} for m, _ in split}
    fees = Decimal(0)
    revenue_total = Decimal(0)
    for i, item in enumerate(items):
        key = str(item.get("id")) if isinstance(item.get("id"), str) else str(i + 1)
        rows = [s for s in sales if s.item == i]
        gross = sum((s.gross for s in rows), Decimal(0))
        refunds = sum((s.refunds for s in rows), Decimal(0))
        revenue = gross - refunds
        fee_amount = round_amount(revenue * fee_pct / 100, method, unit) if fee_pct else Decimal(0)
        distributable = revenue - fee_amount
        shares = allocate(
            distributable,
            split,
            method=method,
            unit=unit,
            remainder_to=rounding.get("remainder_to") or item.get("owner"),
        )
        for m, v in shares.items():
            totals[m] = totals.get(m, Decimal(0)) + v
            by_course.setdefault(m, {})[key] = money(v)
        fees += fee_amount
        revenue_total += revenue
        courses.append(
            {
                "item": key,
                "course": text_in(
                    item.get("course"), index.settings.languages[0] if index.settings.languages else None, key
                ),
                "owner": item.get("owner"),
                "sales": len(rows),
                "gross": money(gross),
                "refunds": money(refunds),
                "revenue": money(revenue),
                "platform_fee": money(fee_amount),
                "distributed": money(distributable),
                "shares": {m: money(v) for m, v in shares.items()},
            }
        )
    paid = sum(totals.values(), Decimal(0)) + fees
    assert paid == revenue_total, "a settlement must add up to the revenue"
    statement: dict[str, Any] = {
        "agreement": agreement.id,
        "agreement_sha256": agreement.content_sha256,
        "period": {"label": period.label, "start": period.start.isoformat(), "end": period.last_day.isoformat()},
        "currency": currency,
        "basis": basis,
        "platform_fee": {"pct": str(fee_pct), "member": fee_to} if fee_pct else None,
        "rounding": {"method": method, "unit": str(unit), "remainder_to": rounding.get("remainder_to")},
        "input": {"sha256": digest, "rows": len(sales)},
        "courses": courses,
        "members": [
            {"member": m, "total": money(totals[m]), "by_course": by_course.get(m, {})} for m in sorted(totals)
        ],
        "totals": {
            "revenue": money(revenue_total),
            "platform_fee": money(fees),
            "distributed": money(revenue_total - fees),
        },
    }
    statement["content_sha256"] = statement_sha256(statement)
    return Settlement(statement)


def statement_sha256(statement: dict[str, Any]) -> str:
    import rfc8785

    body = {k: v for k, v in statement.items() if k != "content_sha256"}
    return hashlib.sha256(rfc8785.dumps(body)).hexdigest()


# ---------------------------------------------------------------------------------- rendering


def render(statement: dict[str, Any], fmt: str) -> str:
    from qtgov import disclaimer

    if fmt == "json":
        import json

        from qtgov import __version__

        body = {"qtgov": __version__, "disclaimer": disclaimer.TEXT, "statement": statement}
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["agreement", "period", "member", "role", "item", "amount", "currency", "statement_sha256"])
        base = [statement["agreement"], statement["period"]["label"]]
        tail = [statement["currency"] or "", statement["content_sha256"]]
        for course in statement["courses"]:
            fee = statement["platform_fee"]
            if fee:
                writer.writerow([*base, fee["member"], "platform-fee", course["item"], course["platform_fee"], *tail])
            for member, value in course["shares"].items():
                writer.writerow([*base, member, "share", course["item"], value, *tail])
        return out.getvalue()
    period = statement["period"]
    cur = f" {statement['currency']}" if statement["currency"] else ""
    lines = [
        disclaimer.TEXT,
        "",
        f"Settlement of {statement['agreement']} for {period['label']} ({period['start']} … {period['end']})",
        f"Basis: {statement['basis']}"
        + (
            f"; platform fee {statement['platform_fee']['pct']}% to {statement['platform_fee']['member']}"
            if statement["platform_fee"]
            else ""
        )
        + f"; rounding: {statement['rounding']['method']} to {statement['rounding']['unit']}",
        f"Input: {statement['input']['rows']} row(s), sha256 {statement['input']['sha256']}",
        "",
    ]
    for course in statement["courses"]:
        lines.append(
            f"{course['item']}  {course['course']} (owner {course['owner']}): revenue {course['revenue']}{cur}"
        )
        if statement["platform_fee"]:
            lines.append(f"  platform fee  {course['platform_fee']:>14}")
        for member, value in course["shares"].items():
            lines.append(f"  {member:<12}  {value:>14}")
    lines.append("")
    lines.append("Per member:")
    for m in statement["members"]:
        lines.append(f"  {m['member']:<12}  {m['total']:>14}{cur}")
    totals = statement["totals"]
    lines.append(
        f"Total revenue {totals['revenue']}{cur} = distributed {totals['distributed']}"
        f" + platform fee {totals['platform_fee']}"
    )
    lines.append(f"content_sha256: {statement['content_sha256']}")
    return "\n".join(lines) + "\n"
