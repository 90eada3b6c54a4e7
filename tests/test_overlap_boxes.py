"""Contested boxes (qtgov/overlaps/boxes.py) against the pair engine and a point-by-point oracle.

On small random alliances (the trees of test_overlap_properties, claims with periods, agreements
of every status with allocations, legal reviews, control groups all the time or from a day on),
the set of (member pair, label) in a `conflict`, `pending` or `blocked-review` piece is the same
whether it comes from (a) the pair engine, (b) the contested boxes, each box piece expanded into
its pairs, or (c) a brute force over every point (node triple × day).
"""

from __future__ import annotations

import itertools
from pathlib import Path

from conftest import run_qtgov
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_overlap_properties import DAYS, POINTS, REGION_TREE, T0, boxes, contains
from test_overlaps import GBT, agreement, allocation, build, claim, findings, member

from qtgov.messages import render
from qtgov.overlaps.boxes import contested
from qtgov.overlaps.engine import analyse, compute, model_for
from qtgov.overlaps.geometry import POS
from qtgov.overlaps.model import Agreement, Allocation, Claim, Location, Model
from qtgov.overlaps.report import TO_COORDINATE
from qtgov.records.index import Index, Settings
from qtgov.rules import overlaps as overlap_rules

MEMBERS = ("m1", "m2", "m3", "m4")
Found = set[tuple[tuple[str, str], str]]


@st.composite
def alliances(draw: st.DrawFn) -> Model:
    claims = []
    for who in MEMBERS:
        for n in range(draw(st.integers(0, 2))):
            claims.append(Claim(who, f"c{n}", n, "qt-markets", tuple(draw(boxes())), Location(f"{who}.yaml", n + 1, 3)))
    agreements = []
    for n in range(draw(st.integers(0, 4))):
        parties = draw(st.lists(st.sampled_from(MEMBERS), min_size=2, max_size=3, unique=True))
        executed = draw(st.booleans())
        review = draw(st.booleans())
        effective = draw(st.integers(T0, T0 + 6))
        end = draw(st.one_of(st.just(POS), st.integers(effective + 1, T0 + 11)))
        allocations = []
        for k in range(draw(st.integers(1, 2))):
            holder = draw(st.one_of(st.none(), st.sampled_from(parties)))
            if not executed:
                label = "pending"
            elif holder is None:
                label = "shared"
            else:
                label = "resolved" if review else "blocked-review"
            scope = draw(boxes())
            covered = tuple(
                (s, r, g, max(a, effective), min(b, end)) for s, r, g, a, b in scope if max(a, effective) < min(b, end)
            )
            allocations.append(Allocation(f"ag{n}", k, holder, label, covered, tuple(scope), Location("x", 1, 1)))
        status = "executed" if executed else draw(st.sampled_from(("draft", "proposed")))
        agreements.append(
            Agreement(
                f"ag{n}", status, executed, frozenset(parties), effective, (effective, end), review, tuple(allocations)
            )
        )
    group = {"m1": "g0", "m2": "g0"} if draw(st.booleans()) else {}
    control: dict[str, tuple[tuple[int, int, str], ...]] = {}
    if draw(st.booleans()):
        # A group in force from a day on (and perhaps ending): m3 and m4 one economic unit then.
        start = draw(st.integers(T0, T0 + 8))
        end = draw(st.one_of(st.just(POS), st.integers(start + 1, T0 + 10)))
        stretches = ((start, end, "g1"),)
        control = {"m3": stretches, "m4": stretches}
    joined = {m: T0 - 1 + draw(st.integers(0, 3)) for m in MEMBERS}
    model = Model(Settings(), REGION_TREE, {}, claims, agreements, group=group, control=control, joined=joined)
    model.index_agreements()
    return model


def from_pairs(model: Model) -> Found:
    return {(e.members, p.label) for e in compute(model) for p in e.pieces if p.label in TO_COORDINATE}


def from_boxes(model: Model) -> Found:
    return {(pair, label) for c in contested(model) for pair, label, _ in c.pairs() if label in TO_COORDINATE}


def in_group(model: Model, a: str, b: str, day: int) -> bool:
    return any(start <= day < end for start, end in model.intra_periods(a, b))


