"""The hardened two-pass loader: qtgov's scalar rules, positions, and every bad-input class
of docs/design/bad-input.md."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from qtgov.records.yamlload import (
    MAX_BYTES,
    MAX_DEPTH,
    Document,
    Mark,
    load_file,
    parse_bytes,
    parse_text,
    typed_scalar,
)

Found = list[tuple[int, int, str]]


def load(text: str | bytes) -> tuple[Any, Found]:
    """(data or None, [(line, column, rule)]) for one file's text or bytes."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    result = parse_bytes("x.yaml", raw)
    data = result.document.data if result.document is not None else None
    return data, [(f.line, f.column, f.rule) for f in result.findings]


def doc(text: str) -> Document:
    result = parse_text("x.yaml", text)
    assert result.findings == []
    assert result.document is not None
    return result.document


# ---------------------------------------------------------------- scalar rules


@pytest.mark.parametrize(
    "plain",
    [
        "NO",
        "no",
        "No",
        "on",
        "off",
        "yes",
        "Y",
        "n",
        "0755",
        "0o17",
        "0x1F",
        "1:30",
        "1e3",
        "1E3",
        "1.5e3",
        "2025-01-01",
        "2025-01-01T10:00:00Z",
        "~",
        "Null",
        "NULL",
        "True",
        "TRUE",
        "False",
        ".inf",
        "-.inf",
        ".nan",
        "+1",
        "+1.5",
        "1.",
        ".5",
        "01",
        "-01",
        "00",
        "1_000",
        "1,000",
        "0b101",
        "=",
        "<<x",
    ],
)
def test_other_plain_scalars_stay_strings(plain: str) -> None:
    assert typed_scalar(plain, True) == plain
    data, found = load(f"a: {plain}\n")
    # Still text to qtgov; each of these that other YAML tools type differently wants quotes.
    assert found == ([] if plain in UNAMBIGUOUS else [(1, 4, "yaml-ambiguous")])
    assert data == {"a": plain}
    assert type(data["a"]) is str
    assert load(f"a: '{plain}'\n") == ({"a": plain}, [])


# Plain scalars every YAML tool reads as text (dates are text in YAML 1.2 too).
UNAMBIGUOUS = {"2025-01-01", "2025-01-01T10:00:00Z", "1,000", "<<x"}


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("true", True),
        ("false", False),
        ("null", None),
        ("0", 0),
        ("-0", 0),
        ("7", 7),
        ("-12", -12),
        ("9007199254740991", 9007199254740991),
        ("-9007199254740991", -9007199254740991),
        ("0.5", 0.5),
        ("-0.25", -0.25),
        ("15.0", 15.0),
        ("100.00", 100.0),
        ("0.0", 0.0),
    ],
)
def test_typed_plain_scalars(plain: str, expected: Any) -> None:
    data, found = load(f"a: {plain}\n")
    assert found == []
    assert data["a"] == expected
    assert type(data["a"]) is type(expected)


def test_empty_plain_value_is_null() -> None:
    assert load("a:\nb: x\n") == ({"a": None, "b": "x"}, [])


@pytest.mark.parametrize("text", ["'true'", '"false"', "'null'", '"7"', "'0.5'", '"NO"', "'2025-01-01'", '""'])
def test_quoted_scalars_stay_strings(text: str) -> None:
    data, found = load(f"a: {text}\n")
    assert found == []
    assert data["a"] == text[1:-1]
    assert type(data["a"]) is str


def test_block_scalars_stay_strings() -> None:
    data, found = load("a: |\n  true\nb: >-\n  12\n")
    assert found == []
    assert data == {"a": "true\n", "b": "12"}


def test_typed_scalar_ignores_rules_for_quoted_values() -> None:
    assert typed_scalar("true", False) == "true"
    assert typed_scalar("12", False) == "12"
    assert typed_scalar("", False) == ""


