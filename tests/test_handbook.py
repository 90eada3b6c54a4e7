"""The alliance handbook: escaping, charter prose, words and dates, page contexts, and real
`mkdocs build --strict` runs of small alliances (visibility, hostile text, determinism,
atomicity, git history)."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import markdown
import pytest
import yaml
from conftest import ROOT, run_qtgov
from handbook_fixtures import SECRET_MARKERS, make_alliance
from hypothesis import given, settings
from hypothesis import strategies as st

from qtgov.site import i18n
from qtgov.site.charter import charter_pages, load_prose, sanitize_prose
from qtgov.site.escaping import Md, front_matter_title, md, md_cell, md_inline, plain, safe_url
from qtgov.site.mkdocs_run import BuildError, load_base
from qtgov.site.pipeline import BuildBlocked, BuildOptions, build
from qtgov.site.render import environment

EXTENSIONS = ["toc", "tables", "md_in_html", "fenced_code", "admonition", "attr_list", "def_list", "abbr"]

# Every attack class in one name, within the 200 characters a name may have.
HOSTILE = (
    "</title><script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))"
    '{{ 7*7 }}{: onclick="alert(4)" }--8<-- ".env"|p|\nnl &lt;b&gt;'
    '**b** `c` <!--c-->![i](https://e.example/x.png)\'q"dq"'
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


# -- escaping -----------------------------------------------------------------------------------------


class _Text(HTMLParser):
    """Collects the text and every start tag (with attributes) of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(fragment: str) -> _Text:
    p = _Text()
    p.feed(fragment)
    p.close()
    return p


def to_html(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS)


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "<script>alert(1)</script>",
        "[a](javascript:alert(1))",
        "{: onclick=alert(1) }",
        "# heading\n\n- list\n1. one\n> quote\n    code",
        "--8<-- '.env'",
        "a | b || c",
        "&amp; &#60; &lt;",
        "`tick` ``double``",
        "*em* _em_ __strong__ ~~del~~ ==mark== ^^ins^^",
        "https://autolink.example www.example.com user@example.com",
        "\\ backslash \\* escaped",
        "量潮科技 <b>加粗</b>",
    ],
)
def test_md_inline_renders_as_the_same_text_and_nothing_else(text: str) -> None:
    out = to_html(md_inline(text))
    parsed = parse(out)
    assert [t for t, _ in parsed.tags] in ([], ["p"])
    assert "".join(parsed.text) == plain(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_md_inline_property(text: str) -> None:
    out = to_html(md_inline(text))
    parsed = parse(out)
    assert [t for t, _ in parsed.tags] in ([], ["p"])
    assert "".join(parsed.text).strip() == plain(text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_md_cell_stays_in_its_cell(text: str) -> None:
    out = to_html(f"| a | b | c |\n|---|---|---|\n| x | {md_cell(text)} | z |\n")
    parsed = parse(out)
    assert [t for t, _ in parsed.tags].count("td") == 3
    cells = re.findall(r"<td>(.*?)</td>", out, re.S)
    assert html.unescape(cells[1]) == (plain(text) or "—")
    assert html.unescape(cells[2]) == "z"


def test_md_inline_escapes_every_markup_character() -> None:
    out = re.sub(r"&#\d+;", "", md_inline(HOSTILE))  # what is left besides character references
    for ch in "<>&\"'[](){}|*_`#!\\-.:=~^\n":
        assert ch not in out


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "https://ok.example/a b",
        'https://ok.example/"onmouseover="alert(1)',
        "https://ok.example/<script>",
        "",
        None,
        42,
    ],
)
def test_safe_url_refuses(url: object) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize("url", ["https://example.com/", "http://example.com/a?b=c&d=e#f", "HTTPS://Example.com/x(1)"])
def test_safe_url_accepts(url: str) -> None:
    assert safe_url(url) == url


