"""`qtgov contributions` and `rebalancing-due` on real git histories built here.

The project history has two members (alpha, beta), a person who moves from alpha to beta in the
middle of a window, a merged branch, excluded paths (vendored code, lock files), a co-authored
commit, reviews in trailers and a stranger whose address matches nobody. Every expected share
below was worked out by hand from that history.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from qtgov import disclaimer
from qtgov.economics.contributions import PathFilter, meeting_day
from tests.conftest import ALLIANCE, finding_tuples, run_qtgov

Qtgov = Callable[..., subprocess.CompletedProcess[str]]

ALPHA = """\
id: alpha
kind: member
name: Alpha
status: active
visibility: public
commit_domains:
  - domain: alpha.example.com
representatives:
  - id: al-pat
    name: Pat
    can_sign: true
    since: 2024-01-01
    until: 2025-02-14
    commit_emails: [pat@mail.example.org]
"""

BETA = """\
id: beta
kind: member
name: Beta
status: active
visibility: public
commit_domains:
  - domain: beta.example.com
    since: 2024-06-01
representatives:
  - id: be-pat
    name: Pat
    can_sign: true
    since: 2025-02-15
    commit_emails: [pat@mail.example.org]
"""

AGREEMENT = """\
id: ct-proj
type: contribution
title: Shared project
version: 1
status: executed
parties:
  - member: alpha
  - member: beta
  - member: hub
effective: 2025-01-01
{term}governing_law: CN
visibility: public
terms:
  project:
    name: Shared project
    repo: https://git.example.org/shared
    license: Apache-2.0
  commitments:
    - member: alpha
      kind: engineering
      amount: 30
      unit: engineer-days
      per: P3M
    - member: beta
      kind: engineering
      amount: 10
      unit: engineer-days
      per: P3M
    - member: hub
      kind: funding
      amount: 5000
      unit: CNY
      per: P1M
  measurement:
    window: P3M
    metrics: [commits, lines, reviews, issues-closed]
    exclude_paths: ["vendor/**", "*.lock"]
  rebalancing:
    tolerance_pct: 20
    remedy: The parties meet and renegotiate the commitments.
    cadence: P3M
"""


class Project:
    """A git repository whose commits are written with pinned authors and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, email: str = "a1@alpha.example.com", date: str = "2025-01-01") -> str:
        stamp = f"{date}T12:00:00+08:00"
        # Nothing of the caller's git environment (GIT_DIR, GIT_INDEX_FILE, …) may leak in.
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_AUTHOR_NAME": email.split("@")[0],
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": "ci",
            "GIT_COMMITTER_EMAIL": "ci@example.org",
            "GIT_COMMITTER_DATE": stamp,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True)
        return done.stdout

    def commit(self, email: str, date: str, files: dict[str, str], message: str = "work") -> None:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        self.git("add", "--", *files)
        self.git("commit", "-q", "-m", message, email=email, date=date)


def lines(n: int, tag: str = "x") -> str:
    return "".join(f"{tag}{i}\n" for i in range(n))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project(tmp_path / "shared")
    # Window 1 (2025-01-01 … 2025-03-31)
    p.commit("a1@alpha.example.com", "2025-01-10", {"src/a.py": lines(10)})
    p.commit(
        "b1@beta.example.com",
        "2025-01-20",
        {"src/b.py": lines(4), "vendor/lib.js": lines(100), "web/yarn.lock": lines(50)},
        "beta work\n\nReviewed-by: A One <a1@alpha.example.com>",
    )
    p.git("checkout", "-q", "-b", "feature")
    p.commit(
        "pat@mail.example.org",
        "2025-02-01",
        {"src/c.py": lines(6)},
        "paired\n\nCo-authored-by: B One <b1@beta.example.com>",
    )
    p.git("checkout", "-q", "main")
    p.git(
        "merge", "-q", "--no-ff", "feature", "-m", "Merge feature\n\nReviewed-by: B One <b1@beta.example.com>",
        date="2025-02-10",
    )  # fmt: skip
    # Pat has moved to beta: the same address now counts for beta.
    p.commit("pat@mail.example.org", "2025-03-01", {"src/c.py": lines(5) + "changed\n"})
    p.commit("someone@elsewhere.example.net", "2025-03-05", {"src/d.py": lines(5)})
    # Window 2 (2025-04-01 … 2025-06-30): exactly the committed 3 : 1.
    for day in ("2025-04-02", "2025-04-03", "2025-04-04"):
        p.commit("a2@alpha.example.com", day, {f"src/q2-{day}.py": lines(1)})
    # a self-review is no review
    p.commit(
        "b2@beta.example.com", "2025-04-05", {"src/q2-b.py": lines(1)}, "w\n\nReviewed-by: B2 <B2@beta.example.com>"
    )
    return p


