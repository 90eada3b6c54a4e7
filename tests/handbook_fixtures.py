"""A small bilingual alliance for the handbook tests: public, alliance-visible and restricted
records with marker strings that a public build must never contain, and a member whose name can
be replaced by hostile text."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SECTORS, SEGMENTS, write_repo

#: Strings that only non-public records (or personal data) contain.
SECRET_MARKERS = (
    "ALLIANCEMEMBERMARKER",
    "ALLIANCEAGREEMENTMARKER",
    "RESTRICTEDTITLEMARKER",
    "secret-rep-email@example.org",
    "secret-commit@example.org",
    "p-secretperson",
)


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def alliance(languages: str = "[zh, en]") -> str:
    return f"""\
id: test-alliance
name: {{zh: 测试联盟, en: Test alliance}}
hub: hub
languages: {languages}
schemes:
  sector: sectors
  segment: segments
legal:
  strict: false
  counsel: []
publish:
  repository: private
  audience: public
"""


def hub() -> str:
    return """\
id: hub
kind: hub
name: {zh: 枢纽科技, en: Hub Technology}
legal_name: Hub Ltd
identifiers:
  uscc: 91330100MA2XXXXXXX
jurisdiction: CN-ZJ
website: https://hub.example.org
sources:
  - url: https://hub.example.org/about
status: active
joined: 2024-01-01
visibility: public
representatives:
  - id: hub-rep
    name: {zh: 周明, en: Zhou Ming}
    title: {zh: 董事, en: Director}
    email: secret-rep-email@example.org
    commit_emails: [secret-commit@example.org]
    can_sign: true
    since: 2024-01-01
claims:
  - id: compute-sh
    sector: [cloud/compute]
    region: [CN-SH]
    period: {start: 2024-01-01}
"""


def member(ident: str, name: str, visibility: str = "public", region: str = "CN") -> str:
    return f"""\
id: {ident}
kind: member
name: {q(name)}
legal_name: {q(name)}
description: {q(name)}
status: active
joined: 2024-02-01
visibility: {visibility}
claims:
  - id: compute
    sector: [cloud/compute]
    region: [{region}]
    period: {{start: 2024-02-01}}
    note: {q(name)}
"""


def draft(ident: str, title: str, parties: tuple[str, str], visibility: str, holder: str = "shared") -> str:
    return f"""\
id: {ident}
type: market-boundary
title: {q(title)}
version: 1
status: draft
parties:
  - member: {parties[0]}
  - member: {parties[1]}
effective: 2024-06-01
visibility: {visibility}
summary: {q(title)}
terms:
  allocations:
    - scope:
        sector: [cloud/compute]
        region: [CN-SH]
      holder: {holder}
      cooperation: {q(title)}
"""


def restricted(ident: str, title: str) -> str:
    return f"""\
id: {ident}
type: talent
title: {q(title)}
version: 1
status: draft
parties:
  - member: hub
  - member: acme
visibility: restricted
"""


def talent_alliance() -> str:
    return """\
id: secondment
type: talent
title: {zh: 借调, en: Secondment ALLIANCEAGREEMENTMARKER}
version: 1
status: draft
parties:
  - member: hub
  - member: acme
visibility: alliance
terms:
  kind: secondment
  person_ref: p-secretperson
  home: hub
  host: acme
  employee_consent: true
"""


def make_alliance(
    root: Path, *, acme_name: str = "Acme Cloud 艾克米云", extra: dict[str, str | None] | None = None
) -> Path:
    files: dict[str, str | bytes | None] = {
        "charter/alliance.yaml": alliance(),
        "charter/taxonomy/sectors.yaml": SECTORS,
        "charter/taxonomy/segments.yaml": SEGMENTS,
        "charter/index.md": "# 测试联盟手册\n\n联盟的公开手册。\n",
        "charter/index.en.md": "# Test alliance handbook\n\nThe alliance's public handbook.\n",
        "charter/rules.md": "# 规则\n\n成员保持独立。\n",
        "members/hub.yaml": hub(),
        "members/acme.yaml": member("acme", acme_name),
        "members/beta.yaml": member("beta", "Beta ALLIANCEMEMBERMARKER", visibility="alliance", region="CN-ZJ"),
        "agreements/hub-acme.yaml": draft("hub-acme", "Shanghai ALLIANCEAGREEMENTMARKER", ("hub", "acme"), "alliance"),
        "agreements/hub-acme-public.yaml": draft("hub-acme-public", "Public boundary", ("hub", "acme"), "public"),
        "agreements/hidden.yaml": restricted("hidden", "RESTRICTEDTITLEMARKER"),
        "agreements/secondment.yaml": talent_alliance(),
    }
    files.update(extra or {})
    return write_repo(root, files, defaults=False)