def from_points(model: Model) -> Found:
    out: Found = set()
    for point in POINTS:
        for day in DAYS:
            present = sorted({c.member for c in model.claims if any(contains(box, point, day) for box in c.boxes)})
            for a, b in itertools.combinations(present, 2):
                if in_group(model, a, b, day):
                    continue
                label = "conflict"
                for ag in model.pair_agreements(a, b):
                    hit = next((al for al in ag.allocations if any(contains(x, point, day) for x in al.boxes)), None)
                    if hit is not None:
                        label = hit.label
                        break
                if label in TO_COORDINATE:
                    out.add(((a, b), label))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alliances())
def test_boxes_pairs_and_points_agree_on_every_pair_to_coordinate(model: Model) -> None:
    expected = from_points(model)
    assert from_pairs(model) == expected
    assert from_boxes(model) == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alliances())
def test_box_pieces_are_disjoint_and_labelled_by_their_worst_pair(model: Model) -> None:
    by_cell: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for c in contested(model):
        spans = by_cell.setdefault(c.cell, [])
        assert all(c.end <= s or e <= c.start for s, e in spans)
        spans.append((c.start, c.end))
        assert len(c.claims) >= 2 and len(set(c.members)) == len(c.claims)
        labels = {label for _, label, _ in c.pairs()}
        assert c.label == next(lab for lab in ("conflict", "blocked-review", "pending") if lab in labels)
        # The claim shown first is the one that entered last.
        keys = [(model.joined[x.member], x.boxes[0][3]) for x in c.claims]
        assert keys[0] == max(keys)


# ------------------------------------------------------------------------- the overlap rule


def _found(index: Index) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.message) for f in findings(index, overlap_rules.check_overlap)]


THREE = {
    "acme": member("acme", [claim("cloud", ["cloud"], ["CN"])]),
    "beta": member("beta", [claim("compute", ["cloud/compute"], ["CN-ZJ"])]),
    "gamma": member("gamma", [claim("zj-smb", ["cloud/compute"], ["CN-ZJ"], ["smb"])], joined="2025-03-01"),
}


def test_a_box_of_three_members_is_one_finding_on_the_latest_to_enter(tmp_path: Path) -> None:
    index = build(tmp_path, THREE)
    assert _found(index) == [
        # acme and beta meet on cloud/compute × CN-ZJ (all segments): their own box; gamma's
        # segment is a finer box in which all three meet from the day gamma joined. Before that
        # day the finer box holds what the coarser one says, so it is not repeated.
        (
            "members/beta.yaml",
            9,
            "declared focus area 'compute' of beta overlaps acme's 'cloud' on cloud/compute × CN-ZJ × * × "
            "2025-01-01…: an overlap to coordinate that no agreement between them covers yet (conflict)",
        ),
        (
            "members/gamma.yaml",
            9,
            "declared focus area 'zj-smb' of gamma meets those of 2 other members on cloud/compute × CN-ZJ × smb × "
            "2025-03-01… (beta, acme): no agreement between them covers it yet (conflict); "
            "`qtgov overlaps --member gamma` lists every pair",
        ),
    ]
    (box,) = [f for f in findings(index, overlap_rules.check_overlap) if f.path == "members/gamma.yaml"]
    assert [(r.path, r.message) for r in box.related] == [
        ("members/beta.yaml", "beta's declared focus area 'compute'"),
        ("members/acme.yaml", "acme's declared focus area 'cloud'"),
    ]
    assert render(box.message, "zh") == (
        "gamma 声明的重点领域 'zj-smb' 与另外 2 家成员声明的重点领域在 cloud/compute × CN-ZJ × smb × 2025-03-01… "
        "上重叠（beta, acme）：尚无任何协议涵盖，有待协调（conflict）；`qtgov overlaps --member gamma` 列出每一对成员"
    )