@pytest.fixture
def alliance(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {
            "members/alpha.yaml": ALPHA,
            "members/beta.yaml": BETA,
            "agreements/ct-proj.yaml": AGREEMENT.format(term=""),
        },
        name="alliance",
    )


def contributions_json(alliance: Path, project: Project, *args: str) -> tuple[int, dict]:
    done = run_qtgov("contributions", *args, "-C", alliance, "--project", project.root, "--format", "json")
    assert done.stderr == ""
    return done.returncode, json.loads(done.stdout)["contributions"]


def test_shares_follow_affiliations_co_authors_merges_and_excluded_paths(alliance: Path, project: Project) -> None:
    code, report = contributions_json(alliance, project, "ct-proj", "--until", "2025-06-30")
    assert code == 0  # the latest whole window (Q2) is in balance
    assert report["measures"] == ["commits", "lines", "reviews"]
    assert report["not_measured_from_git"] == ["issues-closed"]
    assert report["commitments"]["expected_shares"] == {
        "alpha": {"value": 0.75, "exact": "3/4"},
        "beta": {"value": 0.25, "exact": "1/4"},
    }
    assert report["commitments"]["not_compared"] == [{"member": "hub", "kind": "funding", "unit": "CNY"}]
    q1, q2 = report["windows"]
    assert (q1["start"], q1["end"], q1["whole"]) == ("2025-01-01", "2025-03-31", True)

    def exact(window: dict, measure: str) -> dict[str, str]:
        members = window["measures"][measure]["members"]
        return {m: v["amount"]["exact"] for m, v in members.items() if m in ("alpha", "beta")}

    # commits: alpha 1 + ½ (Pat while at alpha, shared with a beta co-author); beta 1 + ½ + 1
    # (Pat after the move); the merge is not a commit of its own; the stranger is unmatched.
    assert exact(q1, "commits") == {"alpha": "3/2", "beta": "5/2"}
    assert q1["measures"]["commits"]["unmatched"]["exact"] == "1"
    assert q1["measures"]["commits"]["members"]["alpha"]["share"]["exact"] == "3/8"
    # lines: vendored code and the lock file are excluded; Pat's 6 lines are shared 3 : 3.
    assert exact(q1, "lines") == {"alpha": "13", "beta": "9"}
    # reviews: one trailer on a commit and one on the merge.
    assert exact(q1, "reviews") == {"alpha": "1", "beta": "1"}
    assert q1["measures"]["commits"]["elephant_factor"] == 1
    assert q1["measures"]["reviews"]["elephant_factor"] == 1
    assert q1["rebalancing_due"] is True
    assert q1["meet_by"] == "2025-06-30"
    assert q1["anchors"] == {
        "proportional_to_delivery": {"alpha": {"value": 15.0, "exact": "15"}, "beta": {"value": 25.0, "exact": "25"}},
        "unit": "engineer-days",
    }
    assert exact(q2, "commits") == {"alpha": "3", "beta": "1"}
    assert q2["measures"]["reviews"]["total"]["exact"] == "0"
    assert q2["rebalancing_due"] is False
    assert [d["beyond_tolerance"] for d in q2["against_commitments"]] == [False, False, False, False]
    assert report["unmatched"] == [
        {
            "email": "someone@elsewhere.example.net",
            "commits": 1,
            "reviews": 0,
            "first": "2025-03-05",
            "last": "2025-03-05",
            "reason": "no representative's commit_emails or member's commit_domains covers it on those days",
        }
    ]


