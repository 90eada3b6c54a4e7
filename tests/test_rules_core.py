"""Every rule of qtgov/rules/records.py, firing and not firing, with exact (path, line, column, rule).

The repositories are the conftest default plus inline YAML. Only the core's rules run here (the
loader, the schemas and records.py), so rules added in other modules cannot change these results.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ALLIANCE, CORE_RULES, HUB

import qtgov.rules.records  # noqa: F401  (registers the rules under test)
from qtgov.findings import Finding, Related, Severity, sort_findings
from qtgov.records.hashing import content_sha256
from qtgov.records.repo import load_repository
from qtgov.records.yamlload import parse_text
from qtgov.rules import RULES

Spot = tuple[str, int, int, str]
MakeRepo = Callable[..., Path]


def run(root: Path) -> list[Finding]:
    loaded = load_repository(root, use_cache=False)
    found = list(loaded.findings)
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        if rule.id in CORE_RULES and rule.check is not None:
            found.extend(rule.check(loaded.index))
    return sort_findings(found)


def spots(root: Path) -> list[Spot]:
    return [(f.path, f.line, f.column, f.rule) for f in run(root)]


# ---------------------------------------------------------------- records used by many tests

ACME = """\
id: acme
kind: member
name: Acme
status: active
joined: 2024-01-01
visibility: public
representatives:
  - id: alice
    name: Alice
    can_sign: true
    since: 2024-01-01
    until: 2024-12-31
  - id: bob
    name: Bob
    can_sign: false
    since: 2024-01-01
  - id: carol
    name: Carol
    can_sign: true
    since: 2025-01-01
"""

BETA = """\
id: beta
kind: member
name: Beta
status: active
joined: 2024-01-01
visibility: public
representatives:
  - id: dave
    name: Dave
    can_sign: true
    since: 2024-01-01
"""

GAMMA = """\
id: gamma
kind: member
name: Gamma
status: active
joined: 2024-01-01
visibility: public
representatives:
  - id: erin
    name: Erin
    can_sign: true
    since: 2024-01-01
"""

MEMBERS = {"members/acme.yaml": ACME, "members/beta.yaml": BETA, "members/gamma.yaml": GAMMA}

# 12 lines; signatures appended by sign() start on line 13.
DEAL = """\
id: deal
type: talent
title: Training exchange
version: 1
status: executed
effective: 2024-03-01
parties:
  - member: acme
  - member: beta
visibility: public
terms:
  kind: training
