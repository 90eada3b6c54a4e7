"""The JSON Schemas: well-formed, offline, and mapping each bad value to its exact line and column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from qtgov.records.schemas import BASE_ID, COMMON, bundle, dump, schema_findings, schemas, sensitive_paths
from qtgov.records.yamlload import load_file, parse_text

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_NAMES = sorted(schemas())


def _walk(node: Any, where: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every subschema (dict) with its location."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, (*where, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*where, str(i)))


def _findings(kind: str, text: str) -> list[tuple[int, int, str, str]]:
    result = parse_text(f"{kind}.yaml", text)
    assert result.findings == [] and result.document is not None
    found = schema_findings(kind, result.document)
    return sorted((f.line, f.column, f.pointer, f.message) for f in found)


# ---------------------------------------------------------------- the schemas themselves


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_passes_metaschema(name: str) -> None:
    schema = schemas()[name]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == BASE_ID + name


def test_all_kinds_and_common_present() -> None:
    assert SCHEMA_NAMES == [
        "agreement.schema.json",
        "alliance.schema.json",
        "common.schema.json",
        "member.schema.json",
        "project.schema.json",
        "retrospective.schema.json",
        "taxonomy.schema.json",
    ]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_ref_resolves_offline(name: str) -> None:
    # No retrieve function: anything not preloaded is Unresolvable, so nothing is fetched.
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas().values()
    )
    resolver = registry.resolver(base_uri=schemas()[name]["$id"])
    refs = [node["$ref"] for _, node in _walk(schemas()[name]) if isinstance(node.get("$ref"), str)]
    assert refs
    for ref in refs:
        # Self-contained: every reference points inside the same file (usable without qtgov).
        assert ref.startswith("#/$defs/"), ref
        resolver.lookup(ref)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_shipped_schemas_are_bundled(name: str) -> None:
    """Each file carries exactly the common definitions it uses; run scripts/bundle-schemas if not."""
    common = schemas()[COMMON]
    text = (ROOT / "schemas" / name).read_text("utf-8")
    assert dump(bundle(json.loads(text), common)) == text
    for def_name, definition in schemas()[name].get("$defs", {}).items():
        if def_name in common["$defs"]:
            assert definition == common["$defs"][def_name], (name, def_name)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_objects_closed_and_documented(name: str) -> None:
    for where, node in _walk(schemas()[name]):
        if "if" in where or "then" in where:
            continue  # conditions and the terms switch, not record objects
        if "properties" in node:
            assert node.get("additionalProperties") is False, where
            assert node.get("patternProperties") == {"^x-": {}}, where
            for prop, sub in node["properties"].items():
                assert sub.get("description"), (*where, prop)
        if "pattern" in node:
            assert node.get("description"), where  # the loader quotes it in messages


def test_sensitive_and_personal_markers() -> None:
    assert sensitive_paths("agreement") == [
        ("terms", "commitments", "*", "amount"),
        ("terms", "cost_share"),
        ("terms", "fee"),
        ("terms", "platform_fee"),
        ("terms", "settlement"),
        ("terms", "split"),
    ]
    rep = schemas()["member.schema.json"]["properties"]["representatives"]["items"]["properties"]
    assert rep["email"]["x-personal"] is True
    talent = schemas()["agreement.schema.json"]["$defs"]["talent-terms"]["properties"]
    assert talent["person_ref"]["x-personal"] is True
    assert sensitive_paths("project") == [("packages", "*", "share"), ("packages", "*", "value"), ("value",)]


# ---------------------------------------------------------------- valid records

VALID = {
    "alliance-minimal": (
        "alliance",
        """\
id: demo
name: Demo Alliance
languages: [en]
schemes: {sector: qt-markets, segment: qt-segments}
publish: {repository: private}
""",
    ),
    "alliance-full": (
        "alliance",
        """\
id: demo
name: {zh: 演示联盟, en: Demo Alliance}
hub: hub-co
languages: [zh, en]
schemes: {sector: qt-markets, segment: qt-segments}
region: {aliases: separate}
competitor_depth: 2
legal:
  strict: true
  counsel:
    - id: lin-law
      name: {zh: 林律师, en: Counsel Lin}
      github: lin-law
      commit_emails: [lin@law.example]
      signing_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB lin@laptop"]
      since: 2025-01-01
