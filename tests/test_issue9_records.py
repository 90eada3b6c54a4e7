"""Issue 9 item 9: `termination.date` is the last day in force, like `term.end`, and `status` says
so in words; dates that look written for qtgov 0.1.0's reading get the `termination-day` note."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_qtgov, write_repo
from test_rules_core import DEAL, MEMBERS, signed

from qtgov import disclaimer

HEAD = f"{disclaimer.ZH}\n{disclaimer.EN}\n\n"

TERMINATED = signed(
    DEAL.replace("status: executed", "status: terminated")
    + "term:\n  end: 2024-12-31\ntermination:\n  date: 2024-06-30\n  reason: done\n"
)


def findings(root: Path, *rules: str) -> list[tuple[str, int, int, str, str, str]]:
    result = run_qtgov("validate", "--format", "json", "-C", root)
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["severity"], f["message"])
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] in rules
    ]


# ---------------------------------------------------------------- termination.date (item 9)


def test_termination_date_is_the_last_day_in_force(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {**MEMBERS, "agreements/deal.yaml": TERMINATED})
    on_last = run_qtgov("status", "--as-of", "2024-06-30", "-C", root)
    assert (on_last.returncode, on_last.stderr) == (0, "")
    assert on_last.stdout == HEAD + (
        "In force on 2024-06-30: 1 agreement(s)\n"
        "  deal                             talent           "
        "from 2024-03-01 until and including 2024-06-30  acme, beta\n"
    )
    after = run_qtgov("status", "--as-of", "2024-07-01", "-C", root)
    assert after.stdout == HEAD + "In force on 2024-07-01: 0 agreement(s)\n"
    due = run_qtgov("status", "--as-of", "2024-06-01", "--due", "60d", "-C", root)
    assert due.stdout == HEAD + (
        "Deadlines from 2024-06-01 to 2024-07-31:\n"
        "  2024-06-30  expiry   deal                             acme, beta — "
        "in force until and including this day (terminated)\n"
    )


def test_open_ended_agreements_say_so(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {**MEMBERS, "agreements/deal.yaml": signed(DEAL)})
    result = run_qtgov("status", "--as-of", "2024-06-30", "-C", root)
    assert result.stdout == HEAD + (
        "In force on 2024-06-30: 1 agreement(s)\n"
        "  deal                             talent           from 2024-03-01, with no end date  acme, beta\n"
    )


def test_termination_dates_in_the_old_reading_get_a_note(tmp_path: Path) -> None:
    # The day after the term's end: in the old reading, "terminated when the term ended".
    day_after_term = TERMINATED.replace("date: 2024-06-30", "date: 2025-01-01")
    root = write_repo(tmp_path / "repo", {**MEMBERS, "agreements/deal.yaml": day_after_term})
    assert findings(root, "termination-day", "dates") == [
        (
            "agreements/deal.yaml",
            16,
            9,
            "termination-day",
            "info",
            "termination.date is the last day in force, so it is in force until and including 2025-01-01; "
            "if it ended on 2024-12-31 (the day before, as qtgov 0.1.0 read this date), write 2024-12-31",
        )
    ]
    assert run_qtgov("validate", "-C", root).returncode == 0
    # A termination on its effective day (the old "never in force") gets the note too.
    same_day = TERMINATED.replace("date: 2024-06-30", "date: 2024-03-01")
    root = write_repo(tmp_path / "same", {**MEMBERS, "agreements/deal.yaml": same_day})
    assert [f[3:5] for f in findings(root, "termination-day", "dates")] == [("termination-day", "info")]
    assert "it is in force on 2024-03-01 only" in findings(root, "termination-day")[0][5]
    # The right last day gets no note, nor does the first day of a month.
    first_of_month = TERMINATED.replace("date: 2024-06-30", "date: 2024-07-01")
    root = write_repo(tmp_path / "first", {**MEMBERS, "agreements/deal.yaml": first_of_month})
    assert findings(root, "termination-day", "dates") == []
    root = write_repo(tmp_path / "ok", {**MEMBERS, "agreements/deal.yaml": TERMINATED})
    assert findings(root, "termination-day", "dates") == []


def test_termination_the_day_before_it_took_effect_is_never_in_force(tmp_path: Path) -> None:
    void = TERMINATED.replace("date: 2024-06-30", "date: 2024-02-29")
    root = write_repo(tmp_path / "repo", {**MEMBERS, "agreements/deal.yaml": void})
    assert findings(root, "termination-day", "dates") == []
    assert (
        run_qtgov("status", "--as-of", "2024-03-01", "-C", root).stdout
        == HEAD + "In force on 2024-03-01: 0 agreement(s)\n"
    )
