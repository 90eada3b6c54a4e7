"""The handbook at a glance, on the demo alliance: every agreement page opens with what the
agreement obliges (plain sentences per type and language); the market map drawn; the changelog
names people and records, says what the public edition leaves out and has an Atom feed; every
record has its own JSON."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
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


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("demo-public") / "demo"
    shutil.copytree(DEMO, repo)
    out = repo.parent / "site"
    build(BuildOptions(repo, out=out, audience="public"))
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


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_changelog_has_an_atom_feed_per_language(site: Path) -> None:
    for lang, name in (("zh", "云雀算力（虚构）"), ("en", "Yunque Compute (fictional)")):
        feed = ET.parse(site / lang / "feed.xml").getroot()
        assert feed.tag == f"{ATOM}feed"
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries = feed.findall(f"{ATOM}entry")
        assert entries and len(entries) <= 100
        titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
        ids = [e.findtext(f"{ATOM}id") for e in entries]
        assert len(set(ids)) == len(ids)
        assert any(name in t for t in titles), titles[:5]
        link = entries[0].find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith(f"https://demo-alliance.example.org/{lang}/")
    page = (site / "zh" / "changelog" / "index.html").read_text("utf-8")
    assert 'href="../feed.xml"' in page


def test_changelog_events_name_members_and_the_public_edition_says_what_is_left_out(
    site: Path, public_site: Path
) -> None:
    page = (site / "zh" / "changelog" / "index.html").read_text("utf-8")
    assert '<a href="../members/yunque-compute/">云雀算力（虚构）</a> 签署' in page
    assert "yunque&#45;compute 签署" not in page
    assert "公开版只列出公开记录的事件" not in page
    public = (public_site / "en" / "changelog" / "index.html").read_text("utf-8")
    assert "This public edition lists events of public records only" in public


def test_every_record_has_its_own_json_and_the_public_edition_only_public_ones(site: Path, public_site: Path) -> None:
    record = json.loads((site / "en" / "api" / "agreements" / "mb-gpu-shanghai.json").read_text("utf-8"))
    assert record["record"]["id"] == "mb-gpu-shanghai" and record["audience"] == "alliance"
    assert record["record"]["x-qtgov"]["content_sha256"]
    page = (site / "en" / "agreements" / "mb-gpu-shanghai" / "index.html").read_text("utf-8")
    assert 'href="../../api/agreements/mb-gpu-shanghai.json"' in page
    assert (site / "zh" / "api" / "members" / "lanting-consulting.json").is_file()
    assert not (public_site / "zh" / "api" / "members" / "lanting-consulting.json").exists()
    assert not (public_site / "zh" / "api" / "agreements" / "sh-hub-xinghe.json").exists()
    overlaps = json.loads((public_site / "zh" / "api" / "overlaps.json").read_text("utf-8"))
    assert overlaps["as_of"] == record["as_of"] and overlaps["covers"] == "all-time"


def test_the_market_map_is_drawn_with_links_to_the_records(site: Path) -> None:
    page = (site / "zh" / "market-map" / "index.html").read_text("utf-8")
    svg = re.search(r'<svg class="qt-map-svg".*?</svg>', page, re.S)
    assert svg, "no drawn map"
    drawing = svg.group(0)
    assert "<script" not in drawing
    # Yunque alone claims GPU compute in Shanghai: its cell links to its page.
    assert 'xlink:href="../members/yunque-compute/" data-qt-cell="cloud/compute/gpu|CN-SH"' in drawing
    assert 'class="qt-map-cell qt-map-coordinated"' in drawing
    assert "上海市" in drawing and "GPU 算力" in drawing


def test_the_relations_view_is_drawn_and_listed_with_what_the_edition_may_show(site: Path, public_site: Path) -> None:
    page = (site / "en" / "relations" / "index.html").read_text("utf-8")
    svg = re.search(r'<svg class="qt-rel-svg".*?</svg>', page, re.S)
    assert svg and "<script" not in svg.group(0)
    assert svg.group(0).count('class="qt-rel-node"') == len(re.findall(r'<circle class="qt-rel-node"', page))
    # The hub's 15 % stake in Xinghe (alliance-only) is an arrow in the alliance edition only.
    assert "Tidal Demo Technology (fictional) → Xinghe Cloud (fictional)" in svg.group(0)
    listing = html.unescape(page.split('class="qt-rel-svg"', 1)[1].split("</svg>", 1)[1])
    assert 'holds shares in <a href="../members/xinghe-cloud/">Xinghe Cloud (fictional)</a>' in listing
    public = (public_site / "en" / "relations" / "index.html").read_text("utf-8")
    assert "→ Xinghe Cloud (fictional)" not in public
    assert "lanting-consulting" not in public and "Lanting" not in public


def test_member_pages_say_who_to_ask_and_lists_show_status_badges(site: Path) -> None:
    page = html.unescape((site / "zh" / "members" / "xinghe-cloud" / "index.html").read_text("utf-8"))
    who = re.search(r'<p class="qt-who">(.*?)</p>', page, re.S)
    assert who and re.sub(r"<[^>]+>", "", who.group(1)) == "联系谁： 孙立 (首席执行官) · sun@xinghe-cloud.example.com"
    registry = (site / "en" / "agreements" / "index.html").read_text("utf-8")
    assert '<span class="qt-status qt-status--executed">executed</span>' in registry
