"""Every rule's documentation in Chinese: the files `qtgov/locale/rules/zh/<rule id>.md`, their
`en:` hash against the current docstring, what a translation must keep (code spans, lists and
tables, no English sentence), `rule_doc`, `qtgov rules --lang` and the zh handbook's rule pages
(docs/design/i18n.md)."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from conftest import run_qtgov
from english_text import english_runs, visible_text
from handbook_fixtures import make_alliance

from qtgov.locale.ruledocs import DOCS_DIR, rule_doc, source_hash, translation
from qtgov.rules import RULES, Rule, all_rules

ZH = DOCS_DIR / "zh"
_HEADER = re.compile(r"\A<!-- en: [0-9a-f]{16} -->\n\n\S")
_CODE = re.compile(r"`([^`]+)`")
_LIST_ITEM = re.compile(r"^\s*(?:[-*]|\d+\.) ", re.M)
_TABLE_ROW = re.compile(r"^\|.*\|$", re.M)


def _rule(rule_id: str) -> Rule:
    all_rules()  # imports every rule module
    return RULES[rule_id]


def _files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(ZH.glob("*.md"))}


def _spans(text: str) -> list[str]:
    # A code span may wrap onto the next line of a docstring; compare it as one line.
    return [" ".join(span.split()) for span in _CODE.findall(text)]


def test_every_rule_has_a_chinese_document() -> None:
    have = _files()
    missing = [f"{r.id}.md  first line: <!-- en: {source_hash(r.doc)} -->" for r in all_rules() if r.id not in have]
    assert not missing, f"rules without qtgov/locale/rules/zh/<id>.md ({len(missing)}):\n" + "\n".join(missing)


def test_no_document_for_a_rule_that_does_not_exist() -> None:
    all_rules()
    orphans = [name for name in _files() if name not in RULES]
    assert not orphans, "zh rule documents of no registered rule (renamed or removed?):\n" + "\n".join(orphans)


def test_each_document_starts_with_the_hash_of_the_english_it_translates() -> None:
    all_rules()
    malformed = [f"{path.name}: first line must be '<!-- en: HASH -->', then a blank line"
                 for name, path in _files().items() if not _HEADER.match(path.read_text(encoding="utf-8"))]  # fmt: skip
    assert not malformed, "\n".join(malformed)
    stale = []
    for name, _path in _files().items():
        found = translation(name, "zh")
        if name in RULES and found is not None and found.source_hash != source_hash(RULES[name].doc):
            stale.append(f"{name}: translates {found.source_hash}, the English is now {source_hash(RULES[name].doc)}")
    assert not stale, "the English documentation changed since it was translated; re-translate:\n" + "\n".join(stale)


def _translated() -> list[tuple[str, str, str]]:
    """(rule id, English doc, Chinese text) of every rule that has a zh document."""
    out = []
    for rule in all_rules():
        found = translation(rule.id, "zh")
        if found is not None:
            out.append((rule.id, rule.doc, found.text))
    return out


def test_translations_keep_every_code_span() -> None:
    lost = []
    for rule_id, english, chinese in _translated():
        kept = set(_spans(chinese))
        lost.extend(f"{rule_id}: `{span}`" for span in dict.fromkeys(_spans(english)) if span not in kept)
    assert not lost, "code spans of the English documentation missing from the Chinese (never translate them):\n" + (
        "\n".join(lost)
    )


def test_translations_keep_the_lists_and_tables() -> None:
    changed = []
    for rule_id, english, chinese in _translated():
        for what, pattern in (("list items", _LIST_ITEM), ("table rows", _TABLE_ROW)):
            en, zh = len(pattern.findall(english)), len(pattern.findall(chinese))
            if en != zh:
                changed.append(f"{rule_id}: {en} {what} in English, {zh} in Chinese")
    assert not changed, "\n".join(changed)


def test_translations_have_no_english_sentence() -> None:
    found = []
    for rule_id, _english, chinese in _translated():
        found.extend(f"{rule_id}: {run}" for run in english_runs(visible_text(chinese)))
    assert not found, "English left in the Chinese rule documents:\n" + "\n".join(found)


def test_translations_cite_no_design_note() -> None:
    # Readers have the handbook, not the developers' notes (as for the docstrings, tests/test_unreadable.py).
    cited = [rule_id for rule_id, _english, chinese in _translated() if re.search(r"SPEC|docs/design", chinese)]
    assert cited == []


def test_english_sentence_detector_sees_a_rule_document() -> None:
    # The same detector as the handbook check: an untranslated sentence is caught, code is not.
    text = "**说明。** 协议的 `term.end` 是最后一天。 Rename the file; fix every reference.\n"
    assert list(english_runs(visible_text(text))) == ["Rename the file; fix every reference."]


# -- rule_doc ----------------------------------------------------------------------------------------


def test_rule_doc_is_the_translation_in_zh_and_the_docstring_in_en() -> None:
    rule = _rule("yaml-syntax")
    assert rule_doc(rule, "en") == rule.doc
    text = (ZH / "yaml-syntax.md").read_text(encoding="utf-8")
    assert rule_doc(rule, "zh") == text.split("\n", 2)[2].strip("\n")
    assert rule_doc(rule, "zh").startswith("文件不是格式正确的 YAML。")
    assert rule_doc(rule, "zh-Hans") == rule_doc(rule, "zh")


def test_rule_doc_of_a_changed_docstring_is_the_english() -> None:
    # The same rule with its English documentation edited after translation: the hash no longer
    # matches, so the reader gets the current English rather than an outdated Chinese text.
    rule = dataclasses.replace(_rule("yaml-syntax"), doc="The file is broken. Fix it.")
    assert rule_doc(rule, "zh") == "The file is broken. Fix it."


def test_rule_doc_without_a_translation_is_the_english() -> None:
    rule = dataclasses.replace(_rule("yaml-syntax"), id="no-such-rule")
    assert rule_doc(rule, "zh") == rule.doc


# -- qtgov rules --lang ------------------------------------------------------------------------------


def test_rules_command_lists_titles_in_the_language_asked() -> None:
    width = max(len(r.id) for r in all_rules())
    zh = run_qtgov("rules", "--lang", "zh")
    assert zh.returncode == 0, zh.stderr
    assert f"{'yaml-depth':<{width}}  错误  嵌套超过 64 层" in zh.stdout.splitlines()
    assert f"{'r3-no-poach':<{width}}  警告  R3 互不挖角（不招揽）" in zh.stdout.splitlines()
    en = run_qtgov("rules", "--lang", "en")
    assert f"{'yaml-depth':<{width}}  error    Nesting deeper than 64 levels" in en.stdout.splitlines()
    # Without --lang, QTGOV_LANG decides (the tests pin it to en).
    assert run_qtgov("rules", env={"QTGOV_LANG": "zh"}).stdout == zh.stdout
    assert run_qtgov("rules").stdout == en.stdout
    bad = run_qtgov("rules", "--lang", "fr")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "'fr' is not one of 'zh', 'en'" in bad.stderr


# -- the handbook ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qtgov.site.pipeline import BuildOptions, build

    repo = make_alliance(tmp_path_factory.mktemp("alliance"))
    out = repo.parent / "site"
    build(BuildOptions(repo, out=out, audience="alliance", history=False, languages=("zh", "en")))
    return out


def _article(page: Path) -> str:
    """The words of a built page's article, without tags."""
    text = page.read_text(encoding="utf-8")
    body = text[text.index("<article") : text.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.slow
def test_the_zh_handbook_rule_page_is_in_chinese(site: Path) -> None:
    zh = _article(site / "zh" / "rules" / "r3-no-poach" / "index.html")
    en = _article(site / "en" / "rules" / "r3-no-poach" / "index.html")
    assert "标记什么。 每一份 kind 为 non-solicit 的 talent 协议。" in zh
    assert "为什么。 雇主之间互不招揽或互不雇用对方员工的约定" in zh
    assert "R3 互不挖角（不招揽）" in zh  # the title, as before
    assert "Agreements between employers" not in zh
    assert "What is flagged. Every talent agreement of kind non-solicit ." in en
    assert "互不挖角" not in en
    # The list survives translation: two items, each a list item in the page.
    page = (site / "zh" / "rules" / "r3-no-poach" / "index.html").read_text(encoding="utf-8")
    assert page.count("<li><strong>") >= 2
