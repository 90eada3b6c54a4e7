"""Antitrust risk flags R1–R9 (docs/design/antitrust.md): each rule firing and not firing, at exact positions,
with its risk level, and legal.strict / legal review deciding the severity."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qtgov.findings import Finding, Severity
from qtgov.records.hashing import content_sha256
from qtgov.records.index import Index
from qtgov.records.repo import load_repository
from qtgov.rules import RULES, all_rules
from qtgov.validate import run_checks

PIN = "a" * 64  # replaced by the agreement's real content hash (see `_pin`)

ALLIANCE = """\
id: test-alliance
name: Test alliance
{hub}languages: [en]
schemes:
  sector: sectors
  segment: segments
competitor_depth: {depth}
legal:
  strict: {strict}
  counsel:
    - id: counsel-a
      name: Counsel A
      commit_emails: [1+counsel-a@users.noreply.github.com]
      signing_keys: []
publish:
  repository: private
"""

SECTORS = """\
scheme: sectors
version: 1
nodes:
  cloud: {name: Cloud}
  cloud/compute: {name: Compute}
  cloud/compute/gpu: {name: GPU}
  cloud/computer: {name: Computers}
  cloud/storage: {name: Storage}
  edu: {name: Education}
  edu/course: {name: Courses}
"""

SEGMENTS = """\
scheme: segments
version: 1
nodes:
  smb: {name: Small businesses}
"""


def _member(ident: str, kind: str = "member", sectors: tuple[str, ...] = ()) -> str:
    text = f"id: {ident}\nkind: {kind}\nname: {ident.title()}\nstatus: active\njoined: 2024-01-01\nvisibility: public\n"
    if sectors:
        text += "claims:\n" + "".join(
            f"  - id: c{i}\n    sector: [{s}]\n    region: [CN]\n" for i, s in enumerate(sectors)
        )
    return text


MEMBERS = {
    "members/hub.yaml": _member("hub", "hub", ("edu",)),
    "members/acme.yaml": _member("acme", sectors=("cloud/compute",)),
    "members/beta.yaml": _member("beta", sectors=("cloud/storage",)),
    "members/gamma.yaml": _member("gamma", sectors=("edu/course",)),
    "members/delta.yaml": _member("delta"),
    "members/epsilon.yaml": _member("epsilon", sectors=("cloud/computer",)),
}

NO_TERM = "governing_law: CN\ndispute: Arbitration"  # two lines, like `term:\n  end: …`


def head(
    ident: str,
    kind: str,
    *,
    status: str = "proposed",
    parties: tuple[str, str] = ("acme", "beta"),
    visibility: str = "alliance",
    term: str = "term:\n  end: 2025-12-31",
) -> str:
    """Lines 1-12 of an agreement; `terms:` is then line 13."""
    return (
        f"id: {ident}\ntype: {kind}\ntitle: Agreement {ident}\nversion: 1\nstatus: {status}\nparties:\n"
        f"  - member: {parties[0]}\n  - member: {parties[1]}\neffective: 2025-01-01\n{term}\n"
        f"visibility: {visibility}\n"
    )


ALLOCATION = """\
terms:
  allocations:
    - scope:
        sector: [cloud/compute/gpu]
        region: [CN-SH]
        segment: [smb]
      holder: {holder}
"""  # holder value: line 19, column 15


def allocation(ident: str = "mb-1", holder: str = "beta", **kw: str) -> str:
    parties = kw.pop("parties", "acme,beta").split(",")
    return head(ident, "market-boundary", parties=(parties[0], parties[1]), **kw) + ALLOCATION.format(holder=holder)


def review(status: str = "approved", reviewer: str = "counsel-a", pin: str = PIN) -> str:
    return f"legal_review:\n  status: {status}\n  reviewer: {reviewer}\n  date: 2025-02-01\n  content_sha256: {pin}\n"


def _pin(root: Path) -> None:
    """Replace every PIN in agreements with the agreement's current content hash."""
    loaded = load_repository(root, use_cache=False)
    for record in loaded.index.agreements.values():
        path = root / record.path
        path.write_text(path.read_text(encoding="utf-8").replace(PIN, content_sha256(record.data)), encoding="utf-8")


