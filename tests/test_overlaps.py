"""Market claims and overlaps (docs/design/overlaps.md): every worked example, plus the edges around them.

Each test writes a tiny alliance repository (YAML text, as members would write it), loads it
with `load_repository` (asserting every record is schema-valid) and compares the exact set of
labelled pieces.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from qtgov.findings import Finding, Severity
from qtgov.messages import render
from qtgov.overlaps import OverlapReport, analyse, render_text
from qtgov.records.index import Index
from qtgov.records.repo import load_repository
from qtgov.rules import overlaps as overlap_rules
from qtgov.rules import taxonomy as taxonomy_rules

T0 = "2025-01-01"

MARKETS = """\
scheme: qt-markets
version: 1
nodes:
  cloud: {name: Cloud}
  cloud/compute: {name: Compute}
  cloud/compute/gpu: {name: GPU}
  cloud/storage: {name: Storage}
  cloud/database: {name: Databases}
  edu: {name: Education}
  edu/course: {name: Courses}
retired:
  cloud/disk: cloud/storage
"""

SEGMENTS = """\
scheme: qt-segments
version: 1
nodes:
  smb: {name: Small businesses}
  enterprise: {name: Enterprises}
  edu: {name: Education}
  edu/k12: {name: K-12}
  edu/higher: {name: Higher education}
"""

GBT = """\
scheme: gbt4754-2017
version: 2017
nodes:
  i: {name: Information services}
  i/64: {name: Internet services}
"""


def alliance(aliases: str = "nested", severity: str = "warning") -> str:
    return f"""\
id: test-alliance
name: Test alliance
hub: hub
languages: [en, zh]
schemes:
  sector: qt-markets
  segment: qt-segments
region:
  aliases: {aliases}
legal:
  strict: false
  counsel:
    - id: counsel-a
      name: Counsel A
      commit_emails: [counsel@law.example]
      signing_keys: []
overlaps:
  severity: {severity}
publish:
  repository: public
  audience: public