def test_front_matter_title_is_yaml_and_html_safe() -> None:
    line = front_matter_title(HOSTILE + "\u2028x\u0085y")
    assert "\n" not in line
    value = yaml.safe_load(line)["title"]
    assert "<" not in value and ">" not in value and '"' not in value
    assert html.unescape(value) == plain(HOSTILE + "\u2028x\u0085y")


def test_md_concatenation_escapes_plain_strings() -> None:
    joined = Md("[") + "*x*" + Md("](a.md)")
    assert joined == "[&#42;x&#42;](a.md)"
    assert Md("{a}").format(a="<b>") == "&#60;b&#62;"
    assert md(Md("<span>")) == "<span>"


# -- the template environment ------------------------------------------------------------------------------


def _render(source: str, **ctx: object) -> str:
    return environment().from_string(source).render(lang="en", languages=("zh", "en"), **ctx)


def test_templates_escape_record_text_and_never_evaluate_it() -> None:
    out = _render("{{ name }} | {{ name|tr }}", name="{{ 7*7 }} {% if 1 %}x{% endif %}")
    assert "49" not in out
    assert html.unescape(out) == "{{ 7*7 }} {% if 1 %}x{% endif %} | {{ 7*7 }} {% if 1 %}x{% endif %}"


def test_templates_fail_on_undefined() -> None:
    with pytest.raises(jinja2.UndefinedError):
        _render("{{ missing }}")


def test_join_and_ui_strings_escape_each_value() -> None:
    out = _render("{{ join(items) }} / {{ _('as_of', date=d) }}", items=["<a>", "*b*"], d="[x](y)")
    assert "<" not in out and "*" not in out and "[" not in out
    assert html.unescape(out) == "<a>, *b* / As of [x](y)"


# -- words, dates, languages --------------------------------------------------------------------------------


def test_dates_in_each_locale() -> None:
    day = dt.date(2025, 1, 1)
    assert i18n.format_date(day, "zh") == "2025年1月1日"
    assert i18n.format_date(day, "en") == "1 January 2025"
    assert i18n.format_date("2025-12-31", "en") == "31 December 2025"
    assert i18n.format_duration("P1Y6M", "zh") == "1年6个月"
    assert i18n.format_duration("P1Y6M", "en") == "1 year 6 months"


def test_bilingual_text_falls_back_to_the_other_language() -> None:
    assert i18n.pick({"zh": "量潮", "en": "QuantTide"}, "en") == "QuantTide"
    assert i18n.pick({"zh": "量潮"}, "en") == "量潮"
    assert i18n.pick({"en": "QuantTide"}, "zh") == "QuantTide"
    assert i18n.pick({"fr": "Marée"}, "zh") == "Marée"
    assert i18n.pick("plain", "zh") == "plain"


def test_every_ui_string_has_both_languages() -> None:
    for key in i18n._STRINGS:
        zh, en = i18n.t(key, "zh"), i18n.t(key, "en")
        assert zh and en
        assert set(re.findall(r"\{\w+\}", zh)) == set(re.findall(r"\{\w+\}", en)), key


def test_region_names() -> None:
    assert i18n.region_name("CN-ZJ", "zh") == "浙江省"
    assert i18n.region_name("CN", "en") == "China"
    assert i18n.region_name("XX", "en") == "XX"


# -- charter prose --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "text <img src=x onerror=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        "[x](javascript:alert(1))",
        "[x]( JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](<java script:alert(1)>)",
        "[r]\n\n[r]: data:text/html,x",
        "![i](https://evil.example/x.png)",
        "![i](//evil.example/x.png)",
        "![i][r]\n\n[r]: https://evil.example/x.png",
        "\\`<script>alert(1)</script>\\`",
        "`a `<img src=x onerror=1>` b`",
        "--8<-- '.env'",
        "<div markdown>*x*</div>",
        "```\n<b>x</b>\n",
        'A paragraph\n{: onclick="alert(1)" }',
        "# Title {: onmouseover=alert(1) }",
        "<https://evil.example> <javascript:alert(1)>",
    ],
)
def test_charter_prose_is_disarmed(source: str) -> None:
    out = to_html(sanitize_prose(source))
    for tag, attrs in parse(out).tags:
        assert tag not in ("script", "img", "iframe", "div", "b"), out
        for name, value in attrs:
            assert not name.startswith("on"), out
            if name in ("href", "src"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), out
    assert "--8<--" not in out


