"""The authoring commands through the real CLI, on a git repository made by `qtgov init`
(docs/design/authoring.md): what each writes validates, what each prints is the exact next git
step, refusals leave nothing behind, and `qtgov review` of the branch says what a reviewer needs."""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, qtgov_env, read_only, run_qtgov, unshare_works

TODAY = dt.date.today().isoformat()
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ann",
    "GIT_AUTHOR_EMAIL": "ann@hub.example",
    "GIT_COMMITTER_NAME": "Ann",
    "GIT_COMMITTER_EMAIL": "ann@hub.example",
    "GIT_AUTHOR_DATE": f"{TODAY}T10:00:00+08:00",
    "GIT_COMMITTER_DATE": f"{TODAY}T10:00:00+08:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args], env=qtgov_env(GIT_ENV), capture_output=True, text=True, check=True
    )
    return out.stdout


def q(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_qtgov(*args, "-C", repo, env=GIT_ENV)


def ok(repo: Path, *args: str) -> str:
    result = q(repo, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def findings(repo: Path) -> list[tuple[str, int, int, str, str]]:
    """The findings of `qtgov validate`, but the hub's missing facts that `init` leaves as infos."""
    result = run_qtgov("validate", "-C", repo, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["severity"])
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] != "hub-facts"
    ]


def tree(repo: Path) -> str:
    """Everything not committed, untracked files included (empty: the tree is as committed)."""
    return git(repo, "status", "--porcelain", "--untracked-files=all", "--ignored")


@pytest.fixture
def alliance(tmp_path: Path) -> Path:
    """A repository as `qtgov init` writes it, committed on main, with the prospective member
    acme (representative bob) admitted."""
    result = run_qtgov(
        "init", tmp_path / "alliance", "--id", "demo", "--name", "Demo", "--hub", "hub", "--hub-name", "Hub Co",
        "--rep", "ann", "--rep-name", "Ann", "--rep-github", "ann-gh", "--languages", "en",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    repo = tmp_path / "alliance"
    git(repo, "init", "-q", "-b", "main")
    ok(repo, "new", "member", "acme", "--name", "Acme", "--rep", "bob", "--rep-name", "Bob", "--rep-github", "bob-gh")
    ok(repo, "admit", "acme")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Start")
    return repo


def draft(repo: Path, ident: str = "mb", *extra: str) -> str:
    return ok(
        repo, "new", "agreement", ident, "--type", "market-boundary", "--parties", "hub,acme", "--title", "Boundary",
        "--set", "terms.allocations.0.scope.sector=[edu/course]",
        "--set", "terms.allocations.0.cooperation=Co-teaching",
        *extra,
    )  # fmt: skip


def signed(repo: Path, ident: str = "mb") -> None:
    """Draft, propose and sign `ident` by both parties, committed on main."""
    draft(repo, ident)
    ok(repo, "propose", ident)
    ok(repo, "sign", ident, "--member", "hub", "--as", "ann")
    ok(repo, "sign", ident, "--member", "acme", "--as", "bob")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"Sign {ident}")


# -- new member ---------------------------------------------------------------------------------


def test_new_member_writes_a_prospective_member_and_the_next_git_step(alliance: Path) -> None:
    out = ok(alliance, "new", "member", "beta", "--name", "Beta", "--rep", "cat", "--rep-name", "Cat")
    assert out == (
        "wrote members/beta.yaml: new member beta (prospective)\n"
        "note: cat has no GitHub handle: add github: to let them approve pull requests\n"
        "Next (qtgov never commits for you):\n"
        "  git switch -c join/beta\n"
        "  git add members/beta.yaml\n"
        "  git commit -m 'Application of beta to join the alliance' --trailer 'Qtgov-Record: members/beta.yaml'"
        " --trailer 'Qtgov-Event: member applies'\n"
        "  then push the branch and open a pull request; qtgov review will ask for:\n"
        "    - hub (hub): ann (@ann-gh) — member beta joins (new member file)\n"
    )
    assert (alliance / "members/beta.yaml").read_text("utf-8") == (
        "# yaml-language-server: $schema=https://quanttide.github.io/qtgov/schemas/member.schema.json\n"
        "# Written by qtgov new member; the hub admits it with qtgov admit.\n"
        "id: beta\nkind: member\nname: Beta\nstatus: prospective\nvisibility: public\n"
        f"representatives:\n  - id: cat\n    name: Cat\n    can_sign: true\n    since: {TODAY}\n"
    )
    assert findings(alliance) == []
    assert ok(alliance, "fmt", "--check", "members/beta.yaml") == "1 files in canonical form\n"