def repo(
    tmp_path: Path,
    files: dict[str, str],
    *,
    strict: bool = False,
    depth: int = 1,
    hub: bool = True,
) -> Index:
    """A schema-valid mini repository with `files` on top of the defaults, loaded."""
    defaults = {
        "charter/alliance.yaml": ALLIANCE.format(
            hub="hub: hub\n" if hub else "", depth=depth, strict="true" if strict else "false"
        ),
        "charter/taxonomy/sectors.yaml": SECTORS,
        "charter/taxonomy/segments.yaml": SEGMENTS,
        **MEMBERS,
    }
    for relpath, text in {**defaults, **files}.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _pin(tmp_path)
    loaded = load_repository(tmp_path, use_cache=False)
    assert loaded.findings == []
    return loaded.index


def found(rule_id: str, index: Index) -> list[tuple[str, int, int, str, str]]:
    check = {r.id: r for r in all_rules()}[rule_id].check
    assert check is not None
    return sorted((f.path, f.line, f.column, str(f.severity), f.message) for f in check(index))


def where(rule_id: str, index: Index) -> list[tuple[str, int, int, str, str]]:
    """(path, line, column, severity, risk prefix) of a rule's findings."""
    return [(p, line, col, sev, msg.split(":", 1)[0]) for p, line, col, sev, msg in found(rule_id, index)]


A = "agreements/mb-1.yaml"


# ------------------------------------------------------------------------------- R1


def test_r1_high_between_potential_competitors(tmp_path: Path) -> None:
    index = repo(tmp_path, {A: allocation()})  # acme cloud/compute, beta cloud/storage: share `cloud`
    [(path, line, col, sev, msg)] = found("r1-horizontal-allocation", index)
    assert (path, line, col, sev) == (A, 19, 15, "warning")
    assert msg.startswith("HIGH risk: horizontal allocation: cloud/compute/gpu × CN-SH × smb is reserved to beta")
    assert "share the sector cloud (competitor_depth 1)" in msg
    assert "declared focus areas" in msg
    assert "acknowledged" not in msg


def test_r1_medium_in_different_sectors(tmp_path: Path) -> None:
    index = repo(tmp_path, {A: allocation(parties="beta,gamma", holder="gamma")})
    assert where("r1-horizontal-allocation", index) == [(A, 19, 15, "warning", "MEDIUM risk")]


def test_r1_competitor_depth_compares_whole_segments(tmp_path: Path) -> None:
    # At depth 2 cloud/compute and cloud/storage differ, and cloud/compute is no ancestor of cloud/computer.
    files = {A: allocation(), "agreements/mb-2.yaml": allocation("mb-2", parties="acme,epsilon", holder="epsilon")}
    index = repo(tmp_path, files, depth=2)
    assert where("r1-horizontal-allocation", index) == [
        (A, 19, 15, "warning", "MEDIUM risk"),
        ("agreements/mb-2.yaml", 19, 15, "warning", "MEDIUM risk"),
    ]
    index = repo(tmp_path, {"members/beta.yaml": _member("beta", sectors=("cloud/compute/gpu",))}, depth=2)
    assert where("r1-horizontal-allocation", index)[0] == (A, 19, 15, "warning", "HIGH risk")


def test_r1_high_when_a_party_has_no_claims(tmp_path: Path) -> None:
    index = repo(tmp_path, {A: allocation(parties="acme,delta", holder="acme")})
    [(_, _, _, _, msg)] = found("r1-horizontal-allocation", index)
    assert msg.startswith("HIGH risk:") and "delta has no declared focus areas" in msg


def test_r1_not_for_shared_cancelled_or_one_control_group(tmp_path: Path) -> None:
    files = {
        A: allocation(holder="shared"),
        "agreements/mb-2.yaml": allocation("mb-2", status="cancelled"),
        "agreements/mb-3.yaml": allocation("mb-3", parties="hub,gamma", holder="gamma"),
        # hub controls gamma solely: one economic unit (docs/design/overlaps.md example 8)
        "agreements/sh-1.yaml": head("sh-1", "shareholding", status="executed", parties=("hub", "gamma"))
        + "terms:\n  holder: hub\n  issuer: gamma\n  instrument: ordinary-shares\n  equity_pct: 80\n  control: sole\n",
    }
    assert found("r1-horizontal-allocation", repo(tmp_path, files)) == []


