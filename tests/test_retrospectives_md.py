"""Markdown retrospectives (`retrospectives/<id>.md`: YAML front matter, Markdown body), and the
visibility rules on projects and retrospectives, with exact findings of `qtgov validate` run as a
real subprocess on real files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qtgov.records.repo import load_repository
from tests.conftest import ALLIANCE, run_qtgov

MakeRepo = Callable[..., Path]
Row = tuple[str, int, int, str, str]

RULES = (
    "schema",
    "front-matter",
    "record-id",
    "duplicate-id",
    "file-name",
    "yaml-syntax",
    "retrospective-references",
    "prose-visibility",
    "visibility-public-repository",
    "visibility-restricted",
)

ACME = "id: acme\nkind: member\nname: Acme\nstatus: active\njoined: 2025-01-01\nvisibility: public\n"
SECRET = "id: secret\nkind: member\nname: Secret Co\nstatus: active\njoined: 2025-01-01\nvisibility: alliance\n"

MD = """\
---
id: look-back
title: Looking back
date: 2026-01-20
authors: [acme]
visibility: public
concerns: {agreements: [deal]}
---
# What happened

It went well.
"""

DEAL = """\
id: deal
type: talent
title: A deal
version: 1
status: draft
parties: [{member: acme}, {member: hub}]
effective: on-execution
governing_law: CN
visibility: public
terms:
  kind: part-time
  home: acme
  host: hub
  time_share_pct: 20
  period: {start: 2026-01-01, end: 2026-06-30}
