"""Leaving the alliance (issue 9 item 6) and the hub's approvers (item 14): exact findings of
`qtgov validate`, and `qtgov review --check-approvals` on a real git repository."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import HUB, run_qtgov, write_repo
from test_git_review import approval
from test_git_support import founding, member
from test_rules_core import BETA, DEAL, MEMBERS, sign, signed

Found = tuple[str, int, int, str, str, str]

# beta leaves after 2024-06-30: `left` on line 6, column 7.
BETA_LEFT = BETA.replace(
    "status: active\njoined: 2024-01-01\n", "status: withdrawn\njoined: 2024-01-01\nleft: 2024-06-30\n"
)
LEFT_AT = "members/beta.yaml:6:7"


def findings(root: Path, *rules: str) -> list[Found]:
    result = run_qtgov("validate", "--format", "json", "-C", root)
    assert result.stderr == ""
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["severity"], f["message"])
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] in rules
    ]


def related(root: Path, rule: str) -> list[list[str]]:
    result = run_qtgov("validate", "--format", "json", "-C", root)
    return [
        [f"{r['path']}:{r['line']}:{r['column']}" for r in f["related"]]
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] == rule
    ]


def ended(last_day: str) -> str:
    """DEAL, signed, terminated with `last_day` as its last day in force."""
    return signed(DEAL.replace("status: executed", "status: terminated")) + (
        f"termination:\n  date: {last_day}\n  reason: beta left\n"
    )


def test_an_agreement_in_force_after_a_member_left(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "repo", {**MEMBERS, "members/beta.yaml": BETA_LEFT, "agreements/deal.yaml": signed(DEAL)}
    )
    assert findings(root, "exit-agreements", "exit-signatures") == [
        (
            "agreements/deal.yaml",
            9,
            13,
            "exit-agreements",
            "error",
            "beta left the alliance on 2024-06-30, but deal stays in force with no end: end it on 2024-06-30"
            " (qtgov terminate deal --date 2024-06-30; when recording the exit,"
            " qtgov withdraw beta --date 2024-06-30 --terminate)",
        )
    ]
    assert related(root, "exit-agreements") == [[LEFT_AT]]


def test_an_agreement_that_ends_on_the_last_day_of_membership_is_fine(tmp_path: Path) -> None:
    files = {**MEMBERS, "members/beta.yaml": BETA_LEFT, "agreements/deal.yaml": ended("2024-06-30")}
    root = write_repo(tmp_path / "on-time", files)
    assert findings(root, "exit-agreements", "exit-signatures") == []
    root = write_repo(tmp_path / "a-day-late", {**files, "agreements/deal.yaml": ended("2024-07-01")})
    assert findings(root, "exit-agreements") == [
        (
            "agreements/deal.yaml",
            9,
            13,
            "exit-agreements",
            "error",
            "beta left the alliance on 2024-06-30, but deal stays in force until 2024-07-01: end it on 2024-06-30"
            " (qtgov terminate deal --date 2024-06-30; when recording the exit,"
            " qtgov withdraw beta --date 2024-06-30 --terminate)",
        )
    ]


def test_drafts_and_members_that_stay_give_nothing(tmp_path: Path) -> None:
    draft = DEAL.replace("status: executed", "status: draft")
    root = write_repo(tmp_path / "draft", {**MEMBERS, "members/beta.yaml": BETA_LEFT, "agreements/deal.yaml": draft})
    assert findings(root, "exit-agreements", "exit-signatures") == []
    root = write_repo(tmp_path / "stays", {**MEMBERS, "agreements/deal.yaml": signed(DEAL, "2024-07-01")})
    assert findings(root, "exit-agreements", "exit-signatures") == []


def test_a_signature_after_leaving(tmp_path: Path) -> None:
    # acme signs before beta leaves, beta's dave the day after: the second signature's date
    # sits on line 12 + 2 + 5 + 2 = 21, column 11.
    late = sign(DEAL, ("acme", "alice", "2024-02-01"), ("beta", "dave", "2024-07-01"))
    root = write_repo(tmp_path / "repo", {**MEMBERS, "members/beta.yaml": BETA_LEFT, "agreements/deal.yaml": late})
    assert findings(root, "exit-signatures") == [
        (
            "agreements/deal.yaml",
            21,
            11,
            "exit-signatures",
            "error",
            "'dave' signed for beta on 2024-07-01, after beta left the alliance on 2024-06-30:"
            " a member that has left signs nothing",
        )
    ]
    assert related(root, "exit-signatures") == [[LEFT_AT]]
    on_last_day = sign(DEAL, ("acme", "alice", "2024-02-01"), ("beta", "dave", "2024-06-30"))
    root = write_repo(
        tmp_path / "last-day", {**MEMBERS, "members/beta.yaml": BETA_LEFT, "agreements/deal.yaml": on_last_day}
    )
    assert findings(root, "exit-signatures") == []


# ---------------------------------------------------------------- approvals of a member that left


def test_a_departed_members_approval_does_not_count_toward_the_quorum(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.edit(
        "members/beta.yaml",
        "status: active\njoined: 2024-06-01\n",
        "status: withdrawn\njoined: 2024-06-01\nleft: 2024-12-31\n",
    )
    story.commit("Beta leaves", person="hub")
    story.branch("gamma")
    story.commit(
        "Gamma applies",
        person="gus",
        files={"members/gamma.yaml": member("gamma", "gamma-gus", "gus", status="prospective")},
    )
    head = story.git("rev-parse", "gamma")
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([approval("hu-hub", commit=head), approval("bob-gh", commit=head)]), "utf-8")
    result = story.qtgov(
        "review", "main..gamma", "--as-of", "2025-03-01", "--check-approvals", "--approvals", str(reviews)
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "qtgov: approvals missing: quorum: 1 member(s) other than the hub, not gamma, not beta (left the alliance)\n"
    )
    assert result.stdout.endswith(
        "| ❌ | quorum: 1 member(s) other than the hub, not gamma, not beta (left the alliance) |"
        " member gamma joins (new member file) | @ann-gh (acme-ann) |\n\n"
        "- &#64;bob-gh approved for beta, which left the alliance on 2024-12-31: a member that has left is no"
        " longer a voter, so the approval does not count toward the quorum\n\n**Approvals missing.**\n"
    )
    payload = json.loads(story.qtgov("review", "main..gamma", "--as-of", "2025-03-01", "--format", "json").stdout)
    assert payload["approvals"][1]["departed"] == {"beta": "2024-12-31"}
    reviews.write_text(json.dumps([approval("hu-hub", commit=head), approval("ann-gh", commit=head)]), "utf-8")
    result = story.qtgov(
        "review", "main..gamma", "--as-of", "2025-03-01", "--check-approvals", "--approvals", str(reviews)
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- the hub's approvers (item 14)

INIT = (
    "--id", "acme-alliance", "--name", "Acme Alliance", "--hub", "acme", "--hub-name", "Acme",
    "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh",
)  # fmt: skip


def test_a_repository_made_by_init_has_an_approver_for_the_hub(tmp_path: Path) -> None:
    root = tmp_path / "alliance"
    made = run_qtgov("init", root, *INIT)
    assert made.returncode == 0, made.stderr
    assert findings(root, "hub-approvers") == []
    hub = root / "members" / "acme.yaml"
    text = hub.read_text("utf-8")
    assert "representatives:\n  - id: ann\n    name: Ann\n    github: ann-gh\n" in text
    hub.write_text(text.replace("    github: ann-gh\n", ""), "utf-8")
    expected = (
        "members/acme.yaml",
        12,
        1,
        "hub-approvers",
        "warning",
        "no representative of the hub who may approve (ann) has a GitHub user, so no pull request that needs"
        " the hub's approval can pass: give one of them can_sign: true and github: LOGIN",
    )
    assert findings(root, "hub-approvers") == [expected]
    result = run_qtgov("validate", "-C", root)
    assert (result.returncode, result.stderr) == (0, "")
    assert (
        "members/acme.yaml:12:1: warning [hub-approvers] no representative of the hub who may approve" in result.stdout
    )


def test_a_hub_whose_approvers_authority_ended(tmp_path: Path) -> None:
    hub = HUB + (
        "representatives:\n"
        "  - id: hu\n    name: Hu\n    github: hu-gh\n    can_sign: true\n"
        "    since: 2024-01-01\n    until: 2024-12-31\n"
        "  - id: li\n    name: Li\n    github: li-gh\n    can_sign: false\n    since: 2024-01-01\n"
    )
    root = write_repo(tmp_path / "ended", {"members/hub.yaml": hub})
    line = HUB.count("\n") + 1
    assert findings(root, "hub-approvers") == [
        (
            "members/hub.yaml",
            line,
            1,
            "hub-approvers",
            "warning",
            "no representative of the hub may approve (none has can_sign: true and authority that has not ended),"
            " so no pull request that needs the hub's approval can pass: give one of them can_sign: true and"
            " github: LOGIN",
        )
    ]
    # A hub that names nobody yet (the default test hub) is an alliance being set up: no finding.
    assert findings(write_repo(tmp_path / "nobody", {}), "hub-approvers") == []