def test_r1_minority_stake_is_not_one_group(tmp_path: Path) -> None:
    files = {
        "agreements/mb-3.yaml": allocation("mb-3", parties="hub,gamma", holder="gamma"),
        # docs/design/overlaps.md example 8b: 15 %, control none — still independent, and both declare `edu` focus areas
        "agreements/sh-1.yaml": head("sh-1", "shareholding", status="executed", parties=("hub", "gamma"))
        + "terms:\n  holder: hub\n  issuer: gamma\n  instrument: ordinary-shares\n  equity_pct: 15\n  control: none\n",
    }
    assert where("r1-horizontal-allocation", repo(tmp_path, files)) == [
        ("agreements/mb-3.yaml", 19, 15, "warning", "HIGH risk")
    ]


# ------------------------------------------------------------ legal.strict and reviews


def test_strict_turns_high_into_error(tmp_path: Path) -> None:
    index = repo(tmp_path, {A: allocation()}, strict=True)
    [(path, line, col, sev, msg)] = found("r1-horizontal-allocation", index)
    assert (path, line, col, sev) == (A, 19, 15, "error")
    assert msg.startswith("HIGH risk:") and "legal.strict" in msg


def test_strict_leaves_medium_a_warning(tmp_path: Path) -> None:
    index = repo(tmp_path, {A: allocation(parties="beta,gamma", holder="gamma")}, strict=True)
    assert where("r1-horizontal-allocation", index) == [(A, 19, 15, "warning", "MEDIUM risk")]


@pytest.mark.parametrize("status", ["approved", "approved_with_conditions"])
def test_approved_review_acknowledges_and_stays_a_warning(tmp_path: Path, status: str) -> None:
    # docs/design/overlaps.md example 4b: resolved, and R1 still shown, acknowledged.
    conditions = "  conditions: [No exchange of prices]\n" if status == "approved_with_conditions" else ""
    index = repo(tmp_path, {A: allocation() + review(status) + conditions}, strict=True)
    [(path, line, col, sev, msg)] = found("r1-horizontal-allocation", index)
    assert (path, line, col, sev) == (A, 19, 15, "warning")
    assert msg.startswith("HIGH risk:")
    assert msg.endswith("; acknowledged: reviewed by Counsel A on 2025-02-01")
    assert "legal.strict" not in msg


@pytest.mark.parametrize(
    "block",
    [
        review("requested"),
        review("approved", pin="b" * 64),  # pins other content: void
        review("approved", reviewer="someone"),  # not one of legal.counsel
    ],
)
def test_review_that_does_not_count_leaves_the_error(tmp_path: Path, block: str) -> None:
    index = repo(tmp_path, {A: allocation() + block}, strict=True)
    [(_, _, _, sev, msg)] = found("r1-horizontal-allocation", index)
    assert sev == "error" and "acknowledged" not in msg


# ------------------------------------------------------------------------------- R2

REVENUE = """\
terms:
  items:
    - course: Intro to GPUs
      owner: acme
  pricing_authority: {authority}
  revenue_basis: net
  split:
    - member: acme
      pct: 70
    - member: {other}
      pct: 30
"""  # pricing_authority value: line 17, column 22; split key: line 19, column 3


def revenue(ident: str = "rs-1", authority: str = "platform", other: str = "beta", **kw: str) -> str:
    parties = ("acme", other)
    return head(ident, "revenue-share", parties=parties, **kw) + REVENUE.format(authority=authority, other=other)


def test_r2_high_when_the_hub_is_a_party(tmp_path: Path) -> None:
    index = repo(tmp_path, {"agreements/rs-1.yaml": revenue(other="hub")})
    [(path, line, col, sev, msg)] = found("r2-hub-facilitation", index)
    assert (path, line, col, sev) == ("agreements/rs-1.yaml", 17, 22, "warning")
    assert msg.startswith("HIGH risk: hub facilitation: the hub hub is a party to an agreement flagged R4")


def test_r2_medium_when_the_hub_organises(tmp_path: Path) -> None:
    index = repo(tmp_path, {A: allocation()})
    [(path, line, col, sev, msg)] = found("r2-hub-facilitation", index)
    assert (path, line, col, sev) == (A, 19, 15, "warning")
    assert msg.startswith("MEDIUM risk: hub facilitation: an agreement flagged R1")


