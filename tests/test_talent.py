"""`talent-time`: one person's time across secondments and part-time arrangements in force."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qtgov.economics.talent import Arrangement, over_ranges
from tests.conftest import finding_tuples

Qtgov = Callable[..., subprocess.CompletedProcess[str]]

BETA = """\
id: beta
kind: member
name: Beta
status: active
visibility: public
"""


def talent(ident: str, kind: str, person: str, pct: int, effective: str, end: str, *, status: str = "executed",
           period: tuple[str, str] | None = None) -> str:  # fmt: skip
    text = f"""\
id: {ident}
type: talent
title: {ident}
version: 1
status: {status}
parties:
  - member: beta
    role: home
  - member: hub
    role: host
effective: {effective}
term:
  end: {end}
governing_law: CN
visibility: public
terms:
  kind: {kind}
  person_ref: {person}
  home: beta
  host: hub
  employee_consent: true
  time_share_pct: {pct}
"""
    if period:
        text += f"  period:\n    start: {period[0]}\n    end: {period[1]}\n"
    return text


def test_each_range_over_100_percent_is_one_finding(make_repo: Callable[..., Path], qtgov: Qtgov) -> None:
    root = make_repo(
        {
            "members/beta.yaml": BETA,
            "agreements/tl-a.yaml": talent("tl-a", "secondment", "p-7f3a", 100, "2025-01-01", "2025-12-31"),
            "agreements/tl-b.yaml": talent("tl-b", "part-time", "p-7f3a", 30, "2025-06-01", "2025-08-31"),
            # in force from July, but its period starts in August
            "agreements/tl-c.yaml": talent(
                "tl-c", "part-time", "p-7f3a", 20, "2025-07-01", "2026-06-30", period=("2025-08-01", "2025-09-30")
            ),
            "agreements/tl-d.yaml": talent("tl-d", "part-time", "p-7f3a", 10, "2025-11-01", "2025-11-30"),
            # a draft does not count; another person at exactly 100% is fine
            "agreements/tl-e.yaml": talent(
                "tl-e", "part-time", "p-7f3a", 50, "2025-01-01", "2025-12-31", status="draft"
            ),
            "agreements/tl-f.yaml": talent("tl-f", "secondment", "p-2b9c", 60, "2025-01-01", "2025-12-31"),
            "agreements/tl-g.yaml": talent("tl-g", "part-time", "p-2b9c", 40, "2025-01-01", "2025-12-31"),
        }
    )
    done = qtgov("validate", root, "--format", "json")
    assert finding_tuples(done.stdout, {"talent-time"}) == [
        ("agreements/tl-c.yaml", 22, 19, "talent-time"),
        ("agreements/tl-d.yaml", 22, 19, "talent-time"),
    ]
    findings = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "talent-time"]
    assert [f["message"] for f in findings] == [
        "the time of one person (the same person_ref) adds up to more than 100% from 2025-06-01 to 2025-09-30 "
        "(at most 150%: tl-a 100%, "
        "tl-b 30%, tl-c 20%); the parties may wish to adjust the shares or dates",
        "the time of one person (the same person_ref) adds up to more than 100% from 2025-11-01 to 2025-11-30 "
        "(at most 110%: tl-a 100%, "
        "tl-d 10%); the parties may wish to adjust the shares or dates",
    ]
    assert [(r["path"], r["line"], r["message"]) for r in findings[0]["related"]] == [
        ("agreements/tl-a.yaml", 22, "tl-a: 100% of the same person's time"),
        ("agreements/tl-b.yaml", 22, "tl-b: 30% of the same person's time"),
    ]
    assert findings[0]["severity"] == "warning"
    assert "p-7f3a" not in done.stdout  # a person reference is personal data


@st.composite
def schedules(draw: st.DrawFn) -> list[Arrangement]:
    """Up to six arrangements of one person within about three months, some open-ended."""
    out = []
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        start = DAY0 + dt.timedelta(days=draw(st.integers(min_value=0, max_value=90)))
        length = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=60)))
        end = None if length is None else start + dt.timedelta(days=length)
        pct = Fraction(draw(st.sampled_from([10, 20, 30, 50, 60, 80, 100])))
        out.append(Arrangement(None, "p-test", pct, start, end))  # type: ignore[arg-type]
    return out


DAY0 = dt.date(2025, 1, 1)


@settings(max_examples=300, deadline=None)
@given(items=schedules())
def test_ranges_match_a_day_by_day_count(items: list[Arrangement]) -> None:
    horizon = DAY0 + dt.timedelta(days=200)  # after every start and end
    over_days = []
    day = DAY0
    while day < horizon:
        total = sum((a.pct for a in items if a.start <= day and (a.end is None or day < a.end)), Fraction(0))
        over_days.append(total > 100)
        day += dt.timedelta(days=1)
    expected: list[tuple[dt.date, dt.date | None]] = []
    for n, over in enumerate(over_days):
        day = DAY0 + dt.timedelta(days=n)
        if over and (n == 0 or not over_days[n - 1]):
            expected.append((day, None))
        if not over and n > 0 and over_days[n - 1]:
            expected[-1] = (expected[-1][0], day)
    assert [(s, e) for s, e, _, _ in over_ranges(items)] == expected