"""


def claim(
    ident: str,
    sector: Sequence[str],
    region: Sequence[str],
    segment: Sequence[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    scheme: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ident}
    if scheme:
        out["scheme"] = scheme
    out["sector"] = list(sector)
    out["region"] = list(region)
    if segment is not None:
        out["segment"] = list(segment)
    if start or end:
        out["period"] = {"start": start or T0, **({"end": end} if end else {})}
    return out


def member(ident: str, claims: Sequence[dict[str, Any]] = (), *, kind: str = "member", **extra: Any) -> str:
    data: dict[str, Any] = {
        "id": ident,
        "kind": kind,
        "name": ident.title(),
        "status": "active",
        "visibility": "public",
        "joined": T0,
        **extra,
    }
    if claims:
        data["claims"] = list(claims)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def allocation(
    sector: Sequence[str],
    region: Sequence[str],
    holder: str,
    segment: Sequence[str] | None = None,
    period: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    scope: dict[str, Any] = {"sector": list(sector), "region": list(region)}
    if segment is not None:
        scope["segment"] = list(segment)
    if period is not None:
        scope["period"] = dict(period)
    return {"scope": scope, "holder": holder}


def agreement(
    ident: str,
    parties: Sequence[str],
    allocations: Sequence[dict[str, Any]] = (),
    *,
    status: str = "executed",
    effective: str | None = T0,
    review: str | None = None,
    kind: str = "market-boundary",
    terms: Mapping[str, Any] | None = None,
    **extra: Any,
) -> str:
    data: dict[str, Any] = {
        "id": ident,
        "type": kind,
        "title": f"Agreement {ident}",
        "version": 1,
        "status": status,
        "parties": [{"member": p} for p in parties],
        "visibility": "public",
    }
    if effective:
        data["effective"] = effective
    if review:
        data["legal_review"] = {"status": review, "reviewer": "counsel-a", "date": T0}
    data.update(extra)
    data["terms"] = dict(terms) if terms is not None else {"allocations": list(allocations)}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def shareholding(ident: str, holder: str, issuer: str, control: str = "sole", pct: int = 100) -> str:
    return agreement(
        ident,
        [holder, issuer],
        kind="shareholding",
        terms={
            "holder": holder,
            "issuer": issuer,
            "instrument": "ordinary-shares",
            "equity_pct": pct,
            "control": control,
        },
    )


def build(
    tmp_path: Path,
    members: Mapping[str, str],
    agreements: Mapping[str, str] | None = None,
    *,
    settings: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> Index:
    """Write a repository and load it; every record must be schema-valid."""
    files = {
        "charter/alliance.yaml": settings or alliance(),
        "charter/taxonomy/qt-markets.yaml": MARKETS,
        "charter/taxonomy/qt-segments.yaml": SEGMENTS,
        "charter/taxonomy/gbt4754-2017.yaml": GBT,
    }
    if "hub" not in members:
        files["members/hub.yaml"] = member("hub", kind="hub")
    files.update({f"members/{k}.yaml": v for k, v in members.items()})
    files.update({f"agreements/{k}.yaml": v for k, v in (agreements or {}).items()})
    files.update(extra or {})
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    loaded = load_repository(tmp_path, use_cache=False)
    assert loaded.findings == [], [f"{f.path}:{f.line} {f.message}" for f in loaded.findings]
    return loaded.index


PieceTuple = tuple[str, str | None, str | None, str | None, str | None, str | None, str | None, str | None]


def _ns(node: Mapping[str, Any] | None) -> str | None:
    if node is None:
        return None
    return node["node"] + (" except " + ", ".join(node["except"]) if node["except"] else "")


def pieces(report: OverlapReport, a: str = "acme", b: str = "beta") -> set[PieceTuple]:
    """(label, holder, agreement, sector, region, segment, start, end) of the pieces between two
    members (all their claim pairs)."""
    out: set[PieceTuple] = set()
    for entry in report.between(a, b):
        for p in entry.to_json()["pieces"]:
            out.add(
                (
                    p["label"],
                    p["holder"],
                    p["agreement"],
                    _ns(p["sector"]),
                    _ns(p["region"]),
                    _ns(p["segment"]),
                    p["period"]["start"],
                    p["period"]["end"],
                )
            )
    return out


def findings(index: Index, *checks: Any) -> list[Finding]:
    out: list[Finding] = []
    for check in checks:
        out.extend(check.check(index))
    return sorted(out, key=lambda f: f.sort_key)


# ------------------------------------------------------------------ the worked examples

EX2 = {
    "acme": member("acme", [claim("compute", ["cloud/compute"], ["CN"], start=T0)]),
    "beta": member("beta", [claim("gpu-sh", ["cloud/compute/gpu"], ["CN-SH"], ["edu"], start="2025-06-01")]),
}
EX2_BOX = ("cloud/compute/gpu", "CN-SH", "edu", "2025-06-01", None)


def test_example_1_unrelated_sectors_do_not_overlap(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("gpu", ["cloud/compute/gpu"], ["CN-ZJ"], ["smb"])]),
            "beta": member("beta", [claim("storage", ["cloud/storage"], ["CN-ZJ"], ["smb"])]),
        },
    )
    assert analyse(index).entries == []


def test_example_2_conflict_is_the_meet(tmp_path: Path) -> None:
    index = build(tmp_path, EX2)
    assert pieces(analyse(index)) == {("conflict", None, None, *EX2_BOX)}


def test_example_3_executed_shared_allocation(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {
            "share": agreement(
                "share", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN-SH"], "shared", ["edu"])]
            )
        },
    )
    assert pieces(analyse(index)) == {("shared", None, "share", *EX2_BOX)}


def test_example_4_allocation_without_review_is_blocked(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {"split": agreement("split", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN-SH"], "beta", ["*"])])},
    )
    assert pieces(analyse(index)) == {("blocked-review", "beta", "split", *EX2_BOX)}


@pytest.mark.parametrize("review", ["approved", "approved_with_conditions"])
def test_example_4b_approved_allocation_is_resolved(tmp_path: Path, review: str) -> None:
    legal_review: dict[str, Any] = {"status": review, "reviewer": "counsel-a", "date": T0}
    if review == "approved_with_conditions":
        legal_review["conditions"] = ["Review again in a year"]
    index = build(
        tmp_path,
        EX2,
        {
            "split": agreement(
                "split",
                ["acme", "beta"],
                [allocation(["cloud/compute/gpu"], ["CN-SH"], "beta")],
                legal_review=legal_review,
            )
        },
    )
    assert pieces(analyse(index)) == {("resolved", "beta", "split", *EX2_BOX)}


def test_example_5_allocation_covers_one_segment(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("db", ["cloud/database"], ["CN"], ["smb", "enterprise"])]),
            "beta": member("beta", [claim("db-gd", ["cloud/database"], ["CN-GD"], ["smb", "enterprise"])]),
        },
        {
            "gd-smb": agreement(
                "gd-smb",
                ["acme", "beta"],
                [allocation(["cloud/database"], ["CN-GD"], "beta", ["smb"])],
                review="approved",
            )
        },
    )
    assert pieces(analyse(index)) == {
        ("resolved", "beta", "gd-smb", "cloud/database", "CN-GD", "smb", T0, None),
        ("conflict", None, None, "cloud/database", "CN-GD", "enterprise", T0, None),
    }


def test_example_6_disjoint_periods_do_not_overlap(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("st", ["cloud/storage"], ["CN-ZJ"], start=T0, end="2025-12-31")]),
            "beta": member("beta", [claim("st", ["cloud/storage"], ["CN-ZJ"], start="2026-01-01")]),
        },
    )
    assert analyse(index).entries == []


EX6B = {
    "acme": member("acme", [claim("st", ["cloud/storage"], ["CN-ZJ"], start=T0)]),
    "beta": member("beta", [claim("st", ["cloud/storage"], ["CN-ZJ"], start=T0)]),
}


def test_example_6b_agreement_that_ends(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX6B,
        {
            "share": agreement(
                "share",
                ["acme", "beta"],
                [allocation(["cloud/storage"], ["CN-ZJ"], "shared")],
                term={"end": "2025-06-30"},
            )
        },
    )
    assert pieces(analyse(index)) == {
        ("shared", None, "share", "cloud/storage", "CN-ZJ", "*", T0, "2025-06-30"),
        ("conflict", None, None, "cloud/storage", "CN-ZJ", "*", "2025-07-01", None),
    }


def test_example_7_unrelated_segments_do_not_overlap(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("k12", ["edu/course"], ["CN"], ["edu/k12"])]),
            "beta": member("beta", [claim("higher", ["edu/course"], ["CN"], ["edu/higher"])]),
        },
    )
    assert analyse(index).entries == []


def test_example_7b_segment_ancestor_overlaps(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("k12", ["edu/course"], ["CN"], ["edu/k12"])]),
            "beta": member("beta", [claim("edu", ["edu/course"], ["CN"], ["edu"])]),
        },
    )
    assert pieces(analyse(index)) == {("conflict", None, None, "edu/course", "CN", "edu/k12", T0, None)}


def test_example_8_sole_control_is_intra_group(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "hub": member("hub", [claim("courses", ["edu/course"], ["CN"])], kind="hub"),
            "sub": member("sub", [claim("zj", ["edu/course"], ["CN-ZJ"])]),
        },
        {"hub-sub": shareholding("hub-sub", "hub", "sub")},
    )
    assert pieces(analyse(index), "hub", "sub") == {("intra-group", None, None, "edu/course", "CN-ZJ", "*", T0, None)}
    assert findings(index, overlap_rules.check_overlap) == []


def test_example_8b_minority_stake_is_not_a_group(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "hub": member("hub", [claim("courses", ["edu/course"], ["CN"])], kind="hub"),
            "sub": member("sub", [claim("zj", ["edu/course"], ["CN-ZJ"])]),
        },
        {"hub-sub": shareholding("hub-sub", "hub", "sub", control="none", pct=15)},
    )
    assert pieces(analyse(index), "hub", "sub") == {("conflict", None, None, "edu/course", "CN-ZJ", "*", T0, None)}


@pytest.mark.parametrize("status", ["draft", "proposed"])
def test_example_9_draft_is_pending(tmp_path: Path, status: str) -> None:
    index = build(
        tmp_path,
        EX2,
        {
            "share": agreement(
                "share",
                ["acme", "beta"],
                [allocation(["cloud/compute/gpu"], ["CN-SH"], "shared", ["edu"])],
                status=status,
                effective="on-execution",
            )
        },
    )
    assert pieces(analyse(index)) == {("pending", None, "share", *EX2_BOX)}


def test_example_10_different_schemes_are_unknown(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("net", ["i/64"], ["CN"], scheme="gbt4754-2017")]),
            "beta": member("beta", [claim("cloud", ["cloud"], ["CN-ZJ"])]),
        },
    )
    report = analyse(index)
    assert pieces(report) == {("unknown", None, None, None, "CN-ZJ", "*", T0, None)}
    (entry,) = report.entries
    assert entry.to_json()["pieces"][0]["schemes"] == ["gbt4754-2017", "qt-markets"]
    found = findings(index, overlap_rules.check_overlap_unknown)
    assert [(f.path, f.rule, f.severity) for f in found] == [
        ("members/acme.yaml", "overlap-unknown", Severity.WARNING),
        ("members/beta.yaml", "overlap-unknown", Severity.WARNING),
    ]
    assert [(r.message, render(r.message, "zh")) for r in found[0].related] == [
        ("beta's declared focus area 'cloud'", "beta 声明的重点领域 'cloud'"),
    ]
    assert findings(index, overlap_rules.check_overlap) == []


def test_maps_to_crosswalk_makes_schemes_comparable(tmp_path: Path) -> None:
    crosswalked = GBT.replace(
        "  i/64: {name: Internet services}\n",
        "  i/64:\n    name: Internet services\n    maps_to:\n      - {scheme: qt-markets, path: cloud/compute}\n",
    )
    members = {
        "acme": member("acme", [claim("net", ["i/64"], ["CN"], scheme="gbt4754-2017")]),
        "beta": member("beta", [claim("gpu", ["cloud/compute/gpu"], ["CN-ZJ"])]),
        "gamma": member("gamma", [claim("st", ["cloud/storage"], ["CN-ZJ"])]),
    }
    index = build(
        tmp_path,
        members,
        {
            "split": agreement(
                "split", ["acme", "beta"], [allocation(["cloud/compute"], ["CN"], "beta")], review="approved"
            )
        },
        extra={"charter/taxonomy/gbt4754-2017.yaml": crosswalked},
    )
    report = analyse(index)
    assert pieces(report) == {("resolved", "beta", "split", "cloud/compute/gpu", "CN-ZJ", "*", T0, None)}
    assert pieces(report, "acme", "gamma") == set()  # the crosswalk shows they do not meet
    assert findings(index, overlap_rules.check_overlap_unknown) == []


# ------------------------------------------------------------------------ further cases


def test_cancelled_and_rejected_agreements_are_ignored(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {
            "a-cancelled": agreement(
                "a-cancelled", ["acme", "beta"], [allocation(["cloud"], ["CN"], "shared")], status="cancelled"
            ),
            "b-rejected": agreement(
                "b-rejected", ["acme", "beta"], [allocation(["cloud"], ["CN"], "shared")], status="rejected"
            ),
        },
    )
    assert pieces(analyse(index)) == {("conflict", None, None, *EX2_BOX)}


def test_multi_party_agreement_counts_only_pairs_among_its_parties(tmp_path: Path) -> None:
    st = [claim("st", ["cloud/storage"], ["CN-ZJ"])]
    index = build(
        tmp_path,
        {
            "acme": member("acme", st),
            "beta": member("beta", st),
            "delta": member("delta"),
            "gamma": member("gamma", st),
        },
        {"trio": agreement("trio", ["acme", "beta", "delta"], [allocation(["cloud/storage"], ["CN-ZJ"], "shared")])},
    )
    report = analyse(index)
    box = ("cloud/storage", "CN-ZJ", "*", T0, None)
    assert pieces(report, "acme", "beta") == {("shared", None, "trio", *box)}
    assert pieces(report, "acme", "gamma") == {("conflict", None, None, *box)}
    assert pieces(report, "beta", "gamma") == {("conflict", None, None, *box)}


def test_three_party_allocation_to_a_third_member(tmp_path: Path) -> None:
    st = [claim("st", ["cloud/storage"], ["CN-ZJ"])]
    index = build(
        tmp_path,
        {"acme": member("acme", st), "beta": member("beta", st), "gamma": member("gamma", st)},
        {
            "trio": agreement(
                "trio",
                ["acme", "beta", "gamma"],
                [allocation(["cloud/storage"], ["CN-ZJ"], "gamma")],
                review="approved",
            )
        },
    )
    report = analyse(index)
    box = ("cloud/storage", "CN-ZJ", "*", T0, None)
    for a, b in (("acme", "beta"), ("acme", "gamma"), ("beta", "gamma")):
        assert pieces(report, a, b) == {("resolved", "gamma", "trio", *box)}


def test_agreement_covering_part_of_a_box_splits_period_sector_region(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("cloud", ["cloud"], ["CN"])]),
            "beta": member("beta", [claim("cloud", ["cloud"], ["CN"])]),
        },
        {
            "zj": agreement(
                "zj",
                ["acme", "beta"],
                [allocation(["cloud/storage"], ["CN-ZJ"], "shared")],
                effective="2025-03-01",
                term={"end": "2025-12-31"},
            )
        },
    )
    mid = ("2025-03-01", "2025-12-31")
    assert pieces(analyse(index)) == {
        ("conflict", None, None, "cloud", "CN", "*", T0, "2025-02-28"),
        ("conflict", None, None, "cloud", "CN", "*", "2026-01-01", None),
        ("conflict", None, None, "cloud except cloud/storage", "CN", "*", *mid),
        ("conflict", None, None, "cloud/storage", "CN except CN-ZJ", "*", *mid),
        ("shared", None, "zj", "cloud/storage", "CN-ZJ", "*", *mid),
    }


def test_residual_reads_naturally(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("db", ["cloud/database"], ["CN"])]),
            "beta": member("beta", [claim("db", ["cloud/database"], ["CN"])]),
        },
        {
            "zj": agreement(
                "zj", ["acme", "beta"], [allocation(["cloud/database"], ["CN-ZJ"], "beta")], review="approved"
            )
        },
    )
    report = analyse(index)
    texts = [p.text() for _, p in report.pieces()]
    assert texts == ["cloud/database × CN except CN-ZJ × * × 2025-01-01…", "cloud/database × CN-ZJ × * × 2025-01-01…"]
    assert [p.label for _, p in report.pieces()] == ["conflict", "resolved"]
    assert report.to_json()["overlaps"][0]["pieces"][0]["region"] == {"node": "CN", "except": ["CN-ZJ"]}


def test_later_agreement_wins_and_drafts_come_last(tmp_path: Path) -> None:
    scope = allocation(["cloud/storage"], ["CN-ZJ"], "beta")
    index = build(
        tmp_path,
        EX6B,
        {
            "a-old": agreement("a-old", ["acme", "beta"], [allocation(["cloud/storage"], ["CN-ZJ"], "shared")]),
            "b-new": agreement("b-new", ["acme", "beta"], [scope], effective="2025-07-01", review="approved"),
            "c-draft": agreement("c-draft", ["acme", "beta"], [scope], status="draft", effective=T0),
        },
    )
    # b-new (latest effective) labels from 2025-07-01; a-old covers the rest; the draft nothing.
    assert pieces(analyse(index)) == {
        ("shared", None, "a-old", "cloud/storage", "CN-ZJ", "*", T0, "2025-06-30"),
        ("resolved", "beta", "b-new", "cloud/storage", "CN-ZJ", "*", "2025-07-01", None),
    }


def test_draft_uses_its_stated_dates(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX6B,
        {
            "draft": agreement(
                "draft",
                ["acme", "beta"],
                [allocation(["cloud/storage"], ["CN-ZJ"], "beta")],
                status="proposed",
                effective="2025-04-01",
                term={"end": "2025-09-30"},
            )
        },
    )
    assert pieces(analyse(index)) == {
        ("conflict", None, None, "cloud/storage", "CN-ZJ", "*", T0, "2025-03-31"),
        ("pending", "beta", "draft", "cloud/storage", "CN-ZJ", "*", "2025-04-01", "2025-09-30"),
        ("conflict", None, None, "cloud/storage", "CN-ZJ", "*", "2025-10-01", None),
    }


def test_open_claims_against_a_terminated_agreement(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX6B,
        {
            "share": agreement(
                "share",
                ["acme", "beta"],
                [allocation(["cloud/storage"], ["CN-ZJ"], "shared")],
                status="terminated",
                termination={"date": "2025-09-30", "reason": "Both exit the market"},
            )
        },
    )
    assert pieces(analyse(index)) == {
        ("shared", None, "share", "cloud/storage", "CN-ZJ", "*", T0, "2025-09-30"),
        ("conflict", None, None, "cloud/storage", "CN-ZJ", "*", "2025-10-01", None),
    }


def test_amendment_takes_over_from_its_effective_day(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX6B,
        {
            "v1": agreement("v1", ["acme", "beta"], [allocation(["cloud/storage"], ["CN-ZJ"], "shared")]),
            "v2": agreement(
                "v2",
                ["acme", "beta"],
                [
                    allocation(
                        ["cloud/storage"], ["CN-ZJ"], "shared", period={"start": "2025-05-01", "end": "2025-05-31"}
                    )
                ],
                effective="2025-05-01",
                amends="v1",
            ),
        },
    )
    assert pieces(analyse(index)) == {
        ("shared", None, "v1", "cloud/storage", "CN-ZJ", "*", T0, "2025-04-30"),
        ("shared", None, "v2", "cloud/storage", "CN-ZJ", "*", "2025-05-01", "2025-05-31"),
        ("conflict", None, None, "cloud/storage", "CN-ZJ", "*", "2025-06-01", None),
    }


@pytest.mark.parametrize(("auto", "expected_end"), [(True, None), (False, "2025-12-31")])
def test_auto_renewal_keeps_the_agreement_in_force(tmp_path: Path, auto: bool, expected_end: str | None) -> None:
    index = build(
        tmp_path,
        EX6B,
        {
            "share": agreement(
                "share",
                ["acme", "beta"],
                [allocation(["cloud/storage"], ["CN-ZJ"], "shared")],
                term={"duration": "P12M"},
                renewal={"auto": auto, "period": "P12M"},
            )
        },
    )
    got = pieces(analyse(index))
    assert ("shared", None, "share", "cloud/storage", "CN-ZJ", "*", T0, expected_end) in got
    assert len(got) == (1 if auto else 2)


@pytest.mark.parametrize(("aliases", "overlap"), [("nested", True), ("separate", False)])
def test_region_aliases_decide_whether_hk_is_inside_cn(tmp_path: Path, aliases: str, overlap: bool) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("cn", ["cloud"], ["CN"])]),
            "beta": member("beta", [claim("hk", ["cloud"], ["CN-HK"])]),
            "gamma": member("gamma", [claim("hk", ["cloud"], ["HK"])]),
        },
        settings=alliance(aliases),
    )
    report = analyse(index)
    expected = {("conflict", None, None, "cloud", "HK", "*", T0, None)}
    assert pieces(report, "acme", "beta") == (expected if overlap else set())
    assert pieces(report, "acme", "gamma") == (expected if overlap else set())
    # CN-HK and HK are one region whatever the setting.
    assert pieces(report, "beta", "gamma") == expected


def test_old_numeric_cn_code_is_the_same_region(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("zj", ["cloud"], ["CN-33"])]),
            "beta": member("beta", [claim("zj", ["cloud/storage"], ["CN-ZJ"])]),
        },
    )
    assert pieces(analyse(index)) == {("conflict", None, None, "cloud/storage", "CN-ZJ", "*", T0, None)}
    (info,) = findings(index, taxonomy_rules.check_region_code)
    assert (info.path, info.line, info.severity, info.rule) == ("members/acme.yaml", 12, Severity.INFO, "region-code")
    assert "'CN-ZJ'" in info.message


def test_retired_taxonomy_path_still_overlaps(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("disk", ["cloud/disk"], ["CN-ZJ"])]),
            "beta": member("beta", [claim("st", ["cloud/storage"], ["CN-ZJ"])]),
        },
    )
    assert pieces(analyse(index)) == {("conflict", None, None, "cloud/storage", "CN-ZJ", "*", T0, None)}
    (info,) = findings(index, taxonomy_rules.check_taxonomy_path)
    assert (info.path, info.line, info.column, info.severity) == ("members/acme.yaml", 10, 5, Severity.INFO)
    assert "write 'cloud/storage'" in info.message


def test_sister_companies_are_one_group(tmp_path: Path) -> None:
    zj = [claim("zj", ["edu/course"], ["CN-ZJ"])]
    index = build(
        tmp_path,
        {"hub": member("hub", kind="hub"), "sub-a": member("sub-a", zj), "sub-b": member("sub-b", zj)},
        {"hub-a": shareholding("hub-a", "hub", "sub-a"), "hub-b": shareholding("hub-b", "hub", "sub-b")},
    )
    assert pieces(analyse(index), "sub-a", "sub-b") == {
        ("intra-group", None, None, "edu/course", "CN-ZJ", "*", T0, None)
    }


def test_membership_bounds_the_claims(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("st", ["cloud/storage"], ["CN-ZJ"])], joined="2025-03-01"),
            "beta": member("beta", [claim("st", ["cloud/storage"], ["CN-ZJ"], start="2024-01-01")], left="2025-08-31"),
        },
    )
    assert pieces(analyse(index)) == {
        ("conflict", None, None, "cloud/storage", "CN-ZJ", "*", "2025-03-01", "2025-08-31")
    }


def test_member_without_joined_date_has_an_open_start(tmp_path: Path) -> None:
    prospect = yaml.safe_load(member("acme", [claim("st", ["cloud/storage"], ["CN-ZJ"])]))
    del prospect["joined"]
    prospect["status"] = "prospective"
    index = build(
        tmp_path,
        {
            "acme": yaml.safe_dump(prospect, sort_keys=False),
            "beta": member("beta", [claim("st", ["cloud/storage"], ["CN-ZJ"])], joined="2020-01-01"),
            "gamma": yaml.safe_dump({**prospect, "id": "gamma", "name": "Gamma"}, sort_keys=False),
        },
    )
    report = analyse(index)
    assert pieces(report) == {("conflict", None, None, "cloud/storage", "CN-ZJ", "*", "2020-01-01", None)}
    assert pieces(report, "acme", "gamma") == {("conflict", None, None, "cloud/storage", "CN-ZJ", "*", None, None)}
    assert "cloud/storage × CN-ZJ × * × …" in render_text(report)


def test_as_of_keeps_the_pieces_containing_the_day(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX6B,
        {
            "share": agreement(
                "share",
                ["acme", "beta"],
                [allocation(["cloud/storage"], ["CN-ZJ"], "shared")],
                term={"end": "2025-06-30"},
            )
        },
    )
    assert {p[0] for p in pieces(analyse(index, dt.date(2025, 3, 1)))} == {"shared"}
    assert {p[0] for p in pieces(analyse(index, dt.date(2025, 6, 30)))} == {"shared"}
    assert {p[0] for p in pieces(analyse(index, dt.date(2025, 7, 1)))} == {"conflict"}
    assert analyse(index, dt.date(2024, 12, 31)).entries == []
    assert analyse(index, dt.date(2025, 7, 1)).to_json()["as_of"] == "2025-07-01"


def test_member_filter(tmp_path: Path) -> None:
    st = [claim("st", ["cloud/storage"], ["CN-ZJ"])]
    index = build(tmp_path, {"acme": member("acme", st), "beta": member("beta", st), "gamma": member("gamma", st)})
    assert {e.members for e in analyse(index, member="gamma").entries} == {("acme", "gamma"), ("beta", "gamma")}
    assert len(analyse(index).entries) == 3


def test_redundant_claim_lists_give_one_piece(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member("acme", [claim("ca", ["cloud", "cloud/storage"], ["CN", "CN-ZJ"])]),
            "beta": member("beta", [claim("cb", ["cloud/storage", "cloud/database"], ["CN-ZJ", "CN-SH"])]),
        },
    )
    assert pieces(analyse(index)) == {
        ("conflict", None, None, "cloud/database", "CN-SH", "*", T0, None),
        ("conflict", None, None, "cloud/database", "CN-ZJ", "*", T0, None),
        ("conflict", None, None, "cloud/storage", "CN-SH", "*", T0, None),
        ("conflict", None, None, "cloud/storage", "CN-ZJ", "*", T0, None),
    }


def test_claims_of_one_member_never_overlap(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {"acme": member("acme", [claim("ca", ["cloud"], ["CN"]), claim("cb", ["cloud/storage"], ["CN-ZJ"])])},
    )
    assert analyse(index).entries == []


def test_record_order_does_not_change_labels(tmp_path: Path) -> None:
    def repo(reverse: bool, where: Path) -> OverlapReport:
        claims = [claim("ca", ["cloud/storage", "cloud/database"], ["CN-ZJ", "CN-SH"]), claim("cb", ["edu"], ["CN"])]
        parties = ["acme", "beta", "gamma"]
        if reverse:
            claims = [
                {**c, "sector": list(reversed(c["sector"])), "region": list(reversed(c["region"]))}
                for c in reversed(claims)
            ]
            parties.reverse()
        return analyse(
            build(
                where,
                {"acme": member("acme", claims), "beta": member("beta", claims), "gamma": member("gamma", claims)},
                {
                    "ag-x": agreement("ag-x", parties, [allocation(["cloud/storage"], ["CN"], "shared")]),
                    "ag-y": agreement(
                        "ag-y",
                        [p for p in parties if p != "gamma"],
                        [allocation(["cloud"], ["CN-SH"], "beta")],
                        review="approved",
                    ),
                },
            )
        )

    def strip(report: OverlapReport) -> list[Any]:
        out = []
        for entry in report.to_json()["overlaps"]:
            out.append(([c["claim"] for c in entry["claims"]], entry["members"], entry["pieces"]))
        return sorted(out, key=json.dumps)

    assert strip(repo(False, tmp_path / "one")) == strip(repo(True, tmp_path / "two"))


# ------------------------------------------------------------------------------ output


def test_json_shape(tmp_path: Path) -> None:
    index = build(tmp_path, EX2)
    data = analyse(index).to_json()
    assert set(data) >= {"qtgov", "disclaimer", "overlaps"}
    (entry,) = data["overlaps"]
    assert entry["members"] == ["acme", "beta"]
    assert entry["claims"][0] == {
        "member": "acme",
        "claim": "compute",
        "path": "members/acme.yaml",
        "line": 9,
        "column": 3,
        "scheme": "qt-markets",
    }
    (piece,) = entry["pieces"]
    assert {k: piece[k] for k in ("label", "holder", "agreement", "sector", "region", "segment", "period")} == {
        "label": "conflict",
        "holder": None,
        "agreement": None,
        "sector": {"node": "cloud/compute/gpu", "except": []},
        "region": {"node": "CN-SH", "except": []},
        "segment": {"node": "edu", "except": []},
        "period": {"start": "2025-06-01", "end": None},
    }
    json.dumps(data)  # serialisable as it is


_TEXT = {
    "en": [
        "Overlaps to coordinate between declared focus areas",
        "1 pair of claims; conflict 1",
        "",
        "acme ↔ beta",
        "  acme claim compute: members/acme.yaml:9",
        "  beta claim gpu-sh: members/beta.yaml:9",
        "  Piece                                          Label     Holder  Agreement",
        "  cloud/compute/gpu × CN-SH × edu × 2025-06-01…  conflict  —       —",
    ],
    "zh": [
        "声明的重点领域之间待协调的重叠",
        "1 对重点领域声明；冲突 1",
        "",
        "acme ↔ beta",
        "  acme 的重点领域声明 compute：members/acme.yaml:9",
        "  beta 的重点领域声明 gpu-sh：members/beta.yaml:9",
        "  部分                                           标签  持有方  协议",
        "  cloud/compute/gpu × CN-SH × edu × 2025-06-01…  冲突  —       —",
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_render_text(tmp_path: Path, lang: str) -> None:
    from qtgov import disclaimer

    index = build(tmp_path, EX2)
    text = render_text(analyse(index), lang)
    assert text.startswith(disclaimer.TEXT + "\n\n")
    assert text[len(disclaimer.TEXT) + 2 :].splitlines() == _TEXT[lang]
    dated = render_text(analyse(index, as_of=dt.date(2025, 7, 1)), lang).splitlines()
    as_of = {"en": " (as of 2025-07-01)", "zh": "（截至 2025-07-01）"}
    assert dated[disclaimer.TEXT.count("\n") + 2] == _TEXT[lang][0] + as_of[lang]
    none = {"en": "No declared focus areas overlap.", "zh": "声明的重点领域之间没有重叠。"}
    empty = render_text(OverlapReport(), lang)
    assert empty == f"{disclaimer.TEXT}\n\n{_TEXT[lang][0]}\n{none[lang]}\n"


# ------------------------------------------------------------------------------- rules


def test_overlap_finding_sits_on_the_claim_that_entered_last_with_the_other_related(tmp_path: Path) -> None:
    # Both joined on T0; beta's claim starts later, so beta's file shows the overlap.
    index = build(tmp_path, EX2)
    found = findings(index, overlap_rules.check_overlap)
    assert [(f.path, f.line, f.column, f.rule, f.severity, f.pointer) for f in found] == [
        ("members/beta.yaml", 9, 3, "overlap", Severity.WARNING, "/claims/0/sector"),
    ]
    assert found[0].message == (
        "declared focus area 'gpu-sh' of beta overlaps acme's 'compute' on cloud/compute/gpu × CN-SH × edu × "
        "2025-06-01…: an overlap to coordinate that no agreement between them covers yet (conflict)"
    )
    assert [(r.path, r.line, r.column, r.message) for r in found[0].related] == [
        ("members/acme.yaml", 9, 3, "acme's declared focus area 'compute'")
    ]
    assert "infringe" not in found[0].message
    for rule in (overlap_rules.check_overlap, overlap_rules.check_overlap_unknown):
        assert "declared focus areas" in rule.doc and "overlaps to coordinate" in rule.doc
        assert "infringement" not in rule.doc


def test_overlap_severity_follows_the_alliance_setting(tmp_path: Path) -> None:
    index = build(tmp_path, EX2, settings=alliance(severity="error"))
    assert {f.severity for f in findings(index, overlap_rules.check_overlap)} == {Severity.ERROR}


def test_resolved_shared_and_intra_group_raise_no_overlap_finding(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {"share": agreement("share", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN-SH"], "shared")])},
    )
    assert findings(index, overlap_rules.check_overlap) == []


@pytest.mark.parametrize(("status", "label"), [("draft", "pending"), ("executed", "blocked-review")])
def test_pending_and_blocked_review_are_findings(tmp_path: Path, status: str, label: str) -> None:
    index = build(
        tmp_path,
        EX2,
        {
            "ag-x": agreement(
                "ag-x", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN-SH"], "beta")], status=status
            )
        },
    )
    (found,) = findings(index, overlap_rules.check_overlap)
    why = {
        "pending": "covered only by agreement 'ag-x', which is not executed yet",
        "blocked-review": "allocated to beta by agreement 'ag-x', which resolves nothing until counsel approves "
        "its legal_review",
    }[label]
    assert (found.path, found.line, found.message) == (
        "members/beta.yaml",
        9,
        f"declared focus area 'gpu-sh' of beta overlaps acme's 'compute' on cloud/compute/gpu × CN-SH × edu × "
        f"2025-06-01…: {why} ({label})",
    )


def test_claim_allocated_elsewhere(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {"split": agreement("split", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN-SH"], "beta")])},
    )
    (found,) = findings(index, overlap_rules.check_claim_allocated_elsewhere)
    assert (found.path, found.line, found.rule, found.severity) == (
        "members/acme.yaml",
        9,
        "claim-allocated-elsewhere",
        Severity.WARNING,
    )
    assert "cloud/compute/gpu × CN-SH × * × 2025-01-01…" in found.message
    assert found.related[0].path == "agreements/split.yaml"
    assert found.related[0].message == "the allocation to beta in 'split'"
    assert render(found.related[0].message, "zh") == "'split' 中给 beta 的分配"


def test_claim_allocated_elsewhere_needs_a_party(tmp_path: Path) -> None:
    members = dict(EX2, gamma=member("gamma", [claim("gpu", ["cloud/compute/gpu"], ["CN"])]))
    index = build(
        tmp_path,
        members,
        {"split": agreement("split", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN-SH"], "beta")])},
    )
    assert {f.path for f in findings(index, overlap_rules.check_claim_allocated_elsewhere)} == {"members/acme.yaml"}


def test_allocation_self_overlap(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {
            "ag-x": agreement(
                "ag-x",
                ["acme", "beta"],
                [
                    allocation(["cloud"], ["CN"], "shared"),
                    allocation(["cloud/storage"], ["CN-ZJ"], "beta", ["smb"]),
                    allocation(["edu"], ["CN"], "acme"),
                ],
            )
        },
    )
    (found,) = findings(index, overlap_rules.check_allocation_self_overlap)
    assert (found.path, found.rule, found.severity, found.pointer) == (
        "agreements/ag-x.yaml",
        "allocation-self-overlap",
        Severity.ERROR,
        "/terms/allocations/1",
    )
    assert "cloud/storage × CN-ZJ × smb" in found.message
    assert [(r.path, r.message, render(r.message, "zh")) for r in found.related] == [
        ("agreements/ag-x.yaml", "allocation 1 of 'ag-x'", "'ag-x' 的第 1 项分配"),
    ]


def test_allocation_contradiction(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {
            "ag-x": agreement("ag-x", ["acme", "beta"], [allocation(["cloud/compute"], ["CN-SH"], "beta")]),
            "ag-y": agreement(
                "ag-y", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN"], "acme")], effective="2025-06-01"
            ),
            "ag-z": agreement(
                "ag-z", ["acme", "beta"], [allocation(["cloud/compute/gpu"], ["CN-SH"], "beta")], status="draft"
            ),
        },
    )
    found = findings(index, overlap_rules.check_allocation_contradiction)
    assert [(f.path, f.severity) for f in found] == [
        ("agreements/ag-x.yaml", Severity.ERROR),
        ("agreements/ag-y.yaml", Severity.ERROR),
    ]
    assert "cloud/compute/gpu × CN-SH × * × 2025-06-01…" in found[0].message
    assert [(r.message, render(r.message, "zh")) for r in found[0].related] == [
        ("allocation 1 of 'ag-y'", "'ag-y' 的第 1 项分配"),
    ]


def test_allocation_pre_emptive(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        EX2,
        {
            "ag-x": agreement(
                "ag-x",
                ["acme", "beta"],
                [allocation(["cloud/compute/gpu"], ["CN-SH"], "beta"), allocation(["edu"], ["CN"], "acme")],
                review="approved",
            ),
            "ag-y": agreement("ag-y", ["acme", "beta"], [allocation(["cloud/storage"], ["CN"], "shared")]),
        },
    )
    found = findings(index, overlap_rules.check_allocation_pre_emptive)
    assert [(f.path, f.pointer, f.severity) for f in found] == [
        ("agreements/ag-x.yaml", "/terms/allocations/1", Severity.INFO)
    ]


def test_taxonomy_path_errors(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {
            "acme": member(
                "acme",
                [
                    claim("ca", ["cloud/nope"], ["CN"], ["smb", "nobody"]),
                    claim("cb", ["x/1"], ["CN"], scheme="missing-scheme"),
                ],
            )
        },
        {"ag-x": agreement("ag-x", ["acme", "hub"], [allocation(["cloud/gone"], ["CN"], "shared")])},
    )
    found = findings(index, taxonomy_rules.check_taxonomy_path)
    assert [(f.path, f.line, f.severity) for f in found] == [
        ("agreements/ag-x.yaml", 15, Severity.ERROR),
        ("members/acme.yaml", 10, Severity.ERROR),
        ("members/acme.yaml", 15, Severity.ERROR),
        ("members/acme.yaml", 17, Severity.ERROR),
    ]
    assert "'cloud/gone' is not a node of the 'qt-markets' taxonomy" in found[0].message
    assert "'nobody'" in found[2].message
    assert "'missing-scheme'" in found[3].message


def test_region_code_errors(tmp_path: Path) -> None:
    index = build(
        tmp_path,
        {"acme": member("acme", [claim("ca", ["cloud"], ["CN", "CN-ZZ", "XX"])], jurisdiction="CN-99")},
    )
    found = findings(index, taxonomy_rules.check_region_code)
    assert [(f.line, f.severity) for f in found] == [(7, Severity.ERROR), (14, Severity.ERROR), (15, Severity.ERROR)]


def test_taxonomy_tree_errors(tmp_path: Path) -> None:
    broken = """\
