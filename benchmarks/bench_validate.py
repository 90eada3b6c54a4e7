"""Time `qtgov validate` as a subprocess on generated alliances, cold and warm (docs/design/output.md).

    python benchmarks/bench_validate.py [--sizes typical,large] [--runs 3] [--workdir DIR] [--profile]

Sizes (members / agreements / claims per member):

- ``typical``: 300 / 1,000 / 10 (about 3,000 claims); median of ``--runs`` runs each (default 3).
  Targets: cold <= 5 s, warm <= 1 s.
- ``large``: 10,000 / 20,000 / ``--large-claims`` (default 1); one run each. Target: seconds, not
  minutes. Overlapping claim pairs grow with the square of the claims on a fixed taxonomy, so ten
  claims for each of 10,000 members gives millions of overlap pairs (see benchmarks/README.md);
  ``--large-claims 10`` runs that case anyway.
- ``small``: 30 / 100 / 10, for a quick check of the script.
- ``1k``, ``3k``, ``10k``, ``30k``: N / 2N / 10, the curve of issue 11; ``--runs`` runs each.

Each round also times the floor: a bare libyaml parse (``yaml.CSafeLoader``) of the same record
files in a child process; the table gives the ratio of cold to floor and the report's size.

Cold = `QTGOV_CACHE_DIR` set to a fresh empty directory; warm = the same directory, once a first
run has filled it. Each run is its own child process: wall time from `time.perf_counter` around
it, peak RSS from the child's `rusage` (`os.wait4`, the per-child form of
`resource.getrusage(RUSAGE_CHILDREN)`). Alliances are generated once per size and seed and kept
in ``--workdir`` (default: a temporary directory removed at the end).

``--profile`` also runs one cold and one warm `validate` of each size under cProfile and prints
the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


@dataclass(frozen=True)
class Size:
    name: str
    members: int
    agreements: int
    claims: int
    runs: int
    cold_target: float | None
    warm_target: float | None


def sizes(runs: int, large_claims: int) -> dict[str, Size]:
    return {
        "small": Size("small", 30, 100, 10, runs, None, None),
        "typical": Size("typical", 300, 1000, 10, runs, 5.0, 1.0),
        "large": Size("large", 10_000, 20_000, large_claims, 1, None, None),
        # The curve of issue 11: N members x 10 claims + 2 agreements per member.
        **{
            f"{n // 1000}k": Size(f"{n // 1000}k", n, 2 * n, 10, runs, None, None)
            for n in (1_000, 3_000, 10_000, 30_000)
        },
    }


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the child: less disturbed by other processes than wall time
    rss_mb: float
    exit_code: int
    summary: dict[str, int]
    report_bytes: int = 0


def qtgov_command() -> list[str]:
    """The installed `qtgov` script next to this interpreter (as CI runs it), else `python -m qtgov`."""
    script = Path(sys.executable).with_name("qtgov")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qtgov"]


# Runs qtgov's CLI with some cross-record rules taken out of the registry first (--skip-rules):
# a benchmark's switch, not qtgov's, for measuring the rest while a rule is being rewritten.
SKIPPING_SCRIPT = """
import sys
from qtgov import rules
rules.all_rules()
for rule_id in sys.argv[1].split(","):
    if rule_id:
        del rules.RULES[rule_id]
