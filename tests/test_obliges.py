"""Every agreement page opens with what the agreement obliges, in plain sentences of the page's
language, made from its terms per type (the demo alliance, alliance edition)."""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

import pytest

from qtgov.site.pipeline import BuildOptions, build

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-alliance"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    os.environ["QTGOV_NO_CACHE"] = "1"
    repo = tmp_path_factory.mktemp("demo") / "demo"
    shutil.copytree(DEMO, repo)
    out = repo.parent / "site"
    build(BuildOptions(repo, out=out, audience="alliance"))
    return out


def obliges(site: Path, lang: str, agreement: str) -> list[str]:
    page = (site / lang / "agreements" / agreement / "index.html").read_text("utf-8")
    block = re.search(r'<div class="qt-obliges">(.*?)</div>', page, re.S)
    assert block, f"{agreement}: no summary"
    items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def test_market_boundary_says_who_concentrates_where_and_that_review_is_needed(site: Path) -> None:
    assert obliges(site, "en", "mb-database-guangdong")[0] == (
        "In force from 1 January 2025 to 30 June 2025, both days included."
    )
    zh = obliges(site, "zh", "mb-gpu-shanghai")
    assert zh[0] == "自 2025年5月26日 起生效，未约定结束日期。"
    assert zh[2].startswith("在 GPU 算力 (cloud/compute/gpu) × 上海市 (CN-SH) 范围内，由 云雀算力（虚构） 集中经营")


def test_revenue_share_lists_courses_split_and_who_sets_prices(site: Path) -> None:
    en = obliges(site, "en", "rs-course-bundle")
    assert en[0] == "This agreement is not in force (status: proposed)."
    assert "Tidal Demo Technology (fictional) 20 %" in en[2]
    assert en[3] == "Prices are set by the platform — price coordination, an antitrust risk."


def test_shareholding_and_contribution_sentences(site: Path) -> None:
    assert obliges(site, "en", "sh-hub-xinghe")[1:] == [
        "Tidal Demo Technology (fictional) holds 15 % of Xinghe Cloud (fictional)'s equity (15 % of the votes).",
        "Board seats held: 1.",
        "The stake carries no control: the two remain independent companies.",
        "No information firewall is agreed.",
    ]
    zh = obliges(site, "zh", "ct-open-textbook")
    assert "星河云（虚构） 承诺每 1个月 投入 20000 CNY（infrastructure）。" in zh


def test_the_zh_summary_carries_no_english_sentence_of_ours(site: Path) -> None:
    english = re.compile(r"\b(?:the|parties|force|agreement|holds|commits|every)\b", re.I)
    for page in sorted((site / "zh" / "agreements").glob("*/index.html")):
        for sentence in obliges(site, "zh", page.parent.name):
            assert not english.search(sentence), (page.parent.name, sentence)
