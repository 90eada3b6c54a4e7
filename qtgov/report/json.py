"""The JSON report of ``validate``: a stable interface that CI scripts parse (docs/design/output.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from qtgov import __version__, disclaimer
from qtgov.findings import Finding, failing, sort_findings, summarize
from qtgov.rules import DEFAULT_HELP_BASE, help_url


def failed(findings: Sequence[Finding], *, strict: bool = False) -> bool:
    """Whether these findings fail a run (exit 1); see `qtgov.findings.failing`."""
    return failing(findings, strict=strict)


def render(
    findings: Sequence[Finding],
    *,
    help_base: str = DEFAULT_HELP_BASE,
    strict: bool = False,
    version: str = __version__,
) -> str:
    """``{"qtgov", "disclaimer", "status", "summary", "findings"}``; keys in this order, UTF-8 kept."""
    ordered = sort_findings(findings)
    document = {
        "qtgov": version,
        "disclaimer": disclaimer.TEXT,
        "status": "fail" if failed(ordered, strict=strict) else "ok",
        "summary": summarize(ordered),
        "findings": [f.as_dict(help_url(f.rule, help_base)) for f in ordered],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
