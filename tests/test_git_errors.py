"""Repositories git history cannot be read from: each gives a clear message and exit 2, never a
traceback; and the commands that do not need git keep working without it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_git_support import Story, founding

HISTORY_COMMANDS = [
    ("validate", "--base", "main", "."),
    ("review", "main..HEAD"),
    ("history", "hub"),
    ("provenance", "."),
]


def assert_exit_2(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("qtgov: ")
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize("command", HISTORY_COMMANDS, ids=lambda c: c[0])
def test_not_a_repository(tmp_path: Path, command: tuple[str, ...]) -> None:
    story = founding(tmp_path)
    plain = tmp_path / "plain"
    shutil.copytree(story.root, plain, ignore=shutil.ignore_patterns(".git"))
    result = Story.qtgov(_at(story, plain), *command)
    assert_exit_2(result, "is not a git repository")


def test_parent_directories_are_never_searched(tmp_path: Path) -> None:
    story = founding(tmp_path)
    inner = story.root / "examples" / "inner"
    shutil.copytree(story.root, inner, ignore=shutil.ignore_patterns(".git", "examples"))
    result = Story.qtgov(_at(story, inner), "history", "hub")
    assert_exit_2(result, "is not a git repository", "inside the repository", str(story.root))


def test_empty_repository(tmp_path: Path) -> None:
    story = Story(tmp_path / "empty", tmp_path / "home")
    (story.root / "members").mkdir()
    for command in HISTORY_COMMANDS:
        assert_exit_2(story.qtgov(*command), "no commits yet")


def test_shallow_clone_says_fetch_depth_0(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("Second", files={"charter/index.md": "# Home\n"})
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{story.root}", str(clone)],
        env=story.env(),
        check=True,
        capture_output=True,
    )
    for command in HISTORY_COMMANDS:
        assert_exit_2(Story.qtgov(_at(story, clone), *command), "shallow clone", "fetch-depth: 0")


def test_detached_head_works(tmp_path: Path) -> None:
    story = founding(tmp_path)
    first = story.git("rev-parse", "HEAD")
    story.commit("Second", files={"charter/index.md": "# Home\n"})
    story.git("checkout", "-q", "--detach", first)
    result = story.qtgov("history", "acme")
    assert result.returncode == 0, result.stderr
    # The text names the member as its record does (`qtgov history --format json` keeps the id).
    assert "member Acme added (status active)" in result.stdout
    assert story.qtgov("validate", "--base", "main", ".").returncode == 0


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_dubious_ownership(tmp_path: Path) -> None:
    story = founding(tmp_path)
    for dirpath, _dirs, files in os.walk(story.root):
        os.chown(dirpath, 65534, 65534)
        for name in files:
            os.chown(os.path.join(dirpath, name), 65534, 65534)
    env = {"HOME": str(story.home), "GIT_CONFIG_NOSYSTEM": "1"}
    from conftest import run_qtgov

    result = run_qtgov("history", "acme", cwd=story.root, env=env)
    assert_exit_2(result, "dubious ownership", "safe.directory")


def test_validate_overlaps_and_status_work_without_git(tmp_path: Path) -> None:
    story = founding(tmp_path)
    plain = tmp_path / "plain"
    shutil.copytree(story.root, plain, ignore=shutil.ignore_patterns(".git"))
    at = _at(story, plain)
    assert Story.qtgov(at, "validate", ".").returncode == 0
    assert Story.qtgov(at, "overlaps", ".").returncode == 0
    assert Story.qtgov(at, "status", ".").returncode == 0
    assert Story.qtgov(at, "codeowners", ".").returncode == 0


def test_help_does_not_import_gitpython() -> None:
    code = "import sys, qtgov.cli; assert 'git' not in sys.modules, 'GitPython imported eagerly'"
    subprocess.run([sys.executable, "-c", code], check=True)


def _at(story: Story, root: Path) -> Story:
    other = Story.__new__(Story)
    other.root, other.home, other.day = root, story.home, story.day
    return other
