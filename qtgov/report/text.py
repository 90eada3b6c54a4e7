"""Human-readable report: the disclaimer, one line per finding, then a summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from qtgov import disclaimer
from qtgov.findings import Finding, Severity, sort_findings, summarize
from qtgov.messages import msg
from qtgov.messages import render as say

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_RESET = "\x1b[0m"


_COUNTS = {
    "error": ("{n} error", "{n} errors"),
    "warning": ("{n} warning", "{n} warnings"),
    "info": ("{n} info", "{n} infos"),
}


def summary_line(counts: Mapping[str, int], lang: str = "en") -> str:
    """``2 errors, 1 warning, 0 infos``, or ``no problems found``."""
    if not any(counts.values()):
        return say(msg("no problems found"), lang)
    parts = []
    for level in ("error", "warning", "info"):
        one, many = _COUNTS[level]
        parts.append(say(msg(one if counts[level] == 1 else many, n=counts[level]), lang))
    return say(msg(", "), lang).join(parts)


def _continued(message: str) -> str:
    # A multi-line message must not look like further findings to `grep path:` or an editor's
    # problem matcher, so continuation lines are indented.
    return "\n    ".join(message.splitlines()) if message else message


_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def render(findings: Sequence[Finding], *, color: bool = False, lang: str = "en") -> str:
    """Disclaimer, ``path:line:col: severity [rule] message`` lines, related locations, summary;
    messages and words in `lang` (the rule id and the paths stay as they are)."""
    ordered = sort_findings(findings)
    lines = [disclaimer.TEXT, ""]
    for f in ordered:
        word = say(msg(_SEVERITY[f.severity]), lang)
        severity = f"{_COLORS[f.severity]}{word}{_RESET}" if color else word
        lines.append(f"{f.path}:{f.line}:{f.column}: {severity} [{f.rule}] {_continued(say(f.message, lang))}")
        related = say(msg("related"), lang)
        for r in f.related:
            lines.append(f"  {related}: {r.path}:{r.line}:{r.column}: {_continued(say(r.message, lang))}".rstrip())
    if ordered:
        lines.append("")
    lines.append(summary_line(summarize(ordered), lang))
    return "\n".join(lines) + "\n"