"""

SIGNERS = {"acme": "alice", "beta": "dave", "gamma": "erin", "hub": "hub-rep"}


def sign(text: str, *signatures: tuple[str, str, str], content: str | None = None) -> str:
    """Append a `signatures` block to an agreement, each pinning its current content hash.

    A signature's fields sit on lines first + 5*i + (0 member, 1 signatory, 2 date, 4 hash),
    where first = (lines of `text`) + 2.
    """
    result = parse_text("a.yaml", text)
    assert result.findings == [] and result.document is not None
    digest = content or content_sha256(result.document.data)
    lines = [text.rstrip("\n"), "signatures:"]
    for member, signatory, day in signatures:
        lines += [
            f"  - member: {member}",
            f"    signatory: {signatory}",
            f"    date: {day}",
            "    method: git-commit",
            f"    content_sha256: {digest}",
        ]
    return "\n".join(lines) + "\n"


def signed(text: str, day: str = "2024-02-01") -> str:
    """Signed by every party, by its authorised representative, on `day`."""
    parties = [line.split(": ")[1] for line in text.splitlines() if line.startswith("  - member: ")]
    return sign(text, *((p, SIGNERS[p], day) for p in parties))


def repo(make_repo: MakeRepo, files: dict[str, str | None]) -> Path:
    return make_repo({**MEMBERS, **files})


def test_baseline_is_clean(make_repo: MakeRepo) -> None:
    assert spots(repo(make_repo, {"agreements/deal.yaml": signed(DEAL)})) == []


# ---------------------------------------------------------------- record-id


def test_record_id_member_and_agreement(make_repo: MakeRepo) -> None:
    root = repo(
        make_repo,
        {
            "members/acme.yaml": ACME.replace("id: acme\n", "id: acme-ltd\n"),
            "agreements/deal.yaml": DEAL.replace("id: deal\n", "id: other-deal\n").replace("executed", "draft"),
        },
    )
    found = run(root)
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [
        ("agreements/deal.yaml", 1, 5, "record-id"),
        ("members/acme.yaml", 1, 5, "record-id"),
    ]
    assert found[1].message == (
        "id 'acme-ltd' differs from the file name; use 'acme', or rename the file: "
        "git mv members/acme.yaml members/acme-ltd.yaml"
    )
    assert found[1].pointer == "/id"


def test_record_id_hub_kind_and_second_hub(make_repo: MakeRepo) -> None:
    root = repo(
        make_repo,
        {
            "members/hub.yaml": HUB.replace("kind: hub", "kind: member").replace(
                "status: active", "status: active\njoined: 2024-01-01"
            ),
            "members/beta.yaml": BETA.replace("kind: member", "kind: hub"),
        },
    )
    found = run(root)
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [
        ("charter/alliance.yaml", 3, 6, "record-id"),
        ("members/beta.yaml", 2, 7, "record-id"),
    ]
    assert found[0].message == "the hub 'hub' is a member whose kind is not 'hub'"
    assert found[1].message == "'beta' says it is the hub, but charter/alliance.yaml names 'hub'"


def test_record_id_hub_when_alliance_names_none(make_repo: MakeRepo) -> None:
    root = repo(make_repo, {"charter/alliance.yaml": ALLIANCE.replace("hub: hub\n", "")})
    found = run(root)
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [("members/hub.yaml", 2, 7, "record-id")]
    assert found[0].message == "'hub' says it is the hub, but charter/alliance.yaml names no hub"


# ---------------------------------------------------------------- alliance-file


def test_alliance_file_missing(make_repo: MakeRepo) -> None:
    assert spots(repo(make_repo, {"charter/alliance.yaml": None})) == [("charter/alliance.yaml", 1, 1, "alliance-file")]


def test_alliance_file_broken_is_not_reported_missing(make_repo: MakeRepo) -> None:
    assert spots(repo(make_repo, {"charter/alliance.yaml": "id: [x\n"})) == [
        ("charter/alliance.yaml", 2, 1, "yaml-syntax")
    ]


# ---------------------------------------------------------------- reference


def test_reference_hub_without_member_file(make_repo: MakeRepo) -> None:
    assert spots(make_repo({"members/hub.yaml": None})) == [("charter/alliance.yaml", 3, 6, "reference")]


def test_reference_parties(make_repo: MakeRepo) -> None:
    text = DEAL.replace("  - member: beta\n", "  - member: ghost\n  - member: acme\n").replace(
        "status: executed", "status: draft"
    )
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in found] == [
        ("agreements/deal.yaml", 9, 13, "reference", "unknown member 'ghost'"),
        ("agreements/deal.yaml", 10, 13, "reference", "'acme' is listed twice as a party"),
    ]


def test_reference_agreements(make_repo: MakeRepo) -> None:
    text = DEAL.replace("status: executed", "status: draft") + (
        "amends: deal\nsupersedes: [old-deal, deal]\nantitrust:\n  ancillary_to: nowhere\n"
    )
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message, f.pointer) for f in found] == [
        (13, 9, "reference", "an agreement cannot refer to itself", "/amends"),
        (14, 14, "reference", "unknown agreement 'old-deal' (did you mean 'deal'?)", "/supersedes/0"),
        (14, 24, "reference", "an agreement cannot refer to itself", "/supersedes/1"),
        (16, 17, "reference", "unknown agreement 'nowhere'", "/antitrust/ancillary_to"),
    ]


def test_reference_to_existing_agreements_is_fine(make_repo: MakeRepo) -> None:
    old = signed(DEAL.replace("id: deal", "id: old-deal"))
    new = DEAL.replace("status: executed", "status: draft") + "amends: old-deal\n"
    assert spots(repo(make_repo, {"agreements/old-deal.yaml": old, "agreements/deal.yaml": new})) == []


NON_SOLICIT = """\
id: no-poach
type: talent
title: Non-solicit
version: 1
status: draft
parties:
  - member: acme
  - member: beta
visibility: public
terms:
  kind: non-solicit
  ancillary_to: missing-deal
  covered: [engineering]
