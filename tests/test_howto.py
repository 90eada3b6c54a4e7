"""The handbook's how-to pages and field reference, as a reader gets them from `qtgov build`.

The how-to commands are tested by running them: every command block of the built English pages,
in the order of the how-to index, runs with bash in a repository made by `qtgov init` (real git,
pinned author), and each must exit 0; the records at the end must validate with 0 errors and
0 warnings. The zh edition must show the same commands, in Chinese words (docs/design/handbook.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, qtgov_env, run_qtgov

from qtgov.records.schemas import schema_dir, schemas
from qtgov.site import i18n
from qtgov.site.fieldref import KINDS, fields
from qtgov.site.howto import HOWTOS
from qtgov.site.pages import field_rows
from qtgov.site.render import render

INIT = (
    "--id", "demo", "--name", "示例联盟", "--name-en", "Demo alliance", "--hub", "hub",
    "--hub-name", "枢纽科技", "--hub-name-en", "Hub Tech", "--rep", "wang", "--rep-name", "王芳",
    "--rep-github", "wang-fang",
)  # fmt: skip

COMMAND = re.compile(r'<pre class="qt-command"><code>(.*?)</code></pre>', re.S)
ARTICLE = re.compile(r"<article.*?</article>", re.S)


def git_env(home: Path, bin_dir: Path) -> dict[str, str]:
    stamp = f"{dt.date.today().isoformat()}T12:00:00+00:00"
    return qtgov_env(
        {
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Li Ming",
            "GIT_AUTHOR_EMAIL": "li@acme.example",
            "GIT_COMMITTER_NAME": "Li Ming",
            "GIT_COMMITTER_EMAIL": "li@acme.example",
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
            "PYTHONPATH": str(ROOT),
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A repository made by `qtgov init` and committed, its handbook built by `qtgov build`."""
    base = tmp_path_factory.mktemp("howto")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "qtgov"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m qtgov "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = git_env(base, bin_dir)
    repo = base / "alliance"
    result = run_qtgov("init", repo, *INIT, env=env)
    assert result.returncode == 0, result.stderr
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Start the alliance"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    site = base / "site"
    result = run_qtgov("build", "-C", repo, "--out", site, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"repo": repo, "site": site, "base": base, "bin": bin_dir}


def page(site: Path, lang: str, path: str) -> str:
    return (site / lang / path / "index.html").read_text(encoding="utf-8")


def blocks(site: Path, lang: str) -> list[tuple[str, str]]:
    """(guide, shell text) of every command block, guides in the order the how-to index links them."""
    index = ARTICLE.search(page(site, lang, "howto"))
    assert index is not None
    slugs = re.findall(r'href="([a-z-]+)/"', index.group(0))
    assert slugs == [h.slug for h in HOWTOS]
    return [(slug, html.unescape(b)) for slug in slugs for b in COMMAND.findall(page(site, lang, f"howto/{slug}"))]


def test_every_command_block_runs_in_order_in_a_new_alliance(built: dict[str, Path]) -> None:
    repo = built["repo"]
    env = git_env(built["base"], built["bin"])
    ran = blocks(built["site"], "en")
    assert len(ran) == sum(1 for h in HOWTOS for s in h.steps if s.commands) == 16
    for slug, script in ran:
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{slug}:\n{script}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    final = run_qtgov("validate", "-C", repo, env=env)
    assert final.returncode == 0, final.stdout
    assert "\n0 errors, 0 warnings, " in final.stdout
    data = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (repo / "agreements").glob("*.yaml")}
    assert data["cn-market"]["status"] == "terminated"
    assert data["cn-market"]["termination"]["date"] == dt.date(2030, 6, 30)
    assert data["cn-market"]["legal_review"]["status"] == "approved"
    assert [s["member"] for s in data["cn-market"]["signatures"]] == ["hub", "acme"]
    assert (data["cn-market-2"]["amends"], data["cn-market-2"]["status"]) == ("cn-market", "cancelled")
    member = yaml.safe_load((repo / "members" / "acme.yaml").read_text(encoding="utf-8"))
    assert (member["status"], member["left"]) == ("withdrawn", dt.date(2030, 12, 31))
    log = subprocess.run(["git", "log", "--format=%s"], cwd=repo, env=env, capture_output=True, text=True, check=True)
    assert log.stdout.splitlines()[0] == "Withdrawal of acme"
    assert "Sign cn-market for acme" in log.stdout.splitlines()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, env=env, capture_output=True, text=True)
    assert status.stdout == ""  # every step committed what it wrote, and left nothing behind


