"""Time `qtgov build` against a bare `mkdocs build` of the same pages (docs/design/output.md).

    python benchmarks/bench_build.py [--members 2000] [--agreements 3000] [--claims-per-member 2]
                                     [--runs 3] [--workdir DIR] [--skip-demo]

What it does:

1. generates a synthetic alliance (`benchmarks/generate.py`) once per size in ``--workdir``;
2. runs `qtgov build` on it in a child process (validation cache cold), keeping the generated
   Markdown, and records qtgov's own phases (validate, contexts, render per language) and each
   language's MkDocs child (wall, CPU, peak memory);
3. runs a bare `python -m mkdocs build --strict` per language on exactly the pages step 2 wrote,
   with the same configuration (theme, search plugin settings, extensions, nav), one at a time;
4. prints, per language, qtgov's time for that language (its render + its MkDocs run + an equal
   share of the validation and contexts) over the bare build's, in wall and in CPU seconds, plus
   peak memory of every process; and times the demo alliance's build;
5. when Zensical is installed (`pip install 'qtgov[zensical]'`), builds the same pages with it
   from the same configuration and prints its ratio to the bare MkDocs build.

Each round runs qtgov, then the bare builds, then Zensical (paired), `--runs` rounds; medians.

Targets: <= 1.15x bare per language, < 250 MB peak, demo < 15 s. The machine is shared, so wall
times are noisy: CPU seconds (user + system of each process) are the steadier comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))


def _vmhwm_mb() -> float | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def child_build(repo: Path, out: Path, docs: Path, audience: str | None) -> None:
    """Run in a child process: one `qtgov build`, its phases as JSON on stdout."""
    import resource

    from qtgov.site.pipeline import BuildOptions, build

    started = time.perf_counter()
    result = build(BuildOptions(repo, out=out, docs_dir=docs, audience=audience))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "wall": time.perf_counter() - started,
                "parent_cpu": usage.ru_utime + usage.ru_stime,
                "parent_max_rss_mb": _vmhwm_mb(),
                "timings": result.timings,
                "pages": result.pages,
                "languages": list(result.languages),
                "findings": len(result.findings),
            }
        )
    )


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """(wall seconds, stdout) of a child process; exits with its stderr when it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} … failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return wall, out.decode()


def bare_mkdocs(
    repo: Path, lang: str, docs: Path, site: Path, languages: list[str], config_dir: Path
) -> dict[str, Any]:
    """A plain `mkdocs build --strict` of `docs` with the configuration qtgov used for `lang`."""
    import yaml

    from qtgov.site.mkdocs_run import Job

    nav = _nav_from(docs)
    job = Job(
        root=str(repo),
        lang=lang,
        languages=languages,
        docs_dir=str(docs),
        site_dir=str(site),
        nav=nav,
        home_title="Home",
        charter_title="Charter",
        site_name="bench",
        site_url=None,
    )
    base_path, options = job.options()
    with open(base_path, encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    config.update(options)
    config_file = config_dir / f"mkdocs-{lang}.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child-bare", str(config_file)], capture_output=True, env=env, check=False
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bare mkdocs failed for {lang}:\n{proc.stderr.decode()[-2000:]}")
    usage = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return {"wall": wall, "cpu": usage["cpu"], "max_rss_mb": usage["max_rss_mb"]}


def child_bare(config_file: Path) -> None:
    """Run in a child process: `mkdocs build --strict` exactly as its command line does, then
    this process's CPU time and peak memory as JSON on stdout."""
    import resource

    from mkdocs.__main__ import cli

    cli(["build", "--strict", "--quiet", "-f", str(config_file)], standalone_mode=False)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "max_rss_mb": _vmhwm_mb()}))


def _nav_from(docs: Path) -> list[list[str]]:
    """The nav qtgov writes: charter pages, then the listing pages."""
    from qtgov.site.pages import NAV_PAGES

    charter = [[p.stem, f"charter/{p.name}"] for p in sorted((docs / "charter").glob("*.md"))]
    return charter + [[key, path] for path, key in NAV_PAGES]


def zensical_on(config_file: Path, site: Path) -> dict[str, Any]:
    """Zensical on the configuration the bare MkDocs build used, the same pages (a child process)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child-zensical", str(config_file), str(site)],
        capture_output=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"zensical failed for {config_file}:\n{proc.stderr.decode()[-2000:]}")
    usage = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return {"wall": wall, "cpu": usage["cpu"], "max_rss_mb": usage["max_rss_mb"]}


def child_zensical(config_file: Path, site: Path) -> None:
    """Run in a child process: qtgov's Zensical step on a bare configuration."""
    import resource

    import yaml

    from qtgov.site.mkdocs_run import run_zensical

    with open(config_file, encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    run_zensical(config_file, {"site_dir": str(site), "docs_dir": config["docs_dir"]})
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "max_rss_mb": _vmhwm_mb()}))


