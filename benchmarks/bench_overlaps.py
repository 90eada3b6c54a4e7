"""Benchmark of the overlap analysis and the overlap rules (docs/design/overlaps.md "Scale").

Two modes. **A generated alliance** (`--repo DIR`, a repository written by benchmarks/generate.py):
load it once, compile the overlap model once, then time each overlap rule on the same index (CPU
and wall time), count its findings and the size of their JSON report; with `--pairs`, also the
pair engine over every claim pair (what the `overlap` rule ran before contested boxes, and what
`qtgov overlaps` without `--member` and the handbook still run).

    .venv/bin/python benchmarks/bench_overlaps.py --repo /tmp/g1k [--pairs]

**In memory** (no `--repo`): the engine's inputs without YAML, 10,000 members × 10 declared focus
areas spread over 7,000 clusters (a depth-2 sector × a country), so each claim overlaps at most
~20 others; a few thousand market-boundary agreements between members that share a cluster, and
some control groups. Times the pair engine, the contested boxes and the overlap rules.

    .venv/bin/python benchmarks/bench_overlaps.py [--members 10000] [--claims 10] [--agreements 3000]

Both print seconds per phase and peak memory (peak RSS of the process, from getrusage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import resource
import sys
import time
import weakref
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qtgov.findings import Finding
from qtgov.overlaps import engine
from qtgov.overlaps.boxes import contested
from qtgov.overlaps.geometry import POS, Box
from qtgov.overlaps.model import Agreement, Allocation, Claim, Location, Model
from qtgov.overlaps.report import OverlapReport
from qtgov.records.index import Index, Record, Settings
from qtgov.records.trees import regions
from qtgov.records.yamlload import Document
from qtgov.report.json import render as render_json
from qtgov.rules import overlaps as rules

RULES = (
    rules.check_overlap,
    rules.check_overlap_unknown,
    rules.check_claim_allocated_elsewhere,
    rules.check_allocation_self_overlap,
    rules.check_allocation_contradiction,
    rules.check_allocation_pre_emptive,
)

SEGMENTS = ("smb", "enterprise", "edu", "edu/k12", "gov")


def peak_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 1024 / 1024


def generate(members: int, per_member: int, n_agreements: int, seed: int = 7) -> Model:
    rnd = random.Random(seed)
    tree = regions(True)
    countries = [c for c in tree.children("*") if len(tree.children(c)) >= 4][:14]
    sectors = [f"s{i:02d}/t{j}" for i in range(50) for j in range(10)]  # 500 depth-2 nodes
    clusters = [(s, c) for s in sectors for c in countries]  # 7,000 clusters of ~14 claims
    subdivisions = {c: tree.children(c) for c in countries}
    t0 = dt.date(2020, 1, 1).toordinal()

    claims: list[Claim] = []
    by_cluster: dict[int, list[Claim]] = defaultdict(list)
    for m in range(members):
        member = f"m{m:05d}"
        for k in range(per_member):
            cid = rnd.randrange(len(clusters))
            sector, country = clusters[cid]
            subs = subdivisions[country]
            sec = sector if rnd.random() < 0.2 else f"{sector}/u{rnd.randrange(4)}"
            regs = [country] if rnd.random() < 0.2 else rnd.sample(subs[:4], rnd.choice((1, 1, 1, 2)))
            seg = "*" if rnd.random() < 0.5 else rnd.choice(SEGMENTS)
            start = t0 + rnd.randrange(0, 6 * 365)
            end = POS if rnd.random() < 0.7 else start + rnd.randrange(365, 3 * 365)
            boxes: tuple[Box, ...] = tuple(((sec, ()), (r, ()), (seg, ()), start, end) for r in regs)
            claim = Claim(member, f"c{k}", k, "qt-markets", boxes, Location(f"members/{member}.yaml", 10 + 8 * k, 5))
            claims.append(claim)
            by_cluster[cid].append(claim)

    agreements: list[Agreement] = []
    busy = [cid for cid, cs in by_cluster.items() if len({c.member for c in cs}) >= 2]
    for n in range(n_agreements):
        # Most agreements settle a real overlap: the meet of two claims of different members.
        cid = rnd.choice(busy)
        x = rnd.choice(by_cluster[cid])
        y = rnd.choice([c for c in by_cluster[cid] if c.member != x.member])
        a, b = sorted((x.member, y.member))
        bx, by = x.boxes[0], y.boxes[0]
        sec = max(bx[0][0], by[0][0], key=len)
        reg = max(bx[1][0], by[1][0], key=len)
        executed = rnd.random() < 0.8
        review = rnd.random() < 0.5
        effective = t0 + rnd.randrange(0, 5 * 365)
        end = POS if rnd.random() < 0.6 else effective + rnd.randrange(180, 3 * 365)
        allocations = []
        for k in range(rnd.choice((1, 1, 2))):
            holder = rnd.choice((None, a, b))
            label = (
                "pending"
                if not executed
                else "shared"
                if holder is None
                else "resolved"
                if review
                else "blocked-review"
            )
            seg = ("smb", "enterprise")[k]
            scope: Box = ((sec, ()), (reg, ()), (seg, ()), effective, end)
            where = Location(f"agreements/a{n:05d}.yaml", 20 + 6 * k, 7)
            allocations.append(Allocation(f"a{n:05d}", k, holder, label, (scope,), (scope,), where))
        agreements.append(
            Agreement(
                f"a{n:05d}",
                "executed" if executed else "draft",
                executed,
                frozenset((a, b)),
                effective,
                (effective, end),
                review,
                tuple(allocations),
            )
        )
    group: dict[str, str] = {}
    for _ in range(200):  # some parents with sole control of a subsidiary
        p, q = rnd.sample(range(members), 2)
        group[f"m{p:05d}"] = group[f"m{q:05d}"] = f"m{min(p, q):05d}"
    model = Model(Settings(), regions(True), {}, claims, agreements, group=group)
    model.index_agreements()
    return model


def as_records(model: Model) -> Index:
    """The same alliance as member and agreement records (parsed data, no YAML text), to time
    the compile step `Model.build` that turns records into the engine's inputs."""
    index = Index(root=Path("."))
    by_member: dict[str, list[Claim]] = defaultdict(list)
    for claim in model.claims:
        by_member[claim.member].append(claim)

    def day(ordinal: int) -> str:
        return dt.date.fromordinal(ordinal).isoformat()

    for member, claims in by_member.items():
        data: dict[str, object] = {
            "id": member,
            "kind": "member",
            "name": member,
            "status": "active",
            "visibility": "public",
            "claims": [
                {
                    "id": c.id,
                    "sector": sorted({b[0][0] for b in c.boxes}),
                    "region": sorted({b[1][0] for b in c.boxes}),
                    "segment": sorted({b[2][0] for b in c.boxes}),
                    "period": {"start": day(c.boxes[0][3])}
                    | ({"end": day(c.boxes[0][4] - 1)} if c.boxes[0][4] != POS else {}),
                }
                for c in claims
            ],
        }
        path = f"members/{member}.yaml"
        index.members[member] = Record("member", member, path, Document(path, data))
    for ag in model.agreements:
        data = {
            "id": ag.id,
            "type": "market-boundary",
            "title": ag.id,
            "version": 1,
            "status": ag.status,
            "parties": [{"member": p} for p in sorted(ag.parties)],
            "visibility": "public",
            "effective": day(ag.effective),
            "legal_review": {"status": "approved" if ag.review_approved else "requested"},
            "terms": {
                "allocations": [
                    {
                        "scope": {"sector": [al.scope_boxes[0][0][0]], "region": [al.scope_boxes[0][1][0]]},
                        "holder": al.holder or "shared",
                    }
                    for al in ag.allocations
                ]
            },
        }
        if ag.interval and ag.interval[1] != POS:
            data["term"] = {"end": day(ag.interval[1] - 1)}
        path = f"agreements/{ag.id}.yaml"
        index.agreements[ag.id] = Record("agreement", ag.id, path, Document(path, data))
    return index


