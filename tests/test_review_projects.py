"""`qtgov review` on projects and retrospectives: the events, exactly whose approval each change
needs (computed from the base), `--check-approvals`, CODEOWNERS and `qtgov hash` refusing them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_git_support import Story, founding, member

from qtgov.gitgov.review import check_approvals, review

PROJECT = """\
id: big
title: Big project
origin: breakdown
status: won
visibility: alliance
prime: hub
brought_by: acme
bidders: [hub, acme]
market: {sector: cloud/compute, region: CN-ZJ}
start: 2025-03-01
end: 2025-12-31
packages:
  - {id: infra, title: Infrastructure, assignee: acme, share: 60, status: planned}
  - {id: ops, title: Operations, assignee: beta, share: 20, status: planned, start: 2025-06-01}
"""

RETRO = """\
id: big-retro
title: Big project, looking back
date: 2025-12-31
authors: [acme]
visibility: alliance
concerns: {projects: [big]}
happened: It went well.
learned: Start earlier.
"""


def groups(result: Any) -> dict[str, tuple[str, list[str]]]:
    return {g.group: (g.reason, sorted(a.representative for a in g.any_of)) for g in result.approvals}


def with_gamma(tmp_path: Path) -> Story:
    story = founding(tmp_path)
    story.commit("Gamma joins", files={"members/gamma.yaml": member("gamma", "gamma-gus", "gus")})
    return story


def test_a_new_project_needs_prime_bringer_bidders_and_assignees(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    story.branch("big")
    story.commit("Record the big project", person="ann", files={"projects/big.yaml": PROJECT})
    result = review(story.root, "main..big")
    assert [(e.kind, e.summary) for e in result.events] == [
        ("project-added", "project added (breakdown, status won)"),
        ("package-added", "package infra added (assignee acme)"),
        ("package-added", "package ops added (assignee beta)"),
    ]
    assert groups(result) == {
        "member:acme": ("brought big to the alliance; bidder for big; assignee of package infra of big", ["acme-ann"]),
        "member:beta": ("assignee of package ops of big", ["beta-bob"]),
        "member:hub": ("prime of big; bidder for big", ["hub-hu"]),
    }
    assert result.notes == []


def test_a_reassignment_needs_old_and_new_assignee_and_untouched_packages_need_nobody(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    story.commit("Record the big project", files={"projects/big.yaml": PROJECT})
    story.branch("reassign")
    story.edit("projects/big.yaml", "assignee: beta, share: 20", "assignee: gamma, share: 20")
    story.commit("Ops goes to gamma", person="gus")
    result = review(story.root, "main..reassign")
    assert [(e.kind, e.summary) for e in result.events] == [("package-assignee", "package ops reassigned beta → gamma")]
    assert groups(result) == {
        "member:acme": ("brought big to the alliance; bidder for big", ["acme-ann"]),
        "member:beta": ("assignee of package ops of big", ["beta-bob"]),
        "member:gamma": ("assignee of package ops of big", ["gamma-gus"]),
        "member:hub": ("prime of big; bidder for big", ["hub-hu"]),
    }

    # The project's end moves: only packages without an end of their own move with it.
    story.checkout("main")
    story.branch("later")
    story.edit("projects/big.yaml", "end: 2025-12-31", "end: 2026-03-31")
    story.edit(
        "projects/big.yaml",
        "share: 20, status: planned, start: 2025-06-01}",
        "share: 20, status: planned, start: 2025-06-01, end: 2025-12-31}",
    )
    story.commit("Extend the project, ops keeps its end")
    result = review(story.root, "main..later")
    assert [(e.kind, e.summary) for e in result.events] == [
        ("package-changed", "package infra: end changed"),
        ("project-edited", "end changed"),
    ]
    assert sorted(groups(result)) == ["member:acme", "member:hub"]

    # A value change is the assignee's business; a title is not.
    story.checkout("main")
    story.branch("share")
    story.edit(
        "projects/big.yaml", "title: Operations, assignee: beta, share: 20", "title: Ops, assignee: beta, share: 25"
    )
    story.commit("More for ops")
    result = review(story.root, "main..share")
    assert [e.summary for e in result.events] == ["package ops: share changed"]
    assert groups(result)["member:beta"] == ("assignee of package ops of big", ["beta-bob"])


def test_a_departed_assignee_is_not_asked_and_check_approvals_counts_the_rest(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    story.commit("Record the big project", files={"projects/big.yaml": PROJECT})
    story.edit("members/beta.yaml", "status: active", "status: withdrawn\nleft: 2025-02-01")
    story.commit("Beta leaves")
    story.branch("handover")
    story.edit("projects/big.yaml", "assignee: beta, share: 20", "assignee: gamma, share: 20")
    story.commit("Ops goes to gamma", person="gus")
    result = review(story.root, "main..handover", as_of=__import__("datetime").date(2025, 3, 1))
    assert sorted(groups(result)) == ["member:acme", "member:gamma", "member:hub"]
    note = (
        "beta left the alliance on 2025-02-01: it is not asked to approve (assignee of package ops of big), "
        "and its approval would not count"
    )
    assert result.notes == [note]
    head = story.git("rev-parse", "handover")
    reviews = [
        {"user": {"login": login}, "state": "APPROVED", "commit_id": head, "submitted_at": "2025-03-01T10:00:00Z"}
        for login in ("hu-hub", "ann-gh", "bob-gh")
    ]
    checked = check_approvals(result, reviews)
    assert not checked.satisfied
    assert [(g.group, g.satisfied) for g in checked.approvals] == [
        ("member:acme", True),
        ("member:gamma", False),
        ("member:hub", True),
    ]
    assert checked.notes[0] == note
    assert any("@bob-gh approved" in n for n in checked.notes)
    reviews.append({**reviews[0], "user": {"login": "gus-gh"}})
    assert check_approvals(
        review(story.root, "main..handover", as_of=__import__("datetime").date(2025, 3, 1)), reviews
    ).satisfied


def test_a_retrospective_needs_its_authors_and_the_cli_says_so(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    story.commit("Record the big project", files={"projects/big.yaml": PROJECT})
    story.branch("retro")
    story.commit("Look back", person="ann", files={"retrospectives/big-retro.yaml": RETRO})
    result = review(story.root, "main..retro")
    assert [(e.kind, e.summary) for e in result.events] == [("retrospective-added", "retrospective added (by acme)")]
    assert groups(result) == {"member:acme": ("author of retrospective big-retro", ["acme-ann"])}
    story.merge("retro")
    story.branch("coauthor")
    story.edit("retrospectives/big-retro.yaml", "authors: [acme]", "authors: [acme, beta]")
    story.commit("Beta signs on", person="bob")
    run = story.qtgov("review", "main..coauthor", "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert [e["summary"] for e in data["events"]] == ["authors changed"]
    assert [(g["group"], g["reason"]) for g in data["approvals"]] == [
        ("member:acme", "author of retrospective big-retro"),
        ("member:beta", "author of retrospective big-retro"),
    ]


def test_codeowners_names_project_people_and_authors_and_goes_stale(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    story.commit(
        "Record the big project and look back",
        files={"projects/big.yaml": PROJECT, "retrospectives/big-retro.yaml": RETRO},
    )
    run = story.qtgov("codeowners", ".")
    assert run.returncode == 0, run.stderr
    text = (story.root / ".github/CODEOWNERS").read_text("utf-8")
    assert text.splitlines()[4:] == [
        "/charter/ @hu-hub",
        "/schemas/ @hu-hub",
        "/.github/ @hu-hub",
        "/members/ @hu-hub",
        "/agreements/ @hu-hub",
        "/projects/ @hu-hub",
        "/retrospectives/ @hu-hub",
        "/members/acme.yaml @ann-gh",
        "/members/beta.yaml @bob-gh",
        "/members/gamma.yaml @gus-gh",
        "/members/hub.yaml @hu-hub",
        "/projects/big.yaml @ann-gh @bob-gh @hu-hub",
        "/retrospectives/big-retro.yaml @ann-gh",
    ]
    assert story.qtgov("codeowners", ".", "--check").returncode == 0
    story.edit("projects/big.yaml", "assignee: beta, share: 20", "assignee: gamma, share: 20")
    stale = story.qtgov("validate", ".", "--format", "json")
    rows = [(f["path"], f["rule"]) for f in json.loads(stale.stdout)["findings"] if f["rule"] == "codeowners-stale"]
    assert rows == [(".github/CODEOWNERS", "codeowners-stale")]
    assert story.qtgov("codeowners", ".", "--check").returncode == 1


def test_hash_refuses_projects_and_retrospectives_and_provenance_says_they_are_unsigned(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    story.commit(
        "Record the big project and look back",
        files={"projects/big.yaml": PROJECT, "retrospectives/big-retro.yaml": RETRO},
    )
    markdown = RETRO.replace("id: big-retro", "id: md-retro").split("happened:")[0]
    story.write({"retrospectives/md-retro.md": f"---\n{markdown}---\nIt went well.\n"})
    cases = (
        ("projects/big.yaml", "a project"),
        ("retrospectives/big-retro.yaml", "a retrospective"),
        ("retrospectives/md-retro.md", "a retrospective"),
    )
    for path, kind in cases:
        run = story.qtgov("hash", path)
        assert run.returncode == 2
        assert run.stdout == ""
        assert run.stderr == (
            f"qtgov: {path} is {kind}, which nobody signs, so it has no content_sha256 to pin; signatures pin an "
            f"agreement's (agreements/*.yaml). To name this version of it, use its git commit: "
            f"git log -1 --format=%H -- {path}\n"
        )
    run = story.qtgov("provenance", ".")
    assert run.returncode == 0, run.stderr
    assert run.stdout.endswith(
        "No signatures or legal reviews.\n"
        "Not checked: 1 project and 2 retrospectives, which carry no signatures (only agreements are signed).\n"
    )


def test_a_markdown_retrospective_is_reviewed_like_a_yaml_one(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    front = RETRO.split("happened:")[0]
    story.commit("Look back", person="ann", files={"retrospectives/big-retro.md": f"---\n{front}---\nIt went well.\n"})
    story.branch("body")
    story.edit("retrospectives/big-retro.md", "It went well.", "It went well, mostly.")
    story.commit("Say more", person="ann")
    result = review(story.root, "main..body")
    assert [(e.path, e.summary) for e in result.events] == [("retrospectives/big-retro.md", "body changed")]
    assert groups(result) == {"member:acme": ("author of retrospective big-retro", ["acme-ann"])}
    assert result.errors == []
    # A Markdown retrospective that stops reading as a record fails the review at file:line:col.
    story.edit("retrospectives/big-retro.md", "---\nIt went well", "It went well")
    story.commit("Break the front matter", person="ann")
    result = review(story.root, "main..body")
    assert [(f.path, f.line, f.column, f.rule) for f in result.errors] == [
        ("retrospectives/big-retro.md", 1, 1, "front-matter")
    ]


def test_validate_base_marks_only_the_projects_findings_the_change_made_new(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    # infra in cloud/compute × CN-ZJ: nobody declares it, so project-assignee-claim warns on main already.
    story.commit("Record the big project", files={"projects/big.yaml": PROJECT})
    story.branch("more")
    story.edit("projects/big.yaml", "status: planned, start: 2025-06-01}", "status: planned, start: 2025-06-01}\n"
               "  - {id: late, assignee: gamma, share: 10, status: planned, start: 2024-01-01}")  # fmt: skip
    story.commit("A package that starts before the project", person="gus")
    run = story.qtgov("validate", "--base", "main", "--format", "json", ".")
    rows = [
        (f["line"], f["rule"], f["new"])
        for f in json.loads(run.stdout)["findings"]
        if f["path"] == "projects/big.yaml" and f["rule"].startswith("project-")
    ]
    assert rows == [
        (13, "project-assignee-claim", False),
        (14, "project-assignee-claim", False),
        (15, "project-assignee-membership", True),  # gamma joined on 2024-06-01
        (15, "project-assignee-claim", True),
        (15, "project-dates", True),
    ]
    assert run.returncode == 1


def test_a_retrospective_whose_authors_all_left_goes_to_the_hub(tmp_path: Path) -> None:
    story = with_gamma(tmp_path)
    story.commit(
        "Look back",
        files={
            "retrospectives/big-retro.yaml": RETRO.replace(
                "concerns: {projects: [big]}", "concerns: {agreements: [none-yet]}"
            )
        },
    )
    story.edit("members/acme.yaml", "status: active", "status: withdrawn")
    story.commit("Acme leaves")
    story.branch("fix")
    story.edit("retrospectives/big-retro.yaml", "Start earlier.", "Start much earlier.")
    story.commit("Reword", person="hub")
    result = review(story.root, "main..fix")
    assert groups(result) == {
        "member:hub": ("retrospective big-retro changed and names no member who can approve", ["hub-hu"])
    }
    assert result.notes == [
        "acme left the alliance: it is not asked to approve (author of retrospective big-retro), and its approval "
        "would not count"
    ]


def test_the_hooks_watch_projects_and_markdown_retrospectives() -> None:
    import re

    import yaml
    from conftest import ROOT

    hooks = {h["id"]: re.compile(h["files"]) for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    for path in ("projects/big.yaml", "retrospectives/big-retro.yaml", "retrospectives/big-retro.md"):
        # CODEOWNERS names their people, fmt formats them, validate checks them.
        assert all(pattern.search(path) for pattern in hooks.values()), path
    assert not hooks["qtgov-fmt"].search("retrospectives/notes.txt")