def test_the_text_report_words_the_imbalance_as_a_conversation(alliance: Path, project: Project) -> None:
    done = run_qtgov("contributions", "ct-proj", "-C", alliance, "--project", project.root, "--until", "2025-03-31")
    assert done.returncode == 1, done.stderr
    text = done.stdout
    assert "Commitments in engineer-days, as shares: alpha 75.0%, beta 25.0%" in text
    assert "Not compared with git: hub (funding, CNY)" in text
    assert "  member                commits               lines             reviews\n" in text
    assert "  alpha             1.5 (37.5%)          13 (59.1%)           1 (50.0%)\n" in text
    assert "  unmatched                   1                   5                   0\n" in text
    assert "  elephant factor: commits 1, lines 1, reviews 1\n" in text
    assert "  commits: alpha delivered 37.5% against 75.0% committed (−50.0%, beyond tolerance)" in text
    assert (
        "  rebalancing due: in the window 2025-01-01 … 2025-03-31 delivery departs from the commitments by "
        "more than the agreed 20% (commits: alpha 37.5% delivered against 75.0% committed, commits: beta "
        "62.5% delivered against 25.0% committed, lines: alpha 59.1% delivered against 75.0% committed, "
        "lines: beta 40.9% delivered against 25.0% committed, reviews: alpha 50.0% delivered against 75.0% "
        "committed, reviews: beta 50.0% delivered against 25.0% committed); the parties may wish to meet by "
        "2025-06-30 to renegotiate. Neutral anchors for the talk: commitments proportional to delivery "
        "(alpha 15 engineer-days per P3M; beta 25 engineer-days per P3M), or the current commitments with "
        "the work rebalanced; the agreement's own rule: The parties meet and renegotiate the commitments."
    ) in text
    assert "  someone@elsewhere.example.net  1 commit(s)  2025-03-05 … 2025-03-05" in text
    report = text.split("Contributions to", 1)[1]  # the disclaimer above names breaches of law
    for word in ("must", "penalt", "breach", "owes", "violat"):
        assert word not in report


