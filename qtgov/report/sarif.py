"""SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from qtgov import __version__, disclaimer
from qtgov.findings import Finding, Related, Severity, sort_findings
from qtgov.rules import DEFAULT_HELP_BASE, RULES, help_url

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://quanttide.github.io/qtgov/"

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _pascal(rule_id: str) -> str:
    # SARIF's reportingDescriptor.name is an identifier-like name ("HorizontalAllocation").
    return "".join(part[:1].upper() + part[1:] for part in rule_id.replace("_", "-").split("-"))


def _descriptor(rule_id: str, help_base: str, fallback: Severity) -> dict[str, object]:
    rule = RULES.get(rule_id)
    title = rule.title if rule else rule_id
    doc = rule.doc.strip() if rule else ""
    first_paragraph = " ".join(doc.split("\n\n", 1)[0].split()) if doc else title
    descriptor: dict[str, object] = {
        "id": rule_id,
        "name": _pascal(rule_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": first_paragraph},
        "helpUri": help_url(rule_id, help_base),
    }
    if doc:
        descriptor["help"] = {"text": doc, "markdown": doc}
    descriptor["defaultConfiguration"] = {"level": _LEVELS[rule.severity if rule else fallback]}
    if rule and rule.category:
        descriptor["properties"] = {"tags": [rule.category]}
    return descriptor


def _physical(path: str, line: int, column: int) -> dict[str, object]:
    # Paths are repository-relative; as URI references `%`, spaces and a `:` that would read as a
    # scheme must be percent-encoded.
    location: dict[str, object] = {"artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}}
    if line >= 1:  # SARIF regions are 1-based; 0 means the finding is about the whole file.
        region: dict[str, int] = {"startLine": line}
        if column >= 1:
            region["startColumn"] = column
        location["region"] = region
    return location


def _related(index: int, r: Related) -> dict[str, object]:
    return {
        "id": index,
        "physicalLocation": _physical(r.path, r.line, r.column),
        "message": {"text": r.message or f"{r.path}:{r.line}:{r.column}"},
    }


def _result(f: Finding, rule_index: int) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": _physical(f.path, f.line, f.column)}],
    }
    if f.related:
        result["relatedLocations"] = [_related(i, r) for i, r in enumerate(f.related, start=1)]
    properties: dict[str, object] = {"pointer": f.pointer}
    if f.new is not None:
        properties["new"] = f.new
    result["properties"] = properties
    return result


def render(
    findings: Sequence[Finding],
    *,
    help_base: str = DEFAULT_HELP_BASE,
    version: str = __version__,
) -> str:
    """One run whose driver describes every rule that has a result, and one result per finding."""
    ordered = sort_findings(findings)
    first_severity: dict[str, Severity] = {}
    for f in ordered:
        first_severity.setdefault(f.rule, f.severity)
    rule_ids = sorted(first_severity)
    rule_index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "qtgov",
                        "version": version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(r, help_base, first_severity[r]) for r in rule_ids],
                    }
                },
                # PyYAML marks count code points, not SARIF's default UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, rule_index[f.rule]) for f in ordered],
                "properties": {"disclaimer": disclaimer.TEXT},
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
