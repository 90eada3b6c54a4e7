"""The fictional demo alliance in examples/demo-alliance: it validates with no errors (so CI can run
it), it shows every agreement type, status and review outcome, and — where those modules exist —
every overlap label and every antitrust rule R1–R10 fires on it at least once; one project of each
origin shows the project rules."""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import run_qtgov

from qtgov.overlaps import analyse
from qtgov.records.hashing import content_sha256
from qtgov.records.index import Index
from qtgov.records.repo import load_repository
from qtgov.records.yamlload import load_file

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-alliance"

Qtgov = Callable[..., subprocess.CompletedProcess[str]]

TYPES = {"market-boundary", "revenue-share", "talent", "contribution", "shareholding"}
STATUSES = {"draft", "proposed", "executed", "terminated", "cancelled", "rejected"}
LABELS = {"intra-group", "shared", "resolved", "blocked-review", "pending", "conflict", "unknown"}


@cache
def _index() -> Index:
    return load_repository(DEMO, use_cache=False).index


def _agreements() -> dict[str, dict[str, Any]]:
    return {a.id: a.data for a in _index().agreements.values()}


def _members() -> dict[str, dict[str, Any]]:
    return {m.id: m.data for m in _index().members.values()}


@cache
def _validate_json() -> dict[str, Any]:
    proc = run_qtgov("validate", "--format", "json", DEMO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def _rules_found() -> set[str]:
    return {f["rule"] for f in _validate_json()["findings"]}


# ---------------------------------------------------------------- it validates


def test_demo_validates_without_errors(qtgov: Qtgov) -> None:
    proc = qtgov("validate", DEMO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = _validate_json()
    assert report["status"] == "ok"
    assert report["summary"]["error"] == 0
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == []


def test_every_record_loads_and_is_schema_valid() -> None:
    loaded = load_repository(DEMO, use_cache=False)
    assert loaded.findings == []
    index = loaded.index
    assert index.alliance is not None and index.alliance.valid
    assert sorted(index.taxonomies) == ["gbt4754", "qt-markets", "qt-segments"]
    files = {p.stem for p in (DEMO / "members").glob("*.yaml")}
    assert files == set(index.members) and all(m.valid for m in index.members.values())
    files = {p.stem for p in (DEMO / "agreements").glob("*.yaml")}
    assert files == set(index.agreements) and all(a.valid for a in index.agreements.values())
    files = {p.stem for p in (DEMO / "projects").glob("*.yaml")}
    assert files == set(index.projects) and all(p.valid for p in index.projects.values())
    files = {p.stem for p in (DEMO / "retrospectives").glob("*.*")}
    assert (
        files
        == set(index.retrospectives)
        == {"course-bundle-2025", "gpu-shanghai-first-year", "zj-data-platform-infra"}
    )
    # One in each form: the Markdown one is public, so the public demo handbook shows that path.
    assert index.retrospectives["gpu-shanghai-first-year"].path == "retrospectives/gpu-shanghai-first-year.md"
    assert index.retrospectives["gpu-shanghai-first-year"].get("visibility") == "public"
    assert all(r.valid for r in index.retrospectives.values())


def test_every_record_has_a_schema_modeline() -> None:
    for path in DEMO.rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = {
            "members": "member",
            "agreements": "agreement",
            "projects": "project",
            "retrospectives": "retrospective",
            "taxonomy": "taxonomy",
            "charter": "alliance",
        }[path.parent.name]
        target = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert target, path
        assert (path.parent / target.group(1)).resolve() == ROOT / "schemas" / f"{kind}.schema.json"


def test_signatures_and_reviews_pin_the_current_content() -> None:
    for agreement in _index().agreements.values():
        current = content_sha256(agreement.data)
        for sig in agreement.get("signatures") or []:
            assert sig["content_sha256"] == current, agreement.id
        review = agreement.get("legal_review") or {}
        if "content_sha256" in review:
            assert review["content_sha256"] == current, agreement.id


# ---------------------------------------------------------------- what it contains


def test_every_agreement_type_and_status() -> None:
    agreements = _agreements().values()
    assert {a["type"] for a in agreements} == TYPES
    assert {a["status"] for a in agreements} == STATUSES


def test_talent_kinds_reviews_and_visibility() -> None:
    agreements = _agreements().values()
    kinds = {a["terms"]["kind"] for a in agreements if a["type"] == "talent" and "terms" in a}
    assert {"secondment", "part-time", "non-solicit", "training"} <= kinds
    reviews = {(a.get("legal_review") or {}).get("status") for a in agreements}
    assert {"approved", "approved_with_conditions", "requested"} <= reviews
    assert {a["visibility"] for a in agreements} == {"public", "alliance", "restricted"}
    restricted = [a for a in agreements if a["visibility"] == "restricted"]
    assert restricted and all("terms" not in a and a.get("documents") for a in restricted)


def test_a_training_engagement_uses_a_co_listed_course_and_passes_its_rule() -> None:
    agreements = _agreements()
    training = {i: a for i, a in agreements.items() if (a.get("terms") or {}).get("kind") == "training"}
    assert list(training) == ["tl-training-bank-analysts"]
    terms = training["tl-training-bank-analysts"]["terms"]
    listings = sorted(
        (item["id"], agreement_id, item["owner"])
        for agreement_id, a in agreements.items()
        if a["type"] == "revenue-share" and a["status"] not in ("cancelled", "rejected")
        for item in (a.get("terms") or {}).get("items", [])
        if item["id"] in terms["courses"]
    )
    # The course is Chitu Data's own, co-listed on the hub's platform (and proposed for the bundle).
    assert listings == [
        ("practical-data-analysis", "rs-analytics-course", "chitu-data"),
        ("practical-data-analysis", "rs-course-bundle", "chitu-data"),
    ]
    assert terms["trainer"] == "chitu-data"
    on_it = [f for f in _validate_json()["findings"] if f["path"] == "agreements/tl-training-bank-analysts.yaml"]
    assert on_it == []


def test_lifecycle_features() -> None:
    agreements = _agreements()
    amendments = [a for a in agreements.values() if a.get("amends")]
    assert amendments and all(a["amends"] in agreements for a in amendments)
    assert any(a.get("effective") == "on-execution" for a in agreements.values())
    assert any((a.get("renewal") or {}).get("auto") for a in agreements.values())
    # a fixed-term agreement that ended without being terminated
    assert any(
        a["status"] == "executed" and (a.get("term") or {}).get("end", "9999") < "2026-01-01"
        for a in agreements.values()
    )
    assert any(a["status"] == "terminated" and a.get("termination") for a in agreements.values())


def test_members() -> None:
    members = _members()
    assert 8 <= len(members) <= 10
    assert _index().settings.hub == "demo-hub" and members["demo-hub"]["kind"] == "hub"
    statuses = {m["status"] for m in members.values()}
    assert {"active", "prospective", "withdrawn"} <= statuses
    assert all(m.get("left") for m in members.values() if m["status"] == "withdrawn")
    for member in members.values():
        for rep in member.get("representatives") or []:
            assert {"id", "name", "title", "email", "commit_emails", "github", "can_sign", "since"} <= set(rep)


def test_a_parent_solely_controls_a_subsidiary_and_a_sister_company() -> None:
    sole: dict[str, set[str]] = {}
    for a in _agreements().values():
        if a["type"] == "shareholding" and a["status"] == "executed" and a["terms"]["control"] == "sole":
            sole.setdefault(a["terms"]["holder"], set()).add(a["terms"]["issuer"])
    assert any(len(issuers) >= 2 for issuers in sole.values())


def test_publish_is_private_so_every_visibility_is_legitimate() -> None:
    settings = _index().settings
    assert settings.publish_repository == "private"
    assert settings.languages == ("zh", "en")
    assert [c["id"] for c in settings.counsel] == ["counsel-lin"]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_it_is_clearly_fictional() -> None:
    for page in ("index.md", "index.en.md"):
        text = (DEMO / "charter" / page).read_text(encoding="utf-8")
        assert "虚构" in text if page == "index.md" else "fictional" in text.lower()
    emails = re.compile(r"[^@\s]+@([^@\s]+)")
    for path in DEMO.rglob("*.yaml"):
        result = load_file(DEMO, path.relative_to(DEMO).as_posix())
        assert result.document is not None, path
        for value in _strings(result.document.data):
            for domain in emails.findall(value):
                assert re.fullmatch(r"(.+\.)?example\.(com|org)", domain), (path, value)
            if value.startswith(("http://", "https://")):
                host = value.split("/")[2]
                assert re.fullmatch(r"(.+\.)?example\.(com|org)", host), (path, value)
    for member in _members().values():
        assert "identifiers" not in member  # not even made-up registry codes


# ---------------------------------------------------------------- overlaps and antitrust


def test_every_overlap_label_appears() -> None:
    report = analyse(_index())
    labels = {piece.label for entry in report.entries for piece in entry.pieces}
    assert labels == LABELS
    assert {"overlap", "overlap-unknown"} <= _rules_found()


def test_overlaps_command_shows_every_label(qtgov: Qtgov) -> None:
    proc = qtgov("overlaps", "--format", "json", DEMO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    labels = {piece["label"] for entry in data["overlaps"] for piece in entry["pieces"]}
    assert labels == LABELS


def test_the_intended_conflict_is_reported() -> None:
    conflicts = [f for f in _validate_json()["findings"] if f["rule"] == "overlap" and "(conflict)" in f["message"]]
    assert conflicts, "xinghe-cloud and chitu-data still have to coordinate enterprise databases in CN-GD"
    # Besides it, only the months before the hub acquired control of songtao-training (control
    # counts from its effective day, docs/design/ownership.md): one box of three members, in
    # which the hub and its subsidiary qingsong-classroom are one control group.
    assert [(f["path"], f["line"], f["message"]) for f in conflicts] == [
        (
            "members/chitu-data.yaml",
            46,
            "declared focus area 'databases-guangdong' of chitu-data overlaps xinghe-cloud's 'databases' on "
            "cloud/database × CN-GD × enterprise × 2025-01-01…: an overlap to coordinate that no agreement between "
            "them covers yet (conflict)",
        ),
        (
            "members/songtao-training.yaml",
            34,
            "declared focus area 'specialised-courses' of songtao-training meets those of 2 other members on "
            "edu/course/specialised × CN-ZJ × edu/higher × 2024-06-01…2024-08-31 (qingsong-classroom, demo-hub): "
            "no agreement between them covers it yet; pairs within one control group need nothing (conflict); "
            "`qtgov overlaps --member songtao-training` lists every pair",
        ),
    ]


@pytest.mark.parametrize("n", range(1, 11))
def test_every_antitrust_rule_fires(n: int) -> None:
    assert any(rule.startswith(f"r{n}-") for rule in _rules_found()), f"R{n} does not fire on the demo"


# ---------------------------------------------------------------- projects


def test_one_project_of_each_origin_with_three_to_five_packages() -> None:
    projects = {p.id: p.data for p in _index().projects.values()}
    assert sorted(p["origin"] for p in projects.values()) == ["breakdown", "subcontract"]
    assert all(3 <= len(p["packages"]) <= 5 for p in projects.values())


def test_project_findings_on_the_demo() -> None:
    found = [
        (f["path"], f["line"], f["rule"])
        for f in _validate_json()["findings"]
        if f["rule"].startswith(("project-", "r10-"))
    ]
    # Lanting Consulting's analytics package sits in Chitu Data's declared focus area, and Chitu
    # Data and Xinghe Cloud bid jointly for databases in Guangdong, which both declare.
    assert found == [
        ("projects/gd-bank-migration.yaml", 17, "r10-bid-coordination"),
        ("projects/zj-data-platform.yaml", 43, "project-package-overlap"),
    ]


def test_status_lists_open_packages_and_their_due_days(qtgov: Qtgov) -> None:
    proc = qtgov("status", "--as-of", "2026-05-01", "--due", "60d", "--format", "json", DEMO)
    assert proc.returncode == 0, proc.stderr
    rows = [(d["date"], d["kind"], d["id"]) for d in json.loads(proc.stdout)["deadlines"] if "/" in d["id"]]
    assert rows == [("2026-04-30", "overdue", "zj-data-platform/storage")]
    proc = qtgov("status", "--as-of", "2026-05-01", DEMO)
    assert proc.stdout.split("Work packages open on 2026-05-01: 3\n")[1].splitlines() == [
        "  gd-bank-migration/migration      in-progress      from 2026-04-16 until and including 2026-10-31  "
        "xinghe-cloud",
        "  zj-data-platform/storage         in-progress      from 2026-02-01 until and including 2026-04-30  "
        "chitu-data  (overdue)",
        "  zj-data-platform/analytics       planned          from 2026-04-01 until and including 2026-08-31  "
        "lanting-consulting",
    ]


def test_the_public_demo_handbook_shows_the_markdown_retrospective(tmp_path: Path) -> None:
    from qtgov.site.pipeline import BuildOptions, build

    out = tmp_path / "site"
    build(BuildOptions(DEMO, out=out, audience="public", languages=("zh",)))
    page = (out / "zh" / "retrospectives" / "gpu-shanghai-first-year" / "index.html").read_text("utf-8")
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert "上海 GPU 市场边界协议一年复盘（虚构）" in article
    # The body's Markdown, its headings under the page's own, marked with the body's language.
    assert re.search(r"<h3[^>]*>发生了什么</h3>", article) and re.search(r"<h3[^>]*>我们学到了什么</h3>", article)
    assert "<li>双方各自定价，从未交换价格或客户名单。</li>" in article
    assert 'lang="zh"' in article
    agreement = (out / "zh" / "agreements" / "mb-gpu-shanghai" / "index.html").read_text("utf-8")
    assert 'href="../../retrospectives/gpu-shanghai-first-year/"' in agreement
    listing = (out / "zh" / "retrospectives" / "index.html").read_text("utf-8")
    assert "gpu-shanghai-first-year/" in listing and "zj-data-platform-infra" not in listing


def test_the_public_demo_project_shows_no_values_and_names_no_left_out_member(tmp_path: Path) -> None:
    from qtgov.site.pipeline import BuildOptions, build

    out = tmp_path / "site"
    build(BuildOptions(DEMO, out=out, audience="public", languages=("en",)))
    page = (out / "en" / "projects" / "zj-data-platform" / "index.html").read_text("utf-8")
    article = html.unescape(page.split("<article", 1)[1].split("</article>", 1)[0])
    assert "Data platform for a provincial agency (fictional)" in article
    assert not (out / "en" / "projects" / "gd-bank-migration").exists()
    # Lanting Consulting is an alliance-only member: its package is shown as not public, and the
    # overlap finding that names it (and the note that names it) stay out of the public edition.
    assert "a member (not public)" in article and "lanting-consulting" not in article
    assert "Lanting" not in article and "project-package-overlap" not in article
    record = json.loads((out / "en" / "api" / "projects" / "zj-data-platform.json").read_text("utf-8"))["record"]
    assert "value" not in record and all("value" not in p for p in record["packages"])
