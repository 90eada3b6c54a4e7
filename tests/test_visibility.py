"""Visibility (docs/design/visibility.md): what restricted and alliance records may carry, and personal data in
published records — each rule firing and not firing at exact positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from qtgov.findings import Severity
from qtgov.records.index import Index
from qtgov.records.repo import load_repository
from qtgov.rules import all_rules
from qtgov.rules.visibility import personal_fields
from qtgov.validate import run_checks

SHA = "c" * 64

ALLIANCE = """\
id: test-alliance
name: Test alliance
hub: hub
languages: [en]
schemes:
  sector: sectors
  segment: segments
legal:
  strict: false
  counsel:
    - id: counsel-a
      name: Counsel A
      commit_emails: [{counsel_email}]
      signing_keys: []
publish:
  repository: {repository}
"""  # the counsel's commit email: line 13, column 23

HUB = "id: hub\nkind: hub\nname: Hub\nstatus: active\nvisibility: public\n"
ACME = "id: acme\nkind: member\nname: Acme\nstatus: active\njoined: 2024-01-01\nvisibility: public\n"

# A restricted agreement with nothing but what a restricted record may carry.
RESTRICTED_OK = f"""\
id: rs-1
type: revenue-share
title: Cooperation agreement
version: 1
status: executed
parties:
  - member: acme
    role: owner
  - member: hub
signatures:
  - member: acme
    signatory: acme-ceo
    date: 2024-12-20
    method: wet-ink
    content_sha256: {SHA}
  - member: hub
    signatory: hub-ceo
    date: 2024-12-21
    method: wet-ink
    content_sha256: {SHA}
effective: 2025-01-01
term:
  duration: P12M
renewal:
  auto: true
  period: P12M
  notice: P1M
supersedes: [rs-0]
documents:
  - path: contract.pdf
    sha256: {SHA}
legal_review:
  status: approved_with_conditions
  reviewer: counsel-a
  date: 2024-12-18
  conditions: [See the memo]
  memo:
    path: memo.pdf
    sha256: {SHA}
  content_sha256: {SHA}
