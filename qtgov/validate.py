"""`qtgov validate`: every finding of a repository in one run, sorted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from qtgov.findings import Finding, failing, sort_findings, summarize
from qtgov.records.index import Index
from qtgov.records.repo import load_repository
from qtgov.rules import checks


@dataclass
class Validation:
    index: Index
    findings: list[Finding]

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    def failed(self, strict: bool = False) -> bool:
        return failing(self.findings, strict=strict)


def run_checks(index: Index) -> list[Finding]:
    """Every cross-record rule over an already loaded index."""
    out: list[Finding] = []
    for rule in checks():
        assert rule.check is not None
        out.extend(rule.check(index))
    return out


def validate(root: Path, *, use_cache: bool = True) -> Validation:
    loaded = load_repository(root, use_cache=use_cache)
    findings = loaded.findings + run_checks(loaded.index)
    return Validation(loaded.index, sort_findings(findings))