overlaps: {severity: error}
approvals: {quorum: {members: 0}}
publish: {repository: public, audience: alliance, url: "https://example.org/handbook/"}
x-founded-at: Hangzhou
""",
    ),
    "taxonomy": (
        "taxonomy",
        """\
scheme: qt-markets
version: "2025.1"
nodes:
  cloud: {name: {zh: 云, en: Cloud}}
  cloud/database: {name: Databases, maps_to: [{scheme: gbt4754, path: i/64}]}
retired: {cloud/db: cloud/database}
""",
    ),
    "member": (
        "member",
        """\
id: acme
kind: member
name: {zh: 阿克米, en: Acme}
legal_name: Acme Ltd
identifiers: {uscc: 91330100MA2XXXXX0X, x-duns: "123"}
jurisdiction: CN-ZJ
status: active
joined: 2025-01-01
website: https://acme.example
visibility: public
sources: [{url: "https://acme.example/about", fact: founded 2020}]
antitrust_policy_acknowledged: 2025-01-02
representatives:
  - id: alice
    name: Alice
    email: alice@acme.example
    commit_emails: [12345+alice@users.noreply.github.com]
    github: alice
    can_sign: true
    since: 2025-01-01
    until: 2025-12-31
claims:
  - {id: gpu, sector: [cloud/compute/gpu], region: [CN-ZJ, CN-33], segment: [smb], period: {start: 2025-01-01}}
  - {id: all, sector: ["*"], region: ["*"]}
""",
    ),
    "market-boundary": (
        "agreement",
        """\
id: mb-1
type: market-boundary
title: Shared GPU cloud in Shanghai
version: 1
status: executed
parties: [{member: acme}, {member: beta}]
signatures:
  - {member: acme, signatory: alice, date: 2025-02-01, method: git-commit, content_sha256: %s}
effective: on-execution
term: {duration: P12M}
renewal: {auto: true, period: P1Y, notice: P30D}
legal_review: {status: approved_with_conditions, reviewer: lin-law, conditions: [annual re-review]}
visibility: alliance
terms:
  allocations:
    - scope: {sector: [cloud/compute/gpu], region: [CN-SH], segment: [edu]}
      holder: shared
"""
        % ("a" * 64),
    ),
    "revenue-share": (
        "agreement",
        """\
id: rs-1
type: revenue-share
title: {zh: 课程联合上架, en: Course co-listing}
version: 2
status: proposed
parties: [{member: hub-co, role: platform}, {member: acme, role: owner}]
effective: 2025-03-01
visibility: alliance
terms:
  items: [{course: Intro to Python, owner: acme}]
  pricing_authority: owner
  revenue_basis: net
  split: [{member: acme, pct: 70}, {member: hub-co, pct: 30.0}]
  settlement: monthly
""",
    ),
    "talent": (
        "agreement",
        """\
id: talent-1
type: talent
title: Non-solicit for the data team
version: 1
status: draft
parties: [{member: acme}, {member: beta}]
visibility: restricted
terms:
  kind: non-solicit
  ancillary_to: mb-1
  covered: [data team]
  period: {start: 2025-01-01, end: 2025-12-31}
""",
    ),
    "talent-secondment": (
        "agreement",
        """\
id: talent-2
type: talent
title: Secondment
version: 1
status: draft
parties: [{member: acme}, {member: beta}]
visibility: alliance
terms: {kind: secondment, person_ref: p-7f3a, employee_consent: true, time_share_pct: 50, covered: all}
""",
    ),
    "contribution": (
        "agreement",
        """\
id: oss-1
type: contribution
title: Shared PaaS
version: 1
status: draft
parties: [{member: acme}, {member: beta}]
visibility: public
terms:
  project: {name: open-paas, repo: "https://github.com/example/open-paas", license: Apache-2.0}
  commitments: [{member: acme, kind: engineering, amount: 20, unit: engineer-days, per: P1M}]
  measurement: {window: P3M, metrics: [commits, reviews], exclude_paths: ["vendor/**"]}
  rebalancing: {tolerance_pct: 15, remedy: renegotiate, cadence: P6M}
""",
    ),
    "shareholding": (
        "agreement",
        """\
id: sh-1
type: shareholding
title: Hub stake in Acme
version: 1
status: executed
parties: [{member: hub-co}, {member: acme}]
visibility: public
terms: {holder: hub-co, issuer: acme, instrument: ordinary-shares, equity_pct: 15, board_seats: 1, control: none}
""",
    ),
    "restricted-without-terms": (
        "agreement",
        """\
