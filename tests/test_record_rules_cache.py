"""Per-record rules' findings kept per record file (qtgov/rules/cache.py): after a one-file change
the warm report is byte-identical to a --no-cache one, and the per-record rules ran over the
changed file only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qtgov.rules import all_rules
from qtgov.validate import validate
from tests.conftest import bench_generator, run_qtgov


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("record-rules") / "repo"
    bench_generator().generate(root, members=20, agreements=40, claims_per_member=3, seed=8)
    return root


@pytest.fixture
def alliance(generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(generated, root)
    monkeypatch.setenv("QTGOV_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("QTGOV_NO_CACHE", raising=False)
    return root


def _members_with(root: Path, text: str) -> list[Path]:
    return [p for p in sorted((root / "members").glob("*.yaml")) if text in p.read_text("utf-8")]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _records(root: Path) -> int:
    index = validate(root, use_cache=False).index
    return len(index.members) + len(index.agreements) + len(index.projects) + len(index.retrospectives)


def _report(root: Path, *options: str) -> str:
    proc = run_qtgov("validate", "-C", root, "--format", "json", *options, env={"QTGOV_NO_CACHE": ""})
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def test_the_per_record_rules_are_declared() -> None:
    per_record = {r.id for r in all_rules() if r.per_record}
    assert per_record == {"placeholder", "region-code", "taxonomy-path"}
    assert all(r.check is not None for r in all_rules() if r.per_record)


@pytest.mark.parametrize(
    ("change", "rule"),
    [("region", "region-code"), ("sector", "taxonomy-path"), ("placeholder", "placeholder")],
)
def test_a_one_file_change_reruns_the_per_record_rules_on_that_file_only(
    alliance: Path, change: str, rule: str
) -> None:
    cold = validate(alliance)
    assert cold.per_record_runs == _records(alliance)  # an empty cache: every record
    assert validate(alliance).per_record_runs is None  # a hit of the whole-run cache runs nothing
    member = _members_with(alliance, "region: [CN-")[1]
    if change == "region":
        _edit(member, "region: [CN-", "region: [CN-Q")  # CN-QJS and the like: no such subdivision
    elif change == "sector":
        _edit(member, "sector: [", "sector: [nowhere/")
    else:
        _edit(member, "description: {zh: ", "description: {zh: TODO ")
    warm = validate(alliance)
    assert warm.per_record_runs == 1
    fresh = validate(alliance, use_cache=False)
    assert warm.findings == fresh.findings
    assert any(f.rule == rule and f.path == f"members/{member.name}" for f in warm.findings)


def test_warm_reports_equal_cold_ones_after_changes(alliance: Path) -> None:
    before = _report(alliance)
    first, second = _members_with(alliance, "region: [CN-")[:2]
    _edit(first, "region: [CN-", "region: [CN-Q")
    assert _report(alliance) == _report(alliance, "--no-cache") != before
    second.unlink()  # its cached findings must not outlive it
    _edit(first, "region: [CN-Q", "region: [CN-")
    assert _report(alliance) == _report(alliance, "--no-cache")


def test_a_charter_change_reruns_every_record(alliance: Path) -> None:
    validate(alliance)
    taxonomy = sorted((alliance / "charter" / "taxonomy").glob("*.yaml"))[0]
    taxonomy.write_text(taxonomy.read_text("utf-8") + "# a comment changes the bytes\n", "utf-8")
    warm = validate(alliance)
    assert warm.per_record_runs == _records(alliance)
    assert warm.findings == validate(alliance, use_cache=False).findings