def test_a_domain_counts_only_from_its_since(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    p = Project(tmp_path / "shared")
    p.commit("b1@beta.example.com", "2024-05-31", {"a": lines(1)})  # before beta registered its domain
    p.commit("b1@eng.beta.example.com", "2024-06-01", {"b": lines(1)})  # a subdomain, on the first day
    alliance = make_repo({"members/beta.yaml": BETA}, name="alliance")
    code, report = contributions_json(alliance, p, "--since", "2024-05-01", "--until", "2024-07-31", "--window", "P3M")
    assert code == 0
    (window,) = report["windows"]
    assert window["measures"]["commits"]["members"]["beta"]["amount"]["exact"] == "1"
    assert [u["email"] for u in report["unmatched"]] == ["b1@beta.example.com"]


def test_an_address_registered_for_two_members_on_a_day_is_not_guessed(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    p = Project(tmp_path / "shared")
    p.commit("pat@mail.example.org", "2025-02-15", {"a": lines(1)})
    overlapping = ALPHA.replace("until: 2025-02-14", "until: 2025-02-15")
    alliance = make_repo({"members/alpha.yaml": overlapping, "members/beta.yaml": BETA}, name="alliance")
    _, report = contributions_json(alliance, p, "--since", "2025-02-01", "--until", "2025-02-28", "--window", "P1M")
    assert report["unmatched"][0]["reason"] == "registered for more than one member on the same day"


def test_validate_reports_rebalancing_with_a_configured_clone(
    make_repo: Callable[..., Path], project: Project, qtgov: Qtgov
) -> None:
    alliance = make_repo(
        {
            "members/alpha.yaml": ALPHA,
            "members/beta.yaml": BETA,
            "agreements/ct-proj.yaml": AGREEMENT.format(term="term:\n  end: 2025-03-31\n"),
        },
        name="alliance",
    )
    done = qtgov("validate", alliance, "--format", "json", "--contributions-repo", f"ct-proj={project.root}")
    assert finding_tuples(done.stdout, {"rebalancing-due"}) == [("agreements/ct-proj.yaml", 41, 20, "rebalancing-due")]
    (finding,) = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "rebalancing-due"]
    assert finding["severity"] == "warning"
    assert finding["message"].startswith("in the window 2025-01-01 … 2025-03-31 delivery departs")
    without = qtgov("validate", alliance, "--format", "json")
    assert finding_tuples(without.stdout, {"rebalancing-due"}) == []


def test_validate_refuses_a_bad_contributions_repo_setting(alliance: Path, qtgov: Qtgov) -> None:
    done = qtgov("validate", alliance, "--contributions-repo", "ct-proj")
    assert done.returncode == 2
    assert "--contributions-repo 'ct-proj': give AGREEMENT=PATH" in done.stderr
    done = qtgov("validate", alliance, "--contributions-repo", f"nope={alliance}")
    assert done.returncode == 2
    assert "--contributions-repo nope: no such contribution agreement" in done.stderr


def test_usage_errors(alliance: Path, project: Project, qtgov: Qtgov, tmp_path: Path) -> None:
    done = qtgov("contributions", "ct-proj", "-C", alliance, "--project", "https://git.example.org/shared")
    assert (done.returncode, done.stderr) == (
        2,
        "qtgov: --project https://git.example.org/shared: give a local clone (git clone "
        "https://git.example.org/shared first); qtgov reads no network\n",
    )
    done = qtgov("contributions", "nope", "-C", alliance, "--project", project.root)
    assert (done.returncode, done.stderr) == (2, "qtgov: nope: no such agreement\n")
    done = qtgov("contributions", "-C", alliance, "--project", tmp_path / "missing")
    assert done.returncode == 2
    assert "not a directory" in done.stderr
    done = qtgov("contributions", "-C", alliance, "--project", project.root, "--window", "3 months")
    assert (done.returncode, done.stderr) == (
        2,
        "qtgov: --window '3 months': give an ISO 8601 duration such as P3M or P1M\n",
    )


def test_the_old_repo_spelling_still_names_the_clone_with_a_note(alliance: Path, project: Project) -> None:
    # Every other command's --repo is the alliance repository: contributions now says --project.
    args = ("contributions", "ct-proj", "-C", alliance, "--until", "2025-06-30", "--format", "json")
    new = run_qtgov(*args, "--project", project.root)
    old = run_qtgov(*args, "--repo", project.root)
    assert (new.returncode, new.stderr) == (0, "")
    assert (old.returncode, old.stdout) == (0, new.stdout)
    assert old.stderr == (
        "qtgov: `contributions --repo` is deprecated; name the project's clone with --project "
        "(-C names the alliance repository, as in every command)\n"
    )
    both = run_qtgov(*args, "--project", project.root, "--repo", alliance)
    assert both.returncode == 2
    assert both.stderr.splitlines()[-1] == (
        f"qtgov: two clones given (--project {project.root} and --repo {alliance}); give only --project"
    )
    neither = run_qtgov(*args)
    assert (neither.returncode, neither.stdout, neither.stderr) == (
        2,
        "",
        "qtgov: --project CLONE is required: a local clone of the shared project\n",
    )
    usage = run_qtgov("contributions", "--help").stdout
    assert "--project CLONE" in usage and "--repo" not in usage.split("Options:")[1]


def test_an_unreadable_member_file_is_said_and_fails_the_run(alliance: Path, project: Project) -> None:
    (alliance / "members/beta.yaml").write_text("id: beta\nkind: [member\n", encoding="utf-8")
    done = run_qtgov("contributions", "-C", alliance, "--project", project.root, "--until", "2025-06-30")
    assert done.returncode == 1
    assert done.stdout.startswith(disclaimer.TEXT)
    assert done.stderr == (
        "members/beta.yaml:3:1: error [yaml-syntax] did not find expected ',' or ']' "
        "(while parsing a flow sequence started at line 2, column 7)\n"
        "qtgov: 1 record file could not be read, so some commits may be counted for no member; "
        "fix it first (`qtgov validate` lists every problem)\n"
    )


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        ("*.lock", "yarn.lock", True),
        ("*.lock", "web/deep/yarn.lock", True),
        ("*.lock", "lock", False),
        ("vendor/**", "vendor/a/b.js", True),
        ("vendor/**", "src/vendor/a.js", False),
        ("vendor", "src/vendor/a.js", True),
        ("/vendor", "src/vendor/a.js", False),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),
        ("**/gen/*.py", "a/b/gen/x.py", True),
        ("**/gen/*.py", "gen/x.py", True),
    ],
)
def test_excluded_path_globs(pattern: str, path: str, excluded: bool) -> None:
    assert PathFilter([pattern]).excluded(path.encode()) is excluded


