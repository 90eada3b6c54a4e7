"""This repository's own alliance (issue 9 item 13): the hub declares the focus areas its charter
names, restrictive allocations need counsel (`legal.strict`), and the records validate with no
error or warning — every fact not yet sourced stays an info finding."""

from __future__ import annotations

import json

from conftest import ROOT, run_qtgov

from qtgov.records.repo import load_repository


def test_this_repository_validates_with_only_unsourced_facts_as_info() -> None:
    result = run_qtgov("validate", "--format", "json", "-C", ROOT)
    assert (result.returncode, result.stderr) == (0, "")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["path"], f["rule"], f["severity"], f["message"].split(":")[0]) for f in findings] == [
        ("members/quanttide.yaml", "hub-facts", "info", f"hub record has no {fact}")
        for fact in ("identifiers", "jurisdiction", "legal_name", "sources", "website")
    ]


def test_the_hub_claims_cloud_courses_and_economic_consulting_and_strict_is_on() -> None:
    index = load_repository(ROOT, use_cache=False).index
    hub = index.members["quanttide"]
    assert [(c["id"], c["sector"], c["region"]) for c in hub.get("claims") or []] == [
        ("cloud", ["cloud"], ["*"]),
        ("courses", ["edu/course"], ["*"]),
        ("economic-consulting", ["consulting/economics"], ["*"]),
    ]
    assert (index.settings.hub, index.settings.legal_strict) == ("quanttide", True)