def test_the_review_of_a_join_branch_asks_the_hub(alliance: Path) -> None:
    git(alliance, "switch", "-q", "-c", "join/beta")
    ok(alliance, "new", "member", "beta", "--name", "Beta")
    git(alliance, "add", "members/beta.yaml")
    git(alliance, "commit", "-q", "-m", "Application of beta to join the alliance")
    out = ok(alliance, "review", "main..HEAD")
    assert "- `members/beta.yaml`: member beta added (status prospective)" in out
    assert "| ⏳ | hub (hub) | member beta joins (new member file) | @ann-gh (ann) |" in out


def test_an_interactive_new_member_asks_for_what_is_missing(alliance: Path) -> None:
    """Driven through a pseudo-terminal: the name and the representative are asked for."""
    import pty

    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qtgov", "new", "member", "beta", "-C", str(alliance)],
        stdin=secondary, stdout=secondary, stderr=secondary, env=qtgov_env(), cwd=ROOT, close_fds=True,
    )  # fmt: skip
    os.close(secondary)
    seen = b""

    def expect(prompt: bytes, answer: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while prompt not in seen:
            ready, _, _ = select.select([primary], [], [], max(0.0, deadline - time.monotonic()))
            assert ready, f"no prompt {prompt!r}; so far: {seen!r}"
            seen += os.read(primary, 4096)
        seen = seen.split(prompt, 1)[1]
        os.write(primary, answer + b"\n")

    expect(b"Company name: ", b"Beta Ltd")
    expect(b"First representative's id (blank: none yet): ", b"cat")
    expect(b"Their name: ", b"Cat")
    expect(b"Their GitHub user name (blank: none): ", b"cat-gh")
    try:
        while True:
            chunk = os.read(primary, 4096)
            if not chunk:
                break
            seen += chunk
    except OSError:  # the terminal closes with the process
        pass
    assert proc.wait(timeout=60) == 0, seen
    os.close(primary)
    assert b"wrote members/beta.yaml: new member beta (prospective)" in seen
    text = (alliance / "members/beta.yaml").read_text("utf-8")
    assert "name: Beta Ltd\n" in text and "  - id: cat\n    name: Cat\n    github: cat-gh\n" in text
    assert findings(alliance) == []


def test_without_a_terminal_a_missing_value_is_a_usage_error(alliance: Path) -> None:
    result = q(alliance, "new", "member", "beta")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "qtgov: --name is required (or run in a terminal to be asked)\n"
    assert tree(alliance) == ""


# -- new agreement -------------------------------------------------------------------------------

#: The placeholder findings (path, line, column) each type's fresh draft has; never silently valid.
PLACEHOLDERS = {
    "market-boundary": [(5, 8), (19, 7)],
    "revenue-share": [(5, 8), (15, 11), (16, 15), (25, 3)],
    "talent": [(5, 8), (18, 3)],
    "contribution": [(5, 8), (15, 11), (18, 5), (30, 3)],
    "shareholding": [(5, 8), (19, 3)],
}


@pytest.mark.parametrize("kind", sorted(PLACEHOLDERS))
def test_a_new_agreement_validates_but_for_its_placeholders(alliance: Path, kind: str) -> None:
    ok(alliance, "new", "agreement", "deal", "--type", kind, "--parties", "hub,acme")
    path = "agreements/deal.yaml"
    found = findings(alliance)
    assert [(line, col) for p, line, col, rule, _ in found if rule == "placeholder"] == PLACEHOLDERS[kind]
    # The only other findings are the antitrust flags for terms no public record should carry.
    others = {(p, rule, severity) for p, _, _, rule, severity in found if rule != "placeholder"}
    expected = {(path, "r5-sensitive-data", "warning")} if kind in ("revenue-share", "contribution") else set()
    assert others == expected
    refused = q(alliance, "propose", "deal")
    assert refused.returncode == 2 and refused.stderr.startswith("qtgov: deal still has placeholders (title: ")


def test_set_fills_the_terms_and_clears_their_notes(alliance: Path) -> None:
    out = draft(alliance)
    assert out.splitlines()[:2] == [
        "wrote agreements/mb.yaml: new market-boundary agreement mb (draft) between hub, acme",
        "note: once the parties agree on the text: qtgov propose mb",
    ]
    text = (alliance / "agreements/mb.yaml").read_text("utf-8")
    assert text.endswith(
        "terms:\n  allocations:\n    - scope:\n        sector: [edu/course]\n        region: ['*']\n"
        "      holder: shared\n      cooperation: Co-teaching\n"
    )
    assert "TODO" not in text and "x-todo" not in text
    assert findings(alliance) == []


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("title=x", "--set 'title=x': give terms.PATH=VALUE, e.g. terms.allocations.0.holder=acme"),
        ("terms.nothing.here=1", "--set 'terms.nothing.here=1': there is no terms.nothing"),
        ("terms.allocations.5.holder=acme", "--set 'terms.allocations.5.holder=acme': terms.allocations.5 is past "
         "the end of the list (1 items)"),
        ("terms.allocations.0.holder=[a", "--set 'terms.allocations.0.holder=[a': "),
        ("terms.allocations.0.holder=Not An Id", "--set: "),
    ],
)  # fmt: skip
def test_a_bad_setting_is_refused_and_nothing_written(alliance: Path, setting: str, message: str) -> None:
    result = q(
        alliance, "new", "agreement", "mb", "--type", "market-boundary", "--parties", "hub,acme", "--set", setting
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("qtgov: " + message), result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1
    assert tree(alliance) == ""


# -- refusals leave nothing behind ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "member", "acme", "--name", "Again"),
         "member 'acme' already exists (members/acme.yaml); nothing written"),
        (("new", "member", "hub", "--name", "Again"),
         "member 'hub' already exists (members/hub.yaml); nothing written"),
        (("new", "agreement", "xy", "--type", "talent", "--parties", "hub,acne"),
         "'acne' is not a member (did you mean 'acme'?); nothing written"),
        (("new", "agreement", "xy", "--type", "talent", "--parties", "hub"),
         "an agreement has at least two parties: --parties a,b"),
        (("new", "agreement", "xy", "--type", "shareholding", "--parties", "hub,acme,hub"),
         "--parties 'hub,acme,hub': a member is listed twice"),
        (("new", "member", "Bad_Id", "--name", "X"),
         "member id 'Bad_Id': 2-63 lower-case letters, digits and hyphens, not starting with a hyphen"),
        (("admit", "acme"), "acme is active: only prospective can be admitted"),
        (("execute", "nope"), "no agreement 'nope'"),
    ],
)  # fmt: skip
def test_refusals_exit_2_and_write_nothing(alliance: Path, args: tuple[str, ...], message: str) -> None:
    result = q(alliance, *args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"qtgov: {message}\n")
    assert tree(alliance) == ""


