"""`qtgov init`: a new alliance repository that validates and builds, written all or nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, run_qtgov

from qtgov.authoring import scaffold
from qtgov.errors import UsageError

ARGS = (
    "--id", "acme-alliance", "--name", "Acme Alliance", "--hub", "acme", "--hub-name", "Acme 科技",
    "--rep", "ada", "--rep-name", "Ada Lovelace", "--rep-github", "ada-l",
)  # fmt: skip


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under root (directories as None) with its bytes."""
    out: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            out[os.path.relpath(os.path.join(dirpath, d), root)] = None
        for f in filenames:
            path = os.path.join(dirpath, f)
            out[os.path.relpath(path, root)] = Path(path).read_bytes()
    return out


def test_init_validates_with_only_hub_facts(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    result = run_qtgov("init", repo, *ARGS)
    assert result.returncode == 0, result.stderr
    written = {str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()}
    assert written == {
        ".github/workflows/qtgov.yml",
        ".gitignore",
        "agreements/.gitkeep",
        "charter/alliance.yaml",
        "charter/index.en.md",
        "charter/index.md",
        "charter/taxonomy/qt-markets.yaml",
        "charter/taxonomy/qt-segments.yaml",
        "members/acme.yaml",
    }
    assert not (repo / "schemas").exists() and not (repo / "mkdocs.yml").exists()
    for path in repo.rglob("*.yaml"):
        first = path.read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=https://quanttide.github.io/qtgov/schemas/"), path
    assert (repo / ".gitignore").read_text() == "site/\n.site.build-*/\n"

    report = run_qtgov("validate", repo, "--format", "json")
    assert report.returncode == 0, report.stdout + report.stderr
    findings = json.loads(report.stdout)["findings"]
    assert findings and {(f["severity"], f["rule"]) for f in findings} == {("info", "hub-facts")}
    assert [p.name for p in tmp_path.iterdir()] == ["new"]  # no staging directory left behind


def test_init_into_an_existing_directory_keeps_other_files(tmp_path: Path) -> None:
    repo = tmp_path / "existing"
    (repo / ".git").mkdir(parents=True)
    (repo / "README.md").write_text("hello\n")
    (repo / "charter").mkdir()
    (repo / "charter" / "charter.md").write_text("# Charter\n")
    result = run_qtgov("init", repo, *ARGS, "--languages", "en", "--repository", "private")
    assert result.returncode == 0, result.stderr
    assert (repo / "README.md").read_text() == "hello\n"
    assert (repo / "charter" / "charter.md").read_text() == "# Charter\n"
    assert not (repo / "charter" / "index.en.md").exists()
    assert "placeholder" in (repo / "charter" / "index.md").read_text("utf-8")
    alliance = (repo / "charter" / "alliance.yaml").read_text("utf-8")
    assert "languages: [en]" in alliance and "repository: private" in alliance
    assert run_qtgov("validate", repo).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]