def timed_rules(index: Index) -> dict[str, tuple[float, float, list[Finding]]]:
    """Each overlap rule on one index: (wall s, CPU s, findings)."""
    out = {}
    for rule in RULES:
        assert rule.check is not None
        t, c = time.perf_counter(), time.process_time()
        found = list(rule.check(index))
        out[rule.id] = (time.perf_counter() - t, time.process_time() - c, found)
    return out


def print_rules(timings: dict[str, tuple[float, float, list[Finding]]]) -> None:
    for rule_id, (wall, cpu, found) in timings.items():
        print(f"  {rule_id:<27} {wall:>7.2f} s  ({cpu:.2f} s CPU)  {len(found):>8,} findings")
    overlap = timings["overlap"][2]
    size = len(render_json(overlap).encode("utf-8"))
    print(f"  overlap findings as a JSON report: {size / 1e6:.2f} MB ({size / max(len(overlap), 1):.0f} bytes each)")
    total_wall = sum(w for w, _, _ in timings.values())
    total_cpu = sum(c for _, c, _ in timings.values())
    print(f"  all overlap rules           {total_wall:>7.2f} s  ({total_cpu:.2f} s CPU)")


def bench_repo(root: Path, pairs: bool) -> None:
    from qtgov.records.repo import load_repository

    print(f"{root}  (load average {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())})")
    t, c = time.perf_counter(), time.process_time()
    index = load_repository(root).index
    print(f"  load repository             {time.perf_counter() - t:>7.2f} s  ({time.process_time() - c:.2f} s CPU)")
    t, c = time.perf_counter(), time.process_time()
    model = engine.model_for(index)
    print(f"  compile (Model.build)       {time.perf_counter() - t:>7.2f} s  ({time.process_time() - c:.2f} s CPU)")
    print(f"  members {len(index.members):,}, claims {len(model.claims):,}, agreements {len(model.agreements):,}")
    print_rules(timed_rules(index))
    if pairs:
        t, c = time.perf_counter(), time.process_time()
        entries = engine.compute(model)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        labels = Counter(p.label for e in entries for p in e.pieces)
        print(f"  pair engine (every pair)    {wall:>7.2f} s  ({cpu:.2f} s CPU)  {len(entries):,} claim pairs")
        print(f"    pieces by label {dict(sorted(labels.items()))}")
    print(f"  peak RSS {peak_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=10, help="claims per member")
    parser.add_argument("--agreements", type=int, default=3_000)
    parser.add_argument("--repo", type=Path, action="append", help="a generated alliance (repeatable)")
    parser.add_argument("--pairs", action="store_true", help="with --repo: also time the pair engine")
    args = parser.parse_args()
    if args.repo:
        for root in args.repo:
            bench_repo(root, args.pairs)
        return

    regions(True).chain("CN")  # load pycountry outside the timings
    base = peak_mib()
    t = time.perf_counter()
    model = generate(args.members, args.claims, args.agreements)
    t_gen = time.perf_counter() - t
    gc.collect()

    records = as_records(model)
    t, c = time.perf_counter(), time.process_time()
    compiled = Model.build(records)
    t_compile, c_compile = time.perf_counter() - t, time.process_time() - c
    assert len(compiled.claims) == len(model.claims)
    del records, compiled
    gc.collect()

    t, c = time.perf_counter(), time.process_time()
    entries = engine.compute(model)
    t_analyse, c_analyse = time.perf_counter() - t, time.process_time() - c
    peak_analysis = peak_mib()

    t, c = time.perf_counter(), time.process_time()
    n_boxes = len(contested(model))
    t_boxes, c_boxes = time.perf_counter() - t, time.process_time() - c

    # Run the rules on the same model (the per-index caches hold it and the pair report).
    index = Index(root=Path("."))
    engine._MODELS[id(index)] = (weakref.ref(index), model)
    engine._REPORTS[id(index)] = OverlapReport(entries)
    timings = timed_rules(index)

    boxes = sum(len(c.boxes) for c in model.claims)
    labels = Counter(p.label for e in entries for p in e.pieces)
    degree: Counter[int] = Counter()
    for e in entries:
        degree[id(e.claims[0])] += 1
        degree[id(e.claims[1])] += 1
    print(f"members            {args.members:>10,}")
    print(f"claims             {len(model.claims):>10,}   ({boxes:,} boxes)")
    print(f"agreements         {len(model.agreements):>10,}")
    print(f"overlapping pairs  {len(entries):>10,}   (max {max(degree.values(), default=0)} per claim)")
    print(f"pieces             {sum(labels.values()):>10,}   {dict(sorted(labels.items()))}")
    print(f"generate           {t_gen:>10.2f} s")
    print(f"compile records    {t_compile:>10.2f} s   ({c_compile:.2f} s CPU; Model.build from parsed records)")
    print(f"pair engine        {t_analyse:>10.2f} s   ({c_analyse:.2f} s CPU)")
    print(f"contested boxes    {t_boxes:>10.2f} s   ({c_boxes:.2f} s CPU)   {n_boxes:,} box pieces to coordinate")
    print("overlap rules")
    print_rules(timings)
    print(
        f"peak RSS           {peak_analysis:>10.0f} MiB after analysis (baseline {base:.0f} MiB), "
        f"{peak_mib():.0f} MiB at end"
    )


if __name__ == "__main__":
    main()
