"""`qtgov settle`: revenue shares from a sales CSV, exact to the cent, with located input errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qtgov.economics.settlements import allocate, parse_period
from qtgov.errors import UsageError

Qtgov = Callable[..., subprocess.CompletedProcess[str]]

BETA = """\
id: beta
kind: member
name: Beta
status: active
visibility: public
"""

AGREEMENT = """\
id: rs-courses
type: revenue-share
title: Two co-listed courses
version: 1
status: executed
parties:
  - member: hub
    role: platform
  - member: beta
    role: owner
effective: 2026-01-01
term:
  end: 2026-08-15
governing_law: CN
visibility: public
terms:
  items:
    - id: intro-python
      course: Introduction to Python
      owner: beta
    - id: data-basics
      course: Data basics
      owner: beta
  pricing_authority: owner
  revenue_basis: {basis}
  currency: CNY
  platform_fee:
    pct: 5
  rounding:
    method: {method}
  split:
    - member: hub
      pct: 33.3
    - member: beta
      pct: 66.7
"""

SALES = """\
date,item,gross,refunds,currency,note
2026-07-03,intro-python,199.00,,CNY,first day
2026-07-04,intro-python,199.00,199.00,CNY,refunded
2026-07-20,data-basics,0.10,,CNY,
2026-08-01,data-basics,99.99,,CNY,"a note, with a comma"
"""


@pytest.fixture
def alliance(make_repo: Callable[..., Path]) -> Callable[..., Path]:
    def make(basis: str = "net", method: str = "largest-remainder") -> Path:
        return make_repo(
            {"members/beta.yaml": BETA, "agreements/rs-courses.yaml": AGREEMENT.format(basis=basis, method=method)},
            name="alliance",
        )

    return make


def settle(qtgov: Qtgov, root: Path, sales: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = root.parent / "sales.csv"
    path.write_text(sales, encoding="utf-8")
    return qtgov("settle", "rs-courses", "-C", root, "--revenue", path, "--period", "2026-Q3", *args)


def test_a_net_statement_takes_the_fee_and_splits_the_rest_to_the_cent(
    alliance: Callable[..., Path], qtgov: Qtgov
) -> None:
    done = settle(qtgov, alliance(), SALES, "--format", "json")
    assert done.returncode == 0, done.stderr
    statement = json.loads(done.stdout)["statement"]
    intro, data = statement["courses"]
    # intro-python: 398.00 − 199.00 = 199.00; fee 5% = 9.95; 189.05 split 33.3 : 66.7 =
    # 62.95365 : 126.09635 -> 62.95 : 126.09 and the cent left goes to the larger remainder.
    assert (intro["revenue"], intro["platform_fee"], intro["distributed"]) == ("199.00", "9.95", "189.05")
    assert intro["shares"] == {"hub": "62.95", "beta": "126.10"}
    # data-basics: 100.09; fee 5.0045 -> 5.00; 95.09 -> 31.66497 : 63.42503 -> 31.66 : 63.43.
    assert (data["revenue"], data["platform_fee"], data["distributed"]) == ("100.09", "5.00", "95.09")
    assert data["shares"] == {"hub": "31.66", "beta": "63.43"}
    assert statement["members"] == [
        {"member": "beta", "total": "189.53", "by_course": {"intro-python": "126.10", "data-basics": "63.43"}},
        {"member": "hub", "total": "94.61", "by_course": {"intro-python": "62.95", "data-basics": "31.66"}},
    ]
    assert statement["platform_fee"] == {"pct": "5", "member": "hub"}
    assert statement["totals"] == {"revenue": "299.09", "platform_fee": "14.95", "distributed": "284.14"}
    assert Decimal("189.53") + Decimal("94.61") + Decimal("14.95") == Decimal("299.09")
    assert len(statement["content_sha256"]) == 64


def test_the_hash_is_the_same_in_every_format_and_follows_the_input(
    alliance: Callable[..., Path], qtgov: Qtgov
) -> None:
    root = alliance()
    as_json = json.loads(settle(qtgov, root, SALES, "--format", "json").stdout)["statement"]["content_sha256"]
    text = settle(qtgov, root, SALES).stdout
    assert f"content_sha256: {as_json}\n" in text
    assert "Total revenue 299.09 CNY = distributed 284.14 + platform fee 14.95\n" in text
    rows = list(csv.reader(io.StringIO(settle(qtgov, root, SALES, "--format", "csv").stdout)))
    assert rows[0] == ["agreement", "period", "member", "role", "item", "amount", "currency", "statement_sha256"]
    assert rows[1:4] == [
        ["rs-courses", "2026-Q3", "hub", "platform-fee", "intro-python", "9.95", "CNY", as_json],
        ["rs-courses", "2026-Q3", "hub", "share", "intro-python", "62.95", "CNY", as_json],
        ["rs-courses", "2026-Q3", "beta", "share", "intro-python", "126.10", "CNY", as_json],
    ]
    changed = json.loads(settle(qtgov, root, SALES.replace("99.99", "99.98"), "--format", "json").stdout)
    assert changed["statement"]["content_sha256"] != as_json


def test_a_gross_basis_splits_everything_and_half_up_gives_the_difference_to_the_owner(
    alliance: Callable[..., Path], qtgov: Qtgov
) -> None:
    done = settle(qtgov, alliance(basis="gross", method="half-up"), SALES, "--format", "json")
    statement = json.loads(done.stdout)["statement"]
    intro, data = statement["courses"]
    assert statement["platform_fee"] is None
    # 199.00 -> 66.267 : 132.733 -> 66.27 : 132.73 (adds up); 100.09 -> 33.32997 : 66.76003
    # -> 33.33 : 66.76 (adds up too).
    assert intro["shares"] == {"hub": "66.27", "beta": "132.73"}
    assert data["shares"] == {"hub": "33.33", "beta": "66.76"}
    assert statement["totals"]["revenue"] == statement["totals"]["distributed"] == "299.09"


def test_every_bad_cell_is_reported_where_it_is(alliance: Callable[..., Path], qtgov: Qtgov, tmp_path: Path) -> None:
    bad = (
        "date,item,gross,currency\n"
        "2026-07-01,intro-python,12.345,CNY\n"
        "2026-06-30,intro-python,10,CNY\n"
        "2026-08-20,data-basics,10,CNY\n"
        "2026-07-02,nope,-3,USD\n"
        '2026-07-02,"intro-python",10\n'
        "2026-7-2,data-basics,1e3,CNY\n"
    )
    done = settle(qtgov, alliance(), bad)
    assert done.returncode == 1
    assert done.stdout == ""
    path = tmp_path / "sales.csv"
    lines = [line for line in done.stderr.splitlines() if line.startswith(str(path))]
    assert lines == [
        f"{path}:2:25: error [settlement-input] gross '12.345' is not an amount such as 1234.50 (not negative, "
        "two decimals at most)",
        f"{path}:3:1: error [settlement-input] 2026-06-30 is outside the period 2026-07-01 … 2026-09-30",
        f"{path}:4:1: error [settlement-input] the agreement is not in force on 2026-08-20",
        f"{path}:5:12: error [settlement-input] 'nope' is not a course of this agreement (data-basics, intro-python)",
        f"{path}:5:17: error [settlement-input] gross '-3' is not an amount such as 1234.50 (not negative, two "
        "decimals at most)",
        f"{path}:5:20: error [settlement-input] the agreement settles in CNY, not USD",
        f"{path}:6:1: error [settlement-input] this row has 3 fields; the header has 4",
        f"{path}:7:1: error [settlement-input] '2026-7-2' is not a day (YYYY-MM-DD)",
        f"{path}:7:22: error [settlement-input] gross '1e3' is not an amount such as 1234.50 (not negative, two "
        "decimals at most)",
    ]


def test_a_bad_header_and_a_file_that_is_not_text(alliance: Callable[..., Path], qtgov: Qtgov, tmp_path: Path) -> None:
    root = alliance()
    done = settle(qtgov, root, "day,item,amount\n")
    path = tmp_path / "sales.csv"
    assert [line for line in done.stderr.splitlines() if line.startswith(str(path))] == [
        f"{path}:1:1: error [settlement-input] the header has no 'date' column (required: date, item, gross)",
        f"{path}:1:1: error [settlement-input] the header has no 'gross' column (required: date, item, gross)",
        f"{path}:1:1: error [settlement-input] unknown column 'day'; the columns are date, item, gross, refunds, "
        "currency, order, quantity, note",
        f"{path}:1:10: error [settlement-input] unknown column 'amount'; the columns are date, item, gross, refunds, "
        "currency, order, quantity, note",
    ]
    path.write_bytes(b"date,item,gross\n2026-07-01,intro-python,\xff\n")
    done = qtgov("settle", "rs-courses", "-C", root, "--revenue", path, "--period", "2026-Q3")
    assert done.returncode == 1
    assert f"{path}:2:25: error [settlement-input] the file is not UTF-8 text; save it as UTF-8 CSV" in done.stderr


def test_usage_errors(alliance: Callable[..., Path], qtgov: Qtgov, tmp_path: Path) -> None:
    root = alliance()
    done = qtgov("settle", "rs-courses", "-C", root, "--revenue", tmp_path / "none.csv", "--period", "2026-Q3")
    assert (done.returncode, done.stderr) == (2, f"qtgov: {tmp_path / 'none.csv'}: no such file\n")
    done = settle(qtgov, root, SALES.replace("2026-Q3", ""), "--period", "Q3")
    assert done.returncode == 2
    assert "--period 'Q3': give a quarter (2026-Q3)" in done.stderr


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-Q3", "2026-07-01", "2026-09-30"),
        ("2026-Q4", "2026-10-01", "2026-12-31"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-03-15..2026-04-14", "2026-03-15", "2026-04-14"),
    ],
)
def test_periods(text: str, first: str, last: str) -> None:
    period = parse_period(text)
    assert (period.start.isoformat(), period.last_day.isoformat()) == (first, last)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "2026-04-14..2026-03-15", "last quarter"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(UsageError):
        parse_period(text)


cents = st.integers(min_value=-(10**9), max_value=10**11).map(lambda n: Decimal(n) / 100)


@st.composite
def splits(draw: st.DrawFn) -> list[tuple[str, Decimal]]:
    """2–6 members whose percentages (with up to two decimals) sum to exactly 100."""
    n = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=10_000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10_000]
    return [(f"m{i}", Decimal(bounds[i + 1] - bounds[i]) / 100) for i in range(n)]


@settings(max_examples=400, deadline=None)
@given(
    amount=cents,
    split=splits(),
    method=st.sampled_from(["largest-remainder", "half-up", "half-even", "down"]),
    unit=st.sampled_from([Decimal("0.01"), Decimal("0.1"), Decimal("1")]),
)
def test_shares_always_add_up_to_the_amount(
    amount: Decimal, split: list[tuple[str, Decimal]], method: str, unit: Decimal
) -> None:
    shares = allocate(amount, split, method=method, unit=unit, remainder_to=split[-1][0])
    assert sum(shares.values(), Decimal(0)) == amount
    assert set(shares) == {m for m, _ in split}
    if method == "largest-remainder":
        # never more than one unit away from the exact share
        for member, pct in split:
            assert abs(shares[member] - amount * pct / 100) < unit


def test_the_readme_example_settles_the_demo(qtgov: Qtgov, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    sales = readme.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "sales.csv"
    path.write_text(sales, encoding="utf-8")
    demo = Path(__file__).resolve().parents[1] / "examples/demo-alliance"
    done = qtgov(
        "settle", "rs-analytics-course", "-C", demo, "--revenue", path, "--period", "2026-Q3", "--format", "csv"
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert [r[2:6] for r in rows[1:]] == [
        ["demo-hub", "share", "practical-data-analysis", "59.70"],
        ["chitu-data", "share", "practical-data-analysis", "139.30"],
    ]


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list('date,item,gross"\n\r 0123456789.-x\x00é')), max_size=200),
)
def test_any_csv_text_gives_a_statement_or_located_findings(
    text: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from qtgov.economics.settlements import Period, read_sales

    path = tmp_path_factory.mktemp("csv") / "sales.csv"
    path.write_text("date,item,gross\n" + text, encoding="utf-8")
    period = parse_period("2026-Q3")
    items = [{"id": "a", "course": "A", "owner": "hub"}]
    sales, _, digest, findings = read_sales(path, "sales.csv", items, period, None, None)
    assert len(digest) == 64
    assert isinstance(period, Period)
    for f in findings:
        assert f.path == "sales.csv" and f.line >= 1 and f.column >= 1 and f.rule == "settlement-input"
    assert all(s.item == 0 and period.start <= s.day < period.end for s in sales)


def test_courses_without_ids_are_named_by_position(make_repo: Callable[..., Path], qtgov: Qtgov) -> None:
    text = AGREEMENT.format(basis="gross", method="down").replace(
        "    - id: intro-python\n      course", "    - course"
    )
    root = make_repo({"members/beta.yaml": BETA, "agreements/rs-courses.yaml": text}, name="alliance")
    sales = "date,item,gross\n2026-07-01,1,10.00\n2026-07-02,data-basics,1.00\n2026-07-03,2,1.00\n"
    done = settle(qtgov, root, sales, "--format", "json")
    assert done.returncode == 1
    assert "'2' is not a course of this agreement (1, data-basics)" in done.stderr
    done = settle(qtgov, root, sales.replace("2026-07-03,2,1.00\n", ""), "--format", "json")
    courses = json.loads(done.stdout)["statement"]["courses"]
    # down: 3.33 + 6.67 = 10.00 exactly; 0.333 + 0.667 -> 0.33 + 0.66, the cent left to the owner
    assert [(c["item"], c["shares"]) for c in courses] == [
        ("1", {"hub": "3.33", "beta": "6.67"}),
        ("data-basics", {"hub": "0.33", "beta": "0.67"}),
    ]
