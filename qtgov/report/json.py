"""The JSON report of ``validate``: a stable interface that CI scripts parse (docs/design/output.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

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
    return "".join(_encode(document)) + "\n"


# json.dumps(indent=2) runs the pure-Python encoder, 10 s for a report of 150,000 findings; this
# writes the same bytes (tests/test_report_json_fast.py) with the C encoder for every scalar.
_scalar = json.JSONEncoder(ensure_ascii=False).encode


def _encode(value: object, indent: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        if not value:
            yield "{}"
            return
        inner = indent + "  "
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            yield f"{',' if i else ''}\n{inner}{_scalar(str(key))}: "
            yield from _encode(item, inner)
        yield f"\n{indent}}}"
    elif isinstance(value, list | tuple):
        if not value:
            yield "[]"
            return
        inner = indent + "  "
        yield "["
        for i, item in enumerate(value):
            yield f"{',' if i else ''}\n{inner}"
            yield from _encode(item, inner)
        yield f"\n{indent}]"
    else:
        yield _scalar(value)
