"""The CI integration files: the pre-commit hooks, the composite action and the example
workflows are well-formed and consistent; the real linters run when they are installed
(`pre-commit validate-manifest`, `actionlint`, `check-jsonschema --builtin-schema …`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, run_qtgov

ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
WORKFLOWS = [ROOT / ".github/workflows/qtgov.yml", ROOT / "examples/ci/github/governance.yml"]
GITLAB = ROOT / "examples/ci/gitlab/.gitlab-ci.yml"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text("utf-8"))


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = load(HOOKS)
    assert [h["id"] for h in hooks] == ["qtgov-validate", "qtgov-codeowners", "qtgov-fmt"]
    for hook in hooks:
        # Only fmt takes file names: the other checks judge the repository as a whole.
        assert hook["language"] == "python" and hook["pass_filenames"] is (hook["id"] == "qtgov-fmt")
        command = hook["entry"].split()
        assert command[0] == "qtgov"
        assert run_qtgov(*command[1:2], "--help").returncode == 0
        re.compile(hook["files"])


def test_the_action_uses_only_what_it_declares() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    declared = set(action["inputs"])
    steps = action["runs"]["steps"]
    ids = {s.get("id") for s in steps}
    text = ACTION.read_text("utf-8")
    assert set(re.findall(r"inputs\.([a-z-]+)", text)) <= declared
    assert set(re.findall(r"steps\.([a-z-]+)\.outputs", text)) <= ids
    for step in steps:
        if "run" in step:
            assert step.get("shell") == "bash"
            # Expressions go through env, never into the script: no injection from PR data.
            assert "${{" not in step["run"]


def test_workflows_fetch_the_whole_history() -> None:
    for path in WORKFLOWS:
        workflow = load(path)
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout"):
                    assert step["with"]["fetch-depth"] == 0, path
                assert "${{" not in step.get("run", ""), path
    example = load(WORKFLOWS[1])
    events = example[True] if True in example else example["on"]  # YAML 1.1 reads `on` as true
    assert {"pull_request", "pull_request_review", "push"} <= set(events)
    assert load(GITLAB)["variables"]["GIT_DEPTH"] == "0"


def _tool(name: str) -> str | None:
    """A tool installed beside this Python (the test extras) or on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    tool = _tool(command[0])
    assert tool is not None
    return subprocess.run([tool, *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.mark.skipif(_tool("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_validates_the_manifest() -> None:
    result = _run("pre-commit", "validate-manifest", str(HOOKS))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(_tool("actionlint") is None, reason="actionlint is not installed")
def test_actionlint() -> None:
    result = _run("actionlint", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(_tool("check-jsonschema") is None, reason="check-jsonschema is not installed")
@pytest.mark.parametrize(
    "schema, paths",
    [
        ("vendor.github-actions", [ACTION]),
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.gitlab-ci", [GITLAB]),
    ],
)
def test_check_jsonschema(schema: str, paths: list[Path]) -> None:
    result = _run("check-jsonschema", "--builtin-schema", schema, *map(str, paths))
    assert result.returncode == 0, result.stdout + result.stderr