"""


def test_reference_non_solicit_ancillary_to(make_repo: MakeRepo) -> None:
    assert spots(repo(make_repo, {"agreements/no-poach.yaml": NON_SOLICIT})) == [
        ("agreements/no-poach.yaml", 12, 17, "reference")
    ]


REVENUE = """\
id: courses
type: revenue-share
title: Course co-listing
version: 1
status: draft
parties:
  - member: acme
  - member: hub
visibility: public
terms:
  items:
    - course: Python basics
      owner: acme
  pricing_authority: owner
  revenue_basis: net
  split:
    - member: acme
      pct: 70
    - member: hub
      pct: 30
"""


def test_reference_members_in_terms_must_be_parties(make_repo: MakeRepo) -> None:
    text = REVENUE.replace("      owner: acme", "      owner: beta").replace("    - member: hub", "    - member: ghost")
    found = run(repo(make_repo, {"agreements/courses.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (13, 14, "reference", "'beta' is named in the terms but is not a party to this agreement"),
        (19, 15, "reference", "unknown member 'ghost'"),
    ]


def test_reference_terms_clean(make_repo: MakeRepo) -> None:
    assert spots(repo(make_repo, {"agreements/courses.yaml": REVENUE})) == []


MARKET = """\
id: split-market
type: market-boundary
title: Market split
version: 1
status: draft
parties:
  - member: acme
  - member: beta
visibility: public
terms:
  allocations:
    - scope: {sector: [cloud], region: [CN]}
      holder: shared
    - scope: {sector: [edu], region: [CN]}
      holder: gamma
"""


def test_reference_allocation_holders(make_repo: MakeRepo) -> None:
    # `shared` is not a member; gamma exists but is not a party.
    assert spots(repo(make_repo, {"agreements/split-market.yaml": MARKET})) == [
        ("agreements/split-market.yaml", 15, 15, "reference")
    ]


def test_reference_to_a_broken_file_is_not_reported_twice(make_repo: MakeRepo) -> None:
    text = DEAL.replace("status: executed", "status: draft")
    root = repo(make_repo, {"members/beta.yaml": "id: beta\nname: [\n", "agreements/deal.yaml": text})
    assert spots(root) == [("members/beta.yaml", 3, 1, "yaml-syntax")]


# ---------------------------------------------------------------- signature-authority


def sig_line(text: str, index: int, field: int) -> int:
    """Line of field `field` (0 member, 1 signatory, 2 date, 4 hash) of signature `index` (see sign())."""
    return text.count("\n") + 2 + 5 * index + field


@pytest.mark.parametrize(
    ("signatory", "day", "fires"),
    [
        ("alice", "2024-01-01", False),  # `since` is included
        ("alice", "2024-12-31", False),  # `until` is included
        ("alice", "2023-12-31", True),
        ("alice", "2025-01-01", True),
        ("carol", "2024-12-31", True),
        ("carol", "2025-01-01", False),
        ("carol", "2030-06-30", False),  # no `until`: open
    ],
)
def test_signature_authority_window(make_repo: MakeRepo, signatory: str, day: str, fires: bool) -> None:
    text = sign(DEAL, ("acme", signatory, day), ("beta", "dave", "2024-02-01"))
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    expected = [("agreements/deal.yaml", sig_line(DEAL, 0, 1), 16, "signature-authority")] if fires else []
    assert [(f.path, f.line, f.column, f.rule) for f in found] == expected
    if fires:
        until = "2024-12-31" if signatory == "alice" else "now"
        since = "2024-01-01" if signatory == "alice" else "2025-01-01"
        assert found[0].message == f"'{signatory}' could sign for 'acme' only from {since} to {until}, not on {day}"
        assert found[0].pointer == "/signatures/0/signatory"


def test_signature_authority_unknown_and_unauthorised(make_repo: MakeRepo) -> None:
    text = sign(DEAL, ("acme", "bob", "2024-02-01"), ("beta", "zoe", "2024-02-01"), ("gamma", "erin", "2024-02-01"))
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (
            sig_line(DEAL, 0, 1),
            16,
            "signature-authority",
            "'bob' of 'acme' has no signing authority (can_sign is false)",
        ),
        (sig_line(DEAL, 1, 1), 16, "signature-authority", "'zoe' is not a representative of 'beta'"),
        (sig_line(DEAL, 2, 0), 13, "signature-authority", "'gamma' signed but is not a party"),
    ]


# ---------------------------------------------------------------- counsel

COUNSEL_ALLIANCE_EXTRA = """\
    - id: counsel-a
      name: Counsel A
      commit_emails: [counsel@law.example]
      signing_keys: []
