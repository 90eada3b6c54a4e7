"""`qtgov fmt` over generated records (docs/design/authoring.md): the canonical form is a fixed
point, reads back as the same record, and never changes an agreement's content hash, whatever the
key order, indentation, list style and comments it starts from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import run_qtgov, write_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qtgov.authoring.fmt import canonical
from qtgov.records.hashing import content_sha256
from qtgov.records.yamlload import parse_text

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
IDS = st.builds(lambda a, b: f"{a}-{b}", WORDS, WORDS)
TEXTS = st.one_of(WORDS, st.builds(lambda a, b: f"{a} {b}", WORDS, WORDS), st.sampled_from(["是", "yes", "1.0", "on"]))
DAYS = st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10)


@st.composite
def agreements(draw: st.DrawFn) -> dict[str, Any]:
    parties = draw(st.lists(IDS, min_size=2, max_size=4, unique=True))
    record: dict[str, Any] = {
        "id": draw(IDS),
        "type": "market-boundary",
        "title": draw(st.one_of(TEXTS, st.fixed_dictionaries({"zh": TEXTS, "en": TEXTS}))),
        "version": draw(st.integers(1, 9)),
        "status": draw(st.sampled_from(["draft", "proposed", "executed"])),
        "parties": [{"member": p} for p in parties],
        "effective": draw(st.one_of(st.just("on-execution"), DAYS)),
        "visibility": draw(st.sampled_from(["public", "alliance"])),
        "terms": {
            "allocations": [
                {
                    "scope": {
                        "sector": draw(st.lists(WORDS, min_size=1, max_size=3, unique=True)),
                        "region": draw(st.lists(st.sampled_from(["CN", "CN-ZJ", "*", "US"]), min_size=1, unique=True)),
                    },
                    "holder": draw(st.sampled_from(["shared", *parties])),
                }
                for _ in range(draw(st.integers(1, 3)))
            ]
        },
    }
    if draw(st.booleans()):
        record["signatures"] = [
            {"member": p, "signatory": draw(IDS), "date": draw(DAYS), "content_sha256": "ab" * 32} for p in parties
        ]
    return record


def _scalar(value: Any, quote: bool) -> str:
    if isinstance(value, str):
        return (
            json.dumps(value, ensure_ascii=False)
            if quote or value in ("yes", "1.0", "on", "*", "null", "true", "false", "no", "off", "y", "n", "nan", "inf")
            else value
        )
    return str(value)


def emit(value: Any, indent: int, step: int, dash_in: bool, flow: bool, quote: bool, comment: bool) -> list[str]:
    """`value` as block YAML lines in a style of its own (a writer other than qtgov's)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if comment and indent == 0:
                lines.append(f"# about {key}")
            if isinstance(item, dict | list) and item:
                if isinstance(item, list) and flow and all(isinstance(v, str) for v in item):
                    lines.append(f"{pad}{key}: [{', '.join(_scalar(v, quote) for v in item)}]")
                    continue
                lines.append(f"{pad}{key}:")
                lines.extend(emit(item, indent + (step if isinstance(item, dict) or dash_in else 0), step,
                                  dash_in, flow, quote, comment))  # fmt: skip
            else:
                lines.append(f"{pad}{key}: {_scalar(item, quote)}")
        return lines
    for item in value:
        inner = emit(item, indent + 2, step, dash_in, flow, quote, False) if isinstance(item, dict | list) else None
        if inner:
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines.extend(inner[1:])
        else:
            lines.append(f"{pad}- {_scalar(item, quote)}")
    return lines


@st.composite
def written(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    record = draw(agreements())
    keys = draw(st.permutations(list(record)))
    shuffled = {k: record[k] for k in keys}
    style = [draw(st.sampled_from([2, 4])), draw(st.booleans()), draw(st.booleans()), draw(st.booleans())]
    lines = emit(shuffled, 0, style[0], style[1], style[2], style[3], draw(st.booleans()))
    return record, "\n".join(lines) + "\n"


def data(text: str) -> Any:
    result = parse_text("agreements/x.yaml", text)
    assert result.document is not None and result.findings == [], result.findings
    return result.document.data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(written())
def test_fmt_is_idempotent_and_keeps_the_record_and_its_hash(case: tuple[dict[str, Any], str]) -> None:
    record, text = case
    assert data(text) == record  # the generator writes what it means
    once = canonical("agreement", "agreements/x.yaml", text)
    assert canonical("agreement", "agreements/x.yaml", once) == once
    assert data(once) == record  # agreements: not even list order changes (it is signed)
    assert content_sha256(data(once)) == content_sha256(record)
    keys = [line.split(":")[0] for line in once.splitlines() if line[:1].isalpha()]
    assert keys == [k for k in ORDER if k in record]  # the schema's order


#: The schema's order of an agreement's fields, as far as the generator writes them.
ORDER = ["id", "type", "title", "version", "status", "parties", "signatures", "effective", "visibility", "terms"]


UNSORTED = """\
# The parties' agreement.
type: market-boundary
id: mb
title: Boundary
version: 1
status: draft
parties:
- member: hub
- member: acme
effective: on-execution
visibility: public
terms:
    allocations:
    - scope: {sector: [edu], region: ['*']}
      holder: shared
"""


def test_fmt_check_names_the_first_difference_and_fmt_keeps_the_hash(tmp_path: Path) -> None:
    acme = "id: acme\nkind: member\nname: Acme\nstatus: active\nvisibility: public\njoined: 2025-01-01\n"
    repo = write_repo(tmp_path / "repo", {"members/acme.yaml": acme, "agreements/mb.yaml": UNSORTED})
    before = run_qtgov("hash", repo / "agreements/mb.yaml")
    assert before.returncode == 0, before.stderr
    check = run_qtgov("fmt", "--check", "-C", repo, "agreements")
    assert (check.returncode, check.stdout) == (
        1,
        "agreements/mb.yaml:2: not in canonical form (run qtgov fmt agreements/mb.yaml)\n",
    )
    assert (repo / "agreements/mb.yaml").read_text("utf-8") == UNSORTED
    done = run_qtgov("fmt", "-C", repo, "agreements/mb.yaml")
    assert (done.returncode, done.stdout) == (0, "formatted agreements/mb.yaml\n1 formatted, 0 unchanged\n")
    assert (repo / "agreements/mb.yaml").read_text("utf-8") == (
        "# The parties' agreement.\nid: mb\ntype: market-boundary\ntitle: Boundary\nversion: 1\nstatus: draft\n"
        "parties:\n  - member: hub\n  - member: acme\neffective: on-execution\nvisibility: public\n"
        "terms:\n  allocations:\n    - scope: {sector: [edu], region: ['*']}\n      holder: shared\n"
    )
    assert run_qtgov("hash", repo / "agreements/mb.yaml").stdout == before.stdout
    again = run_qtgov("fmt", "--check", "-C", repo, "agreements")
    assert (again.returncode, again.stdout) == (0, "1 files in canonical form\n")
