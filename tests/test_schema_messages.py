"""Schema findings in a person's words: one exact message per validator keyword the schemas use,
length limits per field kind, the supported handbook languages, and "did you mean" for typos."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from qtgov.records.schema_messages import message
from qtgov.records.schemas import schema_findings, schemas
from qtgov.records.yamlload import parse_text
from qtgov.site.i18n import UI_LANGUAGES

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

ALLIANCE = """\
id: demo
name: Demo
hub: acme
languages: [zh, en]
schemes: {sector: a1, segment: b1}
publish: {repository: public}
"""

TEXT = "text, or a map of language code to text such as {zh: …, en: …}"
LONG = "x" * 90_000

# keyword -> (kind, record, [(line, column, pointer, message)])
CASES: dict[str, tuple[str, str, list[tuple[int, int, str, str]]]] = {
    "not-both": (
        "project",
        "id: big\ntitle: Big\norigin: subcontract\nstatus: bid\nvisibility: public\nprime: hub\n"
        "packages:\n  - {id: build, assignee: hub, status: planned, value: 10, share: 50}\n",
        [(8, 5, "/packages/0", "entry 1 of packages gives both value and share: give only one of them")],
    ),
    "type-null": ("member", MEMBER + "joined:\n", [(6, 8, "/joined", "joined is empty: give a date YYYY-MM-DD")]),
    "type-number-for-date": (
        "member",
        MEMBER + "joined: 2027\n",
        [(6, 9, "/joined", "joined is the number 2027: give a date YYYY-MM-DD")],
    ),
    "type-number-for-text": (
        "member",
        MEMBER.replace("name: Acme", "name: 42"),
        [(3, 7, "/name", f"name is the number 42: give {TEXT} (put it in quotes to keep it as text)")],
    ),
    "type-string-for-number": (
        "agreement",
        AGREEMENT.replace("version: 1", 'version: "one"'),
        [(4, 10, "/version", "version is 'one': give a whole number (write the number without quotes)")],
    ),
    "type-boolean": (
        "member",
        MEMBER + "representatives: [{id: al, name: Al, can_sign: yes-please, since: 2025-01-01}]\n",
        [(6, 48, "/representatives/0/can_sign", "can_sign is 'yes-please': give true or false")],
    ),
    "type-list": (
        "member",
        MEMBER + "claims: cloud\n",
        [(6, 9, "/claims", "claims is 'cloud': give a list")],
    ),
    "required": (
        "member",
        "id: acme\nkind: member\nname: Acme\nstatus: active\n",
        [(1, 1, "", "required field 'visibility' is missing (who may read this record)")],
    ),
    "required-nested": (
        "member",
        MEMBER + "claims: [{id: c1, sector: [cloud]}]\n",
        [(6, 10, "/claims/0", "required field 'region' is missing in entry 1 of claims (regions)")],
    ),
    "required-keeps-acronyms": (
        "alliance",
        ALLIANCE + "legal: {strict: true, counsel: [{id: lin, name: Lin, commit_emails: [lin@law.example.org]}]}\n",
        [
            (
                7,
                33,
                "/legal/counsel/0",
                "required field 'signing_keys' is missing in entry 1 of counsel (SSH public keys the counsel signs"
                " commits with)",
            )
        ],
    ),
    "additionalProperties-did-you-mean": (
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
    "additionalProperties-two-unknown": (
        "member",
        MEMBER + "colour: red\nsize: big\n",
        [
            (6, 1, "/colour", "unknown field 'colour': fields of your own must start with x-"),
            (7, 1, "/size", "unknown field 'size': fields of your own must start with x-"),
        ],
    ),
    "enum-did-you-mean": (
        "member",
        MEMBER.replace("kind: member", "kind: membr"),
        [(2, 7, "/kind", "kind is 'membr' (did you mean 'member'?): use hub or member")],
    ),
    "enum-case": (
        "member",
        MEMBER.replace("visibility: public", "visibility: Public"),
        [(5, 13, "/visibility", "visibility is 'Public' (did you mean 'public'?): use public, alliance or restricted")],
    ),
    "const": (
        "agreement",
        AGREEMENT.replace("revenue-share", "talent") + "terms: {kind: non-solicit, covered: everyone}\n",
        [(8, 37, "/terms/covered", "covered is 'everyone': the only value allowed here is all")],
    ),
    "pattern": (
        "member",
        MEMBER + "joined: 2025/01/01\n",
        [(6, 9, "/joined", "joined is '2025/01/01': give a date YYYY-MM-DD")],
    ),
    "pattern-long-value-is-cut": (
        "member",
        MEMBER.replace("id: acme", "id: " + "A" * 100),
        [
            (
                1,
                5,
                "/id",
                "id is 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA…': give a member id of 2-63 lower-case letters,"
                " digits and hyphens (shared is reserved)",
            )
        ],
    ),
    "propertyNames": (
        "member",
        MEMBER.replace("name: Acme", "name: {zh: 甲, EN: Acme}"),
        [(3, 7, "/name", "name has the key 'EN': each key must be a language code such as zh, en or zh-Hant")],
    ),
    "format": (
        "member",
        MEMBER + "joined: 2025-02-30\n",
        [(6, 9, "/joined", "joined is '2025-02-30', which is not a real calendar day: give a date YYYY-MM-DD")],
    ),
    "minLength": ("member", MEMBER.replace("name: Acme", 'name: ""'), [(3, 7, "/name", f"name is empty: give {TEXT}")]),
    "minProperties": (
        "member",
        MEMBER.replace("name: Acme", "name: {}"),
        [(3, 7, "/name", f"name is empty: give {TEXT}")],
    ),
    "maxLength-name": (
        "member",
        MEMBER.replace("name: Acme", "name: " + LONG),
        [(3, 7, "/name", "name is too long (90,000 characters): at most 200 are allowed")],
    ),
    "maxLength-free-text": (
        "member",
        MEMBER + "description: " + LONG + "\n",
        [(6, 14, "/description", "description is too long (90,000 characters): at most 5,000 are allowed")],
    ),
    "maxLength-url": (
        "member",
        MEMBER + "website: https://acme.example/" + "a" * 3000 + "\n",
        [(6, 10, "/website", "website is too long (3,021 characters): at most 2,048 are allowed")],
    ),
    "maxLength-language-value": (
        "member",
        MEMBER.replace("name: Acme", "name: {zh: 甲, en: " + "b" * 201 + "}"),
        [(3, 19, "/name/en", "en is too long (201 characters): at most 200 are allowed")],
    ),
    "minimum": (
        "agreement",
        AGREEMENT
        + "terms:\n  items: [{id: py, course: Python, owner: acme}]\n  pricing_authority: owner\n"
        + "  revenue_basis: net\n  split: [{member: acme, pct: -5}]\n",
        [(12, 31, "/terms/split/0/pct", "pct is -5: give a number from 0 to 100")],
    ),
    "maximum": (
        "agreement",
        AGREEMENT
        + "terms:\n  items: [{id: py, course: Python, owner: acme}]\n  pricing_authority: owner\n"
        + "  revenue_basis: net\n  split: [{member: acme, pct: 120}]\n",
        [(12, 31, "/terms/split/0/pct", "pct is 120: give a number from 0 to 100")],
    ),
    "minItems": (
        "member",
        MEMBER + "claims: [{id: c1, sector: [], region: [CN]}]\n",
        [(6, 27, "/claims/0/sector", "sector is an empty list: list at least 1 entry")],
    ),
    "uniqueItems": (
        "member",
        MEMBER + "claims: [{id: c1, sector: [cloud], region: [CN, CN]}]\n",
        [(6, 44, "/claims/0/region", "region lists 'CN' twice: list each entry once")],
    ),
    "languages-supported": (
        "alliance",
        ALLIANCE.replace("[zh, en]", "[zh, fr]"),
        [(4, 17, "/languages/1", "entry 2 of languages is 'fr': use zh or en")],
    ),
    "languages-case": (
        "alliance",
        ALLIANCE.replace("[zh, en]", "[zh, EN]"),
        [(4, 17, "/languages/1", "entry 2 of languages is 'EN' (did you mean 'en'?): use zh or en")],
    ),
}


def _findings(kind: str, text: str) -> list[tuple[int, int, str, str]]:
    result = parse_text(f"{kind}.yaml", text)
    assert result.findings == [] and result.document is not None
    return sorted((f.line, f.column, f.pointer, f.message) for f in schema_findings(kind, result.document))


@pytest.mark.parametrize("case", sorted(CASES))
def test_exact_message(case: str) -> None:
    kind, text, expected = CASES[case]
    assert _findings(kind, text) == sorted(expected)


def _keywords(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            if key in ("properties", "$defs", "patternProperties"):
                for sub in value.values():
                    yield from _keywords(sub)
            else:
                yield from _keywords(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keywords(value)


# Keywords that reject a value (the rest annotate, combine or point elsewhere).
REJECTING = {
    "type", "required", "additionalProperties", "enum", "const", "pattern", "format", "minLength",
    "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
    "uniqueItems", "minProperties", "maxProperties", "propertyNames", "oneOf", "anyOf", "not", "multipleOf",
    "contains", "dependentRequired",
}  # fmt: skip


def test_every_keyword_the_schemas_use_has_a_case() -> None:
    used = {k for s in schemas().values() for k in _keywords(s)} & REJECTING
    covered = {case.split("-")[0] for case in CASES}
    assert used <= covered, used - covered


@pytest.mark.parametrize(
    ("schema", "value", "expected"),
    [
        (
            {"oneOf": [{"type": "integer"}, {"type": "boolean"}], "description": "a count or true"},
            "x",
            "f is 'x', which matches none of the allowed forms: give a count or true",
        ),
        (
            {"anyOf": [{"type": "integer"}, {"type": "boolean"}]},
            [],
            "f is a list, which matches none of the allowed forms: give a valid value",
        ),
        ({"maxItems": 1}, [1, 2], "f has 2 entries: list at most 1"),
        ({"exclusiveMinimum": 0}, 0, "f is 0: give a number more than 0"),
        ({"multipleOf": 5}, 3, "f is the number 3, which does not fit the schema (multipleOf)"),
    ],
)
def test_keywords_the_schemas_do_not_use_yet(schema: dict[str, Any], value: Any, expected: str) -> None:
    # Combinators are worded as a whole when no single branch is the obvious one.
    error = next(iter(jsonschema.Draft202012Validator(schema).iter_errors(value)))
    assert message(error, ("f",)) == expected


def test_no_python_wording_anywhere() -> None:
    for kind, text, _ in CASES.values():
        for *_, msg in _findings(kind, text):
            for leak in ("is not of type", "should be non-empty", "None", "is not one of", "does not match"):
                assert leak not in msg, msg


# ---------------------------------------------------------------- limits and languages


def _string_nodes(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        kinds = node.get("type")
        if kinds == "string" or (isinstance(kinds, list) and "string" in kinds):
            yield where, node
        for key, value in node.items():
            yield from _string_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _string_nodes(value, f"{where}/{i}")


# Definitions whose pattern alone bounds the length (dates, ids, codes, digests).
BOUNDED_BY_PATTERN = {"date", "effective", "id", "member-id", "region", "sha256", "github", "person-ref", "currency"}


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_string_has_a_length_limit(name: str) -> None:
    for where, node in _string_nodes(schemas()[name]):
        if "enum" in node or "const" in node or where.endswith(("/if", "/then")):
            continue
        if where.rsplit("/", 1)[-1] in BOUNDED_BY_PATTERN or "/identifiers/" in where:
            continue
        assert isinstance(node.get("maxLength"), int), (name, where)


def test_supported_languages_are_the_handbooks() -> None:
    item = schemas()["alliance.schema.json"]["properties"]["languages"]["items"]
    assert tuple(item["enum"]) == UI_LANGUAGES


def test_validate_rejects_an_unsupported_language(make_repo: Any) -> None:
    """`languages: [zh, fr]` used to pass and build a half-Chinese fr/ site; now it is a finding."""
    import json

    from tests.conftest import ALLIANCE, run_qtgov

    root = make_repo({"charter/alliance.yaml": ALLIANCE.replace("languages: [en]", "languages: [zh, fr]")})
    result = run_qtgov("validate", root, "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["line"], f["column"], f["rule"], f["message"]) for f in findings] == [
        ("charter/alliance.yaml", 4, 17, "schema", "entry 2 of languages is 'fr': use zh or en")
    ]
    build = run_qtgov("build", root, "--out", root / "site")
    assert build.returncode == 1 and not (root / "site" / "fr").exists()
