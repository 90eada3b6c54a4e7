#!/usr/bin/env python3
"""Benchmark `qtgov review` of a small pull request in a large alliance repository.

    .venv/bin/python benchmarks/bench_review.py [--members 10000] [--prs 1000] [--keep DIR]

Generates (with one `git fast-import`) a repository of N members and a few thousand commits:
the founding commit, then pull requests — each a branch with two commits (a member edit and an
agreement proposed, or a signature) merged into main with a merge commit. Then opens a pull
request touching a few files (a new member, a member edit, a new agreement, a legal review) and
times, each as a fresh process as CI runs it:

- `qtgov review main..pr` (Markdown) — the target is under 5 s at 10,000 members;
- `qtgov review main..pr --check-approvals --approvals FILE --format json`;
- `qtgov history <member>` (one record's timeline from the one-pass log);
- `qtgov history --format json` (the changelog of every record: what the handbook computes).

Prints one line per measurement and the repository's size. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = 1_700_000_000  # 2023-11-14

ALLIANCE = b"""\
id: bench-alliance
name: Benchmark alliance
hub: hub
languages: [en]
schemes:
  sector: sectors
  segment: segments
legal:
  strict: false
  counsel:
    - id: lee
      name: Lee
      github: lee-law
      commit_emails: [lee@law.example.org]
      signing_keys: []
approvals:
  quorum:
    members: 2
publish:
  repository: private
  audience: public
"""

SECTORS = b"scheme: sectors\nversion: 1\nnodes:\n  cloud:\n    name: Cloud\n  cloud/compute:\n    name: Compute\n"
SEGMENTS = b"scheme: segments\nversion: 1\nnodes:\n  smb:\n    name: Small businesses\n"


def member(i: int, *, kind: str = "member", status: str = "active", note: str = "") -> bytes:
    ident = "hub" if kind == "hub" else f"m{i:05d}"
    return f"""\
id: {ident}
kind: {kind}
name: Member {i}
status: {status}
joined: 2024-01-01
visibility: public
description: Member number {i}{note}
representatives:
  - id: r{i:05d}
    name: Rep {i}
    commit_emails: [r{i:05d}@example.org]
    github: user{i:05d}
    can_sign: true
    since: 2024-01-01
{claims(i)}""".encode()


REGIONS = ["CN-ZJ", "CN-SH", "CN-GD", "CN-BJ", "CN-JS", "CN-SC", "CN-HB", "CN-HN", "CN-FJ", "CN-SD"]


def claims(i: int) -> str:
    """One member in fifty declares a focus area, spread over ten regions: a realistic number of
    overlaps (everyone claiming the same market would make the overlap count quadratic)."""
    if i % 50:
        return ""
    return (
        "claims:\n  - id: compute\n    sector: [cloud/compute]\n"
        f"    region: [{REGIONS[(i // 50) % len(REGIONS)]}]\n    period: {{start: 2024-01-01}}\n"
    )


def agreement(ident: str, a: int, b: int, *, status: str = "proposed", review: bool = False) -> bytes:
    text = f"""\
id: {ident}
type: market-boundary
title: Shared compute between m{a:05d} and m{b:05d}
version: 1
status: {status}
parties:
  - member: m{a:05d}
  - member: m{b:05d}
effective: on-execution
governing_law: CN
visibility: alliance
terms:
  allocations:
    - scope:
        sector: [cloud/compute]
        region: [CN-ZJ]
      holder: shared
"""
    if review:
        text += "legal_review:\n  status: approved\n  reviewer: lee\n  date: 2025-03-01\n"
    return text.encode()


class Stream:
    """A `git fast-import` stream with marks."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.mark = 0
        self.clock = EPOCH

    def data(self, payload: bytes) -> None:
        self.parts.append(b"data %d\n" % len(payload) + payload + b"\n")

    def commit(
        self,
        ref: str,
        message: str,
        files: dict[str, bytes],
        *,
        parent: int | None,
        merge: int | None = None,
        who: str = "hub",
    ) -> int:
        self.mark += 1
        self.clock += 600
        ident = f"{who} <{who}@example.org> {self.clock} +0000"
        self.parts.append(f"commit {ref}\nmark :{self.mark}\nauthor {ident}\ncommitter {ident}\n".encode())
        self.data(message.encode())
        if parent is not None:
            self.parts.append(f"from :{parent}\n".encode())
        if merge is not None:
            self.parts.append(f"merge :{merge}\n".encode())
        for path, content in files.items():
            self.parts.append(f"M 100644 inline {path}\n".encode())
            self.data(content)
        return self.mark

    def bytes(self) -> bytes:
        return b"".join(self.parts) + b"done\n"


