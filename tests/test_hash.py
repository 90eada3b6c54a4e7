"""Content hashes (docs/design/records.md): RFC 8785 test vectors computed here independently, and `qtgov hash`."""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from conftest import run_qtgov

from qtgov.records.hashing import UNSIGNED_KEYS, content_sha256, signed_content
from qtgov.records.yamlload import parse_text


def jcs(value: Any) -> str:
    """A small independent RFC 8785 serialiser for the simple values these vectors use."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        assert abs(value) < 2**53
        return str(value)
    if isinstance(value, float):
        assert math.isfinite(value)
        if value == int(value) and abs(value) < 1e21:
            return str(int(value))  # ECMAScript: 15.0 -> "15", -0.0 -> "0"
        text = repr(value)  # shortest round trip, as ECMAScript for 1e-6 <= |x| < 1e21
        assert "e" not in text
        return text
    if isinstance(value, str):
        out = ['"']
        for ch in value:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ch in "\b\t\n\f\r":
                out.append({"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}[ch])
            elif ord(ch) < 0x20:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)  # everything else, non-ASCII included, as is (UTF-8)
        return "".join(out) + '"'
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    assert isinstance(value, dict)
    # Keys sort by their UTF-16 code units, not by code points.
    keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
    return "{" + ",".join(f"{jcs(k)}:{jcs(value[k])}" for k in keys) + "}"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the serialisation itself


def test_spec_example_bytes_and_hash() -> None:
    data = {"b": 15.0, "a": "é"}
    assert rfc8785.dumps(data) == b'{"a":"\xc3\xa9","b":15}'
    assert jcs(data).encode() == b'{"a":"\xc3\xa9","b":15}'
    assert content_sha256(data) == sha(b'{"a":"\xc3\xa9","b":15}')
    # printf '{"a":"\xc3\xa9","b":15}' | sha256sum
    assert content_sha256(data) == "a37c4db8dd9691d6f6cc4194219155888db29442861c8947a1ca8fc8688016b4"
    # json.dumps is not JCS: it keeps "15.0" and the key order.
    assert json.dumps(data, separators=(",", ":"), ensure_ascii=False) == '{"b":15.0,"a":"é"}'


VECTORS: list[Any] = [
    {"b": 15.0, "a": "é"},
    {"z": [1, 2.5, -0.0, 100.0, 0.1], "y": None, "x": True, "w": False},
    {"\ue000": 1, "\U0001f600": 2, "a": 3, "B": 4},  # UTF-16 order puts the emoji's surrogates first
    {"nested": {"status": "kept", "b": {"d": 1, "c": [{"f": 1, "e": 2}]}}},
    {"text": 'quote " backslash \\ newline \n tab \t cr \r', "zh": "量潮科技"},
    {"": "empty key", "x-extra": 1},
]


@pytest.mark.parametrize("data", VECTORS)
def test_vectors_match_an_independent_serialiser(data: Any) -> None:
    expected = jcs(data).encode("utf-8")
    assert rfc8785.dumps(data) == expected
    assert content_sha256(data) == sha(expected)


def test_utf16_key_order() -> None:
    assert rfc8785.dumps({"\ue000": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ue000":1}'.encode()


# ---------------------------------------------------------------- what the hash covers


AGREEMENT = """\
id: deal
type: talent
title: {zh: 培训, en: Training}
version: 1
status: executed
parties:
  - member: acme
  - member: beta
visibility: public
terms:
  kind: training
  x-notes: {status: nested, visibility: nested}
signatures:
  - member: acme
    signatory: alice
    date: 2024-02-01
    method: git-commit
    content_sha256: "0000000000000000000000000000000000000000000000000000000000000000"
termination:
  date: 2024-12-31
  reason: done
legal_review:
  status: requested