def measure(repo: Path, workdir: Path, runs: int, audience: str | None) -> dict[str, Any]:
    """Paired runs: each round builds with qtgov, then bare MkDocs per language on the pages that
    build wrote (then Zensical on them, when it is installed), so that load on the shared machine
    falls on both sides of each ratio alike."""
    from qtgov.site.mkdocs_run import zensical_available

    env = {**os.environ, "QTGOV_NO_CACHE": "1"}
    builds = []
    bare: dict[str, list[dict[str, Any]]] = {}
    zensical: dict[str, list[dict[str, Any]]] = {}
    with_zensical = zensical_available()
    for i in range(runs):
        out, docs = workdir / f"site-{i}", workdir / f"docs-{i}"
        shutil.rmtree(docs, ignore_errors=True)
        wall, stdout = run_child(
            [sys.executable, __file__, "--child-build", str(repo), str(out), str(docs), audience or ""], env
        )
        data = json.loads(stdout.strip().splitlines()[-1])
        data["outer_wall"] = wall
        builds.append(data)
        languages = data["languages"]
        for lang in languages:
            site = workdir / f"bare-site-{lang}"
            shutil.rmtree(site, ignore_errors=True)
            bare.setdefault(lang, []).append(bare_mkdocs(repo, lang, docs / lang, site, languages, workdir))
            if with_zensical:
                zsite = docs / f"zensical-site-{lang}"  # inside the folder of its configuration
                shutil.rmtree(zsite, ignore_errors=True)
                zensical.setdefault(lang, []).append(zensical_on(workdir / f"mkdocs-{lang}.yml", zsite))
        shutil.rmtree(out, ignore_errors=True)
    return {"builds": builds, "bare": bare, "zensical": zensical, "languages": builds[0]["languages"]}


def report(name: str, result: dict[str, Any]) -> list[str]:
    builds, bare, languages = result["builds"], result["bare"], result["languages"]
    med = statistics.median
    t = {k: med(b["timings"].get(k, 0.0) for b in builds) for k in builds[0]["timings"]}
    shared = t.get("validate", 0) + t.get("git", 0) + t.get("overlaps", 0) + t.get("contexts", 0)
    n = len(languages)
    lines = [
        f"== {name}: {builds[0]['pages']} pages, {builds[0]['findings']} findings, {len(builds)} run(s), medians",
        f"qtgov build: {med(b['wall'] for b in builds):.1f} s wall (MkDocs languages in parallel); "
        f"validate {t.get('validate', 0):.1f} s, contexts {t.get('contexts', 0):.1f} s; "
        f"parent peak {med(b['parent_max_rss_mb'] or 0 for b in builds):.0f} MB, "
        f"parent CPU {med(b['parent_cpu'] for b in builds):.1f} s",
    ]
    total_bare_wall = 0.0
    for lang in languages:
        bw = med(x["wall"] for x in bare[lang])
        bc = med(x["cpu"] for x in bare[lang])
        bm = med(x["max_rss_mb"] for x in bare[lang])
        total_bare_wall += bw
        render = t.get(f"render-{lang}", 0)
        ours_wall = render + t.get(f"mkdocs-{lang}", 0) + shared / n
        ours_cpu = render + t.get(f"mkdocs-{lang}-cpu", 0) + shared / n
        ours_wall_own = render + t.get(f"mkdocs-{lang}", 0) + (shared - t.get("validate", 0)) / n
        lines.append(
            f"  {lang}: render {render:.1f} s + MkDocs {t.get(f'mkdocs-{lang}', 0):.1f} s wall / "
            f"{t.get(f'mkdocs-{lang}-cpu', 0):.1f} s CPU (peak {t.get(f'mkdocs-{lang}-max-rss-mb', 0):.0f} MB) "
            f"+ shared {shared / n:.1f} s | bare mkdocs {bw:.1f} s wall / {bc:.1f} s CPU (peak {bm:.0f} MB) | "
            f"ratio wall {ours_wall / bw:.2f}x, CPU {ours_cpu / bc:.2f}x, "
            f"without validation {ours_wall_own / bw:.2f}x wall / "
            f"{(ours_cpu - t.get('validate', 0) / n) / bc:.2f}x CPU"
        )
    for lang, runs in result.get("zensical", {}).items():
        zw, zc = med(x["wall"] for x in runs), med(x["cpu"] for x in runs)
        bw, bc = med(x["wall"] for x in bare[lang]), med(x["cpu"] for x in bare[lang])
        lines.append(
            f"  {lang}: zensical {zw:.1f} s wall / {zc:.1f} s CPU (peak {med(x['max_rss_mb'] for x in runs):.0f} MB)"
            f" | bare mkdocs {bw:.1f} s wall / {bc:.1f} s CPU | zensical/mkdocs {zw / bw:.2f}x wall, {zc / bc:.2f}x CPU"
        )
    lines.append(
        f"  whole build {med(b['wall'] for b in builds):.1f} s vs bare languages one after the other "
        f"{total_bare_wall:.1f} s: {med(b['wall'] for b in builds) / total_bare_wall:.2f}x"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-bare":
        child_bare(Path(argv[1]))
        return 0
    if argv and argv[0] == "--child-zensical":
        child_zensical(Path(argv[1]), Path(argv[2]))
        return 0
    if argv and argv[0] == "--child-build":
        repo, out, docs, audience = argv[1:5]
        child_build(Path(repo), Path(out), Path(docs), audience or None)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--agreements", type=int, default=3000)
    parser.add_argument("--claims-per-member", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="paired rounds; medians reported")
    parser.add_argument("--audience", choices=["public", "alliance"], default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the alliance and outputs here")
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args(argv)
    from generate import generate

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="qtgov-bench-build-"))
    workdir.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    try:
        if not args.skip_demo:
            demo = workdir / "demo"
            demo.mkdir(exist_ok=True)
            result = measure(PROJECT / "examples" / "demo-alliance", demo, args.runs, args.audience)
            lines += report("demo alliance (target < 15 s)", result)
        repo = workdir / f"alliance-{args.members}-{args.agreements}-{args.claims_per_member}"
        if not (repo / "members").is_dir():
            stats = generate(repo, args.members, args.agreements, args.claims_per_member, seed=0)
            lines.append(f"generated {repo}: {stats}")
        size = workdir / f"run-{args.members}-{args.agreements}-{args.claims_per_member}"
        size.mkdir(exist_ok=True)
        result = measure(repo, size, args.runs, args.audience)
        lines += report(f"{args.members} members, {args.agreements} agreements", result)
        (size / "result.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