scheme: broken
version: 1
nodes:
  a: {name: A}
  b/c: {name: C}
  a/x:
    name: X
    maps_to:
      - {scheme: qt-markets, path: cloud/nowhere}
retired:
  old: gone
"""
    index = build(tmp_path, {}, extra={"charter/taxonomy/broken.yaml": broken})
    found = findings(index, taxonomy_rules.check_taxonomy_tree)
    assert [(f.path, f.line, f.severity) for f in found] == [
        ("charter/taxonomy/broken.yaml", 5, Severity.ERROR),
        ("charter/taxonomy/broken.yaml", 9, Severity.ERROR),
        ("charter/taxonomy/broken.yaml", 11, Severity.ERROR),
    ]
    assert findings(build(tmp_path / "ok", {}), taxonomy_rules.check_taxonomy_tree) == []


def test_rules_are_registered() -> None:
    from qtgov.rules import RULES

    for rule_id in (
        "overlap",
        "overlap-unknown",
        "claim-allocated-elsewhere",
        "allocation-self-overlap",
        "allocation-contradiction",
        "allocation-pre-emptive",
        "taxonomy-path",
        "region-code",
        "taxonomy-tree",
    ):
        assert rule_id in RULES and RULES[rule_id].doc and RULES[rule_id].check is not None


def test_a_long_list_of_boxes_ends_with_how_many_more_in_both_languages() -> None:
    said = overlap_rules._listed(["a × CN × * × …", "b × CN × * × …", "c × CN × * × …", "d × CN × * × …"])
    assert said == "a × CN × * × …; b × CN × * × …; c × CN × * × …; and 1 more"
    assert render(said, "zh") == "a × CN × * × …；b × CN × * × …；c × CN × * × …；另有 1 处"
    assert overlap_rules._listed(["a", "b"]) == "a; b"
    assert render(overlap_rules._listed(["a", "b"]), "zh") == "a；b"