def test_an_existing_agreement_id_is_refused(alliance: Path) -> None:
    draft(alliance)
    git(alliance, "add", "-A")
    git(alliance, "commit", "-q", "-m", "Draft")
    result = q(alliance, "new", "agreement", "mb", "--type", "talent", "--parties", "hub,acme")
    assert (result.returncode, result.stderr) == (
        2,
        "qtgov: agreement 'mb' already exists (agreements/mb.yaml); nothing written\n",
    )
    assert tree(alliance) == ""


def test_a_records_directory_linking_outside_the_repository_is_refused(alliance: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.rmtree(alliance / "agreements")
    (alliance / "agreements").symlink_to(outside, target_is_directory=True)
    result = q(alliance, "new", "agreement", "xy", "--type", "talent", "--parties", "hub,acme")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"qtgov: agreements/xy.yaml: outside the repository {alliance}; nothing written\n"
    assert list(outside.iterdir()) == []


def test_a_read_only_repository_is_a_usage_error_naming_the_path(alliance: Path) -> None:
    command = read_only(alliance, sys.executable, "-m", "qtgov", "new", "member", "beta", "--name", "Beta")
    result = subprocess.run(
        command, cwd=alliance, env=qtgov_env(), capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False
    )
    for p in [alliance, *alliance.rglob("*")]:
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    why = "Read-only file system" if unshare_works() else "Permission denied"
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"qtgov: cannot write members/beta.yaml: {why}; nothing written\n"
    assert tree(alliance) == ""


def test_a_records_directory_that_is_a_file_is_a_usage_error(alliance: Path) -> None:
    shutil.rmtree(alliance / "agreements")
    (alliance / "agreements").write_text("", encoding="utf-8")
    result = q(alliance, "new", "agreement", "xy", "--type", "talent", "--parties", "hub,acme")
    assert (result.returncode, result.stderr) == (
        2,
        "qtgov: cannot write agreements/xy.yaml: agreements is not a directory; nothing written\n",
    )
    assert (alliance / "agreements").read_text("utf-8") == ""


# -- propose, execute ----------------------------------------------------------------------------


def test_execute_needs_every_partys_signature_on_the_current_content(alliance: Path) -> None:
    draft(alliance)
    ok(alliance, "propose", "mb")
    ok(alliance, "sign", "mb", "--member", "hub", "--as", "ann")
    git(alliance, "add", "-A")
    git(alliance, "commit", "-q", "-m", "Hub signs")
    result = q(alliance, "execute", "mb")
    assert (result.returncode, result.stderr) == (
        2,
        "qtgov: mb cannot be executed: acme has not signed the current content\n",
    )
    assert tree(alliance) == ""
    # The hub's signature goes stale when the content changes after it.
    path = alliance / "agreements/mb.yaml"
    path.write_text(path.read_text("utf-8").replace("Co-teaching", "Joint teaching"), encoding="utf-8")
    ok(alliance, "sign", "mb", "--member", "acme", "--as", "bob")
    git(alliance, "commit", "-q", "-am", "Changed and signed")
    result = q(alliance, "execute", "mb")
    assert result.stderr == (
        "qtgov: mb cannot be executed: hub has not signed the current content (its signature pins earlier "
        "content: sign again)\n"
    )
    assert tree(alliance) == ""


def test_execute_once_signed_and_the_review_lists_the_signatures(alliance: Path) -> None:
    git(alliance, "switch", "-q", "-c", "agreement/mb")
    signed(alliance)
    out = ok(alliance, "execute", "mb")
    assert out == (
        f"wrote agreements/mb.yaml: status proposed → executed (executed on {TODAY}, the last signature, "
        f"in force from {TODAY})\n"
        "Next (qtgov never commits for you):\n"
        "  git add agreements/mb.yaml\n"
        "  git commit -m 'Execute mb' --trailer 'Qtgov-Record: agreements/mb.yaml'"
        " --trailer 'Qtgov-Event: agreement executed'\n"
        "  then push the branch and open a pull request; qtgov review will ask for:\n"
        "    - acme: bob (@bob-gh) — party to mb\n"
        "    - hub (hub): ann (@ann-gh) — party to mb\n"
    )
    assert findings(alliance) == []
    git(alliance, "commit", "-q", "-am", "Execute mb")
    review = ok(alliance, "review", "main..HEAD")
    for line in (
        "- `agreements/mb.yaml`: agreement recorded as executed",
        f"- `agreements/mb.yaml`: signature added by ann for hub ({TODAY})",
        f"- `agreements/mb.yaml`: signature added by bob for acme ({TODAY})",
        "| ⏳ | acme | party to mb | @bob-gh (bob) |",
    ):
        assert line in review, review


# -- amend, terminate, withdraw ------------------------------------------------------------------


def executed(alliance: Path, *extra: str) -> None:
    draft(alliance, "mb", *extra)
    ok(alliance, "propose", "mb")
    ok(alliance, "sign", "mb", "--member", "hub", "--as", "ann")
    ok(alliance, "sign", "mb", "--member", "acme", "--as", "bob")
    ok(alliance, "execute", "mb")
    git(alliance, "add", "-A")
    git(alliance, "commit", "-q", "-m", "Execute mb")


def test_amend_restates_the_agreement_as_a_new_draft(alliance: Path) -> None:
    executed(alliance)
    out = ok(alliance, "amend", "mb", "--set", "terms.allocations.0.scope.segment=[edu/higher]")
    assert out.splitlines()[0] == (
        "wrote agreements/mb-2.yaml: new draft mb-2 (version 2) amending mb, terms changed; "
        "mb stays in force until mb-2 takes effect"
    )
    assert "  git switch -c amend/mb" in out.splitlines()
    text = (alliance / "agreements/mb-2.yaml").read_text("utf-8")
    assert "version: 2\nstatus: draft\n" in text and "amends: mb\n" in text and "signatures" not in text
    assert "        segment: [edu/higher]\n" in text
    assert findings(alliance) == []
    again = q(alliance, "amend", "mb")
    assert (again.returncode, again.stderr) == (2, "qtgov: mb is already amended by mb-2; amend that one instead\n")


def test_terminate_respects_the_notice_period(alliance: Path) -> None:
    executed(alliance)
    soon = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    result = q(alliance, "terminate", "mb", "--date", soon, "--reason", "Done", "--notice", "P1M")
    earliest = dt.date.today()
    month = earliest.month % 12 + 1
    year = earliest.year + (earliest.month == 12)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"qtgov: mb needs P1M notice: given on {TODAY}, its last day in force can be ")
    assert str(year) in result.stderr and f"-{month:02d}-" in result.stderr
    assert tree(alliance) == ""
    later = (dt.date.today() + dt.timedelta(days=62)).isoformat()
    out = ok(alliance, "terminate", "mb", "--date", later, "--reason", "Done", "--notice", "P1M")
    assert out.splitlines()[0] == f"wrote agreements/mb.yaml: status executed → terminated; last day in force {later}"
    assert "  git switch -c terminate/mb" in out.splitlines()
    assert findings(alliance) == []


