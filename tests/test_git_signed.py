"""Provenance with `--require-signed-commits`: a signature is vouched for only when the commit
that introduced it is SSH-signed with one of the signatory's keys, valid on the commit's date
(qtgov writes the allowed-signers file; git and ssh-keygen verify)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_git_support import AGREEMENT, Story, founding, member, ssh_key

from qtgov import disclaimer
from qtgov.gitgov.provenance import Identity, allowed_signers_text, provenance_report

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")


def keyed_story(tmp_path: Path, ann_until: str | None = None) -> tuple[Story, dict[str, Path]]:
    story = founding(tmp_path)
    keys = {name: ssh_key(tmp_path / "keys", name) for name in ("ann", "bob", "mal")}
    until = f"    until: {ann_until}\n" if ann_until else ""
    acme = member("acme", "acme-ann", "ann").replace(
        "    since: 2024-01-01\n", f"    since: 2024-01-01\n{until}    signing_keys: ['{keys['ann'][1]}']\n"
    )
    beta = member("beta", "beta-bob", "bob").replace(
        "    since: 2024-01-01\n", f"    since: 2024-01-01\n    signing_keys: ['{keys['bob'][1]}']\n"
    )
    story.commit("Register keys", files={"members/acme.yaml": acme, "members/beta.yaml": beta})
    story.commit("Propose share-gpu", person="ann", files={"agreements/share-gpu.yaml": AGREEMENT})
    story.branch("signing")
    return story, {name: path for name, (path, _) in keys.items()}


def signs(story: Story, person: str, member_id: str, rep: str, key: Path | None, day: str = "2025-01-02") -> None:
    assert story.qtgov("sign", "share-gpu", "-m", member_id, "--as", rep, "--date", day).returncode == 0
    story.commit(f"{member_id} signs", person=person, key=key)


def test_signed_commits_are_vouched_for_and_unsigned_ones_are_not(tmp_path: Path) -> None:
    story, keys = keyed_story(tmp_path)
    signs(story, "ann", "acme", "acme-ann", keys["ann"])
    signs(story, "bob", "beta", "beta-bob", None)
    report = {p.person: p for p in provenance_report(story.root, require_signed=True)}
    assert (report["acme-ann"].vouched, report["acme-ann"].signature) == (True, "G")
    assert (report["beta-bob"].vouched, report["beta-bob"].signature) == (False, "N")
    assert "not signed" in report["beta-bob"].reason
    # Without the requirement, Bob's own commit email vouches for his signature.
    assert all(p.vouched for p in provenance_report(story.root))

    result = story.qtgov("validate", "--base", "main", "--require-signed-commits", "--format", "json", ".")
    assert result.returncode == 1
    hits = [(f["line"], f["severity"]) for f in json.loads(result.stdout)["findings"] if f["rule"] == "provenance"]
    assert hits == [(17, "error")]


def test_a_key_of_someone_else_is_not_vouched_for(tmp_path: Path) -> None:
    story, keys = keyed_story(tmp_path)
    signs(story, "bob", "beta", "beta-bob", keys["ann"])  # Bob's signature in a commit signed with Ann's key
    (p,) = provenance_report(story.root, require_signed=True)
    assert (p.vouched, p.signature) == (False, "G")
    assert "member/acme/acme-ann" in p.reason


def test_a_key_outside_its_window_is_not_vouched_for(tmp_path: Path) -> None:
    story, keys = keyed_story(tmp_path, ann_until="2025-01-03")  # the signing commit is dated 2025-01-04
    signs(story, "ann", "acme", "acme-ann", keys["ann"])
    (p,) = provenance_report(story.root, require_signed=True)
    assert (p.vouched, p.signature) == (False, "U")


def test_allowed_signers_file(tmp_path: Path) -> None:
    import datetime as dt

    ident = Identity("member/acme/acme-ann", "acme-ann", "acme", keys={"ssh-ed25519 AAAAC3Nz"})
    ident.since, ident.until = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    assert allowed_signers_text([ident]) == (
        'member/acme/acme-ann namespaces="git",valid-after="20240101Z",valid-before="20250101Z" ssh-ed25519 AAAAC3Nz\n'
    )
    story, keys = keyed_story(tmp_path)
    out = tmp_path / "signers"
    signs(story, "ann", "acme", "acme-ann", keys["ann"])
    result = story.qtgov("provenance", "--require-signed-commits", "--allowed-signers", str(out), ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 1 vouched for by git" in result.stdout
    assert result.stdout.startswith(disclaimer.TEXT + "\n\n")
    assert out.read_text("utf-8").startswith(
        'member/acme/acme-ann namespaces="git",valid-after="20240101Z" ssh-ed25519 '
    )
