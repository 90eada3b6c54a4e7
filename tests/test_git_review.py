"""`qtgov review BASE..HEAD`: the change in governance terms and exactly the approval groups it
needs, computed from the base; `--check-approvals` against exported pull-request reviews."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_git_support import AGREEMENT, Story, founding, member

from qtgov.gitgov.review import check_approvals, latest_decisions, md, review


def groups(result: Any) -> dict[str, tuple[str, list[str]]]:
    """group -> (reason, approvers' representatives)"""
    return {g.group: (g.reason, sorted(a.representative for a in g.any_of)) for g in result.approvals}


def approval(login: str, state: str = "APPROVED", commit: str | None = None, when: str = "2025-03-01T10:00:00Z"):
    item: dict[str, Any] = {"user": {"login": login}, "state": state, "submitted_at": when}
    if commit:
        item["commit_id"] = commit
    return item


def joining(tmp_path: Path) -> Story:
    story = founding(tmp_path)
    story.branch("gamma")
    story.commit(
        "Gamma applies",
        person="gus",
        files={"members/gamma.yaml": member("gamma", "gamma-gus", "gus", status="prospective")},
    )
    return story


def test_a_new_member_needs_the_hub_and_the_quorum(tmp_path: Path) -> None:
    story = joining(tmp_path)
    result = review(story.root, "main..gamma")
    assert [(e.kind, e.record, e.summary) for e in result.events] == [
        ("member-added", "gamma", "member gamma added (status prospective)")
    ]
    assert groups(result) == {
        "member:hub": ("member gamma joins (new member file)", ["hub-hu"]),
        "quorum": ("member gamma joins (new member file)", ["acme-ann", "beta-bob"]),
    }


def test_a_member_approving_its_own_addition_is_not_counted(tmp_path: Path) -> None:
    story = joining(tmp_path)
    head = story.git("rev-parse", "gamma")
    result = check_approvals(review(story.root, "main..gamma"), [approval("gus-gh", commit=head)])
    assert not result.satisfied
    assert [g.satisfied for g in result.approvals] == [False, False]
    assert any("gus-gh" in note and "own addition" in note for note in result.notes)
    result = check_approvals(
        review(story.root, "main..gamma"),
        [approval("gus-gh"), approval("hu-hub", commit=head), approval("ANN-gh", commit=head)],
    )
    assert result.satisfied
    assert [[a.representative for a in g.satisfied_by or []] for g in result.approvals] == [["hub-hu"], ["acme-ann"]]


def test_the_cli_check_fails_until_every_group_is_satisfied(tmp_path: Path) -> None:
    story = joining(tmp_path)
    head = story.git("rev-parse", "gamma")
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([approval("gus-gh", commit=head), approval("hu-hub", commit=head)]), "utf-8")
    result = story.qtgov("review", "main..gamma", "--check-approvals", "--approvals", str(reviews))
    assert result.returncode == 1, result.stderr
    assert "approvals missing: quorum" in result.stderr
    assert "| ✅ | hub (hub) |" in result.stdout and "| ❌ | quorum" in result.stdout
    # Pages as `gh api --paginate --slurp` writes them are flattened.
    reviews.write_text(json.dumps([[approval("hu-hub", commit=head)], [approval("bob-gh", commit=head)]]), "utf-8")
    result = story.qtgov("review", "main..gamma", "--check-approvals", "--approvals", str(reviews), "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    payload = json.loads(result.stdout)
    assert {"qtgov", "disclaimer", "base", "merge_base", "head", "events", "approvals"} <= set(payload)
    assert payload["events"][0] == {
        "kind": "member-added",
        "record": "gamma",
        "path": "members/gamma.yaml",
        "summary": "member gamma added (status prospective)",
        "status": "prospective",
    }
    quorum = payload["approvals"][1]
    assert quorum["group"] == "quorum" and quorum["satisfied"] is True
    assert quorum["satisfied_by"] == [{"member": "beta", "representative": "beta-bob", "github": "bob-gh"}]
    assert {"member": "acme", "representative": "acme-ann", "github": "ann-gh"} in quorum["any_of"]


def test_stale_and_withdrawn_approvals_do_not_count(tmp_path: Path) -> None:
    story = joining(tmp_path)
    old = story.git("rev-parse", "gamma")
    story.commit(
        "Gamma fixes its name", person="gus", files={"members/gamma.yaml": member("gamma", "gamma-gus", "gus")}
    )
    head = story.git("rev-parse", "gamma")
    reviews = [
        approval("hu-hub", commit=old),
        approval("ann-gh", commit=head, when="2025-03-01T10:00:00Z"),
        approval("ann-gh", "CHANGES_REQUESTED", commit=head, when="2025-03-02T10:00:00Z"),
        approval("bob-gh", commit=head, when="2025-03-01T10:00:00Z"),
        approval("bob-gh", "COMMENTED", commit=head, when="2025-03-03T10:00:00Z"),
    ]
    result = check_approvals(review(story.root, "main..gamma"), reviews)
    assert [(g.group, g.satisfied) for g in result.approvals] == [("member:hub", False), ("quorum", True)]
    assert any("earlier commit" in n for n in result.notes)
    assert check_approvals(review(story.root, "main..gamma"), reviews, allow_stale=True).satisfied
    assert set(latest_decisions(reviews)) == {"hu-hub", "ann-gh", "bob-gh"}


def test_an_agreement_needs_every_party_and_the_hub_for_new_parties(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("share-gpu")
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    result = review(story.root, "main..share-gpu")
    assert [e.summary for e in result.events] == ["agreement proposed"]
    assert groups(result) == {
        "member:acme": ("party to share-gpu", ["acme-ann"]),
        "member:beta": ("party to share-gpu", ["beta-bob"]),
        "member:hub": ("new parties to share-gpu: acme, beta", ["hub-hu"]),
    }
    story.merge("share-gpu")

    # Signing, a legal review and a visibility change on main's agreement: parties and counsel.
    story.branch("sign")
    assert story.qtgov("sign", "share-gpu", "-m", "acme", "--as", "acme-ann", "--date", "2025-02-01").returncode == 0
    story.commit("acme signs", person="ann")
    story.edit(
        "agreements/share-gpu.yaml",
        "visibility: alliance",
        "visibility: public\nlegal_review:\n  status: requested\n  reviewer: lee",
    )
    story.commit("Request review, publish", person="lee")
    result = review(story.root, "main..sign")
    assert [e.summary for e in result.events] == [
        "signature added by acme-ann for acme (2025-02-01)",
        "legal review requested by lee",
        "visibility alliance → public",
    ]
    assert groups(result) == {
        "member:acme": ("party to share-gpu; visibility of share-gpu changes", ["acme-ann"]),
        "member:beta": ("party to share-gpu; visibility of share-gpu changes", ["beta-bob"]),
        "counsel:lee": ("legal review of share-gpu", ["lee"]),
    }
    assert result.approvals[-1].any_of[0].github == "lee-law"


def test_member_edits_and_charter_changes(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("edits")
    story.edit("members/acme.yaml", "name: Acme", "name: Acme Ltd")
    story.edit("members/beta.yaml", "status: active", "status: suspended")
    story.write({"charter/index.md": "# Home\n", ".github/CODEOWNERS": "* @hu-hub\n"})
    story.commit("Several edits", person="hub")
    result = review(story.root, "main..edits")
    assert [(e.path, e.summary) for e in result.events] == [
        (".github/CODEOWNERS", "CI configuration .github/CODEOWNERS added"),
        ("charter/index.md", "charter text charter/index.md added"),
        ("members/acme.yaml", "name changed"),
        ("members/beta.yaml", "status active → suspended"),
    ]
    assert groups(result) == {
        "member:acme": ("edit of member acme", ["acme-ann"]),
        "member:hub": (
            ".github/CODEOWNERS changed; charter/index.md changed; membership of beta changes (status)",
            ["hub-hu"],
        ),
        "quorum": (
            ".github/CODEOWNERS changed; charter/index.md changed; membership of beta changes (status)",
            ["acme-ann"],
        ),
    }
    # A representative added by the change cannot approve it: approvers come from the base.
    story.checkout("main")
    story.branch("add-rep")
    story.edit(
        "members/acme.yaml",
        "representatives:\n",
        "representatives:\n  - id: acme-mal\n    name: Mal\n    github: mal-gh\n    can_sign: true\n"
        "    since: 2024-01-01\n",
    )
    story.commit("Add a representative", person="mal")
    head = story.git("rev-parse", "HEAD")
    result = check_approvals(review(story.root, "main..add-rep"), [approval("mal-gh", commit=head)])
    assert [e.summary for e in result.events] == ["representative acme-mal added with signing authority"]
    assert groups(result) == {"member:acme": ("edit of member acme", ["acme-ann"])}
    assert not result.satisfied


def test_markdown_is_inert_and_ranges_are_checked(tmp_path: Path) -> None:
    assert md("<script>@everyone [x](y) | *b* #1") == "\\<script\\>&#64;everyone \\[x\\](y) \\| \\*b\\* \\#1"
    story = joining(tmp_path)
    result = story.qtgov("review", "--", "--output=x..gamma")
    assert result.returncode == 2 and "'--output=x' is not a valid revision" in result.stderr
    assert not (story.root / "x").exists()
    result = story.qtgov("review", "--repo", ".", "nope..gamma")
    assert result.returncode == 2 and "'nope' is not a commit" in result.stderr
    assert "Traceback" not in result.stderr
    result = story.qtgov("review", "main...gamma")
    assert result.returncode == 0 and "member gamma added" in result.stdout
    result = story.qtgov("review", "main..gamma", "--check-approvals")
    assert result.returncode == 2 and "--approvals FILE" in result.stderr