def test_withdraw_lists_what_must_end_and_terminate_drafts_it(alliance: Path) -> None:
    executed(alliance)
    out = ok(alliance, "withdraw", "acme", "--date", TODAY)
    assert out.splitlines()[:4] == [
        f"wrote members/acme.yaml: status active → withdrawn, left {TODAY}",
        f"note: mb is in force after {TODAY}: qtgov terminate mb --date {TODAY}",
        "note: or rerun with --terminate to draft all of these in this change",
        "Next (qtgov never commits for you):",
    ]
    git(alliance, "checkout", "-q", "--", ".")
    out = ok(alliance, "withdraw", "acme", "--date", TODAY, "--terminate")
    assert out.splitlines()[:2] == [
        f"wrote members/acme.yaml: status active → withdrawn, left {TODAY}",
        f"wrote agreements/mb.yaml: status executed → terminated; last day in force {TODAY}",
    ]
    assert [f for f in findings(alliance) if f[4] == "error"] == []


# -- the done criterion --------------------------------------------------------------------------


def test_the_lifecycle_demo_ends_terminated_and_clean(tmp_path: Path) -> None:
    """scripts/lifecycle-demo, verbatim: init to a terminated amendment without an editor."""
    env = qtgov_env({"QTGOV": f"{sys.executable} -m qtgov", "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)})
    result = subprocess.run(
        ["bash", str(ROOT / "scripts/lifecycle-demo"), str(tmp_path / "demo")],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].startswith("$ qtgov init alliance --id demo")
    assert "$ qtgov execute acme-hub-boundary-2" in lines
    # The people's commit addresses were registered as they joined: git vouches for every signature.
    assert "4 of 4 vouched for by git" in lines
    assert lines[-1] == "0 errors, 0 warnings, 5 infos"
    repo = tmp_path / "demo" / "alliance"
    agreement = (repo / "agreements/acme-hub-boundary-2.yaml").read_text("utf-8")
    assert "status: terminated\n" in agreement and "amends: acme-hub-boundary\n" in agreement
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main\n"
    assert "Qtgov-Event: agreement terminated" in git(repo, "log", "-1", "--format=%B", "HEAD^2")
