"""Parameter fragments that reach a zh report through the catalogue: the value forms the JSON
Schemas describe (their `x-description-zh`), the type and format words, a required field's
description, and the open end of a period ("onwards")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import DEFAULT_FILES

from qtgov.messages import from_json, render, to_json
from qtgov.records.schema_messages import schema_text


def _findings(qtgov: Callable[..., Any], root: Path, lang: str) -> list[str]:
    out = qtgov("validate", "-C", root, "--lang", lang).stdout.splitlines()
    return [line for line in out if line.startswith("members/")]


def test_schema_value_forms_and_field_descriptions_in_both_languages(
    make_repo: Callable[..., Path], qtgov: Callable[..., Any]
) -> None:
    hub = DEFAULT_FILES["members/hub.yaml"]
    hub = hub.replace("name: Hub\n", "").replace("status: active\n", "status: active\njoined: soon\n")
    root = make_repo({"members/hub.yaml": hub})
    assert _findings(qtgov, root, "en") == [
        "members/hub.yaml:1:1: error [schema] required field 'name' is missing (the member's name)",
        "members/hub.yaml:11:9: error [schema] joined is 'soon': give a date YYYY-MM-DD",
    ]
    assert _findings(qtgov, root, "zh") == [
        "members/hub.yaml:1:1: 错误 [schema] 缺少必填字段 'name'（成员的名称）",
        "members/hub.yaml:11:9: 错误 [schema] joined 为 'soon'：请给出 日期，格式为 YYYY-MM-DD",
    ]


def test_a_date_that_is_not_a_calendar_day(make_repo: Callable[..., Path], qtgov: Callable[..., Any]) -> None:
    hub = DEFAULT_FILES["members/hub.yaml"].replace("status: active\n", "status: active\njoined: 2025-02-30\n")
    root = make_repo({"members/hub.yaml": hub})
    assert _findings(qtgov, root, "en") == [
        "members/hub.yaml:12:9: error [schema] joined is '2025-02-30', which is not a real calendar day: "
        "give a date YYYY-MM-DD",
    ]
    assert _findings(qtgov, root, "zh") == [
        "members/hub.yaml:12:9: 错误 [schema] joined 为 '2025-02-30'，不是真实存在的日期："
        "请给出 日期，格式为 YYYY-MM-DD",
    ]


def test_schema_text_is_english_and_keeps_its_chinese_through_the_cache() -> None:
    text = schema_text("a date YYYY-MM-DD", "日期，格式为 YYYY-MM-DD")
    assert str(text) == "a date YYYY-MM-DD"
    assert render(text, "zh") == "日期，格式为 YYYY-MM-DD"
    assert render(from_json(to_json(text)), "zh") == "日期，格式为 YYYY-MM-DD"
    assert schema_text("a {braced} form", "{带括号}") == "a {braced} form"
    assert render(schema_text("a {braced} form", "{带括号}"), "zh") == "{带括号}"
    assert render(schema_text("only English", None), "zh") == "only English"