visibility: restricted
"""  # 41 lines


def repo(tmp_path: Path, files: dict[str, str], *, repository: str = "private", counsel_email: str = "") -> Index:
    """A schema-valid mini repository with `files` on top of the defaults, loaded."""
    email = counsel_email or "1+counsel-a@users.noreply.github.com"
    defaults = {
        "charter/alliance.yaml": ALLIANCE.format(repository=repository, counsel_email=email),
        "members/hub.yaml": HUB,
        "members/acme.yaml": ACME,
    }
    for relpath, text in {**defaults, **files}.items():
        path = tmp_path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    loaded = load_repository(tmp_path, use_cache=False)
    assert loaded.findings == []
    return loaded.index


def found(rule_id: str, index: Index) -> list[tuple[str, int, int, str, str]]:
    check = {r.id: r for r in all_rules()}[rule_id].check
    assert check is not None
    return sorted((f.path, f.line, f.column, str(f.severity), f.message) for f in check(index))


def where(rule_id: str, index: Index) -> list[tuple[str, int, int, str]]:
    return [f[:4] for f in found(rule_id, index)]


R = "agreements/rs-1.yaml"


# ----------------------------------------------------------------- visibility-restricted


def test_restricted_agreement_with_only_metadata_passes(tmp_path: Path) -> None:
    index = repo(tmp_path, {R: RESTRICTED_OK})
    assert found("visibility-restricted", index) == []
    # the lifecycle rule accepts an executed restricted agreement without terms
    assert [f for f in run_checks(index) if f.path == R and f.rule == "lifecycle"] == []


def test_restricted_agreement_with_terms_and_text(tmp_path: Path) -> None:
    text = (
        RESTRICTED_OK.replace(
            "    sha256: " + SHA + "\nlegal_review:", "    sha256: " + SHA + "\n    title: Contract\nlegal_review:"
        ).replace("  conditions:", "  scope: Pricing\n  conditions:")
        + "summary: We split the market\nx-note: internal\nterms:\n  items:\n    - course: Intro\n      owner: acme\n"
        "  pricing_authority: owner\n  revenue_basis: net\n  split:\n    - member: acme\n      pct: 100\n"
    )
    index = repo(tmp_path, {R: text})
    assert where("visibility-restricted", index) == [
        (R, 32, 5, "error"),  # documents/0/title
        (R, 37, 3, "error"),  # legal_review/scope
        (R, 44, 1, "error"),  # summary
        (R, 45, 1, "error"),  # x-note
        (R, 46, 1, "error"),  # terms
    ]
    messages = [f[4] for f in found("visibility-restricted", index)]
    assert messages[4] == (
        "restricted agreement: terms is not allowed (only parties, type, status, dates and document hashes); "
        "keep the terms in a document outside the repository, pinned by its sha256 in documents"
    )
    assert messages[0].startswith("restricted agreement: documents/0/title is not allowed")


def test_restricted_documents_committed_to_the_repository(tmp_path: Path) -> None:
    index = repo(tmp_path, {R: RESTRICTED_OK, "contract.pdf": "the text", "memo.pdf": "the memo"})
    assert where("visibility-restricted", index) == [(R, 30, 11, "error"), (R, 38, 11, "error")]
    assert "contract.pdf is committed to this repository" in found("visibility-restricted", index)[0][4]


def test_restricted_member_keeps_its_focus_areas_out(tmp_path: Path) -> None:
    member = (
        "id: beta\nkind: member\nname: Beta\nstatus: active\njoined: 2024-01-01\nvisibility: restricted\n"
        "representatives:\n  - id: beta-ceo\n    name: CEO\n    can_sign: true\n    since: 2024-01-01\n"
        "description: Cloud databases\nclaims:\n  - id: c1\n    sector: [cloud]\n    region: [CN]\n"
    )
    index = repo(tmp_path, {"members/beta.yaml": member})
    assert where("visibility-restricted", index) == [
        ("members/beta.yaml", 12, 1, "error"),
        ("members/beta.yaml", 13, 1, "error"),
    ]


def test_restricted_rule_ignores_alliance_and_public_records(tmp_path: Path) -> None:
    text = RESTRICTED_OK.replace("visibility: restricted", "visibility: alliance") + "summary: Open to members\n"
    index = repo(tmp_path, {R: text, "contract.pdf": "the text"})
    assert found("visibility-restricted", index) == []


# ---------------------------------------------------------- visibility-public-repository


def test_alliance_record_in_a_public_repository(tmp_path: Path) -> None:
    text = (
        RESTRICTED_OK.replace("visibility: restricted", "visibility: alliance")
        + "terms:\n  items:\n    - course: Intro\n      owner: acme\n"
        "  pricing_authority: owner\n  revenue_basis: net\n  split:\n    - member: acme\n      pct: 100\n"
    )
    member = "id: beta\nkind: member\nname: Beta\nstatus: active\njoined: 2024-01-01\nvisibility: alliance\n"
    member += "claims:\n  - id: c1\n    sector: [cloud]\n    region: [CN]\n"
    files = {R: text, "members/beta.yaml": member, "contract.pdf": "the text"}
    index = repo(tmp_path, files, repository="public")
    assert where("visibility-public-repository", index) == [
        (R, 30, 11, "error"),  # documents/0/path: the file is committed
        (R, 42, 1, "error"),  # terms
        ("members/beta.yaml", 7, 1, "error"),  # claims
    ]
    messages = [f[4] for f in found("visibility-public-repository", index)]
    assert messages[1].startswith(
        "alliance-visible agreement in a public repository (anyone can read it): terms is not allowed"
    )


def test_public_repository_rule_passes_restricted_sized_and_public_records(tmp_path: Path) -> None:
    files = {
        R: RESTRICTED_OK.replace("visibility: restricted", "visibility: alliance"),
        # restricted records are visibility-restricted's: not reported twice
        "agreements/rs-2.yaml": RESTRICTED_OK.replace("id: rs-1", "id: rs-2") + "summary: Secret\n",
        "members/beta.yaml": ACME.replace("acme", "beta").replace("Acme", "Beta")
        + "claims:\n  - id: c1\n    sector: [cloud]\n    region: [CN]\n",
    }
    index = repo(tmp_path, files, repository="public")
    assert found("visibility-public-repository", index) == []
    assert where("visibility-restricted", index) == [("agreements/rs-2.yaml", 42, 1, "error")]


def test_private_repository_allows_alliance_content(tmp_path: Path) -> None:
    text = RESTRICTED_OK.replace("visibility: restricted", "visibility: alliance") + "summary: For members\n"
    assert found("visibility-public-repository", repo(tmp_path, {R: text}, repository="private")) == []


# ------------------------------------------------------------------------ personal-data

PEOPLE = """\
id: beta
kind: member
name: Beta
status: active
joined: 2024-01-01
visibility: {visibility}
representatives:
  - id: beta-ceo
    name: CEO
    email: ceo@beta.example
    commit_emails: [ceo@beta.example, 7+ceo@users.noreply.github.com, ceo@home.example]
    can_sign: true
    since: 2024-01-01
  - id: beta-cto
    name: CTO
    email: cto@beta.example
    commit_emails: [cto@beta.example]
    can_sign: false
    since: 2024-01-01
    public_contact: true