"""


def with_counsel() -> str:
    return ALLIANCE.replace("  counsel: []\n", "  counsel:\n" + COUNSEL_ALLIANCE_EXTRA)


def reviewed(text: str, review: str) -> str:
    result = parse_text("a.yaml", text)
    assert result.document is not None
    digest = content_sha256(result.document.data)
    return text + "legal_review:\n" + review.replace("HASH", digest)


@pytest.mark.parametrize(
    ("review", "expected"),
    [
        ("  status: approved\n  reviewer: counsel-a\n  date: 2024-02-10\n  content_sha256: HASH\n", []),
        ("  status: requested\n", []),
        ("  status: not_reviewed\n", []),
        ("  status: requested\n  reviewer: counsel-a\n", []),
        (
            "  status: approved\n  reviewer: acme-lawyer\n  date: 2024-02-10\n  content_sha256: HASH\n",
            [(15, 13, "counsel")],
        ),
        ("  status: rejected\n  reviewer: someone\n  date: 2024-02-10\n", [(15, 13, "counsel")]),
        ("  status: approved\n  date: 2024-02-10\n  content_sha256: HASH\n", [(14, 11, "counsel")]),
    ],
)
def test_counsel(make_repo: MakeRepo, review: str, expected: list[tuple[int, int, str]]) -> None:
    # legal_review: is line 13; its status line 14, its reviewer line 15.
    text = reviewed(DEAL.replace("status: executed", "status: proposed"), review)
    root = repo(make_repo, {"charter/alliance.yaml": with_counsel(), "agreements/deal.yaml": text})
    assert [(f.line, f.column, f.rule) for f in run(root)] == expected


def test_counsel_not_in_legal_counsel_when_there_is_none(make_repo: MakeRepo) -> None:
    text = reviewed(
        DEAL.replace("status: executed", "status: proposed"), "  status: requested\n  reviewer: counsel-a\n"
    )
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule) for f in found] == [(15, 13, "counsel")]
    assert found[0].message == (
        "'counsel-a' is not one of the alliance's counsel (charter/alliance.yaml legal.counsel)"
    )


# ---------------------------------------------------------------- dates


def test_dates_member(make_repo: MakeRepo) -> None:
    acme = ACME.replace(
        "status: active\njoined: 2024-01-01\n", "status: withdrawn\njoined: 2024-01-01\nleft: 2023-12-31\n"
    )
    acme = acme.replace("    until: 2024-12-31\n", "    until: 2023-06-30\n")
    acme += (
        "claims:\n  - id: c1\n    sector: [cloud]\n    region: [CN]\n    period: {start: 2024-05-01, end: 2024-04-30}\n"
    )
    found = run(repo(make_repo, {"members/acme.yaml": acme}))
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in found] == [
        ("members/acme.yaml", 6, 7, "dates", "left before joining: 2023-12-31 is before 2024-01-01"),
        (
            "members/acme.yaml",
            13,
            12,
            "dates",
            "representative's authority ends before it starts: 2023-06-30 is before 2024-01-01",
        ),
        ("members/acme.yaml", 26, 38, "dates", "claim ends before it starts: 2024-04-30 is before 2024-05-01"),
    ]


def test_dates_one_day_periods_are_fine(make_repo: MakeRepo) -> None:
    acme = ACME.replace(
        "status: active\njoined: 2024-01-01\n", "status: withdrawn\njoined: 2024-01-01\nleft: 2024-01-01\n"
    )
    acme = acme.replace("    until: 2024-12-31\n", "    until: 2024-01-01\n")
    text = DEAL.replace("status: executed", "status: draft") + "term:\n  end: 2024-03-01\n"
    assert spots(repo(make_repo, {"members/acme.yaml": acme, "agreements/deal.yaml": text})) == []


def test_dates_agreement_order(make_repo: MakeRepo) -> None:
    text = DEAL.replace("status: executed", "status: terminated") + (
        "term:\n  end: 2024-02-29\ntermination:\n  date: 2024-02-28\n  reason: ended\n"
    )
    found = run(repo(make_repo, {"agreements/deal.yaml": signed(text)}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (14, 8, "dates", "term ends before the agreement takes effect: 2024-02-29 is before 2024-03-01"),
        (
            16,
            9,
            "dates",
            "terminated before it took effect: termination.date is the last day in force, 2024-02-28 is before "
            "2024-03-01; to record that it never took effect, write 2024-02-29",
        ),
    ]


def test_dates_allocation_and_talent_periods(make_repo: MakeRepo) -> None:
    market = MARKET.replace("      holder: gamma", "      holder: beta").replace(
        "    - scope: {sector: [edu], region: [CN]}",
        "    - scope: {sector: [edu], region: [CN], period: {start: 2025-01-01, end: 2024-12-31}}",
    )
    talent = NON_SOLICIT.replace("  ancillary_to: missing-deal\n", "  ancillary_to: split-market\n") + (
        "  period: {start: 2025-01-01, end: 2024-01-01}\n"
    )
    found = run(repo(make_repo, {"agreements/split-market.yaml": market, "agreements/no-poach.yaml": talent}))
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [
        ("agreements/no-poach.yaml", 14, 36, "dates"),
        ("agreements/split-market.yaml", 14, 77, "dates"),
    ]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("term:\n  duration: P12M\nrenewal:\n  auto: true\n  period: P12M\n  notice: P3M\n", []),
        ("term:\n  end: 2025-02-28\n  duration: P12M\n", [(14, 3, "give either term.end or term.duration, not both")]),
        ("term:\n  duration: P12M\nrenewal:\n  auto: true\n", [(16, 3, "automatic renewal needs a renewal period")]),
        (
            "renewal:\n  auto: true\n  period: P1Y\n",
            [(14, 3, "automatic renewal needs a term to renew (term.duration or term.end)")],
        ),
        (
            "term:\n  duration: P1Y\nrenewal:\n  auto: true\n  period: P1M\n  notice: P2M\n",
            [(18, 11, "the notice period is longer than the renewal period")],
        ),
        ("renewal:\n  auto: false\n", []),
        ("term:\n  duration: P0D\n", [(14, 13, "a term of zero length never runs")]),
        (
            "term:\n  duration: P1Y\nrenewal:\n  auto: true\n  period: P0M\n",
            [(17, 11, "automatic renewal needs a renewal period longer than zero")],
        ),
    ],
)
def test_dates_term_and_renewal(make_repo: MakeRepo, extra: str, expected: list[tuple[int, int, str]]) -> None:
    text = DEAL.replace("status: executed", "status: draft") + extra
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.message) for f in found] == expected
    assert all(f.rule == "dates" for f in found)


# ---------------------------------------------------------------- lifecycle


def test_lifecycle_executed_without_every_signature(make_repo: MakeRepo) -> None:
    text = sign(DEAL, ("acme", "alice", "2024-02-01"))
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.path, f.line, f.column, f.rule, f.message) for f in found] == [
        ("agreements/deal.yaml", 5, 9, "lifecycle", "executed but not signed by beta")
    ]


def test_lifecycle_proposed_needs_no_signatures(make_repo: MakeRepo) -> None:
    assert spots(repo(make_repo, {"agreements/deal.yaml": DEAL.replace("status: executed", "status: proposed")})) == []


def test_lifecycle_terminated_without_termination(make_repo: MakeRepo) -> None:
    text = signed(DEAL.replace("status: executed", "status: terminated"))
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (5, 9, "lifecycle", "terminated but no termination is recorded")
    ]


def test_lifecycle_terminated_with_termination_is_fine(make_repo: MakeRepo) -> None:
    text = signed(
        DEAL.replace("status: executed", "status: terminated") + "termination:\n  date: 2024-06-30\n  reason: done\n"
    )
    assert spots(repo(make_repo, {"agreements/deal.yaml": text})) == []


def test_lifecycle_termination_without_terminated_status(make_repo: MakeRepo) -> None:
    text = signed(DEAL + "termination:\n  date: 2024-06-30\n  reason: done\n")
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule, f.pointer) for f in found] == [(13, 1, "lifecycle", "/termination")]


def test_lifecycle_executed_without_terms(make_repo: MakeRepo) -> None:
    text = signed(DEAL.replace("terms:\n  kind: training\n", ""))
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (5, 9, "lifecycle", "executed agreement has no terms")
    ]


def test_lifecycle_reviews(make_repo: MakeRepo) -> None:
    base = DEAL.replace("status: executed", "status: proposed")
    approved = reviewed(base, "  status: approved\n  reviewer: counsel-a\n  content_sha256: HASH\n")
    found = run(repo(make_repo, {"charter/alliance.yaml": with_counsel(), "agreements/deal.yaml": approved}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (14, 11, "lifecycle", "an approved review needs a date")
    ]
    # Conditions are required by the schema already (the record then is not checked further).
    conditional = approved.replace("status: approved", "status: approved_with_conditions")
    found = run(repo(make_repo, {"charter/alliance.yaml": with_counsel(), "agreements/deal.yaml": conditional}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (14, 3, "schema", "required field 'conditions' is missing in legal_review")
    ]


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        (ACME.replace("status: active", "status: withdrawn"), [(4, 9, "a withdrawn member needs a 'left' date")]),
        (
            ACME.replace("joined: 2024-01-01", "joined: 2024-01-01\nleft: 2024-06-30"),
            [(6, 1, "a member with a 'left' date is withdrawn, not active")],
        ),
        (ACME.replace("joined: 2024-01-01\n", ""), [(4, 9, "an active member needs a 'joined' date")]),
        (
            ACME.replace("status: active\njoined: 2024-01-01\n", "status: suspended\n"),
            [(4, 9, "a suspended member needs a 'joined' date")],
        ),
        (ACME.replace("status: active\njoined: 2024-01-01\n", "status: prospective\n"), []),
    ],
)
def test_lifecycle_members(make_repo: MakeRepo, member: str, expected: list[tuple[int, int, str]]) -> None:
    found = run(repo(make_repo, {"members/acme.yaml": member}))
    assert [(f.line, f.column, f.message) for f in found] == expected
    assert all(f.rule == "lifecycle" and f.path == "members/acme.yaml" for f in found)


def test_lifecycle_hub_needs_no_joined(make_repo: MakeRepo) -> None:
    assert "joined" not in HUB
    assert spots(make_repo({})) == []


# ---------------------------------------------------------------- signature-content


def test_signature_content_mismatch_after_editing_the_terms(make_repo: MakeRepo) -> None:
    text = signed(DEAL).replace("  kind: training\n", "  kind: secondment\n")
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule, f.severity) for f in found] == [
        (sig_line(DEAL, 0, 4), 21, "signature-content", Severity.ERROR),
        (sig_line(DEAL, 1, 4), 21, "signature-content", Severity.ERROR),
    ]
    now = content_sha256(parse_text("a", text).document.data)  # type: ignore[union-attr]
    assert found[0].message == (
        f"signature of acme (alice) is for other content; the content has changed since it was signed (now {now[:12]}…)"
    )
    assert found[1].pointer == "/signatures/1/content_sha256"


def test_signature_content_on_a_draft_is_a_warning(make_repo: MakeRepo) -> None:
    draft = DEAL.replace("status: executed", "status: proposed")
    text = sign(draft, ("acme", "alice", "2024-02-01"), content="a" + "0" * 63)  # not number-shaped
    found = run(repo(make_repo, {"agreements/deal.yaml": text}))
    assert [(f.line, f.column, f.rule, f.severity) for f in found] == [
        (sig_line(draft, 0, 4), 21, "signature-content", Severity.WARNING)
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("status: executed", "status: terminated\ntermination:\n  date: 2024-12-31\n  reason: done"),
        ("visibility: public", "visibility: alliance"),
        ("visibility: public", "visibility: public\nlegal_review:\n  status: requested"),
    ],
)
def test_signature_content_ignores_unsigned_keys(make_repo: MakeRepo, old: str, new: str) -> None:
    text = signed(DEAL).replace(old, new, 1)
    assert spots(repo(make_repo, {"agreements/deal.yaml": text})) == []


def test_signature_content_stale_legal_review(make_repo: MakeRepo) -> None:
    base = DEAL.replace("status: executed", "status: proposed")
    review = "  status: approved\n  reviewer: counsel-a\n  date: 2024-02-10\n  content_sha256: HASH\n"
    stale = reviewed(base, review).replace("  kind: training\n", "  kind: part-time\n")
    missing = base + "legal_review:\n  status: approved\n  reviewer: counsel-a\n  date: 2024-02-10\n"
    for text, expected in ((stale, (17, 19)), (missing, (14, 11))):
        root = repo(make_repo, {"charter/alliance.yaml": with_counsel(), "agreements/deal.yaml": text})
        found = run(root)
        assert [(f.line, f.column, f.rule, f.severity) for f in found] == [
            (*expected, "signature-content", Severity.WARNING)
        ]


# ---------------------------------------------------------------- terms


def test_terms_split_not_100(make_repo: MakeRepo) -> None:
    text = REVENUE.replace("      pct: 30", "      pct: 20.5")
    found = run(repo(make_repo, {"agreements/courses.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (17, 5, "terms", "the revenue split sums to 90.5, not 100")
    ]


def test_terms_split_decimal_sum_is_exact_enough(make_repo: MakeRepo) -> None:
    text = REVENUE.replace("      pct: 70", "      pct: 66.7").replace("      pct: 30", "      pct: 33.3")
    assert spots(repo(make_repo, {"agreements/courses.yaml": text})) == []


def test_terms_split_member_twice(make_repo: MakeRepo) -> None:
    text = REVENUE.replace("    - member: hub\n      pct: 30", "    - member: acme\n      pct: 30")
    found = run(repo(make_repo, {"agreements/courses.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (19, 15, "terms", "'acme' appears twice in the split")
    ]


def shareholding(
    ident: str, holder: str, issuer: str, equity: str, extra: str = "", effective: str = "2024-03-01", parties: str = ""
) -> str:
    """An executed shareholding signed by both parties; `equity_pct` is on line 15, column 15."""
    parties = parties or f"  - member: {holder}\n  - member: {issuer}\n"
    text = f"""\