def test_the_review_meeting_falls_in_the_cadence_period_after_the_window() -> None:
    import datetime as dt

    start = dt.date(2025, 1, 1)
    assert meeting_day(start, (3, 0), dt.date(2025, 4, 1)) == dt.date(2025, 6, 30)
    assert meeting_day(start, (1, 0), dt.date(2025, 4, 1)) == dt.date(2025, 4, 30)
    assert meeting_day(start, (12, 0), dt.date(2025, 4, 1)) == dt.date(2025, 12, 31)


def test_the_handbook_draws_the_shares_at_build_time(
    make_repo: Callable[..., Path], project: Project, qtgov: Qtgov, tmp_path: Path
) -> None:
    hostile = AGREEMENT.format(term="").replace("    name: Shared project", '    name: "A <script>x()</script> & co"')
    bilingual = ALLIANCE.replace("languages: [en]", "languages: [zh, en]")
    files = {"charter/alliance.yaml": bilingual, "members/alpha.yaml": ALPHA, "members/beta.yaml": BETA}
    alliance = make_repo({**files, "agreements/ct-proj.yaml": hostile}, name="alliance")
    out = tmp_path / "site"
    setting = f"ct-proj={project.root}"
    done = qtgov("build", "-C", alliance, "--out", out, "--as-of", "2025-07-01", "--contributions-repo", setting)
    assert done.returncode == 0, done.stderr
    for lang, heading in (("en", "Shares per window"), ("zh", "各窗口的份额")):
        page = (out / lang / "contributions/ct-proj/index.html").read_text(encoding="utf-8")
        assert heading in page
        chart = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640') :]
        chart = chart[: chart.index("</svg>")]
        assert "<script" not in chart
        assert "A &lt;script&gt;x()&lt;/script&gt; &amp; co" in chart
        assert chart.count("<polyline") == 3  # alpha, beta and the hub (no work: a flat line)
        assert chart.count('stroke-dasharray="6 4"') == 2  # the committed shares of alpha and beta
        assert "someone@elsewhere" not in page  # identities are personal data: only counted
        agreement_page = (out / lang / "agreements/ct-proj/index.html").read_text(encoding="utf-8")
        assert 'href="../../contributions/ct-proj/"' in agreement_page
    page = (out / "en" / "contributions/ct-proj/index.html").read_text(encoding="utf-8")
    assert "1 commit identities matched no member" in page
    assert "the parties may wish to meet by 30 June 2025" in page
    # without a clone there is no measurement, hence no page
    plain = tmp_path / "plain"
    assert qtgov("build", "-C", alliance, "--out", plain, "--as-of", "2025-07-01", "--lang", "en").returncode == 0
    assert not (plain / "en" / "contributions").exists()


