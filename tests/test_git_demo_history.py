"""examples/build_demo_history.py: the demo alliance as a repository with a history that the
handbook renders — merge commits only, every signature vouched for by a signed commit, and a last
tree equal to examples/demo-alliance (plus the signing keys it registers)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_qtgov

SCRIPT = ROOT / "examples" / "build_demo_history.py"
DEMO = ROOT / "examples" / "demo-alliance"

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "alliance"
    result = subprocess.run([sys.executable, str(SCRIPT), str(target)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return target


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def without_keys(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if "signing_keys:" not in line)


def test_the_last_tree_is_the_demo(demo: Path) -> None:
    ours = sorted(p.relative_to(DEMO).as_posix() for p in DEMO.rglob("*") if p.is_file())
    theirs = git(demo, "ls-files").split()
    assert theirs == ours
    for rel in ours:
        # The only difference: the keys registered for the people who sign (counsel's `[]` too).
        assert without_keys((demo / rel).read_text("utf-8")) == without_keys((DEMO / rel).read_text("utf-8")), rel
    assert git(demo, "status", "--porcelain") == ""


def test_main_has_merge_commits_only(demo: Path) -> None:
    line = git(demo, "log", "--first-parent", "--format=%P").splitlines()
    assert len(line) > 20
    assert all(len(parents.split()) == 2 for parents in line[:-1])  # all but the founding commit
    assert line[-1] == ""


def test_every_signature_is_vouched_for_by_a_signed_commit(demo: Path) -> None:
    result = run_qtgov("provenance", "--require-signed-commits", "--format", "json", demo)
    assert result.returncode == 0, result.stdout + result.stderr
    items = json.loads(result.stdout)["provenance"]
    assert len(items) > 10 and all(p["vouched"] and p["signature"] == "G" for p in items)
    assert {p["act"] for p in items} == {"signature", "legal_review"}


def test_history_tells_the_story(demo: Path) -> None:
    result = run_qtgov("history", "--format", "json", "tl-secondment-jinshi", "--repo", demo)
    assert result.returncode == 0, result.stderr
    changes = [c for e in json.loads(result.stdout)["history"]["entries"] for c in e["changes"]]
    assert changes[0] == "agreement proposed"
    assert [c for c in changes if c.startswith("signature added")] == [
        "signature added by hub-zhou for demo-hub (2024-02-20)",
        "signature added by js-qian for jinshi-software (2024-02-22)",
    ]
    assert changes[-2:] == ["status executed → terminated", "termination recorded (2024-12-31)"]


def test_validation_is_that_of_the_demo(demo: Path) -> None:
    ours = json.loads(run_qtgov("validate", "--format", "json", DEMO).stdout)["summary"]
    theirs = json.loads(run_qtgov("validate", "--format", "json", demo).stdout)["summary"]
    assert theirs == ours