id: {ident}
type: shareholding
title: Stake
version: 1
status: executed
effective: {effective}
parties:
{parties}visibility: public
terms:
  holder: {holder}
  issuer: {issuer}
  instrument: ordinary-shares
  equity_pct: {equity}
  control: none
{extra}"""
    return signed(text)


def test_terms_equity_over_100_across_two_shareholdings(make_repo: MakeRepo) -> None:
    root = repo(
        make_repo,
        {
            "agreements/stake-a.yaml": shareholding("stake-a", "acme", "gamma", "60"),
            "agreements/stake-b.yaml": shareholding("stake-b", "beta", "gamma", "50.5", effective="2024-05-01"),
        },
    )
    found = run(root)
    assert [(f.path, f.line, f.column, f.rule) for f in found] == [("agreements/stake-b.yaml", 15, 15, "terms")]
    assert found[0].message == "shareholdings in 'gamma' in force on 2024-05-01 add up to 110.5% (equity_pct)"
    assert found[0].related == (Related("agreements/stake-a.yaml", 15, 15, "60%"),)


def test_terms_equity_at_100_is_fine(make_repo: MakeRepo) -> None:
    root = repo(
        make_repo,
        {
            "agreements/stake-a.yaml": shareholding("stake-a", "acme", "gamma", "60"),
            "agreements/stake-b.yaml": shareholding("stake-b", "beta", "gamma", "40"),
        },
    )
    assert spots(root) == []


def test_terms_equity_of_an_amended_stake_stops_counting(make_repo: MakeRepo) -> None:
    # stake-b restates stake-a with more equity: the two are never in force together.
    root = repo(
        make_repo,
        {
            "agreements/stake-a.yaml": shareholding("stake-a", "acme", "gamma", "60"),
            "agreements/stake-b.yaml": shareholding(
                "stake-b", "acme", "gamma", "70", "amends: stake-a\n", "2024-06-01"
            ),
        },
    )
    assert spots(root) == []


def test_terms_equity_of_holdings_in_force_at_different_times(make_repo: MakeRepo) -> None:
    ended = shareholding("stake-a", "acme", "gamma", "60", "term:\n  end: 2024-04-30\n")
    root = repo(
        make_repo,
        {
            "agreements/stake-a.yaml": ended,
            "agreements/stake-b.yaml": shareholding("stake-b", "beta", "gamma", "60", effective="2024-05-01"),
        },
    )
    assert spots(root) == []
    overlapping = shareholding("stake-a", "acme", "gamma", "60", "term:\n  end: 2024-05-01\n")
    root = repo(make_repo, {"agreements/stake-a.yaml": overlapping})
    assert spots(root) == [("agreements/stake-b.yaml", 15, 15, "terms")]


def test_terms_drafts_do_not_count(make_repo: MakeRepo) -> None:
    draft = shareholding("stake-b", "beta", "gamma", "60").replace("status: executed", "status: proposed")
    root = repo(
        make_repo,
        {"agreements/stake-a.yaml": shareholding("stake-a", "acme", "gamma", "60"), "agreements/stake-b.yaml": draft},
    )
    assert spots(root) == []


def test_terms_voting_over_100(make_repo: MakeRepo) -> None:
    # Voting defaults to equity: 60 + 45 voting > 100 while equity is 60 + 20.
    root = repo(
        make_repo,
        {
            "agreements/stake-a.yaml": shareholding("stake-a", "acme", "gamma", "60"),
            "agreements/stake-b.yaml": shareholding("stake-b", "beta", "gamma", "20", "  voting_pct: 45\n"),
        },
    )
    found = run(root)
    assert [(f.path, f.line, f.column, f.rule, f.pointer) for f in found] == [
        ("agreements/stake-b.yaml", 17, 15, "terms", "/terms/voting_pct")
    ]
    assert found[0].message == "shareholdings in 'gamma' in force on 2024-03-01 add up to 105% (voting_pct)"


def test_terms_holding_itself(make_repo: MakeRepo) -> None:
    text = shareholding("stake-a", "acme", "acme", "10", parties="  - member: acme\n")
    found = run(repo(make_repo, {"agreements/stake-a.yaml": text}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (11, 11, "terms", "a company cannot hold its own shares")
    ]


CONTRIBUTION = """\
id: oss
type: contribution
title: Shared project
version: 1
status: draft
parties:
  - member: acme
  - member: beta