def test_values_in_flow_and_sequences_follow_the_same_rules() -> None:
    data, found = load("a: [NO, 1, 1.5, '2', ~, null, 1:30]\nb: {c: on, d: false}\n")
    ambiguous = [(1, 5), (1, 22), (1, 31), (2, 8)]  # NO, ~, 1:30, on
    assert found == [(line, column, "yaml-ambiguous") for line, column in ambiguous]
    assert data == {"a": ["NO", 1, 1.5, "2", "~", None, "1:30"], "b": {"c": "on", "d": False}}


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a: 9007199254740992\n", 1, 4),
        ("a:\n  - -9007199254740992\n", 2, 5),
        ("a: 99999999999999999999\n", 1, 4),
        ("a: " + "1" * 5000 + "\n", 1, 4),  # more digits than Python converts to int
        ("a: " + "9" * 400 + ".5\n", 1, 4),  # overflows a float to infinity
    ],
)
def test_numbers_outside_json_range_are_findings(text: str, line: int, column: int) -> None:
    assert load(text)[1] == [(line, column, "yaml-number")]


# ---------------------------------------------------------------- marks


RECORD = """\
# comment
id: acme
name: {zh: 量潮, en: "Q"}
parties:
  - member: acme
    role: owner
  -   member: beta
text: |
  hello
"""


def test_value_marks() -> None:
    d = doc(RECORD)
    assert d.marks == {
        (): Mark(2, 1),
        ("id",): Mark(2, 5),
        ("name",): Mark(3, 7),
        ("name", "zh"): Mark(3, 12),  # columns count characters, not bytes
        ("name", "en"): Mark(3, 20),
        ("parties",): Mark(5, 3),
        ("parties", 0): Mark(5, 5),
        ("parties", 0, "member"): Mark(5, 13),
        ("parties", 0, "role"): Mark(6, 11),
        ("parties", 1): Mark(7, 7),
        ("parties", 1, "member"): Mark(7, 15),
        ("text",): Mark(8, 7),
    }


def test_key_marks() -> None:
    d = doc(RECORD)
    assert d.key_marks == {
        ("id",): Mark(2, 1),
        ("name",): Mark(3, 1),
        ("name", "zh"): Mark(3, 8),
        ("name", "en"): Mark(3, 16),
        ("parties",): Mark(4, 1),
        ("parties", 0, "member"): Mark(5, 5),
        ("parties", 0, "role"): Mark(6, 5),
        ("parties", 1, "member"): Mark(7, 7),
        ("text",): Mark(8, 1),
    }


def test_mark_falls_back_to_nearest_ancestor() -> None:
    d = doc(RECORD)
    assert d.mark(("parties", 1, "role")) == Mark(7, 7)
    assert d.mark(("nothing", "here")) == Mark(2, 1)
    assert d.key_mark(("parties", 0)) == Mark(5, 5)  # list items have no key: the value's mark
    assert d.key_mark(("parties", 1, "role")) == Mark(7, 7)


def test_marks_after_bom_and_crlf() -> None:
    data, found = load("\ufeffa: 1\r\nb:\r\n  c: x\r\n")
    assert (data, found) == ({"a": 1, "b": {"c": "x"}}, [])
    d = parse_bytes("x.yaml", "\ufeffa: 1\r\nb:\r\n  c: x\r\n".encode()).document
    assert d is not None
    assert d.key_marks[("b", "c")] == Mark(3, 3)
    assert d.marks[("b", "c")] == Mark(3, 6)
    assert d.marks[("a",)] == Mark(1, 4)


# ---------------------------------------------------------------- structure refused while streaming


def nested_flow(depth: int) -> str:
    return "[" * depth + "]" * depth + "\n"


def test_depth_64_is_accepted() -> None:
    data, found = load(nested_flow(MAX_DEPTH))
    assert found == []
    for _ in range(MAX_DEPTH - 1):
        assert isinstance(data, list) and len(data) == 1
        data = data[0]
    assert data == []


def test_depth_65_is_refused_at_the_65th_collection() -> None:
    assert MAX_DEPTH == 64
    assert load(nested_flow(65)) == (None, [(1, 65, "yaml-depth")])


