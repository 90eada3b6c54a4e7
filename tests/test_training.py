"""Targeted training engagements (talent agreements of kind training): the courses exist and the
trainer owns or co-lists them; exact findings of `qtgov validate` run as a subprocess."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import run_qtgov

MakeRepo = Callable[..., Path]


def member(ident: str) -> str:
    return f"id: {ident}\nkind: member\nname: {ident.title()}\nstatus: active\nvisibility: public\n"


LISTING = """\
id: rs-courses
type: revenue-share
title: Courses
version: 1
status: draft
parties: [{member: acme}, {member: hub}]
effective: on-execution
visibility: public
terms:
  items:
    - {id: python-basics, course: Python basics, owner: acme}
  pricing_authority: owner
  revenue_basis: gross
  split: [{member: acme, pct: 80}, {member: hub, pct: 20}]
"""

TRAINING = """\
id: tl-training
type: talent
title: Training for a bank
version: 1
status: draft
parties: [{member: {trainer}}, {member: hub}]
effective: on-execution
visibility: restricted
terms:
  kind: training
  trainer: {trainer}
  client: {name: A bank}
  cohort_size: 30
  courses: [python-basics, pyton-advanced]
  period: {start: 2026-03-01, end: 2026-02-01}
"""


def _rows(root: Path) -> list[tuple[str, int, int, str, str, str]]:
    result = run_qtgov("validate", root, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["severity"], f["message"])
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] in ("training-engagement", "dates", "reference", "schema")
    ]


def _repo(make_repo: MakeRepo, trainer: str) -> Path:
    files = {
        "members/acme.yaml": member("acme"),
        "members/beta.yaml": member("beta"),
        "agreements/rs-courses.yaml": LISTING,
        "agreements/tl-training.yaml": TRAINING.replace("{trainer}", trainer).replace(
            "visibility: restricted", "visibility: public"
        ),
    }
    return make_repo(files)


def test_the_owner_trains_with_its_course_and_a_missing_one_is_reported(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, "acme")
    assert _rows(root) == [
        (
            "agreements/tl-training.yaml",
            14,
            28,
            "training-engagement",
            "error",
            "course 'pyton-advanced' is listed in no revenue-share agreement",
        ),
        (
            "agreements/tl-training.yaml",
            15,
            36,
            "dates",
            "error",
            "period ends before it starts: 2026-02-01 is before 2026-03-01",
        ),
    ]


def test_a_trainer_that_neither_owns_nor_co_lists_the_course(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, "beta")
    rows = _rows(root)
    assert rows[0] == (
        "agreements/tl-training.yaml",
        14,
        13,
        "training-engagement",
        "error",
        "course 'python-basics' belongs to acme and beta does not co-list it: the trainer uses courses it owns "
        "or is a party to listing",
    )


def test_the_trainer_must_be_a_party_and_be_named(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, "acme")
    text = (root / "agreements/tl-training.yaml").read_text("utf-8")
    (root / "agreements/tl-training.yaml").write_text(
        text.replace("  trainer: acme\n", "").replace("[python-basics, pyton-advanced]", "[python-basics]"), "utf-8"
    )
    assert [r[1:5] for r in _rows(root) if r[3] == "training-engagement"] == [(10, 9, "training-engagement", "warning")]
    (root / "agreements/tl-training.yaml").write_text(
        text.replace("{member: acme}", "{member: beta}").replace("[python-basics, pyton-advanced]", "[python-basics]"),
        "utf-8",
    )
    assert [r[3:] for r in _rows(root) if r[3] != "dates"] == [
        ("reference", "error", "'acme' is named in the terms but is not a party to this agreement")
    ]