def test_the_demo_agreement_against_a_project_history(tmp_path: Path) -> None:
    p = Project(tmp_path / "open-textbook")
    p.commit("zhou@demo-hub.example.com", "2025-01-05", {"ch1.md": lines(3)})
    p.commit("zhou@demo-hub.example.com", "2025-02-05", {"ch2.md": lines(3)})
    p.commit("ma@chitu-data.example.com", "2025-03-05", {"ch3.md": lines(3)})
    p.commit("zhou@demo-hub.example.com", "2025-04-05", {"ch4.md": lines(3)})
    for day in ("2025-05-01", "2025-05-02", "2025-05-03"):
        p.commit("luo@chitu-data.example.com", day, {f"ex-{day}.md": lines(2)})
    demo = Path(__file__).resolve().parents[1] / "examples/demo-alliance"
    args = ("contributions", "ct-open-textbook", "-C", demo, "--project", p.root, "--until", "2025-06-30")
    done = run_qtgov(*args, "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)["contributions"]
    assert report["measures"] == ["commits", "reviews"]
    assert report["not_measured_from_git"] == ["issues-closed"]
    assert report["commitments"]["unit"] == "engineer-days"
    assert {m: v["exact"] for m, v in report["commitments"]["expected_shares"].items()} == {
        "chitu-data": "1/3",
        "demo-hub": "2/3",
    }
    assert report["commitments"]["not_compared"] == [
        {"member": "xinghe-cloud", "kind": "infrastructure", "unit": "CNY"}
    ]
    q1, q2 = report["windows"]
    assert (q1["rebalancing_due"], q2["rebalancing_due"]) == (False, True)
    assert q2["meet_by"] == "2025-09-30"
    assert {m: v["exact"] for m, v in q2["anchors"]["proportional_to_delivery"].items()} == {
        "chitu-data": "45",
        "demo-hub": "15",
    }
    text = run_qtgov(*args).stdout
    assert "the agreement's own rule: 偏差超过容差时" in text  # the alliance's first language


def test_validate_measures_the_clones_alliance_yaml_names(
    make_repo: Callable[..., Path], project: Project, qtgov: Qtgov, tmp_path: Path
) -> None:
    settings = ALLIANCE + "contribution_clones:\n  ct-proj: ../shared\n  ct-gone: ../not-here\n  hub: ../shared\n"
    files = {"charter/alliance.yaml": settings, "members/alpha.yaml": ALPHA, "members/beta.yaml": BETA}
    ended = AGREEMENT.format(term="term:\n  end: 2025-03-31\n")
    gone = ended.replace("id: ct-proj", "id: ct-gone")
    alliance = make_repo({**files, "agreements/ct-proj.yaml": ended, "agreements/ct-gone.yaml": gone}, name="alliance")
    first = len(ALLIANCE.splitlines()) + 2
    done = qtgov("validate", "-C", alliance, "--format", "json")
    findings = json.loads(done.stdout)["findings"]
    found = [
        (f["path"], f["line"], f["column"], f["severity"], f["message"])
        for f in findings
        if f["rule"] == "rebalancing-due"
    ]
    assert [f[:4] for f in found] == [
        ("agreements/ct-proj.yaml", 41, 20, "warning"),
        ("charter/alliance.yaml", first + 1, 12, "info"),
        ("charter/alliance.yaml", first + 2, 8, "warning"),
    ]
    assert found[1][4] == (
        "no clone at ../not-here on this machine, so the contributions under ct-gone are not measured here"
    )
    assert found[2][4] == "contribution_clones names hub, which is no agreement, not a contribution agreement"
    # the command line wins over the setting for the agreement it names
    done = qtgov("validate", "-C", alliance, "--format", "json", "--contributions-repo", f"ct-gone={project.root}")
    assert finding_tuples(done.stdout, {"rebalancing-due"}) == [
        ("agreements/ct-gone.yaml", 41, 20, "rebalancing-due"),
        ("agreements/ct-proj.yaml", 41, 20, "rebalancing-due"),
        ("charter/alliance.yaml", first + 2, 8, "rebalancing-due"),
    ]
    # and the handbook draws the configured one without being told
    out = tmp_path / "site"
    assert qtgov("build", "-C", alliance, "--out", out, "--as-of", "2025-07-01").returncode == 0
    assert (out / "en/contributions/ct-proj/index.html").is_file()
    assert not (out / "en/contributions/ct-gone").exists()


def test_a_configured_clone_git_cannot_read_is_a_warning(make_repo: Callable[..., Path], qtgov: Qtgov) -> None:
    settings = ALLIANCE + "contribution_clones:\n  ct-proj: ../plain\n"
    files = {"charter/alliance.yaml": settings, "members/alpha.yaml": ALPHA, "members/beta.yaml": BETA}
    alliance = make_repo({**files, "agreements/ct-proj.yaml": AGREEMENT.format(term="")}, name="alliance")
    (alliance.parent / "plain").mkdir()
    done = qtgov("validate", "-C", alliance, "--format", "json")
    (finding,) = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "rebalancing-due"]
    assert (finding["path"], finding["line"], finding["severity"]) == (
        "charter/alliance.yaml",
        len(ALLIANCE.splitlines()) + 2,
        "warning",
    )
    assert finding["message"].startswith(
        "the contributions under ct-proj cannot be measured: ../plain is not a git repository"
    )
    assert str(alliance) not in finding["message"]


