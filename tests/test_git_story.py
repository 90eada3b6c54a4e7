"""The alliance's story in a real git repository: a member joins, two members propose an
agreement, each representative signs in a commit of their own, it is executed — and the things
that must be caught are: an edit of the signed terms, a signature committed by someone else, the
deletion of an executed agreement, an approval of one's own addition.
"""

from __future__ import annotations

import json
from pathlib import Path

from test_git_support import AGREEMENT, Story, founding, member

from qtgov.gitgov.gitcheck import validate_against_base


def findings(story: Story, base: str, *extra: str) -> list[dict[str, object]]:
    result = story.qtgov("validate", "--base", base, "--format", "json", *extra, ".")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def rule_hits(items: list[dict[str, object]], rule: str) -> list[tuple[object, ...]]:
    return [(f["path"], f["line"], f["column"], f["severity"], f["new"]) for f in items if f["rule"] == rule]


def sign(story: Story, person: str, member_id: str, rep: str, day: str) -> str:
    result = story.qtgov("sign", "share-gpu", "--member", member_id, "--as", rep, "--date", day)
    assert result.returncode == 0, result.stderr
    return story.commit(f"{member_id} signs share-gpu", person=person)


def executed_story(tmp_path: Path) -> Story:
    """acme and beta propose share-gpu; Ann and Bob each sign in a commit of their own; the hub
    records the execution; the pull request is merged."""
    story = founding(tmp_path)
    story.branch("share-gpu")
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    sign(story, "ann", "acme", "acme-ann", "2025-02-01")
    sign(story, "bob", "beta", "beta-bob", "2025-02-03")
    story.edit("agreements/share-gpu.yaml", "status: proposed", "status: executed")
    story.commit("Execute share-gpu", person="hub")
    story.merge("share-gpu")
    return story


