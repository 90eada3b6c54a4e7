"""`qtgov build --engine` (docs/design/handbook.md, Engines): MkDocs by default; Zensical, an
optional extra, builds the same pages from the same configuration, or is refused with the command
that installs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from qtgov.site.mkdocs_run import zensical_available
from tests.conftest import run_qtgov
from tests.handbook_fixtures import make_alliance

EPOCH = {"SOURCE_DATE_EPOCH": "1781524800", "GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": ""}


def files(site: Path) -> list[str]:
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*")
        if p.is_file() and "assets" not in p.parts and "search" not in p.name and p.suffix != ".gz"
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


@pytest.mark.skipif(not zensical_available(), reason="Zensical is not installed (pip install 'qtgov[zensical]')")
def test_zensical_builds_the_same_pages_with_the_theme_override(tmp_path: Path) -> None:
    root = make_alliance(tmp_path / "repo")
    for engine in ("mkdocs", "zensical"):
        result = run_qtgov("build", "-C", root, "--out", tmp_path / engine, "--engine", engine, env=EPOCH, timeout=300)
        assert result.returncode == 0, result.stderr
    assert files(tmp_path / "zensical") == files(tmp_path / "mkdocs")
    home = (tmp_path / "zensical" / "en" / "index.html").read_text("utf-8")
    assert home.count("<title>Test alliance</title>") == 1
    assert '<span class="qt-build-date">Built on 2026-06-15</span>' in home
    assert 'class="qt-disclaimer" lang="en"' in home
    # No configuration file is left beside the pages.
    assert not list(tmp_path.rglob(".qtgov-zensical-*"))
