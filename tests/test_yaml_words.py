"""The YAML parser's own words inside `yaml-syntax` findings, through the message catalogue
(qtgov/records/parserwords.py): English exactly as the parser wrote it, Chinese in plain words;
a phrase the table does not know stays as the parser wrote it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_qtgov, write_repo

from qtgov.messages import render
from qtgov.records import yamlload
from qtgov.records.parserwords import parser_problem
from qtgov.records.yamlload import parse_text


def _syntax(text: str) -> tuple[int, int, str, str]:
    (found,) = parse_text("members/xy.yaml", text).findings
    assert found.rule == "yaml-syntax"
    return found.line, found.column, str(found.message), render(found.message, "zh")


# libyaml (the parser qtgov uses when PyYAML has it, as here)
LIBYAML = [
    (
        "a:\n  b: 1\n c: 2\n",
        3,
        2,
        "did not find expected key (while parsing a block mapping started at line 1, column 1)",
        "此处应有一个键（key:），常见原因是缩进不一致（解析从第 1 行第 1 列开始的块状键值对时）",
    ),
    (
        "a: [1, 2\nb: 3\n",
        2,
        2,
        "did not find expected ',' or ']' (while parsing a flow sequence started at line 1, column 4)",
        "此处应有 ',' 或 ']'（解析从第 1 行第 4 列开始的方括号 [] 里的列表时）",
    ),
    (
        "a: {x: 1\nb: 2\n",
        2,
        2,
        "did not find expected ',' or '}' (while parsing a flow mapping started at line 1, column 4)",
        "此处应有 ',' 或 '}'（解析从第 1 行第 4 列开始的花括号 {} 里的键值对时）",
    ),
    (
        "a: b: c\n",
        1,
        5,
        "mapping values are not allowed in this context",
        "此处不能再写键值对的值；若文本中含有 ': '，请给文本加引号",
    ),
    (
        "\ta: 1\n",
        1,
        1,
        "found character that cannot start any token (while scanning for the next token)",
        "发现一个不能作为任何内容开头的字符（读取下一项内容时）",
    ),
    (
        "a: 'x\n",
        2,
        1,
        "found unexpected end of stream (while scanning a quoted scalar started at line 1, column 4)",
        "文件意外结束（读取从第 1 行第 4 列开始的带引号的文本时）",
    ),
]


@pytest.mark.parametrize(("text", "line", "column", "en", "zh"), LIBYAML)
def test_libyaml_words_in_both_languages(text: str, line: int, column: int, en: str, zh: str) -> None:
    if yamlload._Parser is not yaml.CSafeLoader:
        pytest.skip("PyYAML was built without libyaml")
    assert _syntax(text) == (line, column, en, zh)


# PyYAML's own parser, which qtgov falls back to without libyaml: it words errors differently.
PYYAML = [
    (
        "a:\n  b: 1\n c: 2\n",
        "expected <block end>, but found '<block mapping start>' "
        "(while parsing a block mapping started at line 1, column 1)",
        "此处应结束当前的块，却遇到 一组新的键值对，常见原因是缩进不一致（解析从第 1 行第 1 列开始的块状键值对时）",
    ),
    (
        "x: >-3\n  a\n",
        "expected <block end>, but found '<scalar>' (while parsing a block mapping started at line 1, column 1)",
        "此处应结束当前的块，却遇到 一个值，常见原因是缩进不一致（解析从第 1 行第 1 列开始的块状键值对时）",
    ),
    ("a: b: c\n", "mapping values are not allowed here", "此处不能再写键值对的值；若文本中含有 ': '，请给文本加引号"),
    (
        "a:\tb\n",
        "found character '\\t' that cannot start any token (while scanning for the next token)",
        "发现不能作为任何内容开头的字符 '\\t'（制表符）（读取下一项内容时）",
    ),
    (
        "a: {b\n",
        "expected ',' or '}', but got '<stream end>' (while parsing a flow mapping started at line 1, column 4)",
        "此处应有 ',' 或 '}'，却遇到 文件结尾（解析从第 1 行第 4 列开始的花括号 {} 里的键值对时）",
    ),
    (
        'a: "\\q"\n',
        "found unknown escape character 'q' (while scanning a double-quoted scalar)",
        "发现未知的转义字符 'q'（读取双引号文本时）",
    ),
]


@pytest.mark.parametrize(("text", "en", "zh"), PYYAML)
def test_pure_python_parser_words_in_both_languages(monkeypatch: Any, text: str, en: str, zh: str) -> None:
    monkeypatch.setattr(yamlload, "_Parser", yaml.SafeLoader)  # the real fallback parser
    _line, _column, said_en, said_zh = _syntax(text)
    assert (said_en, said_zh) == (en, zh)


def test_a_phrase_the_table_does_not_know_stays_as_the_parser_wrote_it() -> None:
    said = parser_problem("found a frobnicated token", "while parsing a gizmo", (3, 7))
    assert str(said) == "found a frobnicated token (while parsing a gizmo started at line 3, column 7)"
    assert render(said, "zh") == "found a frobnicated token（while parsing a gizmo started at line 3, column 7）"
    assert render(parser_problem(None, None, None), "zh") == "语法错误"


def test_validate_says_the_parser_problem_in_chinese(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {"members/xy.yaml": "id: xy\nkind: [member\n"})
    zh = run_qtgov("validate", "--lang", "zh", "--format", "text", "-C", root)
    assert zh.returncode == 1
    assert (
        "members/xy.yaml:3:1: 错误 [yaml-syntax] 此处应有 ',' 或 ']'（解析从第 2 行第 7 列开始的方括号 [] 里的列表时）"
        in zh.stdout
    )
    en = run_qtgov("validate", "--format", "json", "-C", root)
    assert "did not find expected ',' or ']' (while parsing a flow sequence started at line 2, column 7)" in en.stdout
