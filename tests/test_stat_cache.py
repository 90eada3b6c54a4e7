"""The stat fast path of a warm run (qtgov/records/statcache.py): an unchanged file is not read,
any change that git's index would notice is noticed, and a file changed right after it was
hashed ("racily clean") is hashed again."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from qtgov.records import statcache
from qtgov.records.repo import input_digest
from qtgov.records.statcache import StatIndex
from tests.conftest import run_qtgov


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("QTGOV_CACHE_DIR", str(cache))
    monkeypatch.delenv("QTGOV_NO_CACHE", raising=False)
    return cache


def _digest(root: Path) -> tuple[str, StatIndex]:
    stats = StatIndex.open(root)
    digest = input_digest(root, stats)
    stats.save()
    return digest, stats


def _uncached_digest(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setenv("QTGOV_NO_CACHE", "1")
        stats = StatIndex.open(root)
        digest = input_digest(root, stats)
        assert stats.trusted == 0
        return digest


def test_unchanged_files_are_not_read_again(
    make_repo: Callable[..., Path], cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statcache, "RACY_NS", 0)  # files written a moment ago count as settled
    root = make_repo()
    files = len(list((root / "members").glob("*.yaml"))) + len(list((root / "charter").rglob("*.yaml")))
    first, stats = _digest(root)
    assert (stats.trusted, stats.hashed) == (0, files)
    second, stats = _digest(root)
    assert (stats.trusted, stats.hashed) == (0 + files, 0)
    assert first == second == _uncached_digest(root, monkeypatch)


@pytest.mark.parametrize("change", ["same-size-same-mtime", "chmod", "replace", "symlink", "delete"])
def test_every_change_is_noticed(
    make_repo: Callable[..., Path], cached: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    monkeypatch.setattr(statcache, "RACY_NS", 0)
    root = make_repo()
    before, _ = _digest(root)
    member = sorted((root / "members").glob("*.yaml"))[0]
    st = os.stat(member)
    if change == "same-size-same-mtime":
        # The change a size-and-mtime check misses: ctime still tells.
        text = member.read_bytes()
        member.write_bytes(text.replace(b"name:", b"nome:", 1))
        os.utime(member, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert os.stat(member).st_size == st.st_size and os.stat(member).st_mtime_ns == st.st_mtime_ns
    elif change == "chmod":
        member.chmod(0)
    elif change == "replace":
        copy = member.with_name(".tmp-copy")
        copy.write_bytes(member.read_bytes().replace(b"name:", b"nome:", 1))
        os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
        copy.replace(member)
    elif change == "symlink":
        target = root / "elsewhere.yaml"
        member.replace(target)
        member.symlink_to(target)
    else:
        member.unlink()
    after, stats = _digest(root)
    try:
        assert after == _uncached_digest(root, monkeypatch)
        readable = os.access(member, os.R_OK) and not member.is_symlink()
        if change == "chmod" and readable:  # root reads it anyway: same bytes, read again to know
            assert after == before and stats.hashed == 1
        else:
            assert after != before
            assert stats.hashed == (1 if readable and change != "delete" else 0)
    finally:
        if change == "chmod":
            member.chmod(0o644)


def test_a_file_changed_in_the_same_moment_is_hashed_again(make_repo: Callable[..., Path], cached: Path) -> None:
    root = make_repo()  # just written: within RACY_NS of now
    first, stats = _digest(root)
    assert stats.entries == {}  # nothing recorded: each file could still change unnoticed
    second, stats = _digest(root)
    assert stats.trusted == 0 and stats.hashed > 0
    assert first == second


def test_a_corrupt_index_only_costs_time(
    make_repo: Callable[..., Path], cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statcache, "RACY_NS", 0)
    root = make_repo()
    digest, stats = _digest(root)
    assert stats.path is not None and stats.path.is_file()
    member = sorted(stats.entries)[-1]
    stored = json.loads(stats.path.read_text("utf-8"))
    stored["files"][member][4] = "not hex"
    stats.path.write_text(json.dumps(stored), "utf-8")
    again, stats = _digest(root)
    assert again == digest and stats.hashed == 1
    stats.path.write_text("{", "utf-8")
    again, stats = _digest(root)
    assert again == digest and stats.trusted == 0


def test_a_warm_run_after_a_same_size_change_reports_it(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    cache = {"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(tmp_path / "cache")}
    clean = run_qtgov("validate", "-C", root, env=cache)
    assert clean.returncode == 0, clean.stdout
    member = sorted((root / "members").glob("*.yaml"))[0]
    st = os.stat(member)
    member.write_bytes(member.read_bytes().replace(b"name:", b"nome:", 1))
    os.utime(member, ns=(st.st_atime_ns, st.st_mtime_ns))
    warm = run_qtgov("validate", "-C", root, env=cache)
    cold = run_qtgov("validate", "-C", root, "--no-cache")
    assert warm.returncode == cold.returncode == 1
    assert warm.stdout == cold.stdout
    assert "unknown field 'nome'" in warm.stdout


def test_a_hit_knows_the_alliance_languages_without_loading_the_records(
    make_repo: Callable[..., Path], cached: Path
) -> None:
    from qtgov.validate import validate

    root = make_repo()
    first = validate(root)
    second = validate(root)
    # The report's default language falls back to the alliance's first language (no --lang,
    # no QTGOV_LANG, no zh or en locale): a cached run answers it from the cache.
    assert second.languages == first.index.settings.languages
    assert second._index is None


def test_a_warm_report_without_a_language_setting_is_the_cold_one(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    from tests.conftest import ALLIANCE

    root = make_repo({"charter/alliance.yaml": ALLIANCE.replace("languages: [en]", "languages: [zh, en]")})
    env = {"QTGOV_NO_CACHE": "", "QTGOV_CACHE_DIR": str(tmp_path / "cache"), "QTGOV_LANG": "", "LANG": "C"}
    env.update({"LC_ALL": "", "LC_MESSAGES": ""})
    cold = run_qtgov("validate", "-C", root, env=env)
    warm = run_qtgov("validate", "-C", root, env=env)
    assert warm.stdout == cold.stdout and warm.returncode == cold.returncode == 0
    assert warm.stdout.endswith("\n未发现问题\n")  # in the alliance's first language
    assert run_qtgov("validate", "-C", root, "--no-cache", env=env).stdout == cold.stdout
