"""The handbook's git history of projects and retrospectives: the History section of their pages,
their events in the changelog and the Atom feed, each only for the records the edition shows.
Real git repositories and real builds of the alliance of tests/handbook_fixtures.py."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

import pytest
from handbook_fixtures import make_alliance

from qtgov.site.pipeline import BuildOptions, build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _git(repo: Path, *args: str, date: str) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "Ann Acme",
        "GIT_AUTHOR_EMAIL": "ann@acme.example.org",
        "GIT_COMMITTER_NAME": "Ann Acme",
        "GIT_COMMITTER_EMAIL": "ann@acme.example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    os.environ["QTGOV_NO_CACHE"] = "1"
    root = make_alliance(tmp_path_factory.mktemp("history") / "repo")
    _git(root, "init", "-q", "-b", "main", date="2025-03-01T10:00:00+00:00")
    _git(root, "add", "-A", date="2025-03-01T10:00:00+00:00")
    _git(root, "commit", "-q", "-m", "Found the alliance", date="2025-03-01T10:00:00+00:00")
    _edit(root, "projects/public-proj.yaml", "status: in-progress\nvisibility", "status: delivered\nvisibility")
    _edit(root, "projects/projsecretid.yaml", "status: won", "status: in-progress")
    _git(root, "commit", "-q", "-am", "Delivered", date="2025-04-02T09:30:00+00:00")
    _edit(root, "retrospectives/public-retro.yaml", "Leave slack.", "Leave more slack.")
    _edit(root, "retrospectives/secret-retro.yaml", "Leave slack.", "Leave more slack.")
    _git(root, "commit", "-q", "-am", "Say more", date="2025-05-03T08:00:00+00:00")
    return root


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


def _history_rows(page: str) -> list[list[str]]:
    return _rows(page.split('<h2 id="history"', 1)[1].split("<h2", 1)[0])


def _rows(fragment: str) -> list[list[str]]:
    """The body rows of the first table in `fragment`, as the texts a reader sees."""
    body = fragment.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", c))).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in body.split("</tr>")[:-1]
    ]


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def _sha(repo: Path, rev: str) -> str:
    return subprocess.run(
        ["git", "rev-parse", rev], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_project_and_retrospective_pages_show_their_history(repo: Path, public: Path, internal: Path) -> None:
    first, second, third = (_sha(repo, f"HEAD~{n}")[:10] for n in (2, 1, 0))
    rows = _history_rows(_page(public / "en", "projects/public-proj"))
    assert rows[0] == ["2 April 2025", second, "status in-progress → delivered"]
    assert rows[1][:2] == ["1 March 2025", first]
    assert rows[1][2].startswith("project added (subcontract, status in-progress); package build added (assignee Acme")
    zh = _history_rows(_page(public / "zh", "projects/public-proj"))
    assert zh[0] == ["2025年4月2日", second, "状态 进行中 → 已交付"]
    retro = _history_rows(_page(public / "en", "retrospectives/public-retro"))
    assert retro == [
        ["3 May 2025", third, "learned changed"],
        ["1 March 2025", first, "retrospective added (by Hub Technology)"],
    ]
    # The alliance edition shows the author and the alliance-only records' history too.
    secret = _history_rows(_page(internal / "en", "projects/projsecretid"))
    assert secret[0] == ["2 April 2025", second, "Ann Acme", "status won → in-progress"]


def test_changelog_and_feed_carry_only_the_edition_s_records(public: Path, internal: Path) -> None:
    for lang in ("en", "zh"):
        changelog = html.unescape(_page(public / lang, "changelog"))
        feed = (public / lang / "feed.xml").read_text("utf-8")
        for text in (changelog, feed):
            assert "projsecretid" not in text and "secret-retro" not in text and "RETROSECRETMARKER" not in text
    rows = _rows(_page(public / "en", "changelog"))
    assert rows[:2] == [
        ["3 May 2025", "Public retro", "learned changed"],
        ["2 April 2025", "Public project", "status in-progress → delivered"],
    ]
    assert ["1 March 2025", "About an unlisted project", "retrospective added (by Hub Technology)"] in rows
    assert len(rows) == 12  # no event of an alliance-only or restricted record
    internal_rows = _rows(_page(internal / "en", "changelog"))
    assert ["2 April 2025", "PROJECTSECRETMARKER", "status won → in-progress"] in internal_rows
    feed = (public / "en" / "feed.xml").read_text("utf-8")
    titles = re.findall(r"<title>(.*?)</title>", feed)
    assert "Public project: status in-progress → delivered" in titles
    assert "Public retro: learned changed" in titles
    zh_titles = re.findall(r"<title>(.*?)</title>", (public / "zh" / "feed.xml").read_text("utf-8"))
    assert "公开项目：状态 进行中 → 已交付" in zh_titles
    alliance_titles = re.findall(r"<title>(.*?)</title>", (internal / "en" / "feed.xml").read_text("utf-8"))
    assert "PROJECTSECRETMARKER: status won → in-progress" in alliance_titles
    assert "RETROSECRETMARKER: learned changed" in alliance_titles
