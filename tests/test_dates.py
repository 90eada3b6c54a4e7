"""Days, durations and when an agreement is in force (docs/design/records.md), including the edges of time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import run_qtgov, write_repo
from test_rules_core import MEMBERS, signed

from qtgov.dates import (
    add_duration,
    add_months,
    end_exclusive,
    is_zero,
    next_day,
    parse_date,
    parse_duration,
    previous_day,
    sub_duration,
)
from qtgov.records.agreements import in_force_interval
from qtgov.records.repo import load_repository
from qtgov.records.status import deadlines, in_force_on

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-31", D(2025, 1, 31)),
        ("2024-02-29", D(2024, 2, 29)),
        ("2025-02-29", None),
        ("2025-1-31", None),
        ("20250131", None),
        ("2025-01-31T00:00", None),
        (20250131, None),
        (None, None),
    ],
)
def test_parse_date(text: object, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P12M", (12, 0)),
        ("P1Y", (12, 0)),
        ("P1Y6M", (18, 0)),
        ("P2W", (0, 14)),
        ("P30D", (0, 30)),
        ("P1Y2M3W4D", (14, 25)),
        ("P0D", (0, 0)),
        ("P", None),
        ("PT1H", None),
        ("12M", None),
        ("P1.5Y", None),
        (12, None),
    ],
)
def test_parse_duration(text: object, expected: tuple[int, int] | None) -> None:
    assert parse_duration(text) == expected


def test_is_zero() -> None:
    assert is_zero((0, 0))
    assert not is_zero((0, 1))
    assert not is_zero(None)


def test_months_clamp_to_the_end_of_the_month() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 3, 31), -1) == D(2025, 2, 28)
    assert add_months(D(2025, 12, 15), 1) == D(2026, 1, 15)
    assert add_months(D(2025, 1, 15), -13) == D(2023, 12, 15)
    assert add_duration(D(2025, 1, 31), (1, 1)) == D(2025, 3, 1)
    assert sub_duration(D(2025, 3, 1), (1, 1)) == D(2025, 1, 31)


def test_arithmetic_saturates_instead_of_failing() -> None:
    assert add_duration(D(2025, 1, 1), (9999 * 12, 0)) == dt.date.max
    assert add_duration(D(2025, 1, 1), (0, 10**12)) == dt.date.max
    assert sub_duration(D(2025, 1, 1), (9999 * 12, 0)) == dt.date.min
    assert next_day(dt.date.max) == dt.date.max
    assert previous_day(dt.date.min) == dt.date.min
    assert end_exclusive("9999-12-31") == dt.date.max
    assert end_exclusive("2025-12-31") == D(2026, 1, 1)
    assert end_exclusive("not a date") is None


# ---------------------------------------------------------------- in force


def talent(ident: str, status: str, effective: str, extra: str = "") -> str:
    return (
        f"id: {ident}\ntype: talent\ntitle: Training\nversion: 1\nstatus: {status}\neffective: {effective}\n"
        "parties:\n  - member: acme\n  - member: beta\nvisibility: public\nterms:\n  kind: training\n" + extra
    )


def intervals(tmp_path: Path, files: dict[str, str]) -> dict[str, tuple[dt.date, dt.date | None] | None]:
    index = load_repository(write_repo(tmp_path / "repo", {**MEMBERS, **files}), use_cache=False).index
    out: dict[str, tuple[dt.date, dt.date | None] | None] = {}
    for ident, record in sorted(index.agreements.items()):
        interval = in_force_interval(record, index)
        out[ident] = None if interval is None else (interval.start, interval.end)
    return out


def test_in_force_intervals(tmp_path: Path) -> None:
    files = {
        "agreements/open.yaml": signed(talent("open", "executed", "2025-01-01")),
        "agreements/ends.yaml": signed(talent("ends", "executed", "2025-01-01", "term:\n  end: 2025-06-30\n")),
        "agreements/months.yaml": signed(talent("months", "executed", "2025-01-31", "term:\n  duration: P1M\n")),
        "agreements/both.yaml": signed(
            talent("both", "executed", "2025-01-01", "term:\n  end: 2025-12-31\ntermination:\n  date: 2025-03-31\n")
            .replace("status: executed", "status: terminated")
            .replace("  date: 2025-03-31\n", "  date: 2025-03-31\n  reason: done\n")
        ),
        "agreements/draft.yaml": talent("draft", "draft", "2025-01-01"),
        "agreements/executed-on.yaml": signed(talent("executed-on", "executed", "on-execution"), "2025-03-03"),
        # Amended from 2025-05-01: the old one stops the day before.
        "agreements/old.yaml": signed(talent("old", "executed", "2025-01-01")),
        "agreements/new.yaml": signed(talent("new", "executed", "2025-05-01", "amends: old\n")),
        # A draft amendment changes nothing.
        "agreements/kept.yaml": signed(talent("kept", "executed", "2025-01-01")),
        "agreements/maybe.yaml": talent("maybe", "proposed", "2025-05-01", "supersedes: [kept]\n"),
        # Terminated with its last day in force the day before it took effect: never in force.
        "agreements/void.yaml": signed(
            talent("void", "terminated", "2025-01-01", "termination:\n  date: 2024-12-31\n  reason: void\n")
        ),
        # termination.date is its last day in force, like term.end: in force on that one day.
        "agreements/one-day.yaml": signed(
            talent("one-day", "terminated", "2025-01-01", "termination:\n  date: 2025-01-01\n  reason: once\n")
        ),
        # Auto-renewing, terminated during its third term: in force until the termination date.
        "agreements/renews.yaml": signed(
            talent(
                "renews",
                "terminated",
                "2023-01-01",
                "term:\n  duration: P1Y\nrenewal:\n  auto: true\n  period: P1Y\n"
                "termination:\n  date: 2025-03-14\n  reason: done\n",
            )
        ),
    }
    assert intervals(tmp_path, files) == {
        "both": (D(2025, 1, 1), D(2025, 4, 1)),
        "draft": None,
        "ends": (D(2025, 1, 1), D(2025, 7, 1)),
        "executed-on": (D(2025, 3, 3), None),
        "kept": (D(2025, 1, 1), None),
        "maybe": None,
        "months": (D(2025, 1, 31), D(2025, 2, 28)),
        "new": (D(2025, 5, 1), None),
        "one-day": (D(2025, 1, 1), D(2025, 1, 2)),
        "old": (D(2025, 1, 1), D(2025, 5, 1)),
        "open": (D(2025, 1, 1), None),
        "renews": (D(2023, 1, 1), D(2025, 3, 15)),
        "void": None,
    }


def test_renewals_fall_on_anniversaries(tmp_path: Path) -> None:
    monthly = signed(
        talent("monthly", "executed", "2025-01-01", "term:\n  end: 2025-01-31\nrenewal:\n  auto: true\n  period: P1M\n")
    )
    index = load_repository(write_repo(tmp_path / "repo", {**MEMBERS, "agreements/monthly.yaml": monthly})).index
    # Terms end on the last day of each month, not on the 28th after February.
    ends = [in_force_on(index, D(2025, m, 15))[0].last_day for m in (1, 2, 3, 4)]
    assert ends == [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30)]
    # Far in the future without walking every month.
    assert in_force_on(index, D(9000, 6, 1))[0].last_day == D(9000, 6, 30)
    due = deadlines(index, D(2025, 2, 20), dt.timedelta(days=40))
    assert [(d.day, d.kind) for d in due] == [(D(2025, 3, 1), "renewal"), (D(2025, 4, 1), "renewal")]


def test_terminated_auto_renewal_deadlines(tmp_path: Path) -> None:
    text = talent(
        "renews",
        "terminated",
        "2023-01-01",
        "term:\n  duration: P1Y\nrenewal:\n  auto: true\n  period: P1Y\n  notice: P1M\n"
        "termination:\n  date: 2025-03-14\n  reason: done\n",
    )
    index = load_repository(write_repo(tmp_path / "repo", {**MEMBERS, "agreements/renews.yaml": signed(text)})).index
    due = deadlines(index, D(2024, 11, 1), dt.timedelta(days=180))
    # It still renews on 2025-01-01, then ends on 2025-03-14; no notice is due once terminated.
    assert [(d.day, d.kind, d.note) for d in due] == [
        (D(2025, 1, 1), "renewal", "renews automatically for P1Y"),
        (D(2025, 3, 14), "expiry", "in force until and including this day (terminated)"),
    ]
    assert [r.last_day for r in in_force_on(index, D(2025, 2, 1))] == [D(2025, 3, 14)]


@pytest.mark.parametrize(
    ("extra", "as_of"),
    [
        ("term:\n  duration: P1D\nrenewal:\n  auto: true\n  period: P0D\n", "2030-01-01"),
        ("term:\n  end: 9999-12-31\n", "9999-12-31"),
        ("term:\n  duration: P99999Y\n", "2025-06-01"),
        ("term:\n  duration: P1D\nrenewal:\n  auto: true\n  period: P1D\n", "9999-12-31"),
        ("term:\n  duration: P1M\nrenewal:\n  auto: true\n  period: P99999Y\n  notice: P1D\n", "2025-06-01"),
    ],
)
def test_status_never_hangs_or_crashes_on_odd_durations(tmp_path: Path, extra: str, as_of: str) -> None:
    root = write_repo(
        tmp_path / "repo", {**MEMBERS, "agreements/odd.yaml": signed(talent("odd", "executed", "2025-01-01", extra))}
    )
    for args in (["--as-of", as_of], ["--as-of", as_of, "--due", "1000y"], ["--as-of", "0001-01-01", "--due", "60d"]):
        result = run_qtgov("status", *args, "-C", root, timeout=30)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
