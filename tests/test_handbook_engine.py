"""`qtgov build --engine` (docs/design/handbook.md, Engines): MkDocs by default; Zensical, an
optional extra, builds the same pages from the same configuration, or is refused with the command
that installs it."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from qtgov.site.mkdocs_run import zensical_available
from qtgov.site.svglink import page_href, svg_link
from tests.conftest import run_qtgov
from tests.handbook_fixtures import make_alliance

EPOCH = {"SOURCE_DATE_EPOCH": "1781524800", "GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": ""}


def files(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*")
        if p.is_file() and "assets" not in p.parts and "search" not in p.name and p.suffix != ".gz"
    )


# A link or resource address in a page: `href`, `xlink:href` (the drawings) or `src`.
ADDRESS = re.compile(r'<(a|link|img|script)\b[^>]*?\s((?:xlink:)?href|src)="([^"]*)"')


def broken_links(site: Path) -> list[tuple[str, str]]:
    """(page, address) for every relative address in the site's pages that names no file. (Not
    404.html: without a site URL, both engines root its addresses at the server's `/`, since it is
    shown for any path.)"""
    broken = []
    for page in sorted(p for p in site.rglob("*.html") if p.name != "404.html"):
        name = page.relative_to(site).as_posix()
        for match in ADDRESS.finditer(page.read_text("utf-8")):
            address = html.unescape(match.group(3))
            if not address or address.startswith(("#", "mailto:")) or "://" in address:
                continue
            target = urlsplit(urljoin(f"http://site/{name}", address)).path
            file = site / unquote(target[1:]) / ("index.html" if target.endswith("/") else "")
            if not file.is_file():
                broken.append((name, address))
    return broken


def drawing_links(site: Path) -> list[str]:
    return [
        f"{page.relative_to(site).as_posix()} {href}"
        for page in sorted(site.rglob("*.html"))
        for svg in re.findall(r"<svg .*?</svg>", page.read_text("utf-8"))
        for href in re.findall(r'<a xlink:href="([^"]*)"', svg)
    ]


@pytest.mark.parametrize(
    ("page", "target", "href"),
    [
        ("market-map.md", "members/acme.md", "../members/acme/"),
        ("relations.md", "members/acme.md#history", "../members/acme/#history"),
        ("index.md", "members/acme.md", "members/acme/"),
        ("members/acme.md", "members/beta.md", "../beta/"),
        ("members/acme.md", "index.md", "../../"),
        ("members/index.md", "members/acme.md", "acme/"),
        ("market-map.md", "market-map.md#all", "./#all"),
    ],
)
def test_page_href_is_relative_to_the_pages_url(page: str, target: str, href: str) -> None:
    assert page_href(page, target) == href


def test_svg_link_escapes_its_address_and_attributes() -> None:
    assert svg_link('../members/a"b/', "<rect/>", {"data-qt-cell": "x|<y>"}) == (
        '<a xlink:href="../members/a&quot;b/" data-qt-cell="x|&lt;y&gt;"><rect/></a>'
    )


@pytest.mark.skipif(zensical_available(), reason="Zensical is installed here")
def test_zensical_not_installed_is_a_usage_error(tmp_path: Path) -> None:
    root = make_alliance(tmp_path / "repo")
    result = run_qtgov("build", "-C", root, "--out", tmp_path / "site", "--engine", "zensical", env=EPOCH)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "qtgov: --engine zensical: Zensical is not installed; install it with pip install 'qtgov[zensical]'\n"
    )
    assert not (tmp_path / "site").exists()


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    root = make_alliance(tmp_path / "repo")
    result = run_qtgov("build", "-C", root, "--out", tmp_path / "site", "--engine", "hugo", env=EPOCH)
    assert result.returncode == 2
    assert "Invalid value for '--engine': 'hugo' is not one of 'mkdocs', 'zensical'." in result.stderr
    assert not (tmp_path / "site").exists()


def test_zensical_builds_the_same_pages_with_the_theme_override(tmp_path: Path) -> None:
    if not zensical_available():
        if os.environ.get("CI"):  # scripts/setup --test installs it: in CI this test must run
            pytest.fail("Zensical is not installed (scripts/setup --test installs qtgov[zensical])")
        pytest.skip("Zensical is not installed (pip install 'qtgov[zensical]')")
    root = make_alliance(tmp_path / "repo")
    for engine in ("mkdocs", "zensical"):
        result = run_qtgov("build", "-C", root, "--out", tmp_path / engine, "--engine", engine, env=EPOCH, timeout=300)
        assert result.returncode == 0, result.stderr
    assert files(tmp_path / "zensical") == files(tmp_path / "mkdocs")
    # Every link works under both engines, those of the drawings too (written as xlink:href,
    # which neither engine rewrites), and the drawings link the same pages.
    for engine in ("mkdocs", "zensical"):
        assert broken_links(tmp_path / engine) == [], engine
    drawn = drawing_links(tmp_path / "mkdocs")
    assert "zh/market-map/index.html ../members/acme/" in drawn
    assert "en/relations/index.html ../members/acme/" in drawn
    assert drawing_links(tmp_path / "zensical") == drawn
    home = (tmp_path / "zensical" / "en" / "index.html").read_text("utf-8")
    assert home.count("<title>Test alliance</title>") == 1
    assert '<span class="qt-build-date">Built on 2026-06-15</span>' in home
    assert 'class="qt-disclaimer" lang="en"' in home
    # No configuration file is left beside the pages.
    assert not list(tmp_path.rglob(".qtgov-zensical-*"))


def _engine_children() -> list[str]:
    """The command lines of this process's children that run an engine build."""
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended meanwhile
        if fields[1] == me and "qtgov.site.mkdocs_run" in cmdline:
            found.append(cmdline)
    return found