def generate(repo: Path, members: int, prs: int) -> dict[str, int]:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent)}
    subprocess.run(["git", "-c", "init.defaultBranch=main", "init", "-q", str(repo)], check=True, env=env)
    s = Stream()
    founding = {
        "charter/alliance.yaml": ALLIANCE,
        "charter/taxonomy/sectors.yaml": SECTORS,
        "charter/taxonomy/segments.yaml": SEGMENTS,
        "members/hub.yaml": member(0, kind="hub"),
    }
    founding.update({f"members/m{i:05d}.yaml": member(i) for i in range(1, members + 1)})
    main = s.commit("refs/heads/main", "Found the alliance", founding, parent=None)
    for k in range(prs):
        a, b = 1 + (k * 7) % members, 1 + (k * 13 + 1) % members
        if a == b:
            b = 1 + b % members
        branch = f"refs/heads/pr-{k}"
        first = s.commit(
            branch,
            f"Edit m{a:05d}",
            {f"members/m{a:05d}.yaml": member(a, note=f" (edit {k})")},
            parent=main,
            who=f"r{a:05d}",
        )
        second = s.commit(
            branch,
            f"Propose ag-{k:05d}",
            {f"agreements/ag-{k:05d}.yaml": agreement(f"ag-{k:05d}", a, b)},
            parent=first,
            who=f"r{a:05d}",
        )
        main = s.commit("refs/heads/main", f"Merge pr-{k}", {}, parent=main, merge=second)
    # The pull request under review: a few files.
    pr_files = {
        f"members/m{members + 1:05d}.yaml": member(members + 1, status="prospective"),
        "members/m00002.yaml": member(2, note=" (renamed)"),
        "agreements/pr-new.yaml": agreement("pr-new", 3, 4),
        "agreements/ag-00000.yaml": agreement("ag-00000", 1, 2, review=True),
    }
    s.commit("refs/heads/pr", "The pull request under review", pr_files, parent=main, who="r00003")
    subprocess.run(["git", "fast-import", "--quiet"], input=s.bytes(), cwd=repo, check=True, env=env)
    subprocess.run(["git", "checkout", "-q", "pr"], cwd=repo, check=True, env=env)
    count = int(
        subprocess.run(
            ["git", "rev-list", "--count", "--all"], cwd=repo, capture_output=True, text=True, check=True, env=env
        ).stdout
    )
    return {"members": members + 1, "agreements": prs + 1, "commits": count}


def timed(
    args: list[str], cwd: Path, env: dict[str, str], runs: int = 3
) -> tuple[float, subprocess.CompletedProcess[str]]:
    best = float("inf")
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "qtgov", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--prs", type=int, default=1_000, help="merged pull requests (3 commits each)")
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--warm", action="store_true", help="also time them after a validate filled the cache")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="qtgov-bench-"))
    repo = args.keep.resolve() if args.keep else workdir / "alliance"
    if repo.exists():
        shutil.rmtree(repo)
    start = time.perf_counter()
    size = generate(repo, args.members, args.prs)
    print(
        f"generated {size['members']} members, {size['agreements']} agreements, {size['commits']} commits "
        f"in {time.perf_counter() - start:.1f} s"
    )
    env = {**os.environ, "QTGOV_NO_CACHE": "1", "HOME": str(workdir), "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("GITHUB_ACTIONS", None)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout
    reviews = workdir / "reviews.json"
    reviews.write_text(
        json.dumps(
            [
                {
                    "user": {"login": login},
                    "state": "APPROVED",
                    "submitted_at": "2025-03-01T00:00:00Z",
                    "commit_id": head.strip(),
                }
                for login in ("user00000", "user00001", "user00002", "user00003", "user00004", "user00010", "lee-law")
            ]
        )
    )
    measurements = [
        ("review main..pr (markdown)", ["review", "main..pr"]),
        (
            "review --check-approvals --format json",
            ["review", "main..pr", "--check-approvals", "--approvals", str(reviews), "--format", "json"],
        ),
        ("history m00002", ["history", "m00002"]),
        ("history (changelog of every record, json)", ["history", "--format", "json"]),
    ]
    for label, command in measurements:
        seconds, result = timed(command, repo, env)
        status = "ok" if result.returncode == 0 else f"exit {result.returncode}: {result.stderr.strip()[:200]}"
        print(f"{seconds:7.2f} s  qtgov {label}  [{status}]")
    if args.warm:
        # In CI the review runs after `qtgov validate`, whose per-file cache (keyed by bytes) lets
        # the review and the history reuse the parse of every file that did not change.
        warm = {**env, "QTGOV_CACHE_DIR": str(workdir / "cache")}
        warm.pop("QTGOV_NO_CACHE")
        seconds, result = timed(["validate", "."], repo, warm, runs=1)
        print(f"{seconds:7.2f} s  qtgov validate . (cold, fills the cache)  [exit {result.returncode}]")
        for label, command in [*measurements, ("validate --base main", ["validate", "--base", "main", "."])]:
            seconds, result = timed(command, repo, warm)
            # exit 1 for validate: the pull request brings findings on purpose (a review recorded by a party).
            ok = result.returncode == 0 or (result.returncode == 1 and command[0] == "validate")
            status = "ok" if ok else f"exit {result.returncode}: {result.stderr.strip()[:200]}"
            print(f"{seconds:7.2f} s  qtgov {label}, after validate  [{status}]")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
