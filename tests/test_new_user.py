"""A new user's first day, end to end: every command the README's "A new alliance, step by step"
transcript and the workflow `qtgov init` writes document, run verbatim with relative paths, in a
repository `qtgov init` made and in a `git clone` of the demo history.

The README block is read from README.md and run line by line with bash (a `cd` carries over to
the next line). The workflow's steps, and those of the composite action at the repository's root
that it uses, are run the way GitHub runs them (`bash --noprofile --norc -eo pipefail`, from the
workspace root or their working-directory, with GitHub's environment variables and
`${{ … }}` expressions filled in). Two departures, both for the network or a fixed port:
`gh api … reviews` reads a local JSON file of reviews, and `qtgov serve` gets
`--dev-addr 127.0.0.1:<a free port>`. Steps that only talk to GitHub (checkout, pip install,
upload, deploy, the PR comment) are not run; what each of them needs is checked instead.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, qtgov_env

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
ACTION = ROOT / "action.yml"
TRANSCRIPT_TITLE = "A new alliance, step by step"
WORKFLOW = ".github/workflows/qtgov.yml"
BIN = ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "qtgov").exists() else Path(sys.executable).parent
DEMO_SCRIPT = ROOT / "examples" / "build_demo_history.py"
REPOSITORY = "tide/tide-alliance"  # GITHUB_REPOSITORY of the simulated runs


# --- the README transcript -----------------------------------------------------------------


def readme_commands(title: str = TRANSCRIPT_TITLE) -> list[str]:
    """The lines of the first ```sh block after the heading `title` (continuations joined,
    blank and comment lines left out), exactly as written."""
    text = README.read_text("utf-8")
    heading = re.search(rf"^#+ {re.escape(title)}\n", text, re.M)
    assert heading, f"README.md has no section {title!r}"
    block = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M).search(text, heading.end())
    assert block, f"README.md: no ```sh block in {title!r}"
    commands: list[str] = []
    pending = ""
    for raw in block.group(1).splitlines():
        line = pending + raw
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1]
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            commands.append(line)
    assert not pending
    return commands


def words(line: str) -> list[str]:
    return shlex.split(line, comments=True)


