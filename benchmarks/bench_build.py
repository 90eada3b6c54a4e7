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
4. runs `qtgov build` again with the validation cache warm (`qtgov validate` first, as in CI);
5. when Zensical is installed (`pip install 'qtgov[zensical]'`), runs `qtgov build --engine
   zensical` and a bare Zensical build of the same pages from the same configuration;
6. prints, per language, qtgov's time for that language (its render + its MkDocs run + an equal
   share of the validation and contexts) over the bare build's, and the TOTAL lines: every CPU
   second of each `qtgov build` (parent and engine children) over those of the bare engine
   building the languages one after the other, and wall against wall, as the median of the
   rounds' paired ratios with their range; with the load average before and after each round.

Each round runs these back to back (paired), `--runs` rounds; medians.

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


def child_build(repo: Path, out: Path, docs: Path, audience: str | None, engine: str = "mkdocs") -> None:
    """Run in a child process: one `qtgov build --engine ENGINE`, its phases as JSON on stdout.
    With QTGOV_BENCH_WARM set, `qtgov validate` runs first (as in CI, where it precedes the build)
    and fills the validation cache; its CPU time is left out of the build's."""
    import resource

    from qtgov.site.pipeline import BuildOptions, build

    before = 0.0
    if os.environ.get("QTGOV_BENCH_WARM"):
        from qtgov.validate import validate

        validate(repo)
        before = time.process_time()
    started = time.perf_counter()
    result = build(BuildOptions(repo, out=out, docs_dir=docs, audience=audience, engine=engine))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "wall": time.perf_counter() - started,
                "parent_cpu": usage.ru_utime + usage.ru_stime - before,
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