def test_the_next_language_is_written_while_the_engine_builds_the_previous(tmp_path: Path) -> None:
    from qtgov.site.mkdocs_run import Job, run_jobs
    from qtgov.site.pipeline import BuildOptions, language_job, prepare

    root = make_alliance(tmp_path / "repo")
    site, base, _ = prepare(BuildOptions(root, history=False))
    seen: dict[str, list[str]] = {}

    def jobs() -> Iterator[Job]:
        for lang in site.languages:
            seen[lang] = _engine_children()  # engine builds running when this language is asked for
            yield language_job(site, base, lang, tmp_path / "docs" / lang, tmp_path / "site" / lang)

    results = run_jobs(jobs(), parallel=1, epoch=1781524800)
    assert [(r.lang, r.error) for r in results] == [("zh", None), ("en", None)]
    assert seen["zh"] == []
    # One process at a time, yet en was written while zh's MkDocs ran.
    assert len(seen["en"]) == 1 and "zh.json" in seen["en"][0]
    assert (tmp_path / "site" / "en" / "index.html").is_file()


def test_zensical_builds_each_language_in_a_folder_of_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zensical empties the `.cache` of its configuration's folder on a clean build: the two
    languages, built side by side, each have their own, and a folder of the user's (here the
    parent of the kept Markdown and of the output) keeps its `.cache`."""
    if not zensical_available():
        pytest.skip("Zensical is not installed (pip install 'qtgov[zensical]')")
    from qtgov.site.pipeline import BuildOptions, build

    root = make_alliance(tmp_path / "repo")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "keep.txt").write_text("the user's\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    result = build(BuildOptions(root, out=tmp_path / "site", docs_dir=tmp_path / "docs", engine="zensical"))
    assert result.languages == ("zh", "en")
    assert (tmp_path / ".cache" / "keep.txt").read_text(encoding="utf-8") == "the user's\n"
    for lang in result.languages:
        assert (tmp_path / "site" / lang / "members" / "acme" / "index.html").is_file()
        assert (tmp_path / "docs" / lang / "members" / "acme.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "docs", "repo", "site"]
