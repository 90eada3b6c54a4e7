"""`qtgov history` on projects and retrospectives (both forms): the timeline of one, in text
(en and zh, records named by title) and JSON, and their entries in the alliance's changelog."""

from __future__ import annotations

import json
from pathlib import Path

from test_git_support import Story, founding

PROJECT = """\
id: big
title: {zh: 大项目, en: Big project}
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

RETRO = """\
---
id: big-retro
title: {zh: 大项目复盘, en: "Big project, looking back"}
date: 2025-12-31
authors: [acme]
visibility: alliance
concerns: {projects: [big]}
lang: en
---
It went well.
"""


def story_of_a_project(tmp_path: Path) -> tuple[Story, list[tuple[str, str]]]:
    """The big project recorded, then handed on to beta, then looked back on in Markdown, each
    in a pull request merged into main; with the (commit, merge) of each."""
    story = founding(tmp_path)
    shas = []
    story.branch("big")
    commit = story.commit("Record the big project", person="ann", files={"projects/big.yaml": PROJECT})
    shas.append((commit, story.merge("big")))
    story.branch("progress")
    story.edit("projects/big.yaml", "status: won", "status: in-progress")
    story.edit("projects/big.yaml", "assignee: acme", "assignee: beta")
    commit = story.commit("Beta takes over the infrastructure", person="bob")
    shas.append((commit, story.merge("progress")))
    story.branch("retro")
    commit = story.commit("Look back", person="ann", files={"retrospectives/big-retro.md": RETRO})
    shas.append((commit, story.merge("retro")))
    return story, shas


def test_history_of_a_project_in_english_and_chinese(tmp_path: Path) -> None:
    story, ((add, add_merge), (move, move_merge), _) = story_of_a_project(tmp_path)
    result = story.qtgov("history", "big")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "History of Big project (projects/big.yaml)\n"
        f"2025-01-04  {add[:12]}  Ann Acme  (merged in {add_merge[:12]})\n"
        "    project added (breakdown, status won)\n"
        "    package infra added (assignee Acme)\n"
        f"2025-01-06  {move[:12]}  Bob Beta  (merged in {move_merge[:12]})\n"
        "    status won → in-progress\n"
        "    package infra reassigned Acme → Beta\n"
    )
    result = story.qtgov("history", "big", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "大项目 的历史（projects/big.yaml）\n"
        f"2025-01-04  {add[:12]}  Ann Acme  （合并于 {add_merge[:12]}）\n"
        "    项目录入（拆包，状态 已中标）\n"
        "    新增工作包 infra（承接方 Acme）\n"
        f"2025-01-06  {move[:12]}  Bob Beta  （合并于 {move_merge[:12]}）\n"
        "    状态 已中标 → 进行中\n"
        "    工作包 infra 改由他人承接：Acme → Beta\n"
    )


def test_history_of_a_project_as_json_keeps_ids(tmp_path: Path) -> None:
    story, ((add, add_merge), (move, move_merge), _) = story_of_a_project(tmp_path)
    result = story.qtgov("history", "big", "--format", "json")
    assert result.returncode == 0, result.stderr
    history = json.loads(result.stdout)["history"]
    assert (history["path"], history["kind"], history["record"]) == ("projects/big.yaml", "project", "big")
    assert [(e["commit"], e["merge"], e["author"]) for e in history["entries"]] == [
        (add, add_merge, "Ann Acme"),
        (move, move_merge, "Bob Beta"),
    ]
    assert [e["changes"] for e in history["entries"]] == [
        ["project added (breakdown, status won)", "package infra added (assignee acme)"],
        ["status won → in-progress", "package infra reassigned acme → beta"],
    ]
    assert history["entries"][1]["events"][1] == {
        "kind": "package-assignee",
        "record": "big",
        "path": "projects/big.yaml",
        "summary": "package infra reassigned acme → beta",
        "package": "infra",
        "from": "acme",
        "to": "beta",
    }


def test_history_of_a_markdown_retrospective_names_its_authors(tmp_path: Path) -> None:
    story, (_, _, (retro, retro_merge)) = story_of_a_project(tmp_path)
    result = story.qtgov("history", "big-retro")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "History of Big project, looking back (retrospectives/big-retro.md)\n"
        f"2025-01-08  {retro[:12]}  Ann Acme  (merged in {retro_merge[:12]})\n"
        "    retrospective added (by Acme)\n"
    )
    result = story.qtgov("history", "big-retro", "--lang", "zh")
    assert result.stdout == (
        "大项目复盘 的历史（retrospectives/big-retro.md）\n"
        f"2025-01-08  {retro[:12]}  Ann Acme  （合并于 {retro_merge[:12]}）\n"
        "    复盘录入（作者 Acme）\n"
    )
    # Rewritten as YAML: one timeline across both forms.
    story.branch("as-yaml")
    yaml_form = RETRO.replace("---\n", "").replace(
        "lang: en\nIt went well.\n", "happened: It went well.\nlearned: Ask early.\n"
    )
    story.commit(
        "Back to YAML",
        person="ann",
        files={"retrospectives/big-retro.md": None, "retrospectives/big-retro.yaml": yaml_form},
    )
    story.merge("as-yaml")
    entries = json.loads(story.qtgov("history", "big-retro", "--format", "json").stdout)["history"]["entries"]
    assert [(e["path"], e["changes"]) for e in entries] == [
        ("retrospectives/big-retro.md", ["retrospective added (by acme)"]),
        ("retrospectives/big-retro.md", ["retrospective file of big-retro deleted"]),
        ("retrospectives/big-retro.yaml", ["retrospective added (by acme)"]),
    ]


def test_the_changelog_has_project_and_retrospective_events_and_unknown_ids_fail(tmp_path: Path) -> None:
    story, ((add, _), (move, _), (retro, _)) = story_of_a_project(tmp_path)
    result = story.qtgov("history")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        f"2025-01-08  {retro[:12]}  retrospectives/big-retro.md: retrospective added (by Acme)  (Ann Acme)",
        f"2025-01-06  {move[:12]}  projects/big.yaml: status won → in-progress; package infra reassigned Acme → Beta"
        "  (Bob Beta)",
        f"2025-01-04  {add[:12]}  projects/big.yaml: project added (breakdown, status won); package infra added"
        " (assignee Acme)  (Ann Acme)",
    ]
    zh = story.qtgov("history", "--lang", "zh").stdout.splitlines()[0]
    assert zh == f"2025-01-08  {retro[:12]}  retrospectives/big-retro.md: 复盘录入（作者 Acme）  (Ann Acme)"
    changelog = json.loads(story.qtgov("history", "--format", "json").stdout)["changelog"]
    assert [(e["path"], e["kind"]) for e in changelog[:3]] == [
        ("retrospectives/big-retro.md", "retrospective"),
        ("projects/big.yaml", "project"),
        ("projects/big.yaml", "project"),
    ]
    result = story.qtgov("history", "nothing")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "qtgov: no member, agreement, project or retrospective 'nothing' in the history of .\n"