id: r-1
type: talent
title: Restricted
version: 1
status: executed
parties: [{member: acme}]
visibility: restricted
documents: [{path: documents/r-1.pdf, sha256: "%s"}]
"""
        % ("0" * 64),
    ),
}


@pytest.mark.parametrize("case", sorted(VALID))
def test_valid_records(case: str) -> None:
    kind, text = VALID[case]
    assert _findings(kind, text) == []


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("alliance", "charter/alliance.yaml"),
        ("taxonomy", "charter/taxonomy/qt-markets.yaml"),
        ("taxonomy", "charter/taxonomy/qt-segments.yaml"),
        ("member", "members/quanttide.yaml"),
    ],
)
def test_this_repository_records_validate(kind: str, path: str) -> None:
    result = load_file(ROOT, path)
    assert result.findings == [] and result.document is not None
    assert schema_findings(kind, result.document) == []


# ---------------------------------------------------------------- invalid records: exact positions

MEMBER = """\
id: acme
kind: member
name: Acme
status: active
visibility: public
"""

AGREEMENT = """\
id: rs-1
type: revenue-share
title: Courses
version: 1
status: draft
parties: [{member: acme}]
visibility: alliance
"""

RS_TERMS = """\
terms:
  items: [{course: Python, owner: acme}]
  pricing_authority: owner
  revenue_basis: net
  split: [{member: acme, pct: 100}]
