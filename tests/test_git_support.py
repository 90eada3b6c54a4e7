"""Real git repositories for the git-native tests, with pinned authors, dates and HOME, plus
tests of the one git module itself (log parsing, first-parent attribution, blob reads).

`Story` plays an alliance's history: people commit as themselves on branches, and the
secretariat merges pull requests into main with merge commits.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import DEFAULT_FILES, run_qtgov

from qtgov.gitgov.git import GitRepo

PEOPLE = {
    "hub": ("Hu Bo", "hu@hub.example.org"),
    "ann": ("Ann Acme", "ann@acme.example.org"),
    "bob": ("Bob Beta", "bob@beta.example.org"),
    "gus": ("Gus Gamma", "gus@gamma.example.org"),
    "mal": ("Mallory", "mal@evil.example.org"),
    "lee": ("Lee Counsel", "lee@law.example.org"),
}

ALLIANCE = """\
id: test-alliance
name: Test alliance
hub: hub
languages: [en]
schemes:
  sector: sectors
  segment: segments
legal:
  strict: false
  counsel:
    - id: lee
      name: Lee Counsel
      github: lee-law
      commit_emails: [lee@law.example.org]
      signing_keys: []
approvals:
  quorum:
    members: 1
publish:
  repository: private
  audience: public
"""

HUB = (
    DEFAULT_FILES["members/hub.yaml"]
    + """\
representatives:
  - id: hub-hu
    name: Hu Bo
    commit_emails: [hu@hub.example.org]
    github: hu-hub
    can_sign: true
    since: 2024-01-01
"""
)


def ssh_key(directory: Path, name: str) -> tuple[Path, str]:
    """A throwaway ed25519 key pair: (private key path, public key line)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True)
    return path, path.with_suffix(".pub").read_text("utf-8").strip()


def member(ident: str, rep: str, person: str, *, status: str = "active", extra: str = "") -> str:
    name, email = PEOPLE[person]
    joined = "joined: 2024-06-01\n" if status == "active" else ""
    return f"""\
# {ident}: a test member
id: {ident}
kind: member
name: {ident.title()}
status: {status}
{joined}visibility: public
representatives:
  - id: {rep}
    name: {name}
    commit_emails: [{email}]
    github: {person}-gh
    can_sign: true
    since: 2024-01-01
{extra}"""


AGREEMENT = """\
# A shared arrangement between acme and beta.
id: share-gpu
type: market-boundary
title: Shared GPU market
version: 1
status: proposed
parties:
  - member: acme
  - member: beta
effective: on-execution
governing_law: CN
visibility: alliance
terms:
  allocations:
    - scope:
        sector: [cloud/compute]
        region: [CN-SH]
      holder: shared
"""


class Story:
    """A git repository whose commits are made by named people on pinned dates."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        root.mkdir(parents=True, exist_ok=True)
        self.day = 0
        self.git("-c", "init.defaultBranch=main", "init", "-q")

    def env(self, person: str = "hub", date: str | None = None) -> dict[str, str]:
        name, email = PEOPLE[person]
        when = date or f"2025-01-{self.day + 1:02d}T10:00:00+00:00"
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "HOME": str(self.home),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": when,
        }

    def git(self, *args: str, person: str = "hub", date: str | None = None) -> str:
        result = subprocess.run(
            ["git", *args], cwd=self.root, env=self.env(person, date), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
        return result.stdout.strip()

    def write(self, files: Mapping[str, str | None]) -> None:
        for rel, text in files.items():
            path = self.root / rel
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def commit(
        self,
        message: str,
        person: str = "hub",
        files: Mapping[str, str | None] | None = None,
        *,
        key: Path | None = None,
    ) -> str:
        """Commit everything as `person`; SSH-signed with the private key `key` when given."""
        if files:
            self.write(files)
        self.day += 1
        self.git("add", "-A", person=person)
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingKey={key}"] if key else []
        self.git(*signing, "commit", "-q", "--allow-empty", *(["-S"] if key else []), "-m", message, person=person)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)

    def merge(self, branch: str, person: str = "hub") -> str:
        """Merge a pull request into main with a merge commit, as the secretariat does."""
        self.checkout("main")
        self.day += 1
        self.git("merge", "-q", "--no-ff", branch, "-m", f"Merge {branch}", person=person)
        return self.git("rev-parse", "HEAD")

    def qtgov(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_qtgov(*args, cwd=self.root, env={"HOME": str(self.home), "GIT_CONFIG_NOSYSTEM": "1"})


def founding(tmp_path: Path) -> Story:
    """An alliance with a hub and two active members, acme and beta, on main."""
    story = Story(tmp_path / "alliance", tmp_path / "home")
    files: dict[str, str | None] = dict(DEFAULT_FILES)
    files["charter/alliance.yaml"] = ALLIANCE
    files["members/hub.yaml"] = HUB
    files["members/acme.yaml"] = member("acme", "acme-ann", "ann")
    files["members/beta.yaml"] = member("beta", "beta-bob", "bob")
    story.commit("Found the alliance", files=files)
    return story


# -- the git module itself ---------------------------------------------------------------------


def test_one_pass_log_attributes_branch_commits_to_their_merge(tmp_path: Path) -> None:
    story = founding(tmp_path)
    story.branch("gamma")
    work = story.commit("Gamma applies", person="gus", files={"members/gamma.yaml": member("gamma", "g", "gus")})
    story.checkout("main")
    direct = story.commit("Fix a typo on main", files={"charter/index.md": "# Home\n"})
    merge = story.merge("gamma")

    repo = GitRepo.open(story.root)
    log = repo.read_log()
    assert log.head == merge
    assert log.first_parent[:2] == [merge, direct]
    assert log.merged_by[work] == merge
    assert log.merged_by[direct] == direct
    assert log.commits[work].author_email == "gus@gamma.example.org"
    assert log.commits[merge].is_merge
    # The merge carries what it brought into main: the change against its first parent.
    assert [c.path for c in log.changes[merge]] == ["members/gamma.yaml"]
    (sha, change), *_ = log.by_path()["members/gamma.yaml"]
    assert sha in (merge, work) and change.status == "A"
    blob = repo.read_blobs([change.new_blob or ""])
    assert b"id: gamma" in blob[change.new_blob or ""]


def test_tree_and_diff_list_blobs(tmp_path: Path) -> None:
    story = founding(tmp_path)
    first = story.git("rev-parse", "HEAD")
    story.edit("members/acme.yaml", "name: Acme", "name: Acme Ltd")
    story.write({"agreements/new.yaml": "id: new\n"})
    repo = GitRepo.open(story.root)
    tree = repo.tree(first)
    assert "members/acme.yaml" in tree and tree["members/acme.yaml"][0] == "100644"
    changes = {c.path: c.status for c in repo.diff(first)}  # against the working tree
    assert changes == {"members/acme.yaml": "M", "agreements/new.yaml": "A"}


def test_refs_that_look_like_options_are_refused(tmp_path: Path) -> None:
    story = founding(tmp_path)
    repo = GitRepo.open(story.root)
    from qtgov.errors import GitError

    for bad in ("--output=/tmp/x", "-p", "", "a b"):
        with pytest.raises(GitError):
            repo.resolve(bad)
    with pytest.raises(GitError, match="not a commit"):
        repo.resolve("no-such-branch")
    assert repo.resolve("main") == repo.head()
