"""The message catalogue: `validate --lang`, the Chinese catalogue's coverage, and the language
choice (docs/design/i18n.md)."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

from qtgov.locale.zh import CATALOGUE
from qtgov.messages import from_json, msg, render, resolve_lang, to_json

DISCLAIMER = (
    "qtgov 只记录协议，不构成法律意见。反垄断标记是启发式提示：有标记不等于违法，没有标记也不等于合规。"
    "划分市场、互不挖角和协调价格可能违反《反垄断法》等竞争法，请咨询律师。\n"
    "qtgov records agreements; it is not legal advice. Antitrust flags are heuristics: a flag is not a finding "
    "of illegality, and no flag is not clearance. Market allocation, no-poach and price coordination can "
    "breach competition law; consult counsel.\n"
)


def _misnamed_hub(make_repo: Callable[..., Path]) -> Path:
    root = make_repo()
    hub = root / "members" / "hub.yaml"
    text = hub.read_text(encoding="utf-8").replace("id: hub\n", "id: hubx\n")
    hub.write_text(re.sub(r"^website: .*\n", "", text, flags=re.M), encoding="utf-8")
    return root


def test_validate_lang_zh_exact_output(make_repo: Callable[..., Path], qtgov: Callable[..., object]) -> None:
    root = _misnamed_hub(make_repo)
    result = qtgov("validate", "-C", root, "--lang", "zh")
    assert result.returncode == 1, result.stderr
    assert result.stdout == DISCLAIMER + (
        "\n"
        "members/hub.yaml:1:5: 错误 [record-id] 标识 'hubx' 与文件名不同；请使用 'hub'，"
        "或重命名文件：git mv members/hub.yaml members/hubx.yaml\n"
        "members/hub.yaml:1:5: 提示 [hub-facts] 枢纽记录没有 website：核实后请添加官方网站\n"
        "\n"
        "1 个错误，0 个警告，1 条提示\n"
    )


def test_schema_message_in_zh(make_repo: Callable[..., Path], qtgov: Callable[..., object]) -> None:
    root = make_repo()
    hub = root / "members" / "hub.yaml"
    hub.write_text(hub.read_text(encoding="utf-8").replace("status: active", "status: actve"), encoding="utf-8")
    zh = qtgov("validate", "-C", root, "--lang", "zh").stdout.splitlines()
    assert zh[-3:] == [
        "members/hub.yaml:11:9: 错误 [schema] status 为 'actve'（是否想写 'active'？）："
        "请使用 prospective，active，suspended 或 withdrawn",
        "",
        "1 个错误，0 个警告，0 条提示",
    ]
    en = qtgov("validate", "-C", root, "--lang", "en").stdout.splitlines()
    assert en[-3] == (
        "members/hub.yaml:11:9: error [schema] status is 'actve' (did you mean 'active'?): "
        "use prospective, active, suspended or withdrawn"
    )


def test_lang_en_and_machine_formats_keep_english(make_repo: Callable[..., Path], qtgov: Callable[..., object]) -> None:
    root = _misnamed_hub(make_repo)
    text = qtgov("validate", "-C", root, "--lang", "en")
    assert (
        "members/hub.yaml:1:5: error [record-id] id 'hubx' differs from the file name; use 'hub', "
        "or rename the file: git mv members/hub.yaml members/hubx.yaml\n"
    ) in text.stdout
    assert text.stdout.endswith("\n1 error, 0 warnings, 1 info\n")
    report = json.loads(qtgov("validate", "-C", root, "--lang", "zh", "--format", "json").stdout)
    assert [(f["rule"], f["message"]) for f in report["findings"]] == [
        (
            "record-id",
            "id 'hubx' differs from the file name; use 'hub', "
            "or rename the file: git mv members/hub.yaml members/hubx.yaml",
        ),
        ("hub-facts", "hub record has no website: add the official website once verified"),
    ]
    github = qtgov("validate", "-C", root, "--lang", "zh", "--format", "github").stdout
    assert (
        "::error file=members/hub.yaml,line=1,col=5,title=record-id::标识 'hubx' 与文件名不同；请使用 'hub'，"
        "或重命名文件：git mv members/hub.yaml members/hubx.yaml\n" in github
    )
    assert github.endswith("qtgov: 1 个错误，0 个警告，1 条提示\n")


def test_default_language_order(make_repo: Callable[..., Path], qtgov: Callable[..., object]) -> None:
    root = _misnamed_hub(make_repo)  # its alliance lists languages: [en]
    clean = {"QTGOV_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}
    zh_line = "错误 [record-id]"
    assert zh_line in qtgov("validate", "-C", root, env={**clean, "LANG": "zh_CN.UTF-8"}).stdout
    assert zh_line not in qtgov("validate", "-C", root, env={**clean, "LANG": "C.UTF-8"}).stdout
    assert zh_line not in qtgov("validate", "-C", root, env={**clean, "LANG": "zh_CN.UTF-8", "QTGOV_LANG": "en"}).stdout
    assert zh_line not in qtgov("validate", "-C", root, env=clean).stdout  # the alliance's first language
    zh_first = root / "charter" / "alliance.yaml"
    zh_first.write_text(zh_first.read_text(encoding="utf-8").replace("languages: [en]", "languages: [zh, en]"))
    assert zh_line in qtgov("validate", "-C", root, env={**clean, "LANG": "C.UTF-8"}).stdout
    assert zh_line in qtgov("validate", "-C", root, env={**clean, "LANG": "fr_FR.UTF-8"}).stdout
    assert zh_line not in qtgov("validate", "-C", root, "--lang", "en", env={**clean, "LANG": "zh_CN"}).stdout


@pytest.mark.parametrize(
    ("option", "env", "languages", "expected"),
    [
        ("en", {"QTGOV_LANG": "zh"}, ("zh",), "en"),
        (None, {"QTGOV_LANG": "zh"}, ("en",), "zh"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, ("zh",), "en"),
        (None, {"LANG": "zh_TW.UTF-8"}, ("en",), "zh"),
        (None, {"LANG": "de_DE.UTF-8"}, ("zh", "en"), "zh"),
        (None, {}, ("fr",), "en"),
    ],
)
def test_resolve_lang(
    monkeypatch: pytest.MonkeyPatch, option: str | None, env: dict[str, str], languages: tuple[str, ...], expected: str
) -> None:
    for var in ("QTGOV_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert resolve_lang(option, languages) == expected


def test_a_message_is_its_english_text_and_renders_nested_parameters() -> None:
    what = msg("legal review by {person}", person="Lin")
    message = msg("git cannot vouch for the {what}: {reason}", what=what, reason="not signed")
    assert message == "git cannot vouch for the legal review by Lin: not signed"
    assert render(message, "en") == message
    assert render(message, "zh") == "git 无法为Lin 的法律审查作证：not signed"
    assert render("record text stays as it is", "zh") == "record text stays as it is"
    # The validation cache keeps the template, so a cached finding still renders in Chinese.
    again = from_json(json.loads(json.dumps(to_json(message))))
    assert again == message and render(again, "zh") == render(message, "zh")


# -- coverage: every template in the code has a Chinese entry ---------------------------------------


def templates_in_code() -> dict[str, str]:
    """Every literal first argument of `msg(...)` in the package, with where it is first used."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "qtgov").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "msg":
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_message_template_has_a_chinese_entry() -> None:
    templates = templates_in_code()
    assert len(templates) > 90  # the scan sees the call sites
    missing = [f"{where}: {template!r}" for template, where in sorted(templates.items(), key=lambda kv: kv[1])
               if template not in CATALOGUE]  # fmt: skip
    assert not missing, "templates without a zh entry in qtgov/locale/zh.py:\n" + "\n".join(missing)