def test_only_whole_windows_are_judged(alliance: Path, project: Project) -> None:
    code, report = contributions_json(alliance, project, "ct-proj", "--since", "2025-02-01", "--until", "2025-03-31")
    (q1,) = report["windows"]
    assert (q1["start"], q1["whole"], q1["rebalancing_due"]) == ("2025-01-01", False, False)
    assert q1["measures"]["commits"]["members"]["alpha"]["amount"]["exact"] == "1/2"  # Pat's paired commit only
    assert code == 0


def test_a_tolerance_in_percentage_points(make_repo: Callable[..., Path], project: Project) -> None:
    points = AGREEMENT.format(term="").replace("tolerance_pct: 20", "tolerance_pct: 40\n    tolerance_basis: points")
    alliance = make_repo(
        {"members/alpha.yaml": ALPHA, "members/beta.yaml": BETA, "agreements/ct-proj.yaml": points}, name="alliance"
    )
    code, report = contributions_json(alliance, project, "ct-proj", "--until", "2025-03-31")
    (q1,) = report["windows"]
    # alpha delivered 37.5% of commits against 75% committed: 37.5 points, within 40
    deviations = {(d["measure"], d["member"]): d["deviation_pct"]["exact"] for d in q1["against_commitments"]}
    assert deviations[("commits", "alpha")] == "-75/2"
    assert deviations[("reviews", "beta")] == "25"
    assert (q1["rebalancing_due"], code) == (False, 0)


def test_the_notes_on_stderr_follow_the_language_asked(alliance: Path, project: Project) -> None:
    args = ("contributions", "ct-proj", "-C", alliance, "--until", "2025-06-30", "--format", "json", "--lang", "zh")
    old = run_qtgov(*args, "--repo", project.root)
    assert (old.returncode, old.stderr) == (
        0,
        "qtgov：`contributions --repo` 已弃用；请用 --project 指定项目的克隆（-C 指定联盟仓库，与所有命令一致）\n",
    )
    (alliance / "members/beta.yaml").write_text("id: beta\nkind: [member\n", encoding="utf-8")
    done = run_qtgov(*args, "--project", project.root)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        "qtgov：有 1 个记录文件无法读取，因此部分提交可能不会计入任何成员；"
        "请先修复它（`qtgov validate` 会列出所有问题）"
    )
