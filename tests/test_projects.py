"""Project records (projects/<id>.yaml): loading, and every project rule with exact findings of
`qtgov validate` run as a real subprocess on real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ALLIANCE, run_qtgov

MakeRepo = Callable[..., Path]
PRIVATE = ALLIANCE.replace("repository: public", "repository: private")
Row = tuple[str, int, int, str, str]

PROJECT_RULES = (
    "project-references",
    "project-values",
    "project-dates",
    "project-dependency-cycle",
    "project-assignee-membership",
    "project-departed-assignee",
    "project-assignee-claim",
    "project-package-overlap",
    "r10-bid-coordination",
    "record-id",
    "duplicate-id",
    "schema",
    "file-name",
)


def member(ident: str, extra: str = "") -> str:
    return (
        f"id: {ident}\nkind: member\nname: {ident.title()}\nstatus: active\njoined: 2025-01-01\n"
        f"visibility: public\n{extra}"
    )


ACME = member("acme", "claims:\n  - {id: compute, sector: [cloud/compute], region: [CN], segment: [smb]}\n")
BETA = member("beta", "claims:\n  - {id: cloud, sector: [cloud], region: [CN-ZJ]}\n")
GAMMA = member("gamma", "claims:\n  - {id: edu, sector: [edu], region: [CN]}\n")

HEAD = """\
id: big
title: Big project
origin: subcontract
status: in-progress
visibility: alliance
prime: hub
market: {sector: cloud/compute, region: CN-ZJ, segment: smb}
value: {amount: 100, currency: CNY}
start: 2026-01-01
end: 2026-06-30
packages:
"""


def _repo(make_repo: MakeRepo, packages: str, *, head: str = HEAD, **members: str) -> Path:
    files = {"members/acme.yaml": ACME, "members/beta.yaml": BETA, "members/gamma.yaml": GAMMA}
    # An alliance-visible project belongs in a private repository (visibility-public-repository).
    files["charter/alliance.yaml"] = PRIVATE
    files.update({f"members/{k}.yaml": v for k, v in members.items()})
    files["projects/big.yaml"] = head + packages
    return make_repo(files)


def _report(root: Path) -> dict[str, Any]:
    result = run_qtgov("validate", root, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _rows(root: Path) -> list[Row]:
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in _report(root)["findings"]
        if f["rule"] in PROJECT_RULES
    ]


def test_a_clean_project_has_no_findings(make_repo: MakeRepo) -> None:
    packages = (
        "  - {id: infra, assignee: acme, value: 60, status: in-progress, start: 2026-01-01, end: 2026-03-31}\n"
        "  - {id: ops, assignee: beta, value: 40, status: planned, depends_on: [infra], start: 2026-04-01}\n"
    )
    root = _repo(make_repo, packages)
    assert _rows(root) == []
    result = run_qtgov("validate", root)
    assert result.returncode == 0, result.stdout
    # Values are competitively sensitive: every member reads an alliance-visible project.
    r5 = [(f["line"], f["column"], f["message"]) for f in _report(root)["findings"] if f["rule"] == "r5-sensitive-data"]
    assert r5 == [
        (
            8,
            1,
            "MEDIUM risk: sensitive data: value is competitively sensitive and every member, competitors "
            "included, can read this alliance record; keep it in a restricted document pinned by hash",
        ),
        (
            12,
            33,
            "MEDIUM risk: sensitive data: packages/0/value is competitively sensitive and every member, "
            "competitors included, can read this alliance record; keep it in a restricted document pinned by hash",
        ),
        (
            13,
            31,
            "MEDIUM risk: sensitive data: packages/1/value is competitively sensitive and every member, "
            "competitors included, can read this alliance record; keep it in a restricted document pinned by hash",
        ),
    ]


def test_schema_rejects_a_package_with_both_value_and_share(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, "  - {id: infra, assignee: acme, value: 60, share: 10, status: planned}\n")
    rows = _rows(root)
    assert [(p, line, c, r) for p, line, c, r, _ in rows] == [("projects/big.yaml", 12, 5, "schema")]


def test_file_name_and_record_id(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, "  - {id: infra, assignee: acme, status: planned}\n")
    (root / "projects/big.yaml").rename(root / "projects/other.yaml")
    (root / "projects/Bad Name.yaml").write_text("id: x\n", "utf-8")
    assert _rows(root) == [
        (
            "projects/Bad Name.yaml",
            1,
            1,
            "file-name",
            "file name 'Bad Name.yaml' is not a lower-case slug (letters a-z, digits and '-', 2-63 characters)",
        ),
        (
            "projects/other.yaml",
            1,
            5,
            "record-id",
            "id 'big' differs from the file name; use 'other', "
            "or rename the file: git mv projects/other.yaml projects/big.yaml",
        ),
    ]


def test_duplicate_package_ids(make_repo: MakeRepo) -> None:
    packages = "  - {id: infra, assignee: acme, status: planned}\n  - {id: infra, assignee: acme, status: planned}\n"
    root = _repo(make_repo, packages)
    assert _rows(root) == [
        (
            "projects/big.yaml",
            13,
            10,
            "duplicate-id",
            "the id 'infra' is used twice in packages (first at line 12): give each entry its own id",
        )
    ]


def test_references(make_repo: MakeRepo) -> None:
    packages = (
        "  - id: infra\n"
        "    assignee: acmee\n"
        "    status: planned\n"
        "    agreements: [no-such]\n"
        "    depends_on: [infra, nope]\n"
    )
    root = _repo(make_repo, packages)
    assert _rows(root) == [
        ("projects/big.yaml", 13, 15, "project-references", "unknown member 'acmee' (did you mean 'acme'?)"),
        ("projects/big.yaml", 15, 18, "project-references", "unknown agreement 'no-such'"),
        ("projects/big.yaml", 16, 18, "project-references", "package 'infra' cannot depend on itself"),
        (
            "projects/big.yaml",
            16,
            25,
            "project-references",
            "unknown package 'nope': depends_on names packages of this project",
        ),
    ]


def test_package_values_exceed_the_total(make_repo: MakeRepo) -> None:
    packages = (
        "  - {id: infra, assignee: acme, value: 70, status: planned}\n"
        "  - {id: ops, assignee: acme, value: 40, status: planned}\n"
        "  - {id: more, assignee: acme, value: 1, status: planned}\n"
    )
    root = _repo(make_repo, packages)
    assert _rows(root) == [
        (
            "projects/big.yaml",
            13,
            38,
            "project-values",
            "packages up to 'ops' add up to 110 CNY, more than the project's value of 100 CNY",
        )
    ]


def test_package_shares_exceed_100(make_repo: MakeRepo) -> None:
    packages = (
        "  - {id: infra, assignee: acme, share: 60, status: planned}\n"
        "  - {id: ops, assignee: acme, share: 50, status: planned}\n"
    )
    root = _repo(make_repo, packages)
    assert _rows(root) == [
        (
            "projects/big.yaml",
            13,
            38,
            "project-values",
            "packages up to 'ops' add up to 110% of the project, more than 100%",
        )
    ]


def test_package_after_the_project_end(make_repo: MakeRepo) -> None:
    packages = (
        "  - {id: infra, assignee: acme, status: planned, start: 2026-06-01, end: 2026-07-15}\n"
        "  - {id: ops, assignee: acme, status: planned, start: 2026-05-01, end: 2026-04-01}\n"
        "  - {id: early, assignee: acme, status: planned, start: 2025-12-01}\n"
    )
    root = _repo(make_repo, packages)
    assert _rows(root) == [
        (
            "projects/big.yaml",
            12,
            74,
            "project-dates",
            "package 'infra' ends on 2026-07-15, after the project's end (2026-06-30)",
        ),
        ("projects/big.yaml", 13, 72, "project-dates", "package 'ops' ends (2026-04-01) before it starts (2026-05-01)"),
        (
            "projects/big.yaml",
            14,
            57,
            "project-dates",
            "package 'early' starts on 2025-12-01, before the project's start (2026-01-01)",
        ),
    ]


def test_dependency_cycle(make_repo: MakeRepo) -> None:
    packages = (
        "  - {id: aa, assignee: acme, status: planned, depends_on: [cc]}\n"
        "  - {id: bb, assignee: acme, status: planned, depends_on: [aa]}\n"
        "  - {id: cc, assignee: acme, status: planned, depends_on: [bb]}\n"
        "  - {id: dd, assignee: acme, status: planned, depends_on: [aa]}\n"
    )
    root = _repo(make_repo, packages)
    assert _rows(root) == [
        (
            "projects/big.yaml",
            12,
            59,
            "project-dependency-cycle",
            "packages depend on each other in a circle: aa → cc → bb → aa",
        )
    ]


def test_assignee_not_a_member_on_the_package_dates(make_repo: MakeRepo) -> None:
    late = member("late", "claims:\n  - {id: all, sector: ['*'], region: ['*']}\n").replace("2025-01-01", "2026-02-01")
    gone = member("gone", "left: 2026-03-31\nclaims:\n  - {id: all, sector: ['*'], region: ['*']}\n")
    packages = (
        "  - {id: infra, assignee: late, status: planned}\n"
        "  - {id: ops, assignee: gone, status: delivered, end: 2026-05-31}\n"
    )
    root = _repo(make_repo, packages, late=late, gone=gone)
    assert _rows(root) == [
        (
            "projects/big.yaml",
            12,
            27,
            "project-assignee-membership",
            "package 'infra' is given to a non-member: late joins on 2026-02-01, after the package starts (2026-01-01)",
        ),
        (
            "projects/big.yaml",
            13,
            25,
            "project-assignee-membership",
            "package 'ops' is given to a non-member: gone leaves on 2026-03-31, before the package ends (2026-05-31)",
        ),
    ]


def test_departed_member_holding_an_open_package(make_repo: MakeRepo) -> None:
    gone = member("gone", "claims:\n  - {id: all, sector: ['*'], region: ['*']}\n").replace("active", "withdrawn")
    packages = (
        "  - {id: infra, assignee: gone, status: in-progress}\n  - {id: ops, assignee: gone, status: delivered}\n"
    )
    root = _repo(make_repo, packages, gone=gone)
    assert _rows(root) == [
        (
            "projects/big.yaml",
            12,
            41,
            "project-departed-assignee",
            "package 'infra' is still in-progress but its assignee gone has left the alliance: reassign it or close it",
        )
    ]


def test_assignee_without_a_covering_claim_nobody_else_claims(make_repo: MakeRepo) -> None:
    packages = "  - {id: infra, assignee: gamma, status: planned, market: {sector: edu, region: FR}}\n"
    root = _repo(make_repo, packages)
    report = _report(root)
    rows = [f for f in report["findings"] if f["rule"] in PROJECT_RULES]
    assert [(f["line"], f["column"], f["rule"], f["severity"], f["message"]) for f in rows] == [
        (
            12,
            27,
            "project-assignee-claim",
            "warning",
            "package 'infra' is in edu × FR, which none of gamma's declared focus areas covers on the package's dates",
        )
    ]


def test_package_in_another_members_focus_area(make_repo: MakeRepo) -> None:
    # gamma declares only education; acme (cloud/compute, CN, smb) and beta (cloud, CN-ZJ) both
    # cover the project's box cloud/compute × CN-ZJ × smb.
    root = _repo(make_repo, "  - {id: infra, assignee: gamma, status: planned}\n")
    report = _report(root)
    rows = [f for f in report["findings"] if f["rule"] in PROJECT_RULES]
    assert [(f["line"], f["column"], f["rule"], f["message"]) for f in rows] == [
        (
            12,
            27,
            "project-package-overlap",
            "package 'infra' gives work in cloud/compute × CN-ZJ × smb to gamma, outside its declared focus "
            "areas, while acme, beta declare a focus area covering it: an overlap to coordinate with them, not a "
            "verdict",
        )
    ]
    assert [(r["path"], r["line"], r["message"]) for r in rows[0]["related"]] == [
        ("members/acme.yaml", 8, "acme's declared focus area 'compute'"),
        ("members/beta.yaml", 8, "beta's declared focus area 'cloud'"),
    ]


CAPABLE_GAMMA = member(
    "gamma",
    "claims:\n  - {id: edu, sector: [edu], region: [CN]}\n"
    "capabilities:\n  - {id: data-ops, sector: [cloud], region: [CN], period: {start: 2026-01-01}}\n"
    "  - {id: french-edu, sector: [edu], region: [FR]}\n",
)


def test_a_capability_satisfies_the_assignee_check_but_not_the_overlap(make_repo: MakeRepo) -> None:
    # gamma's capability french-edu covers edu × FR, which nobody declares: no finding at all.
    packages = (
        "  - {id: course, assignee: gamma, status: planned, market: {sector: edu, region: FR}}\n"
        "  - {id: infra, assignee: gamma, status: planned}\n"
    )
    root = _repo(make_repo, packages, gamma=CAPABLE_GAMMA)
    report = _report(root)
    rows = [f for f in report["findings"] if f["rule"] in PROJECT_RULES]
    # infra sits in acme's and beta's declared focus areas: still an overlap to coordinate, and the
    # capability is named as what explains the choice.
    assert [(f["line"], f["column"], f["rule"], f["message"]) for f in rows] == [
        (
            13,
            27,
            "project-package-overlap",
            "package 'infra' gives work in cloud/compute × CN-ZJ × smb to gamma, which records a capability "
            "covering it but declares no focus area there, while a declared focus area of acme, beta covers it: "
            "an overlap to coordinate with them, not a verdict",
        )
    ]
    assert [(r["path"], r["line"], r["column"], r["message"]) for r in rows[0]["related"]] == [
        ("members/gamma.yaml", 10, 5, "gamma's capability 'data-ops'"),
        ("members/acme.yaml", 8, 5, "acme's declared focus area 'compute'"),
        ("members/beta.yaml", 8, 5, "beta's declared focus area 'cloud'"),
    ]
    # Capabilities make no overlaps and no antitrust flags of their own.
    assert not [f for f in report["findings"] if f["path"] == "members/gamma.yaml"]
    # A capability that starts after the package's days does not cover it.
    later = CAPABLE_GAMMA.replace("start: 2026-01-01", "start: 2027-01-01").replace(
        "{id: french-edu, sector: [edu], region: [FR]}", "{id: french-edu, sector: [edu], region: [DE]}"
    )
    root = _repo(make_repo, packages, gamma=later)
    rules = [(f["line"], f["rule"]) for f in _report(root)["findings"] if f["rule"] in PROJECT_RULES]
    assert rules == [(12, "project-assignee-claim"), (13, "project-package-overlap")]


def test_capabilities_are_checked_by_the_schema_and_formatted_after_claims(make_repo: MakeRepo) -> None:
    bad = member("gamma", "capabilities:\n  - {id: xx, region: [CN]}\n  - {id: xx, sector: [edu], region: [CN]}\n")
    root = _repo(make_repo, "  - {id: infra, assignee: acme, status: planned}\n", gamma=bad)
    rows = [(p, line, c, r, m) for p, line, c, r, m in _rows(root) if p == "members/gamma.yaml"]
    assert rows == [
        (
            "members/gamma.yaml",
            8,
            5,
            "schema",
            "required field 'sector' is missing in entry 1 of capabilities (sector tree paths)",
        ),
    ]
    (root / "members/gamma.yaml").write_text(bad.replace("{id: xx, region", "{id: xx, sector: [edu], region"), "utf-8")
    rows = [(p, line, c, r, m) for p, line, c, r, m in _rows(root) if p == "members/gamma.yaml"]
    assert rows == [
        (
            "members/gamma.yaml",
            9,
            10,
            "duplicate-id",
            "the id 'xx' is used twice in capabilities (first at line 8): give each entry its own id",
        ),
    ]
    unordered = member("gamma", "capabilities:\n  - {id: c, sector: [edu], region: [CN]}\n") + (
        "claims:\n  - {id: edu, sector: [edu], region: [CN]}\n"
    )
    (root / "members/gamma.yaml").write_text(unordered, "utf-8")
    assert run_qtgov("fmt", "-C", root, "members/gamma.yaml").returncode == 0
    text = (root / "members/gamma.yaml").read_text("utf-8")
    assert text.index("claims:") < text.index("capabilities:")


def test_joint_bid_between_members_claiming_the_same_box(make_repo: MakeRepo) -> None:
    head = HEAD.replace("status: in-progress", "status: bid").replace(
        "prime: hub\n", "prime: acme\nbidders: [acme, beta, gamma]\n"
    )
    root = _repo(make_repo, "  - {id: infra, assignee: acme, status: planned}\n", head=head)
    report = _report(root)
    rows = [f for f in report["findings"] if f["rule"] in PROJECT_RULES]
    assert [(f["line"], f["column"], f["rule"], f["severity"], f["message"]) for f in rows] == [
        (
            7,
            10,
            "r10-bid-coordination",
            "warning",
            "HIGH risk: acme and beta bid together for 'big' while each declares a focus area covering "
            "cloud/compute × CN-ZJ × smb: a joint bid between potential competitors can be bid coordination; "
            "record in the note why none could bid alone, exchange no prices outside the bid, and have counsel "
            "review it",
        )
    ]
    # Two bidders in different markets raise nothing.
    (root / "projects/big.yaml").write_text(
        (head + "  - {id: infra, assignee: acme, status: planned}\n").replace("acme, beta, gamma", "acme, gamma"),
        "utf-8",
    )
    assert _rows(root) == []


# ---------------------------------------------------------------- qtgov new project, qtgov status


def test_alliance_only_records_are_refused_in_a_public_repository(make_repo: MakeRepo) -> None:
    # The test alliance's repository is public: anyone could read an "alliance" record there.
    root = make_repo({"members/acme.yaml": ACME})
    for args, kind in (
        (("project", "city-data", "--origin", "breakdown", "--prime", "acme"), "project"),
        (("agreement", "deal", "--type", "market-boundary", "--parties", "hub,acme"), "agreement"),
    ):
        result = run_qtgov("new", *args, "--visibility", "alliance", "-C", root)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr == (
            "qtgov: --visibility alliance: this repository is public (publish.repository in "
            f"charter/alliance.yaml), so anyone could read the {kind}; use --visibility public, or restricted "
            "to keep its terms in a pinned document; nothing written\n"
        )
    assert not (root / "projects").exists() and not (root / "agreements/deal.yaml").exists()
    private = make_repo(
        {
            "members/acme.yaml": ACME,
            "charter/alliance.yaml": ALLIANCE.replace("repository: public", "repository: private"),
        },
        name="private",
    )
    result = run_qtgov("new", "project", "city-data", "--origin", "breakdown", "--prime", "acme", "-C", private)
    assert result.returncode == 0, result.stderr
    assert "visibility: alliance\n" in (private / "projects/city-data.yaml").read_text("utf-8")


def test_new_project_writes_a_record_that_validates_with_placeholders(make_repo: MakeRepo) -> None:
    root = make_repo({"members/acme.yaml": ACME})
    result = run_qtgov(
        "new", "project", "city-data", "--origin", "breakdown", "--prime", "acme", "--title", "City data", "-C", root
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "wrote projects/city-data.yaml: new breakdown project city-data (bid), prime contractor acme"
    )
    assert (root / "projects/city-data.yaml").read_text("utf-8") == (
        "# yaml-language-server: $schema=https://quanttide.github.io/qtgov/schemas/project.schema.json\n"
        "# Written by qtgov new project: replace every TODO and x-todo.\n"
        "id: city-data\n"
        "title: City data\n"
        "origin: breakdown\n"
        "status: bid\n"
        "visibility: public\n"
        "prime: acme\n"
        "brought_by: acme\n"
        "packages:\n"
        "  - id: todo-package\n"
        '    title: "TODO: the package\'s name"\n'
        "    assignee: acme\n"
        "    status: planned\n"
        "    x-todo: 'cut the work into packages: who delivers what, when, and what each is worth'\n"
        "x-todo: give the client, the market (sector, region, segment), the value and the dates\n"
    )
    report = _report(root)
    assert report["summary"]["error"] == 0
    assert [(f["line"], f["rule"]) for f in report["findings"] if f["path"] == "projects/city-data.yaml"] == [
        (11, "placeholder"),
        (12, "placeholder"),
        (15, "placeholder"),
        (16, "placeholder"),
    ]
    again = run_qtgov("new", "project", "city-data", "--origin", "subcontract", "-C", root)
    assert (again.returncode, again.stdout) == (2, "")
    assert again.stderr == "qtgov: project 'city-data' already exists (projects/city-data.yaml); nothing written\n"
    unknown = run_qtgov("new", "project", "other", "--origin", "subcontract", "--prime", "acmee", "-C", root)
    assert (unknown.returncode, unknown.stderr) == (
        2,
        "qtgov: 'acmee' is not a member (did you mean 'acme'?); nothing written\n",
    )
    assert not (root / "projects/other.yaml").exists()


def test_status_shows_open_packages_and_their_deadlines(make_repo: MakeRepo) -> None:
    packages = (
        "  - {id: infra, assignee: acme, status: delivered, start: 2026-01-01, end: 2026-02-28}\n"
        "  - {id: ops, assignee: beta, status: in-progress, start: 2026-03-01, end: 2026-03-20}\n"
        "  - {id: late, assignee: acme, status: in-progress, start: 2026-01-10, end: 2026-02-10}\n"
        "  - {id: next, assignee: acme, status: planned, start: 2026-04-01}\n"
    )
    root = _repo(make_repo, packages)
    result = run_qtgov("status", "--as-of", "2026-03-01", "--due", "4w", "--format", "json", "-C", root)
    assert result.returncode == 0, result.stderr
    assert [
        (d["date"], d["kind"], d["id"], d["parties"], d["note"]) for d in json.loads(result.stdout)["deadlines"]
    ] == [
        ("2026-02-10", "overdue", "big/late", ["acme"], "package due on 2026-02-10, still in-progress"),
        ("2026-03-20", "due", "big/ops", ["beta"], "package due (last day of work)"),
    ]
    result = run_qtgov("status", "--as-of", "2026-03-01", "--due", "5w", "-C", root)
    assert result.stdout.splitlines()[3:] == [
        "Deadlines from 2026-03-01 to 2026-04-05:",
        "  2026-02-10  overdue  big/late                         acme — package due on 2026-02-10, still in-progress",
        "  2026-03-20  due      big/ops                          beta — package due (last day of work)",
        "  2026-04-01  start    big/next                         acme — package starts (first day of work)",
    ]
    result = run_qtgov("status", "--as-of", "2026-03-01", "-C", root)
    assert result.stdout.splitlines()[3:] == [
        "In force on 2026-03-01: 0 agreement(s)",
        "",
        "Work packages open on 2026-03-01: 2",
        "  big/ops                          in-progress      from 2026-03-01 until and including 2026-03-20  beta",
        "  big/late                         in-progress      from 2026-01-10 until and including 2026-02-10  acme"
        "  (overdue)",
    ]


# ---------------------------------------------------------------- bad input in projects/


def test_bad_project_files_are_findings_and_the_run_goes_on(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, "  - {id: infra, assignee: acme, status: planned\n")
    (root / "projects/.hidden.yaml").write_text("id: hidden\n", "utf-8")
    (root / "projects/empty.yaml").write_text("", "utf-8")
    (root / "projects/typo.yaml").write_text(
        (HEAD + "  - {id: infra, assignee: acme, status: planed}\n").replace("id: big", "id: typo"), "utf-8"
    )
    report = _report(root)
    assert [(f["path"], f["line"], f["column"], f["rule"]) for f in report["findings"] if f["severity"] == "error"] == [
        ("projects/.hidden.yaml", 1, 1, "file-name"),
        ("projects/big.yaml", 13, 1, "yaml-syntax"),
        ("projects/empty.yaml", 1, 1, "file-empty"),
        ("projects/typo.yaml", 12, 41, "schema"),
    ]
    typo = next(f for f in report["findings"] if f["path"] == "projects/typo.yaml")
    assert typo["message"] == (
        "status is 'planed' (did you mean 'planned'?): use planned, in-progress, delivered or cancelled"
    )


# ---------------------------------------------------------------- retrospectives


RETRO = """\
id: look-back
title: Looking back
date: 2026-07-01
authors: [hub, acmee]
visibility: alliance
concerns:
  projects: [big, nope]
  agreements: [no-such]