def test_block_nesting_depth_is_counted_too() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v\n"
    # Level 1 is the top mapping at line 1; the 65th mapping starts at line 65, column 129.
    assert load(text) == (None, [(65, 129, "yaml-depth")])


def test_deep_block_sequences_on_one_line() -> None:
    # 2,000 levels of "- - - …": refused at the 65th, without building anything.
    assert load("- " * 2000 + "x\n") == (None, [(1, 129, "yaml-depth")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x 1\nb: 2\n", [(1, 4, "yaml-anchor")]),
        ("a: [1, *x]\n", [(1, 8, "yaml-anchor")]),
        ("a: &x {b: 1}\nc: *x\n", [(1, 4, "yaml-anchor")]),
        ("base:\n  b: 1\nd:\n  <<: {b: 2}\n  c: 3\n", [(4, 3, "yaml-anchor")]),
        ("a: !!str 1\n", [(1, 4, "yaml-tag")]),
        ("a: !custom x\n", [(1, 4, "yaml-tag")]),
        ("a: ! x\n", [(1, 4, "yaml-tag")]),
        ("--- !!map\na: 1\n", [(1, 5, "yaml-tag")]),
        ("a: !!python/object:os.system x\n", [(1, 4, "yaml-tag")]),
        ("a: 1\n---\nb: 2\n", [(2, 1, "yaml-multi-document")]),
        ("---\na: 1\n...\n---\nb: 2\n", [(4, 1, "yaml-multi-document")]),
        ("a: 1\nb: 2\na: 3\n", [(3, 1, "yaml-duplicate-key")]),
        ("a:\n  x: 1\n  x: 2\n", [(3, 3, "yaml-duplicate-key")]),
        ("1: a\n", [(1, 1, "yaml-key")]),
        ("true: a\n", [(1, 1, "yaml-key")]),
        ("null: a\n", [(1, 1, "yaml-key")]),
        ("a: 1\n1.5: b\n", [(2, 1, "yaml-key")]),
        ("? [a, b]\n: c\n", [(1, 3, "yaml-key")]),
        ("? {a: b}\n: c\n", [(1, 3, "yaml-key")]),
        ("a: 1\n  b: 2\n", [(2, 4, "yaml-syntax")]),
        ("a: [1, 2\n", [(2, 1, "yaml-syntax")]),
        ("a: 'x\n", [(2, 1, "yaml-syntax")]),
        ("\ta: 1\n", [(1, 1, "yaml-syntax")]),
    ],
)
def test_refused_structures(text: str, expected: Found) -> None:
    assert load(text)[1] == expected


def test_merge_key_value_is_not_merged() -> None:
    data, found = load("a:\n  <<: {b: 2}\n  c: 3\n")
    assert found == [(2, 3, "yaml-anchor")]
    assert data == {"a": {"c": 3}}


def test_quoted_merge_key_is_a_plain_string_key() -> None:
    assert load("'<<': 1\n") == ({"<<": 1}, [])


def test_quoted_keys_that_look_typed_are_strings() -> None:
    assert load("'1': a\n\"true\": b\n'null': c\n'~': d\n") == ({"1": "a", "true": "b", "null": "c", "~": "d"}, [])
    # A plain `~` key is text to qtgov but null to an editor.
    assert load("~: d\n") == ({"~": "d"}, [(1, 1, "yaml-ambiguous")])


def test_duplicate_and_bad_keys_are_all_reported_in_one_pass() -> None:
    data, found = load("a: 1\na: 2\n2: x\nb: {c: 1, c: 2}\n")
    assert found == [(2, 1, "yaml-duplicate-key"), (3, 1, "yaml-key"), (4, 11, "yaml-duplicate-key")]
    assert data == {"a": 1, "b": {"c": 1}}


# ---------------------------------------------------------------- bytes refused before parsing


def test_not_utf8_points_at_the_first_bad_byte() -> None:
    assert load(b"id: x\nname: caf\xe9\n") == (None, [(2, 10, "file-encoding")])
    assert load(b"\xff\xfea\x00:\x00") == (None, [(1, 1, "file-encoding")])  # UTF-16


