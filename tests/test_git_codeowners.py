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