def test_r2_strict_error_for_hub_party(tmp_path: Path) -> None:
    index = repo(tmp_path, {"agreements/rs-1.yaml": revenue(other="hub")}, strict=True)
    assert where("r2-hub-facilitation", index) == [("agreements/rs-1.yaml", 17, 22, "error", "HIGH risk")]


def test_r2_not_without_hub_or_without_r1_r3_r4(tmp_path: Path) -> None:
    assert found("r2-hub-facilitation", repo(tmp_path, {A: allocation()}, hub=False)) == []
    files = {
        "agreements/rs-1.yaml": revenue(authority="owner"),
        "agreements/tl-1.yaml": head("tl-1", "talent") + "terms:\n  kind: secondment\n",  # R8 only
    }
    assert found("r2-hub-facilitation", repo(tmp_path / "b", files)) == []


# ------------------------------------------------------------------------------- R3


def nonsolicit(body: str, ident: str = "tl-1", term: str = "term:\n  end: 2025-12-31") -> str:
    return head(ident, "talent", term=term) + "terms:\n  kind: non-solicit\n" + body  # kind value: line 14, col 9


NARROW = """\
  ancillary_to: tl-0
  covered: [GPU operations team]
  period:
    start: 2025-01-01
    end: {end}
"""  # covered value: line 16, column 12; period end value: line 19, column 10

SECONDMENT = head("tl-0", "talent") + "terms:\n  kind: secondment\n  employee_consent: true\n"


def test_r3_high_for_a_naked_no_poach(tmp_path: Path) -> None:
    body = "  covered: all\n  period:\n    start: 2025-01-01\n    end: 2026-12-31\n"
    index = repo(tmp_path, {"agreements/tl-1.yaml": nonsolicit(body)})
    [(path, line, col, sev, msg)] = found("r3-no-poach", index)
    assert (path, line, col, sev) == ("agreements/tl-1.yaml", 15, 12, "warning")  # at `covered: all`
    assert msg.startswith("HIGH risk: no-poach:")
    assert "all employees" in msg and "not ancillary" in msg and "longer than 12 months" in msg


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("2025-12-31", ("agreements/tl-1.yaml", 16, 12, "warning", "MEDIUM risk")),  # exactly 12 months
        ("2026-01-01", ("agreements/tl-1.yaml", 19, 10, "warning", "HIGH risk")),  # one day more
    ],
)
def test_r3_length_of_a_narrow_ancillary_non_solicit(
    tmp_path: Path, end: str, expected: tuple[str, int, int, str, str]
) -> None:
    files = {"agreements/tl-0.yaml": SECONDMENT, "agreements/tl-1.yaml": nonsolicit(NARROW.format(end=end))}
    assert where("r3-no-poach", repo(tmp_path, files)) == [expected]


@pytest.mark.parametrize(("duration", "risk"), [("P12M", "MEDIUM risk"), ("P1Y1D", "HIGH risk")])
def test_r3_duration_and_antitrust_ancillary_to(tmp_path: Path, duration: str, risk: str) -> None:
    body = f"  covered: [GPU operations team]\n  duration: {duration}\nantitrust:\n  ancillary_to: tl-0\n"
    files = {"agreements/tl-0.yaml": SECONDMENT, "agreements/tl-1.yaml": nonsolicit(body)}
    line, col = (15, 12) if risk.startswith("MEDIUM") else (16, 13)
    assert where("r3-no-poach", repo(tmp_path, files)) == [("agreements/tl-1.yaml", line, col, "warning", risk)]


def test_r3_high_without_covered_at_kind(tmp_path: Path) -> None:
    body = "  ancillary_to: tl-0\n  duration: P6M\n"
    files = {"agreements/tl-0.yaml": SECONDMENT, "agreements/tl-1.yaml": nonsolicit(body)}
    [(path, line, col, sev, msg)] = found("r3-no-poach", repo(tmp_path, files))
    assert (path, line, col, sev) == ("agreements/tl-1.yaml", 14, 9, "warning")
    assert msg.startswith("HIGH risk:") and "all employees" in msg