def test_the_signing_story_is_clean_and_vouched_for(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("share-gpu")
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    sign(story, "ann", "acme", "acme-ann", "2025-02-01")
    sign(story, "bob", "beta", "beta-bob", "2025-02-03")
    story.edit("agreements/share-gpu.yaml", "status: proposed", "status: executed")
    story.commit("Execute share-gpu", person="hub")

    result = story.qtgov("validate", "--base", "main", "--format", "json", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    history_rules = {"status-move", "signed-content-edited", "executed-deleted", "amendment-in-place", "provenance"}
    assert [f for f in report["findings"] if f["rule"] in history_rules] == []
    # Comments and layout survive signing: the file's first line is still the comment.
    text = (story.root / "agreements/share-gpu.yaml").read_text("utf-8")
    assert text.startswith("# A shared arrangement between acme and beta.\nid: share-gpu\n")
    assert text.count("content_sha256:") == 2

    base = validate_against_base(story.root, "main", use_cache=False)
    vouched = {(p.member, p.person): (p.vouched, p.new) for p in base.provenance}
    assert vouched == {("acme", "acme-ann"): (True, True), ("beta", "beta-bob"): (True, True)}


def test_editing_executed_terms_is_caught(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    story.branch("sneaky")
    story.edit("agreements/share-gpu.yaml", "region: [CN-SH]", "region: [CN]")
    story.commit("Widen the region", person="ann")
    items = findings(story, "main")
    assert rule_hits(items, "signed-content-edited") == [("agreements/share-gpu.yaml", 28, 18, "error", True)]
    message = next(f["message"] for f in items if f["rule"] == "signed-content-edited")
    assert "terms" in message and "amends: share-gpu" in message


def test_amending_in_place_and_status_moves(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    story.branch("amend")
    story.edit("agreements/share-gpu.yaml", "version: 1", "version: 2")
    story.edit("agreements/share-gpu.yaml", "status: executed", "status: proposed")
    story.commit("Amend in place", person="ann")
    items = findings(story, "main")
    assert rule_hits(items, "amendment-in-place") == [("agreements/share-gpu.yaml", 5, 10, "error", True)]
    assert rule_hits(items, "status-move") == [("agreements/share-gpu.yaml", 6, 9, "error", True)]
    assert "executed → proposed" in next(f["message"] for f in items if f["rule"] == "status-move")


def test_an_amendment_as_a_new_file_is_fine(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    story.branch("amend")
    amended = (
        AGREEMENT.replace("id: share-gpu", "id: share-gpu-2")
        .replace("version: 1", "version: 2\namends: share-gpu")
        .replace("[CN-SH]", "[CN-SH, CN-ZJ]")
    )
    story.commit("Amend share-gpu", person="ann", files={"agreements/share-gpu-2.yaml": amended})
    items = findings(story, "main")
    assert [f for f in items if f["rule"] in ("amendment-in-place", "signed-content-edited", "status-move")] == []


def test_a_signature_committed_by_someone_else_is_flagged(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    story.branch("forged")
    sign(story, "ann", "acme", "acme-ann", "2025-02-01")
    sign(story, "mal", "beta", "beta-bob", "2025-02-03")  # Mallory commits Bob's signature
    items = findings(story, "main")
    hits = rule_hits(items, "provenance")
    assert hits == [("agreements/share-gpu.yaml", 17, 16, "error", True)]
    message = next(f["message"] for f in items if f["rule"] == "provenance")
    assert "mal@evil.example.org" in message and "beta-bob" in message
    result = story.qtgov("validate", "--base", "main", ".")
    assert result.returncode == 1

    report = story.qtgov("provenance", "--format", "json", ".")
    assert report.returncode == 1
    rows = {(p["person"], p["vouched"]) for p in json.loads(report.stdout)["provenance"]}
    assert rows == {("acme-ann", True), ("beta-bob", False)}


def test_an_uncommitted_signature_is_a_warning(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    assert (
        story.qtgov("sign", "share-gpu", "--member", "acme", "--as", "acme-ann", "--date", "2025-02-01").returncode == 0
    )
    items = findings(story, "main")
    assert rule_hits(items, "provenance") == [("agreements/share-gpu.yaml", 12, 16, "warning", True)]
    assert "not committed yet" in next(f["message"] for f in items if f["rule"] == "provenance")


def test_deleting_an_executed_agreement_is_caught(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    story.branch("delete")
    story.commit("Remove share-gpu", person="ann", files={"agreements/share-gpu.yaml": None})
    items = findings(story, "main")
    assert rule_hits(items, "executed-deleted") == [("agreements/share-gpu.yaml", 1, 1, "error", True)]


def test_terminating_is_allowed_but_termination_is_not_edited_later(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    story.branch("terminate")
    story.edit(
        "agreements/share-gpu.yaml",
        "status: executed",
        "status: terminated\ntermination:\n  date: 2025-06-30\n  reason: Both parties agree",
    )
    story.commit("Terminate share-gpu", person="ann")
    assert rule_hits(findings(story, "main"), "signed-content-edited") == []
    assert rule_hits(findings(story, "main"), "status-move") == []
    story.merge("terminate")
    story.branch("later")
    story.edit("agreements/share-gpu.yaml", "date: 2025-06-30", "date: 2025-05-31")
    story.commit("Backdate the termination", person="ann")
    hits = rule_hits(findings(story, "main"), "signed-content-edited")
    assert hits == [("agreements/share-gpu.yaml", 7, 1, "error", True)]


def test_existing_findings_do_not_fail_an_unrelated_pull_request(tmp_path: Path) -> None:
    story = founding(tmp_path)
    # main already has a problem: an agreement naming a party that does not exist.
    broken = AGREEMENT.replace("member: beta", "member: nobody")
    story.commit("A broken proposal", person="ann", files={"agreements/share-gpu.yaml": broken})
    story.branch("unrelated")
    story.edit("members/acme.yaml", "name: Acme", "name: Acme Ltd")
    story.commit("Rename acme", person="ann")
    result = story.qtgov("validate", "--base", "main", "--format", "json", ".")
    report = json.loads(result.stdout)
    references = [f for f in report["findings"] if f["rule"] == "reference"]
    assert references and all(f["new"] is False for f in references)
    assert result.returncode == 0, result.stdout
    # The same problem introduced by the change fails it.
    story.commit(
        "Another broken one", person="ann", files={"agreements/other.yaml": broken.replace("share-gpu", "other")}
    )
    result = story.qtgov("validate", "--base", "main", "--format", "json", ".")
    assert result.returncode == 1
    new = [f["path"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "reference" and f["new"]]
    assert new == ["agreements/other.yaml"]


def test_representatives_are_closed_not_deleted(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("drop-ann")
    story.write({"members/acme.yaml": member("acme", "acme-ann", "ann").split("representatives:")[0]})
    story.commit("Drop Ann", person="ann")
    hits = rule_hits(findings(story, "main"), "representative-removed")
    assert hits == [("members/acme.yaml", 1, 1, "error", True)]


def test_history_shows_the_governance_timeline(tmp_path: Path) -> None:
    story = executed_story(tmp_path)
    result = story.qtgov("history", "share-gpu", "--format", "json")
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)["history"]["entries"]
    merge = story.git("rev-parse", "HEAD")
    assert [e["changes"] for e in entries] == [
        ["agreement proposed"],
        ["signature added by acme-ann for acme (2025-02-01)"],
        ["signature added by beta-bob for beta (2025-02-03)"],
        ["status proposed → executed"],
    ]
    assert {e["merge"] for e in entries} == {merge}
    assert {e["date"] for e in entries} == {story.git("log", "-1", "--format=%cI", merge)}
    assert [e["author"] for e in entries] == ["Ann Acme", "Ann Acme", "Bob Beta", "Hu Bo"]
    text = story.qtgov("history", "share-gpu").stdout
    assert "status proposed → executed" in text and "merged in" in text


def test_a_legal_review_is_counsel_s_own_commit(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    digest = story.qtgov("hash", "agreements/share-gpu.yaml").stdout.strip()
    review = (
        "visibility: alliance\nlegal_review:\n  status: approved\n  reviewer: lee\n  date: 2025-02-01\n"
        f"  content_sha256: {digest}\n"
    )
    story.branch("review")
    story.edit("agreements/share-gpu.yaml", "visibility: alliance\n", review)
    story.commit("Counsel approves", person="lee")
    assert rule_hits(findings(story, "main"), "provenance") == []
    story.checkout("main")
    story.branch("self-review")
    story.edit("agreements/share-gpu.yaml", "visibility: alliance\n", review)
    story.commit("A party records an approval itself", person="ann")
    items = findings(story, "main")
    assert rule_hits(items, "provenance") == [("agreements/share-gpu.yaml", 15, 13, "error", True)]
    assert "legal review by lee" in next(f["message"] for f in items if f["rule"] == "provenance")
