"""The handbook's root page, home title and footer (docs/design/output.md): the root page is
titled with the alliance's name in the first language and links each edition in its own language;
the home page's title says the name once; every page's footer gives the build date and the commit
built, linked to the repository's web page when the git remote (or --repo-url) says where."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_qtgov
from tests.handbook_fixtures import make_alliance

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2026-03-01T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-03-01T10:00:00+00:00",
}
# 2026-06-15T12:00:00Z: the build date the footer must show, not the commit's day.
EPOCH = {"SOURCE_DATE_EPOCH": "1781524800", "GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": ""}


def git(root: Path, *args: str) -> str:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root), **GIT_ENV}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def build(root: Path, out: Path, *extra: str) -> None:
    result = run_qtgov("build", "-C", root, "--out", out, *extra, env=EPOCH, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A built handbook of a git repository whose origin is an scp-style GitHub remote."""
    root = make_alliance(tmp_path_factory.mktemp("footer") / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "records")
    git(root, "remote", "add", "origin", "git@github.com:example-org/alliance.git")
    out = root.parent / "site"
    build(root, out)
    return out, git(root, "rev-parse", "HEAD").strip()


def footer(page: Path) -> str:
    match = re.search(r'<div class="md-grid qt-build" data-search-exclude>(.*?)</div>', page.read_text("utf-8"), re.S)
    assert match, f"{page}: no build footer"
    return re.sub(r"\s+", " ", match.group(1)).strip()


def test_root_page_names_the_alliance_and_links_each_edition(committed: tuple[Path, str]) -> None:
    out, _ = committed
    assert (out / "index.html").read_text("utf-8") == (
        '<!doctype html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="0; url=zh/"><link rel="canonical" href="zh/">'
        "<title>测试联盟</title></head><body><h1>测试联盟</h1><p>正在打开手册；如未自动跳转，请选择版本：</p>"
        '<ul><li><a href="zh/" lang="zh" hreflang="zh">中文版</a></li>'
        '<li><a href="en/" lang="en" hreflang="en">English edition</a></li></ul></body></html>\n'
    )


def test_home_title_says_the_name_once(committed: tuple[Path, str]) -> None:
    out, _ = committed
    titles = {
        lang: re.findall(r"<title>([^<]*)</title>", (out / lang / "index.html").read_text("utf-8"))
        for lang in ("zh", "en")
    }
    assert titles == {"zh": ["测试联盟"], "en": ["Test alliance"]}
    members = re.findall(r"<title>([^<]*)</title>", (out / "en" / "members" / "index.html").read_text("utf-8"))
    assert members == ["Members - Test alliance"]


def test_footer_has_build_date_and_linked_commit_on_every_page(committed: tuple[Path, str]) -> None:
    out, sha = committed
    url = f"https://github.com/example-org/alliance/commit/{sha}"
    link = f'<a class="qt-build-commit" href="{url}" rel="nofollow noopener">'
    expected = {
        "zh": f'<span class="qt-build-date">构建于 2026-06-15</span> · {link}提交 {sha[:7]}</a>',
        "en": f'<span class="qt-build-date">Built on 2026-06-15</span> · {link}from commit {sha[:7]}</a>',
    }
    for lang, text in expected.items():
        pages = sorted((out / lang).rglob("*.html"))
        assert len(pages) > 20
        assert {footer(page) for page in pages} == {text}, lang


def test_footer_without_git_says_so(tmp_path: Path) -> None:
    root = make_alliance(tmp_path / "repo")
    build(root, tmp_path / "site", "--lang", "en")
    assert footer(tmp_path / "site" / "en" / "index.html") == (
        '<span class="qt-build-date">Built on 2026-06-15</span> · '
        '<span class="qt-build-commit">not from a git commit</span>'
    )


def test_repo_url_option_links_the_commit(committed: tuple[Path, str], tmp_path: Path) -> None:
    _, sha = committed
    root = Path(committed[0]).parent / "repo"
    build(root, tmp_path / "site", "--lang", "en", "--repo-url", "https://git.example.org/alliance")
    assert f'href="https://git.example.org/alliance/commit/{sha}"' in footer(tmp_path / "site" / "en" / "index.html")


@pytest.mark.parametrize(
    ("remote", "web"),
    [
        ("git@github.com:example-org/alliance.git", "https://github.com/example-org/alliance"),
        ("ssh://git@gitlab.example.com/group/sub/alliance.git", "https://gitlab.example.com/group/sub/alliance"),
        ("https://github.com/example-org/alliance.git", "https://github.com/example-org/alliance"),
        ("https://github.com/example-org/alliance", "https://github.com/example-org/alliance"),
        ("https://user:token@github.com/example-org/alliance.git", None),
        ("/srv/git/alliance.git", None),
        ("file:///srv/git/alliance.git", None),
        (None, None),
    ],
)
def test_web_url_of_a_remote(remote: str | None, web: str | None) -> None:
    from qtgov.site.gitdata import web_url

    assert web_url(remote) == web