def test_r3_open_ended_restraint_is_high(tmp_path: Path) -> None:
    body = "  ancillary_to: tl-0\n  covered: [GPU operations team]\n"
    files = {"agreements/tl-0.yaml": SECONDMENT, "agreements/tl-1.yaml": nonsolicit(body, term=NO_TERM)}
    [(_, line, col, _, msg)] = found("r3-no-poach", repo(tmp_path, files))
    assert (line, col) == (14, 9) and msg.startswith("HIGH risk:") and "has no end" in msg


def test_r3_not_for_other_talent_kinds(tmp_path: Path) -> None:
    assert found("r3-no-poach", repo(tmp_path, {"agreements/tl-0.yaml": SECONDMENT})) == []


# ------------------------------------------------------------------------------- R4


def test_r4_high_when_the_platform_sets_prices(tmp_path: Path) -> None:
    index = repo(tmp_path, {"agreements/rs-1.yaml": revenue()})
    [(path, line, col, sev, msg)] = found("r4-price-coordination", index)
    assert (path, line, col, sev) == ("agreements/rs-1.yaml", 17, 22, "warning")
    assert msg.startswith("HIGH risk: price coordination: prices are set by the platform")


def test_r4_not_when_owners_set_prices(tmp_path: Path) -> None:
    assert found("r4-price-coordination", repo(tmp_path, {"agreements/rs-1.yaml": revenue(authority="owner")})) == []


# ------------------------------------------------------------------------------- R5

CONTRIBUTION = """\
terms:
  project:
    name: Shared runtime
    repo: https://example.org/runtime
    license: Apache-2.0
  commitments:
    - member: acme
      kind: engineering
      amount: 20
      unit: engineer-days
      per: P1M
"""  # amount key: line 21, column 7


@pytest.mark.parametrize(("visibility", "risk"), [("public", "HIGH risk"), ("alliance", "MEDIUM risk")])
def test_r5_sensitive_fields_by_visibility(tmp_path: Path, visibility: str, risk: str) -> None:
    files = {
        "agreements/rs-1.yaml": revenue(authority="owner", visibility=visibility),
        "agreements/ct-1.yaml": head("ct-1", "contribution", visibility=visibility) + CONTRIBUTION,
    }
    index = repo(tmp_path, files)
    assert where("r5-sensitive-data", index) == [
        ("agreements/ct-1.yaml", 21, 7, "warning", risk),
        ("agreements/rs-1.yaml", 19, 3, "warning", risk),
    ]
    msg = found("r5-sensitive-data", index)[1][4]
    assert "terms/split is competitively sensitive" in msg


def test_r5_not_for_restricted_or_absent_fields(tmp_path: Path) -> None:
    files = {
        "agreements/rs-1.yaml": head("rs-1", "revenue-share", visibility="restricted"),
        "agreements/tl-0.yaml": SECONDMENT,  # no cost_share
    }
    assert found("r5-sensitive-data", repo(tmp_path, files)) == []


def test_r5_is_not_acknowledged_by_a_review(tmp_path: Path) -> None:
    # The review's hash does not cover `visibility`, so it cannot vouch for who reads the data.
    text = revenue(authority="owner", visibility="public") + review()
    [(_, _, _, sev, msg)] = found("r5-sensitive-data", repo(tmp_path, {"agreements/rs-1.yaml": text}, strict=True))
    assert sev == "error" and "acknowledged" not in msg


# ------------------------------------------------------------------------------- R6

SHARES = (
    "terms:\n  holder: hub\n  issuer: gamma\n  instrument: ordinary-shares\n  equity_pct: 15\n  control: {control}\n"
)


def shareholding(control: str = "none", extra: str = "") -> str:
    return head("sh-1", "shareholding", parties=("hub", "gamma")) + SHARES.format(control=control) + extra


def test_r6_minority_board_seat_without_firewall(tmp_path: Path) -> None:
    index = repo(tmp_path, {"agreements/sh-1.yaml": shareholding(extra="  board_seats: 1\n")})
    [(path, line, col, sev, msg)] = found("r6-minority-board-seat", index)
    assert (path, line, col, sev) == ("agreements/sh-1.yaml", 19, 16, "warning")
    assert msg.startswith("MEDIUM risk: minority stake with board seats")


