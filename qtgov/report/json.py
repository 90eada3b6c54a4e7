"""The JSON report of ``validate``: a stable interface that CI scripts parse (docs/design/output.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import Any

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
    return encode(document) + "\n"


# json.dumps(indent=2) runs the pure-Python encoder, 13 s for a report of 159,000 findings; this
# writes the same bytes (tests/test_report_json_fast.py) with the C string escaper.
_scalar = json.JSONEncoder(ensure_ascii=False).encode


def encode(value: object) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)` (for string keys), faster."""
    out: list[str] = []
    _write(value, "", out)
    return "".join(out)


# Exact types only: a str or int subclass (an enum) goes through the encoder, like json.dumps.
_SCALARS: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda _value: "null",
}


def _write(value: object, indent: str, out: list[str]) -> None:
    text = _SCALARS.get(type(value))
    if text is not None:
        out.append(text(value))
    elif isinstance(value, dict | list | tuple):
        if not value:
            out.append("{}" if isinstance(value, dict) else "[]")
            return
        inner = indent + "  "
        newline = "\n" + inner
        items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
        opening = "{" if isinstance(value, dict) else "["
        for i, (key, item) in enumerate(items):
            prefix = (opening if i == 0 else ",") + newline
            if key is not None:
                prefix += (encode_basestring(key) if type(key) is str else _scalar(str(key))) + ": "
            text = _SCALARS.get(type(item))
            if text is not None:
                out.append(prefix + text(item))
            else:
                out.append(prefix)
                _write(item, inner, out)
        out.append("\n" + indent + ("}" if isinstance(value, dict) else "]"))
    else:
        out.append(_scalar(value))