from qtgov.cli import main
sys.argv = ["qtgov", *sys.argv[2:]]
main()
"""


@dataclass(frozen=True)
class Options:
    fmt: str = "text"
    skip_rules: str = ""  # comma-separated rule ids left out of the run
    jobs: int | None = None  # --jobs of qtgov validate (None: its default, one per CPU)


def run_validate(repo: Path, cache_dir: Path, options: Options) -> Run:
    env = {**os.environ, "QTGOV_CACHE_DIR": str(cache_dir)}
    env.pop("QTGOV_NO_CACHE", None)
    env.pop("GITHUB_ACTIONS", None)
    env.pop("QTGOV_JOBS", None)
    env["QTGOV_LANG"] = "en"  # the text summary line is parsed in English
    fmt = options.fmt
    args = ["validate", "-C", str(repo), "--format", fmt]
    if options.jobs is not None:
        args += ["--jobs", str(options.jobs)]
    command = (
        [sys.executable, "-c", SKIPPING_SCRIPT, options.skip_rules, *args]
        if options.skip_rules
        else [*qtgov_command(), *args]
    )
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        code = proc.returncode
        if code not in (0, 1):
            raise SystemExit(f"qtgov validate {repo} exited {code}")
        report_bytes = out.tell()
        out.seek(0)
        summary = parse_summary(out.read(), fmt)
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Run(seconds, usage.ru_utime + usage.ru_stime, rss, code, summary, report_bytes)


def parse_summary(output: bytes, fmt: str) -> dict[str, int]:
    """Finding counts from the report (JSON summary, or the text format's closing line)."""
    if fmt == "json":
        summary: dict[str, int] = json.loads(output)["summary"]
        return summary
    if fmt == "text":
        tail = output[-300:].decode("utf-8", "replace")
        found = re.search(r"(\d+) errors?, (\d+) warnings?, (\d+) infos?\s*$", tail)
        if found:
            return dict(zip(("error", "warning", "info"), map(int, found.groups()), strict=True))
    return {}


FLOOR_SCRIPT = """
import sys, time, yaml
paths = sys.stdin.read().splitlines()
started = time.perf_counter()
for path in paths:
    with open(path, "rb") as fh:
        yaml.load(fh.read(), Loader=yaml.CSafeLoader)
print(time.perf_counter() - started)
"""


def record_paths(repo: Path) -> list[str]:
    paths = [str(repo / "charter" / "alliance.yaml")] if (repo / "charter" / "alliance.yaml").exists() else []
    for folder in ("charter/taxonomy", "members", "agreements"):
        paths.extend(str(p) for p in sorted((repo / folder).glob("*.yaml")))
    return paths


def run_floor(repo: Path) -> tuple[float, float]:
    """The floor: a bare libyaml parse (`yaml.CSafeLoader`) of the same record files, in a child
    process. Returns (wall seconds of the whole child, seconds of the parse loop alone)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", FLOOR_SCRIPT],
        input="\n".join(record_paths(repo)),  # on standard input: 30,000 paths overflow a command line
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, float(proc.stdout.strip())


def record_files(repo: Path) -> int:
    count = 1 if (repo / "charter" / "alliance.yaml").exists() else 0
    for folder in ("charter/taxonomy", "members", "agreements"):
        count += len(list((repo / folder).glob("*.yaml")))
    return count


def ensure_alliance(workdir: Path, size: Size, seed: int) -> tuple[Path, dict[str, Any]]:
    repo = workdir / f"{size.name}-m{size.members}-a{size.agreements}-c{size.claims}-s{seed}"
    marker = repo / ".generated.json"
    if marker.exists():
        return repo, json.loads(marker.read_text())
    if repo.exists():
        shutil.rmtree(repo)
    stats = generate(repo, size.members, size.agreements, size.claims, seed)
    marker.write_text(json.dumps(stats))
    return repo, stats


def touch_one_member(repo: Path) -> tuple[Path, bytes]:
    """Change one member file (a comment line appended: new bytes, same record) and return
    what to restore."""
    path = sorted((repo / "members").glob("*.yaml"))[len(list((repo / "members").glob("*.yaml"))) // 2]
    before = path.read_bytes()
    path.write_bytes(before + b"# benchmark: one changed file\n")
    return path, before


def measure(
    repo: Path, size: Size, options: Options, scratch: Path
) -> tuple[list[Run], list[Run], list[Run], list[float]]:
    cold: list[Run] = []
    warm: list[Run] = []
    changed: list[Run] = []
    floor: list[float] = []
    # The stat fast path trusts only files left alone for a moment (statcache.RACY_NS): a cold
    # run right after generating the alliance would not record them, and the warm run would
    # hash every file again. A real repository's files are older than that.
    newest = max(p.stat().st_mtime for p in (repo / "members").iterdir())
    time.sleep(max(0.0, newest + 2.5 - time.time()))
    for i in range(size.runs):
        floor.append(run_floor(repo)[0])
        cache = scratch / f"cache-{size.name}-{i}"
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        cold.append(run_validate(repo, cache, options))
        warm.append(run_validate(repo, cache, options))
        path, before = touch_one_member(repo)
        try:
            changed.append(run_validate(repo, cache, options))
        finally:
            path.write_bytes(before)
    return cold, warm, changed, floor


def profile(repo: Path, scratch: Path, top: int, fmt: str) -> None:
    """cProfile of one cold and one warm `validate` in a child process (imports included)."""
    cache = scratch / "cache-profile"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "QTGOV_CACHE_DIR": str(cache)}
    env.pop("QTGOV_NO_CACHE", None)
    for label in ("cold", "warm"):
        out = scratch / f"profile-{label}.pstats"
        command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "qtgov", "validate", "-C", str(repo)]
        proc = subprocess.run([*command, "--format", fmt], stdout=subprocess.DEVNULL, env=env, check=False)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"profiled validate exited {proc.returncode}")
        buffer = io.StringIO()
        pstats.Stats(str(out), stream=buffer).strip_dirs().sort_stats("cumulative").print_stats(top)
        print(f"\n--- cProfile, {label} validate of {repo.name} (top {top} by cumulative time) ---")
        print(buffer.getvalue().split("\n", 4)[-1].rstrip())


def fmt_seconds(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="typical,large", help="comma-separated: small, typical, large, 1k, 3k, 10k, 30k"
    )
    parser.add_argument("--runs", type=int, default=3, help="cold and warm runs per size, median reported (default 3)")
    parser.add_argument("--large-claims", type=int, default=1, help="claims per member at the large size (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--format", default="text", choices=["text", "json", "sarif", "github"], help="output format (default text)"
    )
    parser.add_argument("--jobs", type=int, help="qtgov validate --jobs N (default: qtgov's, one worker per CPU)")
    parser.add_argument(
        "--skip-rules",
        default="",
        metavar="IDS",
        help="comma-separated cross-record rules to leave out (e.g. overlap,overlap-unknown while they are rewritten)",
    )
    parser.add_argument("--workdir", type=Path, help="keep generated alliances here (reused between invocations)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of a cold and a warm run")
    parser.add_argument("--top", type=int, default=35, help="functions to list per profile (default 35)")
    args = parser.parse_args(argv)
    table = sizes(args.runs, args.large_claims)
    chosen = [table[s.strip()] for s in args.sizes.split(",") if s.strip()]
    options = Options(args.format, args.skip_rules, args.jobs)

    scratch = Path(tempfile.mkdtemp(prefix="qtgov-bench-"))
    workdir = args.workdir or scratch / "alliances"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        import qtgov

        print(f"qtgov {qtgov.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, --jobs {args.jobs or 'default'}, "
              f"rules left out: {args.skip_rules or 'none'}")  # fmt: skip
        rows = []
        for size in chosen:
            started = time.perf_counter()
            repo, stats = ensure_alliance(workdir, size, args.seed)
            print(
                f"{size.name}: {stats['members']} members, {stats['agreements']} agreements, {stats['claims']} claims "
                f"({time.perf_counter() - started:.1f} s to generate or reuse) in {repo}",
                flush=True,
            )
            load = os.getloadavg()[0]
            cold, warm, changed, floor = measure(repo, size, options, scratch)
            load = max(load, os.getloadavg()[0])
            rows.append((size, stats, record_files(repo), cold, warm, changed, floor, load))
            print(
                f"  cold {[round(r.seconds, 2) for r in cold]} s (CPU {[round(r.cpu_seconds, 2) for r in cold]}), "
                f"warm {[round(r.seconds, 2) for r in warm]} s (CPU {[round(r.cpu_seconds, 2) for r in warm]}), "
                f"one file changed {[round(r.seconds, 2) for r in changed]} s "
                f"(CPU {[round(r.cpu_seconds, 2) for r in changed]}), "
                f"floor {[round(x, 2) for x in floor]} s, "
                f"findings {cold[0].summary or '(not counted for this format)'}, "
                f"report {cold[0].report_bytes / 1e6:.1f} MB",
                flush=True,
            )
        print()
        header = (
            f"{'size':<30} {'files':>6} {'load':>5} {'cold s':>18} {'warm s':>18} {'1 changed s':>18} "
            f"{'CPU s cold/warm/changed':>24} {'RSS MB cold/warm/chg':>21} {'floor s':>7} {'cold/floor':>10} "
            f"{'report MB':>9}  targets"
        )
        print(header)
        print("-" * len(header))
        for size, stats, files, cold, warm, changed, floor, load in rows:
            label = f"{size.name} {stats['members']}m/{stats['agreements']}a/{stats['claims']}c"
            targets = []
            for name, runs, target in (("cold", cold, size.cold_target), ("warm", warm, size.warm_target)):
                if target is not None:
                    value = statistics.median(r.seconds for r in runs)
                    targets.append(f"{name} <= {target:g} s {'ok' if value <= target else 'MISSED'}")
            rss = "/".join(f"{max(r.rss_mb for r in runs):.0f}" for runs in (cold, warm, changed))
            cpu = "/".join(f"{statistics.median(r.cpu_seconds for r in runs):.2f}" for runs in (cold, warm, changed))
            print(
                f"{label:<30} {files:>6} {load:>5.1f} {fmt_seconds([r.seconds for r in cold]):>18} "
                f"{fmt_seconds([r.seconds for r in warm]):>18} {fmt_seconds([r.seconds for r in changed]):>18} "
                f"{cpu:>24} {rss:>21} {statistics.median(floor):>7.2f} "
                f"{statistics.median(r.seconds for r in cold) / statistics.median(floor):>10.2f} "
                f"{cold[0].report_bytes / 1e6:>9.1f}  {', '.join(targets)}"
            )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"\npeak RSS of any child (getrusage RUSAGE_CHILDREN): {peak:.0f} MB")
        if args.profile:
            for size, *_ in rows:
                repo, _stats = ensure_alliance(workdir, size, args.seed)
                profile(repo, scratch, args.top, args.format)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
