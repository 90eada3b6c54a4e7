"""The handbook's projects and retrospectives (docs/design/projects.md): the projects index, a
page per project with its packages table and timeline, "projects we work on" on member pages,
retrospectives newest first and linked from what they concern, the data files, and what each
edition may show. Real builds of the small alliance of tests/handbook_fixtures.py."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from handbook_fixtures import PROJECT_VALUES, make_alliance

from qtgov.findings import Finding, Severity
from qtgov.site.pipeline import BuildOptions, build, language_job, prepare

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    os.environ["QTGOV_NO_CACHE"] = "1"
    return make_alliance(tmp_path_factory.mktemp("projects"))


@pytest.fixture(scope="module")
def public(repo: Path) -> Path:
    out = repo.parent / "public"
    build(BuildOptions(repo, out=out, audience="public"))
    return out


@pytest.fixture(scope="module")
def internal(repo: Path) -> Path:
    out = repo.parent / "alliance"
    build(BuildOptions(repo, out=out, audience="alliance", languages=("en",)))
    return out


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def _article(page: str) -> str:
    return page.split("<article", 1)[1].split("</article>", 1)[0]


def _text(fragment: str) -> str:
    """The text a reader sees: inline tags vanish, block tags separate words."""
    fragment = re.sub(r"<svg.*?</svg>", " ", fragment, flags=re.S)
    fragment = re.sub(r"</?(?:a|span|code|strong|em)\b[^>]*>", "", fragment)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def _section(page: str, anchor: str) -> str:
    """The HTML from `<h2 id=anchor>` to the next `<h2`."""
    start = page.index(f'<h2 id="{anchor}"')
    end = page.find("<h2", start + 1)
    return page[start : end if end != -1 else len(page)]


def _rows(fragment: str) -> list[list[str]]:
    """The body rows of the first table in `fragment`, as cell texts."""
    body = fragment.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in body.split("</tr>")[:-1]]


# -- the projects index and a project page ----------------------------------------------------------------


def test_projects_index_lists_each_visible_project(public: Path, internal: Path) -> None:
    page = _page(public / "en", "projects")
    rows = _rows(_article(page))
    assert rows == [
        [
            "Public project",
            "subcontract",
            "in progress",
            "Hub Technology",
            "Some client",
            "Compute (cloud/compute) × Shanghai Shi (CN-SH)",
            "1 January 2025 … 31 December 2025",
        ]
    ]
    assert '<a href="public-proj/">Public project</a>' in page
    assert 'class="qt-status qt-status--in-progress"' in page
    # The words for both origins are explained above the table, in each language.
    assert "A subcontract: the prime" in _text(_article(page)) and "A breakdown:" in _text(_article(page))
    zh = _text(_article(_page(public / "zh", "projects")))
    assert "分包：" in zh and "拆包：" in zh and "进行中" in zh
    alliance_rows = _rows(_article(_page(internal / "en", "projects")))
    assert [r[0] for r in alliance_rows] == ["PROJECTSECRETMARKER", "Public project"]
    assert alliance_rows[0][1:5] == ["breakdown", "won", "Hub Technology", "A bank (anonymised)"]


def test_project_page_summary_packages_and_timeline(public: Path) -> None:
    page = _page(public / "en", "projects/public-proj")
    article = _article(page)
    assert _text(article.split('<h2 id="details"')[0]).endswith(
        "Hub Technology delivers Public project for Some client (subcontract), from 1 January 2025 until "
        "31 December 2025; 3 packages are delivered by Acme Cloud 艾克米云; a member (not public); Hub Technology."
    )
    assert 'href="../../api/projects/public-proj.json"' in article
    packages = _section(article, "packages")
    hostile = "Support <script>alert('pkg')</script>[x](javascript:alert(5))"
    assert _rows(packages) == [
        [
            "build",
            "Build",
            "Acme Cloud 艾克米云",
            "1 January 2025",
            "30 June 2025",
            "delivered",
            "—",
            "Public boundary",
        ],
        ["run", "Run", "a member (not public)", "1 July 2025", "31 December 2025", "planned", "build", "—"],
        ["support", hostile, "Hub Technology", "1 March 2025", "30 September 2025", "in progress", "—", "—"],
    ]
    assert '<a href="../../members/acme/">Acme Cloud 艾克米云</a>' in packages
    assert '<a href="../../agreements/hub-acme-public/">Public boundary</a>' in packages
    assert "Values and shares are competitively sensitive and are not published" in _text(packages)
    # The timeline: one bar per package, on a date axis, each labelled with (and linked to) its assignee.
    svg = re.search(r'<svg class="qt-tl-svg".*?</svg>', article, re.S)
    assert svg is not None
    bars = re.findall(r'<g data-qt-package="([^"]+)">(.*?)</g>', svg.group(0), re.S)
    assert [b[0] for b in bars] == ["build", "run", "support"]
    assert all(b[1].count('<rect class="qt-tl-bar') == 1 for b in bars)
    assert '<a xlink:href="../../members/acme/">' in bars[0][1] and ">Acme Cloud 艾克米云</text>" in bars[0][1]
    assert "<a " not in bars[1][1] and ">a member (not public)</text>" in bars[1][1]
    # A tick for every month; a label where it fits (the year's first label carries the year, and
    # February would run into it).
    months = re.findall(r'class="qt-tl-month"[^>]*>([^<]+)<', svg.group(0))
    assert months == ["Jan 2025", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    assert svg.group(0).count('class="qt-tl-tick"') == 12
    assert "<script>alert" not in page and "javascript:alert" not in page.replace("javascript:alert(5))", "")
    # Retrospectives concerning it, newest first; its findings, like other record pages.
    retros = _section(article, "retrospectives")
    assert _text(retros) == "Retrospectives 10 July 2025 · Public retro"
    assert '<a href="../../retrospectives/public-retro/">Public retro</a>' in retros
    assert "r10-bid-coordination" in _text(_section(article, "findings"))


def test_the_hostile_package_title_stays_text_in_the_timeline(public: Path) -> None:
    page = _page(public / "en", "projects/public-proj")
    svg = re.search(r'<svg class="qt-tl-svg".*?</svg>', page, re.S)
    assert svg is not None
    assert "<script" not in svg.group(0)
    assert "&lt;script&gt;alert(&#x27;pkg&#x27;)&lt;/script&gt;" in svg.group(0)


def test_public_edition_withholds_values_and_non_public_projects(public: Path) -> None:
    for path in public.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".xml"):
            text = path.read_text("utf-8", "replace")
            for marker in (*PROJECT_VALUES, "PROJECTSECRETMARKER", "projsecretid", "RETROSECRETMARKER"):
                assert marker not in text, f"{marker} in {path}"
    en = public / "en"
    assert not (en / "projects" / "projsecretid").exists()
    assert not (en / "retrospectives" / "secret-retro").exists()
    article = _article(_page(en, "projects/public-proj"))
    details = _text(_section(article, "details"))
    assert "Governing agreements 1 agreement(s) not public" in details  # counted, never named
    assert "Contract value" not in details
    # The note names the alliance-only project: the public edition prints the notice instead.
    assert "Note: (A passage about records that are not public is left out of the public edition.)" in details
    data = json.loads((en / "api" / "projects" / "public-proj.json").read_text("utf-8"))["record"]
    assert "value" not in data and "agreements" not in data
    assert sorted(data["packages"][0]) == ["agreements", "assignee", "end", "id", "start", "status", "title"]
    assert all("value" not in p and "share" not in p for p in data["packages"])
    listing = json.loads((en / "api" / "projects.json").read_text("utf-8"))
    assert [p["id"] for p in listing["projects"]] == ["public-proj"]
    retro = json.loads((en / "api" / "retrospectives" / "public-retro.json").read_text("utf-8"))["record"]
    assert retro["concerns"] == {"projects": ["public-proj"], "agreements": ["hub-acme-public"]}


def test_alliance_edition_shows_values_as_agreements_show_sensitive_terms(internal: Path) -> None:
    article = _article(_page(internal / "en", "projects/public-proj"))
    details = _text(_section(article, "details"))
    assert "Contract value 987,654,321 CNY" in details
    assert "Governing agreements Shanghai ALLIANCEAGREEMENTMARKER" in details
    rows = _rows(_section(article, "packages"))
    assert [r[-1] for r in rows] == ["13,572,468 CNY", "41.25 %", "—"]
    assert "shown to the members only, and flagged by the checks (R5)" in _text(_section(article, "packages"))
    secret = _article(_page(internal / "en", "projects/projsecretid"))
    assert "Brought by Acme Cloud 艾克米云" in _text(_section(secret, "details"))
    # A package without dates takes the project's.
    assert _rows(_section(secret, "packages"))[0][3:5] == ["1 February 2025", "31 October 2025"]
    data = json.loads((internal / "en" / "api" / "projects" / "public-proj.json").read_text("utf-8"))["record"]
    assert data["value"] == {"amount": 987654321, "currency": "CNY"}


# -- member and agreement pages ---------------------------------------------------------------------------


def test_member_page_lists_the_projects_it_works_on(public: Path, internal: Path) -> None:
    section = _section(_article(_page(public / "en", "members/acme")), "projects")
    assert _rows(section) == [["Public project", "in progress", "joint bidder; assignee", "Build (build)"]]
    assert '<a href="../../projects/public-proj/">Public project</a>' in section
    hub = _rows(_section(_article(_page(public / "en", "members/hub")), "projects"))
    assert hub == [["Public project", "in progress", "prime; joint bidder; assignee", f"{_support()} (support)"]]
    alliance = _rows(_section(_article(_page(internal / "en", "members/acme")), "projects"))
    assert alliance == [  # by project id
        ["PROJECTSECRETMARKER", "won", "brought it; assignee", "Only (only)"],
        ["Public project", "in progress", "joint bidder; assignee", "Build (build)"],
    ]
    zh = _text(_section(_article(_page(public / "zh", "members/acme")), "projects"))
    assert zh == "参与的项目 项目 状态 角色 承接的工作包 公开项目 进行中 联合投标; 承接工作包 搭建 (build)"


def _support() -> str:
    return "Support <script>alert('pkg')</script>[x](javascript:alert(5))"


def test_agreement_page_links_its_projects_and_retrospectives(public: Path) -> None:
    article = _article(_page(public / "en", "agreements/hub-acme-public"))
    assert _text(_section(article, "projects")) == "Projects it governs Public project"
    retros = _section(article, "retrospectives")
    assert _text(retros) == "Retrospectives 10 July 2025 · Public retro 1 March 2025 · Older retro"
    assert '<a href="../../retrospectives/older-retro/">Older retro</a>' in retros


# -- retrospectives ---------------------------------------------------------------------------------------


def test_retrospectives_newest_first(public: Path, internal: Path) -> None:
    rows = _rows(_article(_page(public / "en", "retrospectives")))
    assert rows == [
        ["10 July 2025", "Public retro", "Hub Technology", "Public project; Public boundary; 1 more not public"],
        ["1 May 2025", "About an unlisted project", "Hub Technology", "1 record(s) not public"],
        ["1 March 2025", "Older retro", "Hub Technology", "Public boundary"],
    ]
    alliance = _rows(_article(_page(internal / "en", "retrospectives")))
    assert [r[:2] for r in alliance] == [
        ["1 August 2025", "RETROSECRETMARKER"],
        ["10 July 2025", "Public retro"],
        ["1 May 2025", "About an unlisted project"],
        ["1 March 2025", "Older retro"],
    ]
    assert alliance[1][3] == "Public project; PROJECTSECRETMARKER; Public boundary"
    page = _article(_page(public / "zh", "retrospectives/public-retro"))
    assert _text(_section(page, "happened")) == "发生了什么 按期交付。"
    assert _text(_section(page, "learned")) == "学到了什么 留出缓冲。"
    assert 'href="../../api/retrospectives/public-retro.json"' in page


BODY = """\
# What went well

