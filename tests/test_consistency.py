"""Ids listed twice in one record, misspelt references, and courses co-listed on different terms:
exact findings of `qtgov validate` on real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import HUB, run_qtgov

MakeRepo = Callable[..., Path]
Row = tuple[str, int, int, str, str]

ACME = """\
id: acme
kind: member
name: Acme
status: active
visibility: public
"""

BETA = ACME.replace("acme", "beta").replace("Acme", "Beta")


def _report(root: Path) -> dict[str, Any]:
    result = run_qtgov("validate", root, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _rows(root: Path, *rules: str) -> list[Row]:
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in _report(root)["findings"]
        if f["rule"] in rules
    ]


# ---------------------------------------------------------------- duplicate ids (issue 9, item 15)


def test_two_claims_with_one_id(make_repo: MakeRepo) -> None:
    text = ACME + (
        "claims:\n"
        "  - {id: cloud, sector: [cloud], region: [CN]}\n"
        "  - {id: edu, sector: [edu], region: [CN]}\n"
        "  - {id: cloud, sector: [cloud/compute], region: [FR]}\n"
    )
    root = make_repo({"members/acme.yaml": text})
    report = _report(root)
    rows = [f for f in report["findings"] if f["rule"] == "duplicate-id"]
    assert [(f["path"], f["line"], f["column"], f["severity"], f["message"], f["pointer"]) for f in rows] == [
        (
            "members/acme.yaml",
            9,
            10,
            "error",
            "the id 'cloud' is used twice in claims (first at line 7): give each entry its own id",
            "/claims/2/id",
        )
    ]
    assert rows[0]["related"] == [{"path": "members/acme.yaml", "line": 7, "column": 10, "message": "first 'cloud'"}]
    assert report["status"] == "fail"


def test_two_representatives_and_two_counsel_with_one_id(make_repo: MakeRepo) -> None:
    reps = HUB + (
        "representatives:\n"
        "  - {id: li, name: Li, can_sign: true, since: 2025-01-01}\n"
        "  - {id: li, name: Li Two, can_sign: false, since: 2025-02-01}\n"
    )
    from tests.conftest import ALLIANCE

    alliance = ALLIANCE.replace(
        "  counsel: []\n",
        "  counsel:\n    - {id: lin, name: Lin}\n    - {id: lin, name: Lin Again}\n",
    )
    root = make_repo({"members/hub.yaml": reps, "charter/alliance.yaml": alliance})
    assert _rows(root, "duplicate-id") == [
        (
            "charter/alliance.yaml",
            12,
            12,
            "duplicate-id",
            "the id 'lin' is used twice in counsel (first at line 11): give each entry its own id",
        ),
        (
            "members/hub.yaml",
            15,
            10,
            "duplicate-id",
            "the id 'li' is used twice in representatives (first at line 14): give each entry its own id",
        ),
    ]


def test_distinct_ids_are_fine(make_repo: MakeRepo) -> None:
    text = ACME + "claims:\n  - {id: a1, sector: [cloud], region: [CN]}\n  - {id: a2, sector: [edu], region: [CN]}\n"
    assert _rows(make_repo({"members/acme.yaml": text}), "duplicate-id") == []


# ---------------------------------------------------------------- did you mean (item 28)


def test_misspelt_member_reference_gets_a_suggestion(make_repo: MakeRepo) -> None:
    deal = (
        "id: deal\ntype: talent\ntitle: Deal\nversion: 1\nstatus: draft\n"
        "parties:\n  - member: acme\n  - member: betta\nvisibility: public\nterms: {kind: training}\n"
    )
    root = make_repo({"members/acme.yaml": ACME, "members/beta.yaml": BETA, "agreements/deal.yaml": deal})
    assert _rows(root, "reference") == [
        ("agreements/deal.yaml", 8, 13, "reference", "unknown member 'betta' (did you mean 'beta'?)")
    ]


def test_misspelt_field_and_choice_get_suggestions(make_repo: MakeRepo) -> None:
    text = ACME.replace("status: active", "status: activ") + "webiste: https://acme.example\n"
    assert _rows(make_repo({"members/acme.yaml": text}), "schema") == [
        (
            "members/acme.yaml",
            4,
            9,
            "schema",
            "status is 'activ' (did you mean 'active'?): use prospective, active, suspended or withdrawn",
        ),
        (
            "members/acme.yaml",
            6,
            1,
            "schema",
            "unknown field 'webiste' (did you mean 'website'?): fields of your own must start with x-",
        ),
    ]


# ---------------------------------------------------------------- course listings (item 7)


def _listing(
    ident: str, course_id: str | None, split: tuple[int, int], *, status: str = "executed", **extra: str
) -> str:
    item = f"    - id: {course_id}\n      course: Python\n" if course_id else "    - course: Python\n"
    effective = extra.get("effective", "2025-01-01")
    end = extra.get("end", "2025-12-31")
    basis = extra.get("basis", "net")
    return (
        f"id: {ident}\ntype: revenue-share\ntitle: Python on the platform\nversion: 1\nstatus: {status}\n"
        "parties:\n  - member: hub\n    role: platform\n  - member: acme\n    role: owner\n"
        f"effective: {effective}\nterm: {{end: {end}}}\nvisibility: alliance\n"
        "terms:\n  items:\n" + item + "      owner: acme\n"
        f"  pricing_authority: owner\n  revenue_basis: {basis}\n"
        f"  split:\n    - {{member: hub, pct: {split[0]}}}\n    - {{member: acme, pct: {split[1]}}}\n"
    )


def test_two_in_force_listings_of_one_course_on_different_terms(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "members/acme.yaml": ACME,
            "agreements/rs-a.yaml": _listing("rs-a", "python-basics", (30, 70)),
            "agreements/rs-b.yaml": _listing("rs-b", "python-basics", (40, 60), basis="gross", effective="2025-06-01"),
        }
    )
    report = _report(root)
    rows = [f for f in report["findings"] if f["rule"] == "course-listing"]
    assert [(f["path"], f["line"], f["column"], f["severity"], f["message"]) for f in rows] == [
        (
            "agreements/rs-b.yaml",
            16,
            11,
            "error",
            "course 'python-basics' is also listed by rs-a, in force at the same time on other terms"
            " (revenue_basis gross here, net there; split acme 60%, hub 40% here, acme 70%, hub 30% there):"
            " terminate or amend one of them",
        )
    ]
    assert rows[0]["related"] == [
        {"path": "agreements/rs-a.yaml", "line": 16, "column": 11, "message": "'python-basics' listed by rs-a"}
    ]


def test_listings_that_agree_or_do_not_meet_are_fine(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            "members/acme.yaml": ACME,
            "agreements/rs-a.yaml": _listing("rs-a", "python-basics", (30, 70)),
            # the same terms at the same time: a renewal on paper, not a conflict
            "agreements/rs-b.yaml": _listing("rs-b", "python-basics", (30, 70), effective="2025-06-01"),
            # other terms, but only after rs-a has ended
            "agreements/rs-c.yaml": _listing(
                "rs-c", "python-basics", (50, 50), effective="2026-01-01", end="2026-12-31"
            ),
            # other terms, but never in force
            "agreements/rs-d.yaml": _listing("rs-d", "python-basics", (10, 90), status="draft"),
        }
    )
    assert _rows(root, "course-listing") == []


def test_one_course_id_names_one_owner(make_repo: MakeRepo) -> None:
    other = _listing("rs-b", "python-basics", (30, 70), status="draft").replace("owner: acme", "owner: beta")
    other = other.replace("member: acme", "member: beta")
    root = make_repo(
        {
            "members/acme.yaml": ACME,
            "members/beta.yaml": BETA,
            "agreements/rs-a.yaml": _listing("rs-a", "python-basics", (30, 70), status="draft"),
            "agreements/rs-b.yaml": other,
        }
    )
    assert _rows(root, "course-listing") == [
        (
            "agreements/rs-b.yaml",
            18,
            14,
            "course-listing",
            "course 'python-basics' is owned by 'beta' here but by 'acme' in rs-a: one course id names one course",
        )
    ]


def test_a_course_without_an_id_is_a_warning(make_repo: MakeRepo) -> None:
    draft = _listing("rs-a", None, (30, 70), status="draft")
    report = _report(make_repo({"members/acme.yaml": ACME, "agreements/rs-a.yaml": draft}))
    rows = [
        (f["line"], f["column"], f["severity"], f["message"])
        for f in report["findings"]
        if f["rule"] == "course-listing"
    ]
    assert rows == [(16, 7, "warning", "this course has no id: give it the id it has in every agreement that lists it")]


def test_misspelt_signatory_and_counsel_get_suggestions(make_repo: MakeRepo) -> None:
    from tests.conftest import ALLIANCE

    alliance = ALLIANCE.replace(
        "  counsel: []\n",
        "  counsel:\n    - {id: lin-law, name: Lin, commit_emails: [lin@law.example.org], signing_keys: []}\n",
    )
    acme = ACME + "representatives:\n  - {id: ann, name: Ann, can_sign: true, since: 2024-01-01}\n"
    deal = (
        "id: deal\ntype: talent\ntitle: Deal\nversion: 1\nstatus: draft\n"
        "parties:\n  - member: acme\nvisibility: public\nterms: {kind: training}\n"
        "signatures:\n  - {member: acme, signatory: anne, date: 2025-01-02, method: git-commit,"
        f" content_sha256: {'a' * 64}}}\n"
        "legal_review: {status: approved, reviewer: lin-lw, date: 2025-01-03}\n"
    )
    root = make_repo({"charter/alliance.yaml": alliance, "members/acme.yaml": acme, "agreements/deal.yaml": deal})
    assert _rows(root, "signature-authority", "counsel") == [
        (
            "agreements/deal.yaml",
            11,
            31,
            "signature-authority",
            "'anne' is not a representative of 'acme' (did you mean 'ann'?)",
        ),
        (
            "agreements/deal.yaml",
            12,
            44,
            "counsel",
            "'lin-lw' is not one of the alliance's counsel (charter/alliance.yaml legal.counsel)"
            " (did you mean 'lin-law'?)",
        ),
    ]
