"""One way to name the repository: `-C/--repo PATH` on every command, the old positional REPO
still accepted with a deprecation note, and the root found from a subdirectory as git does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORE_RULES, finding_tuples, qtgov_env, run_qtgov, write_repo

from qtgov.cli import main

# Every command that works on an alliance repository, and those that took it positionally.
REPO_COMMANDS = ("validate", "status", "overlaps", "provenance", "codeowners", "build", "serve", "review", "sign")
REPO_COMMANDS += ("history",)
POSITIONAL_BEFORE = ("validate", "status", "overlaps", "provenance", "codeowners", "build", "serve")

BROKEN = "id: acme\nkind: member\nname: Acme\nstatus: active\njoined: 2025-01-01\nvisibility: public\nx-a: 0755\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repo(tmp_path / "repo", {"members/acme.yaml": BROKEN})


@pytest.mark.parametrize("command", REPO_COMMANDS)
def test_every_repository_command_takes_dash_c(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "-C, --repo PATH" in result.output
    usage = result.output.splitlines()[0]
    assert "REPO" not in usage  # the deprecated positional is not advertised


@pytest.mark.parametrize("flag", ["-C", "--repo"])
def test_dash_c_and_long_form(repo: Path, flag: str) -> None:
    result = run_qtgov("validate", "--format", "json", flag, repo, cwd=repo.parent)
    assert (result.returncode, result.stderr) == (1, "")
    assert finding_tuples(result.stdout, CORE_RULES) == [("members/acme.yaml", 7, 6, "yaml-ambiguous")]


def test_positional_repo_still_works_with_a_deprecation_note(repo: Path) -> None:
    new = run_qtgov("validate", "--format", "json", "-C", "repo", cwd=repo.parent)
    old = run_qtgov("validate", "--format", "json", "repo", cwd=repo.parent)
    assert (old.returncode, old.stdout) == (new.returncode, new.stdout)
    assert old.stderr == "qtgov: the positional REPO argument is deprecated; use `qtgov validate -C repo`\n"


@pytest.mark.parametrize("command", POSITIONAL_BEFORE)
def test_positional_form_reaches_every_command(tmp_path: Path, command: str) -> None:
    # A directory that does not exist: each command gets as far as opening the repository (no
    # server is started, nothing is built) and names the path it was given.
    missing = tmp_path / "nowhere"
    result = run_qtgov(command, missing, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"qtgov: the positional REPO argument is deprecated; use `qtgov {command} -C {missing}`"
    )
    assert str(missing) in result.stderr.splitlines()[1]
    assert "Traceback" not in result.stderr


def test_positional_and_dash_c_must_agree(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    result = run_qtgov("validate", "repo", "-C", "other", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == "qtgov: two repositories given (repo and -C other); give only -C"
    same = run_qtgov("validate", "repo", "-C", "repo", cwd=tmp_path)
    assert same.returncode == 1


# ---------------------------------------------------------------- the root, found from a subdirectory


def test_validate_from_a_subdirectory_finds_the_root(repo: Path) -> None:
    at_root = run_qtgov("validate", "--format", "json", cwd=repo)
    assert at_root.stderr == ""
    for sub in (repo / "members", repo / "charter" / "taxonomy"):
        result = run_qtgov("validate", "--format", "json", cwd=sub)
        assert (result.returncode, result.stdout) == (1, at_root.stdout)
        # Paths in the report are relative to the root, so the root is named.
        assert result.stderr == f"qtgov: using the alliance repository at {repo.resolve()}\n"


def test_dash_c_into_a_subdirectory_finds_the_root(repo: Path) -> None:
    result = run_qtgov("status", "-C", repo / "members", cwd=repo.parent)
    assert result.returncode == 0
    assert result.stderr == f"qtgov: using the alliance repository at {repo.resolve()}\n"


def test_search_stops_at_the_top_of_a_git_work_tree(tmp_path: Path) -> None:
    # An unrelated git repository inside an alliance's folder is not part of that alliance.
    outer = write_repo(tmp_path / "outer", {})
    inner = outer / "vendor" / "tool"
    (inner / "docs").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(inner)], check=True, env=qtgov_env())
    result = run_qtgov("validate", cwd=inner / "docs")
    assert result.returncode == 2
    assert result.stderr == (
        "qtgov: .: not an alliance repository (no charter/alliance.yaml and no members/ directory)\n"
    )
    # Without the git boundary the same place finds the alliance above.
    (inner / ".git").rename(inner / "git-moved")
    found = run_qtgov("validate", cwd=inner / "docs")
    assert found.returncode == 0, found.stdout
    assert found.stderr == f"qtgov: using the alliance repository at {outer.resolve()}\n"


def test_a_directory_with_members_is_its_own_root(tmp_path: Path) -> None:
    # The old rule still holds: a members/ folder without alliance settings is a repository
    # (reported as such), not a reason to look further up.
    outer = write_repo(tmp_path / "outer", {})
    nested = write_repo(outer / "nested", {"charter/alliance.yaml": None})
    result = run_qtgov("validate", "--format", "json", cwd=nested)
    assert result.stderr == ""
    assert ("charter/alliance.yaml", 1, 1, "alliance-file") in finding_tuples(result.stdout)