happened: It went well.
learned: Plan slack.
"""


def test_retrospective_references_and_date(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, "  - {id: infra, assignee: acme, status: delivered}\n")
    (root / "retrospectives").mkdir()
    (root / "retrospectives/look-back.yaml").write_text(RETRO, "utf-8")
    (root / "retrospectives/early.yaml").write_text(
        RETRO.replace("look-back", "early")
        .replace("2026-07-01", "2025-12-01")
        .replace(", acmee", "")
        .replace(", nope", "")
        .replace("  agreements: [no-such]\n", ""),
        "utf-8",
    )
    rows = [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in _report(root)["findings"]
        if f["rule"] in ("retrospective-references", "record-id", "schema")
    ]
    assert rows == [
        (
            "retrospectives/early.yaml",
            3,
            7,
            "retrospective-references",
            "written on 2025-12-01, before project 'big' starts (2026-01-01)",
        ),
        (
            "retrospectives/look-back.yaml",
            4,
            16,
            "retrospective-references",
            "unknown member 'acmee' (did you mean 'acme'?)",
        ),
        ("retrospectives/look-back.yaml", 7, 19, "retrospective-references", "unknown project 'nope'"),
        ("retrospectives/look-back.yaml", 8, 16, "retrospective-references", "unknown agreement 'no-such'"),
    ]
