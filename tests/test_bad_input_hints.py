"""Issue 9's bad-input items, with the exact words a user reads: plain values other YAML tools
type differently, forbidden characters written as escapes, URLs, full-width punctuation, and
hidden record files (docs/design/bad-input.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from conftest import CORE_RULES, finding_tuples, run_qtgov, write_repo

from qtgov.records.yamlhints import ambiguity
from qtgov.records.yamlload import parse_text

Found = list[tuple[int, int, str, str]]
MEMBER = "id: acme\nkind: member\nname: Acme\nstatus: active\njoined: 2025-01-01\nvisibility: public\n"


def found(text: str) -> Found:
    result = parse_text("x.yaml", text)
    return [(f.line, f.column, f.rule, f.message) for f in result.findings]


# ---------------------------------------------------------------- item 3: ambiguous plain scalars


ALL, Y12, Y11 = "YAML tools", "YAML 1.2 tools such as editors", "YAML 1.1 tools"


@pytest.mark.parametrize(
    ("plain", "how", "fix"),
    [
        ("0x1F", f"{ALL} read it as the number 31", ", or write 31"),
        ("0o17", f"{Y12} read it as the number 15", ", or write 15"),
        ("0755", f"{Y12} read it as the number 755 and YAML 1.1 tools as the number 493", ""),
        ("1_000", f"{Y11} read it as the number 1000", ", or write 1000"),
        ("1e3", f"{Y12} read it as the number 1000", ", or write 1000"),
        ("1:30", f"{Y11} read it as the number 90", ", or write 90"),
        (".inf", f"{ALL} read it as infinity", ""),
        ("+1", f"{ALL} read it as the number 1", ", or write 1"),
        ("~", f"{ALL} read it as null (no value)", ", or write null for no value"),
        ("on", f"{Y11} read it as the boolean true", ", or write true"),
        ("NO", f"{Y11} read it as the boolean false", ", or write false"),
        ("True", f"{ALL} read it as the boolean true", ", or write true"),
    ],
)
def test_ambiguous_plain_value_is_an_error_that_asks_for_quotes(plain: str, how: str, fix: str) -> None:
    message = f'{plain!r} is text to qtgov, but {how}: quote it ("{plain}") if it is text{fix}'
    assert found(f"id: acme\nx-a: {plain}\n") == [(2, 6, "yaml-ambiguous", message)]
    assert found(f'id: acme\nx-a: "{plain}"\n') == []


@pytest.mark.parametrize("plain", ["0755", "0x1F", "1_000", "1:30", "yes", "on", "~", "1e3", ".5", "+1", "True"])
def test_the_readings_named_are_what_real_yaml_tools_do(plain: str) -> None:
    # PyYAML is a YAML 1.1 loader: whenever the message names a YAML 1.1 reading (or says "YAML
    # tools" for both), PyYAML must agree; when only YAML 1.2 is named, PyYAML reads text.
    message = ambiguity(plain)
    assert message is not None
    pyyaml = yaml.safe_load(f"a: {plain}\n")["a"]
    if "YAML 1.1" in message or "YAML tools read" in message:
        assert not isinstance(pyyaml, str)
    else:
        assert pyyaml == plain


def test_ambiguous_key_has_no_other_spelling_to_offer() -> None:
    message = f"""'on' is text to qtgov, but {Y11} read it as the boolean true: quote it ("on") if it is text"""
    assert found("on: 1\n") == [(1, 1, "yaml-ambiguous", message)]


@pytest.mark.parametrize("plain", ["2025-01-01", "acme", "v1.2.3", "1,000", "CN-ZJ", "P12M", "1.5", "-3", "null"])
def test_values_every_tool_reads_alike_pass(plain: str) -> None:
    assert found(f"a: {plain}\n") == []


def test_a_very_long_number_like_value_does_not_crash() -> None:
    [(line, column, rule, message)] = found("a: 0" + "7" * 5000 + "\n")
    assert (line, column, rule) == (1, 4, "yaml-ambiguous")
    assert "read it as a number" in message and len(message) < 300


# ---------------------------------------------------------------- item 10: decoded characters, URLs


@pytest.mark.parametrize(
    ("escape", "code"),
    [
        ("\\e[31m", "U+001B"),
        ("\\u202e", "U+202E"),
        ("\\0", "U+0000"),
        ("\\x07", "U+0007"),
        ("\\r", "U+000D"),
        ("\\N", "U+0085"),
        ("\\L", "U+2028"),
        ("\\U00002066", "U+2066"),
    ],
)
def test_forbidden_characters_written_as_escapes(escape: str, code: str) -> None:
    assert found(f'id: acme\nname: "Acme{escape}"\n') == [
        (
            2,
            7,
            "file-characters",
            f"this value holds the forbidden character {code}, written as an escape (control, line "
            "separator or bidirectional override); remove it",
        )
    ]


def test_escapes_in_keys_are_checked_too() -> None:
    [(line, column, rule, message)] = found('"x-\\e": 1\n')
    assert (line, column, rule) == (1, 1, "file-characters")
    assert message.startswith("this key holds the forbidden character U+001B")


def test_harmless_escapes_pass() -> None:
    assert found('a: "tab\\there\\nnew line \\u00e9 \\u200f \\u3000"\n') == []


@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("https://hub.ex\u0430mple.org", "the character U+0430"),  # Cyrillic a
        ('"https://hub.example.org/a b"', "a space"),
        ("https://例子.cn/", "the character U+4F8B"),
        ('"https://hub.example.org/\\u00e9"', "the character U+00E9"),
    ],
)
def test_urls_are_printable_ascii(url: str, what: str) -> None:
    assert found(f"website: {url}\n") == [
        (
            1,
            10,
            "url-characters",
            f"URL holds {what}: write URLs in printable ASCII (percent-encode other characters, "
            "punycode for a host name)",
        )
    ]


def test_ascii_urls_and_text_mentioning_urls_pass() -> None:
    assert found("a: https://xn--fsqu00a.cn/%E4%BE%8B?q=1#top\nb: 见 https://例子.cn\n") == []


# ---------------------------------------------------------------- item 28: full-width punctuation


BETWEEN = "between items: YAML separates items with an ASCII comma ','"
COLON = "full-width colon '：' (U+FF1A): YAML needs an ASCII colon ':' followed by a space"


def test_full_width_colon_replaces_libyamls_message_at_the_right_place() -> None:
    assert found("id: acme\nname：Acme\nstatus: active\n") == [
        (
            2,
            5,
            "yaml-punctuation",
            f"{COLON}; the YAML parser reported at line 3, column 1: could not find expected ':' "
            "(while scanning a simple key started at line 2, column 1)",
        )
    ]


def test_full_width_colon_in_a_value_that_parses() -> None:
    assert found("x-notes:\n  owner：wang\n") == [(2, 8, "yaml-punctuation", COLON)]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: [zh，en]\n", 1, 7, f"full-width comma '，' (U+FF0C) {BETWEEN}"),
        ("a: [x、 y]\n", 1, 6, f"ideographic comma '、' (U+3001) {BETWEEN}"),
        ("a:\n  － x\n", 2, 3, "'－' (U+FF0D) is not a YAML list dash: start each item with an ASCII '- '"),
        ("a:\n　- x\n", 2, 1, "full-width space (U+3000) used as indentation: indent with ASCII spaces"),
        ("a: 【zh, en】\n", 1, 4, "'【' (U+3010) is not a YAML bracket: write [ ] for a list or { } for a mapping"),
        (
            "“name”: Acme\n",
            1,
            1,
            "curly quote '“' (U+201C) is not a YAML quote: " + 'write the key plain or in ASCII quotes "…"',
        ),
    ],
)
def test_look_alikes(text: str, line: int, column: int, message: str) -> None:
    # Whether the parser stopped (then libyaml's own message follows the hint) or not.
    [(at_line, at_column, rule, said)] = [f for f in found(text) if f[2] == "yaml-punctuation"]
    assert (at_line, at_column, rule) == (line, column, "yaml-punctuation")
    assert said == message or said.startswith(f"{message}; the YAML parser reported at line ")


@pytest.mark.parametrize(
    "text",
    [
        "summary: 服务范围：云计算，教育\n",
        "title: {zh: 创始人、首席执行官, en: Founder}\n",
        "name: {zh: 信息传输、软件和信息技术服务业}\n",
        "note: 【重要】请在月底前签署\n",
        "quote: 他说“好”\n",
        "a: '【zh, en】'\n",
        'a: "owner：wang"\n',
        "text: |\n  　　第一条：总则\n",
        "text: 　　第一条 总则\n",  # full-width spaces after the key are spacing, not indentation
    ],
)
def test_chinese_prose_is_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "prose", ["summary: 量潮：云，教育", "- 【重要】请在月底前签署", "- “引用”的内容", "note: 【重要】提示"]
)
def test_a_syntax_error_next_to_chinese_prose_keeps_libyamls_message(prose: str) -> None:
    [(line, column, rule, _)] = found(f"x:\n{prose}\na: [1, 2\n")
    assert (line, column, rule) == (4, 1, "yaml-syntax")


# ---------------------------------------------------------------- item 12: hidden record files


def test_hidden_record_files_are_reported(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {
            "members/.acme.yaml": "id: acme\n",
            "agreements/.draft.yml": "id: draft\n",
            "charter/taxonomy/.old.yaml": "scheme: old\n",
            "members/.gitkeep": "",
            "agreements/.deal.yaml.swp": "x",
        },
    )
    (repo / "members" / ".#hub.yaml").symlink_to("user@host.1234")  # an Emacs lock file
    result = run_qtgov("validate", "--format", "json", "-C", repo)
    assert (result.returncode, result.stderr) == (1, "")
    assert finding_tuples(result.stdout, CORE_RULES) == [
        ("agreements/.draft.yml", 1, 1, "file-name"),
        ("charter/taxonomy/.old.yaml", 1, 1, "file-name"),
        ("members/.acme.yaml", 1, 1, "file-name"),
    ]
    text = run_qtgov("validate", "-C", repo).stdout
    assert (
        "members/.acme.yaml:1:1: error [file-name] hidden file '.acme.yaml' is not read as a record; "
        "rename it to 'acme.yaml' or delete it\n"
    ) in text


# ---------------------------------------------------------------- a warm cache of an older loader


def test_results_cached_by_an_older_loader_are_not_replayed(tmp_path: Path) -> None:
    # The same qtgov version can ship a loader that reports more (as this one reports 0x1F): a
    # cache entry written by the older loader, with no findings, must not hide the new one.
    from qtgov.records.cache import FileCache
    from qtgov.records.yamlload import LOADER_RULES

    repo = write_repo(tmp_path / "repo", {"members/acme.yaml": MEMBER + "x-size: 0x1F\n"})
    cache = tmp_path / "cache"
    env = {"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(cache)}
    assert run_qtgov("validate", "-C", repo, env=env).returncode == 1
    [path] = cache.glob("*.json")
    entries = json.loads(path.read_text("utf-8"))
    raw = (repo / "members" / "acme.yaml").read_bytes()
    current = FileCache(None, {}).salt
    older = current.replace(f"\0{LOADER_RULES}\0", f"\0{LOADER_RULES - 1}\0")
    assert older != current
    entry = entries["members/acme.yaml"]
    assert entry["key"] == hashlib.sha256(current.encode() + raw).hexdigest()
    # What the older loader would have stored: no findings, under its own key.
    entry.update(key=hashlib.sha256(older.encode() + raw).hexdigest(), load=[], schema=[])
    path.write_text(json.dumps(entries), encoding="utf-8")
    result = run_qtgov("validate", "--format", "json", "-C", repo, env=env)
    assert ("members/acme.yaml", 7, 9, "yaml-ambiguous") in finding_tuples(result.stdout)
