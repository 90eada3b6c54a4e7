"""The public edition never shows a non-public fact, from the prose or from the overlap boxes.

Charter prose carries no `visibility`: a paragraph naming a non-public record is reported
(`prose-visibility`) and left out of the public edition; alliance-only passages between marker
lines are printed only in the alliance edition. An overlap covered by a non-public agreement is
published as the whole overlap, without the pieces that would draw the agreement's boxes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import finding_tuples, run_qtgov
from handbook_fixtures import make_alliance

from qtgov.records.prose import for_audience, mentions, non_public_terms
from qtgov.site.model import NOT_PUBLIC_LABEL
from qtgov.site.pipeline import BuildOptions, build

INDEX_ZH = """\
# 测试联盟手册

联盟的公开手册。艾克米云是成员。

Beta ALLIANCEMEMBERMARKER 负责浙江的业务，
这一段整体都不应公开。

<!-- qtgov: alliance -->
内部说明：`beta` 的人数为 7 人。
<!-- qtgov: end -->

最后一段是公开的。
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    os.environ["QTGOV_NO_CACHE"] = "1"
    return make_alliance(tmp_path_factory.mktemp("prose"), extra={"charter/index.md": INDEX_ZH})


def test_validate_reports_each_naming_outside_alliance_passages(repo: Path) -> None:
    result = run_qtgov("validate", str(repo), "--no-cache", "--format", "json")
    assert finding_tuples(result.stdout, {"prose-visibility"}) == [
        ("charter/index.md", 5, 1, "prose-visibility"),
    ]
    assert "names the member 'beta', which is not public" in result.stdout


def test_public_edition_leaves_out_the_paragraph_and_the_passage(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildOptions(repo, out=out, audience="public", languages=("zh",)))
    home = (out / "zh" / "index.html").read_text("utf-8")
    assert "ALLIANCEMEMBERMARKER" not in home and "整体都不应公开" not in home
    assert "7 人" not in home and "qtgov: alliance" not in home
    assert "此处一段涉及未公开记录的内容未收入公开版" in home
    assert "艾克米云是成员" in home and "最后一段是公开的" in home


def test_alliance_edition_prints_the_passage_without_its_markers(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildOptions(repo, out=out, audience="alliance", languages=("zh",)))
    home = (out / "zh" / "index.html").read_text("utf-8")
    assert "内部说明" in home and "整体都不应公开" in home
    assert "qtgov: alliance" not in home and "qtgov: end" not in home and "未收入公开版" not in home


def test_public_overlaps_never_draw_a_non_public_agreements_boxes(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildOptions(repo, out=out, audience="public", languages=("zh",)))
    report = json.loads((out / "zh" / "api" / "overlaps.json").read_text("utf-8"))
    hub_acme = [e for e in report["overlaps"] if e["members"] == ["acme", "hub"]]
    assert hub_acme, report["overlaps"]
    for entry in hub_acme:
        # The alliance-only draft covers CN-SH: the public sees the whole overlap, one piece.
        assert [p["label"] for p in entry["pieces"]] == [NOT_PUBLIC_LABEL]
        piece = entry["pieces"][0]
        assert piece["agreement"] is None and piece["holder"] is None
        assert piece["region"] == {"node": "CN-SH", "except": []}
        assert piece["sector"] == {"node": "cloud/compute", "except": []}
    assert 'hub-acme"' not in json.dumps(report)


def test_terms_match_ids_as_words_and_chinese_names_literally() -> None:
    from qtgov.records.index import Record
    from qtgov.records.yamlload import Document

    def record(ident: str, name: object, visibility: str) -> Record:
        data = {"name": name, "visibility": visibility}
        return Record("member", ident, f"members/{ident}.yaml", Document(f"members/{ident}.yaml", data))

    terms = non_public_terms(
        [
            ("member", record("beta", {"zh": "贝塔科技", "en": "Beta Tech"}, "alliance")),
            ("member", record("acme", "Acme", "public")),
        ]
    )
    text = "alphabeta 不算；beta 算。\n贝塔科技在这里，Beta Tech too.\nAcme 是公开的。\n"
    assert [(m.line, m.column, m.term) for m in mentions(text, terms)] == [
        (1, 14, "beta"),
        (2, 1, "贝塔科技"),
        (2, 9, "Beta Tech"),
    ]
    public = for_audience(text, terms, public=True, notice="[withheld]")
    assert public == "[withheld]\n"
