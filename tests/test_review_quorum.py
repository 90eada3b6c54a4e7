"""The approval quorum counts control groups, not companies, as of the review's day: the hub
cannot fill it with companies it controls, and sister companies count once
(docs/design/ownership.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_git_review import approval
from test_git_support import PEOPLE, Story, founding, member

from qtgov.gitgov.review import check_approvals, review

PEOPLE.update(
    {
        "sam": ("Sam Sub", "sam@sub-a.example.org"),
        "sue": ("Sue Sub", "sue@sub-b.example.org"),
    }
)


def shareholding(ident: str, holder: str, issuer: str, *, effective: str = "2024-01-01", pct: int = 100) -> str:
    return f"""\
id: {ident}
type: shareholding
title: {holder} holds {pct}% of {issuer}
version: 1
status: executed
parties:
  - member: {holder}
    role: holder
  - member: {issuer}
    role: issuer
effective: {effective}
governing_law: CN
visibility: public
terms:
  holder: {holder}
  issuer: {issuer}
  instrument: ordinary-shares
  equity_pct: {pct}
  control: sole
"""


def alliance_with(holder: str, tmp_path: Path, *, effective: str = "2024-01-01") -> Story:
    """acme, beta and two companies wholly owned by `holder` (sub-a, sub-b); quorum 2."""
    story = founding(tmp_path)
    story.edit("charter/alliance.yaml", "members: 1", "members: 2")
    story.commit(
        "Two subsidiaries join",
        files={
            "members/sub-a.yaml": member("sub-a", "sub-a-sam", "sam"),
            "members/sub-b.yaml": member("sub-b", "sub-b-sue", "sue"),
            "agreements/own-a.yaml": shareholding("own-a", holder, "sub-a", effective=effective),
            "agreements/own-b.yaml": shareholding("own-b", holder, "sub-b", effective=effective),
        },
    )
    story.branch("gamma")
    story.commit(
        "Gamma applies",
        person="gus",
        files={"members/gamma.yaml": member("gamma", "gamma-gus", "gus", status="prospective")},
    )
    return story


def quorum(result: Any) -> Any:
    return next(g for g in result.approvals if g.group == "quorum")


def test_the_hub_cannot_fill_the_quorum_with_its_subsidiaries(tmp_path: Path) -> None:
    story = alliance_with("hub", tmp_path)
    head = story.git("rev-parse", "gamma")
    reviews = [approval(login, commit=head) for login in ("hu-hub", "sam-gh", "sue-gh")]
    result = check_approvals(review(story.root, "main..gamma", as_of=_day("2025-03-01")), reviews)
    group = quorum(result)
    assert group.label == (
        "quorum: 2 member(s) other than the hub, not gamma, not sub-a, sub-b (in the hub's control group)"
    )
    assert [a.representative for a in group.any_of] == ["acme-ann", "beta-bob"]
    assert group.satisfied is False and result.satisfied is False
    assert [n for n in result.notes if "sam-gh" in n or "sue-gh" in n] == [
        "@sam-gh approved, but is not among the approvers computed from the base version (nobody approves "
        "their own addition), so the approval counts for no group",
        "@sue-gh approved, but is not among the approvers computed from the base version (nobody approves "
        "their own addition), so the approval counts for no group",
    ]
    independent = [approval(login, commit=head) for login in ("hu-hub", "ann-gh", "bob-gh")]
    assert check_approvals(review(story.root, "main..gamma", as_of=_day("2025-03-01")), independent).satisfied


def test_sister_companies_count_once(tmp_path: Path) -> None:
    story = alliance_with("acme", tmp_path)
    head = story.git("rev-parse", "gamma")
    result = review(story.root, "main..gamma", as_of=_day("2025-03-01"))
    group = quorum(result)
    assert group.label == (
        "quorum: 2 member(s) other than the hub, not gamma; one control group counts once: acme, sub-a, sub-b"
    )
    assert group.counts_as == {"acme": "acme", "sub-a": "acme", "sub-b": "acme"}
    reviews = [approval(login, commit=head) for login in ("hu-hub", "ann-gh", "sam-gh", "sue-gh")]
    assert check_approvals(result, reviews).satisfied is False
    assert [a.representative for a in quorum(result).satisfied_by or []] == ["acme-ann", "sub-a-sam", "sub-b-sue"]
    result = review(story.root, "main..gamma", as_of=_day("2025-03-01"))
    assert check_approvals(result, [approval(x, commit=head) for x in ("hu-hub", "sam-gh", "bob-gh")]).satisfied
    # The JSON says which approvers count as one.
    cli = story.qtgov("review", "main..gamma", "--as-of", "2025-03-01", "--format", "json")
    assert cli.returncode == 0, cli.stderr
    payload = json.loads(cli.stdout)
    assert payload["approvals"][1]["control_groups"] == {"acme": "acme", "sub-a": "acme", "sub-b": "acme"}


def test_only_control_in_force_on_the_day_counts(tmp_path: Path) -> None:
    story = alliance_with("hub", tmp_path, effective="2030-01-01")
    head = story.git("rev-parse", "gamma")
    reviews = [approval(login, commit=head) for login in ("hu-hub", "sam-gh", "sue-gh")]
    before = check_approvals(review(story.root, "main..gamma", as_of=_day("2025-03-01")), reviews)
    assert quorum(before).label == "quorum: 2 member(s) other than the hub, not gamma"
    assert before.satisfied  # in 2025 the hub does not control them yet: independent members
    after = check_approvals(review(story.root, "main..gamma", as_of=_day("2030-01-01")), reviews)
    assert not after.satisfied
    # The CLI check fails the same way, naming the quorum.
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(reviews), "utf-8")
    cli = story.qtgov("review", "main..gamma", "--as-of", "2030-01-01", "--check-approvals", "--approvals", str(path))
    assert cli.returncode == 1
    assert (
        "qtgov: approvals missing: quorum: 2 member(s) other than the hub, not gamma, not sub-a, sub-b "
        "(in the hub's control group)\n"
    ) in cli.stderr


def _day(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)