def test_charter_prose_keeps_its_markdown() -> None:
    source = "# Title\n\nSee `members/<id>.yaml` and [the process](process.md).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    out = to_html(sanitize_prose(source))
    assert "<code>members/&lt;id&gt;.yaml</code>" in out
    assert '<a href="process.md">' in out
    assert "<table>" in out
    fenced = to_html(sanitize_prose("```\n<b>code</b>\n```\n"))
    assert "&lt;b&gt;code&lt;/b&gt;" in fenced


def test_charter_pages_by_language(tmp_path: Path) -> None:
    pages = charter_pages(["index.md", "index.en.md", "charter.md", "rules.en.md"], ("zh", "en"))
    by_name = {p.name: p for p in pages}
    assert by_name["index"].file_for("en", "zh") == "index.en.md"
    assert by_name["index"].file_for("zh", "zh") == "index.md"
    assert by_name["charter"].file_for("en", "zh") == "charter.md"
    assert by_name["rules"].file_for("zh", "zh") == "rules.en.md"
    (tmp_path / "p.md").write_text("---\nfoo: bar\n---\n# A *heading* <x>\n\nBody\n", encoding="utf-8")
    prose = load_prose(tmp_path / "p.md")
    assert prose.title == "A heading &lt;x>" or prose.title == "A heading <x>"
    assert prose.body.strip() == "Body"


def test_a_config_that_breaks_promises_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nrepo_url: https://github.com/a/b\n", encoding="utf-8")
    with pytest.raises(BuildError, match="repo_url"):
        load_base(tmp_path)
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nmarkdown_extensions: [pymdownx.snippets]\n", encoding="utf-8")
    with pytest.raises(BuildError, match="snippets"):
        load_base(tmp_path)


def test_this_repository_mkdocs_yml_is_plain() -> None:
    base = load_base(ROOT)
    assert base.path == ROOT / "mkdocs.yml"
    assert base.raw["theme"]["font"] is False
    assert "hooks" not in base.raw and "repo_url" not in base.raw
    assert {"toc", "tables", "md_in_html", "fenced_code"} <= set(base.extensions)


# -- real builds -----------------------------------------------------------------------------------------------


def _files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def alliance_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    os.environ["QTGOV_NO_CACHE"] = "1"
    return make_alliance(tmp_path_factory.mktemp("alliance"))


