"""Importing an agreement that ended before the repository began (issue 9, item 26): in a real
git repository, a terminated agreement arrives as a new file only with `imported: true`, and only
when its last day in force came before the repository's first commit."""

from __future__ import annotations

import json
from pathlib import Path

from test_git_support import AGREEMENT, Story, founding

OLD = (
    AGREEMENT.replace("# A shared arrangement between acme and beta.\n", "# Signed on paper in 2024.\n")
    .replace("id: share-gpu", "id: old-gpu")
    .replace("status: proposed", "status: terminated\nIMPORTED")
    .replace("effective: on-execution", "effective: 2024-01-15")
    + """\
signatures:
  - {member: acme, signatory: acme-ann, date: 2024-01-10, method: wet-ink, content_sha256: HASH}
  - {member: beta, signatory: beta-bob, date: 2024-01-12, method: wet-ink, content_sha256: HASH}
termination: {date: LAST, reason: Both parties left the market}
"""
)


def _add(
    story: Story, *, imported: bool, last: str = "2024-06-30", status: str = "terminated", term_end: str = ""
) -> None:
    text = OLD.replace("IMPORTED\n", "imported: true\n" if imported else "").replace("LAST", last)
    if term_end:
        text = text.replace("governing_law: CN\n", f"term: {{end: {term_end}}}\ngoverning_law: CN\n")
    text = text.replace("status: terminated", f"status: {status}")
    if status != "terminated":
        text = text.replace(f"termination: {{date: {last}, reason: Both parties left the market}}\n", "")
    path = story.root / "agreements/old-gpu.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, "utf-8")
    digest = story.qtgov("hash", "agreements/old-gpu.yaml")
    assert digest.returncode == 0, digest.stderr
    path.write_text(text.replace("HASH", digest.stdout.strip().split()[0]), "utf-8")
    story.commit("Import the 2024 GPU agreement", person="hub")


def _hits(story: Story, *rules: str) -> list[tuple[object, ...]]:
    result = story.qtgov("validate", "--base", "main", "--format", "json", ".")
    assert result.returncode in (0, 1), result.stderr
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] in rules
    ]


def test_a_terminated_agreement_cannot_simply_appear(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("import")
    _add(story, imported=False)
    assert _hits(story, "status-move", "imported") == [
        (
            "agreements/old-gpu.yaml",
            6,
            9,
            "status-move",
            "status (new) → terminated is not allowed; allowed for a new agreement: draft, executed, proposed"
            " (an agreement that ended before this repository began is added with imported: true)",
        )
    ]


def test_an_agreement_that_ended_before_the_repository_is_imported(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("import")
    _add(story, imported=True)
    result = story.qtgov("validate", "--base", "main", "--format", "json", ".")
    findings = json.loads(result.stdout)["findings"]
    assert result.returncode == 0, result.stdout
    assert [f for f in findings if f["rule"] in ("status-move", "imported", "lifecycle", "dates")] == []
    # Paper signatures: git cannot vouch for them, which is said, but does not fail the check.
    assert [(f["line"], f["severity"], f["message"]) for f in findings if f["rule"] == "provenance"] == [
        (
            line,
            "info",
            f"the signature of {who} predates this repository (imported: true): git cannot vouch for it;"
            " the parties' approvals of this pull request stand in",
        )
        for line, who in ((21, "acme-ann for acme"), (22, "beta-bob for beta"))
    ]
    # Validating without a base (the pre-commit hook, a fresh clone) accepts it too.
    plain = story.qtgov("validate", "--format", "json", ".")
    assert [f for f in json.loads(plain.stdout)["findings"] if f["rule"] in ("imported", "lifecycle")] == []


def test_an_agreement_that_ended_after_the_repository_began_is_not_imported(tmp_path: Path) -> None:
    story = founding(tmp_path)
    began = story.git("log", "-1", "--format=%cs")
    story.branch("import")
    # The term ends on its last day, 2025-03-31, before the recorded termination.
    _add(story, imported=True, last="2025-04-30", term_end="2025-03-31")
    assert _hits(story, "status-move", "imported") == [
        (
            "agreements/old-gpu.yaml",
            7,
            11,
            "status-move",
            f"old-gpu is imported as terminated, but its last day in force is 2025-03-31 and this repository"
            f" began on {began}: only an agreement that ended before then can arrive terminated; add it as"
            " executed and terminate it in a later change",
        )
    ]


def test_imported_is_only_for_terminated_agreements(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("import")
    _add(story, imported=True, status="executed")
    assert _hits(story, "status-move", "imported") == [
        (
            "agreements/old-gpu.yaml",
            7,
            11,
            "imported",
            "imported: true is only for an agreement that ended before this repository began, so its status"
            " is terminated (here: executed); remove imported to add it as executed",
        )
    ]
