"""A corpus of broken mini repositories, one per bad-input class of docs/design/bad-input.md.

Each `tests/corpus/<case>/` holds the files that differ from the default repository of conftest
and a `case.json`: the expected (path, line, column, rule) of every finding, and for inputs that
cannot sensibly be committed (50,000 levels of nesting, an oversized file, a symlink, a FIFO) the
name of a generator below. Every case runs `qtgov validate --format json` in a subprocess, so a
segfault shows as a negative return code and a hang as a timeout instead of killing pytest.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CORE_RULES, finding_tuples, run_qtgov, write_repo

from qtgov.records.yamlload import MAX_BYTES

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())
MARKER = "secret-marker-5c1d9e"

# docs/design/bad-input.md's classes, each with at least one case (a new class needs a case here too).
REQUIRED = {
    "yaml-syntax",
    "depth-65",
    "nesting-50000",
    "anchor",
    "alias",
    "merge-key",
    "tag",
    "two-documents",
    "duplicate-key",
    "non-string-key",
    "non-utf8",
    "nul",
    "control-character",
    "bidi-override",
    "oversized",
    "symlink",
    "fifo",
    "file-name-upper-case",
    "file-name-space",
    "file-name-yml",
    "reserved-id-shared",
    "id-not-file-stem",
    "empty-file",
    "two-broken-one-good",
    # Plain scalars other YAML tools type differently.
    "ambiguous-scalar",
    "ambiguous-sexagesimal",
    "ambiguous-boolean",
    # Forbidden characters written as escapes, and URLs that are not printable ASCII.
    "escaped-control",
    "escaped-bidi",
    "escaped-nul",
    "escaped-key",
    "url-look-alike",
    "hidden-file",
    # Full-width punctuation where YAML needs ASCII, on a line that does not parse and on one that does.
    "full-width-colon",
    "full-width-colon-value",
    "full-width-comma",
    "full-width-dash",
    "full-width-space",
    "full-width-brackets",
    "curly-quoted-key",
}


def _nesting_50000(repo: Path, outside: Path) -> None:
    text = "[" * 50_000 + "]" * 50_000 + "\n"
    assert len(text.encode()) == 100_001
    (repo / "members" / "acme.yaml").write_text(text)


def _oversized(repo: Path, outside: Path) -> None:
    line = "x-filler: " + "a" * 100 + "\n"
    body = "id: acme\nkind: member\nname: Acme\nstatus: active\njoined: 2025-01-01\nvisibility: public\n"
    body += line * (MAX_BYTES // len(line) + 1)
    assert len(body.encode()) > MAX_BYTES
    (repo / "members" / "acme.yaml").write_text(body)


def _symlink(repo: Path, outside: Path) -> None:
    target = outside / "acme.yaml"
    target.write_text(f"{MARKER}: 1\nid: {MARKER}\n")
    (repo / "members" / "acme.yaml").symlink_to(target)


def _symlinked_directory(repo: Path, outside: Path) -> None:
    target = outside / "agreements"
    target.mkdir()
    (target / "deal.yaml").write_text(f"{MARKER}: 1\nid: {MARKER}\n")
    (repo / "agreements").symlink_to(target, target_is_directory=True)


def _fifo(repo: Path, outside: Path) -> None:
    os.mkfifo(repo / "members" / "acme.yaml")


GENERATORS: dict[str, Callable[[Path, Path], None]] = {
    "nesting-50000": _nesting_50000,
    "oversized": _oversized,
    "symlink": _symlink,
    "symlinked-directory": _symlinked_directory,
    "fifo": _fifo,
}


def build_case(name: str, tmp_path: Path) -> tuple[Path, list[tuple[str, int, int, str]]]:
    """Copy the default repository and the case's files into tmp_path; return (root, expected)."""
    source = CORPUS / name
    meta = json.loads((source / "case.json").read_text("utf-8"))
    repo = write_repo(tmp_path / "repo", {})
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and rel.name not in ("case.json", ".gitattributes"):
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, repo / rel)
    (repo / "members").mkdir(exist_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    if "generate" in meta:
        GENERATORS[meta["generate"]](repo, outside)
    return repo, [tuple(f) for f in meta["expected"]]  # type: ignore[misc]


def test_every_class_has_a_case() -> None:
    assert set(CASES) >= REQUIRED


def test_committed_bytes_are_intact() -> None:
    # A tool that "fixes" encodings or strips control characters would silently empty the corpus.
    assert b"\x00" in (CORPUS / "nul/members/acme.yaml").read_bytes()
    assert "\u202e".encode() in (CORPUS / "bidi-override/members/acme.yaml").read_bytes()
    assert b"Caf\xe9\n" in (CORPUS / "non-utf8/members/acme.yaml").read_bytes()
    assert b"\x1b[2J" in (CORPUS / "control-character/members/acme.yaml").read_bytes()


@pytest.mark.parametrize("name", CASES)
def test_case(name: str, tmp_path: Path) -> None:
    repo, expected = build_case(name, tmp_path)
    result = run_qtgov("validate", "--format", "json", "-C", repo, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr == ""
    assert finding_tuples(result.stdout, CORE_RULES) == expected
    assert json.loads(result.stdout)["status"] == "fail"
    assert MARKER not in result.stdout


def test_fifo_does_not_hang_text_format(tmp_path: Path) -> None:
    repo, _ = build_case("fifo", tmp_path)
    result = run_qtgov("validate", "-C", repo, timeout=60)
    assert result.returncode == 1
    assert "members/acme.yaml:1:1: error [file-type] not a regular file\n" in result.stdout


def test_deep_file_is_refused_quickly_and_without_crashing(tmp_path: Path) -> None:
    # The same 50,000 levels as block sequences ("- - - …"), 100 KB on one line.
    repo = write_repo(tmp_path / "repo", {"members/acme.yaml": "- " * 50_000 + "x\n"})
    result = run_qtgov("validate", "--format", "json", "-C", repo, timeout=60)
    assert result.returncode == 1, result.stderr
    assert finding_tuples(result.stdout, CORE_RULES) == [("members/acme.yaml", 1, 129, "yaml-depth")]


def test_hash_of_a_symlink_does_not_follow_it(tmp_path: Path) -> None:
    target = tmp_path / "outside.yaml"
    target.write_text(f"id: {MARKER}\n")
    (tmp_path / "agreement.yaml").symlink_to(target)
    result = run_qtgov("hash", tmp_path / "agreement.yaml")
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{tmp_path / 'agreement.yaml'}:1:1: error [file-type]" in result.stderr
    assert MARKER not in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_unprintable_file_names_are_reported_safely(tmp_path: Path, fmt: str) -> None:
    repo = write_repo(tmp_path / "repo", {})
    members = os.fsencode(repo / "members")
    for name in (b"\xff.yaml", b"a\nb.yaml", "\u202eevil.yaml".encode()):
        with open(os.path.join(members, name), "wb") as fh:
            fh.write(b"id: x\n")
    result = run_qtgov("validate", "--format", fmt, "-C", repo)
    assert (result.returncode, result.stderr) == (1, "")
    if fmt == "json":
        assert finding_tuples(result.stdout, CORE_RULES) == [
            ("members/\\u202eevil.yaml", 1, 1, "file-name"),
            ("members/\\xff.yaml", 1, 1, "file-name"),
            ("members/a\\x0ab.yaml", 1, 1, "file-name"),
        ]
    # No report line can be forged by a file name, and nothing undecodable reaches the output.
    assert "\nb.yaml" not in result.stdout
    assert "\u202e" not in result.stdout


def test_symlinked_charter_page_is_not_followed(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", {"charter/index.md": "# Home\n"})
    (tmp_path / "secret.md").write_text(f"# {MARKER}\n")
    (repo / "charter" / "leak.md").symlink_to(tmp_path / "secret.md")
    result = run_qtgov("validate", "--format", "json", "-C", repo)
    assert result.returncode == 1
    assert finding_tuples(result.stdout, CORE_RULES) == [("charter/leak.md", 1, 1, "file-type")]
    assert MARKER not in result.stdout

    from qtgov.records.repo import load_repository

    assert load_repository(repo, use_cache=False).index.charter_pages == ["index.md"]


def test_record_directory_that_is_a_file(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", {"agreements": "not a directory\n"})
    result = run_qtgov("validate", "--format", "json", "-C", repo)
    assert result.returncode == 1
    assert finding_tuples(result.stdout, CORE_RULES) == [("agreements", 1, 1, "file-type")]
