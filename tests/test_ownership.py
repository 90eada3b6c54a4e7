"""Ownership as of a day (docs/design/ownership.md): stakes through chains, control groups that
count only while in force, and everything built on them (overlap labels, R1, the CLI, validate)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

from conftest import run_qtgov
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_overlap_properties import CHAINS, DAYS, POINTS, contains, in_overlap, models, oracle
from test_overlaps import T0, agreement, allocation, build, claim, findings, member, pieces

from qtgov.economics.ownership import CHAIN_BUDGET, for_index, holding_from, ownership_on
from qtgov.messages import render
from qtgov.overlaps import analyse
from qtgov.overlaps.engine import compute
from qtgov.overlaps.geometry import POS, box_intersect
from qtgov.overlaps.model import Model
from qtgov.rules import antitrust
from qtgov.rules import ownership as ownership_rules


def holding(
    ident: str,
    holder: str,
    issuer: str,
    pct: float = 100,
    *,
    control: str = "sole",
    effective: str = T0,
    voting: float | None = None,
    **extra: Any,
) -> str:
    terms: dict[str, Any] = {
        "holder": holder,
        "issuer": issuer,
        "instrument": "ordinary-shares",
        "equity_pct": pct,
        "control": control,
    }
    if voting is not None:
        terms["voting_pct"] = voting
    return agreement(ident, [holder, issuer], kind="shareholding", effective=effective, terms=terms, **extra)


HUB_AND_SUB = {
    "hub": member("hub", [claim("courses", ["edu/course"], ["CN"])], kind="hub"),
    "sub": member("sub", [claim("zj", ["edu/course"], ["CN-ZJ"])]),
}


# ------------------------------------------------------------------ overlaps as of the day


def test_control_acquired_later_makes_only_the_later_days_intra_group(tmp_path: Path) -> None:
    # The case: a shareholding effective in 2030 made 2024–2029 overlaps "intra-group".
    index = build(tmp_path, HUB_AND_SUB, {"hub-sub": holding("hub-sub", "hub", "sub", effective="2030-01-01")})
    assert pieces(analyse(index), "hub", "sub") == {
        ("conflict", None, None, "edu/course", "CN-ZJ", "*", T0, "2029-12-31"),
        ("intra-group", None, None, "edu/course", "CN-ZJ", "*", "2030-01-01", None),
    }
    assert [p.label for e in analyse(index, as_of=dt.date(2026, 1, 1)).entries for p in e.pieces] == ["conflict"]
    assert [p.label for e in analyse(index, as_of=dt.date(2030, 1, 1)).entries for p in e.pieces] == ["intra-group"]
    # The conflict part is still an overlap to coordinate, shown on the file of the member that
    # entered the box last (both joined on T0 with claims from then: the later id, sub).
    assert [(f.path, f.line, f.rule, f.message) for f in findings(index, *_overlap_checks())] == [
        (
            "members/sub.yaml",
            9,
            "overlap",
            "declared focus area 'zj' of sub overlaps hub's 'courses' on edu/course × CN-ZJ × * × "
            "2025-01-01…2029-12-31: an overlap to coordinate that no agreement between them covers yet (conflict)",
        ),
    ]


def _overlap_checks() -> list[Any]:
    from qtgov.rules import overlaps as overlap_rules

    return [overlap_rules.check_overlap]


def test_control_that_ends_leaves_the_later_days_to_coordinate(tmp_path: Path) -> None:
    index = build(tmp_path, HUB_AND_SUB, {"hub-sub": holding("hub-sub", "hub", "sub", term={"end": "2026-06-30"})})
    assert pieces(analyse(index), "hub", "sub") == {
        ("intra-group", None, None, "edu/course", "CN-ZJ", "*", T0, "2026-06-30"),
        ("conflict", None, None, "edu/course", "CN-ZJ", "*", "2026-07-01", None),
    }


def test_days_before_control_are_labelled_by_the_agreements(tmp_path: Path) -> None:
    shared = agreement("share", ["hub", "sub"], [allocation(["edu/course"], ["CN-ZJ"], "shared")])
    index = build(
        tmp_path, HUB_AND_SUB, {"share": shared, "hub-sub": holding("hub-sub", "hub", "sub", effective="2027-01-01")}
    )
    assert pieces(analyse(index), "hub", "sub") == {
        ("shared", None, "share", "edu/course", "CN-ZJ", "*", T0, "2026-12-31"),
        ("intra-group", None, None, "edu/course", "CN-ZJ", "*", "2027-01-01", None),
    }


def test_sister_companies_are_one_group_only_while_both_are_held(tmp_path: Path) -> None:
    zj = [claim("zj", ["edu/course"], ["CN-ZJ"])]
    index = build(
        tmp_path,
        {"hub": member("hub", kind="hub"), "sub-a": member("sub-a", zj), "sub-b": member("sub-b", zj)},
        {
            "hub-a": holding("hub-a", "hub", "sub-a"),
            "hub-b": holding("hub-b", "hub", "sub-b", effective="2025-03-01", term={"end": "2025-12-31"}),
        },
    )
    assert pieces(analyse(index), "sub-a", "sub-b") == {
        ("conflict", None, None, "edu/course", "CN-ZJ", "*", T0, "2025-02-28"),
        ("intra-group", None, None, "edu/course", "CN-ZJ", "*", "2025-03-01", "2025-12-31"),
        ("conflict", None, None, "edu/course", "CN-ZJ", "*", "2026-01-01", None),
    }


# ------------------------------------------------------------------ R1 outside one control group


def _r1(index: Any) -> list[tuple[str, int, int, str]]:
    return [(f.path, f.line, f.column, f.message) for f in findings(index, antitrust.check_r1)]


def test_r1_counts_the_days_before_control_was_acquired(tmp_path: Path) -> None:
    allocate = agreement("split", ["hub", "sub"], [allocation(["edu/course"], ["CN-ZJ"], "hub")])
    later = build(
        tmp_path / "later",
        HUB_AND_SUB,
        {"split": allocate, "hub-sub": holding("hub-sub", "hub", "sub", effective="2030-01-01")},
    )
    assert _r1(later) == [
        (
            "agreements/split.yaml",
            18,
            13,
            "HIGH risk: horizontal allocation: edu/course × CN-ZJ × * is reserved to hub, restraining sub; hub and "
            "sub are potential competitors: their declared focus areas share the sector edu (competitor_depth 1) "
            "(in one control group with hub only on some of those days: sub from 2030-01-01). Prefer holder: "
            "shared with a cooperation note, and have counsel review any allocation that remains",
        )
    ]
    # Control in force on every day the allocation restrains: one economic unit, no flag.
    before = build(
        tmp_path / "before",
        HUB_AND_SUB,
        {"split": allocate, "hub-sub": holding("hub-sub", "hub", "sub", effective="2024-01-01")},
    )
    assert _r1(before) == []


# ------------------------------------------------------------------ the graph itself


CHAIN = {
    "a-b": holding("a-b", "alpha", "bravo", 60, control="sole"),
    "b-c": holding("b-c", "bravo", "charlie", 50, control="joint"),
    "a-c": holding("a-c", "alpha", "charlie", 10, control="none"),
    "c-a": holding("c-a", "charlie", "alpha", 20, control="none", effective="2026-01-01"),
}
COMPANIES = {m: member(m) for m in ("alpha", "bravo", "charlie")}


def test_stakes_multiply_through_chains_and_cycles_are_reported(tmp_path: Path) -> None:
    index = build(tmp_path, COMPANIES, CHAIN)
    records = for_index(index)
    graph = records.on(dt.date(2025, 6, 1))
    assert [(s.holder, s.issuer, str(s.direct), str(s.indirect), s.chains) for s in graph.stakes] == [
        ("alpha", "bravo", "60", "0", []),
        ("alpha", "charlie", "10", "30", [("alpha", "bravo", "charlie")]),
        ("bravo", "charlie", "50", "0", []),
    ]
    assert [g.as_dict() for g in graph.groups] == [
        {"id": "alpha", "members": ["alpha", "bravo"], "controllers": ["alpha"]}
    ]
    assert graph.cycles == [] and graph.over == []
    # From 2026 charlie holds 20% of alpha: a ring, never multiplied round.
    later = records.on(dt.date(2026, 1, 1))
    assert later.cycles == [("alpha", "bravo", "charlie")]
    stakes = {(s.holder, s.issuer): s for s in later.stakes}
    assert str(stakes[("charlie", "bravo")].indirect) == "12"  # 20% × 60%
    assert str(stakes[("bravo", "alpha")].indirect) == "10"  # 50% × 20%
    assert stakes[("bravo", "alpha")].chains == [("bravo", "charlie", "alpha")]
    assert str(stakes[("alpha", "charlie")].total) == "40"


def test_a_dense_graph_stops_at_the_chain_budget(tmp_path: Path) -> None:
    names = [f"co-{n:02d}" for n in range(14)]
    agreements = {f"{a}-{b}": holding(f"{a}-{b}", a, b, 1, control="none") for a in names for b in names if a != b}
    index = build(tmp_path, {n: member(n) for n in names}, agreements)
    graph = ownership_on(for_index(index).holdings, dt.date(2025, 6, 1))
    assert graph.partial is True
    assert graph.cycles == [tuple(names)]
    assert CHAIN_BUDGET == 200_000


def test_restricted_or_unexecuted_shareholdings_hold_nothing(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        COMPANIES,
        {"a-b": holding("a-b", "alpha", "bravo", status="proposed"), "b-c": holding("b-c", "bravo", "charlie")},
    )
    assert holding_from(index.agreements["a-b"], index) is None
    assert [h.agreement for h in for_index(index).holdings] == ["b-c"]


# ------------------------------------------------------------------ totals over 100%


def test_totals_over_100_are_a_validate_finding(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        COMPANIES,
        {
            "a-c": holding("a-c", "alpha", "charlie", 70, control="sole"),
            "b-c": holding("b-c", "bravo", "charlie", 40, control="none", effective="2025-03-01"),
        },
    )
    found = findings(index, ownership_rules.check_ownership_total)
    assert [(f.path, f.line, f.column, f.rule, str(f.severity)) for f in found] == [
        ("agreements/b-c.yaml", 15, 15, "ownership-total", "error")
    ]
    assert found[0].message == (
        "the holdings of charlie in force from 2025-03-01 onwards add up to 110% of its equity and 110% of its "
        "votes (a-c 70%, b-c 40%): a company's shares cannot add up to more than 100%; record the termination "
        "of a holding that ended, or correct the stake"
    )
    assert render(found[0].message, "zh") == (
        "自 2025-03-01 起 生效的 charlie 持股合计为 其股权的 110% 和 其表决权的 110%（a-c 70%, b-c 40%）："
        "一家公司的股份合计不能超过 100%；请记录已结束持股的终止，或更正持股比例"
    )
    assert [(r.path, r.line, r.column) for r in found[0].related] == [("agreements/a-c.yaml", 15, 15)]
    result = run_qtgov("validate", tmp_path, "--format", "json")
    assert result.returncode == 1
    assert ("agreements/b-c.yaml", 15, 15, "ownership-total") in [
        (f["path"], f["line"], f["column"], f["rule"]) for f in json.loads(result.stdout)["findings"]
    ]


# ------------------------------------------------------------------ the command


def test_cli_text_and_json(tmp_path: Path) -> None:
    build(tmp_path, COMPANIES, CHAIN)
    result = run_qtgov("ownership", "--repo", tmp_path, "--as-of", "2026-01-01")
    assert result.returncode == 0, result.stderr
    report = result.stdout.split("\n\n", 1)[1]
    assert report == (
        "Ownership as of 2026-01-01: 4 holding(s) in force\n"
        "\n"
        "Holdings\n"
        "  alpha → bravo: 60% equity, 60% votes, control sole (a-b, from 2025-01-01, open-ended)\n"
        "  alpha → charlie: 10% equity, 10% votes, control none (a-c, from 2025-01-01, open-ended)\n"
        "  bravo → charlie: 50% equity, 50% votes, control joint (b-c, from 2025-01-01, open-ended)\n"
        "  charlie → alpha: 20% equity, 20% votes, control none (c-a, from 2026-01-01, open-ended)\n"
        "\n"
        "Stakes (direct + through chains = total)\n"
        "  alpha in bravo: 60% + 0% = 60%\n"
        "  alpha in charlie: 10% + 30% = 40% (through alpha → bravo → charlie)\n"
        "  bravo in alpha: 0% + 10% = 10% (through bravo → charlie → alpha)\n"
        "  bravo in charlie: 50% + 0% = 50%\n"
        "  charlie in alpha: 20% + 0% = 20%\n"
        "  charlie in bravo: 0% + 12% = 12% (through charlie → alpha → bravo)\n"
        "\n"
        "Control groups (sole control: one economic unit)\n"
        "  alpha: alpha, bravo (controlled by alpha)\n"
        "\n"
        "Cross-holdings (companies that hold each other through a ring of holdings)\n"
        "  alpha, bravo, charlie\n"
    )
    result = run_qtgov("ownership", "--repo", tmp_path, "--as-of", "2025-06-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"qtgov", "disclaimer", "ownership", "unreadable"} <= set(payload)
    graph = payload["ownership"]
    assert graph["as_of"] == "2025-06-01" and graph["cycles"] == [] and graph["over_100"] == []
    assert graph["stakes"][1] == {
        "holder": "alpha",
        "issuer": "charlie",
        "direct_pct": 10,
        "voting_pct": 10,
        "control": "none",
        "agreements": ["a-c"],
        "indirect_pct": 30,
        "total_pct": 40,
        "chains": [["alpha", "bravo", "charlie"]],
    }
    assert graph["control_groups"] == [{"id": "alpha", "members": ["alpha", "bravo"], "controllers": ["alpha"]}]


def test_cli_fails_on_totals_over_100_and_unreadable_agreements(tmp_path: Path) -> None:
    build(
        tmp_path,
        COMPANIES,
        {
            "a-c": holding("a-c", "alpha", "charlie", 70.5),
            "b-c": holding("b-c", "bravo", "charlie", 40, control="none"),
        },
    )
    (tmp_path / "agreements" / "broken.yaml").write_text("id: broken\ntype: [\n", "utf-8")
    result = run_qtgov("ownership", "--repo", tmp_path, "--as-of", "2025-06-01")
    assert result.returncode == 1
    assert "Incomplete: 1 agreement file(s) could not be read: agreements/broken.yaml\n" in result.stdout
    assert result.stdout.endswith(
        "Totals over 100% (a missing termination or an overstated stake)\n"
        "  charlie: 110.5% of its equity and 110.5% of its votes (a-c, b-c)\n"
    )
    bad = run_qtgov("ownership", "--repo", tmp_path, "--as-of", "2025-13-01")
    assert bad.returncode == 2 and "--as-of '2025-13-01': give a date as YYYY-MM-DD" in bad.stderr


# ------------------------------------------------------------------ the handbook page


def test_handbook_page_draws_the_graph_escaped_in_both_languages_and_public_only(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    hostile = "<script>alert(1)</script> & Co"
    secret = holding("hub-gamma", "hub", "gamma", 40, control="none").replace(
        "visibility: public", "visibility: alliance"
    )
    build(
        repo,
        {
            "hub": member("hub", kind="hub"),
            "sub": member("sub", name={"en": hostile, "zh": hostile}),
            "gamma": member("gamma"),
        },
        {"hub-sub": holding("hub-sub", "hub", "sub"), "hub-gamma": secret},
    )
    out = tmp_path / "site"
    result = run_qtgov("build", "-C", repo, "--out", out, "--as-of", "2025-06-01")
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "en" / "ownership" / "index.html").read_text("utf-8")
    svg = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="qt-ownership"') :]
    svg = svg[: svg.index("</svg>")]
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co (sub)</title>" in svg
    assert "<script>alert" not in page and "alert(1)</script>" not in page
    assert ">100%</text>" in svg
    # The public edition shows public holdings only: the alliance-only stake is not drawn or named.
    assert "hub-gamma" not in page and "40%" not in svg and "40 %" not in page
    zh = (out / "zh" / "ownership" / "index.html").read_text("utf-8")
    assert "持股与控制" in zh and "<title>持股与控制</title>" in zh
    assert 'href="../../ownership/"' in (out / "en" / "members" / "sub" / "index.html").read_text("utf-8")
    assert 'href="ownership/"' in (out / "en" / "index.html").read_text("utf-8")
    internal = tmp_path / "internal"
    result = run_qtgov("build", "-C", repo, "--out", internal, "--as-of", "2025-06-01", "--audience", "alliance")
    assert result.returncode == 0, result.stdout + result.stderr
    inside = (internal / "en" / "ownership" / "index.html").read_text("utf-8")
    assert "hub-gamma" in inside and ">40%</text>" in inside


# ------------------------------------------------------------------ the engine against an oracle


@st.composite
def dated_models(draw: st.DrawFn) -> Model:
    """The property-test models of test_overlap_properties, with m1 and m2 in one control group
    only on some stretches of days (as the ownership timeline gives them)."""
    model: Model = draw(models())
    cuts = sorted(draw(st.lists(st.integers(DAYS[0], DAYS[-1]), min_size=1, max_size=4, unique=True)))
    bounds = [*cuts, POS]
    stretches = [(bounds[n], bounds[n + 1], "m1") for n in range(len(cuts)) if draw(st.booleans())]
    model.group = {}
    model.control = {"m1": tuple(stretches), "m2": tuple(stretches)}
    return model


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_models())
def test_intra_group_only_on_the_days_of_control(model: Model) -> None:
    periods = model.intra_periods("m1", "m2")
    entries = compute(model)
    by_pair = {(id(e.claims[0]), id(e.claims[1])): e for e in entries}
    for a, b in itertools.combinations(model.claims, 2):
        if a.member == b.member:
            continue
        if a.member > b.member:
            a, b = b, a
        entry = by_pair.get((id(a), id(b)))
        pieces = entry.pieces if entry else ()
        for p, q in itertools.combinations(pieces, 2):
            assert box_intersect(CHAINS, p.box, q.box) is None, (p, q)
        for point in POINTS:
            for day in DAYS:
                holders = [p for p in pieces if contains(p.box, point, day)]
                if not in_overlap(a, b, point, day):
                    assert holders == []
                    continue
                assert len(holders) == 1, (point, day, holders)
                together = (a.member, b.member) == ("m1", "m2") and any(s <= day < e for s, e in periods)
                expected = ("intra-group", None, None) if together else oracle(model, a, b, point, day)
                piece = holders[0]
                assert (piece.label, piece.holder, piece.agreement) == expected


def test_r1_judges_an_undated_draft_by_the_control_it_will_start_under(tmp_path: Path) -> None:
    draft = agreement(
        "split", ["hub", "sub"], [allocation(["edu/course"], ["CN-ZJ"], "hub")], status="draft", effective=None
    )
    held = build(
        tmp_path / "held", HUB_AND_SUB, {"split": draft, "hub-sub": holding("hub-sub", "hub", "sub", effective=T0)}
    )
    assert _r1(held) == []
    ended = build(
        tmp_path / "ended",
        HUB_AND_SUB,
        {"split": draft, "hub-sub": holding("hub-sub", "hub", "sub", effective=T0, term={"end": "2025-12-31"})},
    )
    assert [m for *_, m in _r1(ended)] == [
        "HIGH risk: horizontal allocation: edu/course × CN-ZJ × * is reserved to hub, restraining sub; hub and "
        "sub are potential competitors: their declared focus areas share the sector edu (competitor_depth 1) "
        "(in one control group with hub only on some of those days: sub 2025-01-01…2025-12-31). Prefer holder: "
        "shared with a cooperation note, and have counsel review any allocation that remains"
    ]