def load() -> str:
    """The 1-, 5- and 15-minute load averages (the machine is shared: they say how much the wall
    times of a round mean)."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def qtgov_build(
    repo: Path, out: Path, docs: Path, audience: str | None, engine: str, warm: Path | None = None
) -> dict[str, Any]:
    """One `qtgov build --engine ENGINE` in a child process: validation cache cold, or with
    `warm` (a fresh cache directory), filled by a `qtgov validate` just before."""
    env = {**os.environ, "QTGOV_NO_CACHE": "1"}
    if warm is not None:
        shutil.rmtree(warm, ignore_errors=True)
        env = {**os.environ, "QTGOV_CACHE_DIR": str(warm), "QTGOV_BENCH_WARM": "1"}
        env.pop("QTGOV_NO_CACHE", None)
    shutil.rmtree(docs, ignore_errors=True)
    wall, stdout = run_child(
        [sys.executable, __file__, "--child-build", str(repo), str(out), str(docs), audience or "", engine], env
    )
    data: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    data["outer_wall"] = wall
    timings = data["timings"]
    # Every CPU second the build cost: the parent's and each language's engine child's.
    data["cpu"] = data["parent_cpu"] + sum(timings.get(f"mkdocs-{lang}-cpu", 0.0) for lang in data["languages"])
    shutil.rmtree(out, ignore_errors=True)
    return data


def measure(repo: Path, workdir: Path, runs: int, audience: str | None) -> dict[str, Any]:
    """Paired runs: each round builds with qtgov, then bare MkDocs per language on the pages that
    build wrote, then (when Zensical is installed) `qtgov build --engine zensical` and a bare
    Zensical build of the same pages, so that load on the shared machine falls on both sides of
    each ratio alike. The load average is recorded before and after each round."""
    from qtgov.site.mkdocs_run import zensical_available

    builds: list[dict[str, Any]] = []
    warm: list[dict[str, Any]] = []
    zbuilds: list[dict[str, Any]] = []
    bare: dict[str, list[dict[str, Any]]] = {}
    zensical: dict[str, list[dict[str, Any]]] = {}
    loads: list[tuple[str, str]] = []
    with_zensical = zensical_available()
    for i in range(runs):
        before = load()
        out, docs = workdir / f"site-{i}", workdir / f"docs-{i}"
        data = qtgov_build(repo, out, docs, audience, "mkdocs")
        builds.append(data)
        languages = data["languages"]
        for lang in languages:
            site = workdir / f"bare-site-{lang}"
            shutil.rmtree(site, ignore_errors=True)
            bare.setdefault(lang, []).append(bare_mkdocs(repo, lang, docs / lang, site, languages, workdir))
        warm.append(qtgov_build(repo, out, workdir / f"wdocs-{i}", audience, "mkdocs", workdir / "cache"))
        if with_zensical:
            zbuilds.append(qtgov_build(repo, workdir / f"zsite-{i}", workdir / f"zdocs-{i}", audience, "zensical"))
            for lang in languages:
                zsite = docs / f"zensical-site-{lang}"  # inside the folder of its configuration
                shutil.rmtree(zsite, ignore_errors=True)
                zensical.setdefault(lang, []).append(zensical_on(workdir / f"mkdocs-{lang}.yml", zsite))
                shutil.rmtree(zsite, ignore_errors=True)
        loads.append((before, load()))
    return {
        "builds": builds,
        "warm_builds": warm,
        "zensical_builds": zbuilds,
        "bare": bare,
        "zensical": zensical,
        "languages": builds[0]["languages"],
        "loads": loads,
    }


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
    lines += totals(result)
    return lines


def _paired(ours: list[float], theirs: list[float]) -> str:
    """The median of the rounds' ratios, with their range (each round's pair ran back to back)."""
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    spread = f" ({ratios[0]:.2f}-{ratios[-1]:.2f})" if len(ratios) > 1 else ""
    return f"{statistics.median(ratios):.2f}x{spread}"


def totals(result: dict[str, Any]) -> list[str]:
    """The ratio issue 14 asks for, whole build against whole bare build, per engine: every CPU
    second of `qtgov build` (parent and engine children) over those of the bare engine building
    each language's same pages one after the other; and wall time, whole against whole."""
    builds, languages, med = result["builds"], result["languages"], statistics.median
    rounds = range(len(builds))
    bare_cpu = [sum(result["bare"][lang][i]["cpu"] for lang in languages) for i in rounds]
    bare_wall = [sum(result["bare"][lang][i]["wall"] for lang in languages) for i in rounds]
    lines = [
        f"  TOTAL mkdocs: qtgov build {med(b['wall'] for b in builds):.1f} s wall / "
        f"{med(b['cpu'] for b in builds):.1f} s CPU | bare MkDocs {med(bare_wall):.1f} s wall / "
        f"{med(bare_cpu):.1f} s CPU | qtgov/bare: CPU {_paired([b['cpu'] for b in builds], bare_cpu)}, "
        f"wall {_paired([b['wall'] for b in builds], bare_wall)}"
    ]
    warm = result.get("warm_builds") or []
    if warm:
        lines.append(
            f"  TOTAL mkdocs, validation cache warm (qtgov validate ran first): qtgov build "
            f"{med(b['wall'] for b in warm):.1f} s wall / {med(b['cpu'] for b in warm):.1f} s CPU | "
            f"qtgov/bare: CPU {_paired([b['cpu'] for b in warm], bare_cpu)}, "
            f"wall {_paired([b['wall'] for b in warm], bare_wall)}"
        )
    zbuilds = result.get("zensical_builds") or []
    if zbuilds:
        zcpu = [sum(result["zensical"][lang][i]["cpu"] for lang in languages) for i in rounds]
        zwall = [sum(result["zensical"][lang][i]["wall"] for lang in languages) for i in rounds]
        lines.append(
            f"  TOTAL zensical: qtgov build --engine zensical {med(b['wall'] for b in zbuilds):.1f} s wall / "
            f"{med(b['cpu'] for b in zbuilds):.1f} s CPU | bare Zensical {med(zwall):.1f} s wall / "
            f"{med(zcpu):.1f} s CPU | qtgov/bare Zensical: CPU {_paired([b['cpu'] for b in zbuilds], zcpu)}, "
            f"wall {_paired([b['wall'] for b in zbuilds], zwall)} | qtgov --engine zensical/bare MkDocs: "
            f"CPU {_paired([b['cpu'] for b in zbuilds], bare_cpu)}, "
            f"wall {_paired([b['wall'] for b in zbuilds], bare_wall)}"
        )
    lines.append(
        "  load average (1, 5, 15 min) before -> after each round: "
        + "; ".join(f"{a} -> {b}" for a, b in result.get("loads", []))
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
        repo, out, docs, audience, engine = argv[1:6]
        child_build(Path(repo), Path(out), Path(docs), audience or None, engine)
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