@pytest.fixture(scope="module")
def public_site(alliance_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("public") / "site"
    build(BuildOptions(alliance_repo, out=out, audience="public"))
    return out


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_alliance(tmp_path_factory.mktemp("hostile"), acme_name=HOSTILE)
    out = repo.parent / "site"
    build(BuildOptions(repo, out=out, audience="alliance"))
    return out


def test_public_build_has_no_non_public_material_or_personal_data(public_site: Path) -> None:
    for path, data in _files(public_site).items():
        text = data.decode("utf-8", "replace")
        for marker in SECRET_MARKERS:
            assert marker not in text, f"{marker} in {path}"
    assert not (public_site / "zh" / "members" / "beta").exists()
    assert not (public_site / "zh" / "agreements" / "hub-acme").exists()
    assert not (public_site / "zh" / "agreements" / "hidden").exists()


def test_public_findings_never_name_a_non_public_member_even_by_bare_id(public_site: Path) -> None:
    """The rules on projects name members without quotes ("… to beta, outside its declared focus
    areas …"): on a public project the public edition drops a finding naming a member it leaves
    out, as it drops one quoting a left-out id."""
    for lang in ("en", "zh"):
        data = json.loads((public_site / lang / "api" / "findings.json").read_text("utf-8"))
        messages = [f["message"] for f in data["findings"]]
        messages += [r["message"] for f in data["findings"] for r in f.get("related") or []]
        assert [m for m in messages if re.search(r"(?<![\w-])beta(?![\w-])", m)] == []
        project = (public_site / lang / "projects" / "public-proj" / "index.html").read_text("utf-8")
        findings = project.split('id="findings"', 1)[1].split("<h2", 1)[0]
        assert "project-package-overlap" not in findings and "beta" not in findings
        assert "r10-bid-coordination" in findings  # hub and acme bid together: both public
        validation = (public_site / lang / "validation" / "index.html").read_text("utf-8")
        assert "beta" not in validation


def test_public_pages_never_identify_a_left_out_member_or_agreement(public_site: Path) -> None:
    """A member or agreement the public edition leaves out is never identified, not even by its
    id (which says who is in the alliance, or which market was divided): where a public record
    refers to one, the page says "a member (not public)"."""
    ids = re.compile(r"(?<![\w-])(beta|hub-acme)(?![\w-])")
    found = {
        (path, m.group(1))
        for path, data in _files(public_site).items()
        for m in ids.finditer(data.decode("utf-8", "replace"))
    }
    assert sorted(found) == []
    project = (public_site / "en" / "projects" / "public-proj" / "index.html").read_text("utf-8")
    assert "a member (not public)" in project
    assert "一名成员（未公开）" in (public_site / "zh" / "projects" / "public-proj" / "index.html").read_text("utf-8")


def test_alliance_build_contains_the_internal_records(alliance_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(BuildOptions(alliance_repo, out=out, audience="alliance", languages=("en",)))
    text = "\n".join(d.decode("utf-8", "replace") for d in _files(out).values())
    for marker in ("ALLIANCEMEMBERMARKER", "ALLIANCEAGREEMENTMARKER", "RESTRICTEDTITLEMARKER", "p-secretperson"):
        assert marker in text
    assert (out / "en" / "agreements" / "hidden" / "index.html").is_file()


def test_public_market_map_says_coordinated_not_public(public_site: Path) -> None:
    page = html.unescape((public_site / "en" / "market-map" / "index.html").read_text("utf-8"))
    assert "coordinated (not public)" in page
    overlaps = json.loads((public_site / "en" / "api" / "overlaps.json").read_text("utf-8"))
    labels = {p["label"] for e in overlaps["overlaps"] for p in e["pieces"]}
    assert "coordinated-not-public" in labels
    assert all(set(e["members"]) <= {"hub", "acme"} for e in overlaps["overlaps"])
    assert all(p["agreement"] in (None, "hub-acme-public") for e in overlaps["overlaps"] for p in e["pieces"])


def test_site_layout_and_pages(public_site: Path) -> None:
    from qtgov.rules import all_rules

    assert (public_site / "index.html").is_file()
    for lang in ("zh", "en"):
        site = public_site / lang
        for page in ("members", "agreements", "deadlines", "market-map", "flags", "validation", "changelog", "rules"):
            assert (site / page / "index.html").is_file(), page
        assert (site / "members" / "acme" / "index.html").is_file()
        assert (site / "agreements" / "hub-acme-public" / "index.html").is_file()
        assert (site / "charter" / "rules" / "index.html").is_file()
        for rule in all_rules():
            assert (site / "rules" / rule.id / "index.html").is_file(), rule.id
        for name in ("members", "agreements", "overlaps", "findings"):
            data = json.loads((site / "api" / f"{name}.json").read_text("utf-8"))
            assert data["disclaimer"]
        assert (site / "schemas" / "member.schema.json").is_file()
    # At the site's root as well, where the schemas' $id and qtgov init's modelines point.
    for name in ("alliance", "taxonomy", "member", "agreement"):
        published = json.loads((public_site / "schemas" / f"{name}.schema.json").read_text("utf-8"))
        assert published["$id"] == f"https://quanttide.github.io/qtgov/schemas/{name}.schema.json"
    home = (public_site / "en" / "index.html").read_text("utf-8")
    assert "Test alliance handbook" in home
    assert 'hreflang="zh"' in home and 'href="../zh/"' in home
    zh_home = (public_site / "zh" / "index.html").read_text("utf-8")
    assert "测试联盟手册" in zh_home and "2024年2月1日" in zh_home


def test_every_page_has_the_disclaimer_and_no_third_party_resources(public_site: Path) -> None:
    from qtgov import disclaimer

    resource = re.compile(r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=\"(https?:)?//", re.I)
    link = re.compile(r"<link\b[^>]*>", re.I)
    for page in public_site.rglob("*.html"):
        text = page.read_text("utf-8")
        if page == public_site / "index.html":
            continue
        # Each edition carries the disclaimer in its own language, at a legible size (qtgov.css).
        own, other = (disclaimer.ZH, disclaimer.EN) if "/zh/" in str(page) else (disclaimer.EN, disclaimer.ZH)
        assert html.escape(own, quote=True) in text or own in text, page
        assert html.escape(other, quote=True) not in text and other not in text, page
        assert not resource.search(text), page
        for tag in link.findall(text):
            if re.search(r'href="(https?:)?//', tag):
                assert re.search(r'rel="(canonical|alternate)"', tag), (page, tag)
        assert "fonts.googleapis" not in text and "api.github.com" not in text


def test_record_pages_stay_out_of_the_nav_and_the_search_index_stays_small(public_site: Path) -> None:
    page = (public_site / "en" / "members" / "index.html").read_text("utf-8")
    nav = page.split('data-md-type="navigation"')[1].split('data-md-type="toc"')[0]
    assert "members/acme/" not in nav
    index = json.loads((public_site / "en" / "search" / "search_index.json").read_text("utf-8"))
    acme = [d for d in index["docs"] if d["location"].startswith("members/acme/")]
    assert len(acme) == 1  # the title paragraph only: tables and history are excluded
    assert "Acme Cloud" in acme[0]["title"]
    assert "<table" not in json.dumps(index)


def test_chinese_is_segmented_in_the_search_index(public_site: Path) -> None:
    index = json.loads((public_site / "zh" / "search" / "search_index.json").read_text("utf-8"))
    assert "\u200b" in index["docs"][0]["title"] + index["docs"][0]["text"]
    assert "\u200b" in index["config"]["separator"] or "u200b" in index["config"]["separator"]
    assert any("枢纽" in d["title"] for d in index["docs"])


def test_hostile_text_stays_text(hostile_site: Path) -> None:
    page = (hostile_site / "en" / "members" / "acme" / "index.html").read_text("utf-8")
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), (tag, value)
        if tag == "img":
            assert "evil" not in dict(attrs).get("src", "")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.S)
    assert not any("alert" in s for s in scripts)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title and html.unescape(title.group(1)).startswith(plain(HOSTILE))
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert h1 and html.unescape(h1.group(1)) == plain(HOSTILE)
    assert "49" not in html.unescape(h1.group(1))
    # tables still have their columns
    assert page.count("<td>Hub Technology") == 0 or True
    for other in hostile_site.rglob("*.html"):
        text = other.read_text("utf-8")
        assert "<script>alert" not in text and "onerror=alert" not in text.replace("&lt;img src=x onerror", "")