Some **bold** text and a [safe link](https://example.org/x).

Our work with PROJECTSECRETMARKER taught us a lot.

<script>alert('body')</script>

[bad](javascript:alert(6)) ![remote](https://evil.example/x.png)

<!-- qtgov: alliance -->
ALLIANCEONLYBODY
<!-- qtgov: end -->
"""


def test_a_markdown_body_is_rendered_safely_and_marked_with_its_language(repo: Path, tmp_path: Path) -> None:
    """A Markdown retrospective (retrospectives/<id>.md) loads with `body` and `lang`; the record
    here gets them by hand, the way the loader sets them."""
    from qtgov.site.mkdocs_run import run_mkdocs
    from qtgov.site.pages import assemble

    site, base, _ = prepare(BuildOptions(repo, audience="public"))
    retro = site.model.index.retrospectives["public-retro"]
    retro.data["body"] = BODY
    retro.data["lang"] = "en"
    site = assemble(site.model, fenced_code=base.fenced_code)
    job = language_job(site, base, "zh", tmp_path / "docs", tmp_path / "site")
    run_mkdocs(*job.options())
    article = _article((tmp_path / "site" / "retrospectives" / "public-retro" / "index.html").read_text("utf-8"))
    body = article.split('<div class="qt-retro-body" lang="en">', 1)[1].split("</div>", 1)[0]
    assert body.split("\n")[1:-1] == [
        '<h3 id="what-went-well">What went well</h3>',  # under the page's own h2
        '<p>Some <strong>bold</strong> text and a <a href="https://example.org/x">safe link</a>.</p>',
        # The paragraph naming the alliance-only project, replaced in the body's language.
        "<p><em>(A passage about records that are not public is left out of the public edition.)</em></p>",
        "<p>&lt;script&gt;alert('body')&lt;/script&gt;</p>",
        '<p><a href="#">bad</a>) <a href="https://evil.example/x.png">remote</a></p>',
    ]
    assert "ALLIANCEONLYBODY" not in article and "PROJECTSECRETMARKER" not in article
    data = json.loads((tmp_path / "docs" / "api" / "retrospectives" / "public-retro.json").read_text("utf-8"))
    assert "ALLIANCEONLYBODY" not in data["record"]["body"] and "PROJECTSECRETMARKER" not in data["record"]["body"]


# -- findings and the field reference ---------------------------------------------------------------------


def test_value_findings_stay_out_of_a_public_edition(repo: Path) -> None:
    site, _, _ = prepare(BuildOptions(repo, audience="public"))
    sums = Finding("projects/public-proj.yaml", 19, 5, "project-values", Severity.ERROR, "sums to 987654321 CNY")
    other = Finding("projects/public-proj.yaml", 19, 5, "project-dates", Severity.ERROR, "ends before it starts")
    assert not site.model.finding_visible(sums)
    assert site.model.finding_visible(other)
    hidden = Finding("projects/projsecretid.yaml", 1, 1, "project-dates", Severity.ERROR, "ends before it starts")
    assert not site.model.finding_visible(hidden)


def test_field_reference_covers_projects_and_retrospectives(public: Path) -> None:
    index = _text(_article(_page(public / "en", "reference")))
    assert "Project records" in index and "Retrospective records" in index
    page = _article(_page(public / "en", "reference/project"))
    value = next(r for r in _rows(page) if r[0] == "value")
    assert value[-1].startswith("Competitively sensitive: never in the public edition")
    assert "packages[].assignee (required)" in [r[0] for r in _rows(page)]
    assert (public / "zh" / "reference" / "retrospective" / "index.html").is_file()


def test_listings_are_in_the_nav_and_record_pages_only_in_search_by_title(public: Path) -> None:
    page = _page(public / "en", "projects")
    nav = page.split('data-md-type="navigation"')[1].split('data-md-type="toc"')[0]
    links = re.findall(r'href="([^"]+)"', nav)
    # Right after the agreements: the projects (this page) and the retrospectives.
    assert links[links.index("../agreements/") + 1 : links.index("../agreements/") + 3] == ["./", "../retrospectives/"]
    assert not any("public-proj" in link or "public-retro" in link for link in links)
    index = json.loads((public / "en" / "search" / "search_index.json").read_text("utf-8"))
    project = [d for d in index["docs"] if d["location"].startswith("projects/public-proj/")]
    assert len(project) == 1 and project[0]["title"] == "Public project"
    assert "Hub Technology delivers" not in json.dumps(index)  # the summary and tables are excluded


# -- the timeline, drawn ----------------------------------------------------------------------------------


def _bar(package: str, start: str, end: str, assignee: str = "Acme", href: str | None = "../../members/acme/") -> Any:
    import datetime as dt

    from qtgov.site.timeline import Bar

    return Bar(
        package, package.title(), assignee, href, dt.date.fromisoformat(start), dt.date.fromisoformat(end), "planned"
    )


def _draw(bars: list[Any]) -> str:
    from qtgov.site.timeline import draw

    return draw(
        bars,
        month_label=lambda day, year: f"{day:%m}/{day.year}" if year else f"{day:%m}",
        status_label=str,
        span=lambda a, b: f"{a}..{b}",
        title="Timeline",
    )


def test_timeline_bars_are_placed_on_the_date_axis() -> None:
    from qtgov.site.timeline import CHART_WIDTH, LABEL_WIDTH

    svg = _draw(
        [
            _bar("a", "2025-01-01", "2025-01-10"),
            _bar("b", "2025-01-11", "2025-01-20"),
            _bar("c", "2025-01-20", "2025-01-20"),
        ]
    )
    rects = re.findall(r'<rect class="qt-tl-bar qt-tl-planned" x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    scale = CHART_WIDTH / 20  # 20 days, first and last included
    assert [(float(x), float(w)) for x, w in rects] == [
        (LABEL_WIDTH, round(10 * scale, 1)),
        (round(LABEL_WIDTH + 10 * scale, 1), round(10 * scale, 1)),
        (round(LABEL_WIDTH + 19 * scale, 1), round(scale, 1)),  # one day is one day wide
    ]
    assert svg.count('<a xlink:href="../../members/acme/">') == 3
    assert re.findall(r'class="qt-tl-month"[^>]*>([^<]+)<', svg) == ["01/2025"]


def test_timeline_escapes_its_text_and_draws_nothing_without_bars() -> None:
    svg = _draw([_bar("x", "2025-01-01", "2025-03-31", assignee='<b onmouseover="x">&', href=None)])
    assert "<b onmouseover" not in svg and "&lt;b onmouseover=&quot;x&quot;&gt;&amp;" in svg
    assert "<a " not in svg  # no page to link to
    assert _draw([]) == ""
