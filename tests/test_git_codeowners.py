"""`qtgov codeowners` writes .github/CODEOWNERS for notifications; validation says when it is stale."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_qtgov, write_repo
from test_git_support import AGREEMENT, ALLIANCE, HUB, member

from qtgov.gitgov.codeowners import HEADER


def alliance(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path / "repo",
        {
            "charter/alliance.yaml": ALLIANCE,
            "members/hub.yaml": HUB,
            "members/acme.yaml": member("acme", "acme-ann", "ann"),
            "members/beta.yaml": member("beta", "beta-bob", "bob"),
            "agreements/share-gpu.yaml": AGREEMENT.replace(
                "visibility: alliance", "visibility: alliance\nlegal_review:\n  status: requested\n  reviewer: lee"
            ),
        },
    )


def test_codeowners_lists_representatives_and_counsel(tmp_path: Path) -> None:
    root = alliance(tmp_path)
    result = run_qtgov("codeowners", root)
    assert result.returncode == 0, result.stderr
    text = (root / ".github/CODEOWNERS").read_text("utf-8")
    assert text.startswith(HEADER)
    assert text.splitlines()[4:] == [
        "/charter/ @hu-hub",
        "/schemas/ @hu-hub",
        "/.github/ @hu-hub",
        "/members/ @hu-hub",
        "/agreements/ @hu-hub",
        "/members/acme.yaml @ann-gh",
        "/members/beta.yaml @bob-gh",
        "/members/hub.yaml @hu-hub",
        "/agreements/share-gpu.yaml @ann-gh @bob-gh @lee-law",
    ]
    assert run_qtgov("codeowners", "--check", root).returncode == 0
    assert "unchanged" in run_qtgov("codeowners", root).stdout


def test_a_stale_codeowners_is_a_warning(tmp_path: Path) -> None:
    root = alliance(tmp_path)
    assert run_qtgov("codeowners", root).returncode == 0
    path = root / "members/beta.yaml"
    path.write_text(path.read_text("utf-8").replace("github: bob-gh", "github: bobby-gh"), "utf-8")
    report = json.loads(run_qtgov("validate", "--format", "json", root).stdout)
    stale = [(f["path"], f["line"], f["severity"]) for f in report["findings"] if f["rule"] == "codeowners-stale"]
    assert stale == [(".github/CODEOWNERS", 1, "warning")]
    assert run_qtgov("codeowners", "--check", root).returncode == 1
    assert run_qtgov("codeowners", root).returncode == 0
    report = json.loads(run_qtgov("validate", "--format", "json", root).stdout)
    assert [f for f in report["findings"] if f["rule"] == "codeowners-stale"] == []


def test_a_hand_written_codeowners_is_left_alone(tmp_path: Path) -> None:
    root = alliance(tmp_path)
    (root / ".github").mkdir()
    (root / ".github/CODEOWNERS").write_text("* @someone\n", "utf-8")
    report = json.loads(run_qtgov("validate", "--format", "json", root).stdout)
    assert [f for f in report["findings"] if f["rule"] == "codeowners-stale"] == []
    result = run_qtgov("codeowners", root)
    assert result.returncode == 2 and "--force" in result.stderr
    assert run_qtgov("codeowners", "--force", root).returncode == 0


def test_codeowners_says_its_notes_in_the_language_asked(tmp_path: Path) -> None:
    root = alliance(tmp_path)
    wrote = run_qtgov("codeowners", "--lang", "zh", "-C", root)
    assert (wrote.returncode, wrote.stdout) == (0, f"已写入 {root / '.github/CODEOWNERS'}\n")
    assert run_qtgov("codeowners", "--lang", "zh", "-C", root).stdout == f"未改动：{root / '.github/CODEOWNERS'}\n"
    assert run_qtgov("codeowners", "-C", root).stdout == f"unchanged: {root / '.github/CODEOWNERS'}\n"
    assert run_qtgov("codeowners", "--check", "--lang", "zh", "-C", root).stdout == ".github/CODEOWNERS 已是最新\n"
    assert run_qtgov("codeowners", "--check", "-C", root).stdout == ".github/CODEOWNERS is up to date\n"
    path = root / "members/beta.yaml"
    path.write_text(path.read_text("utf-8").replace("github: bob-gh", "github: bobby-gh"), "utf-8")
    stale = run_qtgov("codeowners", "--check", "--lang", "zh", "-C", root)
    assert (stale.returncode, stale.stderr) == (1, "qtgov：.github/CODEOWNERS 已过时；请运行 qtgov codeowners\n")
    stale = run_qtgov("codeowners", "--check", "-C", root)
    assert stale.stderr == "qtgov: .github/CODEOWNERS is out of date; run qtgov codeowners\n"
    positional = run_qtgov("codeowners", "--check", "--lang", "zh", root)
    assert positional.stderr.splitlines()[0] == f"qtgov：位置参数 REPO 已弃用；请使用 `qtgov codeowners -C {root}`"


def test_codeowners_writes_nothing_when_a_record_file_cannot_be_read(tmp_path: Path) -> None:
    root = alliance(tmp_path)
    (root / "members/beta.yaml").write_text("id: beta\nkind: [member\n", encoding="utf-8")
    zh = run_qtgov("codeowners", "--lang", "zh", "-C", root)
    assert (zh.returncode, zh.stdout) == (1, "")
    assert zh.stderr.splitlines()[-1] == (
        "qtgov：有 1 个记录文件无法读取，因此没有写入 .github/CODEOWNERS（否则会漏掉负责人）；"
        "请先修复它（`qtgov validate` 会列出所有问题）"
    )
    assert not (root / ".github/CODEOWNERS").exists()
    en = run_qtgov("codeowners", "--check", "-C", root)
    assert en.returncode == 1
    assert en.stderr.splitlines()[-1] == (
        "qtgov: 1 record file could not be read, so qtgov cannot tell whether .github/CODEOWNERS is up to date; "
        "fix it first (`qtgov validate` lists every problem)"
    )