def test_agreements_covering_some_pairs_are_named_with_their_labels(tmp_path: Path) -> None:
    share = agreement("share", ["beta", "gamma"], [allocation(["cloud/compute"], ["CN-ZJ"], "shared")])
    draft = agreement("draft", ["acme", "beta"], [allocation(["cloud/compute"], ["CN-ZJ"], "beta")], status="draft")
    index = build(tmp_path, THREE, {"share": share, "draft": draft})
    assert _found(index) == [
        (
            "members/beta.yaml",
            9,
            "declared focus area 'compute' of beta overlaps acme's 'cloud' on cloud/compute × CN-ZJ × * × "
            "2025-01-01…: covered only by agreement 'draft', which is not executed yet (pending)",
        ),
        # beta–gamma shared, acme–beta pending, acme–gamma nothing: a conflict.
        (
            "members/gamma.yaml",
            9,
            "declared focus area 'zj-smb' of gamma meets those of 2 other members on cloud/compute × CN-ZJ × smb × "
            "2025-03-01… (beta, acme): agreements cover it only for some pairs of them: 'share' (shared), "
            "'draft' (pending) (conflict); `qtgov overlaps --member gamma` lists every pair",
        ),
    ]
    # Once acme and gamma agree too, the box's worst pair is acme–beta's draft.
    both = agreement("ag-ag", ["acme", "gamma"], [allocation(["cloud"], ["CN"], "shared")])
    index = build(tmp_path / "2", THREE, {"share": share, "draft": draft, "ag-ag": both})
    assert [m for _, _, m in _found(index)][1].endswith(
        "'ag-ag' (shared), 'share' (shared), 'draft' (pending) (pending); "
        "`qtgov overlaps --member gamma` lists every pair"
    )


def test_many_members_are_named_up_to_five_and_counted(tmp_path: Path) -> None:
    members = {f"m{n}": member(f"m{n}", [claim("db", ["cloud/database"], ["CN-SH"])]) for n in range(8)}
    members["late"] = member("late", [claim("db-sh", ["cloud/database"], ["CN-SH"])], joined="2026-01-01")
    index = build(tmp_path, members)
    # One box: contested since T0 (m0…m7), with the same (no) agreements when `late` joins; the
    # finding sits on the file of the member that joined last.
    (found,) = findings(index, overlap_rules.check_overlap)
    assert (found.path, found.line, found.column, found.pointer, found.message) == (
        "members/late.yaml",
        9,
        3,
        "/claims/0/sector",
        "declared focus area 'db-sh' of late meets those of 8 other members on cloud/database × CN-SH × * × "
        "2025-01-01… (m7, m6, m5, m4, m3 and 3 more): no agreement between them covers it yet (conflict); "
        "`qtgov overlaps --member late` lists every pair",
    )
    assert [r.path for r in found.related] == [f"members/m{n}.yaml" for n in (7, 6, 5, 4, 3)]
    assert "及另外 3 家" in render(found.message, "zh")


def test_a_member_that_leaves_ends_the_box_and_a_later_entrant_moves_it(tmp_path: Path) -> None:
    members = {
        "acme": member("acme", [claim("db", ["cloud/database"], ["CN"])]),
        "beta": member("beta", [claim("db", ["cloud/database"], ["CN"], end="2025-12-31")]),
        "gamma": member("gamma", [claim("db", ["cloud/database"], ["CN"], start="2026-06-01")]),
    }
    index = build(tmp_path, members)
    # Two boxes on the same cell: acme–beta until beta's claim ends, acme–gamma from June 2026;
    # nobody overlaps acme in between.
    assert [(p, line, m.split(": ")[0]) for p, line, m in _found(index)] == [
        (
            "members/beta.yaml",
            9,
            "declared focus area 'db' of beta overlaps acme's 'db' on cloud/database × CN × * × 2025-01-01…2025-12-31",
        ),
        (
            "members/gamma.yaml",
            9,
            "declared focus area 'db' of gamma overlaps acme's 'db' on cloud/database × CN × * × 2026-06-01…",
        ),
    ]


def test_member_option_analyses_only_that_members_pairs(tmp_path: Path) -> None:
    share = agreement("share", ["beta", "gamma"], [allocation(["cloud/compute"], ["CN-ZJ"], "shared")])
    index = build(tmp_path, THREE, {"share": share})
    full = analyse(index)
    for who in ("acme", "beta", "gamma", "hub"):
        alone = analyse(index, member=who)
        assert alone.to_json() == full.involving(who).to_json()
    assert [e.members for e in analyse(index, member="gamma").entries] == [("acme", "gamma"), ("beta", "gamma")]
    assert compute(model_for(index), pairs=frozenset({("beta", "gamma")})) == full.between("beta", "gamma")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alliances(), st.sampled_from(MEMBERS), st.sets(st.sampled_from(list(itertools.combinations(MEMBERS, 2)))))