visibility: alliance
terms:
  project:
    name: Shared
    repo: https://example.org/shared
    license: Apache-2.0
  commitments:
    - {member: acme, kind: engineering, amount: 10, unit: engineer-days, per: P1M}
    - {member: beta, kind: engineering, amount: 10, unit: engineer-days, per: P1M}
    - {member: acme, kind: engineering, amount: 5, unit: engineer-days, per: P1M}
"""


def test_terms_contribution_commitment_twice(make_repo: MakeRepo) -> None:
    found = run(repo(make_repo, {"agreements/oss.yaml": CONTRIBUTION}))
    assert [(f.line, f.column, f.rule, f.message) for f in found] == [
        (18, 7, "terms", "'acme' has two 'engineering' commitments")
    ]


# ---------------------------------------------------------------- hub-facts


def test_hub_facts_each_missing_fact_is_info(make_repo: MakeRepo) -> None:
    hub = "id: hub\nkind: hub\nname: Hub\nstatus: active\nvisibility: public\nwebsite: https://hub.example.org\n"
    found = run(make_repo({"members/hub.yaml": hub}))
    assert [(f.path, f.line, f.column, f.rule, f.severity, f.pointer) for f in found] == [
        ("members/hub.yaml", 1, 5, "hub-facts", Severity.INFO, "/identifiers"),
        ("members/hub.yaml", 1, 5, "hub-facts", Severity.INFO, "/jurisdiction"),
        ("members/hub.yaml", 1, 5, "hub-facts", Severity.INFO, "/legal_name"),
        ("members/hub.yaml", 1, 5, "hub-facts", Severity.INFO, "/sources"),
    ]
    assert found[2].message == "hub record has no legal_name: add the registered legal name once verified"


def test_hub_facts_only_for_the_hub(make_repo: MakeRepo) -> None:
    # Ordinary members need none of these facts; a complete hub record has no finding.
    assert spots(repo(make_repo, {})) == []
