"""Time `qtgov --help` (docs/design/output.md: <= 150 ms) and list the slowest imports behind it.

    python benchmarks/bench_help.py [--runs 10] [--top 15]

Wall time of the installed `qtgov` script (as a user or CI runs it) over ``--runs`` runs, median
reported, next to a bare `python -c pass` for the interpreter's own start-up on this machine. Then
one `python -X importtime -m qtgov --help`: the modules with the most cumulative import time, and
whether any heavy library (jsonschema, yaml, rfc8785, pycountry, jinja2, git, mkdocs) is imported
just to print the help.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_MS = 150.0
HEAVY = ("jsonschema", "referencing", "yaml", "rfc8785", "pycountry", "jinja2", "git", "mkdocs", "jieba")


def qtgov_command() -> list[str]:
    script = Path(sys.executable).with_name("qtgov")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qtgov"]


def wall_ms(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def import_times(top: int) -> tuple[list[tuple[int, int, str]], list[str]]:
    """(cumulative µs, self µs, module) of the slowest imports, and the heavy modules imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "qtgov", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows.append((int(cumulative), int(self_us), name))
    heavy = sorted({n.strip() for _, _, n in rows if n.strip().split(".")[0] in HEAVY})
    rows.sort(reverse=True)
    return rows[:top], heavy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs to take the median of (default 10)")
    parser.add_argument("--top", type=int, default=15, help="imports to list (default 15)")
    args = parser.parse_args(argv)

    command = [*qtgov_command(), "--help"]
    wall_ms(command, 2)  # warm the page cache and the bytecode cache
    help_ms = wall_ms(command, args.runs)
    python_ms = wall_ms([sys.executable, "-c", "pass"], args.runs)
    median = statistics.median(help_ms)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    print(
        f"{' '.join(command)}: median {median:.0f} ms over {args.runs} runs "
        f"(min {min(help_ms):.0f}, max {max(help_ms):.0f}); target <= {TARGET_MS:.0f} ms: "
        f"{'ok' if median <= TARGET_MS else 'MISSED'}"
    )
    print(f"python -c pass: median {statistics.median(python_ms):.0f} ms (interpreter start-up alone)")

    rows, heavy = import_times(args.top)
    print(f"\npython -X importtime -m qtgov --help: top {args.top} imports by cumulative time")
    print(f"{'cumulative ms':>14} {'self ms':>8}  module")
    for cumulative, self_us, name in rows:
        print(f"{cumulative / 1000:>14.1f} {self_us / 1000:>8.1f}  {name}")
    print(f"\nheavy libraries imported for --help: {', '.join(heavy) if heavy else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