"""


def data_of(text: str) -> dict[str, Any]:
    result = parse_text("a.yaml", text)
    assert result.findings == [] and result.document is not None
    assert isinstance(result.document.data, dict)
    return result.document.data


def test_hash_of_a_record_is_jcs_of_its_signed_content() -> None:
    data = data_of(AGREEMENT)
    signed = {
        "id": "deal",
        "type": "talent",
        "title": {"zh": "培训", "en": "Training"},
        "version": 1,
        "parties": [{"member": "acme"}, {"member": "beta"}],
        "terms": {"kind": "training", "x-notes": {"status": "nested", "visibility": "nested"}},
    }
    assert signed_content(data) == signed
    expected = (
        '{"id":"deal","parties":[{"member":"acme"},{"member":"beta"}],'
        '"terms":{"kind":"training","x-notes":{"status":"nested","visibility":"nested"}},'
        '"title":{"en":"Training","zh":"培训"},"type":"talent","version":1}'
    ).encode()
    assert jcs(signed).encode() == expected
    assert content_sha256(data) == sha(expected)


def test_unsigned_keys_are_exactly_the_five() -> None:
    assert frozenset({"signatures", "status", "termination", "legal_review", "visibility"}) == UNSIGNED_KEYS


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("status: executed", "status: terminated"),
        ("visibility: public", "visibility: restricted"),
        ("  status: requested", "  status: approved\n  reviewer: counsel-a"),
        ("  reason: done", "  reason: changed"),
        ("    signatory: alice", "    signatory: someone-else"),
        ("title: {zh: 培训, en: Training}", "title:\n  en: Training\n  zh: 培训"),  # layout
        ("  kind: training", "  kind: 'training'  # a comment"),  # quoting and comments
        ("version: 1", "version: 1.0"),  # JCS writes both as 1
    ],
)
def test_hash_ignores_unsigned_keys_and_layout(old: str, new: str) -> None:
    assert old in AGREEMENT
    assert content_sha256(data_of(AGREEMENT.replace(old, new, 1))) == content_sha256(data_of(AGREEMENT))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("x-notes: {status: nested", "x-notes: {status: changed"),  # a nested key named status is signed
        ("visibility: nested}", "visibility: other}"),
        ("  kind: training", "  kind: secondment"),
        ("version: 1", "version: '1'"),  # a string is not a number
        ("title: {zh: 培训, en: Training}", "title: {zh: 培训, en: 'Training '}"),
        ("  - member: beta\n", ""),
    ],
)
def test_hash_covers_everything_else(old: str, new: str) -> None:
    assert old in AGREEMENT
    assert content_sha256(data_of(AGREEMENT.replace(old, new, 1))) != content_sha256(data_of(AGREEMENT))


def test_yaml_scalar_rules_feed_the_hash() -> None:
    # `NO` and `2025-01-01` are strings under qtgov's rules, `15.0` a number written as 15. `NO`
    # and `1:30` are also reported (yaml-ambiguous: other YAML tools type them); the hash is over
    # qtgov's reading.
    result = parse_text("a.yaml", "b: 15.0\na: é\nc: NO\nd: 2025-01-01\ne: 1:30\n")
    assert [(f.line, f.rule) for f in result.findings] == [(3, "yaml-ambiguous"), (5, "yaml-ambiguous")]
    assert result.document is not None
    data = result.document.data
    expected = '{"a":"é","b":15,"c":"NO","d":"2025-01-01","e":"1:30"}'.encode()
    assert rfc8785.dumps(data) == expected
    assert content_sha256(data) == sha(expected)


# ---------------------------------------------------------------- qtgov hash FILE


def test_cli_prints_one_hex_line(tmp_path: Path) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(AGREEMENT, encoding="utf-8")
    result = run_qtgov("hash", path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert re.fullmatch(r"[0-9a-f]{64}\n", result.stdout)
    assert result.stdout == content_sha256(data_of(AGREEMENT)) + "\n"


def test_cli_relative_path(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("b: 15.0\na: é\n", encoding="utf-8")
    result = run_qtgov("hash", "x.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, sha(b'{"a":"\xc3\xa9","b":15}') + "\n")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("id: deal\ntitle: [x\n", ":3:1: error [yaml-syntax]"),
        ("id: deal\nid: again\n", ":2:1: error [yaml-duplicate-key]"),
        ("id: deal\nversion: 99999999999999999999\n", ":2:10: error [yaml-number]"),
        ("id: \u202edeal\n", ":1:5: error [file-characters]"),
        ("", ":1:1: error [file-empty]"),
        ("- a\n- b\n", ":1:1: error [schema]"),
    ],
)
def test_cli_broken_file(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_qtgov("hash", path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"\n{path}{where} " in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_qtgov("hash", tmp_path / "nope.yaml")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"qtgov: {tmp_path / 'nope.yaml'}: no such file\n"
