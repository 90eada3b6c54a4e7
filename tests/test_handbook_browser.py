"""The built handbook in a real browser: headless Chromium (Debian's /usr/bin/chromium) through
Playwright against the demo alliance served on 127.0.0.1. Every page visited must raise no dialog,
log no console error and request nothing off 127.0.0.1. Screenshots go to test-artifacts/."""

from __future__ import annotations

import contextlib
import functools
import html
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from handbook_fixtures import make_alliance
from playwright import sync_api
from playwright.sync_api import expect

from qtgov.site.escaping import plain
from qtgov.site.pipeline import BuildOptions, build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"
DEMO = ROOT / "examples" / "demo-alliance"
HOSTILE_NAME = '<script>alert("x")</script><img src=x onerror=alert(2)> {{ 7*7 }} [x](javascript:alert(3)) </title>'

# playwright is a test dependency; Chromium comes from Debian (scripts/setup --test). Only a
# developer machine without it skips these tests — in CI a missing browser is a failure.
if not Path(CHROMIUM).exists() and not os.environ.get("CI"):  # pragma: no cover - depends on the machine
    pytest.skip("no /usr/bin/chromium", allow_module_level=True)


def _git(repo: Path, *args: str) -> None:
    date = "2026-11-12T10:00:00+08:00"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Zhou Mingyuan",
        "GIT_AUTHOR_EMAIL": "zhou@demo-hub.example.com",
        "GIT_COMMITTER_NAME": "Zhou Mingyuan",
        "GIT_COMMITTER_EMAIL": "zhou@demo-hub.example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine `qtgov build --engine` offers; Zensical is an optional extra, so its runs are
    skipped where it is not installed."""
    from qtgov.site.mkdocs_run import zensical_available

    if request.param == "zensical" and not zensical_available():
        if os.environ.get("CI"):  # scripts/setup --test installs it: in CI its runs must not vanish
            pytest.fail("Zensical is not installed (scripts/setup --test installs qtgov[zensical])")
        pytest.skip("Zensical is not installed (pip install 'qtgov[zensical]')")
    return str(request.param)


@pytest.fixture(scope="module")
def demo_site(engine: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo alliance as a git repository with one commit, built as the public edition."""
    os.environ["QTGOV_NO_CACHE"] = "1"
    repo = tmp_path_factory.mktemp(f"demo-{engine}") / "demo-alliance"
    shutil.copytree(DEMO, repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "The demonstration alliance")
    out = repo.parent / "site"
    build(BuildOptions(repo, out=out, engine=engine))
    return out


@pytest.fixture(scope="module")
def demo_url(demo_site: Path) -> Iterator[str]:
    with serve(demo_site) as base:
        yield base


@pytest.fixture(scope="module")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    with serve(hostile_site) as base:
        yield base


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_alliance(tmp_path_factory.mktemp("hostile") / "repo", acme_name=HOSTILE_NAME)
    out = repo.parent / "site"
    build(BuildOptions(repo, out=out))
    return out


