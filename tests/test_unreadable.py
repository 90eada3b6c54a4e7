"""Issue 9: answers drawn from records that could not be read say so and fail (item 24);
provenance's --allow-unvouched (25); no CODEOWNERS advice from unreadable records, and a
misnamed file gets a `git mv` (27); `qtgov hash` of an unsigned record and help that cites only
what users have (21); the pre-commit hook's limits (22)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner
from conftest import ROOT, run_qtgov, write_repo
from test_git_story import sign
from test_git_support import AGREEMENT, founding
from test_rules_core import DEAL, MEMBERS, signed

from qtgov import disclaimer
from qtgov.cli import main
from qtgov.gitgov.codeowners import render
from qtgov.records.index import Index
from qtgov.rules import all_rules

HEAD = f"{disclaimer.TEXT}\n\n"
BROKEN_AGREEMENT = "id: other\ntype: talent\ntitle: [Training\n"
YAML_ERROR = "did not find expected ',' or ']' (while parsing a flow sequence started at line 3, column 8)"
BROKEN_MEMBER = "id: beta\nkind: [member\n"
MEMBER_ERROR = "did not find expected ',' or ']' (while parsing a flow sequence started at line 2, column 7)"
ADVICE = "fix it first (`qtgov validate` lists every problem)\n"


def unreadable_agreement(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path / "repo", {**MEMBERS, "agreements/deal.yaml": signed(DEAL), "agreements/other.yaml": BROKEN_AGREEMENT}
    )


# ---------------------------------------------------------------- item 24: status, overlaps


def test_status_names_the_agreement_it_could_not_read_and_fails(tmp_path: Path) -> None:
    root = unreadable_agreement(tmp_path)
    result = run_qtgov("status", "--as-of", "2024-06-30", "-C", root)
    assert result.returncode == 1
    assert result.stdout == HEAD + (
        "In force on 2024-06-30: 1 agreement(s)\n"
        "  deal                             talent           from 2024-03-01, with no end date  acme, beta\n"
    )
    assert result.stderr == (
        f"agreements/other.yaml:4:1: error [yaml-syntax] {YAML_ERROR}\n"
        f"qtgov: 1 record file could not be read, so this list may leave out agreements in force; {ADVICE}"
    )
    # JSON readers get the same exit code and the same note.
    as_json = run_qtgov("status", "--as-of", "2024-06-30", "--format", "json", "-C", root)
    assert (as_json.returncode, as_json.stderr) == (1, result.stderr)
    assert [r["id"] for r in json.loads(as_json.stdout)["in_force"]] == ["deal"]


def test_status_due_names_it_too(tmp_path: Path) -> None:
    root = unreadable_agreement(tmp_path)
    result = run_qtgov("status", "--as-of", "2024-06-01", "--due", "60d", "-C", root)
    assert result.returncode == 1
    assert result.stdout == HEAD + "Deadlines from 2024-06-01 to 2024-07-31:\n  none\n"
    assert result.stderr == (
        f"agreements/other.yaml:4:1: error [yaml-syntax] {YAML_ERROR}\n"
        f"qtgov: 1 record file could not be read, so these deadlines may leave some out; {ADVICE}"
    )


def test_status_ignores_member_files_it_does_not_draw_from(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", {**MEMBERS, "members/beta.yaml": BROKEN_MEMBER})
    result = run_qtgov("status", "--as-of", "2024-06-30", "-C", root)
    assert (result.returncode, result.stderr) == (0, "")


def test_overlaps_name_every_unreadable_file_and_fail(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "repo",
        {**MEMBERS, "members/beta.yaml": BROKEN_MEMBER, "members/gamma.yaml": "id: gamma\nkind: member\n"},
    )
    result = run_qtgov("overlaps", "-C", root)
    assert result.returncode == 1
    assert result.stdout.startswith(HEAD)
    gamma = run_qtgov("validate", "--format", "json", "-C", root)
    first = next(f for f in json.loads(gamma.stdout)["findings"] if f["path"] == "members/gamma.yaml")
    assert result.stderr == (
        f"members/beta.yaml:3:1: error [yaml-syntax] {MEMBER_ERROR}\n"
        f"members/gamma.yaml:{first['line']}:{first['column']}: error [schema] {first['message']}\n"
        "qtgov: 2 record files could not be read, so these overlaps may leave out or mislabel some claims; "
        "fix them first (`qtgov validate` lists every problem)\n"
    )
    # Asking about the unreadable member is not "no such member".
    one = run_qtgov("overlaps", "--member", "beta", "-C", root)
    assert (one.returncode, one.stdout) == (1, "")
    assert one.stderr == (
        f"members/beta.yaml:3:1: error [yaml-syntax] {MEMBER_ERROR}\n"
        f"qtgov: 1 record file could not be read, so --member beta cannot be answered; {ADVICE}"
    )
    nobody = run_qtgov("overlaps", "--member", "nobody", "-C", root)
    assert (nobody.returncode, nobody.stderr) == (2, "qtgov: --member 'nobody': no such member\n")


# ---------------------------------------------------------------- items 24 and 25: provenance


def test_provenance_fails_when_unvouched_unless_allowed(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    sign(story, "ann", "acme", "acme-ann", "2025-02-01")
    sign(story, "mal", "beta", "beta-bob", "2025-02-03")  # Mallory commits Bob's signature
    strict = story.qtgov("provenance")
    assert (strict.returncode, strict.stderr) == (1, "")
    assert "NOT vouched" in strict.stdout
    relaxed = story.qtgov("provenance", "--allow-unvouched")
    assert (relaxed.returncode, relaxed.stdout, relaxed.stderr) == (0, strict.stdout, "")
    assert "--allow-unvouched" in story.qtgov("provenance", "--help").stdout

    # A member file that does not read: its people's signatures cannot be judged; the flag does
    # not hide that.
    story.write({"members/beta.yaml": BROKEN_MEMBER})
    broken = story.qtgov("provenance", "--allow-unvouched")
    assert broken.returncode == 1
    assert broken.stderr == (
        f"members/beta.yaml:3:1: error [yaml-syntax] {MEMBER_ERROR}\n"
        f"qtgov: 1 record file could not be read, so this report may leave out signatures and reviews; {ADVICE}"
    )


# ---------------------------------------------------------------- item 27: codeowners


def test_codeowners_gives_no_advice_computed_from_unreadable_records(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", MEMBERS)
    assert run_qtgov("codeowners", "-C", root).returncode == 0
    written = (root / ".github/CODEOWNERS").read_text("utf-8")
    (root / "members/beta.yaml").write_text(BROKEN_MEMBER, encoding="utf-8")

    check = run_qtgov("codeowners", "--check", "-C", root)
    assert (check.returncode, check.stdout) == (1, "")
    assert check.stderr == (
        f"members/beta.yaml:3:1: error [yaml-syntax] {MEMBER_ERROR}\n"
        "qtgov: 1 record file could not be read, so qtgov cannot tell whether .github/CODEOWNERS is up to "
        f"date; {ADVICE}"
    )
    assert "run qtgov codeowners" not in check.stderr

    rewrite = run_qtgov("codeowners", "-C", root)
    assert (rewrite.returncode, rewrite.stdout) == (1, "")
    assert rewrite.stderr.splitlines()[-1].startswith(
        "qtgov: 1 record file could not be read, so .github/CODEOWNERS was not written (it would leave out owners)"
    )
    assert (root / ".github/CODEOWNERS").read_text("utf-8") == written

    report = json.loads(run_qtgov("validate", "--format", "json", "-C", root).stdout)
    assert [f["rule"] for f in report["findings"] if f["path"] == ".github/CODEOWNERS"] == []


def test_a_misnamed_file_gets_a_git_mv(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "repo",
        {**MEMBERS, "members/acme.yaml": MEMBERS["members/acme.yaml"].replace("id: acme\n", "id: acme-ltd\n")},
    )
    report = json.loads(run_qtgov("validate", "--format", "json", "-C", root).stdout)
    assert [
        (f["path"], f["line"], f["column"], f["message"]) for f in report["findings"] if f["rule"] == "record-id"
    ] == [
        (
            "members/acme.yaml",
            1,
            5,
            "id 'acme-ltd' differs from the file name; use 'acme', or rename the file: "
            "git mv members/acme.yaml members/acme-ltd.yaml",
        )
    ]


# ---------------------------------------------------------------- item 21: hash, help texts


def test_hash_of_a_member_record_is_refused_with_what_to_use(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "repo", MEMBERS)
    result = run_qtgov("hash", "members/acme.yaml", cwd=root)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "qtgov: members/acme.yaml is a member record, which nobody signs, so it has no content_sha256 to "
        "pin; signatures pin an agreement's (agreements/*.yaml). To name this version of it, use its git "
        "commit: git log -1 --format=%H -- members/acme.yaml\n"
    )
    settings = run_qtgov("hash", "charter/alliance.yaml", cwd=root)
    assert settings.returncode == 2
    assert settings.stderr.startswith("qtgov: charter/alliance.yaml is the alliance's settings, which nobody signs")
    taxonomy = run_qtgov("hash", "charter/taxonomy/sectors.yaml", cwd=root)
    assert taxonomy.returncode == 2
    assert taxonomy.stderr.startswith("qtgov: charter/taxonomy/sectors.yaml is a taxonomy, which nobody signs")
    write_repo(root, {"agreements/deal.yaml": DEAL})
    agreement = run_qtgov("hash", "agreements/deal.yaml", cwd=root)
    assert (agreement.returncode, agreement.stderr) == (0, "")
    assert re.fullmatch(r"[0-9a-f]{64}\n", agreement.stdout)


def _commands(group: object = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found += _commands(command, (*prefix, name))
    return found


def test_help_cites_only_what_users_have() -> None:
    # Users have the handbook and `qtgov rules`, not the developers' design notes.
    for path in _commands():
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert not re.search(r"SPEC|docs/design|§", result.output), (path, result.output)
    # A rule's docstring is its handbook page; `§` is fine there (statutes), a design note is not.
    assert [r.id for r in all_rules() if re.search(r"SPEC|docs/design", r.doc)] == []
    assert "docs/design" not in render(Index(root=ROOT))


# ---------------------------------------------------------------- item 22: the pre-commit hook


def test_the_hook_says_what_only_ci_checks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    description = " ".join(hooks["qtgov-validate"]["description"].split())
    assert "lifecycle" in description and "only in CI" in description
    assert "qtgov validate --base origin/main" in description
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = readme[readme.index("## CI") :]
    ci = ci[: ci.index("\n## ", 4)]
    assert "**pre-commit.**" in ci
    assert "\nqtgov validate --base origin/main\n" in ci


def test_what_the_hook_runs_misses_a_lifecycle_move_that_ci_catches(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    story.edit("agreements/share-gpu.yaml", "status: proposed", "status: rejected")
    story.commit("Reject share-gpu")
    story.branch("revive")
    story.edit("agreements/share-gpu.yaml", "status: rejected", "status: proposed")  # rejected is final
    story.commit("Revive share-gpu", person="ann")
    hook = story.qtgov("validate")  # what the hook runs: no base revision
    assert hook.returncode == 0, hook.stdout
    ci = story.qtgov("validate", "--base", "main", "--format", "json")
    assert ci.returncode == 1
    errors = [(f["path"], f["rule"]) for f in json.loads(ci.stdout)["findings"] if f["severity"] == "error"]
    assert errors == [("agreements/share-gpu.yaml", "status-move")]