"""


def _rows(root: Path, rules: tuple[str, ...] = RULES) -> list[Row]:
    result = run_qtgov("validate", "-C", root, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return [
        (f["path"], f["line"], f["column"], f["rule"], f["message"])
        for f in report["findings"]
        if f["rule"] in rules and f["path"].startswith(("retrospectives/", "projects/"))
    ]


def _repo(make_repo: MakeRepo, files: dict[str, str], alliance: str = ALLIANCE) -> Path:
    base = {"charter/alliance.yaml": alliance, "members/acme.yaml": ACME, "agreements/deal.yaml": DEAL}
    return make_repo({**base, **files})


def test_a_markdown_retrospective_loads_with_its_body_and_language(make_repo: MakeRepo) -> None:
    root = _repo(make_repo, {"retrospectives/look-back.md": MD})
    assert _rows(root) == []
    retro = load_repository(root, use_cache=False).index.retrospectives["look-back"]
    assert retro.path == "retrospectives/look-back.md"
    assert retro.data == {
        "id": "look-back",
        "title": "Looking back",
        "date": "2026-01-20",
        "authors": ["acme"],
        "visibility": "public",
        "concerns": {"agreements": ["deal"]},
        "body": "# What happened\n\nIt went well.\n",
        "lang": "en",  # the alliance's first language
    }
    assert retro.mark("body") == (9, 1)
    assert retro.mark("authors", 0) == (5, 11)
    # The front matter's own `lang` wins.
    (root / "retrospectives/look-back.md").write_text(MD.replace("date:", "lang: zh\ndate:"), "utf-8")
    assert load_repository(root, use_cache=False).index.retrospectives["look-back"].data["lang"] == "zh"


def test_front_matter_positions_schema_and_references(make_repo: MakeRepo) -> None:
    text = MD.replace("authors: [acme]", "authors: [acmee]").replace("date: 2026-01-20", "date: 2026-13-01")
    text = text.replace("# What happened\n\nIt went well.\n", "   \n")
    root = _repo(make_repo, {"retrospectives/look-back.md": text})
    assert _rows(root) == [
        # at the front matter's first field: the body is blank, so the YAML fields must carry the text
        ("retrospectives/look-back.md", 2, 1, "schema", "required field 'happened' is missing"),
        ("retrospectives/look-back.md", 2, 1, "schema", "required field 'learned' is missing"),
        (
            "retrospectives/look-back.md",
            4,
            7,
            "schema",
            "date is '2026-13-01', which is not a real calendar day: give a date YYYY-MM-DD",
        ),
    ]
    text = MD.replace("authors: [acme]", "authors: [acmee]")
    (root / "retrospectives/look-back.md").write_text(text, "utf-8")
    assert _rows(root) == [
        (
            "retrospectives/look-back.md",
            5,
            11,
            "retrospective-references",
            "unknown member 'acmee' (did you mean 'acme'?)",
        )
    ]
    # With an empty body the YAML fields carry the text.
    text = MD.replace(
        "---\n# What happened\n\nIt went well.\n", "happened: It went well.\nlearned: Start early.\n---\n"
    )
    (root / "retrospectives/look-back.md").write_text(text, "utf-8")
    assert _rows(root) == []


def test_bad_front_matter_is_a_finding_never_a_traceback(make_repo: MakeRepo) -> None:
    cases = {
        "no-open.md": (
            "# Just Markdown\n",
            1,
            1,
            "a Markdown record starts with its front matter: a line ---, its fields in YAML, then a line ---",
        ),
        "no-close.md": (
            "---\nid: no-close\ntitle: x\n",
            1,
            1,
            "the front matter opened on line 1 has no closing --- line",
        ),
        "empty.md": ("---\n---\nBody.\n", 1, 1, "the front matter is empty: write the record's fields in it"),
        "listed.md": (
            "---\n- a\n- b\n---\nBody.\n",
            2,
            1,
            "the front matter is not a mapping of fields (key: value lines)",
        ),
        "bodied.md": (
            "---\nid: bodied\nbody: text\n---\nBody.\n",
            3,
            1,
            "body is the Markdown text after the front matter, not a field: remove it from the front matter",
        ),
    }
    root = _repo(make_repo, {f"retrospectives/{name}": text for name, (text, *_rest) in cases.items()})
    root.joinpath("retrospectives/broken.md").write_text("---\nid: [unclosed\n---\nBody.\n", "utf-8")
    root.joinpath("retrospectives/notes.txt").write_text("x", "utf-8")
    root.joinpath("retrospectives/.draft.md").write_text(MD, "utf-8")
    rows = _rows(root)
    assert rows[0] == (
        "retrospectives/.draft.md",
        1,
        1,
        "file-name",
        "hidden file '.draft.md' is not read as a record; rename it to 'draft.md' or delete it",
    )
    assert rows[1] == ("retrospectives/bodied.md", 3, 1, "front-matter", cases["bodied.md"][3])
    assert rows[2][:4] == ("retrospectives/broken.md", 3, 1, "yaml-syntax")
    assert rows[3:] == [
        *[
            (f"retrospectives/{name}", line, column, "front-matter", message)
            for name, (_text, line, column, message) in sorted(cases.items())
            if name != "bodied.md"
        ],
        (
            "retrospectives/notes.txt",
            1,
            1,
            "file-name",
            "retrospective files end in .yaml or .md: rename 'notes.txt'",
        ),
    ]
    result = run_qtgov("validate", "-C", root)
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_record_id_and_one_id_written_both_ways(make_repo: MakeRepo) -> None:
    yaml_form = (
        "id: look-back\ntitle: Looking back\ndate: 2026-01-20\nauthors: [acme]\nvisibility: public\n"
        "concerns: {agreements: [deal]}\nhappened: It went well.\nlearned: Start early.\n"
    )
    root = _repo(
        make_repo,
        {
            "retrospectives/look-back.md": MD,
            "retrospectives/look-back.yaml": yaml_form,
            "retrospectives/other.md": MD,
        },
    )
    assert _rows(root) == [
        (
            "retrospectives/look-back.md",
            1,
            1,
            "duplicate-id",
            "retrospective 'look-back' is written twice, here and in retrospectives/look-back.yaml: keep one of the "
            "two files",
        ),
        (
            "retrospectives/other.md",
            2,
            5,
            "record-id",
            "id 'look-back' differs from the file name; use 'other', or rename the file: "
            "git mv retrospectives/other.md retrospectives/look-back.md",
        ),
    ]
    index = load_repository(root, use_cache=False).index
    assert index.retrospectives["look-back"].path == "retrospectives/look-back.yaml"


def test_the_cache_keeps_the_body_and_not_an_old_default_language(make_repo: MakeRepo, tmp_path: Path) -> None:
    import os

    root = _repo(make_repo, {"retrospectives/look-back.md": MD})
    os.environ["QTGOV_CACHE_DIR"] = str(tmp_path / "cache")
    try:
        cold = load_repository(root).index.retrospectives["look-back"]
        warm = load_repository(root).index.retrospectives["look-back"]
        assert warm.data == cold.data and warm.mark("body") == (9, 1)
        (root / "charter/alliance.yaml").write_text(ALLIANCE.replace("languages: [en]", "languages: [zh, en]"), "utf-8")
        assert load_repository(root).index.retrospectives["look-back"].data["lang"] == "zh"
    finally:
        del os.environ["QTGOV_CACHE_DIR"]


# ------------------------------------------------------------------------------- visibility


PROJECT = """\
id: big
title: Big project
origin: subcontract
status: won
visibility: alliance
prime: hub
client: {name: A bank}
market: {sector: cloud, region: CN}
packages:
  - {id: infra, title: Infra, scope: Build it, assignee: acme, share: 50, status: planned}