@pytest.mark.parametrize(
    "extra", ["  board_seats: 1\n  information_firewall: true\n", "  board_seats: 0\n", ""], ids=["firewall", "0", "-"]
)
def test_r6_not_with_firewall_or_without_seats(tmp_path: Path, extra: str) -> None:
    assert found("r6-minority-board-seat", repo(tmp_path, {"agreements/sh-1.yaml": shareholding(extra=extra)})) == []


def test_r6_not_for_control(tmp_path: Path) -> None:
    text = shareholding("sole", "  board_seats: 3\n")
    assert found("r6-minority-board-seat", repo(tmp_path, {"agreements/sh-1.yaml": text})) == []


# ------------------------------------------------------------------------------- R7


def test_r7_wildcard_scope(tmp_path: Path) -> None:
    text = allocation().replace("region: [CN-SH]", "region: [CN-ZJ, '*']")
    [(path, line, col, sev, msg)] = found("r7-open-restraint", repo(tmp_path, {A: text}))
    assert (path, line, col, sev) == (A, 17, 25, "warning")  # at the '*'
    assert msg.startswith("MEDIUM risk: open restraint:") and "region is *" in msg


def test_r7_omitted_segment_counts_as_everything(tmp_path: Path) -> None:
    text = allocation().replace("        segment: [smb]\n", "")
    [(path, line, col, sev, msg)] = found("r7-open-restraint", repo(tmp_path, {A: text}))
    assert (path, line, col, sev) == (A, 15, 7, "warning")  # at the `scope` key
    assert "segment is omitted" in msg


def test_r7_open_ended_allocation(tmp_path: Path) -> None:
    [(path, line, col, sev, msg)] = found("r7-open-restraint", repo(tmp_path, {A: allocation(term=NO_TERM)}))
    assert (path, line, col, sev) == (A, 19, 15, "warning")
    assert msg.startswith("MEDIUM risk:") and "no end date or term" in msg


def test_r7_open_ended_non_solicit(tmp_path: Path) -> None:
    body = "  ancillary_to: tl-0\n  covered: [GPU operations team]\n"
    files = {"agreements/tl-0.yaml": SECONDMENT, "agreements/tl-1.yaml": nonsolicit(body, term=NO_TERM)}
    assert where("r7-open-restraint", repo(tmp_path, files)) == [
        ("agreements/tl-1.yaml", 14, 9, "warning", "MEDIUM risk")
    ]


def test_r7_not_for_bounded_or_shared(tmp_path: Path) -> None:
    files = {
        A: allocation(),
        "agreements/mb-2.yaml": allocation("mb-2", holder="shared", term=NO_TERM).replace("[smb]", "['*']"),
        # the allocation's own period ends, though the agreement does not
        "agreements/mb-3.yaml": allocation("mb-3", term=NO_TERM).replace(
            "segment: [smb]\n", "segment: [smb]\n        period: {start: 2025-01-01, end: 2025-06-30}\n"
        ),
    }
    assert found("r7-open-restraint", repo(tmp_path, files)) == []


# ------------------------------------------------------------------------------- R8


@pytest.mark.parametrize(
    ("kind", "consent", "expected"),
    [
        ("secondment", "", [("agreements/tl-0.yaml", 14, 9, "warning", "MEDIUM risk")]),
        ("part-time", "  employee_consent: false\n", [("agreements/tl-0.yaml", 15, 21, "warning", "MEDIUM risk")]),
        ("part-time", "  employee_consent: true\n", []),
        ("training", "", []),
    ],
)
def test_r8_employee_consent(
    tmp_path: Path, kind: str, consent: str, expected: list[tuple[str, int, int, str, str]]
) -> None:
    text = head("tl-0", "talent") + f"terms:\n  kind: {kind}\n{consent}"
    assert where("r8-employee-consent", repo(tmp_path, {"agreements/tl-0.yaml": text})) == expected


# ------------------------------------------------------------------------------- R9