@pytest.mark.slow
def test_init_then_build(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    assert run_qtgov("init", repo, *ARGS).returncode == 0
    out = tmp_path / "site"
    result = run_qtgov("build", repo, "--out", out, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "zh" / "index.html").is_file() and (out / "en" / "index.html").is_file()
    assert "Acme Alliance" in (out / "en" / "index.html").read_text("utf-8")


@pytest.mark.parametrize(
    "existing", ["charter/alliance.yaml", "members/acme.yaml", ".gitignore", "agreements/.gitkeep"]
)
def test_refuses_an_existing_file_and_writes_nothing(tmp_path: Path, existing: str) -> None:
    repo = tmp_path / "repo"
    (repo / existing).parent.mkdir(parents=True, exist_ok=True)
    (repo / existing).write_text("mine\n")
    (repo / "notes.txt").write_text("keep\n")
    before = snapshot(repo)
    result = run_qtgov("init", repo, *ARGS)
    assert result.returncode == 2
    assert existing in result.stderr and "nothing written" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(repo) == before
    assert [p.name for p in tmp_path.iterdir()] == ["repo"]


def test_refuses_a_file_where_a_directory_goes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "members").write_text("not a directory\n")
    before = snapshot(repo)
    result = run_qtgov("init", repo, *ARGS)
    assert result.returncode == 2 and "members" in result.stderr
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--id", "Acme"),
        ("--id", "a"),
        ("--id", "-acme"),
        ("--id", "acme_alliance"),
        ("--hub", "shared"),
        ("--hub", "acme hub"),
        ("--hub", "acme\n"),
        ("--name", ""),
        ("--hub-name", "two\nlines"),
        ("--languages", "zh,,en"),
        ("--languages", "zh,zh"),
        ("--languages", "Chinese"),
        ("--languages", "zh,fr"),
        ("--rep", "Ada"),
        ("--rep-name", " "),
        ("--rep-github", "@ada-l"),
        ("--rep-github", "ada_l"),
        ("--rep-email", "not an address"),
        ("--name-en", ""),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path: Path, option: str, value: str) -> None:
    args = dict(zip(ARGS[::2], ARGS[1::2], strict=True))
    args[option] = value
    flat = [x for pair in args.items() for x in pair]
    result = run_qtgov("init", tmp_path / "new", *flat)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("qtgov: ") and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_first_representative_can_sign_and_approve_from_today(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    result = run_qtgov("init", repo, *ARGS)
    assert result.returncode == 0, result.stderr
    assert "the first ones need the approval of ada (GitHub @ada-l)" in result.stdout
    from qtgov.records.yamlload import load_file

    hub = load_file(repo, "members/acme.yaml").document
    assert hub is not None
    assert hub.data["representatives"] == [
        {"id": "ada", "name": "Ada Lovelace", "github": "ada-l", "can_sign": True, "since": dt.date.today().isoformat()}
    ]


def test_a_contact_email_is_written_and_reported_as_personal_data(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    assert run_qtgov("init", repo, *ARGS, "--rep-email", "ada@acme.example").returncode == 0
    report = run_qtgov("validate", repo, "--format", "json")
    findings = json.loads(report.stdout)["findings"]
    found = [(f["path"], f["line"], f["rule"]) for f in findings if f["rule"] != "hub-facts"]
    text = (repo / "members" / "acme.yaml").read_text("utf-8")
    line = text.splitlines().index('    email: "ada@acme.example"') + 1
    assert found == [("members/acme.yaml", line, "personal-data")]


def test_english_names_title_the_english_handbook(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    args = dict(zip(ARGS[::2], ARGS[1::2], strict=True))
    args.update({"--name": "量潮联盟", "--hub-name": "量潮科技"})
    flat = [x for pair in args.items() for x in pair]
    result = run_qtgov("init", repo, *flat, "--name-en", "QuantTide Alliance", "--hub-name-en", "QuantTide")
    assert result.returncode == 0, result.stderr
    alliance = (repo / "charter" / "alliance.yaml").read_text("utf-8")
    hub = (repo / "members" / "acme.yaml").read_text("utf-8")
    assert "name: {zh: 量潮联盟, en: QuantTide Alliance}\n" in alliance
    assert "name: {zh: 量潮科技, en: QuantTide}\n" in hub
    assert run_qtgov("validate", repo).returncode == 0


def test_an_english_name_needs_another_default_language(tmp_path: Path) -> None:
    result = run_qtgov("init", tmp_path / "new", *ARGS, "--languages", "en", "--name-en", "Acme")
    assert result.returncode == 2 and "default language is already en" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_names_that_need_quoting_round_trip(tmp_path: Path) -> None:
    repo = tmp_path / "new"
    name = 'yes: "Acme" # alliance'
    result = run_qtgov("init", repo, *ARGS[:2], "--name", name, "--hub", "10x", "--hub-name", "No", *ARGS[8:])
    assert result.returncode == 0, result.stderr
    from qtgov.records.yamlload import load_file

    alliance = load_file(repo, "charter/alliance.yaml").document
    member = load_file(repo, "members/10x.yaml").document
    assert alliance is not None and member is not None
    assert alliance.data["name"] == name and alliance.data["hub"] == "10x"
    assert member.data["id"] == "10x" and member.data["name"] == "No"
    assert run_qtgov("validate", repo).returncode == 0


def test_a_failed_move_takes_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("hello\n")
    before = snapshot(repo)
    real_rename = os.rename
    calls = []

    def flaky(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(dst)
        if len(calls) == 4:
            raise OSError("disk full")
        real_rename(src, dst)

    monkeypatch.setattr(scaffold.os, "rename", flaky)
    options = scaffold.InitOptions(repo, "acme-alliance", "Acme Alliance", "acme", "Acme", "ada", "Ada", "ada-l")
    with pytest.raises(OSError, match="disk full"):
        scaffold.init(options)
    assert len(calls) == 4
    assert snapshot(repo) == before
    assert [p.name for p in tmp_path.iterdir()] == ["repo"]


def test_library_refuses_before_writing(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        options = scaffold.InitOptions(tmp_path / "x", "acme-alliance", "Acme", "shared", "Acme", "ada", "Ada", "a")
        scaffold.init(options)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("shipped", "source"),
    [
        ("qt-markets.yaml", "charter/taxonomy/qt-markets.yaml"),
        ("qt-segments.yaml", "charter/taxonomy/qt-segments.yaml"),
        ("governance.yml", "examples/ci/github/governance.yml"),
    ],
)
def test_shipped_copies_equal_the_repository(shipped: str, source: str) -> None:
    assert (scaffold.DATA_DIR / shipped).read_bytes() == (ROOT / source).read_bytes(), (
        f"qtgov/scaffold_data/{shipped} drifted from {source}: copy it again"
    )


def test_shipped_taxonomies_are_the_repository_taxonomies() -> None:
    shipped = {name for _, name in scaffold.TAXONOMIES}
    assert shipped == {p.name for p in (ROOT / "charter" / "taxonomy").glob("*.yaml")}


def test_the_next_step_names_the_directory_only_when_it_is_elsewhere(tmp_path: Path) -> None:
    args = ("--id", "demo", "--name", "Demo", "--hub", "hub", "--hub-name", "Hub Co",
            "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh")  # fmt: skip
    (tmp_path / "here").mkdir()
    here = run_qtgov("init", ".", *args, cwd=tmp_path / "here")
    assert "Next: git init && qtgov validate (the hub's missing facts are info findings).\n" in here.stdout
    there = run_qtgov("init", "my alliance", *args, cwd=tmp_path)
    assert "Next: cd 'my alliance' && git init && qtgov validate" in there.stdout
