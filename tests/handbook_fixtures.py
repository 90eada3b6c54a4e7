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
    # Projects and retrospectives: a non-public project's title and id, a non-public
    # retrospective's title, and the values and shares of a public project (sensitive).
    "PROJECTSECRETMARKER",
    "projsecretid",
    "RETROSECRETMARKER",
    "987654321",
    "987,654,321",
    "13572468",
    "13,572,468",
    "41.25",
)

#: The sensitive numbers of the public project, as a page or a data file could spell them.
PROJECT_VALUES = ("987654321", "987,654,321", "13572468", "13,572,468", "41.25")


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


def public_project() -> str:
    """A public project with values (sensitive), an alliance-only agreement and assignee, and a note
    naming the alliance-only project (withheld from the public edition)."""
    return """\
id: public-proj
title: {zh: 公开项目, en: Public project}
origin: subcontract
status: in-progress
visibility: public
client: {name: {zh: 某客户, en: Some client}}
prime: hub
bidders: [hub, acme]
scope: {zh: 云计算迁移。, en: A cloud migration.}
market: {sector: cloud/compute, region: CN-SH}
value: {amount: 987654321, currency: CNY}
start: 2025-01-01
end: 2025-12-31
agreements: [hub-acme]
packages:
  - id: build
    title: {zh: 搭建, en: Build}
    assignee: acme
    value: 13572468
    start: 2025-01-01
    end: 2025-06-30
    status: delivered
    agreements: [hub-acme-public]
  - id: run
    title: {zh: 运维, en: Run}
    assignee: beta
    share: 41.25
    start: 2025-07-01
    end: 2025-12-31
    depends_on: [build]
    status: planned
  - id: support
    title: {zh: 支持, en: "Support <script>alert('pkg')</script>[x](javascript:alert(5))"}
    assignee: hub
    start: 2025-03-01
    end: 2025-09-30
    status: in-progress
note: {zh: 接续 PROJECTSECRETMARKER 的工作。, en: It follows PROJECTSECRETMARKER.}
"""


def alliance_project() -> str:
    return """\
id: projsecretid
title: {zh: PROJECTSECRETMARKER, en: PROJECTSECRETMARKER}
origin: breakdown
status: won
visibility: alliance
client: {anonymised: true, description: {zh: 某银行, en: A bank}}
prime: hub
brought_by: acme
market: {sector: cloud/compute, region: CN-SH}
start: 2025-02-01
end: 2025-10-31
packages:
  - id: only
    title: {zh: 唯一, en: Only}
    assignee: acme
    status: planned
"""


def retrospective(
    ident: str, title: str, visibility: str, date: str, projects: str | None, *, agreements: bool = True
) -> str:
    concerns = f"  projects: {projects}\n" if projects else ""
    concerns += "  agreements: [hub-acme-public]\n" if agreements else ""
    return f"""\
id: {ident}
title: {q(title)}
date: {date}
authors: [hub]
visibility: {visibility}
concerns:
{concerns}happened: {{zh: 按期交付。, en: Delivered on time.}}
learned: {{zh: 留出缓冲。, en: Leave slack.}}
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
        "projects/public-proj.yaml": public_project(),
        "projects/projsecretid.yaml": alliance_project(),
        "retrospectives/public-retro.yaml": retrospective(
            "public-retro", "Public retro", "public", "2025-07-10", "[public-proj, projsecretid]"
        ),
        "retrospectives/older-retro.yaml": retrospective("older-retro", "Older retro", "public", "2025-03-01", None),
        "retrospectives/hidden-concern.yaml": retrospective(
            "hidden-concern", "About an unlisted project", "public", "2025-05-01", "[projsecretid]", agreements=False
        ),
        "retrospectives/secret-retro.yaml": retrospective(
            "secret-retro", "RETROSECRETMARKER", "alliance", "2025-08-01", "[projsecretid]"
        ),
    }
    files.update(extra or {})
    return write_repo(root, files, defaults=False)