def test_limited_pair_analysis_is_the_full_one_filtered(model: Model, who: str, wanted: set[tuple[str, str]]) -> None:
    full = compute(model)
    assert compute(model, members=frozenset({who})) == [e for e in full if who in e.members]
    assert compute(model, pairs=frozenset(wanted)) == [e for e in full if e.members in wanted]


def test_claims_outside_the_alliance_scheme_are_reported_pair_by_pair(tmp_path: Path) -> None:
    crosswalked = GBT.replace(
        "  i/64: {name: Internet services}\n",
        "  i/64:\n    name: Internet services\n    maps_to:\n      - {scheme: qt-markets, path: cloud/compute}\n",
    )
    members = {
        "acme": member("acme", [claim("net", ["i/64"], ["CN"], scheme="gbt4754-2017")]),
        "beta": member("beta", [claim("gpu", ["cloud/compute/gpu"], ["CN-ZJ"], start="2025-06-01")]),
        "gamma": member("gamma", [claim("net-sh", ["i/64"], ["CN-SH"], scheme="gbt4754-2017")], joined="2025-02-01"),
    }
    index = build(tmp_path, members, extra={"charter/taxonomy/gbt4754-2017.yaml": crosswalked})
    # Through the crosswalk acme's claim meets beta's; acme and gamma share the other scheme.
    # Neither pair is in a contested box (acme and gamma are outside the alliance's scheme).
    assert contested(model_for(index)) == []
    assert _found(index) == [
        (
            "members/beta.yaml",
            9,
            "declared focus area 'gpu' of beta overlaps acme's 'net' on cloud/compute/gpu × CN-ZJ × * × 2025-06-01…: "
            "an overlap to coordinate that no agreement between them covers yet (conflict)",
        ),
        (
            "members/gamma.yaml",
            10,  # the line of `sector:`, after `scheme:`
            "declared focus area 'net-sh' of gamma overlaps acme's 'net' on i/64 × CN-SH × * × 2025-02-01…: "
            "an overlap to coordinate that no agreement between them covers yet (conflict)",
        ),
    ]


def test_validate_prints_one_line_per_box_in_both_languages(tmp_path: Path) -> None:
    build(tmp_path, THREE)
    en = run_qtgov("validate", "-C", tmp_path)
    assert en.returncode == 0, en.stderr
    assert [line for line in en.stdout.splitlines() if "[overlap]" in line or "  related: members/" in line] == [
        "members/beta.yaml:9:3: warning [overlap] declared focus area 'compute' of beta overlaps acme's 'cloud' on "
        "cloud/compute × CN-ZJ × * × 2025-01-01…: an overlap to coordinate that no agreement between them covers yet "
        "(conflict)",
        "  related: members/acme.yaml:9:3: acme's declared focus area 'cloud'",
        "members/gamma.yaml:9:3: warning [overlap] declared focus area 'zj-smb' of gamma meets those of 2 other "
        "members on cloud/compute × CN-ZJ × smb × 2025-03-01… (beta, acme): no agreement between them covers it yet "
        "(conflict); `qtgov overlaps --member gamma` lists every pair",
        "  related: members/beta.yaml:9:3: beta's declared focus area 'compute'",
        "  related: members/acme.yaml:9:3: acme's declared focus area 'cloud'",
    ]
    zh = run_qtgov("validate", "--lang", "zh", "-C", tmp_path)
    assert (
        "members/gamma.yaml:9:3: 警告 [overlap] gamma 声明的重点领域 'zj-smb' 与另外 2 家成员声明的重点领域在 "
        "cloud/compute × CN-ZJ × smb × 2025-03-01… 上重叠（beta, acme）：尚无任何协议涵盖，有待协调（conflict）；"
        "`qtgov overlaps --member gamma` 列出每一对成员\n"
    ) in zh.stdout
    # --strict is unchanged: warnings fail the run.
    assert run_qtgov("validate", "--strict", "-C", tmp_path).returncode == 1
