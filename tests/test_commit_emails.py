"""A representative's commit addresses from the first command (`init`, `new member
--rep-commit-email`), so that `qtgov provenance` can vouch for the signatures they commit; a
reader that goes away (`qtgov … | head`) stops qtgov quietly; `--output` into a device or a pipe
writes into it instead of replacing it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import qtgov_env, run_qtgov

ANN = "1+ann@users.noreply.github.com"
BOB = "2+bob@users.noreply.github.com"


def as_person(name: str, email: str) -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_AUTHOR_DATE": "2026-12-04T10:00:00+08:00",
        "GIT_COMMITTER_DATE": "2026-12-04T10:00:00+08:00",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def git(repo: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], env=qtgov_env(env), check=True, capture_output=True)


def ok(repo: Path, env: dict[str, str], *args: str) -> str:
    result = run_qtgov(*args, "-C", repo, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_signatures_committed_from_registered_addresses_are_vouched_for(tmp_path: Path) -> None:
    ann, bob = as_person("Ann", ANN), as_person("Bob", BOB)
    result = run_qtgov(
        "init", tmp_path / "a", "--id", "demo", "--name", "Demo", "--hub", "hub", "--hub-name", "Hub Co",
        "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh", "--rep-commit-email", ANN,
        "--languages", "en",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    repo = tmp_path / "a"
    assert f'    commit_emails: ["{ANN}"]\n' in (repo / "members/hub.yaml").read_text("utf-8")
    git(repo, ann, "init", "-q", "-b", "main")
    out = ok(repo, bob, "new", "member", "acme", "--name", "Acme", "--rep", "bob", "--rep-name", "Bob",
             "--rep-github", "bob-gh", "--rep-commit-email", BOB, "--since", "2026-01-01")  # fmt: skip
    assert "personal data" not in out  # a noreply address is not
    ok(repo, ann, "admit", "acme", "--date", "2026-01-02")
    git(repo, ann, "add", "-A")
    git(repo, ann, "commit", "-q", "-m", "Start")
    ok(repo, ann, "new", "agreement", "deal", "--type", "market-boundary", "--parties", "hub,acme",
       "--title", "Deal", "--set", "terms.allocations.0.scope.sector=[edu]",
       "--set", "terms.allocations.0.cooperation=Both teach.")  # fmt: skip
    ok(repo, ann, "propose", "deal")
    git(repo, ann, "add", "-A")
    git(repo, ann, "commit", "-q", "-m", "Propose deal")
    for env, member, rep in ((ann, "hub", "ann"), (bob, "acme", "bob")):
        advice = ok(repo, env, "sign", "deal", "--member", member, "--as", rep, "--date", "2026-12-04")
        # Run from outside the repository (-C): the advice goes there first.
        assert (
            f"cd {repo.resolve()} && git add agreements/deal.yaml && git commit -m 'Sign deal for {member}'" in advice
        )
        git(repo, env, "commit", "-q", "-am", f"Sign deal for {member}")
    provenance = run_qtgov("provenance", "-C", repo, env=ann)
    assert provenance.returncode == 0, provenance.stdout + provenance.stderr
    assert "NOT vouched" not in provenance.stdout


def test_a_malformed_commit_address_is_refused_and_nothing_written(tmp_path: Path) -> None:
    result = run_qtgov(
        "init", tmp_path / "a", "--id", "demo", "--name", "Demo", "--hub", "hub", "--hub-name", "Hub Co",
        "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh", "--rep-commit-email", "ann at hub",
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "qtgov: --rep-commit-email 'ann at hub': an email address such as name@example.com\n"
    assert not (tmp_path / "a").exists()
    run_qtgov("init", tmp_path / "b", "--id", "demo", "--name", "Demo", "--hub", "hub", "--hub-name", "Hub Co",
              "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh")  # fmt: skip
    member = run_qtgov("new", "member", "acme", "--name", "Acme", "--rep", "bob", "--rep-name", "Bob",
                       "--rep-commit-email", "bob@", "-C", tmp_path / "b")  # fmt: skip
    assert member.returncode == 2
    assert member.stderr == (
        "qtgov: --rep-commit-email 'bob@': an email address such as name@example.com; nothing written\n"
    )
    assert not (tmp_path / "b/members/acme.yaml").exists()


def test_a_reader_that_goes_away_stops_qtgov_quietly(make_repo: Callable[..., Path]) -> None:
    # `qtgov validate | head -1`, with far more output than a pipe buffers: head exits after one
    # line, and qtgov must stop quietly (exit 1, as click does), never with an internal error.
    root = make_repo({f"members/m{i:04d}.yaml": f"id: m{i:04d}\n" for i in range(600)})
    proc = subprocess.Popen(
        [sys.executable, "-m", "qtgov", "validate", "-C", str(root)],
        env=qtgov_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert (proc.wait(timeout=120), stderr) == (1, "")


def test_the_advice_stages_the_file_as_seen_from_a_subdirectory(tmp_path: Path) -> None:
    ann = as_person("Ann", ANN)
    run_qtgov("init", tmp_path / "a", "--id", "demo", "--name", "Demo", "--hub", "hub", "--hub-name", "Hub Co",
              "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh", "--languages", "en")  # fmt: skip
    repo = tmp_path / "a"
    git(repo, ann, "init", "-q", "-b", "main")
    ok(repo, ann, "new", "member", "acme", "--name", "Acme", "--rep", "bob", "--rep-name", "Bob")
    ok(repo, ann, "new", "agreement", "deal", "--type", "market-boundary", "--parties", "hub,acme",
       "--title", "Deal", "--set", "terms.allocations.0.scope.sector=[edu]",
       "--set", "terms.allocations.0.cooperation=Both teach.")  # fmt: skip
    ok(repo, ann, "propose", "deal")
    result = run_qtgov("sign", "deal", "--member", "hub", "--as", "ann", cwd=repo / "members", env=ann)
    assert result.returncode == 0, result.stderr
    assert (
        "Now commit it yourself: git add ../agreements/deal.yaml && git commit -m 'Sign deal for hub'" in result.stdout
    )


def test_output_to_a_device_writes_into_it_and_leaves_it_a_device(tmp_path: Path) -> None:
    # `qtgov validate --output /dev/null` once renamed a regular file over /dev/null. A FIFO
    # stands in for the device here: the report must arrive through it, and it stays a FIFO.
    import stat
    import threading

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text("utf-8")), daemon=True)
    reader.start()
    root = tmp_path / "a"
    init = run_qtgov("init", root, "--id", "demo", "--name", "Demo", "--hub", "hub", "--hub-name", "Hub Co",
                     "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh", "--languages", "en")  # fmt: skip
    assert init.returncode == 0, init.stderr
    validate = run_qtgov("validate", "-C", root, "--format", "json", "--output", fifo)
    reader.join(timeout=60)
    assert validate.returncode == 0, validate.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and '"findings"' in received[0]
