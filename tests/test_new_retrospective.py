"""`qtgov new retrospective`: the record it writes in either form (exact text), what validate
says of it (its placeholders only), the next git step with who will approve, and the refusals
that write nothing. Real git repositories (tests/test_git_support.py)."""

from __future__ import annotations

import json
from pathlib import Path

from test_git_support import Story, founding

PROJECT = """\
id: big
title: Big project
origin: breakdown
status: won
visibility: alliance
prime: hub
brought_by: acme
market: {sector: cloud/compute, region: CN-ZJ}
start: 2025-03-01
end: 2025-12-31
packages:
  - {id: infra, title: Infrastructure, assignee: acme, status: planned}
"""


def with_project(tmp_path: Path) -> Story:
    story = founding(tmp_path)
    story.commit("Record the big project", files={"projects/big.yaml": PROJECT})
    return story


def _findings(story: Story, path: str) -> list[tuple[int, int, str, str]]:
    result = story.qtgov("validate", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["error"] == 0
    return [(f["line"], f["column"], f["rule"], f["message"]) for f in report["findings"] if f["path"] == path]


def test_new_retrospective_writes_yaml_that_validates_but_for_its_placeholders(tmp_path: Path) -> None:
    story = with_project(tmp_path)
    result = story.qtgov(
        "new", "retrospective", "big-retro", "--author", "acme", "--author", "beta",
        "--concerns-project", "big", "--title", "Big project, looking back", "--date", "2025-12-31",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "wrote retrospectives/big-retro.yaml: new retrospective big-retro by acme, beta, on project big\n"
        "note: fill in the placeholders (qtgov validate lists them)\n"
        "Next (qtgov never commits for you):\n"
        "  git switch -c retrospective/big-retro\n"
        "  git add retrospectives/big-retro.yaml\n"
        "  git commit -m 'Retrospective big-retro' --trailer 'Qtgov-Record: retrospectives/big-retro.yaml'"
        " --trailer 'Qtgov-Event: retrospective recorded'\n"
        "  then push the branch and open a pull request; qtgov review will ask for:\n"
        "    - acme: acme-ann (@ann-gh) — author of retrospective big-retro\n"
        "    - beta: beta-bob (@bob-gh) — author of retrospective big-retro\n"
    )
    assert (story.root / "retrospectives/big-retro.yaml").read_text("utf-8") == (
        "# yaml-language-server: $schema=https://quanttide.github.io/qtgov/schemas/retrospective.schema.json\n"
        "# Written by qtgov new retrospective: replace every TODO.\n"
        "id: big-retro\n"
        "title: Big project, looking back\n"
        "date: 2025-12-31\n"
        "authors: [acme, beta]\n"
        "visibility: alliance\n"
        "concerns:\n"
        "  projects: [big]\n"
        "happened: 'TODO: what happened'\n"
        "learned: 'TODO: what the alliance learned'\n"
    )
    assert _findings(story, "retrospectives/big-retro.yaml") == [
        (10, 11, "placeholder", "placeholder in happened: what happened"),
        (11, 10, "placeholder", "placeholder in learned: what the alliance learned"),
    ]
    assert story.qtgov("fmt", "--check", "retrospectives/big-retro.yaml").returncode == 0


def test_new_retrospective_markdown_public_on_an_agreement(tmp_path: Path) -> None:
    story = with_project(tmp_path)
    story.branch("mine")  # already on a branch of one's own: no `git switch`
    result = story.qtgov(
        "new", "retrospective", "gpu-look", "--author", "hub", "--concerns-agreement", "share-gpu",
        "--concerns-project", "big", "--date", "2026-01-05", "--markdown", "--visibility", "public",
    )  # fmt: skip
    assert result.returncode == 2 and "unknown agreement 'share-gpu'" in result.stderr
    from test_git_support import AGREEMENT

    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    result = story.qtgov(
        "new", "retrospective", "gpu-look", "--author", "hub", "--concerns-agreement", "share-gpu",
        "--date", "2026-01-05", "--markdown", "--visibility", "public",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "wrote retrospectives/gpu-look.md: new retrospective gpu-look by hub, on agreement share-gpu",
        "note: a public retrospective is published: validate reports any naming of a non-public record in its "
        "text (prose-visibility)",
        "note: fill in the placeholders (qtgov validate lists them)",
        "Next (qtgov never commits for you):",
        "  git add retrospectives/gpu-look.md",
        "  git commit -m 'Retrospective gpu-look' --trailer 'Qtgov-Record: retrospectives/gpu-look.md'"
        " --trailer 'Qtgov-Event: retrospective recorded'",
        "  then push the branch and open a pull request; qtgov review will ask for:",
        "    - hub (hub): hub-hu (@hu-hub) — author of retrospective gpu-look",
    ]
    assert (story.root / "retrospectives/gpu-look.md").read_text("utf-8") == (
        "---\n"
        "# Written by qtgov new retrospective: replace every TODO.\n"
        "id: gpu-look\n"
        'title: "TODO: the retrospective\'s title"\n'
        "date: 2026-01-05\n"
        "authors: [hub]\n"
        "visibility: public\n"
        "concerns:\n"
        "  agreements: [share-gpu]\n"
        "---\n"
        "TODO: what happened and what the alliance learned, in Markdown.\n"
    )
    assert _findings(story, "retrospectives/gpu-look.md") == [
        (4, 8, "placeholder", "placeholder in title: the retrospective's title"),
        (11, 1, "placeholder", "placeholder in body: what happened and what the alliance learned, in Markdown."),
    ]


def test_new_retrospective_refuses_and_writes_nothing(tmp_path: Path) -> None:
    story = with_project(tmp_path)
    story.commit("An older look back", files={"retrospectives/old.md": "---\nid: old\n---\nText.\n"})

    def refused(*args: str) -> str:
        result = story.qtgov("new", "retrospective", *args)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert story.git("status", "--porcelain") == ""
        return result.stderr

    base = ("--author", "acme", "--concerns-project", "big")
    assert (
        refused("old", *base) == "qtgov: retrospective 'old' already exists (retrospectives/old.md); nothing written\n"
    )
    assert refused("old", *base, "--markdown").endswith("(retrospectives/old.md); nothing written\n")
    assert refused("new-one", "--author", "acmee", "--concerns-project", "big") == (
        "qtgov: 'acmee' is not a member (did you mean 'acme'?); nothing written\n"
    )
    assert refused("new-one", "--author", "acme", "--concerns-project", "bigg") == (
        "qtgov: unknown project 'bigg' (--concerns-project); nothing written\n"
    )
    assert refused("new-one", "--author", "acme") == (
        "qtgov: give what it looks back on: --concerns-project or --concerns-agreement (repeatable); nothing written\n"
    )
    assert refused("new-one", "--concerns-project", "big") == (
        "qtgov: --author is required: the member that writes it (repeatable); nothing written\n"
    )
    assert refused("New_One", *base).startswith("qtgov: retrospective id 'New_One': 2-63 lower-case letters")
    assert refused("new-one", *base, "--date", "2025-13-01").startswith("qtgov: --date")
    restricted = refused("new-one", *base, "--visibility", "restricted")
    assert "'restricted' is not one of 'public', 'alliance'" in restricted
