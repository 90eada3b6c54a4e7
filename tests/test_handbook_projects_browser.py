"""The projects and retrospectives pages in headless Chromium: the index and a project page
(its packages table, one timeline bar per package, every link resolving), a phone's width
without sideways page scrolling, the member page's projects, retrospectives newest first, and a
public edition without values or non-public project titles."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from handbook_fixtures import PROJECT_VALUES, make_alliance
from test_handbook_browser import ARGS, CHROMIUM, Watch, serve

from qtgov.site.pipeline import BuildOptions, build

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Both editions of the test alliance, served from one folder: /public/… and /alliance/…"""
    os.environ["QTGOV_NO_CACHE"] = "1"
    root = tmp_path_factory.mktemp("projects-browser")
    repo = make_alliance(root / "repo")
    build(BuildOptions(repo, out=root / "served" / "public", audience="public"))
    build(BuildOptions(repo, out=root / "served" / "alliance", audience="alliance"))
    with serve(root / "served") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[Any, int]]:
    width = int(request.param)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    p = context.new_page()
    watch = Watch(p)
    try:
        yield p, width
    finally:
        context.close()
    watch.check()


def _links(p: Any) -> list[str]:
    """Every link in the page's article, SVG links included, as absolute URLs."""
    return list(
        p.evaluate(
            """() => Array.from(document.querySelectorAll('article a')).map(a => {
                const raw = typeof a.href === 'string' ? a.getAttribute('href') : a.href.baseVal;
                return new URL(raw, location.href).href;
            })"""
        )
    )


def _no_sideways_scroll(p: Any) -> None:
    overflow = p.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, (p.url, overflow)


def test_the_index_opens_a_project_page_with_its_table_and_timeline(sites: str, page: tuple[Any, int]) -> None:
    p, width = page
    p.goto(f"{sites}/public/en/projects/")
    _no_sideways_scroll(p)
    p.locator("article a", has_text="Public project").first.click()
    p.wait_for_url(f"{sites}/public/en/projects/public-proj/")
    _no_sideways_scroll(p)
    rows = p.locator("#packages + div table tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(3)] == ["build", "run", "support"]
    assert rows.nth(0).locator("td").nth(2).inner_text() == "Acme Cloud 艾克米云"
    bars = p.locator("svg.qt-tl-svg g[data-qt-package]")
    assert bars.count() == 3
    assert [bars.nth(i).get_attribute("data-qt-package") for i in range(3)] == ["build", "run", "support"]
    assert p.locator("svg.qt-tl-svg rect.qt-tl-bar").count() == 3
    assert p.locator(".qt-timeline-hint").is_visible()
    box = p.evaluate(
        "(() => { const t = document.querySelector('.qt-timeline'); return [t.scrollWidth, t.clientWidth]; })()"
    )
    if width == 390:
        assert box[0] > box[1]  # the timeline scrolls inside its own box on a phone
    # Every link on the page resolves (the timeline's bars too).
    links = _links(p)
    assert f"{sites}/public/en/members/acme/" in links
    for url in sorted(set(links)):
        if url.startswith(sites):
            assert p.request.get(url.split("#")[0]).status == 200, url
    # A bar opens the assignee's page.
    bars.nth(0).locator("rect").click()
    p.wait_for_url(f"{sites}/public/en/members/acme/")


def test_member_page_shows_the_projects_it_works_on(sites: str, page: tuple[Any, int]) -> None:
    p, _ = page
    p.goto(f"{sites}/public/zh/members/acme/")
    _no_sideways_scroll(p)
    section = p.locator("#projects + div")
    assert section.locator("tbody tr").count() == 1
    link = section.locator("a", has_text="公开项目")
    assert link.count() == 1
    link.click()
    p.wait_for_url(f"{sites}/public/zh/projects/public-proj/")


def test_retrospectives_are_listed_newest_first(sites: str, page: tuple[Any, int]) -> None:
    p, _ = page
    p.goto(f"{sites}/public/en/retrospectives/")
    _no_sideways_scroll(p)
    dates = p.locator("article table tbody tr td:first-child").all_inner_texts()
    assert dates == ["10 July 2025", "1 May 2025", "1 March 2025"]
    p.goto(f"{sites}/alliance/en/retrospectives/")
    dates = p.locator("article table tbody tr td:first-child").all_inner_texts()
    assert dates == ["1 August 2025", "10 July 2025", "1 May 2025", "1 March 2025"]
    p.locator("article a", has_text="Public retro").click()
    p.wait_for_url(f"{sites}/alliance/en/retrospectives/public-retro/")
    assert p.locator("#happened + div").inner_text().strip() == "Delivered on time."


def test_public_edition_shows_no_values_and_no_non_public_project(sites: str, page: tuple[Any, int]) -> None:
    p, _ = page
    for path in ("en/projects/", "en/projects/public-proj/", "zh/projects/public-proj/", "en/members/acme/"):
        p.goto(f"{sites}/public/{path}")
        text = p.locator("article").inner_text()
        for marker in (*PROJECT_VALUES, "PROJECTSECRETMARKER", "RETROSECRETMARKER"):
            assert marker not in text, (path, marker)
    p.goto(f"{sites}/public/en/retrospectives/public-retro/")
    assert "1 more not public" in p.locator("article").inner_text()
    # The alliance edition shows what the public one leaves out.
    p.goto(f"{sites}/alliance/en/projects/public-proj/")
    assert "987,654,321 CNY" in p.locator("article").inner_text()
    p.goto(f"{sites}/alliance/en/members/acme/")
    assert p.locator("#projects + div a", has_text="PROJECTSECRETMARKER").count() == 1


@pytest.mark.parametrize("path, svg", [("en/market-map/", ".qt-map-svg"), ("en/relations/", ".qt-rel-svg")])
def test_drawn_diagrams_keep_their_size_on_a_phone(sites: str, browser: Any, path: str, svg: str) -> None:
    """Material's `svg { max-width: 100% }` would shrink a diagram to the phone's width (its 11 px
    labels to 6 px); it keeps its drawn width and scrolls inside its box instead."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    p = context.new_page()
    watch = Watch(p)
    try:
        p.goto(f"{sites}/alliance/{path}")
        drawn = p.evaluate(
            f"(() => {{ const s = document.querySelector('{svg}'); "
            "return [Number(s.getAttribute('width')), s.getBoundingClientRect().width]; })()"
        )
        assert drawn[0] > 390 and drawn[1] == drawn[0], drawn
        _no_sideways_scroll(p)
    finally:
        context.close()
    watch.check()