class Watch:
    """Fails the test on a dialog, a console error, a page error or a request off 127.0.0.1."""

    def __init__(self, page: Any) -> None:
        self.problems: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.route("**/*", self._route)

    def _dialog(self, dialog: Any) -> None:
        self.problems.append(f"dialog: {dialog.type} {dialog.message}")
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host != "127.0.0.1":
            self.problems.append(f"request off 127.0.0.1: {route.request.url}")
            route.abort()
            return
        route.continue_()

    def check(self) -> None:
        assert self.problems == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    p = context.new_page()
    watch = Watch(p)
    try:
        yield p, watch
    finally:
        context.close()
    watch.check()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_home_shows_the_figures(demo_site: Path, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    members = json.loads((demo_site / "zh" / "api" / "members.json").read_text("utf-8"))["members"]
    active = sum(1 for m in members if m["status"] == "active")
    base = demo_url
    p.goto(f"{base}/")
    p.wait_for_url(re.compile(r"/zh/$"))
    assert p.locator('[data-qt-figure="members"]').inner_text() == str(active)
    for figure in ("in-force", "overlaps", "flags"):
        assert re.fullmatch(r"\d+", p.locator(f'[data-qt-figure="{figure}"]').inner_text())
    assert "截至" in p.locator(".qt-asof").inner_text()
    assert "不构成法律意见" in p.locator(".qt-disclaimer").first.inner_text()
    _shot(p, "home.png")


def test_navigation_reaches_a_member_and_an_agreement(demo_site: Path, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    base = demo_url
    p.goto(f"{base}/zh/")
    # Zensical writes the same link as ./members/
    p.locator(".md-sidebar--primary a.md-nav__link:is([href='members/'], [href='./members/'])").first.click()
    p.wait_for_url(re.compile(r"/zh/members/$"))
    p.locator("article a", has_text="星河云").first.click()
    p.wait_for_url(re.compile(r"/zh/members/xinghe-cloud/$"))
    assert "星河云" in p.locator("h1").inner_text()
    history = p.locator("#history + div").inner_text()
    assert "2026年11月12日" in history
    assert "members/xinghe-cloud.yaml" in p.locator(".qt-source").inner_text()
    _shot(p, "member.png")
    p.locator("article a", has_text="上海教育 GPU 算力市场边界协议").first.click()
    p.wait_for_url(re.compile(r"/zh/agreements/mb-gpu-shanghai/$"))
    signatures = p.locator("#signatures + div").inner_text()
    assert "一致" in signatures  # content hash check
    assert "Git" in signatures  # provenance: vouched for or not, with the commit
    assert re.search(r"[0-9a-f]{10}", signatures)
    assert "2026年11月12日" in p.locator("#history + div").inner_text()
    _shot(p, "agreement.png")


def test_market_map(demo_site: Path, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    base = demo_url
    p.goto(f"{base}/zh/market-map/")
    assert p.locator(".qt-label--resolved").count() > 0
    assert p.locator(".qt-label--coordinated-not-public").count() > 0
    _shot(p, "market-map.png")


def test_registry_filter(demo_site: Path, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    base = demo_url
    p.goto(f"{base}/en/agreements/")
    rows = p.locator("article table tbody tr")
    total = rows.count()
    p.select_option('select[data-qt-column="2"]', label="talent")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total
    assert all("talent" in r.inner_text() for r in visible)
    p.select_option('select[data-qt-column="2"]', index=0)
    assert sum(1 for r in rows.all() if r.is_visible()) == total


# Where each engine's search box and results are: Material's in the header; Zensical's in a
# dialog (inside a shadow root, which Playwright's CSS locators enter) that its header button opens.
SEARCH = {
    "mkdocs": {"open": "input.md-search__input", "input": "input.md-search__input", "item": ".md-search-result__item"},
    "zensical": {"open": ".md-search__button", "input": "dialog input[role=combobox]", "item": "ol[role=listbox] > li"},
}


def _type_search(p: Any, engine: str, query: str) -> None:
    where = SEARCH[engine]
    p.locator(where["open"]).first.click()
    search = p.locator(where["input"])
    search.fill(query)
    search.press("End")  # the engines search on key events; filled text (like an IME's) has none


def test_chinese_search_finds_its_page(engine: str, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    base = demo_url
    p.goto(f"{base}/zh/")
    # The search box is labelled in Chinese: Material's input; Zensical's header button, and its
    # dialog through qtgov's zensical-search.js (0.0.73 writes the dialog's labels in English).
    if engine == "mkdocs":
        assert p.locator("input.md-search__input").get_attribute("placeholder") == "搜索"
    else:
        assert p.locator(".md-search__button").inner_text().strip() == "查找"
    _type_search(p, engine, "星河")
    result = p.locator(f"{SEARCH[engine]['item']} a[href*='members/xinghe-cloud/']")
    result.first.wait_for(timeout=15000)
    if engine == "zensical":
        dialog = p.locator("dialog[open]")
        assert p.locator(SEARCH[engine]["input"]).get_attribute("placeholder") == "搜索"
        assert dialog.get_attribute("aria-label") == "搜索"
        assert dialog.locator("button[aria-label='关闭搜索']").count() == 1
        assert dialog.locator("button[aria-label='筛选']").count() == 1
        status = dialog.locator("[role=status]")
        expect(status).to_have_text(re.compile(r"^\d+ 个结果$"))
        # The results keep the pages' own text.
        assert "星河" in dialog.locator("[role=listbox]").inner_text()
    result.first.click()
    p.wait_for_url(re.compile(r"/zh/members/xinghe-cloud/"))


def test_the_english_search_dialog_stays_english(engine: str, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    p.goto(f"{demo_url}/en/")
    _type_search(p, engine, "Xinghe")
    p.locator(SEARCH[engine]["item"]).first.wait_for(timeout=15000)
    placeholder = p.locator(SEARCH[engine]["input"]).get_attribute("placeholder")
    assert placeholder == "Search"
    if engine == "zensical":
        expect(p.locator("dialog[open] [role=status]")).to_have_text(re.compile(r"^\d+ results?$"))


def test_language_switch(engine: str, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    base = demo_url
    p.goto(f"{base}/zh/members/")
    p.locator(".md-header__option .md-select").hover()
    p.locator("a.md-select__link[hreflang='en']").click()
    # Material opens the other edition's home page; Zensical the same page in that edition
    p.wait_for_url(re.compile(r"/en/$") if engine == "mkdocs" else re.compile(r"/en/members/$"))
    assert p.locator("html").get_attribute("lang") == "en"
    if engine == "mkdocs":
        assert "members" in p.locator('[data-qt-figure="members"] + a').inner_text()
    else:
        assert p.locator("article h1").inner_text() == "Members"


def test_hostile_member_name_is_text(hostile_url: str, page: tuple[Any, Watch]) -> None:
    p, watch = page
    base = hostile_url
    for lang in ("zh", "en"):
        p.goto(f"{base}/{lang}/members/acme/")
        assert p.locator("h1").inner_text() == plain(HOSTILE_NAME)
        assert html.unescape(p.title()).startswith(plain(HOSTILE_NAME))
        assert p.evaluate("document.querySelectorAll('article img, article script').length") == 0
        assert p.evaluate("document.querySelectorAll('[onerror], [onclick]').length") == 0
        p.goto(f"{base}/{lang}/members/")
        p.goto(f"{base}/{lang}/agreements/hub-acme-public/")
    assert watch.problems == []


def test_member_cards_filter_by_sector_region_and_status(
    demo_site: Path, demo_url: str, page: tuple[Any, Watch]
) -> None:
    p, _ = page
    members = json.loads((demo_site / "zh" / "api" / "members.json").read_text("utf-8"))["members"]
    edu = {
        m["id"]
        for m in members
        if any(s.split("/")[0] == "edu" for c in m.get("claims") or [] for s in c.get("sector") or [])
    }
    p.goto(f"{demo_url}/zh/members/")
    cards = p.locator(".qt-card")
    assert cards.count() == len(members)
    p.select_option('[data-qt-attr="sector"]', "edu")
    visible = {card.get_attribute("data-member") or "" for card in cards.all() if card.is_visible()}
    assert visible == edu and edu
    p.select_option('[data-qt-attr="sector"]', "")
    p.select_option('[data-qt-attr="status"]', "withdrawn")
    assert [c.is_visible() for c in cards.all()].count(True) == sum(1 for m in members if m["status"] == "withdrawn")
    _shot(p, "members-cards.png")


def test_record_pages_fit_a_phone_and_open_with_what_they_oblige(demo_site: Path, demo_url: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    p = context.new_page()
    watch = Watch(p)
    try:
        for path in ("zh/agreements/mb-gpu-shanghai/", "zh/members/xinghe-cloud/", "en/agreements/sh-hub-qingsong/"):
            p.goto(f"{demo_url}/{path}")
            # Wide tables scroll inside their own box; the page itself never scrolls sideways.
            overflow = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, overflow)
            if "/agreements/" in path:
                assert p.locator(".qt-obliges li").count() >= 2, path
        _shot(p, "agreement-390.png")
    finally:
        context.close()
    watch.check()


def test_a_market_map_cell_opens_the_members_page(engine: str, demo_url: str, page: tuple[Any, Watch]) -> None:
    p, _ = page
    p.goto(f"{demo_url}/zh/market-map/")
    cell = p.locator('svg.qt-map-svg a[data-qt-cell="cloud/compute/gpu|CN-SH"]')
    assert cell.count() == 1
    cell.click()
    p.wait_for_url(re.compile(r"/zh/members/yunque-compute/$"))
    assert "云雀算力" in p.locator("article h1").inner_text()
    p.goto(f"{demo_url}/zh/relations/")
    assert p.locator("svg.qt-rel-svg circle.qt-rel-node").count() >= 2
    _shot(p, f"relations-{engine}.png")


# Every page with a drawing, and what its links must reach: a member's page, or a table on the
# same page (a contested cell of the map).
DRAWINGS = {"market-map": "svg.qt-map-svg", "relations": "svg.qt-rel-svg"}


def test_every_link_in_a_drawing_opens_its_page(engine: str, demo_url: str, page: tuple[Any, Watch]) -> None:
    """Both engines: each link of each drawing is clicked and must land on a page of the same
    edition whose heading is the member's name (or, for `#all`, on the table it names)."""
    p, _ = page
    members = {
        m["id"]: m["name"] for m in json.loads(p.request.get(f"{demo_url}/zh/api/members.json").text())["members"]
    }
    clicked = 0
    for lang in ("zh", "en"):
        for slug, svg in DRAWINGS.items():
            here = f"{demo_url}/{lang}/{slug}/"
            p.goto(here)
            links = p.locator(f"{svg} a")
            hrefs = [a.get_attribute("xlink:href") or a.get_attribute("href") or "" for a in links.all()]
            assert hrefs and all(hrefs), (lang, slug, hrefs)
            for i, href in enumerate(hrefs):
                if p.url != here:
                    p.goto(here)
                link = p.locator(f"{svg} a").nth(i)
                if href.startswith("#"):
                    link.click()
                    assert p.url == here + href
                    assert p.locator(href).count() == 1, href
                    continue
                member = re.fullmatch(r"\.\./members/([a-z0-9-]+)/", href)
                assert member, (lang, slug, href)
                link.click()
                p.wait_for_url(f"{demo_url}/{lang}/members/{member.group(1)}/")
                heading = p.locator("article h1").inner_text()
                assert heading.startswith(members[member.group(1)][lang]), (href, heading)
                clicked += 1
    assert clicked >= 4 * 4  # the demo: 4 pages, each with several members


def _search(p: Any, engine: str, base: str, lang: str, query: str) -> list[str]:
    p.goto(f"{base}/{lang}/")
    _type_search(p, engine, query)
    item = SEARCH[engine]["item"]
    p.locator(item).first.wait_for(timeout=15000)
    return [t.strip() for t in p.locator(f"{item} h1, {item} h2").all_inner_texts()]


@pytest.mark.parametrize(
    ("lang", "query", "first"),
    [
        ("zh", "云雀算力", "云雀算力（虚构）"),
        ("zh", "市场地图", "市场地图"),
        ("en", "Yunque Compute", "Yunque Compute (fictional)"),
    ],
)
def test_search_ranks_the_exact_title_first_and_shows_clean_titles(
    engine: str, demo_url: str, page: tuple[Any, Watch], lang: str, query: str, first: str
) -> None:
    p, _ = page
    titles = _search(p, engine, demo_url, lang, query)
    assert titles[0] == first, titles[:5]
    assert not [t for t in titles if "\u200b" in t]


def test_a_rule_page_reads_in_chinese_and_search_finds_its_text(
    engine: str, demo_url: str, page: tuple[Any, Watch]
) -> None:
    # The rule's document in the zh edition is its translation (qtgov/locale/rules/zh/), the
    # English docstring in the en edition; the table survives translation.
    p, _ = page
    p.goto(f"{demo_url}/zh/rules/yaml-punctuation/")
    article = p.locator("article")
    assert "用中文（或日文）输入法时" in article.inner_text()
    assert p.locator("article table tbody tr").count() == 6
    assert p.locator("article table thead th").all_inner_texts() == ["输入的", "本意"]
    p.goto(f"{demo_url}/en/rules/yaml-punctuation/")
    assert "A Chinese (or Japanese) input method" in p.locator("article").inner_text()
    # A phrase only the Chinese explanation of R2 holds leads to its page.
    p.goto(f"{demo_url}/zh/")
    _type_search(p, engine, "轴辐式")
    result = p.locator(f"{SEARCH[engine]['item']} a[href*='rules/r2-hub-facilitation/']")
    result.first.wait_for(timeout=15000)
    result.first.click()
    p.wait_for_url(re.compile(r"/zh/rules/r2-hub-facilitation/"))
    assert "R2 枢纽促成" in p.locator("article h1").inner_text()