def shell_env(tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """What a new user's shell has: qtgov (this checkout's) first on PATH, git with a name and
    no configuration of the machine's, a home and temporary directory of their own."""
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    (tmp / "tmp").mkdir(exist_ok=True)
    env = qtgov_env(
        {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(home),
            "TMPDIR": str(tmp / "tmp"),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "王芳",
            "GIT_AUTHOR_EMAIL": "wang@tide.example.org",
            "GIT_COMMITTER_NAME": "王芳",
            "GIT_COMMITTER_EMAIL": "wang@tide.example.org",
        }
    )
    env.pop("VIRTUAL_ENV", None)
    if extra:
        env.update(extra)
    return env


@dataclass
class Ran:
    line: str
    cwd: Path
    returncode: int
    output: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_briefly(line: str, cwd: Path, env: dict[str, str]) -> Ran:
    """Start `line` (a `qtgov serve`) on a free port, fetch its home page, stop it with SIGTERM;
    the output ends with the page's <title> and what is left of qtgov in TMPDIR."""
    port = free_port()
    command = shlex.join([*words(line), "--dev-addr", f"127.0.0.1:{port}"])
    proc = subprocess.Popen(
        ["bash", "-c", f"exec {command}"], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("qtgov: serving "):
            got = proc.stderr.readline()
            assert got, f"{line}: ended before serving: {''.join(lines)}"
            lines.append(got)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120).read().decode("utf-8")
        title = re.search(r"<title>(.*?)</title>", page)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    left = sorted(p.name for p in Path(env["TMPDIR"]).iterdir() if p.name.startswith("qtgov-"))
    output = "".join(lines) + out + err + f"<title>{title.group(1) if title else ''}</title>\nleft: {left}\n"
    return Ran(line, cwd, proc.returncode, output)


def run_lines(commands: list[str], cwd: Path, env: dict[str, str]) -> list[Ran]:
    """Run each line with bash in order, as someone pasting them would; `cd` moves later lines."""
    results: list[Ran] = []
    for line in commands:
        argv = words(line)
        if argv[:2] == ["qtgov", "serve"]:
            results.append(serve_briefly(line, cwd, env))
            continue
        proc = subprocess.run(
            ["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        results.append(Ran(line, cwd, proc.returncode, proc.stdout + proc.stderr))
        if argv[0] == "cd" and proc.returncode == 0:
            cwd = (cwd / argv[1]).resolve()
    return results


def check(results: list[Ran], expected: dict[str, list[str]]) -> None:
    """Every line exited 0 without a traceback, and the output of each line starting with a key
    of `expected` contains each of its strings."""
    for ran in results:
        where = f"{ran.line!r} in {ran.cwd}:\n{ran.output}"
        assert ran.returncode == 0, where
        assert "Traceback" not in ran.output and "internal error" not in ran.output, where
        for prefix, wanted in expected.items():
            if ran.line.startswith(prefix):
                for text in wanted:
                    assert text in ran.output, f"{text!r} not in the output of {where}"
    used = {prefix for prefix in expected if any(r.line.startswith(prefix) for r in results)}
    assert used == set(expected), f"no line starts with {sorted(set(expected) - used)}"


def git(repo: Path, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


def site_is_complete(site: Path, languages: tuple[str, ...] = ("zh", "en")) -> None:
    assert (site / "index.html").is_file()
    for lang in languages:
        assert (site / lang / "index.html").is_file(), lang
    # The schemas the records' modelines point at, published with the handbook.
    for kind in ("alliance", "taxonomy", "member", "agreement"):
        assert json.loads((site / "schemas" / f"{kind}.schema.json").read_text("utf-8"))["$schema"], kind


#: What the README transcript's lines say, by the start of the line.
TRANSCRIPT_EXPECT = {
    "qtgov init": [
        "wrote tide-alliance/members/tide-hub.yaml",
        "the first ones need the approval of tide-wang (GitHub @wangfang-tide)",
    ],
    "git commit": [],
    "qtgov validate": ["0 errors, 0 warnings, 5 infos"],
    "qtgov status": ["0 agreement(s)"],
    "qtgov codeowners": ["wrote .github/CODEOWNERS"],
    "git switch -c": [],
    "qtgov new member": ["wrote members/harbor-cloud.yaml"],
    "qtgov review main..HEAD": ["member harbor-cloud added", "@wangfang-tide (tide-wang)"],
    "qtgov build": ["built the public handbook as of ", " into site (zh, en; "],
    "qtgov serve": ["qtgov: stopped\n", "<title>潮汐联盟</title>", "left: []"],
}


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Ran], dict[str, str]]:
    """The README transcript, run in an empty directory: (that directory, the results, the env)."""
    tmp = tmp_path_factory.mktemp("new-user")
    env = shell_env(tmp)
    work = tmp / "work"
    work.mkdir()
    return work, run_lines(readme_commands(), work, env), env


def test_the_readme_transcript_runs_verbatim(transcript: tuple[Path, list[Ran], dict[str, str]]) -> None:
    work, results, env = transcript
    assert [words(r.line)[0] for r in results][:2] == ["qtgov", "cd"]
    check(results, TRANSCRIPT_EXPECT)
    repo = work / "tide-alliance"
    site_is_complete(repo / "site")
    assert "Tide Alliance" in (repo / "site" / "en" / "index.html").read_text("utf-8")
    # The handbook, and nothing else a build leaves, stays out of git.
    assert git(repo, "status", "--porcelain", "--untracked-files=all", env=env) == ""
    assert [p.name for p in repo.iterdir() if ".build-" in p.name] == []


# --- the workflow qtgov init writes, and the action it uses --------------------------------

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
TERM = re.compile(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'")


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@dataclass
class Step:
    name: str
    ran: bool
    returncode: int = 0
    output: str = ""


@dataclass
class Runner:
    """Runs a job's steps the way GitHub does, in `workspace`, for one event."""

    workspace: Path
    env: dict[str, str]
    github: dict[str, Any]
    reviews: Path | None = None
    steps: list[Step] = field(default_factory=list)
    summary: Path = field(init=False)
    runner_temp: Path = field(init=False)

    def __post_init__(self) -> None:
        self.runner_temp = self.workspace.parent / "runner-temp"
        self.runner_temp.mkdir(exist_ok=True)
        self.summary = self.runner_temp / "step-summary.md"
        self.summary.write_text("")

    def lookup(self, name: str, context: dict[str, Any]) -> str:
        value: Any = context
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return as_text(value)

    def fill(self, text: Any, context: dict[str, Any]) -> str:
        return EXPR.sub(lambda m: self.lookup(m.group(1), context), as_text(text))

    def condition(self, text: Any, context: dict[str, Any], failed: bool) -> bool:
        if text is None:
            return not failed
        expression = EXPR.sub(lambda m: m.group(1), as_text(text)).strip()
        always = False
        for term in (t.strip() for t in expression.split("&&")):
            if term == "always()":
                always = True
                continue
            match = TERM.fullmatch(term)
            assert match, f"the test does not understand the condition {term!r}"
            equal = self.lookup(match.group(1), context) == match.group(3)
            if equal != (match.group(2) == "=="):
                return False
        return always or not failed

    def run_script(self, name: str, script: str, env: dict[str, str], cwd: Path) -> tuple[int, dict[str, str]]:
        output_file = self.runner_temp / f"output-{len(self.steps)}"
        output_file.write_text("")
        script_file = self.runner_temp / f"step-{len(self.steps)}.sh"
        script_file.write_text(script)
        full_env = {
            **self.env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_EVENT_NAME": self.github["event_name"],
            "GITHUB_REPOSITORY": self.github["repository"],
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_SHA": self.github["sha"],
            "GITHUB_REF": self.github["ref"],
            "GITHUB_BASE_REF": self.github.get("base_ref", ""),
            "GITHUB_HEAD_REF": self.github.get("head_ref", ""),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "RUNNER_TEMP": str(self.runner_temp),
            **env,
        }
        if self.reviews is not None:
            full_env["QTGOV_TEST_REVIEWS"] = str(self.reviews)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        self.steps.append(Step(name, True, proc.returncode, proc.stdout + proc.stderr))
        return proc.returncode, outputs

    def action(self, inputs_given: dict[str, Any]) -> tuple[bool, dict[str, str]]:
        """The composite action at the repository's root; (failed, its outputs)."""
        action = yaml.safe_load(ACTION.read_text("utf-8"))
        inputs = {k: as_text(v.get("default")) for k, v in action["inputs"].items()}
        inputs = {k: self.fill(v, {"github": self.github}) for k, v in inputs.items()}
        inputs.update({k: as_text(v) for k, v in inputs_given.items()})
        context: dict[str, Any] = {"inputs": inputs, "github": {**self.github, "action_path": str(ROOT)}, "steps": {}}
        failed = False
        for step in action["runs"]["steps"]:
            name = step.get("name") or step.get("uses")
            if "uses" in step:
                assert step["uses"].startswith("actions/setup-python@"), step
                self.steps.append(Step(name, False))  # this test runs on the Python it was started with
                continue
            if name == "Install qtgov":
                assert "pip install" in step["run"]
                self.steps.append(Step(name, False))  # qtgov is this checkout's, first on PATH
                continue
            if not self.condition(step.get("if"), context, failed):
                self.steps.append(Step(name, False))
                continue
            script = step["run"]
            if "gh api" in script:  # the one network call: the reviews come from a local file
                script = re.sub(r"gh api [^>\n]*>", 'cat "$QTGOV_TEST_REVIEWS" >', script)
                assert "gh " not in script
            env = {k: self.fill(v, context) for k, v in (step.get("env") or {}).items()}
            cwd = self.workspace / self.fill(step.get("working-directory", "."), context)
            code, outputs = self.run_script(name, script, env, cwd)
            failed = failed or code != 0
            if "id" in step:
                context["steps"][step["id"]] = {"outputs": outputs}
        return failed, {k: self.fill(v["value"], context) for k, v in action["outputs"].items()}

    def job(self, job: dict[str, Any], on_skipped: Callable[[dict[str, Any], dict[str, Any]], None]) -> None:
        """Run a job of the workflow; `on_skipped(step, context)` checks a step that is not run."""
        context: dict[str, Any] = {"github": self.github, "steps": {}}
        failed = False
        for step in job["steps"]:
            name = step.get("name") or step.get("uses")
            if not self.condition(step.get("if"), context, failed):
                self.steps.append(Step(name, False))
                continue
            uses = step.get("uses", "")
            if uses.startswith("quanttide/qtgov@"):
                action_failed, outputs = self.action(step.get("with") or {})
                failed = failed or action_failed
                if "id" in step:
                    context["steps"][step["id"]] = {"outputs": outputs}
                continue
            if "run" in step and re.search(r"(^|[\s;&|(])qtgov\s", step["run"]):
                env = {k: self.fill(v, context) for k, v in (step.get("env") or {}).items()}
                code, _ = self.run_script(name, step["run"], env, self.workspace)
                failed = failed or code != 0
                continue
            on_skipped(step, context)
            self.steps.append(Step(name, False))

    def ran(self) -> list[Step]:
        return [s for s in self.steps if s.ran]


def checkout(source: Path, target: Path, sha: str, env: dict[str, str]) -> Path:
    """What actions/checkout with `fetch-depth: 0` and `ref: SHA` leaves: a clone with every
    branch as origin/*, at SHA, detached."""
    subprocess.run(["git", "clone", "-q", str(source), str(target)], env=env, check=True)
    git(target, "checkout", "-q", "--detach", sha, env=env)
    return target


def workflow_of(repo: Path) -> dict[str, Any]:
    workflow = yaml.safe_load((repo / WORKFLOW).read_text("utf-8"))
    assert set(workflow["jobs"]) == {"pull-request", "main"}
    for job in workflow["jobs"].values():
        first = job["steps"][0]
        assert first["uses"].startswith("actions/checkout@") and first["with"]["fetch-depth"] == 0
    return workflow


def reviews_file(path: Path, sha: str, logins: list[str]) -> Path:
    """Reviews as `gh api --paginate --slurp` gives them: a list of pages."""
    page = [
        {"user": {"login": login}, "state": "APPROVED", "submitted_at": "2026-01-02T03:04:05Z", "commit_id": sha}
        for login in logins
    ]
    path.write_text(json.dumps([page]), encoding="utf-8")
    return path


def pull_request(
    source: Path, tmp: Path, env: dict[str, str], *, base: str, head: str, approvers: list[str], number: int = 1
) -> Runner:
    """The `pull-request` job for a PR of `head` (a branch of `source`) into `base`."""
    sha = git(source, "rev-parse", head, env=env).strip()
    workspace = checkout(source, tmp / "workspace", sha, env)
    github = {
        "event_name": "pull_request",
        "repository": REPOSITORY,
        "token": "not-used",
        "sha": sha,
        "ref": f"refs/pull/{number}/merge",
        "base_ref": base,
        "head_ref": head,
        "event": {"pull_request": {"number": number, "base": {"ref": base}, "head": {"sha": sha}}},
    }
    runner = Runner(workspace, env, github, reviews_file(tmp / "reviews.json", sha, approvers))
    workflow = workflow_of(workspace)

    def skipped(step: dict[str, Any], context: dict[str, Any]) -> None:
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["ref"] == "${{ github.event.pull_request.head.sha }}"
            return
        assert step["run"].startswith("gh pr comment"), step  # posts the review written by the action
        review = Path(runner.fill(step["env"]["REVIEW"], context))
        assert review.read_text("utf-8").startswith("## qtgov review\n")

    runner.job(workflow["jobs"]["pull-request"], skipped)
    return runner


def push_to_main(source: Path, tmp: Path, env: dict[str, str]) -> Runner:
    """The `main` job for a push of `source`'s main."""
    sha = git(source, "rev-parse", "main", env=env).strip()
    workspace = checkout(source, tmp / "workspace-main", sha, env)
    github = {"event_name": "push", "repository": REPOSITORY, "token": "not-used", "sha": sha, "ref": "refs/heads/main"}
    github["event"] = {}
    runner = Runner(workspace, env, github)
    workflow = workflow_of(workspace)

    def skipped(step: dict[str, Any], context: dict[str, Any]) -> None:
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            return
        if uses.startswith("github/codeql-action/upload-sarif@"):
            sarif = json.loads((workspace / step["with"]["sarif_file"]).read_text("utf-8"))
            assert sarif["runs"][0]["tool"]["driver"]["name"] == "qtgov"
            return
        if uses.startswith("actions/upload-pages-artifact@"):
            site_is_complete(workspace / step["with"]["path"])
            return
        assert uses.startswith("actions/deploy-pages@"), step

    runner.job(workflow["jobs"]["main"], skipped)
    return runner


def assert_steps(runner: Runner, names: list[str]) -> None:
    for step in runner.ran():
        assert step.returncode == 0, f"{step.name}:\n{step.output}"
        assert "Traceback" not in step.output and "internal error" not in step.output, step.output
    assert [s.name for s in runner.ran()] == names


PR_STEPS = ["Find the base", "Validate", "Review", "Check approvals"]
MAIN_STEPS = ["Find the base", "SARIF report", "Validate", "Build the handbook"]


def test_the_init_workflow_on_the_first_pull_request_and_push(
    transcript: tuple[Path, list[Ran], dict[str, str]], tmp_path: Path
) -> None:
    work, _, env = transcript
    repo = work / "tide-alliance"
    runner = pull_request(repo, tmp_path, env, base="main", head="join-harbor-cloud", approvers=["wangfang-tide"])
    assert_steps(runner, PR_STEPS)
    summary = runner.summary.read_text("utf-8")
    assert "member harbor-cloud added" in summary and "**All approvals given.**" in summary

    # The same pull request without the hub's approval fails the check.
    unapproved = tmp_path / "unapproved"
    unapproved.mkdir()
    runner = pull_request(repo, unapproved, env, base="main", head="join-harbor-cloud", approvers=[])
    assert [(s.name, s.returncode) for s in runner.ran()] == [(n, 1 if n == "Check approvals" else 0) for n in PR_STEPS]

    # Merged (a merge commit, as the workflow asks), then pushed to main: validated and published.
    source = tmp_path / "origin"
    subprocess.run(["git", "clone", "-q", "--branch", "main", str(repo), str(source)], env=env, check=True)
    git(source, "branch", "-q", "join-harbor-cloud", "origin/join-harbor-cloud", env=env)
    git(
        source, "merge", "-q", "--no-ff", "-m", "Merge pull request #1: join-harbor-cloud", "join-harbor-cloud", env=env
    )
    runner = push_to_main(source, tmp_path, env)
    assert_steps(runner, MAIN_STEPS)
    assert "built the public handbook" in runner.ran()[-1].output


# --- the same in a clone of the demo history -----------------------------------------------

#: The README transcript's lines that work on any alliance repository (not init, new, git add …).
DEMO_EXPECT = {
    "qtgov validate": ["0 errors, "],
    "qtgov status": ["In force on "],
    "qtgov codeowners": [" .github/CODEOWNERS\n"],  # "wrote", then "unchanged" the second time
    "qtgov review main..HEAD": ["signature added by ct-ma for chitu-data", "@qtgov-demo-shen (lt-shen)"],
    "qtgov build": ["built the public handbook as of ", " into site (zh, en; "],
    "qtgov serve": ["qtgov: stopped\n", "left: []"],
}


needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="the demo history needs ssh-keygen")


@pytest.fixture(scope="module")
def demo_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The demo history, with two branches for a pull request: its last signature (`sign`)
    into main as it was before that was merged (`before`)."""
    tmp = tmp_path_factory.mktemp("demo-user")
    env = shell_env(tmp)
    source = tmp / "demo"
    result = subprocess.run(
        [sys.executable, str(DEMO_SCRIPT), str(source)], capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    git(source, "branch", "before", "main~1", env=env)
    git(source, "branch", "sign", "main^2", env=env)
    return source, env


@needs_ssh_keygen
def test_the_readme_commands_in_a_clone_of_the_demo(demo_history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    source, env = demo_history
    env = {**env, "TMPDIR": str(tmp_path)}
    subprocess.run(
        ["git", "clone", "-q", "--branch", "sign", str(source), str(tmp_path / "alliance")], env=env, check=True
    )
    clone = tmp_path / "alliance"
    git(clone, "branch", "main", "origin/before", env=env)  # the pull request's base, as `main`
    lines = [line for line in readme_commands() if words(line)[0] == "qtgov" and words(line)[1] not in ("init", "new")]
    results = run_lines(["cd alliance", *lines], tmp_path, env)
    check(results, DEMO_EXPECT)
    site_is_complete(clone / "site")
    # The demo has no .gitignore: what the lines wrote, and nothing a build works in.
    assert git(clone, "status", "--porcelain", env=env) == "?? .github/\n?? site/\n"


@needs_ssh_keygen
def test_the_init_workflow_in_a_clone_of_the_demo(demo_history: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    demo, env = demo_history
    source = tmp_path / "origin"  # a copy, so that the fixture's history stays as it was
    subprocess.run(["git", "clone", "-q", "--mirror", str(demo), str(source / ".git")], env=env, check=True)
    git(source, "config", "core.bare", "false", env=env)
    git(source, "checkout", "-q", "main", env=env)
    # The workflow qtgov init writes, as the demo would have it.
    (tmp_path / "init").mkdir()
    made = tmp_path / "init" / "made"
    init = subprocess.run(
        [
            *("qtgov", "init", str(made), "--id", "x-alliance", "--name", "X", "--hub", "x-hub", "--hub-name", "X"),
            *("--rep", "x-rep", "--rep-name", "X", "--rep-github", "x-rep"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    branch = tmp_path / "branch"
    subprocess.run(["git", "clone", "-q", "--branch", "sign", str(source), str(branch)], env=env, check=True)
    (branch / WORKFLOW).parent.mkdir(parents=True)
    (branch / WORKFLOW).write_bytes((made / WORKFLOW).read_bytes())
    git(branch, "add", WORKFLOW, env=env)
    git(branch, "commit", "-q", "-m", "The governance workflow qtgov init writes", env=env)
    git(branch, "push", "-q", "origin", "HEAD:sign", env=env)

    reviewers = ["qtgov-demo-ma", "qtgov-demo-shen", "qtgov-demo-zhou"]
    runner = pull_request(source, tmp_path, env, base="before", head="sign", approvers=reviewers)
    assert_steps(runner, PR_STEPS)
    assert "**All approvals given.**" in runner.summary.read_text("utf-8")

    git(source, "merge", "-q", "--no-ff", "-m", "Merge pull request: sign", "sign", env=env)
    runner = push_to_main(source, tmp_path, env)
    assert_steps(runner, MAIN_STEPS)