"""  # email value: line 10, column 12; commit_emails items: line 11, columns 21 and 71


def test_personal_data_in_a_public_member(tmp_path: Path) -> None:
    index = repo(tmp_path, {"members/beta.yaml": PEOPLE.format(visibility="public")})
    got = found("personal-data", index)
    assert [f[:4] for f in got] == [
        ("members/beta.yaml", 10, 12, "warning"),
        ("members/beta.yaml", 11, 21, "warning"),
        ("members/beta.yaml", 11, 71, "warning"),
    ]
    assert got[0][4] == (
        "personal data: representatives/0/email is published because this record is public; "
        "set public_contact: true only with the person's consent, or use a GitHub noreply address"
    )
    assert all("@" not in f[4] for f in got)  # the value itself is never repeated


def test_personal_data_in_an_alliance_member_depends_on_the_repository(tmp_path: Path) -> None:
    files = {"members/beta.yaml": PEOPLE.format(visibility="alliance")}
    assert found("personal-data", repo(tmp_path, files, repository="private")) == []
    got = found("personal-data", repo(tmp_path, files, repository="public"))
    assert len(got) == 3 and "because this repository is public" in got[0][4]


def test_person_ref_in_a_public_talent_agreement(tmp_path: Path) -> None:
    text = (
        "id: tl-1\ntype: talent\ntitle: Secondment\nversion: 1\nstatus: draft\nparties:\n  - member: acme\n"
        "  - member: hub\nvisibility: {visibility}\nterms:\n  kind: secondment\n  person_ref: p-7f3a\n"
        "  employee_consent: true\n"
    )
    index = repo(tmp_path, {"agreements/tl-1.yaml": text.format(visibility="public")})
    [(path, line, col, sev, msg)] = found("personal-data", index)
    assert (path, line, col, sev) == ("agreements/tl-1.yaml", 12, 15, "warning")
    assert msg == (
        "personal data: terms/person_ref is published because this record is public; keep it out of published records"
    )
    index = repo(tmp_path, {"agreements/tl-1.yaml": text.format(visibility="alliance")})
    assert found("personal-data", index) == []


def test_counsel_commit_email_in_the_charter(tmp_path: Path) -> None:
    index = repo(tmp_path, {}, counsel_email="counsel@law.example")
    [(path, line, col, sev, msg)] = found("personal-data", index)
    assert (path, line, col, sev) == ("charter/alliance.yaml", 13, 23, "warning")
    assert "legal/counsel/0/commit_emails/0 is published because the charter is published" in msg
    assert found("personal-data", repo(tmp_path, {})) == []  # a noreply address


def test_personal_fields_come_from_the_schemas() -> None:
    got = {
        kind: [(f.path, f.consent_key) for f in personal_fields(kind)] for kind in ("alliance", "member", "agreement")
    }
    assert got == {
        "alliance": [(("legal", "counsel", "*", "commit_emails"), None)],
        "member": [
            (("representatives", "*", "commit_emails"), "public_contact"),
            (("representatives", "*", "email"), "public_contact"),
        ],
        "agreement": [(("terms", "person_ref"), None)],
    }


@pytest.mark.parametrize(
    ("rule_id", "severity"),
    [
        ("visibility-restricted", Severity.ERROR),
        ("visibility-public-repository", Severity.ERROR),
        ("personal-data", Severity.WARNING),
    ],
)
def test_rules_are_registered_and_documented(rule_id: str, severity: Severity) -> None:
    rule = {r.id: r for r in all_rules()}[rule_id]
    assert rule.severity == severity and rule.check is not None
    assert "docs/design/visibility.md" in rule.doc or "public" in rule.doc