def test_positions_count_lone_cr_and_skip_the_bom() -> None:
    assert load(b"a: 1\rb: \x07\n") == (None, [(2, 4, "file-characters")])
    assert load(b"a: 1\r\nb: \x07\n") == (None, [(2, 4, "file-characters")])
    assert load(b"\xef\xbb\xbfa: \xff\n") == (None, [(1, 4, "file-encoding")])
    assert load(b"\xef\xbb\xbfa: \x07\n") == (None, [(1, 4, "file-characters")])
    # The parser agrees: a lone CR is a line break to YAML too.
    assert load(b"a: 1\rb: [\n") == (None, [(3, 1, "yaml-syntax")])


def test_utf8_bom_is_accepted() -> None:
    assert load(b"\xef\xbb\xbfa: 1\n") == ({"a": 1}, [])


@pytest.mark.parametrize(
    ("char", "code"),
    [
        ("\x00", "U+0000"),
        ("\x07", "U+0007"),
        ("\x1b", "U+001B"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
        ("\x9f", "U+009F"),
        ("\u2028", "U+2028"),
        ("\u2029", "U+2029"),
        ("\u202a", "U+202A"),
        ("\u202b", "U+202B"),
        ("\u202c", "U+202C"),
        ("\u202d", "U+202D"),
        ("\u202e", "U+202E"),
        ("\u2066", "U+2066"),
        ("\u2067", "U+2067"),
        ("\u2068", "U+2068"),
        ("\u2069", "U+2069"),
    ],
)
def test_forbidden_characters(char: str, code: str) -> None:
    result = parse_bytes("x.yaml", f"id: x\nname: 名字{char}x\n".encode())
    assert result.document is None
    assert [(f.line, f.column, f.rule) for f in result.findings] == [(2, 9, "file-characters")]
    assert code in result.findings[0].message


@pytest.mark.parametrize("char", ["\t", "\u200f", "\u200e", "\u00a0", "\u3000"])
def test_allowed_characters(char: str) -> None:
    data, found = load(f"a: 'x{char}y'\n")
    assert found == []
    assert data == {"a": f"x{char}y"}


def test_forbidden_characters_inside_comments_too() -> None:
    assert load("a: 1 # \u202eevil\n") == (None, [(1, 8, "file-characters")])


def test_empty_and_comment_only_files_have_no_data() -> None:
    for text in ("", "# only a comment\n", "---\n", "null\n"):
        result = parse_text("x.yaml", text)
        assert result.findings == []
        assert result.document is not None and result.document.data is None


# ---------------------------------------------------------------- files that are never parsed


def rules_of(root: Path, relpath: str) -> Found:
    result = load_file(root, relpath)
    assert result.document is None
    return [(f.line, f.column, f.rule) for f in result.findings]


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    ok = b"a: " + b"x" * (MAX_BYTES - 4) + b"\n"
    assert len(ok) == MAX_BYTES
    (tmp_path / "ok.yaml").write_bytes(ok)
    assert load_file(tmp_path, "ok.yaml").findings == []
    (tmp_path / "big.yaml").write_bytes(ok + b"#")
    assert rules_of(tmp_path, "big.yaml") == [(1, 1, "file-size")]


def test_symlink_is_never_followed(tmp_path: Path) -> None:
    (tmp_path / "target.yaml").write_text("secret: marker-7f3a\n")
    (tmp_path / "link.yaml").symlink_to(tmp_path / "target.yaml")
    result = load_file(tmp_path, "link.yaml")
    assert [(f.line, f.column, f.rule, f.message) for f in result.findings] == [
        (1, 1, "file-type", "symbolic links are not followed; commit the file itself")
    ]


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    assert rules_of(tmp_path, "pipe.yaml") == [(1, 1, "file-type")]
    assert load_file(tmp_path, "pipe.yaml").findings[0].message == "not a regular file"


def test_directory_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    assert rules_of(tmp_path, "dir.yaml") == [(1, 1, "file-type")]
    assert rules_of(tmp_path, "missing.yaml") == [(1, 1, "file-type")]