@pytest.mark.parametrize("control", ["sole", "joint"])
def test_r9_control_acquired(tmp_path: Path, control: str) -> None:
    [(path, line, col, sev, msg)] = found(
        "r9-control-acquired", repo(tmp_path, {"agreements/sh-1.yaml": shareholding(control)})
    )
    assert (path, line, col, sev) == ("agreements/sh-1.yaml", 18, 12, "info")
    assert msg.startswith(f"INFO: control acquired: hub acquires {control} control of gamma")
    assert "merger-control filing" in msg


def test_r9_info_even_when_strict_and_not_for_minority(tmp_path: Path) -> None:
    index = repo(tmp_path, {"agreements/sh-1.yaml": shareholding("sole")}, strict=True)
    assert where("r9-control-acquired", index) == [("agreements/sh-1.yaml", 18, 12, "info", "INFO")]
    assert found("r9-control-acquired", repo(tmp_path / "b", {"agreements/sh-1.yaml": shareholding()})) == []


# ------------------------------------------------------------------ through run_checks


def test_executed_example_4b_through_run_checks(tmp_path: Path) -> None:
    """docs/design/overlaps.md examples 4/4b as a fully valid executed agreement, through every check."""
    signatures = "".join(
        f"  - member: {m}\n    signatory: {m}-ceo\n    date: 2024-12-20\n    method: git-commit\n"
        f"    content_sha256: {PIN}\n"
        for m in ("acme", "beta")
    )
    text = allocation(status="executed").replace("        segment: [smb]\n", "") + "signatures:\n" + signatures
    members = {
        f"members/{m}.yaml": _member(m, sectors=(s,))
        + f"representatives:\n  - id: {m}-ceo\n    name: CEO\n    can_sign: true\n    since: 2024-01-01\n"
        for m, s in (("acme", "cloud/compute"), ("beta", "cloud/compute/gpu"))
    }
    antitrust = {r.id for r in all_rules() if r.category == "antitrust"}

    def flags(index: Index) -> list[Finding]:
        return sorted((f for f in run_checks(index) if f.rule in antitrust), key=lambda f: (f.rule, f.line))

    index = repo(tmp_path, {A: text, **members}, strict=True)
    assert [f for f in run_checks(index) if f.rule in ("schema", "lifecycle", "signature-content")] == []
    assert [(f.rule, f.line, f.column, f.severity, f.message.split(":")[0]) for f in flags(index)] == [
        ("r1-horizontal-allocation", 18, 15, Severity.ERROR, "HIGH risk"),
        ("r2-hub-facilitation", 18, 15, Severity.WARNING, "MEDIUM risk"),
        ("r7-open-restraint", 15, 7, Severity.WARNING, "MEDIUM risk"),
    ]
    index = repo(tmp_path, {A: text + review(), **members}, strict=True)
    assert [
        (f.rule, f.severity, f.message.endswith("acknowledged: reviewed by Counsel A on 2025-02-01"))
        for f in flags(index)
    ] == [
        ("r1-horizontal-allocation", Severity.WARNING, True),
        ("r2-hub-facilitation", Severity.WARNING, True),
        ("r7-open-restraint", Severity.WARNING, True),
    ]


# ------------------------------------------------------------------------- handbook


ANTITRUST_RULES = [
    "r1-horizontal-allocation",
    "r2-hub-facilitation",
    "r3-no-poach",
    "r4-price-coordination",
    "r5-sensitive-data",
    "r6-minority-board-seat",
    "r7-open-restraint",
    "r8-employee-consent",
    "r9-control-acquired",
    "r10-bid-coordination",
]


def test_rule_ids_and_default_severities() -> None:
    all_rules()
    got = {r.id: r.severity for r in RULES.values() if r.category == "antitrust"}
    assert got == {rid: Severity.INFO if rid.startswith("r9") else Severity.WARNING for rid in ANTITRUST_RULES}


@pytest.mark.parametrize("rule_id", ANTITRUST_RULES)
def test_rule_page_explains_and_ends_with_the_reminder(rule_id: str) -> None:
    all_rules()
    doc = RULES[rule_id].doc
    assert "**What is flagged.**" in doc and "**Why.**" in doc and "**What to do.**" in doc
    assert doc.endswith("no flag is not clearance. qtgov records agreements; it is not\nlegal advice.")
    assert "Anti-Monopoly Law" in doc
    assert not re.search(r"infring|violat", doc, re.IGNORECASE)
