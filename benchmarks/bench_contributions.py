#!/usr/bin/env python3
"""Benchmark `qtgov contributions`: one git pass over a large project history.

    .venv/bin/python benchmarks/bench_contributions.py [--commits 50000] [--repeat 3] [--keep DIR]

Builds (with one `git fast-import`) a synthetic project of N commits by 40 people at 8 members'
domains plus some unregistered addresses, with a merge every 50 commits, co-author and review
trailers, and changes under vendor/ and to lock files that the agreement excludes. Then times,
in this process, best of `--repeat`:

- the floor: a bare `git log --numstat` over the same history (what any git-based measurement
  must pay), and the same with qtgov's format (trailers included);
- parsing alone: qtgov's parser over the log already read (the Python share of the work; with
  streaming it runs while git is still diffing, so it mostly hides behind git's own time);
- `measure()` for a contribution agreement over the synthetic history (git pass + parsing +
  attribution + windows) — the target is ≤ 3 s at 50,000 commits;
- `measure()` over this repository's own history (its alliance records map nobody, so every
  identity is listed as unmatched: the cost is the same).

Prints each figure and its ratio to the floor. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qtgov.economics.contributions import LOG_FORMAT, PathFilter, measure, parse_log  # noqa: E402
from qtgov.records.repo import load_repository  # noqa: E402

EPOCH = 1_704_067_200  # 2024-01-01
MEMBERS = [f"m{i}" for i in range(8)]

ALLIANCE = """\
id: bench
name: Bench
hub: m0
languages: [en]
schemes: {sector: sectors, segment: segments}
legal: {strict: false, counsel: []}
publish: {repository: private, audience: public}
"""


def member(ident: str) -> str:
    return (
        f"id: {ident}\nkind: {'hub' if ident == 'm0' else 'member'}\nname: {ident}\nstatus: active\n"
        f"visibility: public\ncommit_domains:\n  - domain: {ident}.example.com\n"
        "representatives:\n"
        f"  - id: {ident}-rep\n    name: Rep\n    can_sign: true\n    since: 2024-01-01\n"
        f"    commit_emails: [rep-{ident}@mail.example.org]\n"
    )


AGREEMENT = """\
id: ct-bench
type: contribution
title: Bench project
version: 1
status: executed
parties:
{parties}
effective: 2024-01-01
governing_law: CN
visibility: alliance
terms:
  project: {{name: Bench, repo: https://git.example.org/bench, license: MIT}}
  commitments:
{commitments}
  measurement:
    window: P3M
    metrics: [commits, lines, reviews]
    exclude_paths: ["vendor/**", "*.lock"]
  rebalancing: {{tolerance_pct: 20, remedy: Renegotiate., cadence: P3M}}
"""


def write_alliance(root: Path) -> None:
    (root / "charter/taxonomy").mkdir(parents=True)
    (root / "members").mkdir()
    (root / "agreements").mkdir()
    (root / "charter/alliance.yaml").write_text(ALLIANCE)
    (root / "charter/taxonomy/sectors.yaml").write_text("scheme: sectors\nversion: 1\nnodes:\n  a:\n    name: A\n")
    (root / "charter/taxonomy/segments.yaml").write_text("scheme: segments\nversion: 1\nnodes:\n  b:\n    name: B\n")
    for m in MEMBERS:
        (root / f"members/{m}.yaml").write_text(member(m))
    parties = "\n".join(f"  - member: {m}" for m in MEMBERS)
    commitments = "\n".join(
        f"    - {{member: {m}, kind: engineering, amount: {10 + 5 * i}, unit: engineer-days, per: P3M}}"
        for i, m in enumerate(MEMBERS)
    )
    (root / "agreements/ct-bench.yaml").write_text(AGREEMENT.format(parties=parties, commitments=commitments))


def build_project(root: Path, commits: int) -> None:
    """One fast-import stream: N commits on main, a side branch merged every 50 commits."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    people = [f"dev{i}@m{i % 8}.example.com" for i in range(36)] + [f"rep-m{i}@mail.example.org" for i in range(2)]
    people += ["stranger1@elsewhere.example.net", "stranger2@elsewhere.example.net"]
    out: list[bytes] = []
    mark = 0
    main_tip = 0
    side_tip = 0
    seconds = 0
    step = max(1, (3 * 365 * 86400) // max(commits, 1))  # spread over three years
    for n in range(commits):
        mark += 1
        seconds += step
        who = people[n % len(people)]
        on_side = n % 50 in range(40, 49) and n > 50
        trailers = ""
        if n % 7 == 0:
            trailers += f"\n\nCo-authored-by: Pair <{people[(n * 3 + 1) % len(people)]}>"
        if n % 5 == 0:
            trailers += ("\n" if trailers else "\n\n") + f"Reviewed-by: Rev <{people[(n * 11 + 2) % len(people)]}>"
        message = f"change {n}{trailers}\n".encode()
        path = f"src/p{n % 500}/f{n % 37}.py" if n % 9 else ("vendor/lib.js" if n % 2 else "web/yarn.lock")
        body = "".join(f"line {n} {k}\n" for k in range(n % 6 + 1)).encode()
        out.append(b"commit refs/heads/" + (b"side" if on_side else b"main") + b"\n")
        out.append(f"mark :{mark}\n".encode())
        out.append(f"author {who.split('@')[0]} <{who}> {EPOCH + seconds} +0800\n".encode())
        out.append(f"committer ci <ci@example.org> {EPOCH + seconds} +0800\n".encode())
        out.append(f"data {len(message)}\n".encode() + message)
        parent = side_tip if on_side else main_tip
        if on_side and side_tip == 0:
            parent = main_tip
        if parent:
            out.append(f"from :{parent}\n".encode())
        out.append(f"M 100644 inline {path}\ndata {len(body)}\n".encode() + body + b"\n")
        if on_side:
            side_tip = mark
        else:
            main_tip = mark
        if n % 50 == 49 and side_tip:
            mark += 1
            seconds += 1
            merge = b"Merge side\n\nReviewed-by: Lead <dev0@m0.example.com>\n"
            out.append(b"commit refs/heads/main\n" + f"mark :{mark}\n".encode())
            out.append(f"author lead <dev0@m0.example.com> {EPOCH + seconds} +0800\n".encode())
            out.append(f"committer ci <ci@example.org> {EPOCH + seconds} +0800\n".encode())
            out.append(f"data {len(merge)}\n".encode() + merge)
            out.append(f"from :{main_tip}\nmerge :{side_tip}\n\n".encode())
            main_tip = mark
            side_tip = 0
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(out), check=True)
    # No checkout: git log needs only the object store, and a work tree of 18,500 files is slow to write.


def best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def floor(repo: Path, fmt: str | None) -> None:
    args = ["git", "-C", str(repo), "log", "-z", "--numstat", "-M"] + ([f"--format={fmt}"] if fmt else [])
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build in this directory and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="qtgov-bench-contrib-"))
    try:
        project, alliance = work / "project", work / "alliance"
        if not project.exists():
            start = time.perf_counter()
            build_project(project, args.commits)
            print(f"built {args.commits} commits with git fast-import in {time.perf_counter() - start:.2f} s")
        if not alliance.exists():
            alliance.mkdir(parents=True)
            write_alliance(alliance)
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        index = load_repository(alliance, use_cache=False).index
        today = dt.date(2027, 1, 1)
        report = measure(index, project, "ct-bench", today=today)
        due = sum(1 for w in report.windows if w.due)
        print(
            f"synthetic: {report.commits_read} commits read, {len(report.windows)} windows "
            f"({due} with rebalancing due), {len(report.unmatched)} unmatched identities"
        )
        bare = best(lambda: floor(project, None), args.repeat)
        formatted = best(lambda: floor(project, LOG_FORMAT), args.repeat)
        ours = best(lambda: measure(index, project, "ct-bench", today=today), args.repeat)
        raw = subprocess.run(
            ["git", "-C", str(project), "log", "-z", "--numstat", "-M", f"--format={LOG_FORMAT}"],
            capture_output=True,
            check=True,
        ).stdout
        parse = best(lambda: parse_log([raw], PathFilter(["vendor/**", "*.lock"])), args.repeat)
        print(f"  floor: git log --numstat              {bare:6.2f} s")
        print(f"  floor: git log --numstat, qtgov format {formatted:6.2f} s  ({formatted / bare:.2f}x)")
        print(f"  qtgov parsing alone (no git)           {parse:6.2f} s  ({len(raw) / 1e6:.1f} MB of log)")
        verdict = "meets" if ours <= 3.0 else "misses"
        print(f"  qtgov contributions (measure)          {ours:6.2f} s  ({ours / bare:.2f}x; {verdict} the 3 s target)")

        own = load_repository(ROOT, use_cache=False).index
        report = measure(own, ROOT, None, today=dt.date.today())
        own_bare = best(lambda: floor(ROOT, None), args.repeat)
        own_ours = best(lambda: measure(own, ROOT, None, today=dt.date.today()), args.repeat)
        print(f"this repository: {report.commits_read} commits, {len(report.unmatched)} unmatched identities")
        print(f"  floor: git log --numstat              {own_bare:6.2f} s")
        print(f"  qtgov contributions (measure)          {own_ours:6.2f} s  ({own_ours / own_bare:.2f}x)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
