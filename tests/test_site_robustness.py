"""`qtgov build` and `qtgov serve` the way people and CI run them: relative paths, a build killed
half-way, a server stopped with SIGTERM, a repository that cannot be written."""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, qtgov_env, read_only, run_qtgov, unshare_works, write_repo

from qtgov.site import pipeline

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_AUTHOR_DATE": "2024-03-01T12:00:00+08:00",
    "GIT_COMMITTER_DATE": "2024-03-01T12:00:00+08:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True).stdout


def committed_repo(root: Path) -> Path:
    """The conftest mini alliance, committed, with a .gitignore that knows only site/."""
    write_repo(root, {".gitignore": "site/\n"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "founding")
    return root


def work_dirs(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".site.build-"))


@pytest.mark.slow
def test_build_with_relative_paths(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    # No mkdocs.yml in the repository: MkDocs reads qtgov's own, elsewhere on disk.
    assert not (repo / "mkdocs.yml").exists()
    result = run_qtgov("build", cwd=repo, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("built the public handbook as of 2024-03-01 into site (en; ")
    assert (repo / "site" / "en" / "index.html").is_file()
    assert work_dirs(repo) == []

    result = run_qtgov("build", "repo", "--out", "out/handbook", cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " into out/handbook (en; " in result.stdout
    assert (tmp_path / "out" / "handbook" / "en" / "index.html").is_file()
    assert git(repo, "status", "--porcelain") == ""


@pytest.mark.slow
def test_a_killed_build_is_invisible_to_git_and_cleaned_by_the_next(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    proc = subprocess.Popen(
        [sys.executable, "-m", "qtgov", "build"],
        cwd=repo,
        env=qtgov_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        give_up = time.monotonic() + 300  # only so that a broken build cannot hang the suite
        while not list(repo.glob(f".site.build-*/{pipeline.LOCK}")):
            assert proc.poll() is None, "the build ended before it could be killed"
            assert time.monotonic() < give_up
            time.sleep(0.01)
        proc.kill()  # SIGKILL: no cleanup of its own can run
    finally:
        proc.kill()
        proc.wait()
    left = work_dirs(repo)
    assert len(left) == 1
    # Not even untracked: the working directory ignores itself.
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""

    result = run_qtgov("build", cwd=repo, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert work_dirs(repo) == []
    assert (repo / "site" / "en" / "index.html").is_file()


@pytest.mark.slow
def test_a_build_stopped_with_sigterm_cleans_up(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qtgov", "build"],
        cwd=repo,
        env=qtgov_env({"TMPDIR": str(tmp)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        give_up = time.monotonic() + 300  # only so that a broken build cannot hang the suite
        # MkDocs is running once its job files are written.
        while not list(tmp.glob("qtgov-mkdocs-*/*.json")):
            assert proc.poll() is None, "the build ended before it could be stopped"
            assert time.monotonic() < give_up
            time.sleep(0.01)
        proc.terminate()
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 2 and err == "qtgov: interrupted\n", err
    assert work_dirs(repo) == [] and not (repo / "site").exists()
    assert [p.name for p in tmp.iterdir() if p.name != "jieba.cache"] == []


def test_stale_working_directories(tmp_path: Path) -> None:
    out = tmp_path / "site"
    running = tmp_path / ".site.build-running"  # a build in progress holds its lock
    running.mkdir()
    (running / pipeline.LOCK).write_text("")
    killed = tmp_path / ".site.build-killed"  # a lock nobody holds: its build was killed
    killed.mkdir()
    (killed / pipeline.LOCK).write_text("")
    (killed / "site").mkdir()
    (killed / "site" / "index.html").write_text("half a site")
    old = tmp_path / ".site.build-old"  # from a qtgov that did not lock, long ago
    (old / "docs").mkdir(parents=True)
    long_ago = time.time() - pipeline.UNLOCKED_STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    fresh = tmp_path / ".site.build-fresh"  # no lock yet: a build that has just started
    fresh.mkdir()
    other = tmp_path / ".other.build-x"  # the working directory of builds into another output
    other.mkdir()
    os.utime(other, (long_ago, long_ago))
    (tmp_path / ".site.build-file").write_text("not a directory: not ours")

    with open(running / pipeline.LOCK, "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        removed = pipeline.remove_stale(out)
    assert [p.name for p in removed] == [".site.build-killed", ".site.build-old"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.build-x",
        ".site.build-file",
        ".site.build-fresh",
        ".site.build-running",
    ]


def test_a_read_only_repository_is_a_usage_error_naming_the_path(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    command = read_only(repo, sys.executable, "-m", "qtgov", "build")
    result = subprocess.run(command, cwd=repo, env=qtgov_env(), capture_output=True, text=True, check=False)
    for p in [repo, *repo.rglob("*")]:
        if p.is_dir():
            p.chmod(0o755)
    assert result.returncode == 2, result.stdout + result.stderr
    why = "Read-only file system" if unshare_works() else "Permission denied"
    assert (
        result.stderr
        == f"qtgov: cannot write the handbook to site: {repo}: {why}; choose a writable directory with --out\n"
    )
    assert work_dirs(repo) == [] and not (repo / "site").exists()


def test_a_report_into_a_read_only_repository_is_a_usage_error_naming_the_path(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    command = read_only(repo, sys.executable, "-m", "qtgov", "validate", "--format", "sarif", "--output", "qtgov.sarif")
    result = subprocess.run(command, cwd=repo, env=qtgov_env(), capture_output=True, text=True, check=False)
    for p in [repo, *repo.rglob("*")]:
        if p.is_dir():
            p.chmod(0o755)
    assert result.returncode == 2, result.stdout + result.stderr
    why = "Read-only file system" if unshare_works() else "Permission denied"
    assert result.stderr == f"qtgov: cannot write qtgov.sarif: {why}\n"
    assert sorted(p.name for p in repo.iterdir()) == [".git", ".gitignore", "charter", "members"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, int, Path]]:
    repo = committed_repo(tmp_path / "repo")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qtgov", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=repo,
        env=qtgov_env({"TMPDIR": str(tmp)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield proc, repo, port, tmp
    finally:
        proc.kill()
        proc.wait()


def wait_until_served(proc: subprocess.Popen[str]) -> list[str]:
    """stderr lines up to the "serving" line."""
    assert proc.stderr is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("qtgov: serving "):
        line = proc.stderr.readline()
        assert line, f"serve ended: {''.join(lines)}"
        lines.append(line)
    return lines


@pytest.mark.slow
def test_serve_stops_on_sigterm_and_removes_its_temporary_directory(
    served: tuple[subprocess.Popen[str], Path, int, Path],
) -> None:
    proc, repo, port, tmp = served
    lines = wait_until_served(proc)
    url = f"http://127.0.0.1:{port}/"
    assert lines[-1] == f"qtgov: serving en on {url} (edit a record and the page reloads; Ctrl-C stops)\n"
    page = urllib.request.urlopen(url, timeout=60).read().decode("utf-8")
    assert "Test alliance</title>" in page
    assert [p.name for p in tmp.iterdir() if p.name.startswith("qtgov-")] != []
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert err == "qtgov: stopped\n"
    # Only jieba's dictionary cache (not ours) may stay.
    assert [p.name for p in tmp.iterdir() if p.name != "jieba.cache"] == []
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_this_repository_ignores_build_directories() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", ".site.build-abc123/site/index.html"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.returncode == 0, "the repository's .gitignore should list .site.build-*/"


@pytest.mark.slow
def test_serve_on_a_taken_address_is_a_usage_error(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_qtgov("serve", "--dev-addr", f"127.0.0.1:{port}", cwd=repo, env={"TMPDIR": str(tmp)})
    assert result.returncode == 2, result.stderr
    assert result.stderr.endswith(f"qtgov: --dev-addr 127.0.0.1:{port}: cannot serve there (Address already in use)\n")
    assert [p.name for p in tmp.iterdir() if p.name != "jieba.cache"] == []
