"""`qtgov review` on changes that used to be described wrongly: amendments (their parties are
not new), files that no longer read as records (not "deleted", and the review fails), and the
reviews file as `gh api --paginate` writes it with or without `--slurp`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_git_review import approval, groups, joining
from test_git_support import AGREEMENT, founding

from qtgov.errors import UsageError
from qtgov.gitgov.review import load_reviews, review

EXECUTED = AGREEMENT.replace("status: proposed", "status: executed").replace(
    "effective: on-execution", "effective: 2025-01-01"
)


def test_the_parties_of_the_amended_agreement_are_not_new(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("share-gpu in force", files={"agreements/share-gpu.yaml": EXECUTED})
    story.branch("amend")
    amendment = (
        AGREEMENT.replace("id: share-gpu", "id: share-gpu-2")
        .replace("version: 1", "version: 2\namends: share-gpu")
        .replace("region: [CN-SH]", "region: [CN-SH, CN-ZJ]")
    )
    story.commit("Amend share-gpu", person="ann", files={"agreements/share-gpu-2.yaml": amendment})
    result = review(story.root, "main..amend")
    assert [e.summary for e in result.events] == ["amendment of share-gpu: agreement proposed"]
    assert groups(result) == {
        "member:acme": ("party to share-gpu-2", ["acme-ann"]),
        "member:beta": ("party to share-gpu-2", ["beta-bob"]),
    }
    # A party the amended agreement did not have is new, and only that one.
    story.edit("agreements/share-gpu-2.yaml", "  - member: beta\n", "  - member: beta\n  - member: hub\n")
    story.commit("The hub joins the amendment", person="ann")
    assert groups(review(story.root, "main..amend"))["member:hub"] == (
        "party to share-gpu-2; new party to share-gpu-2: hub",
        ["hub-hu"],
    )


def test_a_file_that_no_longer_reads_is_an_error_not_a_deletion(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("share-gpu proposed", files={"agreements/share-gpu.yaml": AGREEMENT})
    story.branch("broken")
    story.edit("members/acme.yaml", "name: Acme", "name: [Acme")
    story.edit("agreements/share-gpu.yaml", "status: proposed", "status: signed")
    story.commit("Oops", person="ann")
    result = story.qtgov("review", "main..broken")
    assert result.returncode == 1
    assert result.stderr == (
        "qtgov: 2 error(s) in the changed files (agreements/share-gpu.yaml:6:9, members/acme.yaml:5:7): "
        "fix them first\n"
    )
    before_changes = result.stdout.split("### What changes", 1)[0]
    assert before_changes.endswith(
        "### Errors in the changed files\n"
        "\n"
        "2 error(s): these files do not read as records, so what they change cannot be told and the review "
        "fails until they are fixed.\n"
        "\n"
        "- `agreements/share-gpu.yaml:6:9` schema: status is 'signed': use draft, proposed, executed, "
        "terminated, cancelled or rejected\n"
        "- `members/acme.yaml:5:7` yaml-syntax: did not find expected ',' or '\\]' (while parsing a flow "
        "sequence started at line 4, column 7)\n"
        "\n"
    )
    assert "deleted" not in result.stdout
    assert "- `members/acme.yaml`: member file members/acme.yaml no longer reads as a record (see the errors)\n" in (
        result.stdout
    )
    payload = json.loads(story.qtgov("review", "main..broken", "--format", "json").stdout)
    assert payload["errors"] == [
        {
            "path": "agreements/share-gpu.yaml",
            "line": 6,
            "column": 9,
            "rule": "schema",
            "message": "status is 'signed': use draft, proposed, executed, terminated, cancelled or rejected",
        },
        {
            "path": "members/acme.yaml",
            "line": 5,
            "column": 7,
            "rule": "yaml-syntax",
            "message": "did not find expected ',' or ']' (while parsing a flow sequence started at line 4, column 7)",
        },
    ]
    assert payload["events"][1]["kind"] == "member-unreadable"
    # A taxonomy that no longer reads is not "deleted" either.
    story.edit("charter/taxonomy/sectors.yaml", "nodes:", "nodes: [")
    story.commit("Break the sectors", person="ann")
    payload = json.loads(story.qtgov("review", "main..broken", "--format", "json").stdout)
    assert [e["summary"] for e in payload["events"] if e["path"] == "charter/taxonomy/sectors.yaml"] == [
        "taxonomy file charter/taxonomy/sectors.yaml no longer reads as a record (see the errors)"
    ]
    assert [e["path"] for e in payload["errors"]] == [
        "agreements/share-gpu.yaml",
        "charter/taxonomy/sectors.yaml",
        "members/acme.yaml",
    ]
    story.edit("charter/taxonomy/sectors.yaml", "nodes: [", "nodes:")
    # Even with every approval given, the check fails while the errors remain.
    head = story.git("rev-parse", "broken")
    reviews = tmp_path / "reviews.json"
    reviews.write_text(json.dumps([approval(x, commit=head) for x in ("hu-hub", "ann-gh", "bob-gh")]), "utf-8")
    checked = story.qtgov("review", "main..broken", "--check-approvals", "--approvals", str(reviews))
    assert checked.returncode == 1 and "**All approvals given.**" in checked.stdout
    # Fixed: no errors section, exit 0.
    story.edit("members/acme.yaml", "name: [Acme", "name: Acme")
    story.edit("agreements/share-gpu.yaml", "status: signed", "status: proposed")
    story.commit("Fix", person="ann")
    fixed = story.qtgov("review", "main..broken")
    assert fixed.returncode == 0, fixed.stderr
    assert "Errors in the changed files" not in fixed.stdout


def test_reviews_from_paginate_with_and_without_slurp(tmp_path: Path) -> None:
    story = joining(tmp_path)
    head = story.git("rev-parse", "gamma")
    pages = [[approval("hu-hub", commit=head)], [approval("bob-gh", commit=head)]]
    concatenated = tmp_path / "pages.json"
    concatenated.write_text("".join(json.dumps(page) for page in pages), "utf-8")  # `][` as gh writes it
    assert [r["user"]["login"] for r in load_reviews(concatenated)] == ["hu-hub", "bob-gh"]
    concatenated.write_text("\n".join(json.dumps(page, indent=2) for page in pages) + "\n", "utf-8")
    result = story.qtgov("review", "main..gamma", "--check-approvals", "--approvals", str(concatenated))
    assert result.returncode == 0, result.stdout + result.stderr
    slurped = tmp_path / "slurped.json"
    slurped.write_text(json.dumps(pages), "utf-8")
    assert [r["user"]["login"] for r in load_reviews(slurped)] == ["hu-hub", "bob-gh"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(pages[0]) + "[{", "utf-8")
    with pytest.raises(UsageError, match=r"broken.json: not JSON \(Expecting property name"):
        load_reviews(broken)
    empty = tmp_path / "empty.json"
    empty.write_text("\n", "utf-8")
    with pytest.raises(UsageError, match="empty; expected a JSON list of reviews"):
        load_reviews(empty)
    help_text = story.qtgov("review", "--help").stdout
    assert "gh api --paginate --slurp repos/OWNER/REPO/pulls/N/reviews > reviews.json" in help_text