"""

INVALID = {
    "unknown-field": (
        "member",
        MEMBER + "webiste: https://acme.example\n",
        [
            (
                6,
                1,
                "/webiste",
                "unknown field 'webiste' (did you mean 'website'?): fields of your own must start with x-",
            )
        ],
    ),
    "unknown-nested-field": (
        "member",
        MEMBER + "representatives:\n  - {id: al, name: Al, can_sign: true, since: 2025-01-01, role: ceo}\n",
        [(7, 59, "/representatives/0/role", "unknown field 'role': fields of your own must start with x-")],
    ),
    "bad-date": (
        "member",
        MEMBER + "joined: 2025-13-01\n",
        [(6, 9, "/joined", "joined is '2025-13-01', which is not a real calendar day: give a date YYYY-MM-DD")],
    ),
    "bad-date-form": (
        "member",
        MEMBER + "joined: 2025/01/01\n",
        [(6, 9, "/joined", "joined is '2025/01/01': give a date YYYY-MM-DD")],
    ),
    "bad-email": (
        "member",
        MEMBER + "representatives:\n  - id: al\n    name: Al\n    email: al.example.com\n"
        "    can_sign: true\n    since: 2025-01-01\n",
        [
            (
                9,
                12,
                "/representatives/0/email",
                "email is 'al.example.com': give an email address such as name@example.com",
            )
        ],
    ),
    "missing-visibility": (
        "member",
        "id: acme\nkind: member\nname: Acme\nstatus: active\n",
        [(1, 1, "", "required field 'visibility' is missing (who may read this record)")],
    ),
    "reserved-id": (
        "member",
        MEMBER.replace("id: acme", "id: shared"),
        [
            (
                1,
                5,
                "/id",
                "id is 'shared': give a member id of 2-63 lower-case letters, digits and hyphens (shared is reserved)",
            )
        ],
    ),
    "id-with-trailing-newline": (
        "member",
        MEMBER.replace("id: acme", "id: |\n  acme"),
        [
            (
                1,
                5,
                "/id",
                "id is 'acme\\n': give a member id of 2-63 lower-case letters, digits and hyphens (shared is reserved)",
            )
        ],
    ),
    "bad-language-key": (
        "member",
        MEMBER.replace("name: Acme", "name: {zh: 甲, EN: Acme}"),
        [(3, 7, "/name", "name has the key 'EN': each key must be a language code such as zh, en or zh-Hant")],
    ),
    "bad-region": (
        "member",
        MEMBER + "claims: [{id: c1, sector: [cloud], region: [cn]}]\n",
        [
            (
                6,
                45,
                "/claims/0/region/0",
                "entry 1 of region is 'cn': give * or an ISO 3166 code such as CN, CN-ZJ or FR-75C",
            )
        ],
    ),
    "wrong-terms-field-for-type": (
        "agreement",
        AGREEMENT + RS_TERMS + "  allocations: []\n",
        [(13, 3, "/terms/allocations", "unknown field 'allocations': fields of your own must start with x-")],
    ),
    "missing-terms-field-for-type": (
        "agreement",
        AGREEMENT.replace("revenue-share", "shareholding")
        + "terms: {holder: hub-co, issuer: acme, instrument: shares, equity_pct: 15}\n",
        [(8, 8, "/terms", "required field 'control' is missing in terms (control acquired)")],
    ),
    "agreement-missing-visibility": (
        "agreement",
        AGREEMENT.replace("visibility: alliance\n", ""),
        [(1, 1, "", "required field 'visibility' is missing (who may read this record)")],
    ),
    "split-pct-string": (
        "agreement",
        AGREEMENT + RS_TERMS.replace("pct: 100", 'pct: "100"'),
        [(12, 31, "/terms/split/0/pct", "pct is '100': give a number (write the number without quotes)")],
    ),
    "bad-effective": (
        "agreement",
        AGREEMENT + "effective: on-signature\n",
        [(8, 12, "/effective", "effective is 'on-signature': give a date YYYY-MM-DD, or on-execution")],
    ),
    "bad-effective-date": (
        "agreement",
        AGREEMENT + "effective: 2025-02-30\n",
        [(8, 12, "/effective", "effective is '2025-02-30', which is not a real calendar day: give a date YYYY-MM-DD")],
    ),
    "bad-duration": (
        "agreement",
        AGREEMENT + "term: {duration: 12 months}\n",
        [(8, 18, "/term/duration", "duration is '12 months': give an ISO 8601 duration such as P12M, P1Y6M or P30D")],
    ),
    "conditions-required": (
        "agreement",
        AGREEMENT + "legal_review: {status: approved_with_conditions}\n",
        [(8, 15, "/legal_review", "required field 'conditions' is missing in legal_review")],
    ),
    "covered-other-string": (
        "agreement",
        AGREEMENT.replace("revenue-share", "talent") + "terms: {kind: non-solicit, covered: everyone}\n",
        [(8, 37, "/terms/covered", "covered is 'everyone': the only value allowed here is all")],
    ),
    "bad-taxonomy-path": (
        "taxonomy",
        "scheme: s\nversion: 1\nnodes: {Cloud: {name: Cloud}}\n",
        [
            (
                1,
                9,
                "/scheme",
                "scheme is 's': give an id of 2-63 lower-case letters, digits and hyphens, not starting with a hyphen",
            ),
            (
                3,
                8,
                "/nodes",
                "nodes has the key 'Cloud': each key must be a tree path of lower-case slugs"
                " separated by / such as cloud/compute/gpu",
            ),
        ],
    ),
    "alliance-bad-severity": (
        "alliance",
        "id: demo\nname: Demo\nlanguages: [en]\nschemes: {sector: a1, segment: b1}\n"
        "publish: {repository: public}\noverlaps: {severity: fatal}\n",
        [(6, 22, "/overlaps/severity", "severity is 'fatal': use warning or error")],
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_records(case: str) -> None:
    """Exact (line, column, pointer, message) of each finding."""
    kind, text, expected = INVALID[case]
    assert _findings(kind, text) == sorted(expected)


# ---------------------------------------------------------------- the compiled fast path


def _both_validators(kind: str, text: str) -> tuple[bool, bool]:
    """(jsonschema-rs says valid, pure-Python jsonschema says valid) for one record."""
    from qtgov.records.schemas import _fast_validators, _validators

    result = parse_text(f"{kind}.yaml", text)
    assert result.document is not None
    fast = _fast_validators()
    assert fast is not None, "jsonschema-rs is a dependency; the fast path must be active"
    return fast[kind].is_valid(result.document.data), _validators()[kind].is_valid(result.document.data)


@pytest.mark.parametrize("case", sorted(VALID))
def test_fast_path_accepts_what_jsonschema_accepts(case: str) -> None:
    assert _both_validators(*VALID[case]) == (True, True)


@pytest.mark.parametrize("case", sorted(INVALID))
def test_fast_path_rejects_what_jsonschema_rejects(case: str) -> None:
    # A record the compiled validator wrongly accepted would lose its findings entirely.
    kind, text, _ = INVALID[case]
    assert _both_validators(kind, text) == (False, False)