"""


def test_an_alliance_project_and_retrospective_in_a_public_repository(make_repo: MakeRepo) -> None:
    retro = MD.replace("visibility: public", "visibility: alliance")
    root = _repo(make_repo, {"projects/big.yaml": PROJECT, "retrospectives/look-back.md": retro})
    context = "alliance-visible {kind} in a public repository (anyone can read it)"
    tail = (
        "is not allowed (only its id, title, members, status and dates); keep it in a document outside the "
        "repository, or make the record public if it may be published"
    )
    assert _rows(root, ("visibility-public-repository",)) == [
        ("projects/big.yaml", 7, 1, "visibility-public-repository", f"{context.format(kind='project')}: client {tail}"),
        ("projects/big.yaml", 8, 1, "visibility-public-repository", f"{context.format(kind='project')}: market {tail}"),
        (
            "projects/big.yaml",
            10,
            17,
            "visibility-public-repository",
            f"{context.format(kind='project')}: packages/0/title {tail}",
        ),
        (
            "projects/big.yaml",
            10,
            31,
            "visibility-public-repository",
            f"{context.format(kind='project')}: packages/0/scope {tail}",
        ),
        (
            "projects/big.yaml",
            10,
            64,
            "visibility-public-repository",
            f"{context.format(kind='project')}: packages/0/share {tail}",
        ),
        (
            "retrospectives/look-back.md",
            9,
            1,
            "visibility-public-repository",
            f"{context.format(kind='retrospective')}: body {tail}",
        ),
    ]
    # In a private repository the same records are fine; restricted ones are held to the limit anywhere.
    private = ALLIANCE.replace("repository: public", "repository: private")
    (root / "charter/alliance.yaml").write_text(private, "utf-8")
    assert _rows(root, ("visibility-public-repository", "visibility-restricted")) == []
    (root / "projects/big.yaml").write_text(PROJECT.replace("visibility: alliance", "visibility: restricted"), "utf-8")
    rows = _rows(root, ("visibility-restricted",))
    assert [(p, line, c) for p, line, c, _, _ in rows] == [
        ("projects/big.yaml", 7, 1),
        ("projects/big.yaml", 8, 1),
        ("projects/big.yaml", 10, 17),
        ("projects/big.yaml", 10, 31),
        ("projects/big.yaml", 10, 64),
    ]
    assert rows[0][4] == f"restricted project: client {tail}"


def test_a_public_retrospective_naming_a_hidden_record(make_repo: MakeRepo) -> None:
    private = ALLIANCE.replace("repository: public", "repository: private")
    body = (
        "# What happened\n\nWe worked with secret and Secret Co.\n"
        "<!-- qtgov: alliance -->\nsecret again\n<!-- qtgov: end -->\n"
    )
    yaml_form = (
        "id: year\ntitle: A year with big\ndate: 2026-01-20\nauthors: [acme]\nvisibility: public\n"
        "concerns: {projects: [big]}\nhappened:\n  en: |\n    First line.\n    Then Big project began.\n"
        "learned: Fine.\n"
    )
    project = PROJECT.replace("status: won", "status: won\nstart: 2025-01-01")
    root = _repo(
        make_repo,
        {
            "members/secret.yaml": SECRET,
            "projects/big.yaml": project,
            "retrospectives/look-back.md": MD.replace("# What happened\n\nIt went well.\n", body),
            "retrospectives/year.yaml": yaml_form,
        },
        alliance=private,
    )
    head = "which is not public, in a public retrospective: the public handbook would show it; mark the passage "
    tail = "alliance-only (<!-- qtgov: alliance --> … <!-- qtgov: end -->) or reword it"
    assert _rows(root, ("prose-visibility",)) == [
        ("retrospectives/look-back.md", 11, 16, "prose-visibility", f"names the member 'secret', {head}{tail}"),
        ("retrospectives/look-back.md", 11, 27, "prose-visibility", f"names the member 'secret', {head}{tail}"),
        ("retrospectives/year.yaml", 2, 20, "prose-visibility", f"names the project 'big', {head}{tail}"),
        ("retrospectives/year.yaml", 10, 10, "prose-visibility", f"names the project 'big', {head}{tail}"),
    ]
    zh = run_qtgov("validate", "-C", root, "--lang", "zh")
    assert "提到了不公开的项目 'big'" in zh.stdout
    # Alliance-visible retrospectives are read only in the alliance edition, which hides nothing.
    for name in ("look-back.md", "year.yaml"):
        path = root / "retrospectives" / name
        path.write_text(path.read_text("utf-8").replace("visibility: public", "visibility: alliance"), "utf-8")
    assert _rows(root, ("prose-visibility",)) == []


def test_fmt_formats_the_front_matter_and_leaves_the_body_byte_identical(make_repo: MakeRepo) -> None:
    body = "# What happened   \n\n*  odd   list\n\n\n| a |b|\n---\nnot front matter\n"
    messy = (
        "---\nvisibility: public\nconcerns:   {agreements: [deal]}\nid: look-back\nauthors: [acme]  # who wrote it\n"
        "date: 2026-01-20\ntitle: Looking back\n---\n" + body
    )
    root = _repo(make_repo, {"retrospectives/look-back.md": messy})
    check = run_qtgov("fmt", "--check", "-C", root, "retrospectives")
    assert (check.returncode, check.stdout) == (
        1,
        "retrospectives/look-back.md:2: not in canonical form (run qtgov fmt retrospectives/look-back.md)\n",
    )
    done = run_qtgov("fmt", "-C", root, "retrospectives/look-back.md")
    assert (done.returncode, done.stdout) == (0, "formatted retrospectives/look-back.md\n1 formatted, 0 unchanged\n")
    assert (root / "retrospectives/look-back.md").read_bytes() == (
        "---\nid: look-back\ntitle: Looking back\ndate: 2026-01-20\nauthors: [acme]  # who wrote it\n"
        "visibility: public\nconcerns: {agreements: [deal]}\n---\n" + body
    ).encode()
    assert run_qtgov("fmt", "--check", "-C", root, "retrospectives").stdout == "1 files in canonical form\n"
    assert _rows(root) == []
    # A file without front matter is skipped and left alone; validate says why.
    (root / "retrospectives/look-back.md").write_text(body, "utf-8")
    skipped = run_qtgov("fmt", "-C", root, "retrospectives")
    assert skipped.stderr == (
        "qtgov: skipped retrospectives/look-back.md has no front matter between two --- lines; run qtgov validate\n"
    )
    assert (root / "retrospectives/look-back.md").read_text("utf-8") == body