def test_the_chinese_pages_show_the_same_commands_in_chinese_words(built: dict[str, Path]) -> None:
    site = built["site"]
    assert blocks(site, "zh") == blocks(site, "en")
    # Outside the command blocks and inline code, a zh page has no English words: the only Latin
    # runs allowed are ids, commands and option names the reader types.
    allowed = {"qtgov", "git", "GitHub", "SSH", "hub", "wang", "acme", "li", "init", "add", "provenance", "terminate"}
    for h in HOWTOS:
        article = ARTICLE.search(page(site, "zh", f"howto/{h.slug}"))
        assert article is not None
        text = COMMAND.sub("", article.group(0))
        text = re.sub(r"--[a-z-]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))
        words = set(re.findall(r"[A-Za-z][A-Za-z_]+", text)) - allowed
        assert words == set(), (h.slug, words)
        assert i18n.t(h.intro, "zh") in text


def test_the_howto_and_reference_pages_are_in_the_navigation(built: dict[str, Path]) -> None:
    home = (built["site"] / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="howto/"[^>]*>(?:\s|<[^>]+>)*How-to guides', home)
    assert re.search(r'href="reference/"[^>]*>(?:\s|<[^>]+>)*Field reference', home)
    zh = (built["site"] / "zh" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="howto/"[^>]*>(?:\s|<[^>]+>)*操作指南', zh)
    assert re.search(r'href="reference/"[^>]*>(?:\s|<[^>]+>)*字段参考', zh)


def _reference_text(site: Path, lang: str, kind: str) -> str:
    article = ARTICLE.search(page(site, lang, f"reference/{kind}"))
    assert article is not None
    return html.unescape(article.group(0))


def _schema_properties(node: object, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            out.add(name)
            _schema_properties(sub, out)
        for key, sub in node.items():
            if key != "properties":
                _schema_properties(sub, out)
    elif isinstance(node, list):
        for sub in node:
            _schema_properties(sub, out)
    return out


@pytest.mark.parametrize("kind", [k for k, _ in KINDS])
def test_every_schema_property_is_on_the_reference_page(built: dict[str, Path], kind: str) -> None:
    file = dict(KINDS)[kind]
    schema = json.loads((schema_dir() / file).read_text(encoding="utf-8"))
    names = _schema_properties(schema, set())
    for lang in ("en", "zh"):
        article = ARTICLE.search(page(built["site"], lang, f"reference/{kind}"))
        assert article is not None
        cells = {html.unescape(c) for c in re.findall(r"<code>([^<]+)</code>", article.group(0))}
        last = {c.rsplit(".", 1)[-1].removesuffix("[]") for c in cells}
        assert names <= last, (lang, sorted(names - last))
    en = _reference_text(built["site"], "en", kind)
    for f in fields(kind):
        assert f.description["en"] in en
        assert f.description["zh"] in _reference_text(built["site"], "zh", kind)


def test_every_schema_description_has_a_chinese_one() -> None:
    missing = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("description"), str) and not node.get("x-description-zh"):
                missing.append(where)
            for key, sub in node.items():
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    for path in sorted(schema_dir().glob("*.schema.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name)
    assert missing == []


def test_a_field_added_to_a_schema_appears_on_its_page() -> None:
    loaded = copy.deepcopy(dict(schemas()))
    member = loaded["member.schema.json"]
    member["properties"]["stock_ticker"] = {"type": "string", "description": "The listed share's ticker."}
    rep = member["properties"]["representatives"]["items"]
    rep["properties"]["phone"] = {
        "type": "string",
        "description": "A phone number.",
        "x-description-zh": "电话号码。",
        "x-personal": True,
    }
    context = {
        "kind": "member",
        "sections": field_rows("member", ("zh", "en"), loaded),
        "schema_file": "member.schema.json",
        "page_path": "reference/member.md",
    }
    en = render("fieldref.md.j2", {**context, "lang": "en"})
    zh = render("fieldref.md.j2", {**context, "lang": "zh"})
    assert "| <code>stock&#95;ticker</code> | text | The listed share&#39;s ticker&#46; |" in en
    assert "| <code>stock&#95;ticker</code> | 文字 | （暂无中文说明） |" in zh
    phone = next(line for line in zh.splitlines() if "phone" in line)
    assert "电话号码" in phone and i18n.t("vis_personal", "zh") in phone
    assert "stock_ticker" not in {f.path for f in fields("member")}  # the shipped schema is untouched