def test_every_rule_title_and_category_has_a_chinese_entry() -> None:
    from qtgov.rules import all_rules

    missing = [f"{r.id}: {text!r}" for r in all_rules() for text in (r.title, r.category) if text not in CATALOGUE]
    assert not missing, "rule titles and categories without a zh entry in qtgov/locale/zh.py:\n" + "\n".join(missing)


def test_chinese_entries_keep_the_parameters() -> None:
    names = re.compile(r"\{(\w+)")
    wrong = [
        en
        for en, zh in CATALOGUE.items()
        if not set(names.findall(zh)) <= set(names.findall(en))  # zh may drop an English article
    ]
    assert not wrong


# -- the zh handbook carries no English sentence --------------------------------------------------

DEMO = ROOT / "examples" / "demo-alliance"


@pytest.fixture(scope="module")
def zh_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from qtgov.site.pipeline import BuildOptions, build

    work = tmp_path_factory.mktemp("zh")
    docs = work / "docs"
    build(
        BuildOptions(
            DEMO, out=work / "out", audience="alliance", languages=("zh",), history=False, jobs=0, docs_dir=docs
        )
    )
    return docs / "zh"


def test_the_english_sentence_heuristic() -> None:
    from english_text import english_runs, visible_text

    page = (
        "---\ntitle: Validation report\n---\n"
        "| 警告 | [r1&#45;horizontal&#45;allocation](rules/r1.md) | `a b c d` "
        "| 高风险：mb&#45;gpu&#45;shanghai 保留给 Acme Cloud Ltd |\n"
        '<p class="a b c">see <a href="https://example.org/a/b/c">链接</a></p>\n'
        "枢纽记录没有 website：核实后请添加 the official website\n"
    )
    text = visible_text(page, provided=["Acme Cloud Ltd"])
    assert list(english_runs(text)) == ["the official website"]


def test_zh_handbook_generated_text_has_no_english_sentence(zh_docs: Path) -> None:
    from english_text import english_runs, record_texts, visible_text

    from qtgov.locale.ruledocs import is_translated
    from qtgov.rules import all_rules

    provided = record_texts(DEMO)
    untranslated = {r.id for r in all_rules() if not is_translated(r, "zh")}
    pages = sorted(zh_docs.rglob("*.md"))
    assert len(pages) > 30 and (zh_docs / "validation.md") in pages
    found = []
    for page in pages:
        name = page.relative_to(zh_docs).as_posix()
        # A rule's page is its zh document (qtgov/locale/rules/zh/); a rule without a current one
        # shows its English docstring, and tests/test_rule_docs.py names it. Those pages are
        # left out here so that this test checks the generated text, not the translators' backlog.
        if name.startswith("rules/") and name.removesuffix(".md").removeprefix("rules/") in untranslated:
            continue
        runs = list(english_runs(visible_text(page.read_text(encoding="utf-8"), provided)))
        found.extend(f"{name}: {run}" for run in runs)
    assert not found, "English in the zh handbook:\n" + "\n".join(found)