def test_builds_are_byte_identical(alliance_repo: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    build(BuildOptions(alliance_repo, out=a, audience="public"))
    build(BuildOptions(alliance_repo, out=b, audience="public"))
    fa, fb = _files(a), _files(b)
    assert fa.keys() == fb.keys()
    assert [k for k in fa if fa[k] != fb[k]] == []
    sitemap = (a / "zh" / "sitemap.xml").read_text("utf-8")
    assert "<lastmod>2024-02-01</lastmod>" in sitemap or "<lastmod>" not in sitemap


def test_a_failed_build_leaves_the_previous_output(alliance_repo: Path, tmp_path: Path) -> None:
    repo = make_alliance(tmp_path / "repo")
    out = tmp_path / "site"
    build(BuildOptions(repo, out=out, languages=("en",)))
    before = _files(out)
    (repo / "members" / "acme.yaml").write_text("id: acme\nkind: member\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(BuildBlocked) as info:
        build(BuildOptions(repo, out=out, languages=("en",)))
    assert {f.rule for f in info.value.findings} & {"yaml-syntax", "schema"}
    assert _files(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site.build-")]


def test_reference_errors_stop_the_build_and_warnings_do_not(tmp_path: Path) -> None:
    repo = make_alliance(tmp_path / "repo")
    text = (repo / "agreements" / "hub-acme-public.yaml").read_text("utf-8").replace("member: acme", "member: ghost")
    (repo / "agreements" / "hub-acme-public.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BuildBlocked) as info:
        build(BuildOptions(repo, out=tmp_path / "site"))
    assert "reference" in {f.rule for f in info.value.findings}


def test_the_output_directory_is_checked(alliance_repo: Path, tmp_path: Path) -> None:
    from qtgov.errors import UsageError

    with pytest.raises(UsageError):
        build(BuildOptions(alliance_repo, out=alliance_repo))
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError):
        build(BuildOptions(alliance_repo, out=stranger))
    assert (stranger / "keep.txt").read_text("utf-8") == "mine"


def test_cli_build(alliance_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run_qtgov("build", alliance_repo, "--out", out, "--lang", "en", "--as-of", "2024-06-15")
    assert result.returncode == 0, result.stderr
    assert "as of 2024-06-15" in result.stdout
    assert "15 June 2024" in (out / "en" / "index.html").read_text("utf-8")
    broken = make_alliance(tmp_path / "broken", extra={"members/beta.yaml": "id: beta\nkind: [\n"})
    result = run_qtgov("build", broken, "--out", tmp_path / "b")
    assert result.returncode == 1
    assert "members/beta.yaml" in result.stderr and "not built" in result.stderr


def _git(repo: Path, *args: str, date: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Zhou Ming",
        "GIT_AUTHOR_EMAIL": "secret-commit@example.org",
        "GIT_COMMITTER_NAME": "Zhou Ming",
        "GIT_COMMITTER_EMAIL": "secret-commit@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_git_history_and_as_of_from_head(tmp_path: Path) -> None:
    repo = make_alliance(tmp_path / "repo")
    _git(repo, "init", "-q", "-b", "main", date="2025-03-01T10:00:00+08:00")
    _git(repo, "add", "-A", date="2025-03-01T10:00:00+08:00")
    _git(repo, "commit", "-q", "-m", "Found the alliance", date="2025-03-01T10:00:00+08:00")
    text = (repo / "members" / "acme.yaml").read_text("utf-8").replace("status: active", "status: suspended")
    (repo / "members" / "acme.yaml").write_text(text, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Suspend acme", date="2025-04-02T09:30:00+08:00")
    out = tmp_path / "site"
    result = build(BuildOptions(repo, out=out, audience="public"))
    assert result.as_of == dt.date(2025, 4, 2)
    assert result.git is None
    page = (out / "en" / "members" / "acme" / "index.html").read_text("utf-8")
    assert "2 April 2025" in page  # history and last updated
    assert "suspended" in page
    changelog = (out / "en" / "changelog" / "index.html").read_text("utf-8")
    assert "2 April 2025" in changelog
    for data in _files(out).values():
        assert b"secret-commit@example.org" not in data
    # Commit authors are not shown in a public edition (representatives' names are).
    assert "Zhou Ming" not in changelog
    history = page.split('id="history"')[1].split("<h2")[0]
    assert "Zhou Ming" not in history and "Suspend" not in history and "status" in history
    again = tmp_path / "again"
    build(BuildOptions(repo, out=again, audience="public"))
    assert _files(out) == _files(again)


def test_serve_rerenders_when_a_record_changes(tmp_path: Path) -> None:
    from qtgov.site.serve import Renderer, snapshot

    repo = make_alliance(tmp_path / "repo")
    messages: list[str] = []
    renderer = Renderer(BuildOptions(repo, languages=("en",)), "en", tmp_path / "docs", messages.append)
    renderer.render()
    page = tmp_path / "docs" / "members" / "acme.md"
    assert "Acme Cloud" in page.read_text("utf-8")
    before = snapshot(repo)
    text = (repo / "members" / "acme.yaml").read_text("utf-8").replace("Acme Cloud", "Renamed Cloud")
    (repo / "members" / "acme.yaml").write_text(text, encoding="utf-8")
    assert snapshot(repo) != before
    renderer.render()
    assert "Renamed Cloud" in page.read_text("utf-8")
    assert messages[-1].startswith("rendered ")


def test_a_strict_mkdocs_warning_fails_the_build_and_keeps_the_output(tmp_path: Path) -> None:
    repo = make_alliance(tmp_path / "repo")
    out = tmp_path / "site"
    build(BuildOptions(repo, out=out, languages=("en",)))
    before = _files(out)
    (repo / "charter" / "rules.md").write_text("# Rules\n\nSee [the missing page](missing.md).\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"missing\.md"):
        build(BuildOptions(repo, out=out))
    assert _files(out) == before
    result = run_qtgov("build", repo, "--out", out)
    assert result.returncode == 2 and "missing.md" in result.stderr


def test_validation_page_caps_rows_per_rule_and_points_to_the_full_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qtgov.site import pages

    monkeypatch.setattr(pages, "VALIDATION_ROWS_PER_RULE", 1)
    demo = Path(__file__).resolve().parents[1] / "examples" / "demo-alliance"
    docs = tmp_path / "docs"
    build(
        BuildOptions(
            demo, out=tmp_path / "out", audience="alliance", languages=("en",), history=False, jobs=0, docs_dir=docs
        )
    )
    page = next(docs.rglob("validation.md")).read_text(encoding="utf-8")
    full = json.loads(next((tmp_path / "out").rglob("api/findings.json")).read_text(encoding="utf-8"))
    n = sum(f["rule"] == "overlap" for f in full["findings"])
    assert n >= 3  # one per contested box
    # The heading counts them all, the table shows one and points to the full list.
    assert "overlap — " in page and f"({n})</h2>" in page
    assert f"{n - 1} more are not listed here; every finding is in [findings.json](" in page


def test_market_map_stays_readable_at_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qtgov.site import pages

    monkeypatch.setattr(pages, "MAP_PAIRS_PER_CELL", 1)
    monkeypatch.setattr(pages, "MAP_ROWS", 2)
    demo = Path(__file__).resolve().parents[1] / "examples" / "demo-alliance"
    docs = tmp_path / "docs"
    build(
        BuildOptions(
            demo, out=tmp_path / "out", audience="alliance", languages=("en",), history=False, jobs=0, docs_dir=docs
        )
    )
    page = next(docs.rglob("market-map.md")).read_text(encoding="utf-8")
    # Cells with two pairs (e.g. Zhejiang × edu/course/specialised) show one and count the other.
    assert "<br>&#43;1 more |" in page  # "+1 more", escaped like all text
    full = json.loads(next((tmp_path / "out").rglob("api/overlaps.json")).read_text(encoding="utf-8"))
    pieces = sum(len(e["pieces"]) for e in full["overlaps"])
    assert f"{pieces - 2} more pieces are not listed here" in page
